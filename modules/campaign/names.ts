/**
 * Names of the campaign engine, derived from the environment's naming alone, so the command finds
 * the state machine and the ledger without reading Terraform state. A contract: changing one
 * replaces the engine.
 */
import type { Naming } from '../naming';

export function campaignNames(naming: Naming) {
  const stateMachine = naming.resource('campaign', 'generic');
  const ledgerTable = naming.resource('campaigns', 'generic');
  const retryStateMachine = naming.resource('campaign-retry', 'generic');
  const submitFunction = naming.resource('campaign-submit', 'lambda');
  const verifyStateMachine = naming.resource('campaign-verify', 'generic');
  return {
    stateMachine,
    stateMachineArn: naming.arn('states', `stateMachine:${stateMachine}`),
    /** Executions of the state machine, and the Distributed Map's child executions. */
    executionArns: [naming.arn('states', `execution:${stateMachine}:*`), naming.arn('states', `execution:${stateMachine}/*`)],
    mapRunArn: naming.arn('states', `mapRun:${stateMachine}/*`),
    ledgerTable,
    ledgerTableArn: naming.arn('dynamodb', `table/${ledgerTable}`),
    role: naming.resource('campaign-states', 'iamRole'),
    // Step Functions delivers logs through CloudWatch vended logs, which want this prefix.
    logGroup: `/aws/vendedlogs/states/${stateMachine}`,
    /** The deployed name of a Batch job queue or definition of the config (BatchEnvironment's rule). */
    batch: (name: string) => naming.batch(name),
    batchArns: (queues: readonly string[], definitions: readonly string[]) => [
      ...queues.map((q) => naming.arn('batch', `job-queue/${naming.batch(q)}`)),
      ...definitions.flatMap((d) => {
        const arn = naming.arn('batch', `job-definition/${naming.batch(d)}`);
        return [arn, `${arn}:*`];
      }),
    ],
    retryStateMachine,
    retryStateMachineArn: naming.arn('states', `stateMachine:${retryStateMachine}`),
    retryRole: naming.resource('campaign-retry-states', 'iamRole'),
    retryLogGroup: `/aws/vendedlogs/states/${retryStateMachine}`,
    /** The EventBridge Scheduler schedule that runs the retry state machine, and its role. */
    retrySchedule: naming.resource('campaign-retry', 'generic'),
    retryScheduleRole: naming.resource('campaign-retry-schedule', 'iamRole'),
    /** The function that submits a HySDS job's chunks to Mozart (lambdas/campaign-submit). */
    submitFunction,
    submitFunctionArn: naming.arn('lambda', `function:${submitFunction}`),
    verifyStateMachine,
    verifyStateMachineArn: naming.arn('states', `stateMachine:${verifyStateMachine}`),
    verifyRole: naming.resource('campaign-verify-states', 'iamRole'),
    verifyLogGroup: `/aws/vendedlogs/states/${verifyStateMachine}`,
    /** Where the Distributed Map writes its results, in the dataset bucket. */
    resultPrefix: 'campaigns/results',
    /** Where retry inventories go, in the dataset bucket. */
    retryPrefix: 'campaigns/',
  };
}
export type CampaignNames = ReturnType<typeof campaignNames>;
