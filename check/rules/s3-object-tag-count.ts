/**
 * S3 objects carry at most 10 tags, and the provider's default_tags count: an environment with
 * a few extra tags in its config would fail to create its prefix objects on AWS (moto takes any
 * number).
 */
import { violation, type RuleCheck } from '../rule';
import { shown } from '../stack-view';

/** AWS's limit on tags per S3 object. */
export const S3_OBJECT_TAG_LIMIT = 10;

export const s3ObjectTagCount: RuleCheck = ({ stack }) => {
  const defaults = stack.defaultTags;
  return stack.ofType('aws_s3_object').flatMap((object) => {
    const own = object.values.tags;
    if (own !== undefined && (typeof own !== 'object' || own === null)) return [violation(object, `tags cannot be read (${shown(own)})`)];
    const keys = new Set([...Object.keys(defaults), ...Object.keys((own as Record<string, string> | undefined) ?? {})]);
    return keys.size > S3_OBJECT_TAG_LIMIT ? [violation(object, `carries ${keys.size} tags with the provider's default tags; S3 allows ${S3_OBJECT_TAG_LIMIT}`)] : [];
  });
};
