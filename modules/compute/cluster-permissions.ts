/**
 * What the cluster's instances may do, least privilege: the environment's own buckets (each as
 * far as the role needs it), its key through S3 and SQS, the shared buckets it was granted, the
 * HySDS autoscaling metric, and for workers the self-termination path.
 */
import { ACCESS_RIGHTS, BucketReference, grantListBuckets, grantObjectsIn } from '../storage/bucket-access';
import type { BucketPurpose, Naming } from '../naming';
import { EnvironmentKeyReference } from '../iam/environment-key';
import type { PolicyStatement } from '../iam/policy';

/**
 * A role's access to each of its environment's own buckets, whole buckets. Writing there includes
 * deleting (HySDS replaces and cleans up its own products, bundles and triage).
 */
type BucketAccess = Partial<Record<BucketPurpose, 'read' | 'read-write-delete'>>;

/** Core instances run ingest and publish jobs (factotum) and serve the catalogs. */
export const CORE_BUCKETS: BucketAccess = { dataset: 'read-write-delete', archive: 'read-write-delete', triage: 'read-write-delete', code: 'read-write-delete', messages: 'read' };
/** Workers read their bundle, write products, archives and triage. */
export const WORKER_BUCKETS: BucketAccess = { dataset: 'read-write-delete', archive: 'read-write-delete', triage: 'read-write-delete', code: 'read' };
/** Jenkins builds and publishes job containers and bundles: the code bucket only. */
export const CI_BUCKETS: BucketAccess = { code: 'read-write-delete' };
/** Batch hosts run PGE containers that read inputs and write products. */
export const BATCH_BUCKETS: BucketAccess = { dataset: 'read-write-delete', triage: 'read-write-delete', code: 'read' };

/** One statement per access level over all the buckets at that level (IAM caps a role policy's size). */
export function ownBucketStatements(naming: Naming, access: BucketAccess, kmsKeyArn: string): PolicyStatement[] {
  const entries = Object.entries(access) as [BucketPurpose, 'read' | 'read-write-delete'][];
  return [
    grantListBuckets('ListOwnBuckets', entries.map(([b]) => naming.bucketArn(b))),
    ...(['read', 'read-write-delete'] as const).flatMap((level): PolicyStatement[] => {
      const objects = entries.filter(([, a]) => a === level).map(([b]) => BucketReference.of(naming, b).objectArn());
      return objects.length ? [grantObjectsIn(level === 'read' ? 'ReadOwnObjects' : 'ReadWriteOwnObjects', ACCESS_RIGHTS[level], objects)] : [];
    }),
    new EnvironmentKeyReference(kmsKeyArn).grantEncryptDecrypt('UseEnvironmentKey'),
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
  return naming.arn('autoscaling', `autoScalingGroup:*:autoScalingGroupName/${groupName}`);
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
