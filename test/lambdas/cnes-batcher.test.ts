/**
 * The CNES batcher against moto_server, with crashes injected at every write: no archive is ever
 * listed in two different CNM-S, none is skipped, and every CNM-S is valid.
 */
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CnesBatcher, type CnesBatcherConfig } from '../../lambdas/cnes-batcher/batcher';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { capturingLogger, createBucket, lambdaContext, putObject, unique, useEmulator } from './support/aws';
import { cnmSchemaErrors } from './support/cnm-schema';

const withMoto = HAS_MOTO ? describe : describe.skip;

type Sent = { key: string; body: string };

/**
 * An S3 client that records every CNM-S written (CNES deletes them, so the bucket alone cannot
 * tell what was sent) and fails the Nth write (PutObject or DeleteObject), as a crash would.
 */
function instrumented(s3: S3Client, cnmSPrefix: string, failAtWrite?: number): { client: S3Client; sent: Sent[]; writes: () => number } {
  const sent: Sent[] = [];
  let writes = 0;
  const client = new Proxy(s3, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        if (command instanceof PutObjectCommand || command instanceof DeleteObjectCommand) {
          writes += 1;
          if (writes === failAtWrite) throw new Error(`injected crash at write ${writes}`);
        }
        const out = await target.send(command as PutObjectCommand);
        if (command instanceof PutObjectCommand && command.input.Key!.startsWith(cnmSPrefix)) sent.push({ key: command.input.Key!, body: String(command.input.Body as string) });
        return out;
      };
    },
  });
  return { client, sent, writes: () => writes };
}

