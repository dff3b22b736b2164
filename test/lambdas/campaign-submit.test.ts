/**
 * campaign-submit against the local Mozart (test/lambdas/support/mozart-server.ts) through the
 * shared Mozart client. The state machine's lambda:invoke task that calls it is tested on the
 * definition's JSON only (test/campaign/definitions.test.ts): moto runs Lambda functions only in
 * Docker, so its interpreter cannot run that task; this file is the handler-level test.
 */
import { CAMPAIGN_SUBMIT_DEFAULTS, CAMPAIGN_SUBMIT_ENV, CAMPAIGN_SUBMIT_ERRORS, type CampaignSubmitEvent } from '../../lambdas/campaign-submit/contract';
import { readSettings, submitChunk, type CampaignSubmitDeps, type InvocationContext } from '../../lambdas/campaign-submit/handler';
import { submitJob } from '../../lambdas/shared/mozart';
import { capturingLogger, consoleLines, lambdaContext } from './support/aws';
import { deadUrl, startMozart, type FakeMozart } from './support/mozart-server';

const job = { type: 'l2_proc', release: '4.1.0', queue: 'job_worker-large' };
const chunk = (ids: readonly string[], extra: Partial<CampaignSubmitEvent> = {}): CampaignSubmitEvent => ({
  campaign: 'reproc',
  attempt: 1,
  job,
  rows: ids.map((id) => ({ id, url: `s3://in/${id}.nc` })),
  ...extra,
});
const context = (remainingMs = 300000): InvocationContext => ({ awsRequestId: 'req-1', getRemainingTimeInMillis: () => remainingMs });
/** The environment as the construct writes it (modules/campaign/campaign-engine.ts), with a short Mozart timeout. */
const written = (url: string) => {
  const { maxRows, attempts, backoffMs, priority } = CAMPAIGN_SUBMIT_DEFAULTS;
  return CAMPAIGN_SUBMIT_ENV.write({ mozart: { url, timeoutMs: 2000 }, maxRows, attempts, backoffMs, priority });
};

