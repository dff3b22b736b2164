import { isOpsLike } from '../../config-generator/kinds';
import { isTrue } from '../stack-view';
import { violation, type RuleCheck } from '../rule';

/** In ops-like environments no plan may delete a bucket, and none deletes its objects with it. */
export const s3PreventDestroy: RuleCheck = ({ stack, config }) => {
  if (!isOpsLike(config.environment.kind)) return [];
  return stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const problems = [
      ...(isTrue((bucket.values.lifecycle as Record<string, unknown> | undefined)?.prevent_destroy) ? [] : ['no lifecycle.prevent_destroy']),
      ...(isTrue(bucket.values.force_destroy) ? ['force_destroy is on'] : []),
    ];
    return problems.length > 0 ? [violation(bucket, `${problems.join(' and ')} in an ${config.environment.kind} environment`)] : [];
  });
};
