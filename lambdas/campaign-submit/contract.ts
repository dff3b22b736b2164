/**
 * The campaign-submit function's contract, defined once: its environment (written by the campaign
 * engine construct, read by the handler; lambdas/shared/env.ts says how), the event the campaign
 * state machine sends it and the result it returns. No runtime dependencies, so synthesis stays light.
 */
import { environmentContract, integer } from '../shared/env';
import { JOB_PRIORITY, MOZART_ENV } from '../shared/mozart-contract';

/** Defaults, and the construct's settings. */
export const CAMPAIGN_SUBMIT_DEFAULTS = {
  maxRows: 500,
  attempts: 5,
  backoffMs: 1000,
  priority: 0,
  /**
   * Invocations at once (reserved concurrency), so at most this many submits are in flight at
   * Mozart whatever the campaign's concurrency: more chunks wait in Step Functions' Retry on
   * Lambda.TooManyRequestsException.
   */
  reservedConcurrency: 5,
  /** Seconds an invocation may run: maxRows sequential submits with their backoffs. */
  timeoutSeconds: 900,
} as const;

const d = CAMPAIGN_SUBMIT_DEFAULTS;

/** The function's environment: Mozart's connection and its own limits. */
export const CAMPAIGN_SUBMIT_ENV = environmentContract('campaign-submit', {
  mozart: MOZART_ENV,
  /** Rows one invocation submits at most (a chunk of more is refused, naming the cap). */
  maxRows: integer('CAMPAIGN_MAX_ROWS', { fallback: d.maxRows, min: 1, max: 10000 }),
  /** Tries per row against a throttling (429) or failing (5xx, unreachable) Mozart. */
  attempts: integer('CAMPAIGN_SUBMIT_ATTEMPTS', { fallback: d.attempts, min: 1, max: 10 }),
  /** The first backoff between those tries; it doubles, with full jitter. */
  backoffMs: integer('CAMPAIGN_SUBMIT_BACKOFF_MS', { fallback: d.backoffMs, min: 0, max: 60000 }),
  /** HySDS priority (0 to 9) of the campaign's jobs. */
  priority: JOB_PRIORITY,
});

/** The error names the state machine's Retry and Catch match (Lambda reports errorType). */
export const CAMPAIGN_SUBMIT_ERRORS = {
  /** Mozart kept throttling or failing, or the invocation ran out of time: retry the chunk later. */
  unavailable: 'Campaign.MozartUnavailable',
  /** Mozart refused a row, or the chunk is malformed: the chunk fails, the message names the row. */
  rejected: 'Campaign.MozartRejected',
} as const;

/** One row of the inventory, as the Distributed Map (ItemBatcher) passes it: `id` and its fields. */
export type CampaignRow = Readonly<Record<string, unknown>> & { readonly id?: unknown };

/** What the campaign state machine sends: one chunk. */
export interface CampaignSubmitEvent {
  readonly campaign: string;
  readonly attempt: number;
  readonly job: { readonly type: string; readonly release: string; readonly queue: string };
  readonly rows: readonly CampaignRow[];
}

/** What the function returns. */
export interface CampaignSubmitResult {
  /**
   * This invocation's request id: the chunk's reference in the ledger (`<jobId>:<index>`, as a
   * Batch array child's id reads) and in the function's log, which lists every row's job id.
   */
  readonly jobId: string;
  /** Mozart's job id of each row, in the chunk's order (a repeated row repeats its id). */
  readonly jobIds: readonly string[];
  /** Row id to Mozart job id. */
  readonly rows: Readonly<Record<string, string>>;
  /** Rows submitted (a repeated row is submitted once). */
  readonly submitted: number;
}
