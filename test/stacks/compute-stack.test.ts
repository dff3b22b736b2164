/** `<env>-compute` of every environment of the fixture fleet (test/support/fixtures.ts), read from the synthesized Terraform JSON. */
import { parse } from 'yaml';
import { loadAmiCatalog } from '../../amis/catalog';
import { validateSources } from '../../config-generator/loader';
import { FIXTURE, fixtureData, fixtureEnvironments, fixtureSources } from '../support/fixtures';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

const environments = fixtureEnvironments();
const { stacks } = synthesize(environments);
const catalog = loadAmiCatalog();
const NAMES = environments.map((e) => e.config.environment.name);
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
const compute = (name: string) => stacks[`${name}-compute`];
const all = (name: string, type: string): StackJson[] => Object.values(resourcesOf(compute(name), type));
const byPath = (name: string, type: string, path: string): StackJson => {
  const found = all(name, type).filter((r) => r['//'].metadata.path.endsWith(`/${path}`));
  expect(found).toHaveLength(1);
  return found[0];
};
/** The `~/.sds/config` provisioning delivers: the encrypted object in the code bucket. */
function sdsConfigOf(name: string): StackJson {
  const object = byPath(name, 'aws_s3_object', 'provisioning/cluster-config');
  return parse(object.content);
}
const decodeLaunchTemplateUserData = (value: string) => {
  // Synthesized as ${base64encode("...")}: the argument is the rendered script, JSON-escaped.
  const inner = /^\$\{base64encode\((".*")\)\}$/s.exec(value);
  expect(inner).not.toBeNull();
  return JSON.parse(inner![1]) as string;
};

