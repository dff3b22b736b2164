import { defaultTags } from '../../stacks/environment-stack';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { violation, type RuleCheck } from '../rule';
import { isTaggable } from './taggable-types';

/** Tags every resource carries, with their values: the kit's own and the config's. */
export function requiredTags(config: EnvironmentConfig): Record<string, string> {
  return defaultTags(config);
}

/** Keys of `required` that `tags` lacks or gives another value. */
export function missingTags(required: Record<string, string>, tags: Record<string, unknown>): string[] {
  return Object.entries(required)
    .filter(([key, value]) => tags[key] !== value)
    .map(([key, value]) => `${key}=${value}`);
}

/** Every taggable resource carries the required tags, through the provider's default_tags or its own. */
export const requiredTagsRule: RuleCheck = ({ stack, config }) => {
  const required = requiredTags(config);
  const defaults = stack.defaultTags;
  return stack.resources
    .filter((resource) => isTaggable(resource.type))
    .flatMap((resource) => {
      const missing = missingTags(required, { ...defaults, ...((resource.values.tags as Record<string, unknown> | undefined) ?? {}) });
      return missing.length > 0 ? [violation(resource, `lacks ${missing.join(', ')}`)] : [];
    });
};
