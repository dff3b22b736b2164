/** staging-submit against moto_server (S3, DynamoDB) and a local Mozart. */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { createHandler, readConfig, type StagingSubmitDeps } from '../../lambdas/staging-submit/handler';
import { submitJob } from '../../lambdas/shared/mozart';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import {
  capturingLogger,
  consoleLines,
  createBucket,
  createIdempotencyTable,
  lambdaContext,
  nextSequencer,
  putObject,
  s3Event,
  S3_TEST_EVENT,
  sqsEvent,
  sqsRecord,
  unique,
  useEmulator,
} from './support/aws';
import { deadUrl, startMozart, type FakeMozart } from './support/mozart-server';

const withMoto = HAS_MOTO ? describe : describe.skip;

withMoto('staging-submit', () => {
  let moto: Moto;
  let mozart: FakeMozart;
  let s3: S3Client;
  let dynamodb: DynamoDBClient;
  const bucket = unique('dataset');
  const table = unique('idempotency');
  let env: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    mozart = await startMozart();
    s3 = new S3Client({});
    dynamodb = new DynamoDBClient({});
    await createBucket(s3, bucket);
    await createBucket(s3, 'someone-elses-bucket');
    await createIdempotencyTable(dynamodb, table);
    env = {
      MOZART_URL: mozart.url,
      DATASET_BUCKET: bucket,
      STAGING_PREFIX: 'staging_area/',
      STAGING_SUFFIX: '.met.json',
      JOB_TYPE: 'ingest_staged',
      JOB_RELEASE: 'release-20240101',
      JOB_QUEUE: 'factotum-job_worker-small',
      JOB_PRIORITY: '3',
      IDEMPOTENCY_TABLE: table,
      MOZART_TIMEOUT_MS: '2000',
    };
  }, 90000);
  afterAll(async () => {
    await mozart?.stop();
    await moto?.stop();
  });
  beforeEach(() => mozart.reset());

  function handlerWith(overrides: Partial<StagingSubmitDeps> = {}, envOverrides: Record<string, string> = {}) {
    const logger = capturingLogger();
    const config = readConfig({ ...env, ...envOverrides });
    const deps: StagingSubmitDeps = { config, idempotencyTable: table, s3, dynamodb, submit: submitJob, logger, now: Date.now, ...overrides };
    return { handler: createHandler(() => deps), logger };
  }

  async function stage(name: string, content: string): Promise<object> {
    const key = `staging_area/${name}.met.json`;
    await putObject(s3, bucket, key, content);
    return s3Event(bucket, key);
  }

  it('submits the configured job with id, data_url, data_file and the metadata', async () => {
    const name = `LC08 L1TP+${unique('x')}.TIF`;
    const metadata = { id: `LC08_${name}`, geolocation: [1, 2, 3, 4], whatever: 'okay' };
    const event = await stage(name, JSON.stringify(metadata));
    const { handler, logger } = handlerWith();
    const out = await handler(sqsEvent(sqsRecord(event, 'm-1')));
    expect(out).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toEqual([
      {
        type: 'job-ingest_staged:release-20240101',
        queue: 'factotum-job_worker-small',
        priority: '3',
        tags: [metadata.id],
        params: { id: metadata.id, data_url: `s3://${bucket}/staging_area/${name}`, data_file: name, metadata },
        name: `job-ingest_staged-${metadata.id}`,
        enable_dedup: 'true',
        jobId: 'job-1',
      },
    ]);
    expect(logger.lines).toEqual([expect.objectContaining({ level: 'info', message: 'job submitted', fields: expect.objectContaining({ messageId: 'm-1', jobId: 'job-1' }) })]);
  });

  it('names the dataset after the staged file when the signal has no string id', async () => {
    const name = unique('granule');
    const event = await stage(`sub/${name}.h5`, JSON.stringify({ id: 42, other: true }));
    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(event)))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()[0].params).toMatchObject({ id: `${name}.h5`, data_file: `${name}.h5`, data_url: `s3://${bucket}/staging_area/sub/${name}.h5` });
  });

  it('ignores the s3:TestEvent S3 sends when the notification is configured', async () => {
    const { handler, logger } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(S3_TEST_EVENT)))).toEqual({ batchItemFailures: [] });
    expect(mozart.requests).toHaveLength(0);
    expect(logger.errors()).toHaveLength(0);
  });

  type BadCase = [string, () => Promise<object | string>, RegExp];
  const badInputs: BadCase[] = [
    ['a body that is not JSON', async () => 'not json {', /not JSON/],
    ['a JSON body that is not an S3 event', async () => ({ hello: 'world' }), /not an S3 event notification/],
    ['an SNS envelope (raw delivery off)', async () => ({ Type: 'Notification', Message: '{}' }), /raw message delivery/],
    ['an event for another bucket', async () => s3Event('someone-elses-bucket', 'staging_area/a.met.json'), /bucket someone-elses-bucket/],
    ['a key outside the prefix', async () => s3Event(bucket, 'elsewhere/a.met.json'), /not a signal file/],
    ['a key without the suffix', async () => s3Event(bucket, 'staging_area/a.TIF'), /not a signal file/],
    [
      'a record with neither a sequencer nor an ETag and time to stand in for it',
      async () => JSON.stringify(s3Event(bucket, 'staging_area/a.met.json')).replace(/"sequencer":"[^"]*"/, '"sequencer":""').replace(/"eTag":"[^"]*"/, '"eTag":null'),
      /sequencer is missing/,
    ],
    ['a signal file that is not JSON', async () => stage(unique('bad'), 'id: yaml?'), /is not JSON/],
    ['a signal file holding an array', async () => stage(unique('arr'), '[1,2]'), /holds an array, not a JSON object/],
    ['a signal file that does not exist', async () => s3Event(bucket, `staging_area/${unique('gone')}.met.json`), /does not exist/],
  ];

  it.each(badInputs)('fails %s: a logged error naming the message and a batch item failure', async (_what, body, message) => {
    const { handler, logger } = handlerWith();
    const out = await handler(sqsEvent(sqsRecord(await body(), 'bad-1')));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad-1' }] });
    expect(logger.errors()).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ messageId: 'bad-1', error: expect.stringMatching(message), expected: expect.any(String) }) }),
    ]);
    expect(mozart.accepted()).toHaveLength(0);
  });

  const mozartFailures: [string, () => Promise<Partial<StagingSubmitDeps> | Record<string, string>>, RegExp][] = [
    ['Mozart down', async () => ({ MOZART_URL: await deadUrl() }), /could not be reached: ECONNREFUSED/],
    ['Mozart answering 500', async () => (mozart.next('error500'), {}), /answered HTTP 500/],
    ['Mozart answering garbage', async () => (mozart.next('garbage'), {}), /not JSON/],
    ['Mozart refusing the job', async () => (mozart.next('reject'), {}), /did not accept the job/],
    ['Mozart not answering in time', async () => (mozart.next('hang'), { MOZART_TIMEOUT_MS: '300' }), /no answer within 300 ms/],
  ];

  it.each(mozartFailures)('fails with %s, naming the URL, then submits exactly once on retry', async (_what, setup, message) => {
    const event = await stage(unique('retry'), JSON.stringify({ id: unique('ds') }));
    const failing = handlerWith({}, (await setup()) as Record<string, string>);
    const first = await failing.handler(sqsEvent(sqsRecord(event, 'r-1')));
    expect(first).toEqual({ batchItemFailures: [{ itemIdentifier: 'r-1' }] });
    expect(failing.logger.errors()[0].fields.error).toMatch(message);
    expect(failing.logger.errors()[0].fields.error).toMatch(/Mozart http:\/\/127\.0\.0\.1:\d+\/mozart\/api\/v0\.1\/job\/submit/);
    expect(failing.logger.errors()[0].fields.expected).toMatch(/HTTP 200 with \{"success": true, "result": "<job id>"\}/);

    const { handler } = handlerWith();
    expect(await handler(sqsEvent(sqsRecord(event, 'r-1')))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(sqsRecord(event, 'r-1')))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toHaveLength(1);
  });

  it('submits one job for one event delivered twice, and a new one for a re-upload', async () => {
    const name = unique('dup');
    const event = await stage(name, JSON.stringify({ id: name }));
    const { handler, logger } = handlerWith();
    // Twice in one batch, and again in a later invocation.
    expect(await handler(sqsEvent(sqsRecord(event, 'a'), sqsRecord(event, 'b')))).toEqual({ batchItemFailures: [] });
    expect(await handler(sqsEvent(sqsRecord(event, 'c')))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toHaveLength(1);
    expect(logger.lines.filter((l) => l.message.includes('duplicate skipped'))).toHaveLength(2);

    const reupload = JSON.parse(JSON.stringify(event));
    reupload.Records[0].s3.object.sequencer = nextSequencer();
    expect(await handler(sqsEvent(sqsRecord(reupload)))).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted()).toHaveLength(2);
  });

  it('fails only the bad record of a mixed batch', async () => {
    const good = await stage(unique('good'), '{}');
    const { handler } = handlerWith();
    const out = await handler(sqsEvent(sqsRecord(good, 'good'), sqsRecord('garbage', 'bad'), sqsRecord(S3_TEST_EVENT, 'test')));
    expect(out).toEqual({ batchItemFailures: [{ itemIdentifier: 'bad' }] });
    expect(mozart.accepted()).toHaveLength(1);
  });

  it('tags every log line of an invocation with its request id, and each invocation with its own', async () => {
    const good = await stage(unique('good'), '{}');
    const { handler, logger } = handlerWith();
    await handler(sqsEvent(sqsRecord(good, 'good'), sqsRecord('garbage', 'bad'), sqsRecord(S3_TEST_EVENT, 'test')), lambdaContext('req-A', 'pcm-test-staging-submit'));
    await handler(sqsEvent(sqsRecord(good, 'again')), lambdaContext('req-B', 'pcm-test-staging-submit'));
    expect(logger.lines.map((l) => [l.message, l.fields.messageId, l.fields.requestId, l.fields.functionName])).toEqual([
      ['job submitted', 'good', 'req-A', 'pcm-test-staging-submit'],
      [expect.stringContaining('message failed'), 'bad', 'req-A', 'pcm-test-staging-submit'],
      ['S3 test event ignored', 'test', 'req-A', 'pcm-test-staging-submit'],
      ['signal file already submitted; duplicate skipped', 'again', 'req-B', 'pcm-test-staging-submit'],
    ]);
  });

  describe('the exported handler, configured by environment variables', () => {
    it('fails the whole batch with an error naming a missing variable, and imports without it', async () => {
      const saved = { ...process.env };
      try {
        let handlerModule: typeof import('../../lambdas/staging-submit/handler') | undefined;
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, so a fresh handler (reading this env) needs require
          handlerModule = require('../../lambdas/staging-submit/handler');
        });
        Object.assign(process.env, env);
        delete process.env.JOB_QUEUE;
        const { error, lines } = await consoleLines(() => handlerModule!.handler(sqsEvent(sqsRecord('{}')), lambdaContext('req-config')));
        expect(error).toEqual(expect.objectContaining({ message: expect.stringContaining('environment variable JOB_QUEUE is not set') }));
        expect(lines).toEqual([expect.objectContaining({ level: 'error', message: expect.stringContaining('configuration error'), requestId: 'req-config' })]);
      } finally {
        process.env = saved;
      }
    });

    it('submits a job with real SDK clients from the environment (AWS_ENDPOINT_URL -> moto)', async () => {
      const saved = { ...process.env };
      const logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
      try {
        Object.assign(process.env, env);
        let handlerModule: typeof import('../../lambdas/staging-submit/handler') | undefined;
        jest.isolateModules(() => {
          // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, so a fresh handler (reading this env) needs require
          handlerModule = require('../../lambdas/staging-submit/handler');
        });
        const event = await stage(unique('real'), JSON.stringify({ id: 'real-1' }));
        expect(await handlerModule!.handler(sqsEvent(sqsRecord(event, 'real')), lambdaContext('req-real', 'pcm-test-staging-submit'))).toEqual({ batchItemFailures: [] });
        expect(mozart.accepted().map((j) => j.params.id)).toEqual(['real-1']);
        expect(JSON.parse(logs.mock.calls[0][0] as string)).toEqual({
          timestamp: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
          level: 'info',
          message: 'job submitted',
          requestId: 'req-real',
          functionName: 'pcm-test-staging-submit',
          messageId: 'real',
          bucket,
          key: expect.any(String),
          sequencer: expect.any(String),
          jobId: mozart.accepted()[0].jobId,
          id: 'real-1',
        });
      } finally {
        logs.mockRestore();
        process.env = saved;
      }
    });
  });
});
