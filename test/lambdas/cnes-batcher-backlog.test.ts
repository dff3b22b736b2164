/**
 * The CNES batcher on a large backlog (first enabling CNES on a full `outgoing/`), against
 * moto_server: 20,000 archives, a per-run budget of a few thousand writes, at most 1,000 archives
 * per CNM-S, and crashes injected between writes. Every archive is announced exactly once, in a
 * bounded number of runs, and no completed write is ever redone.
 *
 * CNES, as the batcher's tests model it: between runs it lists `cnm-s/`, reads each CNM-S and
 * deletes it.
 */
import { Agent, request as httpRequest } from 'node:http';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CnesBatcher, type CnesBatcherConfig } from '../../lambdas/cnes-batcher/batcher';
import { BACKLOG_METRIC, BACKLOG_NAMESPACE } from '../../lambdas/cnes-batcher/backlog-metric';
import { HAS_MOTO, SEED_PATH, startMoto, type Moto } from '../support/moto';
import { capturingLogger, createBucket, unique, useEmulator } from './support/aws';
import { cnmSchemaErrors } from './support/cnm-schema';

const withMoto = HAS_MOTO ? describe : describe.skip;

/** 20,000 by default, as the issue asks; PCM_BACKLOG_ARCHIVES makes a quicker local run. */
const ARCHIVES = Number(process.env.PCM_BACKLOG_ARCHIVES ?? 20_000);
/**
 * The per-run budget, counted in S3 writes (time at a fixed cost per write: reproducible on a loaded
 * machine): a few thousand, or a fifth of a smaller local run so it still takes several runs.
 */
const WRITES_PER_RUN = Math.min(4000, Math.ceil(ARCHIVES / 5));
/** 1,000 archives per CNM-S (a quarter of the budget for a smaller local run). */
const MAX_PER_CNM_S = Math.min(1000, Math.ceil(WRITES_PER_RUN / 4));
/** Seeding concurrency without the launcher: moto_server is one process; more only queues. */
const SEED_CONCURRENCY = 16;

type Command = PutObjectCommand | DeleteObjectCommand;
/** Whether to fail this write (the Nth of the run, 1-based) as a crash would: before it is sent. */
type CrashAt = (command: Command, n: number, previous: Command | undefined) => boolean;

interface Ledger {
  /** Every successful PutObject key, in order, across runs. */
  readonly puts: string[];
  /** Every CNM-S body written, in order. */
  readonly cnmS: { key: string; body: string }[];
}

/** An S3 client that counts this run's writes, records the successful ones, and can crash. */
function instrumented(s3: S3Client, config: CnesBatcherConfig, ledger: Ledger, crashAt?: CrashAt) {
  let writes = 0;
  let previous: Command | undefined;
  const client = new Proxy(s3, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: unknown) => {
        if (command instanceof PutObjectCommand || command instanceof DeleteObjectCommand) {
          writes += 1;
          const before = previous;
          previous = command;
          if (crashAt?.(command, writes, before)) throw new Error(`injected crash at write ${writes}`);
          const out = await target.send(command);
          if (command instanceof PutObjectCommand) {
            ledger.puts.push(command.input.Key!);
            if (command.input.Key!.startsWith(config.cnmSPrefix)) ledger.cnmS.push({ key: command.input.Key!, body: String(command.input.Body as string) });
          }
          return out;
        }
        return target.send(command as PutObjectCommand);
      };
    },
  });
  return { client, writes: () => writes };
}

const isCnmS = (c: Command | undefined, config: CnesBatcherConfig) => c instanceof PutObjectCommand && c.input.Key!.startsWith(config.cnmSPrefix);
const keyOf = (c: Command) => c.input.Key!;

