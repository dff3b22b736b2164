/**
 * `<env>-data`: the stateful half of an environment: the key, the buckets and their policies,
 * the message channels (SNS topics, SQS queues with DLQs, the stand-in Kinesis stream) and the
 * idempotency table. With protection.deletionProtection it outlives `destroy`.
 *
 * It ends where the Lambdas begin: every queue here is consumed by a Lambda of `<env>-compute`,
 * which finds it by the name the naming module gives both stacks.
 */
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { TerraformOutput } from 'cdktf';
import type { Construct } from 'constructs';
import { KIND_TRAITS } from '../config-generator/kinds';
import { SHARED_BUCKETS, type EnvironmentConfig, type SharedBucket } from '../config-generator/schema';
import { AccessLogBucket } from '../modules/storage/access-log-bucket';
import { BucketNotifications } from '../modules/storage/bucket-notifications';
import { CnmStandInStream } from '../modules/messaging/cnm-stand-in-stream';
import { EncryptedTopic } from '../modules/messaging/encrypted-topic';
import { EnvironmentKey } from '../modules/iam/environment-key';
import { IdempotencyTable } from '../modules/messaging/idempotency-table';
import { FailureQueue, MessageQueue } from '../modules/messaging/message-queue';
import { PREFIXES, type Channel } from '../modules/naming';
import { grantKeyToPartners, grantToPartners } from '../modules/storage/partner-grants';
import { SecureBucket } from '../modules/storage/secure-bucket';
import { grantKeyToConsumers, grantsOnOwner, grantToConsumers } from '../modules/storage/storage-grants';
import { supportsConditionalBucketPolicies, type AwsTarget } from './aws-target';
import { EnvironmentStack } from './environment-stack';

export interface DataStackProps {
  /** Every environment (this one included): the owner's policies grant what the others declared. */
  readonly peers: readonly EnvironmentConfig[];
  readonly target?: AwsTarget;
}

/** Days S3 server access logs are kept: a year where operations may need to trace a deletion. */
export const ACCESS_LOG_DAYS = { opsLike: 365, other: 90 } as const;

/** Days before triage (failed-job) data expires. */
export const TRIAGE_EXPIRY_DAYS = 30;

/** Prefixes each bucket starts with, so HySDS and the partners find them. */
const BUCKET_PREFIXES: Record<SharedBucket, readonly string[]> = {
  dataset: [],
  archive: [PREFIXES.outgoing],
  messages: [PREFIXES.cnmS, PREFIXES.cnmR],
  triage: [],
  code: [],
};

export class DataStack extends EnvironmentStack {
  readonly key: EnvironmentKey;
  readonly buckets: Record<SharedBucket, SecureBucket>;
  /** Where every bucket's S3 server access logs go. */
  readonly accessLogs: AccessLogBucket;
  readonly topics: Partial<Record<Channel, EncryptedTopic>> = {};
  readonly queues: Partial<Record<Channel, MessageQueue>> = {};
  readonly stream?: CnmStandInStream;
  readonly idempotency: IdempotencyTable;
  /** Where scheduled Lambda runs that failed every retry land; only where one is scheduled (CNES). */
  readonly failedInvocations?: FailureQueue;

