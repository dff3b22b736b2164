/**
 * The input of a campaign execution and the environment of the job's containers: the contract
 * between the command that starts a campaign, the state machine that runs it, and the PGE that
 * runs one item. Defined once here and imported by all three.
 */
import type { InventoryFormat } from './inventory';
import type { CampaignSpec } from './spec';

export interface CampaignExecutionInput {
  readonly campaign: string;
  readonly inventory: { readonly bucket: string; readonly key: string; readonly format: InventoryFormat };
  readonly job: { readonly definition: string; readonly queue: string };
  readonly limits: { readonly chunkSize: number; readonly concurrency: number; readonly toleratedFailurePercent: number; readonly maxAttempts: number };
  /** 1 for the first pass; each retry pass adds one. */
  readonly attempt: number;
}

/**
 * Environment variables of each Batch array child: the chunk's item ids as a JSON list (the child
 * takes entry AWS_BATCH_JOB_ARRAY_INDEX), the campaign's name and the pass's attempt number (which
 * the Batch-event Lambda reads back from the job-state event to move the row of this attempt only).
 */
export const CAMPAIGN_JOB_ENV = { items: 'PCM_CAMPAIGN_ITEMS', campaign: 'PCM_CAMPAIGN', attempt: 'PCM_CAMPAIGN_ATTEMPT' } as const;

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

export function executionInput(spec: CampaignSpec, inventory: CampaignExecutionInput['inventory'], attempt: number): CampaignExecutionInput {
  return {
    campaign: spec.name,
    inventory,
    job: { definition: spec.job.definition, queue: spec.job.queue },
    limits: { ...spec.limits },
    attempt,
  };
}
