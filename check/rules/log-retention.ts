import { violation, type RuleCheck } from '../rule';

/** Log groups expire their events; without retention they are kept, and billed, forever. */
export const logRetention: RuleCheck = ({ stack }) =>
  stack
    .ofType('aws_cloudwatch_log_group')
    .filter((group) => !(Number(group.values.retention_in_days) > 0))
    .map((group) => violation(group, 'no retention_in_days: events are kept forever'));
