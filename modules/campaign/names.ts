/**
 * Names of the campaign engine, derived from the environment's naming alone, so the command finds
 * the state machine and the ledger without reading Terraform state. A contract: changing one
 * replaces the engine.
 */
import type { Naming } from '../naming';

export function campaignNames(naming: Naming) {
  const { region, accountId } = naming.identity;
  const stateMachine = naming.resource('campaign', 'generic');
  const ledgerTable = naming.resource('campaigns', 'generic');
  const retryStateMachine = naming.resource('campaign-retry', 'generic');
  const submitFunction = naming.resource('campaign-submit', 'lambda');
  const verifyStateMachine = naming.resource('campaign-verify', 'generic');
  return {
    stateMachine,
    stateMachineArn: `arn:aws:states:${region}:${accountId}:stateMachine:${stateMachine}`,
    /** Executions of the state machine, and the Distributed Map's child executions. */
    executionArns: [`arn:aws:states:${region}:${accountId}:execution:${stateMachine}:*`, `arn:aws:states:${region}:${accountId}:execution:${stateMachine}/*`],
    mapRunArn: `arn:aws:states:${region}:${accountId}:mapRun:${stateMachine}/*`,
    ledgerTable,
    ledgerTableArn: `arn:aws:dynamodb:${region}:${accountId}:table/${ledgerTable}`,
    role: naming.resource('campaign-states', 'iamRole'),
    // Step Functions delivers logs through CloudWatch vended logs, which want this prefix.
    logGroup: `/aws/vendedlogs/states/${stateMachine}`,
    /** The deployed name of a Batch job queue or definition of the config (BatchEnvironment's rule). */
    batch: (name: string) => naming.resource(`batch-${name}`, 'batch'),
    batchArns: (queues: readonly string[], definitions: readonly string[]) => [
      ...queues.map((q) => `arn:aws:batch:${region}:${accountId}:job-queue/${naming.resource(`batch-${q}`, 'batch')}`),
      ...definitions.flatMap((d) => {
        const arn = `arn:aws:batch:${region}:${accountId}:job-definition/${naming.resource(`batch-${d}`, 'batch')}`;
        return [arn, `${arn}:*`];
      }),
    ],
    retryStateMachine,
    retryStateMachineArn: `arn:aws:states:${region}:${accountId}:stateMachine:${retryStateMachine}`,
    retryRole: naming.resource('campaign-retry-states', 'iamRole'),
    retryLogGroup: `/aws/vendedlogs/states/${retryStateMachine}`,
    /** The EventBridge Scheduler schedule that runs the retry state machine, and its role. */
    retrySchedule: naming.resource('campaign-retry', 'generic'),
    retryScheduleRole: naming.resource('campaign-retry-schedule', 'iamRole'),
    /** The function that submits a HySDS job's chunks to Mozart (lambdas/campaign-submit). */
    submitFunction,
    submitFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${submitFunction}`,
    verifyStateMachine,
    verifyStateMachineArn: `arn:aws:states:${region}:${accountId}:stateMachine:${verifyStateMachine}`,
    verifyRole: naming.resource('campaign-verify-states', 'iamRole'),
    verifyLogGroup: `/aws/vendedlogs/states/${verifyStateMachine}`,
    /** Where the Distributed Map writes its results, in the dataset bucket. */
    resultPrefix: 'campaigns/results',
    /** Where retry inventories go, in the dataset bucket. */
    retryPrefix: 'campaigns/',
  };
}
export type CampaignNames = ReturnType<typeof campaignNames>;
