/**
 * Before Terraform runs: the Lambda concurrency the environment reserves must leave the 100
 * unreserved executions AWS insists on. New accounts may have a quota of 10, where even
 * `reserved_concurrent_executions = 1` is refused half-way through a deploy; moto accepts it.
 */
import '../aws-sdk-quiet';
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand, type LambdaClient } from '@aws-sdk/client-lambda';

/** AWS refuses a reservation that would leave fewer unreserved concurrent executions than this. */
export const UNRESERVED_MINIMUM = 100;

/** One function's reserved concurrency, as the stack will set it. */
export interface ReservedConcurrency {
  readonly functionName: string;
  readonly reserved: number;
}

export class ConcurrencyQuotaError extends Error {
  override name = 'ConcurrencyQuotaError';
}

/** The one call the check makes, so a test can answer it. */
export type LambdaSender = Pick<LambdaClient, 'send'>;

/**
 * Refuses (ConcurrencyQuotaError) when reserving `needs` would leave fewer than 100 unreserved
 * executions. What a function already reserves (a re-deploy) is already counted by AWS.
 */
export async function checkConcurrencyQuota(lambda: LambdaSender, needs: readonly ReservedConcurrency[], context: { readonly account: string; readonly file: string }): Promise<void> {
  if (needs.length === 0) return;
  const settings = await lambda.send(new GetAccountSettingsCommand({}));
  const limit = settings.AccountLimit;
  if (limit?.ConcurrentExecutions === undefined || limit.UnreservedConcurrentExecutions === undefined) {
    throw new ConcurrencyQuotaError(`Lambda GetAccountSettings in account ${context.account} gave no concurrency limit; cannot tell whether the reserved concurrency fits`);
  }
  let additional = 0;
  for (const need of needs) {
    const current = await lambda.send(new GetFunctionConcurrencyCommand({ FunctionName: need.functionName })).catch((error: Error) => {
      if (error.name === 'ResourceNotFoundException') return { ReservedConcurrentExecutions: 0 };
      throw error;
    });
    additional += Math.max(0, need.reserved - (current.ReservedConcurrentExecutions ?? 0));
  }
  const left = limit.UnreservedConcurrentExecutions - additional;
  if (left < UNRESERVED_MINIMUM) {
    const what = needs.map((n) => `${n.functionName} reserves ${n.reserved}`).join(', ');
    throw new ConcurrencyQuotaError(
      `refusing to deploy: account ${context.account} has a Lambda concurrency quota of ${limit.ConcurrentExecutions} with ${limit.UnreservedConcurrentExecutions} unreserved; ` +
        `${what} (${additional} more), which would leave ${left}, and AWS requires ${UNRESERVED_MINIMUM} unreserved. ` +
        `Ask AWS Support (Service Quotas, "Concurrent executions") for a quota of at least ${limit.ConcurrentExecutions - left + UNRESERVED_MINIMUM}, or configure no CNES batcher in ${context.file} (cnm.cnes).`,
    );
  }
}
