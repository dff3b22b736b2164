import { violation, type RuleCheck } from '../rule';

/**
 * Every function's log group is declared (with its retention and key): otherwise Lambda creates
 * /aws/lambda/<name> on first run, unencrypted, kept forever, and outside Terraform.
 */
export const lambdaLogGroup: RuleCheck = ({ stack }) => {
  const groups = new Set(stack.ofType('aws_cloudwatch_log_group').map((g) => g.values.name));
  return stack.ofType('aws_lambda_function').flatMap((fn) => {
    const logging = (Array.isArray(fn.values.logging_config) ? fn.values.logging_config[0] : fn.values.logging_config) as { log_group?: string } | undefined;
    const expected = logging?.log_group ?? `/aws/lambda/${String(fn.values.function_name)}`;
    return groups.has(expected) ? [] : [violation(fn, `no log group ${expected} in the stack`)];
  });
};
