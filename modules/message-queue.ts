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
import { policyJson, type PolicyStatement } from './policy';

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

export class MessageQueue extends Construct {
  readonly queue: SqsQueue;
  readonly deadLetterQueue: SqsQueue;
  readonly alarm: CloudwatchMetricAlarm;
  /** The queue policy's statements. */
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: MessageQueueProps) {
    super(scope, id);
    this.deadLetterQueue = new SqsQueue(this, 'dead-letter', {
      name: props.deadLetterQueueName,
      messageRetentionSeconds: RETENTION_SECONDS,
      kmsMasterKeyId: props.kmsKeyArn,
    });
    this.queue = new SqsQueue(this, 'queue', {
      name: props.queueName,
      messageRetentionSeconds: RETENTION_SECONDS,
      visibilityTimeoutSeconds: props.visibilityTimeoutSeconds ?? 360,
      kmsMasterKeyId: props.kmsKeyArn,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: this.deadLetterQueue.arn, maxReceiveCount: props.maxReceiveCount ?? 5 }),
    });

    this.statements = props.topicArns.length
      ? [
          {
            Sid: 'TopicsDeliver',
            Effect: 'Allow',
            Principal: { Service: 'sns.amazonaws.com' },
            Action: 'sqs:SendMessage',
            Resource: this.queue.arn,
            Condition: { ArnEquals: { 'aws:SourceArn': props.topicArns } },
          },
        ]
      : [];
    if (this.statements.length) new SqsQueuePolicy(this, 'policy', { queueUrl: this.queue.url, policy: policyJson(this.statements) });
    props.topicArns.forEach((topicArn, i) => {
      new SnsTopicSubscription(this, `subscription-${i}`, {
        topicArn,
        protocol: 'sqs',
        endpoint: this.queue.arn,
        rawMessageDelivery: true,
      });
    });

    this.alarm = new CloudwatchMetricAlarm(this, 'dead-letter-alarm', {
      alarmName: `${props.deadLetterQueueName}-not-empty`,
      alarmDescription: `Messages in ${props.deadLetterQueueName}: ${props.queueName} could not process them. Inspect, fix, then redrive.`,
      namespace: 'AWS/SQS',
      metricName: 'ApproximateNumberOfMessagesVisible',
      dimensions: { QueueName: props.deadLetterQueueName },
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
