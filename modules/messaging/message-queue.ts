/**
 * An SQS queue fed by SNS topics, with a dead-letter queue, a bounded receive count, 14 days of
 * retention on both, encryption with the environment key, and an alarm as soon as anything
 * lands in the dead-letter queue: a message there is one the pipeline could not handle.
 *
 * Each queue's policy is the queue's own `policy` attribute, not an `aws_sqs_queue_policy`: the
 * provider waits about 25 s for a queue's attributes to settle after every write, so a separate
 * policy resource put a second wait after the queue's own on the deploy's longest chain (the
 * policy names the queue by the ARN naming.ts builds, which needs no created queue).
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { Construct } from 'constructs';
import type { QueueIdentity } from '../naming';
import { denyInsecureTransport, policyJson, type PolicyStatement } from '../iam/policy';

/** The longest retention SQS allows; a weekend outage of the consumer loses nothing. */
export const RETENTION_SECONDS = 14 * 24 * 3600;

export interface MessageQueueProps {
  readonly queue: QueueIdentity;
  readonly deadLetterQueue: QueueIdentity;
  readonly kmsKeyArn: string;
  /** Topics whose messages this queue receives (raw delivery: the body is the message itself). */
  readonly topicArns: readonly string[];
  /**
   * How long a received message stays invisible; AWS advises six times the consuming Lambda's
   * timeout, so a batch that times out is not handed to another invocation mid-flight.
   * @default 360
   */
  readonly visibilityTimeoutSeconds?: number;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** Topic the dead-letter alarm notifies. */
  readonly alarmTopicArn: string;
}

export interface FailureQueueProps {
  readonly queue: QueueIdentity;
  readonly kmsKeyArn: string;
  /** What put messages there, for the alarm's text. */
  readonly source: string;
  readonly alarmTopicArn: string;
}

/** A queue of messages that failed (a DLQ), with an alarm as soon as one arrives. */
export class FailureQueue extends Construct {
  readonly queue: SqsQueue;
  readonly alarm: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: FailureQueueProps) {
    super(scope, id);
    const { name, arn } = props.queue;
    this.queue = new SqsQueue(this, 'queue', {
      name,
      messageRetentionSeconds: RETENTION_SECONDS,
      kmsMasterKeyId: props.kmsKeyArn,
      policy: policyJson([denyInsecureTransport('sqs:*', arn)]),
    });
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: `${name}-not-empty`,
      alarmDescription: `Messages in ${name}: ${props.source} could not process them. Inspect, fix, then redrive.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: name },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
  }
}

export class MessageQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  /** The queue policy's statements. */
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: MessageQueueProps) {
    super(scope, id);
    const { name, arn } = props.queue;
    this.deadLetterQueue = new FailureQueue(this, 'dead-letter', {
      queue: props.deadLetterQueue,
      kmsKeyArn: props.kmsKeyArn,
      source: name,
      alarmTopicArn: props.alarmTopicArn,
    }).queue;
    this.statements = [
      // Nothing reads or writes the queue in clear (check PCM-MSG-1).
      denyInsecureTransport('sqs:*', arn),
      ...(props.topicArns.length
        ? ([
            {
              Sid: 'TopicsDeliver',
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: arn,
              Condition: { ArnEquals: { 'aws:SourceArn': props.topicArns } },
            },
          ] satisfies PolicyStatement[])
        : []),
    ];
    this.queue = new SqsQueue(this, 'queue', {
      name,
      messageRetentionSeconds: RETENTION_SECONDS,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 360,
      kmsMasterKeyId: props.kmsKeyArn,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount ?? 5,
      }),
      policy: policyJson(this.statements),
    });
    props.topicArns.forEach((topicArn, i) => {
      new SnsTopicSubscription(this, `subscription-${i}`, {
        topicArn,
        protocol: 'sqs',
        endpoint: this.queue.arn,
        rawMessageDelivery: true,
      });
    });
  }
}
