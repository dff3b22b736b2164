/**
 * Every name the kit gives to infrastructure, derived from configuration alone.
 *
 * Stacks share nothing through remote state: when one stack (or another account's environment)
 * needs a name from another, both derive it here. Names are a contract: changing a rule here
 * replaces real infrastructure, so treat any change as breaking.
 */
import { createHash } from 'node:crypto';
import type { EnvironmentConfig, SharedBucket } from '../config-generator/schema';

/** The buckets every environment has (the shared ones are a subset). */
export type BucketPurpose = SharedBucket;

/**
 * The message channels of the data stack, which the compute stack's Lambdas consume:
 * staging-area events, new archives for the DAAC, CNM-R responses, the alerts topic, and the
 * queue of scheduled Lambda runs that failed every retry.
 */
export const CHANNELS = ['staging', 'archive-events', 'cnm-s-outbox', 'cnm-r', 'alerts', 'failed-invocations'] as const;
export type Channel = (typeof CHANNELS)[number];

/**
 * The bucket key layout: the fixed prefixes of the CNM exchange (HySDS PCM conventions; partners
 * rely on them), and where the kit's Lambdas keep their records. Bucket policies, notifications,
 * the Lambdas' environment and the check rules all take them from here.
 */
export const PREFIXES = {
  staging: 'staging_area/',
  outgoing: 'outgoing/',
  cnmS: 'cnm-s/',
  cnmR: 'cnm-r/',
  /** Where the CNM-R consumer records each response; inside cnm-r/ since S3 filters take one prefix. */
  cnmRRecords: 'cnm-r/received/',
  /** The CNES batcher's ledger; CNES has no access there. */
  cnesBatcherState: 'cnes-batcher/',
} as const;

/** The two stacks of an environment; data is deployed first. */
export const STACK_LAYERS = ['data', 'compute'] as const;
export type StackLayer = (typeof STACK_LAYERS)[number];

/** AWS name length limits of the kinds of resource the kit names. */
export const NAME_LIMITS = {
  bucket: 63,
  iamRole: 64,
  lambda: 64,
  sqsQueue: 80,
  snsTopic: 256,
  kinesisStream: 128,
  autoscalingGroup: 255,
  batch: 128,
  securityGroup: 255,
  logGroup: 512,
  kmsAlias: 256,
  generic: 255,
} as const;
export type NameKind = keyof typeof NAME_LIMITS;

export class NameTooLongError extends Error {
  constructor(name: string, kind: NameKind) {
    super(`the ${kind} name "${name}" is ${name.length} characters; AWS allows ${NAME_LIMITS[kind]}`);
    this.name = 'NameTooLongError';
  }
}

/**
 * The ARN partition of a region: `aws-us-gov` in GovCloud (which the schema's regions admit),
 * `aws-cn` in China, `aws` elsewhere. Every ARN the kit writes takes it from here.
 */
export function partitionOf(region: string): string {
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  if (region.startsWith('cn-')) return 'aws-cn';
  return 'aws';
}

/** The identity a name derives from: the part of a config that names depend on. */
export interface NamingIdentity {
  readonly project: string;
  readonly environment: string;
  readonly accountId: string;
  readonly region: string;
}

/** A queue's name and the ARN it will have. */
export interface QueueIdentity {
  readonly name: string;
  readonly arn: string;
}

export class Naming {
  static of(config: EnvironmentConfig): Naming {
    return new Naming({
      project: config.project,
      environment: config.environment.name,
      accountId: config.aws.accountId,
      region: config.aws.region,
    });
  }

  constructor(readonly identity: NamingIdentity) {}

  /** The ARN partition of the environment's region. */
  get partition(): string {
    return partitionOf(this.identity.region);
  }

  /**
   * The ARN of a regional resource of this environment's account, in its partition:
   * `arn('states', 'stateMachine:x')`. (GovCloud's ARNs start `arn:aws-us-gov:`; a hard-coded
   * `arn:aws:` there matches nothing, which check rule PCM-ARN-1 reports.)
   */
  arn(service: string, resource: string): string {
    return `arn:${this.partition}:${service}:${this.identity.region}:${this.identity.accountId}:${resource}`;
  }

  /** HySDS's VENUE: the prefix of autoscaling groups, queues and metrics. */
  get venue(): string {
    return `${this.identity.project}-${this.identity.environment}`;
  }

  /** `<env>-data` / `<env>-compute`: what `cdktf deploy '<env>-*'` selects. */
  stack(layer: StackLayer): string {
    return `${this.identity.environment}-${layer}`;
  }

  /**
   * A globally unique bucket name: `<project>-<env>-<purpose>-<account>`. The account id makes
   * it unique across accounts; the schema's bounds on project and environment keep it in 63.
   */
  bucket(purpose: BucketPurpose): string {
    return this.checked(`${this.venue}-${purpose}-${this.identity.accountId}`, 'bucket');
  }

