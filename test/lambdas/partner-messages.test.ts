/**
 * The handlers on messages built the way the real senders build them (test/lambdas/support/senders.ts
 * describes each sender), against moto_server and the local Mozart: repeated responses for a
 * re-sent product, Cumulus crash responses, per-archive CNES answers, and odd files (empty, BOM,
 * Latin-1, folder markers, keys too long to record).
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CnesBatcher } from '../../lambdas/cnes-batcher/batcher';
import { archiveNotification, readConfig as senderConfig } from '../../lambdas/cnm-s-sender/handler';
import { createHandler as consumerHandler, readConfig as consumerConfig } from '../../lambdas/cnm-r-consumer/handler';
import { createHandler as stagingHandler, readConfig as stagingConfig } from '../../lambdas/staging-submit/handler';
import type { CnmNotification } from '../../lambdas/shared/cnm';
import { submitJob } from '../../lambdas/shared/mozart';
import { decodeUtf8Text, firstInvalidUtf8Offset } from '../../lambdas/shared/s3-object';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { capturingLogger, createBucket, createIdempotencyTable, putObject, s3Event, sqsEvent, sqsRecord, unique, useEmulator } from './support/aws';
import { cnmSchemaErrors } from './support/cnm-schema';
import { startMozart, type FakeMozart } from './support/mozart-server';
import { cnesAnswers, cumulusCrashResponse, cumulusResponse, cumulusTime } from './support/senders';

const withMoto = HAS_MOTO ? describe : describe.skip;

describe('text decoding rules', () => {
  it('drops a UTF-8 byte-order mark', () => {
    expect(decodeUtf8Text(Buffer.from('\ufeff{"a":1}', 'utf8'), 'f')).toBe('{"a":1}');
  });

  it('fails on Latin-1 text, naming the byte offset of the first bad byte', () => {
    // "café" in Latin-1: é is the single byte 0xE9, which UTF-8 never allows before an ASCII byte.
    const latin1 = Buffer.from('{"site":"café"}', 'latin1');
    expect(firstInvalidUtf8Offset(latin1)).toBe(12);
    expect(() => decodeUtf8Text(latin1, 's3://b/k')).toThrow('s3://b/k is not UTF-8: invalid byte sequence at byte offset 12 (bytes e9 22 7d; Latin-1 or Windows-1252 text looks like this)');
  });

  it('counts the offset in the file, BOM included, and refuses overlong forms, surrogates and truncation', () => {
    expect(() => decodeUtf8Text(Buffer.from([0xef, 0xbb, 0xbf, 0x41, 0xc0, 0x80]), 'f')).toThrow('at byte offset 4');
    expect(firstInvalidUtf8Offset(Buffer.from([0xed, 0xa0, 0x80]))).toBe(0); // a UTF-16 surrogate
    expect(firstInvalidUtf8Offset(Buffer.from([0x41, 0xe2, 0x82]))).toBe(1); // cut short
    expect(firstInvalidUtf8Offset(Buffer.from('żółw 🐢 ok', 'utf8'))).toBe(-1);
  });
});

withMoto('handlers on messages as partners send them', () => {
  let moto: Moto;
  let mozart: FakeMozart;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  const messages = unique('messages');
  const archive = unique('archive');
  const dataset = unique('dataset');
  const table = unique('idempotency');
  let job: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    mozart = await startMozart();
    s3 = new S3Client({});
    dynamodb = new DynamoDBClient({});
    for (const b of [messages, archive, dataset]) await createBucket(s3, b);
    await createIdempotencyTable(dynamodb, table);
    job = { MOZART_URL: mozart.url, JOB_TYPE: 'process_cnm_r', JOB_RELEASE: 'r1', JOB_QUEUE: 'factotum', IDEMPOTENCY_TABLE: table };
  }, 90000);
  afterAll(async () => {
    await mozart?.stop();
    await moto?.stop();
  });
  beforeEach(() => mozart.reset());

  function consumer() {
    const logger = capturingLogger();
    const config = consumerConfig({ ...job, MESSAGES_BUCKET: messages, CNM_R_PREFIX: 'cnm-r/', RECORD_PREFIX: 'cnm-r/received/' });
    return { handler: consumerHandler(() => ({ config, idempotencyTable: table, s3, dynamodb, submit: submitJob, logger, now: Date.now })), logger };
  }

  function staging() {
    const logger = capturingLogger();
    const config = stagingConfig({ ...job, DATASET_BUCKET: dataset, STAGING_PREFIX: 'staging_area/', STAGING_SUFFIX: '.met.json' });
    return { handler: stagingHandler(() => ({ config, idempotencyTable: table, s3, dynamodb, submit: submitJob, logger, now: Date.now })), logger };
  }

  /** The kit's own CNM-S for an archive (what the DAAC's Cumulus answers). */
  function kitCnmS(key: string, eTag: string, at: string): CnmNotification {
    const config = senderConfig({ ARCHIVE_BUCKET: archive, OUTGOING_PREFIX: 'outgoing/', STREAM_ARN: 'arn:aws:kinesis:us-west-2:123456789012:stream/cnm', CNM_VERSION: '1.6.0', PROVIDER: 'SWOT_PCM', IDEMPOTENCY_TABLE: table });
    return archiveNotification(config, 'SWOT_L2', key, 1000, eTag, new Date(at));
  }

  const jobs = () => mozart.accepted().map((j) => ({ id: j.params.id, status: j.params.status, product: (j.params.response as { product?: { name?: string } }).product?.name }));

  describe('Cumulus CNM-R (DAAC, raw SNS delivery)', () => {
    it('submits a job for each FAILURE of a re-sent product (same identifier and status), once each', async () => {
      const key = `outgoing/SWOT_L2/${unique('granule')}.tar.gz`;
      // The archive is re-sent a day later: the CNM-S identifier (bucket, key, ETag) repeats.
      const first = cumulusResponse(kitCnmS(key, 'e1', '2024-05-01T10:00:00Z'), {
        status: 'FAILURE', received: new Date('2024-05-01T10:00:03Z'), completed: new Date('2024-05-01T10:01:00Z'), errorCode: 'TRANSFER_ERROR', errorMessage: 'timeout fetching s3://archive/...',
      });
      const second = cumulusResponse(kitCnmS(key, 'e1', '2024-05-02T10:00:00Z'), {
        status: 'FAILURE', received: new Date('2024-05-02T10:00:02Z'), completed: new Date('2024-05-02T10:00:40Z'), errorCode: 'VALIDATE_CHECKSUM', errorMessage: 'checksum mismatch',
      });
      expect(first.identifier).toBe(second.identifier);
      expect(first).not.toHaveProperty('product');
      expect(first.processCompleteTime).toBe('2024-05-01 10:01:00Z');
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(sqsRecord(first)))).toEqual({ batchItemFailures: [] });
      expect(await handler(sqsEvent(sqsRecord(second)))).toEqual({ batchItemFailures: [] });
      // SQS redelivers each (at least once): no new job.
      expect(await handler(sqsEvent(sqsRecord(first), sqsRecord(second)))).toEqual({ batchItemFailures: [] });
      expect(jobs()).toEqual([
        { id: first.identifier, status: 'FAILURE', product: undefined },
        { id: first.identifier, status: 'FAILURE', product: undefined },
      ]);
      expect(logger.lines.filter((l) => l.message.includes('duplicate skipped'))).toHaveLength(2);
      // Two records, one per response: the second never overwrote what the first job was given.
      const urls = mozart.accepted().map((j) => j.params.record_url as string);
      expect(new Set(urls).size).toBe(2);
      const records = await Promise.all(urls.map(async (u) => JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: messages, Key: u.slice(`s3://${messages}/`.length) }))).Body!.transformToString())));
      expect(records.map((r) => r.response.errorCode)).toEqual(['TRANSFER_ERROR', 'VALIDATE_CHECKSUM']);
    });

    it('records a SUCCESS with top-level ingestionMetadata and Cumulus times once, however it is re-serialized', async () => {
      const response = cumulusResponse(kitCnmS(`outgoing/SWOT_L2/${unique('g')}.tar`, 'e9', '2024-05-01T10:00:00Z'), {
        status: 'SUCCESS', received: new Date('2024-05-01T10:00:01Z'), completed: new Date('2024-05-01T10:02:00Z'), catalogId: 'G1234-POCLOUD',
      });
      expect(response).toMatchObject({ ingestionMetadata: { catalogId: 'G1234-POCLOUD' }, product: { name: expect.any(String) }, response: { status: 'SUCCESS' } });
      // The same response with its keys in another order and ISO times (a proxy re-serializing it).
      const reordered = Object.fromEntries(Object.entries(response).reverse().map(([k, v]) => [k, k.endsWith('Time') && typeof v === 'string' ? v.replace(' ', 'T') : v]));
      const { handler } = consumer();
      expect(await handler(sqsEvent(sqsRecord(response), sqsRecord(reordered)))).toEqual({ batchItemFailures: [] });
      expect(jobs()).toEqual([{ id: response.identifier, status: 'SUCCESS', product: (response.product as { name: string }).name }]);
      const recorded = mozart.accepted()[0].params.response as Record<string, unknown>;
      expect(recorded).toMatchObject({ processCompleteTime: '2024-05-01T10:02:00Z', response: { status: 'SUCCESS', ingestionMetadata: { catalogId: 'G1234-POCLOUD' } } });
      expect(cnmSchemaErrors(recorded)).toEqual([]);
    });

    it('processes every Cumulus crash response ("Unknown/Missing identifier"), even two identical ones, but not a redelivery', async () => {
      const at = new Date('2024-05-03T08:00:00Z');
      const a = cumulusCrashResponse('KeyError: identifier', at);
      const b = cumulusCrashResponse('Lambda timed out', at);
      const aAgain = cumulusCrashResponse('KeyError: identifier', at); // a second crash in the same second
      expect(cumulusTime(at)).toBe('2024-05-03 08:00:00Z');
      const { handler } = consumer();
      const firstDelivery = sqsRecord(a, 'crash-a');
      expect(await handler(sqsEvent(firstDelivery, sqsRecord(b, 'crash-b'), sqsRecord(aAgain, 'crash-a2')))).toEqual({ batchItemFailures: [] });
      // SQS redelivers the first message (same message id): not a new crash.
      expect(await handler(sqsEvent(sqsRecord(a, 'crash-a')))).toEqual({ batchItemFailures: [] });
      expect(mozart.accepted().map((j) => (j.params.response as { response: { errorMessage: string } }).response.errorMessage)).toEqual([
        'KeyError: identifier',
        'Lambda timed out',
        'KeyError: identifier',
      ]);
      expect(new Set(mozart.accepted().map((j) => j.params.record_url)).size).toBe(3);
    });

    it('fails a response whose identifier makes the record key longer than S3 allows, naming the limit', async () => {
      const long = cumulusResponse({ ...kitCnmS('outgoing/SWOT_L2/x.tar', 'e', '2024-05-01T10:00:00Z'), identifier: 'é'.repeat(200) }, {
        status: 'SUCCESS', received: new Date(), completed: new Date(),
      });
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(sqsRecord(long, 'long')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'long' }] });
      expect(logger.errors()[0].fields.error).toMatch(/^the record key for CNM-R "é+" would be 12\d\d bytes .*S3 keys are at most 1024 bytes/);
      expect(mozart.requests).toHaveLength(0);
    });
  });

  describe('CNES answer files under cnm-r/', () => {
    /** A real batch CNM-S, written by the batcher for three archives. */
    async function cnesBatch(): Promise<CnmNotification> {
      const outgoing = `outgoing/${unique('C')}/`;
      const names = ['a 1.tar', 'b+2.tar', 'c.tar'];
      for (const n of names) await putObject(s3, archive, `${outgoing}${n}`, n);
      const batcher = new CnesBatcher({
        archiveBucket: archive, outgoingPrefix: outgoing, messagesBucket: messages, cnmSPrefix: `cnm-s/${unique('x')}/`,
        statePrefix: `state/${unique('s')}/`, cnmVersion: '1.6.0', provider: 'SWOT_PCM', collection: 'SWOT_ARCHIVES',
      }, s3);
      const summary = await batcher.run();
      const key = summary.batches[0].cnmKey;
      return JSON.parse(await (await s3.send(new GetObjectCommand({ Bucket: messages, Key: key }))).Body!.transformToString());
    }

    async function cnesWrites(name: string, body: string | Buffer): Promise<object> {
      const key = `cnm-r/${name}`;
      await putObject(s3, messages, key, body);
      return s3Event(messages, key); // URL-encoded as S3 sends it
    }

    it('submits one job per archive answer: two FAILUREs in one file, two SUCCESS files for one batch', async () => {
      const batch = await cnesBatch();
      const at = new Date('2024-05-01T11:00:00Z');
      const failures = cnesAnswers(batch, [{ file: 'a 1.tar', status: 'FAILURE', errorMessage: 'no space' }, { file: 'b+2.tar', status: 'FAILURE', errorMessage: 'no space' }], at);
      const ok1 = cnesAnswers(batch, [{ file: 'c.tar', status: 'SUCCESS' }], at);
      const ok2 = cnesAnswers(batch, [{ file: 'a 1.tar', status: 'SUCCESS' }], new Date('2024-05-01T12:00:00Z'));
      const events = [
        await cnesWrites(`${batch.identifier} failures.json`, JSON.stringify(failures)),
        await cnesWrites(`${batch.identifier}+c.json`, JSON.stringify(ok1[0])),
        await cnesWrites(`${batch.identifier}+a retry.json`, JSON.stringify(ok2)),
      ];
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(...events.map((e) => sqsRecord(e))))).toEqual({ batchItemFailures: [] });
      // S3 notifies twice sometimes: the same events again change nothing.
      expect(await handler(sqsEvent(...events.map((e) => sqsRecord(e))))).toEqual({ batchItemFailures: [] });
      expect(jobs()).toEqual([
        { id: batch.identifier, status: 'FAILURE', product: 'a 1.tar' },
        { id: batch.identifier, status: 'FAILURE', product: 'b+2.tar' },
        { id: batch.identifier, status: 'SUCCESS', product: 'c.tar' },
        { id: batch.identifier, status: 'SUCCESS', product: 'a 1.tar' },
      ]);
      expect(logger.lines.filter((l) => l.message.includes('duplicate skipped')).map((l) => l.fields.file)).toEqual([
        `cnm-r/${batch.identifier} failures.json`,
        `cnm-r/${batch.identifier} failures.json`,
        `cnm-r/${batch.identifier}+c.json`,
        `cnm-r/${batch.identifier}+a retry.json`,
      ]);
    });

    it('reads a file with a UTF-8 BOM, and refuses a Latin-1 file naming the byte offset', async () => {
      const batch = await cnesBatch();
      const [answer] = cnesAnswers(batch, [{ file: 'c.tar', status: 'FAILURE', errorMessage: 'refusé' }], new Date('2024-05-01T11:00:00Z'));
      const text = JSON.stringify(answer);
      const withBom = await cnesWrites(`${unique('bom')}.json`, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
      const latin1 = await cnesWrites(`${unique('latin1')}.json`, Buffer.from(text, 'latin1'));
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(sqsRecord(withBom, 'bom'), sqsRecord(latin1, 'latin1')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'latin1' }] });
      expect((mozart.accepted()[0].params.response as { response: { errorMessage: string } }).response.errorMessage).toBe('refusé');
      const offset = Buffer.from(text, 'latin1').indexOf(0xe9);
      expect(logger.errors()[0].fields.error).toMatch(new RegExp(`is not UTF-8: invalid byte sequence at byte offset ${offset} \\(bytes e9 22`));
      expect(logger.errors()[0].fields.expected).toMatch(/UTF-8 text/);
    });

    it('refuses an empty CNES file clearly', async () => {
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(sqsRecord(await cnesWrites(`${unique('empty')}.json`, ''), 'empty')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'empty' }] });
      expect(logger.errors()[0].fields.error).toMatch(/cnm-r\/empty-\w+\.json is empty$/);
    });

    it("ignores the kit's own cnm-r/ marker object when a deploy re-writes it", async () => {
      await putObject(s3, messages, 'cnm-r/', '');
      const { handler, logger } = consumer();
      expect(await handler(sqsEvent(sqsRecord(s3Event(messages, 'cnm-r/', { size: 0 }))))).toEqual({ batchItemFailures: [] });
      expect(logger.lines.map((l) => [l.level, l.message])).toEqual([['info', 'folder marker ignored: not a CNM-R file']]);
      expect(mozart.requests).toHaveLength(0);
    });
  });

  describe('staging-area signal files', () => {
    async function signal(name: string, body: string | Buffer): Promise<object> {
      const key = `staging_area/${name}.met.json`;
      await putObject(s3, dataset, key, body);
      return s3Event(dataset, key);
    }

    it('submits the job with no metadata for an empty signal file (touch x.met.json)', async () => {
      const name = `${unique('L2 granule')}.h5`;
      const { handler } = staging();
      expect(await handler(sqsEvent(sqsRecord(await signal(name, ''))))).toEqual({ batchItemFailures: [] });
      expect(mozart.accepted().map((j) => j.params)).toEqual([{ id: name, data_url: `s3://${dataset}/staging_area/${name}`, data_file: name, metadata: {} }]);
    });

    it('reads a signal file with a BOM and refuses a Latin-1 one naming the offset', async () => {
      const { handler, logger } = staging();
      const metadata = { id: unique('ds'), site: 'Gérardmer' };
      const bom = await signal(unique('bom'), Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JSON.stringify(metadata), 'utf8')]));
      const latin1 = await signal(unique('latin1'), Buffer.from(JSON.stringify(metadata), 'latin1'));
      expect(await handler(sqsEvent(sqsRecord(bom, 'bom'), sqsRecord(latin1, 'latin1')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'latin1' }] });
      expect(mozart.accepted().map((j) => j.params.metadata)).toEqual([metadata]);
      const offset = Buffer.from(JSON.stringify(metadata), 'latin1').indexOf(0xe9);
      expect(logger.errors()[0].fields.error).toMatch(new RegExp(`is not UTF-8: invalid byte sequence at byte offset ${offset}`));
    });

    it("ignores the kit's own staging_area/ marker", async () => {
      const { handler, logger } = staging();
      expect(await handler(sqsEvent(sqsRecord(s3Event(dataset, 'staging_area/', { size: 0 }))))).toEqual({ batchItemFailures: [] });
      expect(logger.errors()).toHaveLength(0);
      expect(mozart.requests).toHaveLength(0);
    });
  });
});
