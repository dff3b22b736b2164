/**
 * The input of a campaign execution and the environment of the job's containers: the contract
 * between the command that starts a campaign, the state machine that runs it, and the PGE that
 * runs one item. Defined once here and imported by all three.
 */
import { CAMPAIGN_JOB_ENV, type InventoryFormat } from '../../lambdas/shared/campaign-contract';
import type { CampaignSpec } from './spec';

export interface CampaignExecutionInput {
  readonly campaign: string;
  readonly inventory: { readonly bucket: string; readonly key: string; readonly format: InventoryFormat };
  /** The chunks' job: the production definition's JobKind Choice reads `kind`. */
  readonly job: ExecutionJob;
  readonly limits: {
    readonly chunkSize: number;
    readonly concurrency: number;
    readonly toleratedFailurePercent: number;
    readonly maxAttempts: number;
    /**
     * The most failed rows the campaign tolerates, floor(total x toleratedFailurePercent / 100):
     * computed here because ASL cannot multiply. Read only by the emulated definition's stand-in
     * for ToleratedFailurePercentage (modules/campaign/definitions.ts, Tolerance), which moto rejects.
     */
    readonly toleratedFailedRows: number;
  };
  /** 1 for the first pass; each retry pass adds one. */
  readonly attempt: number;
}

/** A Batch job definition and queue (deployed names), or a HySDS job type, release and queue. */
export type ExecutionJob =
  | { readonly kind: 'batch'; readonly definition: string; readonly queue: string }
  | { readonly kind: 'hysds'; readonly type: string; readonly release: string; readonly queue: string };

/** The execution input's failure ceiling in rows: more failed rows than this stop the campaign. */
export function toleratedFailedRows(total: number, toleratedFailurePercent: number): number {
  return Math.floor((total * toleratedFailurePercent) / 100);
}

/** The item id a Batch array child works on, read the way the state machine writes it. */
export function itemOfChild(env: NodeJS.ProcessEnv): string {
  const ids = JSON.parse(env[CAMPAIGN_JOB_ENV.items] ?? '[]') as string[];
  const index = Number(env.AWS_BATCH_JOB_ARRAY_INDEX ?? '0');
  const id = ids[index];
  if (id === undefined) throw new Error(`${CAMPAIGN_JOB_ENV.items} has no entry ${index}`);
  return id;
}

/** Execution names are unique per state machine for 90 days: one per campaign pass. */
export function executionName(campaign: string, attempt: number): string {
  return `${campaign}-pass-${attempt}`;
}

/** `total`: the campaign's rows (every pass's tolerance is a share of the whole campaign). */
export function executionInput(spec: CampaignSpec, inventory: CampaignExecutionInput['inventory'], attempt: number, total: number): CampaignExecutionInput {
  const { job } = spec;
  return {
    campaign: spec.name,
    inventory,
    job: job.kind === 'hysds' ? { kind: 'hysds', type: job.type, release: job.release, queue: job.queue } : { kind: 'batch', definition: job.definition, queue: job.queue },
    limits: { ...spec.limits, toleratedFailedRows: toleratedFailedRows(total, spec.limits.toleratedFailurePercent) },
    attempt,
  };
}
