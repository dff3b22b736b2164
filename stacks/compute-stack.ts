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
import { AmiImages } from '../modules/compute/ami-images';
import { BatchEnvironment } from '../modules/compute/batch-environment';
import { BundledFunction } from '../modules/lambda/bundled-function';
import { CampaignEngine } from '../modules/campaign/campaign-engine';
import { renderClusterConfig, renderCoreUserData, renderWorkerUserData, type ClusterAddresses } from '../modules/compute/cluster-config';
import {
  BATCH_BUCKETS,
  CI_BUCKETS,
  CORE_BUCKETS,
  metricStatements,
  ownBucketStatements,
  scaleFromZeroStatements,
  selfTerminationStatements,
  WORKER_BUCKETS,
  workerGroupArn,
} from '../modules/compute/cluster-permissions';
import { ClusterSecurity, JENKINS_PORTS } from '../modules/compute/cluster-security';
import { CoreInstance } from '../modules/compute/core-instance';
import { clusterConfigDenied, DEFAULT_PROVISIONING_TIMEOUT_MINUTES, HysdsProvisioning, provisioningStatements } from '../modules/compute/hysds-provisioning';
import { metadataPolicy } from '../modules/compute/instance-metadata';
import { EnvironmentKeyReference } from '../modules/iam/environment-key';
import { InstanceRole } from '../modules/iam/instance-role';
import { MessageLambdas, mozartConnection } from '../modules/messaging/message-lambdas';
import { MessageQueue } from '../modules/messaging/message-queue';
import { OperatorUrls } from '../modules/compute/operator-urls';
import { consumerStatements, grantsToConsumer } from '../modules/storage/storage-grants';
import { WorkerFleet } from '../modules/compute/worker-fleet';
import { HARIKIRI_ENV } from '../lambdas/harikiri/contract';
import { REAL_AWS, supportsStateManagerAssociations, type AwsTarget } from './aws-target';
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
  readonly provisioning: HysdsProvisioning;
  readonly mozartRole: InstanceRole;
  readonly harikiri: BundledFunction;
  /** The campaign engine; absent unless campaigns.enabled. */
  readonly campaigns?: CampaignEngine;

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

    // ---- Network, worker groups and roles ------------------------------------------------
    // Jenkins over TLS unless tls.jenkins names plain HTTP with a reason (check rule PCM-TLS-1).
    const jenkinsTls = config.tls?.jenkins;
    const jenkins = jenkinsTls && 'plainHttp' in jenkinsTls ? { scheme: 'http' as const, port: JENKINS_PORTS.plainHttp } : { scheme: 'https' as const, port: jenkinsTls?.httpsPort ?? JENKINS_PORTS.https };
    this.security = new ClusterSecurity(this, 'security', { naming, vpcId: network.vpcId, operatorCidrs: network.operatorCidrs, jenkinsPort: jenkins.port });
    const queues = config.workers.queues.map((q) => ({ ...q, asg: naming.workerGroup(q.name) }));
    const groupNames = queues.map((q) => q.asg);
    const notTheClusterConfig = clusterConfigDenied(naming);
    const opsLike = KIND_TRAITS[config.environment.kind].opsLike;
    const coreRole = new InstanceRole(this, 'core-role', {
      roleName: naming.resource('core', 'iamRole'),
      description: `HySDS core instances of ${naming.venue} other than mozart and ci`,
      identity: naming.identity,
      statements: [...ownBucketStatements(naming, CORE_BUCKETS, kmsKeyArn), ...metricStatements(), ...shared, notTheClusterConfig],
    });
    // Jenkins builds job containers from code anyone with a commit can change: a role of its own,
    // with the code bucket only, not the core role's data.
    const ciRole = config.core.ci
      ? new InstanceRole(this, 'ci-role', {
          roleName: naming.resource('ci', 'iamRole'),
          description: `Jenkins (ci) of ${naming.venue}`,
          identity: naming.identity,
          statements: [...ownBucketStatements(naming, CI_BUCKETS, kmsKeyArn), clusterConfigDenied(naming)],
        })
      : undefined;
    const harikiri = new MessageQueue(this, 'harikiri', {
      // `${VENUE}-queue`: the name HySDS workers look for.
      queue: naming.queueIdentity(naming.harikiriQueue()),
      deadLetterQueue: naming.queueIdentity(naming.harikiriDeadLetterQueue()),
      kmsKeyArn,
      topicArns: [],
      alarmTopicArn: naming.topicArn('alerts'),
    });
    const workerRole = new InstanceRole(this, 'worker-role', {
      roleName: naming.resource('worker', 'iamRole'),
      description: `HySDS verdi workers of ${naming.venue}`,
      identity: naming.identity,
      statements: [...ownBucketStatements(naming, WORKER_BUCKETS, kmsKeyArn), ...metricStatements(), ...selfTerminationStatements(harikiri.queue.arn), ...shared, notTheClusterConfig],
    });

    // Mozart's own role: everything a core instance has, plus provisioning and scale from zero.
    this.mozartRole = new InstanceRole(this, 'mozart-role', {
      roleName: naming.resource('mozart', 'iamRole'),
      description: `HySDS mozart of ${naming.venue}: provisioning and scaling of the worker groups`,
      identity: naming.identity,
      statements: [
        ...ownBucketStatements(naming, CORE_BUCKETS, kmsKeyArn),
        ...metricStatements(),
        ...scaleFromZeroStatements(naming, groupNames),
        ...provisioningStatements(naming),
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
        metadata: metadataPolicy(this.amis.imds(component), settings.allowImdsV1 ? { setting: `core.${component}.allowImdsV1` } : undefined),
        subnetId: subnet,
        securityGroupIds: groups,
        instanceProfileName: (component === 'mozart' ? this.mozartRole : component === 'ci' && ciRole ? ciRole : coreRole).profile.name,
        kmsKeyArn,
        terminationProtection: protect,
      });
    }
    const addresses = Object.fromEntries(components.map((c) => [c, this.core[c]!.privateIp])) as unknown as ClusterAddresses;
    const mozartHost = network.operatorDnsName ?? addresses.mozart;
    const clusterConfig = renderClusterConfig({
      venue: naming.venue,
      region: config.aws.region,
      addresses,
      mozartFqdn: mozartHost,
      jenkinsUrl: addresses.ci ? `${jenkins.scheme}://${addresses.ci}:${jenkins.port}/` : undefined,
      buckets: { dataset: naming.bucket('dataset'), triage: naming.bucket('triage'), code: naming.bucket('code'), archive: naming.bucket('archive') },
      harikiriQueue: naming.harikiriQueue(),
      queues,
    });
    for (const component of components) {
      this.core[component]!.launch(renderCoreUserData({ role: component, venue: naming.venue }));
    }

    // ---- Provisioning on mozart (SSM State Manager) -------------------------------------------
    this.provisioning = new HysdsProvisioning(this, 'provisioning', {
      naming,
      kmsKeyArn,
      clusterConfig,
      packages: config.release.jobPackages ?? [],
      mozartInstanceId: this.core.mozart!.instance!.id,
      peerNames: components.filter((c) => c !== 'mozart').map((c) => naming.resource(c)),
      logRetentionDays: opsLike ? 365 : 30,
      associate: supportsStateManagerAssociations(props.target ?? REAL_AWS),
    });

    // ---- Worker fleets, one per HySDS queue ---------------------------------------------------
    const workerMetadata = metadataPolicy(this.amis.imds('verdi'));
    for (const queue of queues) {
      this.fleets.push(
        new WorkerFleet(this, `fleet-${queue.name}`, {
          naming,
          queue,
          amiId: this.amis.imageId('verdi'),
          subnetIds: network.privateSubnetIds,
          securityGroupIds: [this.security.cluster.id],
          instanceProfileArn: workerRole.profile.arn,
          kmsKeyArn,
          tags: defaultTags(config),
          metadata: workerMetadata,
          // Static and tiny: the line the verdi bootstrap reads, nothing else.
          userData: renderWorkerUserData({ venue: naming.venue, queue: queue.name, codeBucket: naming.bucket('code') }),
        }),
      );
    }

    // ---- Harikiri: idle workers leave their groups (scale to zero) ---------------------------
    this.harikiri = new BundledFunction(this, 'harikiri-function', {
      lambda: 'harikiri',
      functionName: naming.resource('harikiri', 'lambda'),
      environment: HARIKIRI_ENV.write({ groups: groupNames }),
      statements: [
        // Which group an instance is in; Describe calls cannot be scoped to resources.
        { Sid: 'FindsWorkerGroup', Effect: 'Allow', Action: 'autoscaling:DescribeAutoScalingInstances', Resource: '*' },
        { Sid: 'RetiresIdleWorkers', Effect: 'Allow', Action: 'autoscaling:TerminateInstanceInAutoScalingGroup', Resource: groupNames.map((g) => workerGroupArn(naming, g)) },
        new EnvironmentKeyReference(kmsKeyArn).grantEncryptDecrypt('UsesEnvironmentKey'),
      ],
      logRetentionDays: opsLike ? 365 : 30,
      kmsKeyArn,
      accountId: config.aws.accountId,
      timeoutSeconds: 30,
    });
    // One instance id per invocation: a bad body fails alone and reaches the DLQ alone.
    this.harikiri.addSqsSource(harikiri.queue.arn, { batchSize: 1, kmsKeyArn, maxConcurrency: 2 });

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
      jobStatements: [...ownBucketStatements(naming, BATCH_BUCKETS, kmsKeyArn), ...shared, notTheClusterConfig],
      tags: defaultTags(config),
    });

    // ---- Message Lambdas ----------------------------------------------------------------------
    this.lambdas = new MessageLambdas(this, 'lambdas', {
      config,
      naming,
      kmsKeyArn,
      mozartUrl: `https://${addresses.mozart}`,
      logRetentionDays: opsLike ? 365 : 30,
    });
    this.security.allowHttpsToMozart('lambdas', this.lambdas.mozartClients.id, 'job-submitting Lambdas');

    // ---- Campaigns (only where the environment enables them) ----------------------------------
    if (config.campaigns?.enabled) {
      this.campaigns = new CampaignEngine(this, 'campaigns', {
        naming,
        kmsKeyArn,
        jobQueues: config.batch.jobQueues.map((q) => q.name),
        jobDefinitions: config.batch.jobDefinitions.map((d) => d.name),
        protectData: protect,
        logRetentionDays: opsLike ? 365 : 30,
        alarmTopicArn: naming.topicArn('alerts'),
        // campaign-submit reaches Mozart as the message Lambdas do: their security group, allowed in on 443.
        mozart: {
          connection: mozartConnection(config, `https://${addresses.mozart}`),
          vpc: { subnetIds: network.privateSubnetIds, securityGroupIds: [this.lambdas.mozartClients.id] },
        },
      });
    }

    // ---- Outputs ------------------------------------------------------------------------------
    new OperatorUrls(this, 'operator-urls', { mozartHost, ciHost: addresses.ci, jenkins });
    new TerraformOutput(this, 'ami_ids', {
      value: this.amis.all(),
      description: 'AMI id of each component, by component name (mozart, metrics, grq, factotum, verdi, ...).',
    });
    new TerraformOutput(this, 'provisioning_run', {
      value: {
        log_group: naming.provisioningLogGroup(),
        log_stream: this.provisioning.logStream,
        document: this.provisioning.document.name,
        association_id: this.provisioning.association?.associationId ?? '',
        timeout_minutes: config.provisioning?.timeoutMinutes ?? DEFAULT_PROVISIONING_TIMEOUT_MINUTES,
      },
      description: 'Provisioning on mozart: the log group and stream (`<instance id>/<config digest>`) each step reports to, the SSM document, the State Manager association ("" where none was created: the emulator), and how long npm run deploy waits.',
    });
    new TerraformOutput(this, 'worker_groups', {
      value: this.fleets.map((f) => f.groupName),
      description: 'Worker autoscaling group names, `<venue>-<queue>`, one per HySDS queue.',
    });
  }
}
