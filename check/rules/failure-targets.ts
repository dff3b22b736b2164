/**
 * Where failures go: the dead-letter queues and on-failure destinations a stack's environment
 * names, which the DLQ rules recognise as such.
 */
import { asList, resolveResource, type StackView, type TerraformResource } from '../stack-view';

/** Every value in an environment that names a queue as somewhere failures land. */
function failureTargetValues(views: readonly StackView[]): unknown[] {
  const values: unknown[] = [];
  for (const view of views) {
    for (const queue of view.ofType('aws_sqs_queue')) {
      const redrive = redrivePolicy(queue);
      if (redrive?.deadLetterTargetArn) values.push(redrive.deadLetterTargetArn);
    }
    for (const fn of view.ofType('aws_lambda_function')) values.push(...asList(fn.values.dead_letter_config).map((d) => d.target_arn));
    for (const config of view.ofType('aws_lambda_function_event_invoke_config')) values.push(...onFailureDestinations(config));
    for (const target of view.ofType('aws_cloudwatch_event_target')) values.push(...asList(target.values.dead_letter_config).map((d) => d.arn));
  }
  return values.filter((v) => v !== undefined);
}

/** The queues of the environment that are dead-letter queues or failure destinations. */
export function failureQueues(views: readonly StackView[]): Set<TerraformResource> {
  return new Set(failureTargetValues(views).map((value) => resolveResource(views, 'aws_sqs_queue', value, 'name')).filter((q) => q !== undefined));
}

export function redrivePolicy(queue: TerraformResource): { deadLetterTargetArn?: string; maxReceiveCount?: number } | undefined {
  const text = queue.values.redrive_policy;
  if (typeof text !== 'string' || text === '') return undefined;
  try {
    return JSON.parse(text) as { deadLetterTargetArn?: string; maxReceiveCount?: number };
  } catch {
    return undefined;
  }
}

export function onFailureDestinations(config: TerraformResource): unknown[] {
  return asList(config.values.destination_config).flatMap((d) => asList(d.on_failure)).map((f) => f.destination);
}
