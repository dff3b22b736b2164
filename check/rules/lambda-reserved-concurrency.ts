/**
 * Reserved concurrency is refused by AWS when it would leave fewer than 100 unreserved
 * executions, which the deploy guard checks against the account's quota before Terraform runs.
 * It can only check what it knows of: every reservation in the stack must be one that
 * reservedConcurrencyOf (stacks/reserved-concurrency.ts) declares, with the same amount.
 */
import { Naming } from '../../modules/naming';
import { reservedConcurrencyOf } from '../../stacks/reserved-concurrency';
import { violation, type RuleCheck } from '../rule';
import { shown } from '../stack-view';

export const lambdaReservedConcurrency: RuleCheck = ({ stack, config }) => {
  const declared = new Map(reservedConcurrencyOf(config, Naming.of(config)).map((n) => [n.functionName, n.reserved]));
  return stack.ofType('aws_lambda_function').flatMap((fn) => {
    const reserved = fn.values.reserved_concurrent_executions;
    if (reserved === undefined || reserved === null || reserved === -1) return [];
    const name = String(fn.values.function_name);
    const expected = declared.get(name);
    if (expected === undefined) return [violation(fn, `reserves ${shown(reserved)} concurrent executions that the deploy guard does not check against the account's quota`)];
    return Number(reserved) === expected ? [] : [violation(fn, `reserves ${shown(reserved)} concurrent executions, the deploy guard checks ${expected}`)];
  });
};
