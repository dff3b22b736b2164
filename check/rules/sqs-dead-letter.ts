import { violation, type RuleCheck } from '../rule';
import { failureQueues, redrivePolicy } from './failure-targets';

/**
 * Every queue hands messages that keep failing to a dead-letter queue, unless it is itself where
 * failures land (a DLQ, an on-failure destination).
 */
export const sqsDeadLetter: RuleCheck = ({ stack, environment }) => {
  const failures = failureQueues(environment);
  return stack
    .ofType('aws_sqs_queue')
    .filter((queue) => !failures.has(queue))
    .filter((queue) => !redrivePolicy(queue)?.deadLetterTargetArn)
    .map((queue) => violation(queue, 'no redrive_policy to a dead-letter queue, and no failure lands in it'));
};