withMoto('cnes batcher on a large backlog', () => {
  let moto: Moto;
  let s3: S3Client;

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
      maxArchivesPerCnmS: MAX_PER_CNM_S,
    };
    await createBucket(s3, config.archiveBucket);
    await createBucket(s3, config.messagesBucket);
    return config;
  }

  /**
   * Puts `count` archives under outgoing/; returns their keys. Seeding is set-up, not what is
   * tested (the batcher reads and writes through the SDK): the launcher's bulk path puts them
   * through moto's own S3 backend, 5,000 to a request, instead of 20,000 PutObject round trips
   * (about 2.5 ms of emulator CPU each). Where the emulator is plain moto_server (no launcher),
   * plain HTTP PUTs on kept-alive connections, SEED_CONCURRENCY at a time. Either way the objects
   * land in moto's default account, the one the test's credentials name.
   */
  async function seed(config: CnesBatcherConfig, count: number): Promise<string[]> {
    const keys = Array.from({ length: count }, (_, i) => `outgoing/SWOT_L2_C${i % 4}/granule ${String(i).padStart(6, '0')}.tar.gz`);
    for (let i = 0; i < keys.length; i += 5000) {
      const objects = keys.slice(i, i + 5000).map((key) => [key, key]);
      const response = await fetch(`${moto.endpoint}${SEED_PATH}`, { method: 'POST', body: JSON.stringify({ bucket: config.archiveBucket, objects }) });
      if (response.status === 404 && i === 0) return seedByPuts(config, keys);
      if (!response.ok) throw new Error(`seeding ${config.archiveBucket}: HTTP ${response.status} ${await response.text()}`);
    }
    return keys;
  }

  async function seedByPuts(config: CnesBatcherConfig, keys: string[]): Promise<string[]> {
    const agent = new Agent({ keepAlive: true, maxSockets: SEED_CONCURRENCY });
    const put = (key: string) =>
      new Promise<void>((resolve, reject) => {
        const path = `/${config.archiveBucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
        const request = httpRequest(`${moto.endpoint}${path}`, { method: 'PUT', agent, headers: { 'content-length': Buffer.byteLength(key) } }, (response) => {
          response.resume();
          response.on('end', () => (response.statusCode === 200 ? resolve() : reject(new Error(`seeding ${key}: HTTP ${response.statusCode}`))));
        });
        request.on('error', reject);
        request.end(key);
      });
    let next = 0;
    try {
      await Promise.all(
        Array.from({ length: SEED_CONCURRENCY }, async () => {
          while (next < keys.length) await put(keys[next++]);
        }),
      );
    } finally {
      agent.destroy();
    }
    return keys;
  }

  /** CNES: reads what is under cnm-s/, then deletes it. */
  async function cnesPolls(config: CnesBatcherConfig): Promise<Record<string, unknown>[]> {
    const read: Record<string, unknown>[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: config.messagesBucket, Prefix: config.cnmSPrefix, ContinuationToken: token }));
      for (const { Key } of page.Contents ?? []) {
        const out = await s3.send(new GetObjectCommand({ Bucket: config.messagesBucket, Key }));
        read.push(JSON.parse(await out.Body!.transformToString()));
        await s3.send(new DeleteObjectCommand({ Bucket: config.messagesBucket, Key }));
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return read;
  }

  const uris = (message: Record<string, unknown>) => (message.product as { files: { uri: string }[] }).files.map((f) => f.uri);

  it(`announces ${ARCHIVES} archives exactly once, in a bounded number of runs, with crashes between writes and no completed write redone`, async () => {
    const config = await setup();
    const started = Date.now();
    const keys = await seed(config, ARCHIVES);
    const seeded = Date.now();

    // Crashes by run (1-based), each between two writes of a different step.
    const crashes: Record<number, { what: string; at: CrashAt }> = {
      2: { what: 'among the marker writes (others in flight)', at: (c, n) => n >= Math.ceil(WRITES_PER_RUN * 0.4) && keyOf(c).includes('/listed/') },
      3: { what: 'between writing a CNM-S and marking its batch sent', at: (c, _n, prev) => isCnmS(prev, config) && !isCnmS(c, config) },
      4: { what: 'between the last marker and the published record', at: (c) => keyOf(c).includes('/published/') },
      5: { what: 'at the first write of the run', at: (_c, n) => n === 1 },
      6: { what: 'when deleting the finished batch from open/', at: (c) => c instanceof DeleteObjectCommand },
    };
    const ledger: Ledger = { puts: [], cnmS: [] };
    const read: Record<string, unknown>[] = [];
    const runs: { run: number; outcome: string; writes: number; backlog?: number; ms: number }[] = [];
    let clock = Date.parse('2024-05-01T10:00:00Z');
    for (let run = 1; run <= 40; run++) {
      const crash = crashes[run];
      const s = instrumented(s3, config, ledger, crash?.at);
      // The budget: WRITES_PER_RUN writes' worth of time.
      const timeLeft = () => WRITES_PER_RUN - s.writes();
      const t = Date.now();
      const outcome = await new CnesBatcher(config, s.client, () => (clock += 1000)).run(timeLeft).then(
        (summary) => summary,
        (error: Error) => error.message,
      );
      read.push(...(await cnesPolls(config)));
      const ms = Date.now() - t;
      if (typeof outcome === 'string') {
        runs.push({ run, outcome: `${outcome} (${crash?.what})`, writes: s.writes(), ms });
        continue;
      }
      runs.push({ run, outcome: outcome.outOfTime ? 'out of time' : 'done', writes: outcome.writes, backlog: outcome.backlog, ms });
      // A batch started within the budget writes its record, CNM-S and "sent" mark before the next check.
      expect(outcome.writes).toBeLessThanOrEqual(WRITES_PER_RUN + 2);
      if (!outcome.outOfTime && outcome.backlog === 0) break;
    }
    const finished = Date.now();
    // The report: how long seeding and the runs took, and what each run did.
    console.log(JSON.stringify({ archives: ARCHIVES, seedSeconds: (seeded - started) / 1000, runsSeconds: (finished - seeded) / 1000, runs }, null, 1));

    // Bounded: the writes needed (one marker per archive, five per batch) over the budget, plus one run per crash.
    const batchesNeeded = Math.ceil(ARCHIVES / MAX_PER_CNM_S);
    const bound = Math.ceil((ARCHIVES + 5 * batchesNeeded) / WRITES_PER_RUN) + Object.keys(crashes).length + 1;
    expect(runs.length).toBeLessThanOrEqual(bound);
    expect(runs.at(-1)).toMatchObject({ outcome: 'done', backlog: 0 });
    // Every crash happened (the scenario ran as described).
    for (const run of Object.keys(crashes)) expect(runs[Number(run) - 1].outcome).toMatch(/^injected crash/);

    // Each identifier always carries the same bytes; across distinct CNM-S, every archive exactly once.
    const byIdentifier = new Map<string, string>();
    for (const { body } of ledger.cnmS) {
      const id = (JSON.parse(body) as { identifier: string }).identifier;
      if (byIdentifier.has(id)) expect(body).toBe(byIdentifier.get(id));
      byIdentifier.set(id, body);
    }
    const messages = [...byIdentifier.values()].map((b) => JSON.parse(b) as Record<string, unknown>);
    const listed = messages.flatMap(uris);
    expect(listed).toHaveLength(ARCHIVES);
    expect(new Set(listed).size).toBe(ARCHIVES);
    expect([...listed].sort()).toEqual(keys.map((k) => `s3://${config.archiveBucket}/${k}`).sort());
    expect(Math.max(...messages.map((m) => uris(m).length))).toBeLessThanOrEqual(MAX_PER_CNM_S);
    expect(messages.map(cnmSchemaErrors).flat()).toEqual([]);
    // CNES saw every archive.
    expect(new Set(read.flatMap(uris)).size).toBe(ARCHIVES);

    // No completed write redone: each marker written once; a CNM-S twice only after the crash between it and "sent".
    const markerPuts = ledger.puts.filter((k) => k.includes('/listed/'));
    expect(markerPuts).toHaveLength(ARCHIVES);
    expect(new Set(markerPuts).size).toBe(ARCHIVES);
    expect(ledger.cnmS.length - byIdentifier.size).toBe(1);
    const publishedPuts = ledger.puts.filter((k) => k.includes('/published/'));
    expect(publishedPuts).toHaveLength(byIdentifier.size);
    expect(new Set(publishedPuts).size).toBe(byIdentifier.size);

    // The backlog metric only shrinks while nothing new arrives.
    const backlogs = runs.flatMap((r) => (r.backlog === undefined ? [] : [r.backlog]));
    expect(backlogs).toEqual([...backlogs].sort((a, b) => b - a));

    // And the next run has nothing to do.
    const idle = await new CnesBatcher(config, s3).run(() => WRITES_PER_RUN);
    expect(idle).toEqual({ resumed: [], batches: [], backlog: 0, outOfTime: false, writes: 0 });
  }, 30 * 60 * 1000);

  it('bounds a run by the invocation\'s real remaining time and logs the backlog as an EMF metric line', async () => {
    const { createHandler } = await import('../../lambdas/cnes-batcher/handler');
    const config = await setup();
    await seed(config, 1000);
    const logger = capturingLogger();
    const lines: string[] = [];
    const batcher = new CnesBatcher({ ...config, maxArchivesPerCnmS: 200 }, s3);
    const handler = createHandler(() => ({ batcher, logger, functionName: 'pcm-dev-cnes-batcher', emitMetric: (line) => lines.push(line) }));
    const summaries = [];
    // Each run makes at least 16 writes (minWritesPerRun) even if listing ate its budget: at most 64 runs.
    for (let run = 0; run < 80; run++) {
      // A Lambda with 7 s left: the reserve is 5 s, so each run has 2 s of real time, listing included.
      const deadline = Date.now() + 7000;
      const summary = await handler({ id: `run-${run}` }, { getRemainingTimeInMillis: () => deadline - Date.now() });
      summaries.push(summary);
      await cnesPolls(config);
      if (!summary.outOfTime) break;
    }
    expect(summaries[0].outOfTime).toBe(true);
    expect(summaries.every((s) => s.writes >= 16 || !s.outOfTime)).toBe(true);
    expect(summaries.at(-1)).toMatchObject({ outOfTime: false, backlog: 0 });
    const metrics = lines.map((l) => JSON.parse(l));
    expect(metrics[0]).toEqual({
      _aws: { Timestamp: expect.any(Number), CloudWatchMetrics: [{ Namespace: BACKLOG_NAMESPACE, Dimensions: [['FunctionName']], Metrics: [{ Name: BACKLOG_METRIC, Unit: 'Count' }] }] },
      FunctionName: 'pcm-dev-cnes-batcher',
      Backlog: summaries[0].backlog,
    });
    expect(metrics.map((m) => m.Backlog)).toEqual(summaries.map((s) => s.backlog));
    expect(logger.lines[0]).toMatchObject({ level: 'warn', message: 'time budget spent; the next run resumes the backlog' });
    console.log(JSON.stringify({ realTimeBudgetRuns: summaries.length, writesPerRun: summaries.map((s) => s.writes) }));
  }, 10 * 60 * 1000);
});
