/**
 * A resource AWS names uniquely cannot be replaced create-before-destroy under a fixed name:
 * the new one is refused ("already exists") while the old one still holds the name. moto
 * allows duplicate security group names, so only real AWS shows this, on the first replacement.
 */
import { violation, type RuleCheck } from '../rule';
import { asList, isTrue } from '../stack-view';

/** The attributes that give a resource its unique name. */
const NAME_ATTRIBUTES = ['name', 'bucket', 'function_name', 'compute_environment_name', 'alarm_name', 'role_name', 'group_name'] as const;

export const fixedNameReplacement: RuleCheck = ({ stack }) =>
  stack.resources.flatMap((resource) => {
    const lifecycle = asList(resource.values.lifecycle)[0];
    if (!isTrue(lifecycle?.create_before_destroy)) return [];
    const fixed = NAME_ATTRIBUTES.filter((attribute) => resource.values[attribute] !== undefined && resource.values[attribute] !== null);
    return fixed.length > 0 ? [violation(resource, `create_before_destroy with a fixed ${fixed.join(', ')}: the replacement is refused while the old one holds the name`)] : [];
  });
