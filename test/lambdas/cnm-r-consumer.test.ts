/** cnm-r-consumer against moto_server (S3, DynamoDB), a local Mozart and the official CNM samples. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createHandler, readConfig, type CnmRConsumerDeps } from '../../lambdas/cnm-r-consumer/handler';
import { normalizeCnmResponse } from '../../lambdas/shared/cnm';
import { submitJob } from '../../lambdas/shared/mozart';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { capturingLogger, createBucket, createIdempotencyTable, putObject, s3Event, S3_TEST_EVENT, sqsEvent, sqsRecord, unique, useEmulator } from './support/aws';
import { cnmSamples, cnmSchemaErrors, isValidCnmResponse } from './support/cnm-schema';
import { startMozart, type FakeMozart } from './support/mozart-server';

const withMoto = HAS_MOTO ? describe : describe.skip;

/** A CNM-R as a DAAC sends it, with a fresh identifier. */
function cnmR(status: 'SUCCESS' | 'FAILURE', extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: '1.6.0',
    provider: 'PODAAC',
    collection: 'SWOT_L2',
    submissionTime: '2024-05-01T10:00:00.000Z',
    receivedTime: '2024-05-01T10:00:05.000Z',
    processCompleteTime: '2024-05-01T10:03:00.000Z',
    identifier: unique('granule'),
    response: status === 'SUCCESS' ? { status } : { status, errorCode: 'TRANSFER_ERROR', errorMessage: 'checksum mismatch' },
    ...extra,
  };
}

describe('CNM-R normalization', () => {
  it('moves a top-level ingestionMetadata under response and puts a T in a spaced processCompleteTime', () => {
    const metadata = { catalogId: 'G1-POCLOUD', catalogUrl: 'https://cmr.example/G1' };
    const message = { ...cnmR('SUCCESS'), ingestionMetadata: metadata, processCompleteTime: '2024-05-01 10:03:00.000Z' };
    const normalized = normalizeCnmResponse(message);
    expect(normalized.response).toEqual({ status: 'SUCCESS', ingestionMetadata: metadata });
    expect(normalized.processCompleteTime).toBe('2024-05-01T10:03:00.000Z');
    expect(normalized).not.toHaveProperty('ingestionMetadata');
    expect(cnmSchemaErrors(normalized)).toEqual([]);
  });

  it('accepts a FAILURE without product, and the normalized form is a valid CNM-R', () => {
    const normalized = normalizeCnmResponse(cnmR('FAILURE'));
    expect(normalized.product).toBeUndefined();
    expect(normalized.response).toEqual({ status: 'FAILURE', errorCode: 'TRANSFER_ERROR', errorMessage: 'checksum mismatch' });
    expect(cnmSchemaErrors(normalized)).toEqual([]);
  });

  it.each(cnmSamples().filter((s) => isValidCnmResponse(s.message)))('normalizes the sample response $name into a valid CNM-R', ({ message }) => {
    expect(cnmSchemaErrors(normalizeCnmResponse(message))).toEqual([]);
  });

  it.each([
    ['a CNM-S notification', { identifier: 'x', product: { name: 'p', files: [] } }, /a CNM-S notification/],
    ['no identifier', { response: { status: 'SUCCESS' } }, /no identifier/],
    ['an unknown status', { identifier: 'x', response: { status: 'OK' } }, /response.status is "OK"/],
    ['an array', [], /must be a JSON object, found an array/],
  ])('fails %s', (_what, message, error) => {
    expect(() => normalizeCnmResponse(message)).toThrow(error);
  });
});

