/** cnm-s-sender against moto_server (S3, DynamoDB, Kinesis, STS) and the official CNM schema. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, GetRecordsCommand, GetShardIteratorCommand, KinesisClient, ListShardsCommand } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { archiveNotification, createHandler, readConfig, STREAM_ROLE_SESSION, streamClient, type CnmSSenderDeps } from '../../lambdas/cnm-s-sender/handler';
import { deterministicIdentifier, productNameOf } from '../../lambdas/shared/cnm';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { capturingLogger, createBucket, createIdempotencyTable, nextSequencer, putObject, s3Event, S3_TEST_EVENT, sqsEvent, sqsRecord, unique, useEmulator } from './support/aws';
import { cnmSchemaErrors } from './support/cnm-schema';

const withMoto = HAS_MOTO ? describe : describe.skip;

const config = readConfig({
  ARCHIVE_BUCKET: 'archive',
  OUTGOING_PREFIX: 'outgoing/',
  STREAM_ARN: 'arn:aws:kinesis:us-west-2:123456789012:stream/cnm',
  CNM_VERSION: '1.6.0',
  PROVIDER: 'SWOT_PCM',
  IDEMPOTENCY_TABLE: 't',
});

describe('CNM-S for an archive', () => {
  it('names the product after the file without its archive extensions', () => {
    expect(['a.tar.gz', 'b.tgz', 'c.tar', 'd.zip', 'e.nc', 'F.TAR.GZ', '.tar'].map(productNameOf)).toEqual(['a', 'b', 'c', 'd', 'e.nc', 'F', '.tar']);
  });

  it('validates against the official schema, with version 1.6.0 and a UTC time ending in Z', () => {
    const message = archiveNotification(config, 'SWOT_L2', 'outgoing/SWOT_L2/granule_001.tar.gz', 1234, 'abc', new Date('2024-05-01T10:00:00Z'));
    expect(cnmSchemaErrors(message)).toEqual([]);
    expect(message).toEqual({
      version: '1.6.0',
      provider: 'SWOT_PCM',
      submissionTime: '2024-05-01T10:00:00.000Z',
      collection: 'SWOT_L2',
      identifier: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/),
      product: { name: 'granule_001', files: [{ type: 'data', name: 'granule_001.tar.gz', uri: 's3://archive/outgoing/SWOT_L2/granule_001.tar.gz', size: 1234 }] },
    });
  });

  it('keeps the identifier across retries (same bucket, key and ETag) and changes it with the content', () => {
    const at = (eTag: string, time: string) => archiveNotification(config, 'C', 'outgoing/C/x.tar', 1, eTag, new Date(time)).identifier;
    expect(at('e1', '2024-01-01T00:00:00Z')).toBe(at('e1', '2024-06-01T00:00:00Z'));
    expect(at('e1', '2024-01-01T00:00:00Z')).not.toBe(at('e2', '2024-01-01T00:00:00Z'));
  });

  it('makes the identifier an RFC 9562 version 8 UUID: SHA-256\'s first 128 bits, version 8, variant 10', () => {
    // SHA-256("a") starts ca978112ca1bbdca fac231b39a23dc4d (the published test vector): byte 6
    // (bd) takes the version nibble 8, byte 8 (fa) the variant bits 10 (fa -> ba).
    expect(deterministicIdentifier('a')).toBe('ca978112-ca1b-8dca-bac2-31b39a23dc4d');
    const ids = Array.from({ length: 200 }, (_, i) => deterministicIdentifier('archive', `outgoing/C/${i}.tar`, `etag-${i}`));
    for (const id of ids) {
      const bytes = Buffer.from(id.replace(/-/g, ''), 'hex');
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
      expect(bytes[6] >> 4).toBe(8);
      expect(bytes[8] >> 6).toBe(0b10);
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('gives the same input the same identifier, and keeps the parts apart', () => {
    expect(deterministicIdentifier('archive', 'outgoing/C/x.tar', 'e1')).toBe('6314536d-2bf3-81bd-a3c4-09de882facd8');
    expect(deterministicIdentifier('archive', 'outgoing/C/x.tar', 'e1')).toBe(deterministicIdentifier('archive', 'outgoing/C/x.tar', 'e1'));
    expect(deterministicIdentifier('ab', 'c')).not.toBe(deterministicIdentifier('a', 'bc'));
  });

  it('fails to start on a stream or role that is not an ARN', () => {
    const env = { ARCHIVE_BUCKET: 'a', OUTGOING_PREFIX: 'outgoing/', CNM_VERSION: '1.6.0', PROVIDER: 'p', IDEMPOTENCY_TABLE: 't' };
    expect(() => readConfig({ ...env, STREAM_ARN: 'cnm-stream' })).toThrow('STREAM_ARN is "cnm-stream"; expected arn:aws:kinesis:');
    expect(() => readConfig({ ...env, STREAM_ARN: config.streamArn, STREAM_ROLE_ARN: 'daac-role' })).toThrow('STREAM_ROLE_ARN is "daac-role"');
  });
});

withMoto('cnm-s-sender', () => {
  let moto: Moto;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  let kinesis: KinesisClient;
  const bucket = unique('archive');
  const table = unique('idempotency');
  const stream = unique('cnm');
  let streamArn: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    s3 = new S3Client({});
    dynamodb = new DynamoDBClient({});
    kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    await createBucket(s3, bucket);
    await createIdempotencyTable(dynamodb, table);
    await kinesis.send(new CreateStreamCommand({ StreamName: stream, ShardCount: 1 }));
    streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: stream }))).StreamDescriptionSummary!.StreamARN!;
    env = { ARCHIVE_BUCKET: bucket, OUTGOING_PREFIX: 'outgoing/', STREAM_ARN: streamArn, CNM_VERSION: '1.6.0', PROVIDER: 'SWOT_PCM', IDEMPOTENCY_TABLE: table };
  }, 90000);
  afterAll(() => moto?.stop());

  let seen = 0;
  /** The CNM-S put on the stream since the last call, with their partition keys. */
  async function newRecords(): Promise<{ partitionKey: string; message: Record<string, unknown> }[]> {
    const shards = await kinesis.send(new ListShardsCommand({ StreamName: stream }));
    const iterator = await kinesis.send(new GetShardIteratorCommand({ StreamName: stream, ShardId: shards.Shards![0].ShardId!, ShardIteratorType: 'TRIM_HORIZON' }));
    const out = await kinesis.send(new GetRecordsCommand({ ShardIterator: iterator.ShardIterator! }));
    const all = (out.Records ?? []).map((r) => ({ partitionKey: r.PartitionKey!, message: JSON.parse(Buffer.from(r.Data!).toString('utf8')) }));
    const fresh = all.slice(seen);
    seen = all.length;
    return fresh;
  }

  function handlerWith(overrides: Partial<CnmSSenderDeps> = {}) {
    const logger = capturingLogger();
    const c = readConfig(env);
    const deps: CnmSSenderDeps = { config: c, idempotencyTable: table, s3, dynamodb, kinesis: streamClient(c), logger, now: Date.now, ...overrides };
    return { handler: createHandler(() => deps), logger };
  }

  async function archive(collection: string, name: string, body = 'tar bytes'): Promise<{ key: string; event: object }> {
    const key = `outgoing/${collection}/${name}`;
    const { eTag, size } = await putObject(s3, bucket, key, body);
    return { key, event: s3Event(bucket, key, { eTag, size }) };
  }

  it('puts one schema-valid CNM-S per archive on the stream, keyed by its identifier', async () => {
    const { key, event } = await archive('SWOT_L2', `${unique('granule')}.tar.gz`, 'x'.repeat(321));
    const { handler, logger } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(event, 'a-1')))).toEqual({ batchItemFailures: [] });
    const records = await newRecords();
    expect(records).toHaveLength(1);
    const [{ partitionKey, message }] = records;
    expect(cnmSchemaErrors(message)).toEqual([]);
    expect(partitionKey).toBe(message.identifier);
    expect(message).toMatchObject({
      version: '1.6.0',
      provider: 'SWOT_PCM',
      collection: 'SWOT_L2',
      submissionTime: expect.stringMatching(/Z$/),
      product: { name: key.slice(key.lastIndexOf('/') + 1, -'.tar.gz'.length), files: [{ type: 'data', uri: `s3://${bucket}/${key}`, size: 321 }] },
    });
    expect(logger.lines).toEqual([expect.objectContaining({ message: 'CNM-S sent', fields: expect.objectContaining({ messageId: 'a-1', identifier: message.identifier }) })]);
  });

  it('signs with the DAAC role\'s credentials, cached, and assumes the role again only within 5 minutes of their expiry', async () => {
    const client = streamClient(readConfig({ ...env, STREAM_ROLE_ARN: 'arn:aws:iam::123456789012:role/daac-cnm-writer' }));
    const credentials = () => client.config.credentials();
    const first = await credentials();
    const whoami = await new STSClient({ credentials: first }).send(new GetCallerIdentityCommand({}));
    expect(whoami.Arn).toBe(`arn:aws:sts::123456789012:assumed-role/daac-cnm-writer/${STREAM_ROLE_SESSION}`);
    // An hour's session (DurationSeconds 3600), not STS's default.
    expect(first.expiration!.getTime() - Date.now()).toBeGreaterThan(55 * 60_000);
    expect(await credentials()).toBe(first);
    const clock = jest.spyOn(Date, 'now');
    let refreshed: typeof first;
    try {
      clock.mockReturnValue(first.expiration!.getTime() - 6 * 60_000);
      expect(await credentials()).toBe(first);
      clock.mockReturnValue(first.expiration!.getTime() - 4 * 60_000);
      refreshed = await credentials();
      expect(refreshed.accessKeyId).not.toBe(first.accessKeyId);
    } finally {
      clock.mockRestore();
    }
    // Back at the real time, the new credentials have most of their hour left: cached again.
    expect(await credentials()).toBe(refreshed);
  });

  it('reads size and ETag from the object when the event lacks them', async () => {
    const { key } = await archive('C', `${unique('g')}.zip`, 'twelve bytes');
    const event = s3Event(bucket, key) as { Records: { s3: { object: Record<string, unknown> } }[] };
    delete event.Records[0].s3.object.size;
    delete event.Records[0].s3.object.eTag;
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(event)))).toEqual({ batchItemFailures: [] });
    const [{ message }] = await newRecords();
    expect((message.product as { files: { size: number }[] }).files[0].size).toBe(12);
  });

  it('sends one CNM-S for one event delivered twice, and repeats the identifier when a failed send is retried', async () => {
    const { event } = await archive('C', `${unique('dup')}.tar`);
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(event), sqsRecord(event)))).toEqual({ batchItemFailures: [] });
    expect(await newRecords()).toHaveLength(1);

    // The stream refuses the first put of another archive; the retry sends the same identifier.
    const second = await archive('C', `${unique('retry')}.tar`);
    const c = readConfig(env);
    let failed = 0;
    const flaky = streamClient(c);
    const send = flaky.send.bind(flaky);
    flaky.send = ((command: never) => (failed++ === 0 ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : send(command))) as typeof flaky.send;
    const retrying = handlerWith({ kinesis: flaky });
    expect(await retrying.handler(sqsEvent(sqsRecord(second.event, 'r')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'r' }] });
    expect(await retrying.handler(sqsEvent(sqsRecord(second.event, 'r')))).toEqual({ batchItemFailures: [] });
    const records = await newRecords();
    expect(records).toHaveLength(1);
    expect(records[0].message.identifier).toBe(archiveNotification(c, 'C', second.key, 9, (second.event as { Records: { s3: { object: { eTag: string } } }[] }).Records[0].s3.object.eTag, new Date()).identifier);
  });

  it('sends again for a re-upload (a new event), with the same identifier when the content is the same', async () => {
    const { event } = await archive('C', `${unique('again')}.tar`);
    const { handler } = handlerWith();
    await handler(sqsEvent(sqsRecord(event)));
    const reupload = JSON.parse(JSON.stringify(event));
    reupload.Records[0].s3.object.sequencer = nextSequencer();
    await handler(sqsEvent(sqsRecord(reupload)));
    const records = await newRecords();
    expect(records).toHaveLength(2);
    expect(records[0].message.identifier).toBe(records[1].message.identifier);
  });

  it('ignores the S3 test event, console folder markers and the kit\'s own outgoing/ marker', async () => {
    const { handler, logger } = handlerWith();
    // The data stack creates `outgoing/` as an empty object; a deploy that re-writes it after the
    // notification exists sends this event.
    const markers = [s3Event(bucket, 'outgoing/SWOT_L2/'), s3Event(bucket, 'outgoing/', { size: 0 })];
    expect(await handler(sqsEvent(sqsRecord(S3_TEST_EVENT), ...markers.map((m) => sqsRecord(m))))).toEqual({ batchItemFailures: [] });
    expect(await newRecords()).toHaveLength(0);
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([
      ['info', 'S3 test event ignored'],
      ['info', 'folder marker ignored: not an archive'],
      ['info', 'folder marker ignored: not an archive'],
    ]);
  });

  it.each([
    ['a body that is not JSON', 'nope', /not JSON/],
    ['an archive without a collection folder', s3Event('BUCKET', 'outgoing/granule.tar'), /is not <prefix><collection>\/<file>/],
    ['an archive nested deeper than one collection folder', s3Event('BUCKET', 'outgoing/C/sub/granule.tar'), /is not <prefix><collection>\/<file>/],
    ['an object outside outgoing/', s3Event('BUCKET', 'incoming/C/granule.tar'), /outside outgoing\//],
    ['an event for another bucket', s3Event('other-bucket', 'outgoing/C/granule.tar'), /bucket other-bucket/],
  ])('fails %s: a logged error and a batch item failure', async (_what, body, error) => {
    const { handler, logger } = handlerWith();
    const text = (typeof body === 'string' ? body : JSON.stringify(body)).replace('BUCKET', bucket);
    expect(await handler(sqsEvent(sqsRecord(text, 'bad')))).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(logger.errors()).toEqual([expect.objectContaining({ fields: expect.objectContaining({ messageId: 'bad', error: expect.stringMatching(error), expected: expect.any(String) }) })]);
    expect(await newRecords()).toHaveLength(0);
  });

  it('works as the exported handler, writing through the role in STREAM_ROLE_ARN', async () => {
    const saved = { ...process.env };
    const logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      Object.assign(process.env, env, { STREAM_ROLE_ARN: 'arn:aws:iam::123456789012:role/daac-cnm-writer' });
      let handlerModule: typeof import('../../lambdas/cnm-s-sender/handler') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, so a fresh handler (reading this env) needs require
        handlerModule = require('../../lambdas/cnm-s-sender/handler');
      });
      const { event } = await archive('C', `${unique('real')}.tgz`);
      expect(await handlerModule!.handler(sqsEvent(sqsRecord(event)))).toEqual({ batchItemFailures: [] });
      const records = await newRecords();
      expect(records).toHaveLength(1);
      expect(cnmSchemaErrors(records[0].message)).toEqual([]);
    } finally {
      logs.mockRestore();
      process.env = saved;
    }
  });
});
