/**
 * The verdi workers of one HySDS queue: a launch template and a Spot autoscaling group
 * `${VENUE}-${queue}` that HySDS scales out through the `JobsWaitingPerInstance` metric it
 * publishes; idle workers terminate themselves (through the `${VENUE}-queue` SQS queue), so the
 * group never scales in on its own and never rebalances away a busy worker.
 */
import { AutoscalingGroup } from '@cdktf/provider-aws/lib/autoscaling-group';
import { AutoscalingPolicy } from '@cdktf/provider-aws/lib/autoscaling-policy';
import { LaunchTemplate } from '@cdktf/provider-aws/lib/launch-template';
import { Fn } from 'cdktf';
import { Construct } from 'constructs';
import type { WorkerQueue } from '../../config-generator/schema';
import type { Naming } from '../naming';
import { metadataOptions, type MetadataPolicy } from './instance-metadata';

/** The HySDS autoscaling metric's namespace, name and dimensions (hard-wired in HySDS). */
export const HYSDS_METRIC_NAMESPACE = 'HySDS';
export const jobsWaitingMetric = (venue: string, queue: string) => `JobsWaitingPerInstance-${venue}-${queue}`;
export const HYSDS_METRIC_DIMENSIONS = ['AutoScalingGroupName', 'Queue'] as const;

export interface WorkerFleetProps {
  /** The environment's names: the group's (`Naming.workerGroup`) and the venue in HySDS's metric. */
  readonly naming: Naming;
  readonly queue: WorkerQueue;
  readonly amiId: string;
  readonly subnetIds: readonly string[];
  readonly securityGroupIds: readonly string[];
  readonly instanceProfileArn: string;
  readonly kmsKeyArn: string;
  readonly userData: string;
  /** IMDS: tokens required only where the verdi image's HySDS works with them. */
  readonly metadata: MetadataPolicy;
  /**
   * Tags for the group and for the instances and volumes it launches: the provider's
   * default_tags reach none of them (check rule PCM-TAG-2).
   */
  readonly tags: Readonly<Record<string, string>>;
}

export class WorkerFleet extends Construct {
  readonly launchTemplate: LaunchTemplate;
  readonly group: AutoscalingGroup;
  readonly scaling: AutoscalingPolicy;
  /** `${VENUE}-${queue}`. */
  readonly groupName: string;

  constructor(scope: Construct, id: string, props: WorkerFleetProps) {
    super(scope, id);
    const { naming, queue } = props;
    const venue = naming.venue;
    this.groupName = naming.workerGroup(queue.name);
    const volume = (deviceName: string, size: number) => ({
      deviceName,
      ebs: { volumeSize: size, volumeType: 'gp3', encrypted: 'true', kmsKeyId: props.kmsKeyArn, deleteOnTermination: 'true' },
    });

    const launchedTags = { ...props.tags, Name: this.groupName, queue: queue.name };

    this.launchTemplate = new LaunchTemplate(this, 'launch-template', {
      name: this.groupName,
      imageId: props.amiId,
      iamInstanceProfile: { arn: props.instanceProfileArn },
      vpcSecurityGroupIds: [...props.securityGroupIds],
      metadataOptions: metadataOptions(props.metadata, 2),
      blockDeviceMappings: [volume('/dev/xvda', queue.rootVolumeGiB), volume('/dev/xvdb', queue.dataVolumeGiB)],
      userData: Fn.base64encode(props.userData),
      tagSpecifications: [
        { resourceType: 'instance', tags: launchedTags },
        { resourceType: 'volume', tags: launchedTags },
      ],
      updateDefaultVersion: true,
    });

    this.group = new AutoscalingGroup(this, 'group', {
      name: this.groupName,
      minSize: queue.min,
      maxSize: queue.max,
      vpcZoneIdentifier: [...props.subnetIds],
      // Busy workers must not be moved between zones; Spot interruptions are rebalanced instead.
      suspendedProcesses: ['AZRebalance'],
      capacityRebalance: true,
      mixedInstancesPolicy: {
        instancesDistribution: {
          onDemandBaseCapacity: 0,
          onDemandPercentageAboveBaseCapacity: queue.onDemandPercentage,
          spotAllocationStrategy: 'price-capacity-optimized',
        },
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateId: this.launchTemplate.id, version: this.launchTemplate.latestVersion.toString() },
          override: queue.instanceTypes.map((instanceType) => ({ instanceType })),
        },
      },
      tag: Object.entries({ ...props.tags, Name: this.groupName }).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
      // HySDS sets the desired capacity; Terraform must not reset it on every apply.
      lifecycle: { ignoreChanges: ['desired_capacity'] },
    });

    this.scaling = new AutoscalingPolicy(this, 'jobs-waiting', {
      name: jobsWaitingMetric(venue, queue.name),
      autoscalingGroupName: this.group.name,
      policyType: 'TargetTrackingScaling',
      targetTrackingConfiguration: {
        targetValue: 1,
        disableScaleIn: true,
        customizedMetricSpecification: {
          namespace: HYSDS_METRIC_NAMESPACE,
          metricName: jobsWaitingMetric(venue, queue.name),
          statistic: 'Average',
          // Exactly the dimensions sync_ec2_target_tracking_metric.py publishes: CloudWatch
          // matches a metric only with all of its dimensions.
          metricDimension: [
            { name: 'AutoScalingGroupName', value: this.groupName },
            { name: 'Queue', value: queue.name },
          ],
        },
      },
    });
  }
}
