/**
 * Fixtures for the rules that hold HySDS's run-time contracts (PCM-HYS-*): each breaks or keeps
 * exactly one contract, written as cdktf writes Terraform JSON.
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { FIXTURE } from '../support/fixtures';

type Resources = Record<string, Record<string, Record<string, unknown>>>;
interface Fixture {
  readonly resources: Resources;
  readonly config?: EnvironmentConfig;
}
export interface HysdsCase {
  readonly pass: Fixture;
  readonly fail: Fixture;
  readonly finds: { readonly address: string; readonly problem: RegExp };
}

/** The verdi image of the catalog's 2026.11.0 release in us-west-2 (not ready for IMDSv2 only). */
const VERDI = 'ami-07297be19e82ff132';
const ref = (address: string, attribute = 'id') => `\${${address}.${attribute}}`;
const base64encode = (text: string) => `\${base64encode(${JSON.stringify(text)})}`;
const group = (extra: Record<string, unknown> = {}) => ({
  name: 'pcm-ops-q',
  mixed_instances_policy: { launch_template: { launch_template_specification: { launch_template_id: ref('aws_launch_template.t'), version: '1' } } },
  ...extra,
});
const trackingPolicy = (dimensions: Array<[string, string]>) => ({
  autoscaling_group_name: ref('aws_autoscaling_group.g', 'name'),
  policy_type: 'TargetTrackingScaling',
  target_tracking_configuration: {
    target_value: 1,
    customized_metric_specification: { namespace: 'HySDS', metric_name: 'JobsWaitingPerInstance-pcm-ops-q', statistic: 'Average', metric_dimension: dimensions.map(([name, value]) => ({ name, value })) },
  },
});
const setDesiredCapacity = {
  role: 'mozart',
  policy: JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: 'autoscaling:SetDesiredCapacity', Resource: [`arn:aws:autoscaling:us-west-2:${FIXTURE.accounts.ops}:autoScalingGroup:*:autoScalingGroupName/pcm-ops-q`] }],
  }),
};

export function hysdsCases(OPS: EnvironmentConfig): Record<string, HysdsCase> {
  return {
    'PCM-HYS-1': {
      pass: { config: OPS, resources: { aws_autoscaling_group: { g: group() }, aws_launch_template: { t: { user_data: base64encode(`#!/bin/bash\n# bundle\nBUNDLE_URL=s3://pcm-ops-code-${FIXTURE.accounts.ops}/q-pcm-ops.tbz2\n`) } } } },
      // What the kit wrote before: the quote and the redirection end up in the URL HySDS reads.
      fail: { config: OPS, resources: { aws_autoscaling_group: { g: group() }, aws_launch_template: { t: { user_data: base64encode(`#!/bin/bash\necho 'BUNDLE_URL=s3://pcm-ops-code-${FIXTURE.accounts.ops}/q-pcm-ops.tbz2' > /etc/hysds-bundle.env\n`) } } } },
      finds: { address: 'aws_launch_template.t', problem: new RegExp(`is not BUNDLE_URL=<url>; HySDS would read "s3://pcm-ops-code-${FIXTURE.accounts.ops}/q-pcm-ops.tbz2' > /etc/hysds-bundle.env"`) },
    },
    'PCM-HYS-2': {
      pass: { config: OPS, resources: { aws_sqs_queue: { q: { name: 'pcm-ops-queue' } }, aws_lambda_event_source_mapping: { m: { event_source_arn: ref('aws_sqs_queue.q', 'arn'), function_name: 'f' } } } },
      fail: { config: OPS, resources: { aws_sqs_queue: { q: { name: 'pcm-ops-queue' } } } },
      finds: { address: 'aws_sqs_queue.q', problem: /nothing consumes pcm-ops-queue/ },
    },
    'PCM-HYS-3': {
      pass: { config: OPS, resources: { aws_autoscaling_group: { g: group() }, aws_autoscaling_policy: { p: trackingPolicy([['AutoScalingGroupName', 'pcm-ops-q'], ['Queue', 'q']]) }, aws_iam_role_policy: { r: setDesiredCapacity } } },
      fail: { config: OPS, resources: { aws_autoscaling_group: { g: group() }, aws_autoscaling_policy: { p: trackingPolicy([['AutoScalingGroupName', 'pcm-ops-q']]) }, aws_iam_role_policy: { r: setDesiredCapacity } } },
      finds: { address: 'aws_autoscaling_policy.p', problem: /dimensions \[AutoScalingGroupName=pcm-ops-q\]; HySDS publishes \[AutoScalingGroupName=pcm-ops-q, Queue=q\]/ },
    },
    'PCM-HYS-4': {
      pass: { resources: { aws_instance: { i: { user_data: '#!/bin/bash\n# static\nexit 0\n' } } } },
      fail: { resources: { aws_instance: { i: { user_data: "#!/bin/bash\ncat > ~/.sds/config <<'EOF'\nVENUE: x\nQUEUES:\n  - QUEUE_NAME: q\nEOF\n" } } } },
      finds: { address: 'aws_instance.i', problem: /carries the cluster config/ },
    },
    'PCM-HYS-5': {
      pass: { config: OPS, resources: { aws_launch_template: { t: { image_id: VERDI, metadata_options: { http_tokens: 'optional' } } } } },
      fail: { config: OPS, resources: { aws_launch_template: { t: { image_id: VERDI, metadata_options: { http_tokens: 'required' } } } } },
      finds: { address: 'aws_launch_template.t', problem: new RegExp(`requires IMDS tokens, but image ${VERDI} \\(release 2026.11.0\\): HySDS v5.0.1's verdi bootstrap`) },
    },
    'PCM-HYS-6': {
      pass: {
        config: OPS,
        resources: { aws_instance: { m: { tags: { Name: 'pcm-ops-mozart' } } }, aws_ssm_association: { a: { name: 'doc', targets: [{ key: 'InstanceIds', values: [ref('aws_instance.m')] }] } } },
      },
      fail: { config: OPS, resources: { aws_instance: { m: { tags: { Name: 'pcm-ops-mozart' } } } } },
      finds: { address: 'aws_instance.m', problem: /no State Manager association provisions HySDS on mozart/ },
    },
  };
}
