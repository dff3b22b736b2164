/**
 * `dev-data` and `dev-compute` deployed with `cdktf deploy` to moto_server in dev's emulated
 * account, on a network made there the way its administrators would; the AWS SDK then reads
 * back the instances, fleets, Batch and the operator URLs.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { BatchClient, DescribeComputeEnvironmentsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DescribeDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import { HARIKIRI_ENV } from '../../lambdas/harikiri/contract';
import { CLUSTER_CONFIG_KEY } from '../../modules/hysds-provisioning';
import { parse, stringify } from 'yaml';
import { catalogImages, loadAmiCatalog } from '../../amis/catalog';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../../config-generator/loader';
import { createBatchServiceRole, createNetwork, prepareEmulatedAccount, withNetwork, type EmulatedNetwork } from '../../lib/emulator/accounts';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '../../lib/state-bucket';
import { deployToEmulator, type EmulatedDeploy } from '../support/deploy';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { hasTerraformWithMirror } from '../support/terraform';

const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;
const dev = loadEnvironments().find((e) => e.config.environment.name === 'dev')!.config;
const images = loadAmiCatalog().releases[dev.release.amiRelease!].regions[dev.aws.region]!;

withEmulator('dev-compute deployed to the AWS emulator', () => {
  let moto: Moto;
  let deployed: EmulatedDeploy;
  let network: EmulatedNetwork;
  let credentials: AwsCredentialIdentity;
  const client = <T>(Client: new (config: object) => T): T => new Client(emulatorClientConfig(moto.endpoint, dev.aws.region, credentials));

  beforeAll(async () => {
    // The catalog's AMIs exist in the emulator as they do in the accounts the catalog serves.
    moto = await startMoto({ tls: true, amis: catalogImages(loadAmiCatalog()) });
    credentials = await prepareEmulatedAccount(moto.endpoint, dev);
    network = await createNetwork(moto.endpoint, dev, credentials);
    const serviceRoleArn = await createBatchServiceRole(moto.endpoint, dev, credentials);
    // The environment files as the demo writes them: dev on the emulated network, with the
    // Batch service role only the emulator needs.
    const dir = mkdtempSync(join(tmpdir(), 'pcm-envs-'));
    for (const file of readdirSync(ENVIRONMENTS_DIR).filter((f) => f.endsWith('.yaml'))) {
      const text = readFileSync(join(ENVIRONMENTS_DIR, file), 'utf8');
      if (file !== 'dev.yaml') writeFileSync(join(dir, file), text);
      else {
        const data = withNetwork(parse(text), network);
        data.batch.serviceRoleArn = serviceRoleArn;
        writeFileSync(join(dir, file), stringify(data));
      }
    }
    // One stack at a time, so that each one's deploy time shows in the test's log.
    const data = await deployToEmulator(moto.endpoint, dev, ['dev-data'], dir);
    deployed = await deployToEmulator(moto.endpoint, dev, ['dev-compute'], dir, { ignoreMissingDependencies: true });
    console.info(`deploy times against the emulator: dev-data ${data.seconds.toFixed(1)} s, dev-compute ${deployed.seconds.toFixed(1)} s`);
  }, 900000);
  afterAll(() => moto?.stop());

  it('runs the core instances from the catalog AMIs, in the emulated VPC', async () => {
    const { Reservations = [] } = await client(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }] }));
    const instances = Reservations.flatMap((r) => r.Instances ?? []);
    const byName = Object.fromEntries(instances.map((i) => [i.Tags?.find((t) => t.Key === 'Name')?.Value, i]));
    for (const component of ['mozart', 'metrics', 'grq', 'factotum'] as const) {
      expect(byName[`pcm-dev-${component}`]).toMatchObject({ ImageId: images[component], InstanceType: dev.core[component].instanceType, VpcId: network.vpcId });
    }
    // The catalog says today's HySDS images are not ready for IMDSv2 only.
    expect(byName['pcm-dev-mozart'].MetadataOptions?.HttpTokens).toBe('optional');
    expect(byName['pcm-dev-mozart'].IamInstanceProfile?.Arn).toMatch(/instance-profile\/pcm-dev-mozart$/);
  });

  it('gives each queue its autoscaling group, with the mixed-instances policy and the HySDS scaling policy', async () => {
    const asg = client(AutoScalingClient);
    const { AutoScalingGroups = [] } = await asg.send(new DescribeAutoScalingGroupsCommand({}));
    expect(AutoScalingGroups.map((g) => g.AutoScalingGroupName)).toEqual(dev.workers.queues.map((q) => `pcm-dev-${q.name}`));
    for (const group of AutoScalingGroups) {
      expect(group.MixedInstancesPolicy?.InstancesDistribution?.SpotAllocationStrategy).toBe('price-capacity-optimized');
      expect(group.MixedInstancesPolicy?.LaunchTemplate?.Overrides?.map((o) => o.InstanceType)).toEqual(dev.workers.queues[0].instanceTypes);
      expect(group.SuspendedProcesses?.map((p) => p.ProcessName)).toEqual(['AZRebalance']);
      const { ScalingPolicies = [] } = await asg.send(new DescribePoliciesCommand({ AutoScalingGroupName: group.AutoScalingGroupName }));
      expect(ScalingPolicies).toHaveLength(1);
      expect(ScalingPolicies[0].TargetTrackingConfiguration).toMatchObject({
        TargetValue: 1,
        DisableScaleIn: true,
        CustomizedMetricSpecification: { Namespace: 'HySDS', MetricName: `JobsWaitingPerInstance-pcm-dev-${dev.workers.queues[0].name}` },
      });
      expect(ScalingPolicies[0].TargetTrackingConfiguration?.CustomizedMetricSpecification?.Dimensions).toEqual([
        { Name: 'AutoScalingGroupName', Value: group.AutoScalingGroupName },
        { Name: 'Queue', Value: dev.workers.queues[0].name },
      ]);
    }
  });

  it('creates the Batch compute environments and job queues', async () => {
    const batch = client(BatchClient);
    const { computeEnvironments = [] } = await batch.send(new DescribeComputeEnvironmentsCommand({}));
    expect(computeEnvironments.map((c) => [c.computeEnvironmentName, c.computeResources?.allocationStrategy])).toEqual(
      dev.batch.computeEnvironments.map((c) => [`pcm-dev-batch-${c.name}`, c.market === 'spot' ? 'SPOT_PRICE_CAPACITY_OPTIMIZED' : 'BEST_FIT_PROGRESSIVE']),
    );
    const { jobQueues = [] } = await batch.send(new DescribeJobQueuesCommand({}));
    expect(jobQueues.map((q) => [q.jobQueueName, q.priority])).toEqual(dev.batch.jobQueues.map((q) => [`pcm-dev-batch-${q.name}`, q.priority]));
  });

  it('feeds <VENUE>-queue to the harikiri function, one message at a time', async () => {
    const lambda = client(LambdaClient);
    // All mappings, then this function's: moto does not filter the listing by a function name.
    const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
    const harikiri = EventSourceMappings.filter((m) => m.FunctionArn?.endsWith(':function:pcm-dev-harikiri'));
    expect(harikiri.map((m) => [m.EventSourceArn, m.BatchSize])).toEqual([['arn:aws:sqs:us-west-2:111111111111:pcm-dev-queue', 1]]);
    const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pcm-dev-harikiri' }));
    expect(Environment?.Variables?.[HARIKIRI_ENV.groups]).toBe(dev.workers.queues.map((q) => `pcm-dev-${q.name}`).join(','));
  });

  it('delivers the cluster config as an encrypted object, and keeps an empty credentials secret for provisioning to fill', async () => {
    const object = await client(S3Client).send(new GetObjectCommand({ Bucket: 'pcm-dev-code-111111111111', Key: CLUSTER_CONFIG_KEY }));
    expect(object.ServerSideEncryption).toBe('aws:kms');
    const cluster = parse(await object.Body!.transformToString());
    const { Reservations = [] } = await client(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['pcm-dev-mozart'] }] }));
    expect(cluster).toMatchObject({ VENUE: 'pcm-dev', MOZART_PVT_IP: Reservations[0].Instances![0].PrivateIpAddress, QUEUES: dev.workers.queues.map((q) => expect.objectContaining({ QUEUE_NAME: q.name })) });
    const secret = await client(SecretsManagerClient).send(new DescribeSecretCommand({ SecretId: 'pcm-dev-hysds-credentials' }));
    expect(secret.KmsKeyId).toBeDefined();
    expect(Object.keys(secret.VersionIdsToStages ?? {})).toEqual([]);
    const { Name, DocumentType } = (await client(SSMClient).send(new DescribeDocumentCommand({ Name: 'pcm-dev-provision-hysds' }))).Document!;
    expect([Name, DocumentType]).toEqual(['pcm-dev-provision-hysds', 'Command']);
    // moto has no State Manager associations: the deploy made none, and says so (README).
    expect(deployed.outputs['dev-compute'].provisioning_run).toMatchObject({ association_id: '', log_group: '/pcm/pcm-dev/provisioning' });
  });

  it('outputs the operator URLs, on mozart’s private address', async () => {
    const { Reservations = [] } = await client(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['pcm-dev-mozart'] }] }));
    const ip = Reservations[0].Instances![0].PrivateIpAddress;
    const urls = deployed.outputs['dev-compute'].operator_urls as Record<string, string>;
    expect(urls).toMatchObject({
      hysds_ui: `https://${ip}/hysds_ui/`,
      figaro: `https://${ip}/hysds_ui/figaro`,
      tosca: `https://${ip}/hysds_ui/tosca`,
      mozart_api: `https://${ip}/mozart/api/v0.1/`,
      grq_api: `https://${ip}/grq/api/v0.1/`,
      kibana: `https://${ip}/metrics/`,
      rabbitmq_admin: `https://${ip}:15673/`,
    });
  });
});
