import { violation, type RuleCheck } from '../rule';
import { shown } from '../stack-view';

/** Streams encrypt records at rest with a KMS key. */
export const kinesisEncryption: RuleCheck = ({ stack }) =>
  stack
    .ofType('aws_kinesis_stream')
    .filter((s) => s.values.encryption_type !== 'KMS' || !s.values.kms_key_id)
    .map((s) => violation(s, `encryption_type is ${shown(s.values.encryption_type ?? 'NONE')}${s.values.kms_key_id ? '' : ' and no kms_key_id'}`));
