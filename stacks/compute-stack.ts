/**
 * `<env>-compute`: the stateless half of an environment (core cluster, worker fleets, Batch, the
 * message Lambdas), which can be destroyed and re-created without losing data. Everything it
 * needs from `<env>-data` it finds by the names the naming module gives both stacks.
 */
import { DataAwsKmsAlias } from '@cdktf/provider-aws/lib/data-aws-kms-alias';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import type { AmiCatalog } from '../amis/catalog';
import { amiComponentsOf } from '../config-generator/checks';
import { KIND_TRAITS } from '../config-generator/kinds';
import type { EnvironmentConfig } from '../config-generator/schema';
import { AmiImages } from '../modules/ami-images';
import { BatchEnvironment } from '../modules/batch-environment';
import { renderClusterConfig, renderUserData, type ClusterAddresses } from '../modules/cluster-config';
import { BATCH_BUCKETS, CI_BUCKETS, CORE_BUCKETS, metricStatements, ownBucketStatements, selfTerminationStatements, WORKER_BUCKETS } from '../modules/cluster-permissions';
import { ClusterSecurity, JENKINS_PORTS } from '../modules/cluster-security';
import { CoreInstance } from '../modules/core-instance';
import { InstanceRole } from '../modules/instance-role';
import { MessageLambdas } from '../modules/message-lambdas';
import { MessageQueue } from '../modules/message-queue';
import { OperatorUrls } from '../modules/operator-urls';
import { consumerStatements, grantsToConsumer } from '../modules/storage-grants';
import { WorkerFleet } from '../modules/worker-fleet';
import type { AwsTarget } from './aws-target';
import { defaultTags, EnvironmentStack } from './environment-stack';

export interface ComputeStackProps {
  readonly catalog: AmiCatalog;
  /** Every environment: a consumer's roles get what the owner granted it. */
  readonly peers: readonly EnvironmentConfig[];
  readonly target?: AwsTarget;
}

type CoreComponent = keyof ClusterAddresses;
const ECS_INSTANCE_POLICY = (partition: string) => `arn:${partition}:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role`;

export class ComputeStack extends EnvironmentStack {
  readonly amis: AmiImages;
  readonly security: ClusterSecurity;
  readonly core: Partial<Record<CoreComponent, CoreInstance>> = {};
  readonly fleets: WorkerFleet[] = [];
  readonly batch: BatchEnvironment;
  readonly lambdas: MessageLambdas;

