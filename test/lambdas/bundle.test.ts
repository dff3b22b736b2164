/**
 * The bundler: deterministic zips named by content hash, small (the SDK stays outside), and the
 * bundled handlers working end to end in a fresh node process against moto_server and Mozart.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateStreamCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { unzipSync } from 'fflate';
import { bundleLambda, forgetBuiltLambdas, LAMBDA_NAMES, type LambdaName } from '../../modules/lambda/bundle';
import { zip, zipFingerprint } from '../../modules/lambda/zip';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { REPO } from '../support/run';
import { createBucket, createIdempotencyTable, putObject, s3Event, sqsEvent, sqsRecord, unique, useEmulator } from './support/aws';
import { startMozart, type FakeMozart } from './support/mozart-server';
import { runBundled, unzip } from './support/run-bundle';

const tmp = () => mkdtempSync(join(tmpdir(), 'pcm-bundle-'));

describe('bundleLambda', () => {
  it.each(LAMBDA_NAMES)('builds %s into a zip holding only index.js, byte-identical on a second build', (name) => {
    const first = bundleLambda(name, { outDir: tmp() });
    const second = bundleLambda(name, { outDir: tmp() });
    expect(second.zipPath).not.toBe(first.zipPath);
    expect(readFileSync(second.zipPath).equals(readFileSync(first.zipPath))).toBe(true);
    expect(second.sha256Base64).toBe(first.sha256Base64);
    expect(Object.keys(unzip(readFileSync(first.zipPath)))).toEqual(['index.js']);
    expect(first.zipPath).toMatch(new RegExp(`/${name}-[0-9a-f]{16}\\.zip$`));
    // The SDK is the runtime's: a zip with it bundled would be hundreds of KB.
    expect(first.bytes).toBeLessThan(20 * 1024);
    // ... and required from the runtime by every handler that uses it (campaign-submit only talks to Mozart).
    const code = unzip(readFileSync(first.zipPath))['index.js'].toString();
    if (name === 'campaign-submit') expect(code).not.toMatch(/@aws-sdk/);
    else expect(code).toMatch(/require\("@aws-sdk\/client-/);
  });

  it('gives a different hash when the code changes', () => {
    const sources = tmp();
    cpSync(join(REPO, 'lambdas'), sources, { recursive: true });
    const before = bundleLambda('staging-submit', { outDir: tmp(), sourceDir: sources });
    const mozart = join(sources, 'shared', 'mozart.ts');
    writeFileSync(mozart, readFileSync(mozart, 'utf8').replace("enable_dedup: 'true'", "enable_dedup: 'false'"));
    const after = bundleLambda('staging-submit', { outDir: tmp(), sourceDir: sources });
    expect(after.sha256Base64).not.toBe(before.sha256Base64);
  });

  it('reuses the last build in a new process while no file it read changed, and builds again when one does', () => {
    const sources = tmp();
    cpSync(join(REPO, 'lambdas'), sources, { recursive: true });
    const outDir = tmp();
    const first = bundleLambda('staging-submit', { outDir, sourceDir: sources });
    expect(first.built).toBe(true);
    forgetBuiltLambdas();
    const reused = bundleLambda('staging-submit', { outDir, sourceDir: sources });
    expect(reused).toEqual({ ...first, built: false });

    // A file the handler imports (not the handler itself) changes: a new build, a new zip.
    const mozart = join(sources, 'shared', 'mozart.ts');
    writeFileSync(mozart, readFileSync(mozart, 'utf8').replace("enable_dedup: 'true'", "enable_dedup: 'false'"));
    forgetBuiltLambdas();
    const edited = bundleLambda('staging-submit', { outDir, sourceDir: sources });
    expect(edited.built).toBe(true);
    expect(edited.sha256Base64).not.toBe(first.sha256Base64);

    // A damaged zip is rebuilt, never shipped: the same bytes as a clean build.
    writeFileSync(edited.zipPath, 'not a zip');
    forgetBuiltLambdas();
    const repaired = bundleLambda('staging-submit', { outDir, sourceDir: sources });
    expect(repaired.built).toBe(true);
    expect(repaired.sha256Base64).toBe(edited.sha256Base64);
    expect(readFileSync(repaired.zipPath).equals(readFileSync(bundleLambda('staging-submit', { outDir: tmp(), sourceDir: sources }).zipPath))).toBe(true);
  });

  it('builds each Lambda once per process however many environments ask', () => {
    const outDir = tmp();
    const first = bundleLambda('cnes-batcher', { outDir });
    const started = Date.now();
    for (let i = 0; i < 6; i++) expect(bundleLambda('cnes-batcher', { outDir })).toBe(first);
    expect(Date.now() - started).toBeLessThan(50);
  });

  it('fails for an unknown Lambda, naming the known ones', () => {
    expect(() => bundleLambda('nope' as LambdaName)).toThrow('unknown Lambda "nope"; expected one of staging-submit, cnm-r-consumer, cnm-s-sender, cnes-batcher');
  });

  it('builds the same bytes in two separate processes, whatever their time zone', () => {
    // A fresh process has no cache and no build record to reuse (each gets its own outDir): two
    // full builds. The zip's timestamp is the one input a time zone could change.
    const buildIn = (tz: string) => {
      const script = `const { bundleLambda } = require(${JSON.stringify(join(REPO, 'modules', 'lambda', 'bundle.ts'))});
const b = bundleLambda('harikiri', { outDir: ${JSON.stringify(tmp())} });
process.stdout.write(JSON.stringify({ built: b.built, sha256Base64: b.sha256Base64, zip: require('node:fs').readFileSync(b.zipPath).toString('base64') }));`;
      const run = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO, encoding: 'utf8', env: { ...process.env, TZ: tz }, timeout: 60000 });
      expect(run.stderr).toBe('');
      return JSON.parse(run.stdout) as { built: boolean; sha256Base64: string; zip: string };
    };
    const east = buildIn('Pacific/Kiritimati');
    const west = buildIn('America/Los_Angeles');
    expect([east.built, west.built]).toEqual([true, true]);
    expect(west.sha256Base64).toBe(east.sha256Base64);
    expect(Buffer.from(west.zip, 'base64').equals(Buffer.from(east.zip, 'base64'))).toBe(true);
    // ... and it is the hash synthesis gives this process's build.
    expect(bundleLambda('harikiri', { outDir: tmp() }).sha256Base64).toBe(east.sha256Base64);
    const entries = unzipSync(Buffer.from(east.zip, 'base64'));
    expect(Object.keys(entries)).toEqual(['index.js']);
    expect(Buffer.from(entries['index.js']).toString()).toMatch(/exports|module\.exports/);
  });

  it('zips the same entries to the same bytes in any order, and they unpack to what went in', () => {
    // (Time zones need a process of their own: jest's process.env does not reach Node's clock.)
    const entries = [
      { name: 'lib/a.txt', data: Buffer.alloc(5000, 'a') },
      { name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') },
    ];
    const archive = zip(entries);
    expect(zip([...entries].reverse()).equals(archive)).toBe(true);
    const unpacked = unzipSync(archive);
    expect(Object.keys(unpacked)).toEqual(['index.js', 'lib/a.txt']);
    expect(Buffer.from(unpacked['lib/a.txt']).equals(entries[0].data)).toBe(true);
    expect(Buffer.from(unpacked['index.js']).equals(entries[1].data)).toBe(true);
  });

  it('builds again, instead of reusing a zip, when the zip writer changes (its fingerprint is in the recipe)', () => {
    const outDir = tmp();
    const first = bundleLambda('harikiri', { outDir });
    const recordPath = join(outDir, 'harikiri.build.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    expect(JSON.parse(record.recipe).zip).toBe(zipFingerprint());
    // The record an earlier writer left: same sources, another zip writer.
    writeFileSync(recordPath, JSON.stringify({ ...record, recipe: JSON.stringify({ ...JSON.parse(record.recipe), zip: 'an earlier writer' }) }));
    forgetBuiltLambdas();
    const again = bundleLambda('harikiri', { outDir });
    expect(again.built).toBe(true);
    expect(again.sha256Base64).toBe(first.sha256Base64);
  });

  const hasUnzip = spawnSync('unzip', ['-v']).status === 0;
  (hasUnzip ? it : it.skip)('writes zips that the standard unzip tool tests clean, with fixed time and permissions', () => {
    const path = join(tmp(), 'x.zip');
    writeFileSync(path, zip([{ name: 'index.js', data: Buffer.from('exports.handler = async () => 1;\n') }, { name: 'lib/a.txt', data: Buffer.alloc(5000, 'a') }]));
    expect(spawnSync('unzip', ['-tq', path], { encoding: 'utf8' }).stdout).toMatch(/No errors detected/);
    const listing = spawnSync('zipinfo', [path], { encoding: 'utf8' }).stdout;
    expect(listing).toMatch(/-rw-r--r-- .* 80-Jan-01 00:00 index\.js/);
    expect(listing).toMatch(/-rw-r--r-- .* 80-Jan-01 00:00 lib\/a\.txt/);
  });
});

const withMoto = HAS_MOTO ? describe : describe.skip;

withMoto('the bundled handlers in a fresh node process (cold start)', () => {
  let moto: Moto;
  let mozart: FakeMozart;
  let s3: S3Client;
  const names = { dataset: unique('dataset'), messages: unique('messages'), archive: unique('archive'), table: unique('idempotency'), stream: unique('cnm') };
  let streamArn: string;

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    mozart = await startMozart();
    s3 = new S3Client({});
    for (const bucket of [names.dataset, names.messages, names.archive]) await createBucket(s3, bucket);
    await createIdempotencyTable(new DynamoDBClient({}), names.table);
    const kinesis = new KinesisClient({ requestHandler: new NodeHttpHandler() });
    await kinesis.send(new CreateStreamCommand({ StreamName: names.stream, ShardCount: 1 }));
    streamArn = (await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: names.stream }))).StreamDescriptionSummary!.StreamARN!;
  }, 90000);
  afterAll(async () => {
    await mozart?.stop();
    await moto?.stop();
  });

  const aws = () => ({ AWS_ENDPOINT_URL: moto.endpoint, AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing', AWS_REGION: 'us-west-2' });
  const job = () => ({ MOZART_URL: mozart.url, JOB_TYPE: 't', JOB_RELEASE: 'r', JOB_QUEUE: 'q', IDEMPOTENCY_TABLE: names.table });

  it('staging-submit submits a job', async () => {
    await putObject(s3, names.dataset, 'staging_area/x.TIF.met.json', '{"id":"x"}');
    const env = { ...aws(), ...job(), DATASET_BUCKET: names.dataset, STAGING_PREFIX: 'staging_area/', STAGING_SUFFIX: '.met.json' };
    const run = await runBundled(bundleLambda('staging-submit').zipPath, env, sqsEvent(sqsRecord(s3Event(names.dataset, 'staging_area/x.TIF.met.json'))));
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted().map((j) => j.params.id)).toContain('x');
  });

  it('cnm-r-consumer records a response and submits a job', async () => {
    const env = { ...aws(), ...job(), MESSAGES_BUCKET: names.messages, CNM_R_PREFIX: 'cnm-r/', RECORD_PREFIX: 'cnm-r/received/' };
    const message = { identifier: 'bundled-1', collection: 'C', response: { status: 'SUCCESS' } };
    const run = await runBundled(bundleLambda('cnm-r-consumer').zipPath, env, sqsEvent(sqsRecord(message)));
    expect(run.result).toEqual({ batchItemFailures: [] });
    expect(mozart.accepted().map((j) => j.params.id)).toContain('bundled-1');
  });

  it('cnm-s-sender puts a CNM-S on the stream', async () => {
    const { eTag, size } = await putObject(s3, names.archive, 'outgoing/C/g.tar.gz', 'tar');
    const env = { ...aws(), ARCHIVE_BUCKET: names.archive, OUTGOING_PREFIX: 'outgoing/', STREAM_ARN: streamArn, CNM_VERSION: '1.6.0', PROVIDER: 'P', IDEMPOTENCY_TABLE: names.table };
    const run = await runBundled(bundleLambda('cnm-s-sender').zipPath, env, sqsEvent(sqsRecord(s3Event(names.archive, 'outgoing/C/g.tar.gz', { eTag, size }))));
    expect(run.result).toEqual({ batchItemFailures: [] });
  });

  it('cnes-batcher writes a CNM-S', async () => {
    const env = {
      ...aws(),
      ARCHIVE_BUCKET: names.archive,
      OUTGOING_PREFIX: 'outgoing/',
      MESSAGES_BUCKET: names.messages,
      CNM_S_PREFIX: 'cnm-s/',
      STATE_PREFIX: 'cnes-batcher/',
      CNM_VERSION: '1.6.0',
      PROVIDER: 'P',
      COLLECTION: 'C',
    };
    const run = await runBundled(bundleLambda('cnes-batcher').zipPath, env, { id: 'scheduled' });
    expect(run.result).toMatchObject({ resumed: [], batches: [{ archives: 1, finished: true }], backlog: 0, outOfTime: false });
  });
});
