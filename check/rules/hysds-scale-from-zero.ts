import { workerGroupArn } from '../../modules/compute/cluster-permissions';
import { Naming } from '../../modules/naming';
import { HYSDS_METRIC_DIMENSIONS, HYSDS_METRIC_NAMESPACE } from '../../modules/compute/worker-fleet';
import { allowStatements, listOf, policyDocuments } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';
import { asList, referencedAddress, shown } from '../stack-view';

/** `*` and `?` as IAM reads them in a resource ARN. */
const matches = (pattern: string, arn: string) => new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`).test(arn);

/**
 * Scale from zero: mozart's sync_ec2_target_tracking_metric.py calls SetDesiredCapacity on a group
 * at 0 with jobs waiting (denied, it publishes nothing and no worker starts), and publishes the
 * metric with the dimensions AutoScalingGroupName and Queue, which the target-tracking policy
 * must name exactly (CloudWatch matches a metric only with all its dimensions).
 */
export const hysdsScaleFromZero: RuleCheck = ({ stack, environment, config }) => {
  const naming = Naming.of(config);
  const documents = environment.flatMap((view) => policyDocuments(view)).filter((d) => d.kind === 'identity');
  const { allows, unreadable } = allowStatements(documents);
  const setters = allows.filter(({ statement }) => listOf(statement.Action).some((a) => a === 'autoscaling:SetDesiredCapacity' || a === 'autoscaling:*'));
  const groups = stack.ofType('aws_autoscaling_group');
  const findings = groups.length > 0 ? unreadable.filter((v) => v.resource.address.startsWith('aws_iam_role_policy')) : [];
  for (const group of groups) {
    const name = String(group.values.name);
    const arn = workerGroupArn(naming, name);
    if (!setters.some(({ statement }) => listOf(statement.Resource).some((r) => matches(r, arn)))) {
      findings.push(violation(group, `no role may autoscaling:SetDesiredCapacity on ${name}: HySDS cannot scale it from zero`));
    }
    const policies = stack.ofType('aws_autoscaling_policy').filter((p) => referencedAddress(p.values.autoscaling_group_name) === group.address || p.values.autoscaling_group_name === name);
    for (const policy of policies) {
      const spec = asList(asList(policy.values.target_tracking_configuration)[0]?.customized_metric_specification)[0];
      if (!spec || spec.namespace !== HYSDS_METRIC_NAMESPACE) continue;
      const dimensions = asList(spec.metric_dimension).map((d) => `${shown(d.name)}=${shown(d.value)}`).sort();
      const queue = naming.queueOfWorkerGroup(name) ?? `(none: ${name} is not named <venue>-<queue>)`;
      const expected = HYSDS_METRIC_DIMENSIONS.map((d) => `${d}=${d === 'Queue' ? queue : name}`).sort();
      if (dimensions.join(',') !== expected.join(',')) {
        findings.push(violation(policy, `tracks the HySDS metric with dimensions [${dimensions.join(', ')}]; HySDS publishes [${expected.join(', ')}], so the policy never sees it`));
      }
    }
  }
  return findings;
};
