/**
 * S3 settings live in resources of their own (aws_s3_bucket_versioning, ..._policy, ...) that
 * point at their bucket by reference or by name; the S3 rules look them up here.
 */
import { resolveResource, type StackView, type TerraformResource } from '../stack-view';

/** The resources of `type` in the stack that configure `bucket`. */
export function partsOf(stack: StackView, bucket: TerraformResource, type: string): TerraformResource[] {
  return stack.ofType(type).filter((part) => resolveResource([stack], 'aws_s3_bucket', part.values.bucket, 'bucket') === bucket);
}
