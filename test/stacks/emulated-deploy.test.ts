/**
 * The example stacks deployed with `cdktf deploy` to one moto_server, each environment into its own
 * emulated account through its deploy role: `ops-data`, `forward-data` and `dev-data` + `dev-compute`
 * (dev on a network made in its account the way its administrators would), all at once, since the
 * deploys mostly wait on the AWS provider's consistency checks. The AWS SDK then reads back what
 * exists. moto cannot evaluate policy conditions, so the emulated buckets go without the TLS-only
 * deny (stacks/aws-target.ts); everything else is as in AWS.
 *
 * One suite, so that dev-data is deployed once and read by both the data and the compute tests.
 */
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand, DescribePoliciesCommand } from '@aws-sdk/client-auto-scaling';
import { BatchClient, DescribeComputeEnvironmentsCommand, DescribeJobQueuesCommand } from '@aws-sdk/client-batch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { GetResourcePolicyCommand, DescribeStreamSummaryCommand, KinesisClient } from '@aws-sdk/client-kinesis';
import { DescribeKeyCommand, GetKeyPolicyCommand, KMSClient } from '@aws-sdk/client-kms';
import { GetFunctionConfigurationCommand, LambdaClient, ListEventSourceMappingsCommand } from '@aws-sdk/client-lambda';
import {
  GetBucketNotificationConfigurationCommand,
  GetBucketPolicyCommand,
  GetBucketVersioningCommand,
  GetObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DescribeSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { GetSubscriptionAttributesCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { DescribeDocumentCommand, SSMClient } from '@aws-sdk/client-ssm';
import type { SQSEvent } from 'aws-lambda';
import { parse, stringify } from 'yaml';
import { catalogImages, loadAmiCatalog } from '../../amis/catalog';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../../config-generator/loader';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { HARIKIRI_ENV } from '../../lambdas/harikiri/contract';
import { consoleLogger } from '../../lambdas/shared/log';
import { submitJob } from '../../lambdas/shared/mozart';
import { createHandler, readConfig } from '../../lambdas/staging-submit/handler';
import { createBatchServiceRole, createNetwork, prepareEmulatedAccount, withNetwork, type EmulatedNetwork } from '../../lib/emulator/accounts';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '@smithy/types';
import { CLUSTER_CONFIG_KEY } from '../../modules/compute/hysds-provisioning';
import { Naming } from '../../modules/naming';
import { startMozart, type FakeMozart } from '../lambdas/support/mozart-server';
import { deployToEmulator, type EmulatedDeploy } from '../support/deploy';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { hasTerraformWithMirror } from '../support/terraform';

const environments = loadEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;
const dev = configOf('dev');
/** The examples' accounts, read from them: an operator may edit an example, and this suite deploys what they say. */
const account = (name: string) => configOf(name).aws.accountId;
const DAAC = configOf('ops').cnm.daac!.accountId;
const images = loadAmiCatalog().releases[dev.release.amiRelease!].regions[dev.aws.region];

withEmulator('example stacks deployed to the AWS emulator', () => {
  let moto: Moto;
  const deployed: Record<string, EmulatedDeploy> = {};
  let network: EmulatedNetwork;
  const client = <T>(Client: new (config: object) => T, name: string, credentials?: AwsCredentialIdentity): T =>
    new Client(emulatorClientConfig(moto.endpoint, configOf(name).aws.region, credentials ?? deployed[name].credentials));

  /** dev's environment files as the demo writes them: dev on the emulated network, with the Batch service role only the emulator needs. */
  async function devOnEmulatedNetwork(): Promise<string> {
    const credentials = await prepareEmulatedAccount(moto.endpoint, dev);
    network = await createNetwork(moto.endpoint, dev, credentials);
    const serviceRoleArn = await createBatchServiceRole(moto.endpoint, dev, credentials);
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
    return dir;
  }

  beforeAll(async () => {
    // The catalog's AMIs exist in the emulator as they do in the accounts the catalog serves.
    moto = await startMoto({ tls: true, amis: catalogImages(loadAmiCatalog()) });
    const deployDev = async () => {
      const dir = await devOnEmulatedNetwork();
      // One stack at a time, so that each one's deploy time shows in the test's log.
      const data = await deployToEmulator(moto.endpoint, dev, ['dev-data'], dir);
      const compute = await deployToEmulator(moto.endpoint, dev, ['dev-compute'], dir, { ignoreMissingDependencies: true });
      return { ...compute, outputs: { ...data.outputs, ...compute.outputs }, seconds: data.seconds + compute.seconds, dataSeconds: data.seconds };
    };
    const [ops, forward, devDeploy] = await Promise.all([
      deployToEmulator(moto.endpoint, configOf('ops'), ['ops-data']),
      deployToEmulator(moto.endpoint, configOf('forward'), ['forward-data']),
      deployDev(),
    ]);
    Object.assign(deployed, { ops, forward, dev: devDeploy });
    console.info(
      `deploy times against the emulator (at once): ops-data ${ops.seconds.toFixed(1)} s, forward-data ${forward.seconds.toFixed(1)} s, ` +
        `dev-data ${devDeploy.dataSeconds.toFixed(1)} s then dev-compute ${(devDeploy.seconds - devDeploy.dataSeconds).toFixed(1)} s`,
    );
  }, 900000);
  afterAll(() => moto?.stop());

  describe('data stacks', () => {
    const policyOf = async (name: string, purpose: 'dataset' | 'archive' | 'messages') => {
      const out = await client(S3Client, name).send(new GetBucketPolicyCommand({ Bucket: Naming.of(configOf(name)).bucket(purpose) }));
      return JSON.parse(out.Policy!) as { Statement: { Sid: string; Principal: { AWS: string } }[] };
    };

    it('reports its outputs: bucket names, queue URLs, the CNM-R topic', () => {
      const outputs = deployed.ops.outputs['ops-data'];
      expect(outputs.buckets).toEqual({
        dataset: `pcm-ops-dataset-${account('ops')}`,
        archive: `pcm-ops-archive-${account('ops')}`,
        messages: `pcm-ops-messages-${account('ops')}`,
        triage: `pcm-ops-triage-${account('ops')}`,
        code: `pcm-ops-code-${account('ops')}`,
      });
      expect(outputs.cnm_r_topic_arn).toBe(`arn:aws:sns:us-west-2:${account('ops')}:pcm-ops-cnm-r`);
      expect(Object.keys(outputs.queues as object).sort()).toEqual(['cnm-r', 'cnm-s-outbox', 'staging']);
    });

    it('the OPS dataset bucket policy grants exactly adt, bulk and forward, each from its own account', async () => {
      const { Statement } = await policyOf('ops', 'dataset');
      expect(Statement.map((s) => [s.Sid, s.Principal.AWS])).toEqual([
        ['ListAdtRead', `arn:aws:iam::${account('adt')}:root`],
        ['ObjectsAdtRead', `arn:aws:iam::${account('adt')}:root`],
        ['ListBulkReadWrite', `arn:aws:iam::${account('bulk')}:root`],
        ['ObjectsBulkReadWrite', `arn:aws:iam::${account('bulk')}:root`],
        ['ListForwardReadWrite', `arn:aws:iam::${account('forward')}:root`],
        ['ObjectsForwardReadWrite', `arn:aws:iam::${account('forward')}:root`],
      ]);
    });

    it('the OPS messages bucket policy gives CNES its side of the exchange', async () => {
      const { Statement } = await policyOf('ops', 'messages');
      expect(Statement.map((s) => s.Sid)).toEqual(['CnesListsCnmS', 'CnesReadsAndDeletesCnmS', 'CnesWritesCnmR', 'CnesNeverWritesRecords']);
    });

    it('the OPS key policy grants the consumer accounts, the DAAC and CNES', async () => {
      const kms = client(KMSClient, 'ops');
      const { KeyMetadata } = await kms.send(new DescribeKeyCommand({ KeyId: 'alias/pcm-ops' }));
      const out = await kms.send(new GetKeyPolicyCommand({ KeyId: KeyMetadata!.KeyId, PolicyName: 'default' }));
      const sids = (JSON.parse(out.Policy!) as { Statement: { Sid: string }[] }).Statement.map((s) => s.Sid);
      expect(sids).toEqual(expect.arrayContaining(['SharedAdtThroughS3', 'SharedBulkThroughS3', 'SharedForwardThroughS3', 'DaacPublishesCnmR', 'CnesExchangesMessages']));
    });

    it('OPS data is versioned; a consumer (forward) shares nothing of its own', async () => {
      const versioning = await client(S3Client, 'ops').send(new GetBucketVersioningCommand({ Bucket: `pcm-ops-dataset-${account('ops')}` }));
      expect(versioning.Status).toBe('Enabled');
      await expect(policyOf('forward', 'dataset')).rejects.toThrow(/policy/i);
    });

    it('the CNM-R topic lets the DAAC publish, and delivers raw to the CNM-R queue', async () => {
      const topicArn = `arn:aws:sns:us-west-2:${account('ops')}:pcm-ops-cnm-r`;
      const sns = client(SNSClient, 'ops');
      const attributes = await sns.send(new GetTopicAttributesCommand({ TopicArn: topicArn }));
      const policy = JSON.parse(attributes.Attributes!.Policy) as { Statement: { Sid: string; Principal: { AWS?: string }; Condition?: unknown }[] };
      // The DAAC's account, with its role as an aws:PrincipalArn condition (a re-created role keeps working).
      expect(policy.Statement.find((s) => s.Sid === 'ExternalPublishers')).toMatchObject({
        Principal: { AWS: `arn:aws:iam::${DAAC}:root` },
        Condition: { ArnLike: { 'aws:PrincipalArn': configOf('ops').cnm.daac!.publisherPrincipals } },
      });
      expect(policy.Statement[0]).toMatchObject({ Sid: 'DenyInsecureTransport', Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': false } } });
      expect(attributes.Attributes!.KmsMasterKeyId).toMatch(new RegExp(`^arn:aws:kms:us-west-2:${account('ops')}:key/`));
      const { Subscriptions } = await sns.send(new ListSubscriptionsByTopicCommand({ TopicArn: topicArn }));
      expect(Subscriptions!.map((s) => [s.Protocol, s.Endpoint])).toEqual([['sqs', `arn:aws:sqs:us-west-2:${account('ops')}:pcm-ops-cnm-r`]]);
      const sub = await sns.send(new GetSubscriptionAttributesCommand({ SubscriptionArn: Subscriptions![0].SubscriptionArn }));
      expect(sub.Attributes!.RawMessageDelivery).toBe('true');
    });

    it('the CNM-R queue keeps messages 14 days and moves them to its DLQ after 5 receives', async () => {
      const sqs = client(SQSClient, 'ops');
      const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pcm-ops-cnm-r' }));
      const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl, AttributeNames: ['All'] }));
      expect(Attributes!.MessageRetentionPeriod).toBe('1209600');
      expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({ deadLetterTargetArn: `arn:aws:sqs:us-west-2:${account('ops')}:pcm-ops-cnm-r-dlq`, maxReceiveCount: 5 });
    });

    it('dev has its stand-in CNM-S stream, encrypted, readable by the DAAC account', async () => {
      const kinesis = client(KinesisClient, 'dev');
      const { StreamDescriptionSummary } = await kinesis.send(new DescribeStreamSummaryCommand({ StreamName: 'pcm-dev-cnm-s' }));
      expect(StreamDescriptionSummary!.EncryptionType).toBe('KMS');
      const { Policy } = await kinesis.send(new GetResourcePolicyCommand({ ResourceARN: StreamDescriptionSummary!.StreamARN }));
      expect(JSON.parse(Policy!).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${DAAC}:root` });
    });

    it('the dataset bucket notifies the staging topic for signal files only', async () => {
      const out = await client(S3Client, 'ops').send(new GetBucketNotificationConfigurationCommand({ Bucket: `pcm-ops-dataset-${account('ops')}` }));
      expect(out.TopicConfigurations).toHaveLength(1);
      expect(out.TopicConfigurations![0].TopicArn).toBe(`arn:aws:sns:us-west-2:${account('ops')}:pcm-ops-staging`);
      expect(out.TopicConfigurations![0].Filter!.Key!.FilterRules!.map((r) => [r.Name!.toLowerCase(), r.Value])).toEqual(
        expect.arrayContaining([['prefix', 'staging_area/'], ['suffix', '.met.json']]),
      );
    });

    describe('a signal file dropped in the deployed staging area', () => {
      let mozart: FakeMozart;
      beforeAll(async () => (mozart = await startMozart()));
      afterAll(() => mozart?.stop());

      it('reaches the staging queue through S3 -> SNS -> SQS, and the submit handler turns it into one job', async () => {
        const config: EnvironmentConfig = configOf('ops');
        const s3 = client(S3Client, 'ops');
        await s3.send(new PutObjectCommand({ Bucket: `pcm-ops-dataset-${account('ops')}`, Key: 'staging_area/granule-1.h5.met.json', Body: JSON.stringify({ id: 'granule-1' }) }));
        // Not a signal file: the notification's suffix filter keeps it out of the queue.
        await s3.send(new PutObjectCommand({ Bucket: `pcm-ops-dataset-${account('ops')}`, Key: 'staging_area/granule-1.h5', Body: 'data' }));

        const sqs = client(SQSClient, 'ops');
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'pcm-ops-staging' }));
        const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 5 }));
        expect(Messages).toHaveLength(1);

        const env = {
          MOZART_URL: mozart.url,
          DATASET_BUCKET: `pcm-ops-dataset-${account('ops')}`,
          STAGING_PREFIX: config.stagingArea.prefix,
          STAGING_SUFFIX: config.stagingArea.suffix,
          JOB_TYPE: config.stagingArea.jobType,
          JOB_RELEASE: config.release.pcmRelease,
          JOB_QUEUE: config.stagingArea.queue,
          IDEMPOTENCY_TABLE: 'pcm-ops-idempotency',
        };
        const handler = createHandler(() => ({
          config: readConfig(env),
          idempotencyTable: env.IDEMPOTENCY_TABLE,
          s3,
          dynamodb: client(DynamoDBClient, 'ops'),
          submit: submitJob,
          logger: consoleLogger,
          now: Date.now,
        }));
        const event = { Records: Messages.map((m) => ({ messageId: m.MessageId!, body: m.Body! })) } as unknown as SQSEvent;
        expect(await handler(event)).toEqual({ batchItemFailures: [] });
        // The same message again (SQS delivers at least once): still one job.
        expect(await handler(event)).toEqual({ batchItemFailures: [] });
        expect(mozart.accepted()).toEqual([
          expect.objectContaining({
            type: `job-${config.stagingArea.jobType}:${config.release.pcmRelease}`,
            queue: config.stagingArea.queue,
            params: expect.objectContaining({ id: 'granule-1', data_url: `s3://pcm-ops-dataset-${account('ops')}/staging_area/granule-1.h5`, data_file: 'granule-1.h5' }),
          }),
        ]);
      }, 60000);
    });
  });

  describe('dev-compute', () => {
    const devClient = <T>(Client: new (config: object) => T): T => client(Client, 'dev');
    it('runs the core instances from the catalog AMIs, in the emulated VPC', async () => {
      const { Reservations = [] } = await devClient(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running', 'pending'] }] }));
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
      const asg = devClient(AutoScalingClient);
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
      const batch = devClient(BatchClient);
      const { computeEnvironments = [] } = await batch.send(new DescribeComputeEnvironmentsCommand({}));
      expect(computeEnvironments.map((c) => [c.computeEnvironmentName, c.computeResources?.allocationStrategy])).toEqual(
        dev.batch.computeEnvironments.map((c) => [`pcm-dev-batch-${c.name}`, c.market === 'spot' ? 'SPOT_PRICE_CAPACITY_OPTIMIZED' : 'BEST_FIT_PROGRESSIVE']),
      );
      const { jobQueues = [] } = await batch.send(new DescribeJobQueuesCommand({}));
      expect(jobQueues.map((q) => [q.jobQueueName, q.priority])).toEqual(dev.batch.jobQueues.map((q) => [`pcm-dev-batch-${q.name}`, q.priority]));
    });

    it('feeds <VENUE>-queue to the harikiri function, one message at a time', async () => {
      const lambda = devClient(LambdaClient);
      // All mappings, then this function's: moto does not filter the listing by a function name.
      const { EventSourceMappings = [] } = await lambda.send(new ListEventSourceMappingsCommand({}));
      const harikiri = EventSourceMappings.filter((m) => m.FunctionArn?.endsWith(':function:pcm-dev-harikiri'));
      expect(harikiri.map((m) => [m.EventSourceArn, m.BatchSize])).toEqual([[`arn:aws:sqs:us-west-2:${account('dev')}:pcm-dev-queue`, 1]]);
      const { Environment } = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: 'pcm-dev-harikiri' }));
      expect(Environment?.Variables?.[HARIKIRI_ENV.names.groups]).toBe(dev.workers.queues.map((q) => `pcm-dev-${q.name}`).join(','));
    });

    it('delivers the cluster config as an encrypted object, and keeps an empty credentials secret for provisioning to fill', async () => {
      const object = await devClient(S3Client).send(new GetObjectCommand({ Bucket: `pcm-dev-code-${account('dev')}`, Key: CLUSTER_CONFIG_KEY }));
      expect(object.ServerSideEncryption).toBe('aws:kms');
      const cluster = parse(await object.Body!.transformToString());
      const { Reservations = [] } = await devClient(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['pcm-dev-mozart'] }] }));
      expect(cluster).toMatchObject({ VENUE: 'pcm-dev', MOZART_PVT_IP: Reservations[0].Instances![0].PrivateIpAddress, QUEUES: dev.workers.queues.map((q) => expect.objectContaining({ QUEUE_NAME: q.name })) });
      const secret = await devClient(SecretsManagerClient).send(new DescribeSecretCommand({ SecretId: 'pcm-dev-hysds-credentials' }));
      expect(secret.KmsKeyId).toBeDefined();
      expect(Object.keys(secret.VersionIdsToStages ?? {})).toEqual([]);
      const { Name, DocumentType } = (await devClient(SSMClient).send(new DescribeDocumentCommand({ Name: 'pcm-dev-provision-hysds' }))).Document!;
      expect([Name, DocumentType]).toEqual(['pcm-dev-provision-hysds', 'Command']);
      // moto has no State Manager associations: the deploy made none, and says so (README).
      expect(deployed.dev.outputs['dev-compute'].provisioning_run).toMatchObject({ association_id: '', log_group: '/pcm/pcm-dev/provisioning' });
    });

    it('outputs the operator URLs, on mozart’s private address', async () => {
      const { Reservations = [] } = await devClient(EC2Client).send(new DescribeInstancesCommand({ Filters: [{ Name: 'tag:Name', Values: ['pcm-dev-mozart'] }] }));
      const ip = Reservations[0].Instances![0].PrivateIpAddress;
      const urls = deployed.dev.outputs['dev-compute'].operator_urls as Record<string, string>;
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
});
