import { isTrue } from '../stack-view';
import { violation, type RuleCheck } from '../rule';
import { partsOf } from './bucket-parts';

const SETTINGS = ['block_public_acls', 'block_public_policy', 'ignore_public_acls', 'restrict_public_buckets'] as const;

/** Every bucket blocks public ACLs and policies, all four settings on. */
export const s3PublicAccessBlock: RuleCheck = ({ stack }) =>
  stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const [block] = partsOf(stack, bucket, 'aws_s3_bucket_public_access_block');
    if (!block) return [violation(bucket, 'no public-access block')];
    const off = SETTINGS.filter((s) => !isTrue(block.values[s]));
    return off.length > 0 ? [violation(bucket, `public-access block leaves ${off.join(', ')} off`)] : [];
  });
