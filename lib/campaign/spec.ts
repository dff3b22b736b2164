/**
 * A campaign: an inventory, a job, limits and an optional expected-output pattern. Campaigns are
 * started by command, never written into the environment file; the environment only says whether
 * the engine is deployed and what the limits default to. Everything wrong with a start request is
 * collected and reported at once, before anything starts.
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { CAMPAIGN_SUBMIT_DEFAULTS } from '../../lambdas/campaign-submit/contract';
import { INVENTORY_FORMATS } from '../../lambdas/shared/campaign-contract';
import { InventoryError, parseInventoryUri, type InventoryLocation } from './inventory';

export interface CampaignLimits {
  /** Items per chunk; one chunk is one Batch array job, or one invocation of campaign-submit. */
  readonly chunkSize: number;
  /** Chunks running at once (the Distributed Map's MaxConcurrency). */
  readonly concurrency: number;
  /** Percentage of failed chunks past which the campaign stops. */
  readonly toleratedFailurePercent: number;
  /** Attempts per item before it is permanently failed. */
  readonly maxAttempts: number;
}

/** Where each limit's range comes from (AWS quotas); messages quote them. */
export const LIMIT_RANGES: Record<keyof CampaignLimits, { readonly flag: string; readonly min: number; readonly max: number; readonly why: string }> = {
  // AWS Batch array jobs have 2 to 10,000 children; a chunk of 1 is submitted as a plain job.
  chunkSize: { flag: '--chunk', min: 2, max: 10000, why: 'an AWS Batch array job has 2 to 10000 children' },
  // A Distributed Map runs at most 10,000 child workflows at once.
  concurrency: { flag: '--concurrency', min: 1, max: 10000, why: 'the Distributed Map limit' },
  toleratedFailurePercent: { flag: '--tolerate', min: 0, max: 100, why: 'a percentage' },
  maxAttempts: { flag: '--attempts', min: 1, max: 10, why: 'the kit bounds retries' },
};

export const DEFAULT_LIMITS: CampaignLimits = { chunkSize: 100, concurrency: 10, toleratedFailurePercent: 10, maxAttempts: 3 };

/** A Batch job definition and queue: each chunk is one array job (`.sync`). */
export interface BatchCampaignJob {
  /** Absent in campaigns recorded before HySDS jobs were supported: those are Batch jobs. */
  readonly kind?: 'batch';
  /** Batch job definition name (from the environment's batch.jobDefinitions). */
  readonly definition: string;
  /** Batch job queue name. */
  readonly queue: string;
  /** Exit codes that mark an expected failure, never retried (from the job definition's config). */
  readonly expectedFailureExitCodes: readonly number[];
}

/** A HySDS job through Mozart: each chunk's rows are submitted by the campaign-submit function. */
export interface HysdsCampaignJob {
  readonly kind: 'hysds';
  /** The job type without the `job-` prefix, e.g. `l2_proc`. */
  readonly type: string;
  readonly release: string;
  /** A HySDS queue of the environment's worker fleets (workers.queues). */
  readonly queue: string;
  /**
   * Always empty: a Mozart job's exit code does not come back through the submit path, so no
   * failure is known to be an expected one (the retry state machine reads this field).
   */
  readonly expectedFailureExitCodes: readonly number[];
}

export type CampaignJob = BatchCampaignJob | HysdsCampaignJob;

/** `job-<type>:<release>`, with the formats the config schema gives HySDS job types and releases. */
const HYSDS_JOB = /^job-([A-Za-z0-9][A-Za-z0-9_.-]{0,63}):([A-Za-z0-9][A-Za-z0-9._-]{0,63})$/;

export interface CampaignSpec {
  readonly name: string;
  readonly inventory: InventoryLocation;
  readonly job: CampaignJob;
  readonly limits: CampaignLimits;
  /**
   * Where each item's output is expected, `s3://bucket/key` with `{field}` placeholders filled
   * from the item's row (e.g. `s3://b/out/{id}.h5`); verify checks it exists.
   */
  readonly outputPattern?: string;
}

/** What `npm run campaign -- start` was given, as strings, before any checking. */
export interface StartRequest {
  readonly name?: string;
  readonly inventory?: string;
  readonly job?: string;
  readonly queue?: string;
  readonly chunk?: string;
  readonly concurrency?: string;
  readonly tolerate?: string;
  readonly attempts?: string;
  readonly output?: string;
}