withMoto('cnes batcher', () => {
  let moto: Moto;
  let s3: S3Client;
  let clock = Date.parse('2024-05-01T10:00:00Z');

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    s3 = new S3Client({});
  }, 90000);
  afterAll(() => moto?.stop());

  async function setup(): Promise<CnesBatcherConfig> {
    const config: CnesBatcherConfig = {
      archiveBucket: unique('archive'),
      outgoingPrefix: 'outgoing/',
      messagesBucket: unique('messages'),
      cnmSPrefix: 'cnm-s/',
      statePrefix: 'cnes-batcher/',
      cnmVersion: '1.6.0',
      provider: 'SWOT_PCM',
      collection: 'SWOT_L2_ARCHIVES',
    };
    await createBucket(s3, config.archiveBucket);
    await createBucket(s3, config.messagesBucket);
    return config;
  }

  async function addArchives(config: CnesBatcherConfig, ...names: string[]): Promise<void> {
    for (const name of names) await putObject(s3, config.archiveBucket, `outgoing/${name}`, `archive ${name}`);
  }

  /** CNES: reads what is under cnm-s/, then deletes it. */
  async function cnesPolls(config: CnesBatcherConfig): Promise<Record<string, unknown>[]> {
    const listed = await s3.send(new ListObjectsV2Command({ Bucket: config.messagesBucket, Prefix: config.cnmSPrefix }));
    const read: Record<string, unknown>[] = [];
    for (const { Key } of listed.Contents ?? []) {
      const out = await s3.send(new GetObjectCommand({ Bucket: config.messagesBucket, Key }));
      read.push(JSON.parse(await out.Body!.transformToString()));
      await s3.send(new DeleteObjectCommand({ Bucket: config.messagesBucket, Key }));
    }
    return read;
  }

  const batcher = (config: CnesBatcherConfig, client: S3Client) => new CnesBatcher(config, client, () => (clock += 1000));
  const uris = (message: Record<string, unknown>) => (message.product as { files: { uri: string }[] }).files.map((f) => f.uri);

  it('writes one valid CNM-S listing every new archive, then none while nothing is new', async () => {
    const config = await setup();
    await addArchives(config, 'C/a.tar.gz', 'C/b.tar.gz', 'D/c.zip');
    const first = await batcher(config, s3).run();
    expect(first.batches).toEqual([{ id: expect.stringMatching(/^\d{8}T\d{6}Z-[0-9a-f]{12}$/), cnmKey: `cnm-s/${first.batches[0].id}.json`, archives: 3, finished: true }]);
    const [message, ...more] = await cnesPolls(config);
    expect(more).toHaveLength(0);
    expect(cnmSchemaErrors(message)).toEqual([]);
    expect(message).toMatchObject({ version: '1.6.0', provider: 'SWOT_PCM', collection: 'SWOT_L2_ARCHIVES', identifier: first.batches[0].id });
    expect(uris(message)).toEqual(['C/a.tar.gz', 'C/b.tar.gz', 'D/c.zip'].map((n) => `s3://${config.archiveBucket}/outgoing/${n}`));

    expect(await batcher(config, s3).run()).toEqual({ resumed: [], batches: [], backlog: 0, outOfTime: false, writes: 0 });
    expect(await cnesPolls(config)).toHaveLength(0);

    await addArchives(config, 'C/d.tar');
    const third = await batcher(config, s3).run();
    expect(third.batches.map((b) => b.archives)).toEqual([1]);
    expect((await cnesPolls(config)).map(uris)).toEqual([[`s3://${config.archiveBucket}/outgoing/C/d.tar`]]);
  });

  it('lists an archive again when it is replaced with new content, and keeps its state away from cnm-s/', async () => {
    const config = await setup();
    await addArchives(config, 'C/a.tar');
    await batcher(config, s3).run();
    await putObject(s3, config.archiveBucket, 'outgoing/C/a.tar', 'new content');
    expect((await batcher(config, s3).run()).batches.map((b) => b.archives)).toEqual([1]);
    const cnmS = await s3.send(new ListObjectsV2Command({ Bucket: config.messagesBucket, Prefix: 'cnm-s/' }));
    expect((cnmS.Contents ?? []).map((o) => o.Key).every((k) => /^cnm-s\/[^/]+\.json$/.test(k!))).toBe(true);
  });

  it('announces an archive whose key leaves no room for the readable marker once, through a digest-named marker', async () => {
    const config = await setup();
    // outgoing/C/ + 1000 bytes: a legal S3 key; cnes-batcher/listed/<key>#<etag> would pass 1024 bytes.
    const name = `C/${'g'.repeat(992)}.tar`;
    await addArchives(config, name);
    expect((await batcher(config, s3).run()).batches.map((b) => b.archives)).toEqual([1]);
    const markers = await s3.send(new ListObjectsV2Command({ Bucket: config.messagesBucket, Prefix: 'cnes-batcher/listed/' }));
    expect((markers.Contents ?? []).map((o) => o.Key)).toEqual([expect.stringMatching(/^cnes-batcher\/listed\/~sha256\/[0-9a-f]{64}$/)]);
    expect((await batcher(config, s3).run()).batches).toEqual([]);
    expect((await cnesPolls(config)).map(uris)).toEqual([[`s3://${config.archiveBucket}/outgoing/${name}`]]);
  });

  /**
   * Runs: crash at write `crashAt` (with 3 archives waiting), maybe a second crash at write
   * `crashAgainAt` of the recovering run, then clean runs, with CNES polling and 2 more archives
   * arriving in between. Returns every CNM-S ever written and what CNES read.
   */
  async function scenario(crashAt: number, crashAgainAt?: number) {
    const config = await setup();
    const sent: Sent[] = [];
    const read: Record<string, unknown>[] = [];
    const runWith = async (failAt?: number) => {
      const s = instrumented(s3, config.cnmSPrefix, failAt);
      const outcome = await batcher(config, s.client).run().then(() => 'ok', (e: Error) => e.message);
      sent.push(...s.sent);
      read.push(...(await cnesPolls(config)));
      return { outcome, writes: s.writes() };
    };
    await addArchives(config, 'C/a.tar', 'C/b.tar', 'C/c.tar');
    const first = await runWith(crashAt);
    await addArchives(config, 'C/d.tar', 'D/e.tar');
    if (crashAgainAt !== undefined) await runWith(crashAgainAt);
    await runWith();
    await runWith();
    const all = ['C/a.tar', 'C/b.tar', 'C/c.tar', 'C/d.tar', 'D/e.tar'].map((n) => `s3://${config.archiveBucket}/outgoing/${n}`);
    return { sent, read, all, first };
  }

  function check({ sent, read, all }: { sent: Sent[]; read: Record<string, unknown>[]; all: string[] }) {
    // Each identifier always carries the same message: a repeat is a repeat, never a new list.
    const byIdentifier = new Map<string, string>();
    for (const { body } of sent) {
      const message = JSON.parse(body) as Record<string, unknown>;
      expect(cnmSchemaErrors(message)).toEqual([]);
      const id = message.identifier as string;
      if (byIdentifier.has(id)) expect(body).toBe(byIdentifier.get(id));
      byIdentifier.set(id, body);
    }
    // Across the distinct CNM-S, every archive exactly once.
    const listed = [...byIdentifier.values()].flatMap((body) => uris(JSON.parse(body)));
    expect([...listed].sort()).toEqual(all);
    // And CNES, which reads what is there when it polls, saw every archive.
    expect([...new Set(read.flatMap(uris))].sort()).toEqual(all);
  }

  it('never lists an archive twice nor skips one when a run crashes at any write', async () => {
    // A clean run over 3 archives makes 8 writes: batch, CNM-S, sent, 3 markers, published, delete.
    for (let crashAt = 1; crashAt <= 9; crashAt++) {
      const result = await scenario(crashAt);
      expect(result.first.outcome).toBe(crashAt <= 8 ? `injected crash at write ${crashAt}` : 'ok');
      check(result);
    }
  }, 60000);

  it('never lists an archive twice nor skips one when the recovering run crashes too', async () => {
    for (const crashAt of [1, 2, 3, 5]) {
      for (const crashAgainAt of [1, 2, 3, 4, 6]) check(await scenario(crashAt, crashAgainAt));
    }
  }, 120000);

  it('repeats the CNM-S (same key, identifier and bytes) only when a crash came between writing it and marking it sent', async () => {
    const repeats = [];
    for (const crashAt of [2, 3, 4]) {
      const { sent } = await scenario(crashAt);
      repeats.push(sent.length - new Set(sent.map((s) => s.key)).size);
    }
    // Crash at 2: the CNM-S was never written. At 3: written, not marked sent: written again. At 4: not again.
    expect(repeats).toEqual([0, 1, 0]);
  }, 90000);

  it('logs a failed run as an error line and rethrows it for the asynchronous retry', async () => {
    const { createHandler } = await import('../../lambdas/cnes-batcher/handler');
    const config = await setup();
    await addArchives(config, 'C/a.tar');
    const logger = capturingLogger();
    const handler = createHandler(() => ({ batcher: batcher(config, instrumented(s3, 'cnm-s/', 1).client), logger }));
    await expect(handler({ id: 'ev-1' }, lambdaContext('req-C', 'pcm-test-cnes-batcher'))).rejects.toThrow('injected crash at write 1');
    expect(logger.errors()).toEqual([
      expect.objectContaining({ fields: expect.objectContaining({ requestId: 'req-C', functionName: 'pcm-test-cnes-batcher', eventId: 'ev-1', error: 'injected crash at write 1', expected: expect.any(String) }) }),
    ]);
  });

  it('works as the exported handler, configured by environment variables', async () => {
    const config = await setup();
    await addArchives(config, 'C/a.tar');
    const saved = { ...process.env };
    const logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    const stdout = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      Object.assign(process.env, {
        AWS_LAMBDA_FUNCTION_NAME: 'pcm-test-cnes-batcher',
        ARCHIVE_BUCKET: config.archiveBucket,
        OUTGOING_PREFIX: 'outgoing/',
        MESSAGES_BUCKET: config.messagesBucket,
        CNM_S_PREFIX: 'cnm-s/',
        STATE_PREFIX: 'cnes-batcher/',
        CNM_VERSION: '1.6.0',
        PROVIDER: 'SWOT_PCM',
        COLLECTION: 'SWOT_L2_ARCHIVES',
      });
      let handlerModule: typeof import('../../lambdas/cnes-batcher/handler') | undefined;
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.isolateModules loads synchronously, so a fresh handler (reading this env) needs require
        handlerModule = require('../../lambdas/cnes-batcher/handler');
      });
      const summary = await handlerModule!.handler({ id: 'scheduled' });
      expect(summary.batches.map((b) => b.archives)).toEqual([1]);
      expect(JSON.parse(logs.mock.calls[0][0] as string)).toMatchObject({ level: 'info', message: 'CNM-S written for CNES', eventId: 'scheduled' });
      expect(await cnesPolls(config)).toHaveLength(1);
      // The backlog metric: an EMF document on a line of its own, straight on stdout (no runtime prefix).
      const lines = stdout.mock.calls.map(([chunk]) => String(chunk));
      expect(lines).toHaveLength(1);
      expect(lines[0].endsWith('\n')).toBe(true);
      expect(JSON.parse(lines[0])).toMatchObject({ _aws: { CloudWatchMetrics: [{ Namespace: 'PCM/CnesBatcher' }] }, FunctionName: 'pcm-test-cnes-batcher', Backlog: 0 });
    } finally {
      stdout.mockRestore();
      logs.mockRestore();
      process.env = saved;
    }
  });
});
