/**
 * IMDSv2 on instances and launch templates: tokens required, except on a core instance whose
 * config opts out (core.<component>.allowImdsV1, for legacy AMIs).
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { asList, type StackView, type TerraformResource } from '../stack-view';

export interface MetadataAccess {
  readonly resource: TerraformResource;
  /** The core component the config opts out for, when it does. */
  readonly optedOutAs?: string;
}

/** Core instances are built at `<stack>/<component>/instance`. */
function coreComponent(instance: TerraformResource): string | undefined {
  const [, component, leaf] = instance.path.split('/');
  return leaf === 'instance' ? component : undefined;
}

/** Instances and launch templates that still answer IMDSv1 requests. */
export function imdsV1Allowed(stack: StackView, config: EnvironmentConfig): MetadataAccess[] {
  return [...stack.ofType('aws_instance'), ...stack.ofType('aws_launch_template')]
    .filter((resource) => asList(resource.values.metadata_options)[0]?.http_tokens !== 'required')
    .map((resource) => {
      const component = resource.type === 'aws_instance' ? coreComponent(resource) : undefined;
      const core = component ? (config.core as Record<string, { allowImdsV1?: boolean } | undefined>)[component] : undefined;
      return core?.allowImdsV1 === true ? { resource, optedOutAs: component } : { resource };
    });
}
