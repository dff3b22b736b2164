import { asList, type TerraformResource } from '../stack-view';
import { violation, type RuleCheck, type Violation } from '../rule';
import { missingTags, requiredTags } from './required-tags';

/** What a launch template tags on the instances and volumes it launches. */
const LAUNCHED = ['instance', 'volume'] as const;

/**
 * The provider's default_tags reach neither autoscaling groups nor what launch templates
 * launch: the required tags must be written on each, or workers run untagged.
 */
export const launchedTags: RuleCheck = ({ stack, config }) => {
  const required = requiredTags(config);
  const found: Violation[] = [];
  const check = (resource: TerraformResource, what: string, tags: Record<string, unknown>) => {
    const missing = missingTags(required, tags);
    if (missing.length > 0) found.push(violation(resource, `${what} lack ${missing.join(', ')}`));
  };
  for (const template of stack.ofType('aws_launch_template')) {
    const specifications = asList(template.values.tag_specifications);
    for (const type of LAUNCHED) {
      const tags = Object.assign({}, ...specifications.filter((s) => s.resource_type === type).map((s) => s.tags ?? {})) as Record<string, unknown>;
      check(template, `the ${type}s it launches`, tags);
    }
  }
  for (const group of stack.ofType('aws_autoscaling_group')) {
    const tags = Object.fromEntries(asList(group.values.tag).map((t) => [String(t.key), t.value] as const));
    check(group, 'its tags', tags);
  }
  return found;
};