describe('campaign-submit', () => {
  let mozart: FakeMozart;
  const sleeps: number[] = [];
  beforeAll(async () => {
    mozart = await startMozart();
  });
  afterAll(() => mozart.stop());
  beforeEach(() => {
    mozart.reset();
    sleeps.length = 0;
  });

  function deps(env: Record<string, string> = {}): CampaignSubmitDeps & { logger: ReturnType<typeof capturingLogger> } {
    // The environment exactly as the construct writes it (the contract), then the test's overrides.
    const settings = readSettings({ ...written(mozart.url), ...env });
    return {
      settings,
      submit: submitJob,
      logger: capturingLogger(),
      sleep: async (ms) => void sleeps.push(ms),
      random: () => 0.5,
    };
  }

  it('submits each row as job-<type>:<release> on the queue with enable_dedup and returns the job id of each row', async () => {
    const out = await submitChunk(deps(), chunk(['g1', 'g2', 'g3']), context());
    expect(mozart.requests.map((r) => ({ type: r.type, queue: r.queue, dedup: r.enable_dedup, name: r.name, tags: r.tags, params: r.params }))).toEqual(
      ['g1', 'g2', 'g3'].map((id) => ({
        type: 'job-l2_proc:4.1.0',
        queue: 'job_worker-large',
        dedup: 'true',
        name: `job-l2_proc-reproc-${id}`,
        tags: ['reproc', id],
        params: { id, url: `s3://in/${id}.nc`, campaign: 'reproc' },
      })),
    );
    const [j1, j2, j3] = mozart.accepted().map((r) => r.jobId);
    expect(out).toEqual({ jobId: 'req-1', jobIds: [j1, j2, j3], rows: { g1: j1, g2: j2, g3: j3 }, submitted: 3 });
  });

  it('submits a repeated row once and gives both places its job id', async () => {
    const out = await submitChunk(deps(), chunk(['a', 'b', 'a']), context());
    expect(mozart.requests.map((r) => r.params.id)).toEqual(['a', 'b']);
    const [ja, jb] = mozart.accepted().map((r) => r.jobId);
    expect(out).toMatchObject({ jobIds: [ja, jb, ja], submitted: 2 });
  });

  it('sends the very same job when a chunk is submitted again (a retried invocation, a later pass), so Mozart\'s dedup can drop it', async () => {
    await submitChunk(deps(), chunk(['g1', 'g2']), context());
    await submitChunk(deps(), chunk(['g1', 'g2'], { attempt: 2 }), { ...context(), awsRequestId: 'req-2' });
    const forms = mozart.requests.map(({ jobId: _id, ...form }) => form);
    expect(forms.slice(2)).toEqual(forms.slice(0, 2));
    expect(forms.every((f) => f.enable_dedup === 'true')).toBe(true);
  });

  it('tries a row again after a 429 and a 500, with jittered exponential backoff, then succeeds', async () => {
    mozart.next('throttle429', 'error500');
    const d = deps();
    const out = await submitChunk(d, chunk(['x', 'y']), context());
    expect(mozart.requests.map((r) => r.params.id)).toEqual(['x', 'x', 'x', 'y']);
    expect(out.jobIds).toEqual(mozart.accepted().map((r) => r.jobId));
    expect(mozart.accepted().map((r) => r.params.id)).toEqual(['x', 'y']);
    // random() = 0.5 of 1000 ms, then of 2000 ms.
    expect(sleeps).toEqual([500, 1000]);
    expect(d.logger.lines.filter((l) => l.message === 'Mozart busy or failing; trying the row again').map((l) => l.fields.status)).toEqual([429, 500]);
  });

  it('fails as Campaign.MozartUnavailable (which the state machine retries) when Mozart keeps throttling', async () => {
    mozart.next(...Array<'throttle429'>(CAMPAIGN_SUBMIT_DEFAULTS.attempts).fill('throttle429'));
    const error = await submitChunk(deps(), chunk(['ok1', 'busy']), context()).catch((e: Error) => e);
    expect(error).toMatchObject({ name: CAMPAIGN_SUBMIT_ERRORS.unavailable });
    expect((error as Error).message).toMatch(/^row "ok1" of campaign reproc: Mozart failed 5 tries \(Mozart http:.* answered HTTP 429/);
  });

  it('fails as Campaign.MozartUnavailable when Mozart is down', async () => {
    const error = await submitChunk(deps({ MOZART_URL: await deadUrl(), [CAMPAIGN_SUBMIT_ENV.names.attempts]: '2' }), chunk(['g1']), context()).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Campaign.MozartUnavailable', message: expect.stringMatching(/^row "g1" of campaign reproc: Mozart failed 2 tries \(.*could not be reached: ECONNREFUSED/) });
  });

  it('fails as Campaign.MozartRejected naming the row when Mozart refuses it, without trying it again', async () => {
    mozart.next('ok', 'reject');
    const error = await submitChunk(deps(), chunk(['g1', 'g2', 'g3']), context()).catch((e: Error) => e);
    expect(error).toMatchObject({ name: CAMPAIGN_SUBMIT_ERRORS.rejected });
    expect((error as Error).message).toMatch(/^Mozart refused row "g2" of campaign reproc \(attempt 1\): Mozart http:.* did not accept the job: .*job type not found/);
    expect(mozart.requests.map((r) => r.params.id)).toEqual(['g1', 'g2']);
    expect(sleeps).toEqual([]);
  });

  it('fails a malformed chunk naming every problem, and a chunk over the per-invocation cap, before submitting anything', async () => {
    const bad = { campaign: '', attempt: 0, job: { ...job, queue: '' }, rows: [{ id: 'ok' }, { url: 'no id' }] } as unknown as CampaignSubmitEvent;
    await expect(submitChunk(deps(), bad, context())).rejects.toMatchObject({
      name: 'Campaign.MozartRejected',
      message: expect.stringContaining('campaign: expected the campaign name; attempt: expected a whole number from 1, found 0; job.queue: expected a non-empty string; rows[1]: expected an "id" (a non-empty string), found undefined'),
    });
    await expect(submitChunk(deps({ [CAMPAIGN_SUBMIT_ENV.names.maxRows]: '2' }), chunk(['a', 'b', 'c']), context())).rejects.toThrow(
      `rows: 3 rows, more than the 2 an invocation submits (${CAMPAIGN_SUBMIT_ENV.names.maxRows}); start the campaign with a smaller --chunk`,
    );
    expect(mozart.requests).toEqual([]);
  });

  it('stops before Lambda\'s timeout, as Campaign.MozartUnavailable naming how far it got', async () => {
    let remaining = 9000;
    const ctx = { awsRequestId: 'r', getRemainingTimeInMillis: () => (remaining -= 3000) };
    const error = await submitChunk(deps(), chunk(['a', 'b', 'c']), ctx).catch((e: Error) => e);
    expect(error).toMatchObject({ name: 'Campaign.MozartUnavailable', message: expect.stringMatching(/^ran out of time after 1 of 3 rows of reproc \(row "b" next\)/) });
  });

  it('fails naming a bad setting of its environment', () => {
    expect(() => readSettings({ MOZART_URL: mozart.url, [CAMPAIGN_SUBMIT_ENV.names.attempts]: '0' })).toThrow(`environment variable ${CAMPAIGN_SUBMIT_ENV.names.attempts} is "0"; expected a whole number from 1 to 10`);
    expect(() => readSettings({})).toThrow('environment variable MOZART_URL is not set');
  });

  it('works as the exported handler, each log line carrying the invocation\'s request id', async () => {
    const saved = { ...process.env };
    try {
      Object.assign(process.env, written(mozart.url));
      // A fresh module, whose lazily made collaborators read this environment.
      let handlerModule: typeof import('../../lambdas/campaign-submit/handler') | undefined;
      await jest.isolateModulesAsync(async () => {
        handlerModule = await import('../../lambdas/campaign-submit/handler');
      });
      const { result, lines } = await consoleLines(() => handlerModule!.handler(chunk(['h1']), lambdaContext('req-S', 'pcm-test-campaign-submit')));
      expect(result).toMatchObject({ jobId: 'req-S', submitted: 1 });
      expect(lines).toEqual([expect.objectContaining({ level: 'info', message: 'chunk submitted to Mozart', requestId: 'req-S', functionName: 'pcm-test-campaign-submit', campaign: 'reproc' })]);
    } finally {
      process.env = saved;
    }
  });
});
