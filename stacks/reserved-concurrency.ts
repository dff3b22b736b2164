/**
 * The concurrency an environment's functions reserve, by function name: the deploy guard checks
 * that the account's quota leaves room for it before Terraform runs (lib/deploy/concurrency-quota.ts),
 * and check rule PCM-LAM-3 that the synthesized functions reserve exactly this. It spans the
 * message Lambdas and the campaign engine, so it lives here, where the stacks compose them.
 */
import type { EnvironmentConfig } from '../config-generator/schema';
import { CAMPAIGN_SUBMIT_DEFAULTS } from '../lambdas/campaign-submit/contract';
import { CNES_BATCHER_RESERVED_CONCURRENCY } from '../lambdas/cnes-batcher/contract';
import { campaignNames } from '../modules/campaign/names';
import type { Naming } from '../modules/naming';

export function reservedConcurrencyOf(config: EnvironmentConfig, naming: Naming): { readonly functionName: string; readonly reserved: number }[] {
  return [
    ...(config.cnm.cnes ? [{ functionName: naming.resource('cnes-batcher', 'lambda'), reserved: CNES_BATCHER_RESERVED_CONCURRENCY }] : []),
    // campaign-submit (modules/campaign/campaign-engine.ts): its reservation bounds the submits in flight at Mozart.
    ...(config.campaigns?.enabled ? [{ functionName: campaignNames(naming).submitFunction, reserved: CAMPAIGN_SUBMIT_DEFAULTS.reservedConcurrency }] : []),
  ];
}
