/**
 * Every bucket logs its requests (S3 server access logs) to the environment's log bucket: the
 * record of who read, wrote or deleted what, partners included. The log bucket itself does not
 * log (it would log its own deliveries, forever).
 */
import { violation, type RuleCheck } from '../rule';
import { resolveResource } from '../stack-view';
import { partsOf } from './bucket-parts';

export const s3AccessLogging: RuleCheck = ({ stack }) => {
  const loggings = stack.ofType('aws_s3_bucket_logging');
  const targets = new Set(loggings.map((l) => resolveResource([stack], 'aws_s3_bucket', l.values.target_bucket, 'bucket')));
  return stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    if (targets.has(bucket)) return [];
    const own = partsOf(stack, bucket, 'aws_s3_bucket_logging');
    if (own.length === 0) return [violation(bucket, 'no aws_s3_bucket_logging: requests to it leave no record')];
    const nowhere = own.filter((l) => typeof l.values.target_bucket !== 'string' || l.values.target_bucket === '');
    return nowhere.length > 0 ? [violation(bucket, 'access logging names no target bucket')] : [];
  });
};
