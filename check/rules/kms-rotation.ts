import { isTrue } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/** Symmetric keys rotate yearly (asymmetric and HMAC keys cannot rotate automatically). */
export const kmsRotation: RuleCheck = ({ stack }) =>
  stack
    .ofType('aws_kms_key')
    .filter((key) => (key.values.customer_master_key_spec ?? 'SYMMETRIC_DEFAULT') === 'SYMMETRIC_DEFAULT')
    .filter((key) => !isTrue(key.values.enable_key_rotation))
    .map((key) => violation(key, 'enable_key_rotation is off'));
