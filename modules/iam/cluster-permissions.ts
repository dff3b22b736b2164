/**
 * What the cluster's instances may do, least privilege: the environment's own buckets (each as
 * far as the role needs it), its key through S3 and SQS, the shared buckets it was granted, the
 * HySDS autoscaling metric, and for workers the self-termination path.
 */
import type { BucketPurpose, Naming } from '../naming';
import type { PolicyStatement } from './policy';

type BucketAccess = Partial<Record<BucketPurpose, 'read' | 'read-write'>>;

/** Core instances run ingest and publish jobs (factotum) and serve the catalogs. */
export const CORE_BUCKETS: BucketAccess = { dataset: 'read-write', archive: 'read-write', triage: 'read-write', code: 'read-write', messages: 'read' };
/** Workers read their bundle, write products, archives and triage. */
export const WORKER_BUCKETS: BucketAccess = { dataset: 'read-write', archive: 'read-write', triage: 'read-write', code: 'read' };
/** Jenkins builds and publishes job containers and bundles: the code bucket only. */
export const CI_BUCKETS: BucketAccess = { code: 'read-write' };
/** Batch hosts run PGE containers that read inputs and write products. */
export const BATCH_BUCKETS: BucketAccess = { dataset: 'read-write', triage: 'read-write', code: 'read' };

const OBJECT_ACTIONS = {
  read: ['s3:GetObject'],
  'read-write': ['s3:GetObject', 's3:PutObject', 's3:DeleteObject', 's3:AbortMultipartUpload'],
};

export function ownBucketStatements(naming: Naming, access: BucketAccess, kmsKeyArn: string): PolicyStatement[] {
  const entries = Object.entries(access) as [BucketPurpose, 'read' | 'read-write'][];
  return [
    { Sid: 'ListOwnBuckets', Effect: 'Allow', Action: 's3:ListBucket', Resource: entries.map(([b]) => naming.bucketArn(b)) },
    ...(['read', 'read-write'] as const).flatMap((level): PolicyStatement[] => {
      const buckets = entries.filter(([, a]) => a === level).map(([b]) => `${naming.bucketArn(b)}/*`);
      return buckets.length ? [{ Sid: level === 'read' ? 'ReadOwnObjects' : 'ReadWriteOwnObjects', Effect: 'Allow', Action: OBJECT_ACTIONS[level], Resource: buckets }] : [];
    }),
    { Sid: 'UseEnvironmentKey', Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: kmsKeyArn },
  ];
}

/** HySDS publishes its queue metrics and reads the groups it scales. */
export function metricStatements(): PolicyStatement[] {
  return [
    { Sid: 'PublishHysdsMetrics', Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: '*', Condition: { StringEquals: { 'cloudwatch:namespace': 'HySDS' } } },
    // Describe calls cannot be scoped to resources.
    { Sid: 'DescribeFleets', Effect: 'Allow', Action: ['autoscaling:DescribeAutoScalingGroups', 'ec2:DescribeInstances'], Resource: '*' },
  ];
}

/**
 * An idle worker announces itself on `${VENUE}-queue` (harikiri_sqs.py: GetQueueUrl, then
 * SendMessage of its instance id) and powers off; the harikiri Lambda takes it out of its group.
 * Workers may do nothing else on that queue, and nothing to their groups.
 */
export function selfTerminationStatements(harikiriQueueArn: string): PolicyStatement[] {
  return [{ Sid: 'AnnouncesIdleWorker', Effect: 'Allow', Action: ['sqs:GetQueueUrl', 'sqs:SendMessage'], Resource: harikiriQueueArn }];
}

/** The ARN of one of the environment's worker groups, by name. */
export function workerGroupArn(naming: Naming, groupName: string): string {
  const { region, accountId } = naming.identity;
  return `arn:${naming.partition}:autoscaling:${region}:${accountId}:autoScalingGroup:*:autoScalingGroupName/${groupName}`;
}

/**
 * Scale from zero: mozart's sync_ec2_target_tracking_metric.py sets a group's desired capacity
 * when it is 0 and jobs wait. Denied, the loop fails before publishing any metric and no worker
 * ever starts. Exactly this environment's groups, by name.
 */
export function scaleFromZeroStatements(naming: Naming, groupNames: readonly string[]): PolicyStatement[] {
  if (groupNames.length === 0) return [];
  return [{ Sid: 'ScalesWorkerGroupsFromZero', Effect: 'Allow', Action: 'autoscaling:SetDesiredCapacity', Resource: groupNames.map((g) => workerGroupArn(naming, g)) }];
}
