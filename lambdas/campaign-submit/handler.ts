/**
 * campaign-submit: the campaign state machine's Mozart path. One invocation submits one chunk's
 * rows as HySDS jobs (`job-<type>:<release>` on the campaign's queue) through the shared Mozart
 * client, with `enable_dedup`, and returns each row's Mozart job id.
 *
 * Rate limits, so that a campaign of a million rows cannot flood Mozart:
 * - reserved concurrency on the function (CAMPAIGN_SUBMIT_DEFAULTS.reservedConcurrency) bounds
 *   the submits in flight; the state machine retries throttled invocations with jittered backoff;
 * - within an invocation rows go one at a time, at most CAMPAIGN_MAX_ROWS of them;
 * - a 429, a 5xx or an unreachable Mozart is tried again with exponential backoff and full jitter;
 *   when the tries run out the invocation fails as Campaign.MozartUnavailable, which the state
 *   machine retries (the rows already accepted are dropped then by Mozart's dedup).
 * A row Mozart refuses (or a malformed chunk) fails the invocation as Campaign.MozartRejected,
 * naming the row; the chunk is then marked failed in the ledger, as a failed Batch array job is.
 */
import { ConfigError, type Env } from '../shared/env';
import { lazy } from '../shared/lazy';
import { consoleLogger, invocationLogger, type Logger } from '../shared/log';
import { MozartError, submitJob, type MozartOptions, type SubmitJob } from '../shared/mozart';
import { CAMPAIGN_SUBMIT_ENV, CAMPAIGN_SUBMIT_ERRORS, type CampaignSubmitEvent, type CampaignSubmitResult } from './contract';

export interface CampaignSubmitSettings {
  readonly mozart: MozartOptions;
  readonly maxRows: number;
  readonly attempts: number;
  readonly backoffMs: number;
  readonly priority: number;
}

/** The function's settings, through its contract (the construct writes the same one). */
export function readSettings(env: Env): CampaignSubmitSettings {
  return CAMPAIGN_SUBMIT_ENV.read(env);
}

export interface CampaignSubmitDeps {
  readonly settings: CampaignSubmitSettings;
  readonly submit: SubmitJob;
  readonly logger: Logger;
  readonly sleep: (ms: number) => Promise<void>;
  /** [0, 1): the jitter. */
  readonly random: () => number;
}

/** The part of Lambda's context the handler reads. */
export interface InvocationContext {
  readonly awsRequestId: string;
  readonly functionName?: string;
  getRemainingTimeInMillis(): number;
}