withMoto('cnm-r-consumer', () => {
  let moto: Moto;
  let mozart: FakeMozart;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  const bucket = unique('messages');
  let env: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    mozart = await startMozart();
    s3 = new S3Client({});
    dynamodb = new DynamoDBClient({});
    await createBucket(s3, bucket);
    env = {
      MESSAGES_BUCKET: bucket,
      CNM_R_PREFIX: 'cnm-r/',
      RECORD_PREFIX: 'cnm-r/received/',
      MOZART_URL: mozart.url,
      JOB_TYPE: 'process_cnm_r',
      JOB_RELEASE: 'release-1',
      JOB_QUEUE: 'factotum-job_worker-small',
      IDEMPOTENCY_TABLE: unique('idempotency'),
    };
    await createIdempotencyTable(dynamodb, env.IDEMPOTENCY_TABLE);
  }, 90000);
  afterAll(async () => {
    await mozart?.stop();
    await moto?.stop();
  });
  beforeEach(() => mozart.reset());

  function handlerWith(table = env.IDEMPOTENCY_TABLE) {
    const logger = capturingLogger();
    const deps: CnmRConsumerDeps = { config: readConfig(env), idempotencyTable: table, s3, dynamodb, submit: submitJob, logger, now: Date.now };
    return { handler: createHandler(() => deps), logger };
  }

  async function readJson(key: string): Promise<unknown> {
    const out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return JSON.parse(await out.Body!.transformToString());
  }

  it('accepts every sample the schema calls a response and refuses every notification', async () => {
    const outcomes: Record<string, string> = {};
    const expected: Record<string, string> = {};
    for (const { name, message } of cnmSamples()) {
      // A table per sample: several samples share one identifier and would be duplicates.
      const table = unique('samples');
      await createIdempotencyTable(dynamodb, table);
      const { handler, logger } = handlerWith(table);
      const out = await handler(sqsEvent(sqsRecord(message as object, name)));
      outcomes[name] = out.batchItemFailures.length === 0 ? 'accepted' : `refused: ${String(logger.errors()[0].fields.error)}`;
      expected[name] = isValidCnmResponse(message) ? 'accepted' : expect.stringMatching(/^refused: .*a CNM-S notification/);
    }
    expect(outcomes).toEqual(expected);
    // 16 samples: 7 responses (one of them named "notification") and 9 notifications.
    expect(Object.values(outcomes).filter((o) => o === 'accepted')).toHaveLength(7);
    expect(mozart.accepted()).toHaveLength(7);
  });

  it('records a DAAC response under the record prefix and submits the job with it', async () => {
    const message = { ...cnmR('SUCCESS'), identifier: `${unique('g')}/with slash`, ingestionMetadata: { catalogId: 'G1' }, processCompleteTime: '2024-05-01 10:03:00Z' };
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(message, 'daac-1')))).toEqual({ batchItemFailures: [] });
    const recordUrl = mozart.accepted()[0]?.params.record_url as string;
    expect(recordUrl).toMatch(new RegExp(`^s3://${bucket}/cnm-r/received/daac/${encodeURIComponent(message.identifier)}/SUCCESS-[0-9a-f]{16}\\.json$`));
    const key = recordUrl.slice(`s3://${bucket}/`.length);
    const recorded = await readJson(key);
    expect(recorded).toEqual(normalizeCnmResponse(message));
    expect(recorded).toMatchObject({ processCompleteTime: '2024-05-01T10:03:00Z', response: { status: 'SUCCESS', ingestionMetadata: { catalogId: 'G1' } } });
    expect(mozart.accepted()).toEqual([
      expect.objectContaining({
        type: 'job-process_cnm_r:release-1',
        queue: 'factotum-job_worker-small',
        priority: '0',
        params: { id: message.identifier, status: 'SUCCESS', source: 'daac', record_url: `s3://${bucket}/${key}`, response: recorded },
      }),
    ]);
  });

  it('submits one job for the same response delivered twice', async () => {
    const message = cnmR('SUCCESS');
    const { handler, logger } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(message), sqsRecord(message)))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(sqsRecord({ ...message, processCompleteTime: '2024-05-01 10:03:00.000Z' })))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toHaveLength(1);
    expect(logger.lines.filter((l) => l.message.includes('duplicate skipped'))).toHaveLength(2);
  });

  it('reads a CNES file holding an array: a SUCCESS and a FAILURE under one identifier are two jobs', async () => {
    const success = cnmR('SUCCESS');
    const failure = { ...cnmR('FAILURE'), identifier: success.identifier };
    const key = `cnm-r/${unique('cnes')}.json`;
    await putObject(s3, bucket, key, JSON.stringify([success, failure]));
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(s3Event(bucket, key))))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted().map((j) => [j.params.source, j.params.id, j.params.status])).toEqual([
      ['cnes', success.identifier, 'SUCCESS'],
      ['cnes', success.identifier, 'FAILURE'],
    ]);
    const failureRecord = (mozart.accepted()[1].params.record_url as string).slice(`s3://${bucket}/`.length);
    expect(failureRecord).toMatch(new RegExp(`^cnm-r/received/cnes/${String(success.identifier)}/FAILURE-[0-9a-f]{16}\\.json$`));
    expect(await readJson(failureRecord)).toMatchObject({ response: { status: 'FAILURE' } });
  });

  it('reads a CNES file holding one response', async () => {
    const message = cnmR('SUCCESS');
    const key = `cnm-r/${unique('cnes')}.json`;
    await putObject(s3, bucket, key, JSON.stringify(message));
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(s3Event(bucket, key))))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted().map((j) => j.params.id)).toEqual([message.identifier]);
  });

  it('ignores its own records and the S3 test event', async () => {
    const { handler, logger } = handlerWith();
    const own = s3Event(bucket, 'cnm-r/received/daac/x/SUCCESS-0123456789abcdef.json');
    expect(await handler(sqsEvent(sqsRecord(own), sqsRecord(S3_TEST_EVENT)))).toEqual({ batchItemFailures: [] });
    expect(mozart.requests).toHaveLength(0);
    expect(logger.errors()).toHaveLength(0);
  });

  it('processes the good responses of a CNES file and fails the message for the bad one', async () => {
    const good = cnmR('SUCCESS');
    const key = `cnm-r/${unique('mixed')}.json`;
    await putObject(s3, bucket, key, JSON.stringify([good, { identifier: 'n', product: { name: 'p', files: [] } }]));
    const { handler, logger } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(s3Event(bucket, key), 'mixed')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'mixed' }] });
    expect(logger.errors()[0].fields.error).toMatch(/\[1\] the message "n" is a CNM-S notification/);
    expect(mozart.accepted().map((j) => j.params.id)).toEqual([good.identifier]);
    // The retry skips the good one and fails again on the bad one: the message reaches the DLQ.
    expect(await handler(sqsEvent(sqsRecord(s3Event(bucket, key), 'mixed')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'mixed' }] });
    expect(mozart.accepted()).toHaveLength(1);
  });

  const bad: [string, () => Promise<object | string>, RegExp][] = [
    ['a body that is not JSON', async () => '<xml/>', /not JSON/],
    ['an SNS envelope', async () => ({ Type: 'Notification', Message: '{}' }), /raw message delivery/],
    ['a CNM-S notification', async () => ({ identifier: 'x', version: '1.6.0', product: { name: 'p', files: [] } }), /a CNM-S notification/],
    ['a CNM-R without identifier', async () => ({ response: { status: 'SUCCESS' } }), /no identifier/],
    ['a CNM-R with status "DONE"', async () => ({ identifier: 'x', response: { status: 'DONE' } }), /response.status is "DONE"/],
    ['a CNES file that is not JSON', async () => { const k = `cnm-r/${unique('bad')}.json`; await putObject(s3, bucket, k, 'nope'); return s3Event(bucket, k); }, /is not JSON/],
    ['a CNES file holding an empty array', async () => { const k = `cnm-r/${unique('empty')}.json`; await putObject(s3, bucket, k, '[]'); return s3Event(bucket, k); }, /empty array/],
    ['an event for a key outside cnm-r/', async () => s3Event(bucket, 'cnm-s/x.json'), /outside cnm-r\//],
    ['an event for another bucket', async () => s3Event('other-bucket', 'cnm-r/x.json'), /bucket other-bucket/],
  ];

  it.each(bad)('fails %s: a logged error and a batch item failure', async (_what, body, error) => {
    const { handler, logger } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(await body(), 'bad')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(logger.errors()).toEqual([expect.objectContaining({ fields: expect.objectContaining({ messageId: 'bad', error: expect.stringMatching(error), expected: expect.any(String) }) })]);
    expect(mozart.requests).toHaveLength(0);
  });

  it('fails when Mozart answers 500, then submits once on retry', async () => {
    const message = cnmR('FAILURE');
    mozart.next('error500');
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(message, 'm')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'm' }] });
    expect(await handler(sqsEvent(sqsRecord(message, 'm')))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(sqsRecord(message, 'm')))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toHaveLength(1);
  });

  it('fails to start when the record prefix would swallow the CNES prefix', () => {
    expect(() => readConfig({ ...env, RECORD_PREFIX: 'cnm-r/' })).toThrow('RECORD_PREFIX "cnm-r/" contains CNM_R_PREFIX "cnm-r/"');
  });

  it('works as the exported handler, configured by environment variables', async () => {
    const saved = { ...process.env };
    const logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      Object.assign(process.env, env);
      let handlerModule: typeof import('../../lambdas/cnm-r-consumer/handler') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, so a fresh handler (reading this env) needs require
        handlerModule = require('../../lambdas/cnm-r-consumer/handler');
      });
      const message = cnmR('SUCCESS');
      expect(await handlerModule!.handler(sqsEvent(sqsRecord(message)))).toEqual({ batchItemFailures: [] });
      expect(mozart.accepted().map((j) => j.params.id)).toEqual([message.identifier]);
    } finally {
      logs.mockRestore();
      process.env = saved;
    }
  });
});
