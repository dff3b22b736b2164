import { isOpsLike } from '../../config-generator/kinds';
import { asList } from '../stack-view';
import { violation, type RuleCheck } from '../rule';
import { partsOf } from './bucket-parts';

/** In ops-like environments every bucket keeps old versions of what is overwritten or deleted. */
export const s3Versioning: RuleCheck = ({ stack, config }) => {
  if (!isOpsLike(config.environment.kind)) return [];
  return stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const status = partsOf(stack, bucket, 'aws_s3_bucket_versioning').flatMap((v) => asList(v.values.versioning_configuration)).map((c) => c.status);
    return status.includes('Enabled') ? [] : [violation(bucket, `versioning is ${status.length ? status.join(', ') : 'not configured'} in an ${config.environment.kind} environment`)];
  });
};
