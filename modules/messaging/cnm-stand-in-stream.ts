/**
 * The stand-in for a DAAC's CNM-S Kinesis stream (dev and I&T): the kit owns the stream,
 * encrypts it with the environment key, and lets the DAAC account read it through a stream
 * resource policy, as the DAAC's own stream would be read.
 */
import { KinesisResourcePolicy } from '@cdktf/provider-aws/lib/kinesis-resource-policy';
import { KinesisStream } from '@cdktf/provider-aws/lib/kinesis-stream';
import { Construct } from 'constructs';
import { accountRoot, policyJson, type PolicyStatement } from '../iam/policy';

export interface CnmStandInStreamProps {
  readonly streamName: string;
  readonly kmsKeyArn: string;
  /** The DAAC account that reads the stream. */
  readonly readerAccountId: string;
  /** The ARN partition (Naming.partition). */
  readonly partition: string;
  /** @default 24 (the Kinesis minimum) */
  readonly retentionHours?: number;
}

/** What a Kinesis consumer in another account needs to read a stream. */
export const STREAM_READ_ACTIONS = [
  'kinesis:DescribeStream',
  'kinesis:DescribeStreamSummary',
  'kinesis:GetRecords',
  'kinesis:GetShardIterator',
  'kinesis:ListShards',
] as const;

export class CnmStandInStream extends Construct {
  readonly stream: KinesisStream;
  readonly arn: string;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: CnmStandInStreamProps) {
    super(scope, id);
    this.stream = new KinesisStream(this, 'stream', {
      name: props.streamName,
      // One shard carries 1000 records/s; CNM-S messages come a few a minute.
      shardCount: 1,
      retentionPeriod: props.retentionHours ?? 24,
      encryptionType: 'KMS',
      kmsKeyId: props.kmsKeyArn,
    });
    this.arn = this.stream.arn;
    this.statements = [
      { Sid: 'DaacReads', Effect: 'Allow', Principal: { AWS: accountRoot(props.readerAccountId, props.partition) }, Action: [...STREAM_READ_ACTIONS], Resource: this.arn },
    ];
    new KinesisResourcePolicy(this, 'policy', { resourceArn: this.arn, policy: policyJson(this.statements) });
  }
}
