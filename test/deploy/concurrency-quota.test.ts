/**
 * The deploy guard's Lambda concurrency check against stubbed GetAccountSettings and
 * GetFunctionConcurrency answers (moto implements neither).
 */
import { GetAccountSettingsCommand, GetFunctionConcurrencyCommand } from '@aws-sdk/client-lambda';
import { checkConcurrencyQuota, ConcurrencyQuotaError, type LambdaSender } from '../../lib/deploy/concurrency-quota';
import { reservedConcurrencyOf } from '../../stacks/reserved-concurrency';
import { Naming } from '../../modules/naming';
import { FIXTURE, fixtureConfig } from '../support/fixtures';

const ops = fixtureConfig('ops');
const context = { account: FIXTURE.accounts.ops, file: 'environments/ops.yaml' };

/** A Lambda client that answers the account settings and each function's reservation. */
function lambda(total: number, unreserved: number, reserved: Record<string, number> = {}): LambdaSender & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    send: (async (command: unknown) => {
      if (command instanceof GetAccountSettingsCommand) {
        calls.push('GetAccountSettings');
        return { AccountLimit: { ConcurrentExecutions: total, UnreservedConcurrentExecutions: unreserved } };
      }
      if (command instanceof GetFunctionConcurrencyCommand) {
        const name = command.input.FunctionName!;
        calls.push(`GetFunctionConcurrency ${name}`);
        if (!(name in reserved)) throw Object.assign(new Error('Function not found'), { name: 'ResourceNotFoundException' });
        return { ReservedConcurrentExecutions: reserved[name] };
      }
      throw new Error(`unexpected command ${String(command)}`);
    }) as LambdaSender['send'],
  };
}

describe('the concurrency-quota guard', () => {
  const needs = reservedConcurrencyOf(ops, Naming.of(ops));

  it('knows ops reserves 1 for its CNES batcher', () => {
    expect(needs).toEqual([{ functionName: 'pcm-ops-cnes-batcher', reserved: 1 }]);
  });

  it('fails in an account with the new-account quota of 10, naming the quota, the function and the fix', async () => {
    const client = lambda(10, 10);
    const refusal = checkConcurrencyQuota(client, needs, context);
    await expect(refusal).rejects.toThrow(ConcurrencyQuotaError);
    await expect(checkConcurrencyQuota(lambda(10, 10), needs, context)).rejects.toThrow(
      `account ${FIXTURE.accounts.ops} has a Lambda concurrency quota of 10 with 10 unreserved; pcm-ops-cnes-batcher reserves 1 (1 more), which would leave 9, and AWS requires 100 unreserved. Ask AWS Support (Service Quotas, "Concurrent executions") for a quota of at least 101`,
    );
  });

  it('fails at exactly 100 unreserved, where one more reservation leaves 99', async () => {
    await expect(checkConcurrencyQuota(lambda(1000, 100), needs, context)).rejects.toThrow('would leave 99');
  });

  it('passes with the default quota of 1000', async () => {
    const client = lambda(1000, 1000);
    await expect(checkConcurrencyQuota(client, needs, context)).resolves.toBeUndefined();
    expect(client.calls).toEqual(['GetAccountSettings', 'GetFunctionConcurrency pcm-ops-cnes-batcher']);
  });

  it('counts a reservation the function already holds (a re-deploy at 100 unreserved passes)', async () => {
    await expect(checkConcurrencyQuota(lambda(101, 100, { 'pcm-ops-cnes-batcher': 1 }), needs, context)).resolves.toBeUndefined();
  });

  it('asks nothing when nothing is reserved', async () => {
    const client = lambda(10, 10);
    await expect(checkConcurrencyQuota(client, [], context)).resolves.toBeUndefined();
    expect(client.calls).toEqual([]);
  });
});