/** An error Step Functions sees by its name (Lambda's errorType): see CAMPAIGN_SUBMIT_ERRORS. */
export class CampaignSubmitError extends Error {
  constructor(
    name: (typeof CAMPAIGN_SUBMIT_ERRORS)[keyof typeof CAMPAIGN_SUBMIT_ERRORS],
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

const EXPECTED = 'a chunk {campaign, attempt, job: {type, release, queue}, rows: [{id, ...}]} as the campaign state machine sends it';
/** Time kept back for answering before Lambda's timeout. */
const MARGIN_MS = 2000;

function rejected(message: string): CampaignSubmitError {
  return new CampaignSubmitError(CAMPAIGN_SUBMIT_ERRORS.rejected, message);
}

function checkEvent(event: CampaignSubmitEvent, maxRows: number): string[] {
  const text = (v: unknown) => typeof v === 'string' && v.trim() !== '';
  const problems: string[] = [];
  if (!text(event?.campaign)) problems.push('campaign: expected the campaign name');
  if (!Number.isInteger(event?.attempt) || event.attempt < 1) problems.push(`attempt: expected a whole number from 1, found ${JSON.stringify(event?.attempt)}`);
  for (const field of ['type', 'release', 'queue'] as const) if (!text(event?.job?.[field])) problems.push(`job.${field}: expected a non-empty string`);
  if (!Array.isArray(event?.rows)) problems.push('rows: expected the chunk\'s rows, a list');
  else {
    if (event.rows.length > maxRows) problems.push(`rows: ${event.rows.length} rows, more than the ${maxRows} an invocation submits (${CAMPAIGN_SUBMIT_ENV.names.maxRows}); start the campaign with a smaller --chunk`);
    // Array.isArray widens the readonly rows to any[]; the contract's type is what the check reads.
    (event.rows as CampaignSubmitEvent['rows']).forEach((row, i) => {
      if (!text(row?.id)) problems.push(`rows[${i}]: expected an "id" (a non-empty string), found ${JSON.stringify(row?.id)}`);
    });
  }
  return problems;
}

/** Submits one chunk; see the file's comment for the rate limits and the errors. */
export async function submitChunk(deps: CampaignSubmitDeps, event: CampaignSubmitEvent, context: InvocationContext): Promise<CampaignSubmitResult> {
  const { settings, logger } = deps;
  const problems = checkEvent(event, settings.maxRows);
  if (problems.length) throw rejected(`the chunk is malformed (${problems.join('; ')}); expected ${EXPECTED}`);
  const { campaign, attempt, job } = event;

  const byRow = new Map<string, string>();
  for (const row of event.rows) {
    const id = row.id as string;
    // A repeated row (the same id twice in a chunk) is one job: it keeps the first one's id.
    if (byRow.has(id)) continue;
    let tries = 0;
    for (;;) {
      tries++;
      const left = context.getRemainingTimeInMillis() - MARGIN_MS;
      if (left < settings.mozart.timeoutMs) {
        throw new CampaignSubmitError(
          CAMPAIGN_SUBMIT_ERRORS.unavailable,
          `ran out of time after ${byRow.size} of ${event.rows.length} rows of ${campaign} (row "${id}" next); the chunk is retried and Mozart's dedup drops the jobs already queued`,
        );
      }
      try {
        const jobId = await deps.submit(settings.mozart, {
          type: job.type,
          release: job.release,
          queue: job.queue,
          priority: settings.priority,
          tags: [campaign, id],
          // No attempt number: a chunk submitted again (a retried invocation) is the same job, which
          // enable_dedup drops while the first is queued, running or done.
          params: { ...row, campaign },
          name: `job-${job.type}-${campaign}-${id}`,
        });
        byRow.set(id, jobId);
        break;
      } catch (error) {
        if (!(error instanceof MozartError)) throw error;
        if (!error.transient) throw rejected(`Mozart refused row "${id}" of campaign ${campaign} (attempt ${attempt}): ${error.message}`);
        if (tries >= settings.attempts) {
          throw new CampaignSubmitError(CAMPAIGN_SUBMIT_ERRORS.unavailable, `row "${id}" of campaign ${campaign}: Mozart failed ${tries} tries (${error.message}); ${byRow.size} rows of the chunk were submitted before it`);
        }
        // Exponential backoff with full jitter: throttled invocations do not come back together.
        const delay = Math.round(deps.random() * settings.backoffMs * 2 ** (tries - 1));
        logger.log('warn', 'Mozart busy or failing; trying the row again', { campaign, id, tries, delayMs: delay, status: error.status, error: error.message });
        if (context.getRemainingTimeInMillis() - MARGIN_MS - delay < settings.mozart.timeoutMs) {
          throw new CampaignSubmitError(CAMPAIGN_SUBMIT_ERRORS.unavailable, `row "${id}" of campaign ${campaign}: no time left to try again (${error.message})`);
        }
        await deps.sleep(delay);
      }
    }
  }
  const rows = Object.fromEntries(byRow);
  logger.log('info', 'chunk submitted to Mozart', { campaign, attempt, requestId: context.awsRequestId, type: job.type, release: job.release, queue: job.queue, rows });
  return { jobId: context.awsRequestId, jobIds: event.rows.map((r) => byRow.get(r.id as string)!), rows, submitted: byRow.size };
}

const fromEnvironment = lazy((): CampaignSubmitDeps => {
  const settings = readSettings(process.env);
  return { settings, submit: submitJob, logger: consoleLogger, sleep: (ms) => new Promise((r) => setTimeout(r, ms)), random: Math.random };
});

export async function handler(event: CampaignSubmitEvent, context: InvocationContext): Promise<CampaignSubmitResult> {
  let deps: CampaignSubmitDeps;
  try {
    deps = fromEnvironment();
  } catch (error) {
    // A configuration mistake is the deployment's, not Mozart's: it fails the chunk, named.
    if (error instanceof ConfigError) throw rejected(`campaign-submit is misconfigured: ${error.message}`);
    throw error;
  }
  return submitChunk({ ...deps, logger: invocationLogger(deps.logger, context) }, event, context);
}
