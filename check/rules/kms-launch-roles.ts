/**
 * Auto Scaling (worker fleets, and the groups Batch creates) launches instances as its
 * service-linked role; when a launch template encrypts a volume with a customer-managed key,
 * that role must be able to use the key and create grants on it, or every launch fails with
 * Client.InternalError. moto launches regardless.
 */
import { isWildcardPrincipal, listOf, policyDocuments, type PolicyStatement } from '../policy-documents';
import { partitionOf } from '../../modules/naming';
import { violation, type RuleCheck, type Violation } from '../rule';
import { asList, referencedAddress, shown, type StackView, type TerraformResource } from '../stack-view';

/** The actions a launching role needs: its own data keys, and the grant EC2 uses for the volume. */
const NEEDED = ['kms:GenerateDataKeyWithoutPlaintext', 'kms:Decrypt', 'kms:CreateGrant'];

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
const matches = (patterns: readonly string[], value: string) => patterns.some((p) => glob(p).test(value));

/** The launch template a group or Batch compute environment launches from. */
function launchTemplateOf(stack: StackView, launcher: TerraformResource): TerraformResource | undefined {
  const specs =
    launcher.type === 'aws_batch_compute_environment'
      ? asList(asList(launcher.values.compute_resources)[0]?.launch_template)
      : [
          ...asList(launcher.values.launch_template),
          ...asList(asList(asList(launcher.values.mixed_instances_policy)[0]?.launch_template)[0]?.launch_template_specification),
        ];
  for (const spec of specs) {
    const address = referencedAddress(spec.launch_template_id ?? spec.id);
    const found = address ? stack.resource(address) : undefined;
    if (found?.type === 'aws_launch_template') return found;
  }
  return undefined;
}

/** The aws_kms_key a kms_key_id value names: directly, or through a data.aws_kms_alias of an alias in the environment. */
function keyOf(views: readonly StackView[], stack: StackView, value: unknown): TerraformResource | undefined {
  const address = referencedAddress(value);
  if (!address) return undefined;
  if (address.startsWith('data.aws_kms_alias.')) {
    const alias = stack.json.data?.aws_kms_alias?.[address.split('.')[2]]?.name;
    for (const view of views) {
      const target = view.ofType('aws_kms_alias').find((a) => a.values.name === alias);
      const keyAddress = target && referencedAddress(target.values.target_key_id);
      const key = keyAddress ? view.resource(keyAddress) : undefined;
      if (key) return key;
    }
    return undefined;
  }
  for (const view of views) {
    const key = view.resource(address);
    if (key?.type === 'aws_kms_key') return key;
  }
  return undefined;
}

/** Whether a key-policy statement allows `role`: named as Principal, or "*" with an aws:PrincipalArn condition that matches it. */
function allowsRole(statement: PolicyStatement, role: string): boolean {
  if (statement.Effect !== 'Allow') return false;
  const principal = statement.Principal as { AWS?: string | string[] } | undefined;
  if (principal && typeof principal === 'object' && listOf(principal.AWS).includes(role)) return true;
  if (!isWildcardPrincipal(statement.Principal)) return false;
  const arns = Object.entries(statement.Condition ?? {})
    .filter(([operator]) => /^Arn(Equals|Like)$|^String(Equals|Like)$/.test(operator))
    .flatMap(([, values]) => listOf((values as Record<string, string | string[]>)['aws:PrincipalArn']));
  return matches(arns, role);
}

export const kmsLaunchRoles: RuleCheck = ({ stack, environment, config }) => {
  const found: Violation[] = [];
  const launchers = [...stack.ofType('aws_autoscaling_group'), ...stack.ofType('aws_batch_compute_environment')];
  for (const launcher of launchers) {
    const template = launchTemplateOf(stack, launcher);
    if (!template) continue; // no launch template: no customer-managed volume key to check
    const keyIds = [...new Set(asList(template.values.block_device_mappings).flatMap((m) => asList(m.ebs)).map((e) => e.kms_key_id).filter((k) => k !== undefined))];
    const role =
      typeof launcher.values.service_linked_role_arn === 'string'
        ? launcher.values.service_linked_role_arn
        : `arn:${partitionOf(config.aws.region)}:iam::${config.aws.accountId}:role/aws-service-role/autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling`;
    for (const keyId of keyIds) {
      const key = keyOf(environment, stack, keyId);
      if (!key) {
        found.push(violation(launcher, `launches volumes encrypted with ${shown(keyId)}, a key the check cannot find in the environment's stacks`));
        continue;
      }
      const document = policyDocuments({ resources: [key] }).find((d) => d.attribute === 'policy');
      if (!document || !('statements' in document)) {
        found.push(violation(launcher, `the policy of ${key.address} cannot be read${document && 'unreadable' in document ? `: ${document.unreadable}` : ''}`));
        continue;
      }
      const actions = document.statements.filter((s) => allowsRole(s, role)).flatMap((s) => listOf(s.Action));
      const grants = environment.flatMap((v) => v.ofType('aws_kms_grant')).filter((g) => g.values.grantee_principal === role && referencedAddress(g.values.key_id) === key.address);
      const granted = [...actions, ...grants.flatMap((g) => listOf(g.values.operations as string[]).map((o) => `kms:${o}`))];
      const missing = NEEDED.filter((action) => !matches(granted, action));
      if (missing.length > 0) found.push(violation(launcher, `its launches encrypt volumes with ${key.address}, whose policy does not let ${role} ${missing.join(', ')}`));
    }
  }
  return found;
};