describe.each(NAMES)('%s-compute', (name) => {
  const config = configOf(name);
  const venue = `pcm-${name}`;
  const images = catalog.releases[config.release.amiRelease!].regions[config.aws.region];

  it('runs each core component from the catalog AMI, at its configured size, with an encrypted root volume, and IMDS tokens exactly where the image is ready', () => {
    const ready = catalog.releases[config.release.amiRelease!].imds.v2Only;
    const components: ('mozart' | 'metrics' | 'grq' | 'factotum' | 'ci')[] = ['mozart', 'metrics', 'grq', 'factotum', ...(config.core.ci ? (['ci'] as const) : [])];
    const instances = all(name, 'aws_instance');
    expect(instances).toHaveLength(components.length);
    for (const component of components) {
      const instance = byPath(name, 'aws_instance', `${component}/instance`);
      expect(instance).toMatchObject({
        ami: images[component],
        instance_type: config.core[component]!.instanceType,
        root_block_device: { volume_size: config.core[component]!.rootVolumeGiB, encrypted: true, kms_key_id: expect.stringContaining('data.aws_kms_alias.') },
        metadata_options: { http_tokens: ready ? 'required' : 'optional', http_endpoint: 'enabled' },
        disable_api_termination: config.protection.deletionProtection,
        tags: { Name: `${venue}-${component}` },
      });
      expect(instance.provisioner).toBeUndefined();
      // Static: nothing in it changes with the environment file, so no config change stops it.
      expect(instance.user_data).not.toMatch(/QUEUES|\$\{/);
    }
  });

  it('writes the same QUEUES into the cluster config as it makes autoscaling groups, name for name', () => {
    const groups = all(name, 'aws_autoscaling_group').map((g) => g.name).sort();
    const cluster = sdsConfigOf(name);
    expect(cluster.QUEUES.map((q: StackJson) => q.ASG).sort()).toEqual(groups);
    expect(cluster.QUEUES.map((q: StackJson) => `${venue}-${q.QUEUE_NAME}`).sort()).toEqual(groups);
    expect(groups).toEqual(config.workers.queues.map((q) => `${venue}-${q.name}`).sort());
    // Every worker boots with only the line that names its queue's bundle.
    for (const queue of config.workers.queues) {
      const script = decodeLaunchTemplateUserData(byPath(name, 'aws_launch_template', `fleet-${queue.name}/launch-template`).user_data);
      expect(script.split('\n').filter((line) => line.includes('BUNDLE_URL'))).toEqual([`BUNDLE_URL=s3://pcm-${name}-code-${config.aws.accountId}/${queue.name}-${venue}.tbz2`]);
      expect(script).not.toContain('QUEUES');
    }
  });

  it('gives each queue a Spot fleet that HySDS scales out and never scales in', () => {
    for (const queue of config.workers.queues) {
      const group = byPath(name, 'aws_autoscaling_group', `fleet-${queue.name}/group`);
      expect(group).toMatchObject({
        name: `${venue}-${queue.name}`,
        min_size: queue.min,
        max_size: queue.max,
        suspended_processes: ['AZRebalance'],
        vpc_zone_identifier: config.network.privateSubnetIds,
        mixed_instances_policy: {
          instances_distribution: { spot_allocation_strategy: 'price-capacity-optimized', on_demand_percentage_above_base_capacity: queue.onDemandPercentage },
          launch_template: { override: queue.instanceTypes.map((instance_type) => ({ instance_type })) },
        },
      });
      const policy = byPath(name, 'aws_autoscaling_policy', `fleet-${queue.name}/jobs-waiting`);
      expect(policy.target_tracking_configuration).toEqual({
        target_value: 1,
        disable_scale_in: true,
        customized_metric_specification: {
          namespace: 'HySDS',
          metric_name: `JobsWaitingPerInstance-${venue}-${queue.name}`,
          statistic: 'Average',
          metric_dimension: [
            { name: 'AutoScalingGroupName', value: `${venue}-${queue.name}` },
            { name: 'Queue', value: queue.name },
          ],
        },
      });
      const template = byPath(name, 'aws_launch_template', `fleet-${queue.name}/launch-template`);
      const ready = catalog.releases[config.release.amiRelease!].imds.v2Only;
      expect(template).toMatchObject({ image_id: images.verdi, metadata_options: { http_tokens: ready ? 'required' : 'optional' } });
      expect(template.block_device_mappings.map((b: StackJson) => [b.device_name, b.ebs.volume_size, b.ebs.encrypted])).toEqual([
        ['/dev/xvda', queue.rootVolumeGiB, 'true'],
        ['/dev/xvdb', queue.dataVolumeGiB, 'true'],
      ]);
    }
    expect(all(name, 'aws_sqs_queue').map((q) => q.name)).toEqual(expect.arrayContaining([`${venue}-queue`]));
  });

  it('lets operators reach mozart on 443 and 15673 (and Jenkins on its port) from their CIDRs, and nothing else in from outside', () => {
    const rules = all(name, 'aws_vpc_security_group_ingress_rule');
    const external = rules.filter((r) => r.cidr_ipv4 !== undefined);
    // Jenkins: plain HTTP 8080 only where tls.jenkins says so with a reason (int), HTTPS 8443 otherwise.
    const jenkinsPort = config.tls?.jenkins && 'plainHttp' in config.tls.jenkins ? 8080 : 8443;
    const expected = config.network.operatorCidrs.flatMap((cidr) => [[cidr, 443], [cidr, 15673], [cidr, jenkinsPort]]);
    expect(external.map((r) => [r.cidr_ipv4, r.from_port]).sort()).toEqual(expected.sort());
    expect(rules.some((r) => r.cidr_ipv4 === '0.0.0.0/0')).toBe(false);
    for (const group of all(name, 'aws_security_group')) expect(group.ingress ?? []).toEqual([]);
  });

  it('names its replaceable security groups by prefix (create_before_destroy cannot reuse a fixed name)', () => {
    for (const group of all(name, 'aws_security_group').filter((g) => g.lifecycle?.create_before_destroy)) {
      expect(group.name).toBeUndefined();
      expect(group.name_prefix).toMatch(new RegExp(`^${venue}-(cluster|mozart|ci|batch)-$`));
    }
  });

  it('runs Batch jobs as a job role of their own: hosts answer metadata from one hop, in a group of their own', () => {
    const jobRole = byPath(name, 'aws_iam_role', 'batch/job-role');
    expect(JSON.parse(jobRole.assume_role_policy).Statement).toEqual([
      { Effect: 'Allow', Principal: { Service: 'ecs-tasks.amazonaws.com' }, Action: 'sts:AssumeRole', Condition: { StringEquals: { 'aws:SourceAccount': config.aws.accountId } } },
    ]);
    const jobPolicy = JSON.parse(byPath(name, 'aws_iam_role_policy', 'batch/job-policy').policy);
    expect(jobPolicy.Statement.map((s: StackJson) => s.Sid)).toEqual(expect.arrayContaining(['ListOwnBuckets', 'ReadWriteOwnObjects', 'UseEnvironmentKey']));
    for (const jd of config.batch.jobDefinitions) {
      expect(JSON.parse(byPath(name, 'aws_batch_job_definition', `batch/jd-${jd.name}`).container_properties).jobRoleArn).toMatch(/aws_iam_role\.batch_job-role_.*\.arn/);
    }
    expect(byPath(name, 'aws_launch_template', 'batch/launch-template').metadata_options).toMatchObject({ http_tokens: 'required', http_put_response_hop_limit: 1 });
    // The host role keeps the ECS agent and the SSM agent, and no data.
    const hostPolicy = JSON.parse(byPath(name, 'aws_iam_role_policy', 'batch-role/policy').policy);
    expect(hostPolicy.Statement.map((s: StackJson) => s.Sid)).toEqual(['SsmAgentCore', 'SsmAgentAssociations']);
    for (const ce of config.batch.computeEnvironments) {
      expect(byPath(name, 'aws_batch_compute_environment', `batch/ce-${ce.name}`).compute_resources.security_group_ids).toEqual([expect.stringMatching(/aws_security_group\.security_batch_.*\.id/)]);
    }
  });

  it('gives instances a scoped Session Manager policy, never AmazonSSMManagedInstanceCore or any parameter read', () => {
    const attached = all(name, 'aws_iam_role_policy_attachment').map((a) => a.policy_arn);
    expect(attached).toEqual(['arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role']);
    for (const role of ['core-role', 'worker-role', 'batch-role']) {
      const statements = JSON.parse(byPath(name, 'aws_iam_role_policy', `${role}/policy`).policy).Statement as StackJson[];
      expect(statements).toContainEqual(expect.objectContaining({ Sid: 'SsmAgentCore', Resource: '*', Action: expect.arrayContaining(['ssm:UpdateInstanceInformation', 'ssmmessages:OpenDataChannel', 'ec2messages:GetMessages', 'ssm:ListInstanceAssociations']) }));
      expect(statements).toContainEqual({
        Sid: 'SsmAgentAssociations',
        Effect: 'Allow',
        Action: ['ssm:GetDocument', 'ssm:UpdateAssociationStatus', 'ssm:UpdateInstanceAssociationStatus', 'ssm:PutInventory'],
        Resource: [`arn:aws:ec2:us-west-2:${config.aws.accountId}:instance/*`, `arn:aws:ssm:us-west-2:${config.aws.accountId}:document/*`, 'arn:aws:ssm:us-west-2::document/*'],
      });
      expect(JSON.stringify(statements)).not.toMatch(/ssm:GetParameter/);
    }
  });

  it('runs Jenkins (where there is ci) as a role of its own with the code bucket only, at the URL tls.jenkins gives', () => {
    if (!config.core.ci) return expect(all(name, 'aws_iam_role').some((r) => r.name === `${venue}-ci`)).toBe(false);
    const ci = byPath(name, 'aws_instance', 'ci/instance');
    expect(ci.iam_instance_profile).toMatch(/aws_iam_instance_profile\.ci-role_profile_/);
    const statements = JSON.parse(byPath(name, 'aws_iam_role_policy', 'ci-role/policy').policy).Statement as StackJson[];
    expect(statements.find((s) => s.Sid === 'ListOwnBuckets')!.Resource).toEqual([`arn:aws:s3:::${venue}-code-${config.aws.accountId}`]);
    const plain = config.tls?.jenkins && 'plainHttp' in config.tls.jenkins;
    expect(compute(name).output.url_jenkins.value).toMatch(plain ? /^http:\/\/\$\{.*\}:8080\/$/ : /^https:\/\/\$\{.*\}:8443\/$/);
  });

  it('runs every function on nodejs22.x', () => {
    for (const fn of all(name, 'aws_lambda_function')) expect(fn.runtime).toBe('nodejs22.x');
  });

  it('runs Batch without a service role, on pinned launch template versions, with retries of Spot reclaims only', () => {
    for (const ce of config.batch.computeEnvironments) {
      const env = byPath(name, 'aws_batch_compute_environment', `batch/ce-${ce.name}`);
      expect(env.service_role).toBeUndefined();
      expect(env.compute_resources).toMatchObject({
        type: ce.market === 'spot' ? 'SPOT' : 'EC2',
        allocation_strategy: ce.market === 'spot' ? 'SPOT_PRICE_CAPACITY_OPTIMIZED' : 'BEST_FIT_PROGRESSIVE',
        max_vcpus: ce.maxVcpus,
        launch_template: { version: expect.stringMatching(/latest_version/) },
      });
    }
    for (const jq of config.batch.jobQueues) {
      const queue = byPath(name, 'aws_batch_job_queue', `batch/jq-${jq.name}`);
      expect(queue.priority).toBe(jq.priority);
      expect(queue.compute_environment_order.map((o: StackJson) => o.order)).toEqual(jq.computeEnvironments.map((_, i) => i));
    }
    for (const jd of config.batch.jobDefinitions) {
      const def = byPath(name, 'aws_batch_job_definition', `batch/jd-${jd.name}`);
      expect(def.timeout).toEqual({ attempt_duration_seconds: jd.timeoutSeconds });
      expect(def.retry_strategy).toEqual({
        attempts: jd.retryAttempts,
        evaluate_on_exit: [{ on_status_reason: 'Host EC2*', action: 'RETRY' }, ...jd.expectedFailureExitCodes.map((c) => ({ on_exit_code: String(c), action: 'EXIT' }))],
      });
      expect(JSON.parse(def.container_properties).image).toBe(config.release.containers![jd.container]);
    }
  });

  it('outputs every operator URL and one map of them, from mozart’s private address', () => {
    const outputs = compute(name).output;
    const map = outputs.operator_urls.value;
    const keys = ['hysds_ui', 'figaro', 'tosca', 'mozart_api', 'grq_api', 'pele_api', 'kibana', 'rabbitmq_admin', ...(config.core.ci ? ['jenkins'] : [])];
    expect(Object.keys(map).sort()).toEqual(keys.sort());
    expect(map.figaro).toMatch(/^https:\/\/\$\{aws_network_interface\..*\.private_ip\}\/hysds_ui\/figaro$/);
    expect(map.rabbitmq_admin).toMatch(/:15673\/$/);
    for (const key of keys) expect(outputs[`url_${key}`].value).toBe(map[key]);
  });
});

describe('instance roles', () => {
  const policy = (name: string, role: string): StackJson[] => JSON.parse(byPath(name, 'aws_iam_role_policy', `${role}/policy`).policy).Statement;

  it('give a consumer (forward) exactly its granted prefixes of the OPS buckets, and dev nothing shared', () => {
    const shared = policy('forward', 'worker-role').filter((s) => /^Shared/.test(s.Sid));
    expect(shared.map((s) => [s.Sid, s.Resource])).toEqual([
      ['SharedDatasetList', `arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}`],
      ['SharedDatasetReadWrite', [`arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/products/*`, `arn:aws:s3:::pcm-ops-dataset-${FIXTURE.accounts.ops}/staging_area/*`]],
      ['SharedArchiveList', `arn:aws:s3:::pcm-ops-archive-${FIXTURE.accounts.ops}`],
      ['SharedArchiveReadWrite', [`arn:aws:s3:::pcm-ops-archive-${FIXTURE.accounts.ops}/outgoing/*`]],
      ['SharedDataKey', `arn:aws:kms:us-west-2:${FIXTURE.accounts.ops}:key/*`],
    ]);
    expect(shared.at(-1).Condition['ForAnyValue:StringEquals']).toEqual({ 'kms:ResourceAliases': ['alias/pcm-ops'] });
    expect(JSON.stringify(policy('dev', 'worker-role'))).not.toContain(FIXTURE.accounts.ops);
  });

  it('let adt only read what it was granted', () => {
    const shared = policy('adt', 'core-role').filter((s) => /^Shared/.test(s.Sid));
    expect(shared.map((s) => s.Action)).toEqual(['s3:ListBucket', ['s3:GetObject'], ['kms:Decrypt']]);
  });

  it('let workers only announce themselves on <VENUE>-queue, as harikiri_sqs.py does, and touch no group', () => {
    const worker = policy('ops', 'worker-role');
    expect(worker.find((s) => s.Sid === 'AnnouncesIdleWorker')).toEqual({
      Sid: 'AnnouncesIdleWorker',
      Effect: 'Allow',
      Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'],
      Resource: expect.stringMatching(/^\$\{aws_sqs_queue\.harikiri_queue_/),
    });
    expect(worker.flatMap((s) => [s.Action].flat()).filter((a: string) => a.startsWith('autoscaling:') && a !== 'autoscaling:DescribeAutoScalingGroups')).toEqual([]);
  });

  it('let mozart set the desired capacity of exactly its own groups, to scale them from zero', () => {
    const scale = policy('ops', 'mozart-role').find((s) => s.Sid === 'ScalesWorkerGroupsFromZero');
    expect(scale).toEqual({
      Sid: 'ScalesWorkerGroupsFromZero',
      Effect: 'Allow',
      Action: 'autoscaling:SetDesiredCapacity',
      Resource: configOf('ops').workers.queues.map((q) => `arn:aws:autoscaling:us-west-2:${FIXTURE.accounts.ops}:autoScalingGroup:*:autoScalingGroupName/pcm-ops-${q.name}`),
    });
    for (const role of ['core-role', 'worker-role', 'batch-role']) {
      expect(policy('ops', role).flatMap((s) => [s.Action].flat())).not.toContain('autoscaling:SetDesiredCapacity');
    }
  });

  it('let only mozart read the cluster config and the credentials', () => {
    const mozart = policy('ops', 'mozart-role');
    expect(mozart.find((s) => s.Sid === 'ReadsClusterConfig').Resource).toEqual([`arn:aws:s3:::pcm-ops-code-${FIXTURE.accounts.ops}/provisioning/sds-config.yaml`, `arn:aws:s3:::pcm-ops-code-${FIXTURE.accounts.ops}/packages/*`]);
    expect(mozart.find((s) => s.Sid === 'KeepsClusterCredentials').Resource).toBe(`arn:aws:secretsmanager:us-west-2:${FIXTURE.accounts.ops}:secret:pcm-ops-hysds-credentials-??????`);
    // The Batch host has no data access of its own; its PGE containers' job role is denied too.
    expect(JSON.stringify(policy('ops', 'batch-role'))).not.toMatch(/secretsmanager|pcm-ops-code/);
    for (const path of ['core-role/policy', 'worker-role/policy', 'ci-role/policy', 'batch/job-policy']) {
      const statements: StackJson[] = JSON.parse(byPath('ops', 'aws_iam_role_policy', path).policy).Statement;
      expect(statements.find((s) => s.Sid === 'ClusterConfigIsMozarts')).toEqual({ Sid: 'ClusterConfigIsMozarts', Effect: 'Deny', Action: 's3:GetObject', Resource: `arn:aws:s3:::pcm-ops-code-${FIXTURE.accounts.ops}/provisioning/sds-config.yaml` });
      expect(JSON.stringify(statements)).not.toContain('secretsmanager');
    }
  });

  it('never allow Action "*"', () => {
    for (const name of NAMES) {
      for (const p of all(name, 'aws_iam_role_policy')) for (const s of JSON.parse(p.policy).Statement) expect([s.Action].flat()).not.toContain('*');
    }
  });
});

describe('configured variants', () => {
  function synthWith(change: (ops: StackJson) => void) {
    const ops = fixtureData('ops');
    change(ops);
    const result = validateSources(fixtureSources({ ops }));
    expect(result.issues).toEqual([]);
    return synthesize(result.environments.filter((e) => e.config.environment.name === 'ops')).stacks['ops-compute'];
  }

  it('uses the operator DNS name in the URLs when one is configured', () => {
    const stack = synthWith((ops) => (ops.network.operatorDnsName = 'pcm-ops.example.org'));
    expect(stack.output.operator_urls.value.hysds_ui).toBe('https://pcm-ops.example.org/hysds_ui/');
  });

  it('requires IMDS tokens where the catalog says the image is ready, except on a component that opts out', () => {
    const ready = structuredClone(catalog);
    for (const entry of Object.values(ready.releases)) entry.imds = { v2Only: true, reason: 'tested with IMDSv2 only in this fixture' };
    const ops = fixtureData('ops');
    ops.core.grq.allowImdsV1 = true;
    const result = validateSources(fixtureSources({ ops }));
    const stack = synthesize(result.environments.filter((e) => e.config.environment.name === 'ops'), { catalog: ready }).stacks['ops-compute'];
    const tokens = Object.values(resourcesOf(stack, 'aws_instance')).map((i: StackJson) => [i.tags.Name, i.metadata_options.http_tokens]);
    expect(tokens.sort()).toEqual([
      ['pcm-ops-ci', 'required'],
      ['pcm-ops-factotum', 'required'],
      ['pcm-ops-grq', 'optional'],
      ['pcm-ops-metrics', 'required'],
      ['pcm-ops-mozart', 'required'],
    ]);
    for (const template of Object.values(resourcesOf(stack, 'aws_launch_template'))) expect(template.metadata_options.http_tokens).toBe('required');
  });

  it('passes a Batch service role only when the config names one (the emulator escape hatch)', () => {
    const stack = synthWith((ops) => (ops.batch.serviceRoleArn = `arn:aws:iam::${FIXTURE.accounts.ops}:role/batch-service`));
    for (const ce of Object.values(resourcesOf(stack, 'aws_batch_compute_environment'))) expect(ce.service_role).toBe(`arn:aws:iam::${FIXTURE.accounts.ops}:role/batch-service`);
  });
});
