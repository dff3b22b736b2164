import { violation, type RuleCheck } from '../rule';

/**
 * EventBridge Scheduler schedules (the campaign retry) encrypt their target input with a
 * customer-managed key; without one AWS's own key holds it, outside the environment key's policy.
 */
export const schedulerEncryption: RuleCheck = ({ stack }) =>
  stack.ofType('aws_scheduler_schedule').flatMap((schedule) => (schedule.values.kms_key_arn ? [] : [violation(schedule, 'target input not encrypted with a customer-managed KMS key (no kms_key_arn)')]));