  constructor(scope: Construct, config: EnvironmentConfig, props: ComputeStackProps) {
    super(scope, config, 'compute', props.target);
    const naming = this.naming;
    const { network } = config;
    const protect = config.protection.deletionProtection;

    this.amis = new AmiImages(this, 'amis', {
      catalog: props.catalog,
      region: config.aws.region,
      release: config.release.amiRelease,
      overrides: config.release.amiOverrides,
      components: amiComponentsOf(config),
    });
    // The environment key belongs to `<env>-data`; its alias is fixed by the naming module.
    const kmsKeyArn = new DataAwsKmsAlias(this, 'environment-key', { name: naming.kmsAlias() }).targetKeyArn;
    const shared = consumerStatements(grantsToConsumer(config, props.peers));

    // ---- Network and roles ------------------------------------------------------------------
    // Jenkins over TLS unless tls.jenkins names plain HTTP with a reason (check rule PCM-TLS-1).
    const jenkinsTls = config.tls?.jenkins;
    const jenkins = jenkinsTls && 'plainHttp' in jenkinsTls ? { scheme: 'http' as const, port: JENKINS_PORTS.plainHttp } : { scheme: 'https' as const, port: jenkinsTls?.httpsPort ?? JENKINS_PORTS.https };
    this.security = new ClusterSecurity(this, 'security', { naming, vpcId: network.vpcId, operatorCidrs: network.operatorCidrs, jenkinsPort: jenkins.port });
    const coreRole = new InstanceRole(this, 'core-role', {
      roleName: naming.resource('core', 'iamRole'),
      description: `HySDS core instances of ${naming.venue}`,
      identity: naming.identity,
      statements: [...ownBucketStatements(naming, CORE_BUCKETS, kmsKeyArn), ...metricStatements(), ...shared],
    });
    // Jenkins builds job containers from code anyone with a commit can change: a role of its own,
    // with the code bucket only, not the core role's data.
    const ciRole = config.core.ci
      ? new InstanceRole(this, 'ci-role', {
          roleName: naming.resource('ci', 'iamRole'),
          description: `Jenkins (ci) of ${naming.venue}`,
          identity: naming.identity,
          statements: ownBucketStatements(naming, CI_BUCKETS, kmsKeyArn),
        })
      : undefined;
    const harikiri = new MessageQueue(this, 'harikiri', {
      // `${VENUE}-queue`: the name HySDS workers look for.
      queueName: naming.resource('queue', 'sqsQueue'),
      deadLetterQueueName: naming.resource('queue-dlq', 'sqsQueue'),
      kmsKeyArn,
      topicArns: [],
      alarmTopicArn: naming.topicArn('alerts'),
    });
    const workerRole = new InstanceRole(this, 'worker-role', {
      roleName: naming.resource('worker', 'iamRole'),
      description: `HySDS verdi workers of ${naming.venue}`,
      identity: naming.identity,
      statements: [
        ...ownBucketStatements(naming, WORKER_BUCKETS, kmsKeyArn),
        ...metricStatements(),
        ...selfTerminationStatements(naming, harikiri.queue.arn),
        ...shared,
      ],
    });

    // ---- Core cluster -------------------------------------------------------------------------
    const subnet = network.privateSubnetIds[0];
    const components: CoreComponent[] = ['mozart', 'metrics', 'grq', 'factotum', ...(config.core.ci ? (['ci'] as const) : [])];
    for (const component of components) {
      const settings = config.core[component]!;
      const groups = [this.security.cluster.id, ...(component === 'mozart' ? [this.security.mozart.id] : []), ...(component === 'ci' ? [this.security.ci.id] : [])];
      this.core[component] = new CoreInstance(this, component, {
        name: naming.resource(component),
        amiId: this.amis.imageId(component),
        instanceType: settings.instanceType,
        rootVolumeGiB: settings.rootVolumeGiB,
        allowImdsV1: settings.allowImdsV1,
        subnetId: subnet,
        securityGroupIds: groups,
        instanceProfileName: component === 'ci' && ciRole ? ciRole.profile.name : coreRole.profile.name,
        kmsKeyArn,
        terminationProtection: protect,
      });
    }
    const addresses = Object.fromEntries(components.map((c) => [c, this.core[c]!.privateIp])) as unknown as ClusterAddresses;
    const mozartHost = network.operatorDnsName ?? addresses.mozart;
    const queues = config.workers.queues.map((q) => ({ ...q, asg: `${naming.venue}-${q.name}` }));
    const clusterSettings = {
      venue: naming.venue,
      region: config.aws.region,
      addresses,
      mozartFqdn: mozartHost,
      jenkinsUrl: addresses.ci ? `${jenkins.scheme}://${addresses.ci}:${jenkins.port}/` : undefined,
      buckets: { dataset: naming.bucket('dataset'), triage: naming.bucket('triage'), code: naming.bucket('code'), archive: naming.bucket('archive') },
      harikiriQueue: naming.resource('queue', 'sqsQueue'),
    };
    const clusterConfig = renderClusterConfig({ ...clusterSettings, queues });
    for (const component of components) {
      this.core[component]!.launch(renderUserData({ role: component, venue: naming.venue, config: clusterConfig }));
    }

    // ---- Worker fleets, one per HySDS queue ---------------------------------------------------
    for (const queue of queues) {
      this.fleets.push(
        new WorkerFleet(this, `fleet-${queue.name}`, {
          venue: naming.venue,
          queue,
          amiId: this.amis.imageId('verdi'),
          subnetIds: network.privateSubnetIds,
          securityGroupIds: [this.security.cluster.id],
          instanceProfileArn: workerRole.profile.arn,
          kmsKeyArn,
          tags: defaultTags(config),
          userData: renderUserData({
            role: `verdi (${queue.name})`,
            venue: naming.venue,
            // Its own queue only: each worker carrying every queue made synthesis (and every
            // boot script) grow with the square of the queue count (npm run bench found it).
            config: renderClusterConfig({ ...clusterSettings, queues: [queue] }),
            worker: { queue: queue.name, bundleUrl: `s3://${naming.bucket('code')}/${queue.name}-${naming.venue}.tbz2` },
          }),
        }),
      );
    }

    // ---- AWS Batch ----------------------------------------------------------------------------
    const batchRole = new InstanceRole(this, 'batch-role', {
      roleName: naming.resource('batch-host', 'iamRole'),
      description: `AWS Batch hosts of ${naming.venue}`,
      identity: naming.identity,
      // The host runs the ECS agent; the PGEs' data access is the job role's.
      statements: [],
      managedPolicyArns: [ECS_INSTANCE_POLICY(naming.partition)],
    });
    this.batch = new BatchEnvironment(this, 'batch', {
      naming,
      batch: config.batch,
      containers: config.release.containers ?? {},
      amiId: this.amis.imageId('batch'),
      subnetIds: network.privateSubnetIds,
      securityGroupIds: [this.security.batch.id],
      instanceProfileArn: batchRole.profile.arn,
      kmsKeyArn,
      jobStatements: [...ownBucketStatements(naming, BATCH_BUCKETS, kmsKeyArn), ...shared],
      tags: defaultTags(config),
    });

    // ---- Message Lambdas ----------------------------------------------------------------------
    this.lambdas = new MessageLambdas(this, 'lambdas', {
      config,
      naming,
      kmsKeyArn,
      mozartUrl: `https://${addresses.mozart}`,
      logRetentionDays: KIND_TRAITS[config.environment.kind].opsLike ? 365 : 30,
    });
    this.security.allowHttpsToMozart('lambdas', this.lambdas.mozartClients.id, 'job-submitting Lambdas');

    // ---- Outputs ------------------------------------------------------------------------------
    new OperatorUrls(this, 'operator-urls', { mozartHost, ciHost: addresses.ci, jenkins });
    new TerraformOutput(this, 'ami_ids', {
      value: this.amis.all(),
      description: 'AMI id of each component, by component name (mozart, metrics, grq, factotum, verdi, ...).',
    });
    new TerraformOutput(this, 'worker_groups', {
      value: this.fleets.map((f) => f.groupName),
      description: 'Worker autoscaling group names, `<venue>-<queue>`, one per HySDS queue.',
    });
  }
}
