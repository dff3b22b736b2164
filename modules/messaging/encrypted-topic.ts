/**
 * An SNS topic encrypted with the environment key, whose policy names exactly who may publish:
 * AWS services on behalf of one source resource of this account, and principals of other
 * accounts (the DAAC). Nothing else may publish; the account itself manages it through IAM.
 */
import { SnsTopic } from '@cdktf/provider-aws/lib/sns-topic';
import { SnsTopicPolicy } from '@cdktf/provider-aws/lib/sns-topic-policy';
import { Construct } from 'constructs';
import { accountRoot, denyInsecureTransport, partnerPrincipals, policyJson, sid, type PolicyStatement } from '../iam/policy';

/** An AWS service publishing for one resource (S3 events of a bucket, alarms of the account). */
export interface ServicePublisher {
  /** `s3.amazonaws.com`, `cloudwatch.amazonaws.com`, ... */
  readonly service: string;
  /** The resource publishing (a bucket ARN); absent: any resource of this account. */
  readonly sourceArn?: string;
}

export interface EncryptedTopicProps {
  readonly topicName: string;
  readonly accountId: string;
  /** The ARN partition (Naming.partition). */
  readonly partition: string;
  readonly kmsKeyArn: string;
  /** @default none */
  readonly servicePublishers?: readonly ServicePublisher[];
  /** IAM principal ARNs of other accounts that may publish. @default none */
  readonly externalPublishers?: readonly string[];
}

export class EncryptedTopic extends Construct {
  readonly topic: SnsTopic;
  readonly arn: string;
  /** The topic policy's statements. */
  readonly statements: readonly PolicyStatement[];
  /** The policy resource, for what must wait until publishers are allowed (bucket notifications). */
  readonly policy: SnsTopicPolicy;

  constructor(scope: Construct, id: string, props: EncryptedTopicProps) {
    super(scope, id);
    this.topic = new SnsTopic(this, 'topic', { name: props.topicName, kmsMasterKeyId: props.kmsKeyArn });
    this.arn = this.topic.arn;

    const statements: PolicyStatement[] = [
      // Partners publish over the internet: never in clear (check PCM-MSG-1).
      denyInsecureTransport('sns:Publish', this.arn),
      {
        Sid: 'AccountManagesTopic',
        Effect: 'Allow',
        Principal: { AWS: accountRoot(props.accountId, props.partition) },
        Action: ['sns:Publish', 'sns:Subscribe', 'sns:GetTopicAttributes', 'sns:SetTopicAttributes', 'sns:ListSubscriptionsByTopic'],
        Resource: this.arn,
      },
      ...(props.servicePublishers ?? []).map(
        (p): PolicyStatement => ({
          Sid: sid(p.service.split('.')[0], 'publishes'),
          Effect: 'Allow',
          Principal: { Service: p.service },
          Action: 'sns:Publish',
          Resource: this.arn,
          // Only on behalf of this account (and this resource): no confused deputy.
          Condition: {
            StringEquals: { 'aws:SourceAccount': props.accountId },
            ...(p.sourceArn ? { ArnLike: { 'aws:SourceArn': p.sourceArn } } : {}),
          },
        }),
      ),
    ];
    if (props.externalPublishers?.length) {
      // By account plus aws:PrincipalArn: a role named as Principal breaks when it is re-created.
      statements.push({ Sid: 'ExternalPublishers', Effect: 'Allow', ...partnerPrincipals(props.externalPublishers), Action: 'sns:Publish', Resource: this.arn });
    }
    this.statements = statements;
    this.policy = new SnsTopicPolicy(this, 'policy', { arn: this.arn, policy: policyJson(statements) });
  }
}
