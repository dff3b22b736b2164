/**
 * Every SQS event source caps its concurrency: a burst on a queue (a backlog after an outage)
 * otherwise scales its function to the account's limit, starving every other function and
 * flooding mozart with submissions.
 */
import { violation, type RuleCheck } from '../rule';
import { asList } from '../stack-view';

export const sqsSourceConcurrency: RuleCheck = ({ stack }) =>
  stack
    .ofType('aws_lambda_event_source_mapping')
    .filter((m) => {
      const source = String(m.values.event_source_arn);
      return source.includes(':sqs:') || source.includes('aws_sqs_queue.');
    })
    .filter((m) => asList(m.values.scaling_config)[0]?.maximum_concurrency === undefined)
    .map((m) => violation(m, 'no scaling_config.maximum_concurrency: a backlog scales the function to the account limit'));