  constructor(scope: Construct, config: EnvironmentConfig, props: DataStackProps) {
    super(scope, config, 'data', props.target);
    const naming = this.naming;
    const { daac, cnes } = config.cnm;
    const protectData = config.protection.deletionProtection;
    const grants = grantsOnOwner(config, props.peers);

    // ---- Key ------------------------------------------------------------------------------
    this.key = new EnvironmentKey(this, 'environment-key', {
      naming,
      preventDestroy: protectData,
      services: ['s3.amazonaws.com', 'sns.amazonaws.com', 'cloudwatch.amazonaws.com'],
      logs: true,
      // <env>-compute's worker fleets and Batch encrypt their volumes with this key.
      launchingServices: true,
    });
    // Other environments' use of the key through S3 (storage.sharedFrom), then the archive partners'.
    grantKeyToConsumers(grants, this.key);
    grantKeyToPartners(config, naming, this.key);
    const kmsKeyArn = this.key.arn;

    // ---- Buckets --------------------------------------------------------------------------
    const temporary = KIND_TRAITS[config.environment.kind].temporary;
    const conditionalPolicies = supportsConditionalBucketPolicies(props.target ?? {});
    this.accessLogs = new AccessLogBucket(this, 'access-logs', {
      bucketName: naming.accessLogBucket(),
      accountId: config.aws.accountId,
      partition: naming.partition,
      sourceBucketArns: SHARED_BUCKETS.map((purpose) => naming.bucketArn(purpose)),
      protectData,
      retentionDays: KIND_TRAITS[config.environment.kind].opsLike ? ACCESS_LOG_DAYS.opsLike : ACCESS_LOG_DAYS.other,
      denyInsecureTransport: conditionalPolicies,
    });
    const bucket = (purpose: SharedBucket) =>
      new SecureBucket(this, `bucket-${purpose}`, {
        bucketName: naming.bucket(purpose),
        partition: naming.partition,
        kmsKeyArn,
        protectData,
        prefixes: purpose === 'dataset' ? [config.stagingArea.prefix] : BUCKET_PREFIXES[purpose],
        expireAfterDays: purpose === 'triage' ? TRIAGE_EXPIRY_DAYS : undefined,
        // A temporary environment's data goes with it.
        expireOn: temporary ? config.protection.lifetime?.expiresOn : undefined,
        denyInsecureTransport: conditionalPolicies,
        denyOtherKeys: conditionalPolicies,
        accessLogs: { targetBucket: this.accessLogs.id, prefix: `${purpose}/`, dependsOn: [this.accessLogs.policy] },
      });
    this.buckets = {
      dataset: bucket('dataset'),
      archive: bucket('archive'),
      messages: bucket('messages'),
      triage: bucket('triage'),
      code: bucket('code'),
    };
    // Other environments' grants (storage.sharedFrom), then the archive partners'.
    grantToConsumers(grants, this.buckets);
    grantToPartners(config, naming, this.buckets);

    // ---- Channels -------------------------------------------------------------------------
    const notifications = new BucketNotifications(this, 'notifications');
    const alerts = this.topic('alerts', { servicePublishers: [{ service: 'cloudwatch.amazonaws.com' }] });
    // Who hears about it; nobody is a warning of check rule PCM-ALR-1, not an error.
    (config.alerts?.emails ?? []).forEach((email, i) => {
      new SnsTopicSubscription(this, `alerts-email-${i}`, { topicArn: alerts.arn, protocol: 'email', endpoint: email });
    });
    const queue = (channel: Channel, topicArns: string[]) => {
      this.queues[channel] = new MessageQueue(this, `queue-${channel}`, {
        queue: naming.queueIdentity(naming.queue(channel)),
        deadLetterQueue: naming.queueIdentity(naming.deadLetterQueue(channel)),
        kmsKeyArn,
        topicArns,
        alarmTopicArn: alerts.arn,
      });
    };

    // The staging area: a signal file dropped under the prefix becomes a HySDS job.
    const staging = this.topic('staging', { servicePublishers: [{ service: 's3.amazonaws.com', sourceArn: this.buckets.dataset.arn }] });
    queue('staging', [staging.arn]);
    notifications.add(this.buckets.dataset, {
      topicArn: staging.arn,
      prefix: config.stagingArea.prefix,
      suffix: config.stagingArea.suffix,
      dependsOn: [staging.policy],
    });

    // New archives under outgoing/: each becomes a CNM-S to the DAAC (CNES is batched on a schedule).
    if (daac) {
      const archiveEvents = this.topic('archive-events', { servicePublishers: [{ service: 's3.amazonaws.com', sourceArn: this.buckets.archive.arn }] });
      queue('cnm-s-outbox', [archiveEvents.arn]);
      notifications.add(this.buckets.archive, { topicArn: archiveEvents.arn, prefix: PREFIXES.outgoing, dependsOn: [archiveEvents.policy] });
      if (daac.cnmS.stream === 'stand-in') {
        this.stream = new CnmStandInStream(this, 'cnm-s-stream', { streamName: naming.cnmStream(), kmsKeyArn, readerAccountId: daac.accountId, partition: naming.partition });
      }
    }

    // CNM-R: the DAAC publishes to the topic, CNES writes files under cnm-r/; one queue, one consumer.
    if (daac || cnes) {
      const responses = this.topic('cnm-r', {
        servicePublishers: cnes ? [{ service: 's3.amazonaws.com', sourceArn: this.buckets.messages.arn }] : [],
        externalPublishers: daac?.publisherPrincipals,
      });
      queue('cnm-r', [responses.arn]);
      if (cnes) notifications.add(this.buckets.messages, { topicArn: responses.arn, prefix: PREFIXES.cnmR, dependsOn: [responses.policy] });
    }

    notifications.create();

    // Scheduled Lambda runs (the CNES batcher) that failed every retry land here. Without a
    // schedule nothing would ever land in it (check rule PCM-SQS-2 found the idle queues).
    if (cnes) {
      this.failedInvocations = new FailureQueue(this, 'failed-invocations', {
        queue: naming.queueIdentity(naming.queue('failed-invocations')),
        kmsKeyArn,
        source: 'a scheduled Lambda run',
        alarmTopicArn: alerts.arn,
      });
    }

    this.idempotency = new IdempotencyTable(this, 'idempotency', { tableName: naming.idempotencyTable(), kmsKeyArn, protectData });

    // ---- Outputs --------------------------------------------------------------------------
    new TerraformOutput(this, 'kms_key_arn', {
      value: kmsKeyArn,
      description: "ARN of the environment's KMS key (arn:<partition>:kms:<region>:<account>:key/<id>).",
    });
    new TerraformOutput(this, 'buckets', {
      value: Object.fromEntries(Object.entries(this.buckets).map(([purpose, b]) => [purpose, b.name])),
      description: 'Bucket name by purpose (dataset, archive, messages, triage, code).',
    });
    new TerraformOutput(this, 'queues', {
      value: Object.fromEntries(Object.entries(this.queues).map(([channel, q]) => [channel, q.queue.url])),
      description: 'SQS queue URL by channel (staging, cnm-s-outbox, cnm-r); absent channels are not configured.',
    });
    new TerraformOutput(this, 'cnm_r_topic_arn', {
      value: this.topics['cnm-r']?.arn ?? '',
      description: 'SNS topic the DAAC publishes CNM-R responses to; empty when no DAAC or CNES is configured.',
    });
    new TerraformOutput(this, 'cnm_s_stream_arn', {
      value: this.stream?.arn ?? (daac?.cnmS.stream === 'external' ? daac.cnmS.streamArn : ''),
      description: 'Kinesis stream CNM-S messages go to (the stand-in or the DAAC-owned one); empty without a DAAC.',
    });
  }

  private topic(channel: Channel, props: Pick<ConstructorParameters<typeof EncryptedTopic>[2], 'servicePublishers' | 'externalPublishers'>): EncryptedTopic {
    const topic = new EncryptedTopic(this, `topic-${channel}`, {
      topicName: this.naming.topic(channel),
      accountId: this.config.aws.accountId,
      partition: this.naming.partition,
      kmsKeyArn: this.key.arn,
      ...props,
    });
    this.topics[channel] = topic;
    return topic;
  }
}
