import { isTrue } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/** Queues encrypt messages at rest (a KMS key, or at least SQS-managed keys). */
export const sqsEncryption: RuleCheck = ({ stack }) =>
  stack
    .ofType('aws_sqs_queue')
    .filter((q) => !q.values.kms_master_key_id && !isTrue(q.values.sqs_managed_sse_enabled))
    .map((q) => violation(q, 'queue has neither kms_master_key_id nor sqs_managed_sse_enabled'));