/** Every problem with a start request; nothing was started. */
export class CampaignInputError extends Error {
  override name = 'CampaignInputError';
  constructor(readonly problems: readonly string[]) {
    super(`the campaign was not started:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Campaign names become DynamoDB keys, Batch job names and execution names (80 characters). */
const CAMPAIGN_NAME = /^[a-z0-9][a-z0-9-]{0,47}$/;
/** Placeholders of an output pattern. */
const PLACEHOLDER = /\{([A-Za-z0-9_.-]+)\}/g;

/**
 * Checks a start request against the environment's config and turns it into a spec, or throws
 * CampaignInputError listing every problem. The inventory's content is checked separately
 * (checkInventory), since that needs S3.
 */
export function resolveCampaign(config: EnvironmentConfig, request: StartRequest, file = `environments/${config.environment.name}.yaml`): CampaignSpec {
  const problems: string[] = [];
  if (!config.campaigns?.enabled) problems.push(`${file}: campaigns.enabled is not true, so this environment has no campaign engine; set it and deploy`);

  const name = request.name;
  if (!name) problems.push('--name is required');
  else if (!CAMPAIGN_NAME.test(name)) problems.push(`--name "${name}": expected 1 to 48 lowercase letters, digits and dashes, starting with a letter or digit`);

  let inventory: InventoryLocation | undefined;
  if (!request.inventory) problems.push(`--inventory is required: s3://<bucket>/<key> of a ${INVENTORY_FORMATS.join(', ')} object`);
  else {
    try {
      inventory = parseInventoryUri(request.inventory);
    } catch (e) {
      if (!(e instanceof InventoryError)) throw e;
      problems.push(e.message);
    }
  }

  const definitions = config.batch.jobDefinitions;
  const queues = config.batch.jobQueues.map((q) => q.name);
  const workerQueues = config.workers.queues.map((q) => q.name);
  const jobChoices = `a Batch job definition of ${file} (batch.jobDefinitions: ${definitions.map((d) => d.name).join(', ') || 'none defined'}) or a HySDS job-<type>:<release>`;
  let job: CampaignJob | undefined;
  if (!request.job) problems.push(`--job is required: ${jobChoices}`);
  else if (request.job.startsWith('job-') || request.job.includes(':')) {
    // A HySDS job type: the environment file lists no job types (Mozart knows them), so only its
    // form is checked here; its queue must be one of the environment's worker queues.
    const hysds = HYSDS_JOB.exec(request.job);
    if (!hysds) problems.push(`--job ${request.job}: expected a HySDS job as job-<type>:<release>, e.g. job-l2_proc:4.1.0 (type and release: letters, digits, ".", "_" or "-")`);
    const queue = request.queue ?? workerQueues[0];
    if (!queue) problems.push(`${file}: workers.queues is empty; a HySDS campaign needs a worker queue for --queue`);
    else if (!workerQueues.includes(queue)) problems.push(`--queue ${queue}: not a HySDS worker queue in ${file} (workers.queues: ${workerQueues.join(', ')}); a job-<type>:<release> runs on a worker queue`);
    if (hysds && queue && workerQueues.includes(queue)) job = { kind: 'hysds', type: hysds[1], release: hysds[2], queue, expectedFailureExitCodes: [] };
  } else {
    const definition = definitions.find((d) => d.name === request.job);
    const queue = request.queue ?? queues[0];
    if (!definition) problems.push(`--job ${request.job}: not a job definition in ${file} (batch.jobDefinitions: ${definitions.map((d) => d.name).join(', ') || 'none'}); a HySDS job is given as job-<type>:<release>`);
    if (!queue) problems.push(`${file}: batch.jobQueues is empty; a campaign needs a job queue`);
    else if (!queues.includes(queue)) problems.push(`--queue ${queue}: not a job queue in ${file} (batch.jobQueues: ${queues.join(', ')})`);
    if (definition && queue && queues.includes(queue)) job = { kind: 'batch', definition: definition.name, queue, expectedFailureExitCodes: definition.expectedFailureExitCodes };
  }

  const defaults = { ...DEFAULT_LIMITS, ...(config.campaigns?.defaults ?? {}) };
  const given: Record<keyof CampaignLimits, string | undefined> = {
    chunkSize: request.chunk,
    concurrency: request.concurrency,
    toleratedFailurePercent: request.tolerate,
    maxAttempts: request.attempts,
  };
  const limits = { ...defaults };
  for (const key of Object.keys(LIMIT_RANGES) as (keyof CampaignLimits)[]) {
    const text = given[key];
    if (text === undefined) continue;
    const range = LIMIT_RANGES[key];
    const value = /^\d+$/.test(text) ? Number(text) : NaN;
    if (!(value >= range.min && value <= range.max)) problems.push(`${range.flag} ${text}: expected a whole number from ${range.min} to ${range.max} (${range.why})`);
    else limits[key] = value;
  }

  // A HySDS chunk is one invocation of campaign-submit, which submits its rows one at a time.
  if (job?.kind === 'hysds' && limits.chunkSize > CAMPAIGN_SUBMIT_DEFAULTS.maxRows) {
    problems.push(`--chunk ${limits.chunkSize}: expected at most ${CAMPAIGN_SUBMIT_DEFAULTS.maxRows} for a HySDS job (one campaign-submit invocation submits at most that many rows to Mozart)`);
  }

  if (request.output !== undefined && !/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/\S*\{[A-Za-z0-9_.-]+\}\S*$/.test(request.output)) {
    problems.push(`--output ${request.output}: expected s3://<bucket>/<key> with at least one {field} of the inventory, e.g. s3://bucket/out/{id}.h5`);
  }

  if (problems.length) throw new CampaignInputError(problems);
  return { name: name!, inventory: inventory!, job: job!, limits, ...(request.output ? { outputPattern: request.output } : {}) };
}

/** The expected output of one item: the pattern with the item's fields filled in. */
export function expectedOutput(pattern: string, item: Readonly<Record<string, string>>): string {
  return pattern.replace(PLACEHOLDER, (_, field: string) => item[field] ?? '');
}
