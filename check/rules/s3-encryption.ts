import { asList, resolveResource } from '../stack-view';
import { violation, type RuleCheck } from '../rule';
import { partsOf } from './bucket-parts';

const KMS_ALGORITHMS = new Set(['aws:kms', 'aws:kms:dsse']);

/**
 * Every bucket encrypts new objects with a KMS key by default, except a server access log
 * target, which S3 can only deliver to with S3-managed keys (AES256); it holds request records.
 */
export const s3Encryption: RuleCheck = ({ stack }) => {
  const logTargets = new Set(stack.ofType('aws_s3_bucket_logging').map((l) => resolveResource([stack], 'aws_s3_bucket', l.values.target_bucket, 'bucket')));
  return stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const configs = partsOf(stack, bucket, 'aws_s3_bucket_server_side_encryption_configuration');
    const algorithms = configs.flatMap((c) => asList(c.values.rule)).flatMap((r) => asList(r.apply_server_side_encryption_by_default)).map((d) => d.sse_algorithm);
    if (algorithms.length === 0) return [violation(bucket, 'no default encryption configuration')];
    const weak = algorithms.filter((a) => !KMS_ALGORITHMS.has(String(a)) && !(logTargets.has(bucket) && a === 'AES256'));
    return weak.length > 0 ? [violation(bucket, `encrypts with ${weak.join(', ')}, not a KMS key`)] : [];
  });
};
