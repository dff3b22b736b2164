/**
 * An SQS queue fed by SNS topics, with a dead-letter queue, a bounded receive count, 14 days of
 * retention on both, encryption with the environment key, and an alarm as soon as anything
 * lands in the dead-letter queue: a message there is one the pipeline could not handle.
 */
import { CloudwatchMetricAlarm } from '@cdktf/provider-aws/lib/cloudwatch-metric-alarm';
import { SnsTopicSubscription } from '@cdktf/provider-aws/lib/sns-topic-subscription';
import { SqsQueue } from '@cdktf/provider-aws/lib/sqs-queue';
import { SqsQueuePolicy } from '@cdktf/provider-aws/lib/sqs-queue-policy';
import { Construct } from 'constructs';
import { denyInsecureTransport, policyJson, type PolicyStatement } from './policy';

/** The longest retention SQS allows; a weekend outage of the consumer loses nothing. */
export const RETENTION_SECONDS = 14 * 24 * 3600;

export interface MessageQueueProps {
  readonly queueName: string;
  readonly deadLetterQueueName: string;
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
  readonly queueName: string;
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
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: RETENTION_SECONDS,
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.alarm = new CloudwatchMetricAlarm(this, 'alarm', {
      alarmName: `${props.queueName}-not-empty`,
      alarmDescription: `Messages in ${props.queueName}: ${props.source} could not process them. Inspect, fix, then redrive.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.queueName },
      statistic: 'Maximum',
      period: 300,
      evaluationPeriods: 1,
      threshold: 0,
      comparisonOperator: 'GreaterThanThreshold',
      treatMissingData: 'notBreaching',
      alarmActions: [props.alarmTopicArn],
      okActions: [props.alarmTopicArn],
    });
    new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
      policy: policyJson([denyInsecureTransport('sqs:*', this.queue.arn)]),
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
    this.deadLetterQueue = new FailureQueue(this, 'dead-letter', {
      queueName: props.deadLetterQueueName,
      kmsKeyArn: props.kmsKeyArn,
      source: props.queueName,
      alarmTopicArn: props.alarmTopicArn,
    }).queue;
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: RETENTION_SECONDS,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 360,
      kmsMasterKeyId: props.kmsKeyArn,
      redrivePolicy: JSON.stringify({
        deadLetterTargetArn: this.deadLetterQueue.arn,
        maxReceiveCount: props.maxReceiveCount ?? 5,
      }),
    });

    this.statements = [
      // Nothing reads or writes the queue in clear (check PCM-MSG-1).
      denyInsecureTransport('sqs:*', this.queue.arn),
      ...(props.topicArns.length
        ? ([
            {
              Sid: 'TopicsDeliver',
              Effect: 'Allow',
              Principal: { Service: 'sns.amazonaws.com' },
              Action: 'sqs:SendMessage',
              Resource: this.queue.arn,
              Condition: { ArnEquals: { 'aws:SourceArn': props.topicArns } },
            },
          ] satisfies PolicyStatement[])
        : []),
    ];
    new SqsQueuePolicy(this, 'policy', {
      queueUrl: this.queue.url,
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
