import { asList, referencedAddress, resolveResource, type StackView, type TerraformResource } from '../stack-view';
import { violation, type RuleCheck } from '../rule';
import { onFailureDestinations } from './failure-targets';

/** Services that invoke a function asynchronously: when it fails, they retry and then drop the event. */
const ASYNC_INVOKERS = new Set(['events.amazonaws.com', 'scheduler.amazonaws.com', 'sns.amazonaws.com', 's3.amazonaws.com']);

function asyncallyInvoked(stack: StackView): Set<TerraformResource> {
  const fn = (value: unknown) => resolveResource([stack], 'aws_lambda_function', value, 'function_name');
  const invoked = [
    ...stack.ofType('aws_lambda_permission').filter((p) => ASYNC_INVOKERS.has(String(p.values.principal))).map((p) => fn(p.values.function_name)),
    ...stack.ofType('aws_cloudwatch_event_target').map((t) => fn(t.values.arn)),
    ...stack.ofType('aws_sns_topic_subscription').filter((s) => s.values.protocol === 'lambda').map((s) => fn(s.values.endpoint)),
    ...stack.ofType('aws_s3_bucket_notification').flatMap((n) => asList(n.values.lambda_function).map((l) => fn(l.lambda_function_arn))),
  ];
  return new Set(invoked.filter((f) => f !== undefined));
}

/**
 * A function invoked asynchronously (schedules, SNS, S3) has somewhere for failed events to go:
 * a dead_letter_config or an on-failure destination.
 */
export const lambdaAsyncFailures: RuleCheck = ({ stack }) => {
  const withDestination = new Set(
    stack
      .ofType('aws_lambda_function_event_invoke_config')
      .filter((c) => onFailureDestinations(c).length > 0)
      .map((c) => referencedAddress(c.values.function_name) ?? resolveResource([stack], 'aws_lambda_function', c.values.function_name, 'function_name')?.address),
  );
  return [...asyncallyInvoked(stack)]
    .filter((fn) => !withDestination.has(fn.address))
    .filter((fn) => !asList(fn.values.dead_letter_config).some((d) => d.target_arn))
    .map((fn) => violation(fn, 'invoked asynchronously with no dead_letter_config or on-failure destination'));
};