  /**
   * The bucket the environment's S3 server access logs go to, `<project>-<env>-logs-<account>`:
   * not a BucketPurpose, since it is never shared and holds no data.
   */
  accessLogBucket(): string {
    return this.checked(`${this.venue}-logs-${this.identity.accountId}`, 'bucket');
  }

  /** The per-account Terraform state bucket (shared by environments that share an account). */
  stateBucket(): string {
    return this.checked(`${this.identity.project}-tfstate-${this.identity.accountId}-${this.identity.region}`, 'bucket');
  }

  /** The state object of one stack in the state bucket. */
  stateKey(layer: StackLayer): string {
    return `${this.identity.environment}/${this.stack(layer)}.tfstate`;
  }

  /** The alias of the environment's KMS key. */
  kmsAlias(): string {
    return this.checked(`alias/${this.venue}`, 'kmsAlias');
  }

  /** The ARN of one of this environment's buckets. */
  bucketArn(purpose: BucketPurpose): string {
    return `arn:${this.partition}:s3:::${this.bucket(purpose)}`;
  }

  /** An SQS queue of the environment, `<venue>-<channel>`. */
  queue(channel: Channel): string {
    return this.resource(channel, 'sqsQueue');
  }

  /** The dead-letter queue of a channel's queue. */
  deadLetterQueue(channel: Channel): string {
    return this.resource(`${channel}-dlq`, 'sqsQueue');
  }

  queueArn(name: string): string {
    return this.arn('sqs', name);
  }

  /** A queue's name with the ARN it will have, for policies written before the queue exists. */
  queueIdentity(name: string): QueueIdentity {
    return { name, arn: this.queueArn(name) };
  }

  /** An SNS topic of the environment, `<venue>-<channel>`. */
  topic(channel: Channel): string {
    return this.resource(channel, 'snsTopic');
  }

  topicArn(channel: Channel): string {
    return this.arn('sns', this.topic(channel));
  }

  /**
   * The autoscaling group and launch template of one HySDS queue's workers, `<VENUE>-<queue>`:
   * HySDS finds the group by exactly this name, so it is never shortened (too long fails).
   */
  workerGroup(queue: string): string {
    return this.checked(`${this.venue}-${queue}`, 'autoscalingGroup');
  }

  /** The queue a worker group serves (the inverse of workerGroup), or undefined for a group not named as one. */
  queueOfWorkerGroup(group: string): string | undefined {
    const prefix = `${this.venue}-`;
    return group.startsWith(prefix) && group.length > prefix.length ? group.slice(prefix.length) : undefined;
  }

  /** An AWS Batch compute environment, job queue or job definition of the config's `batch`, by its name there. */
  batch(name: string): string {
    return this.resource(`batch-${name}`, 'batch');
  }

  /**
   * The SQS queue idle workers announce themselves on, `<VENUE>-queue` (HySDS's harikiri_sqs.py
   * looks it up by exactly this name, so it is never shortened: too long fails).
   */
  harikiriQueue(): string {
    return this.checked(`${this.venue}-queue`, 'sqsQueue');
  }

  /** The harikiri queue's dead-letter queue. */
  harikiriDeadLetterQueue(): string {
    return this.resource('queue-dlq', 'sqsQueue');
  }

  /** The stand-in CNM-S Kinesis stream. */
  cnmStream(): string {
    return this.resource('cnm-s', 'kinesisStream');
  }

  cnmStreamArn(): string {
    return this.arn('kinesis', `stream/${this.cnmStream()}`);
  }

  /** The DynamoDB table the Lambdas record processed messages in (to act once per message). */
  idempotencyTable(): string {
    return this.resource('idempotency', 'generic');
  }

  idempotencyTableArn(): string {
    return this.arn('dynamodb', `table/${this.idempotencyTable()}`);
  }

  /** The Secrets Manager secret of the cluster's service credentials (RabbitMQ, Redis, Elasticsearch). */
  credentialsSecret(): string {
    return this.resource('hysds-credentials');
  }

  /** Matches the secret's ARN, whose last six characters AWS chooses. */
  credentialsSecretArnPattern(): string {
    return this.arn('secretsmanager', `secret:${this.credentialsSecret()}-??????`);
  }

  /** The log group every provisioning run on mozart reports to. */
  provisioningLogGroup(): string {
    return this.checked(`/pcm/${this.venue}/provisioning`, 'logGroup');
  }

  provisioningLogGroupArn(): string {
    return this.arn('logs', `log-group:${this.provisioningLogGroup()}`);
  }

  /**
   * `<venue>-<purpose>` for any other resource. A name over the limit is cut and given a short
   * hash of the whole, so it stays unique and deterministic.
   */
  resource(purpose: string, kind: NameKind = 'generic'): string {
    const name = `${this.venue}-${purpose}`;
    const limit = NAME_LIMITS[kind];
    if (name.length <= limit) return name;
    const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
    return `${name.slice(0, limit - hash.length - 1)}-${hash}`;
  }

  private checked(name: string, kind: NameKind): string {
    if (name.length > NAME_LIMITS[kind]) throw new NameTooLongError(name, kind);
    return name;
  }
}
