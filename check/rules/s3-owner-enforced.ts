import { asList } from '../stack-view';
import { violation, type RuleCheck } from '../rule';
import { partsOf } from './bucket-parts';

/** Every bucket owns every object in it: ACLs are off, whoever writes. */
export const s3OwnerEnforced: RuleCheck = ({ stack }) =>
  stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const ownership = partsOf(stack, bucket, 'aws_s3_bucket_ownership_controls').flatMap((o) => asList(o.values.rule)).map((r) => r.object_ownership);
    return ownership.includes('BucketOwnerEnforced') ? [] : [violation(bucket, `object ownership is ${ownership.length ? ownership.join(', ') : 'not configured'}, not BucketOwnerEnforced`)];
  });
