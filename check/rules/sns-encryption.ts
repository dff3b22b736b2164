import { violation, type RuleCheck } from '../rule';

/** Topics encrypt messages at rest with a KMS key. */
export const snsEncryption: RuleCheck = ({ stack }) =>
  stack.ofType('aws_sns_topic').filter((t) => !t.values.kms_master_key_id).map((t) => violation(t, 'topic has no kms_master_key_id'));
