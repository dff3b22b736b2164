/**
 * The environment's S3 server access log bucket: every other bucket logs its requests here
 * (who read, wrote or deleted what, partners included). S3 delivers the logs as the
 * logging.s3.amazonaws.com service, which cannot write with a customer-managed KMS key, so this
 * bucket alone uses S3-managed encryption; it holds request records, not science data.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLifecycleConfiguration } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { Construct } from 'constructs';
import { denyInsecureTransport, policyJson, type PolicyStatement } from '../iam/policy';

export interface AccessLogBucketProps {
  readonly bucketName: string;
  readonly accountId: string;
  /** The ARN partition (Naming.partition). */
  readonly partition: string;
  /** ARNs of the buckets that log here (the service may write for these only). */
  readonly sourceBucketArns: readonly string[];
  /** Versioned and kept through destroy, like the data it describes. */
  readonly protectData: boolean;
  /** Days logs are kept. */
  readonly retentionDays: number;
  /** Deny requests without TLS. Off only for the emulator. @default true */
  readonly denyInsecureTransport?: boolean;
}

export class AccessLogBucket extends Construct {
  readonly bucket: S3Bucket;
  /** The bucket's name, for aws_s3_bucket_logging.target_bucket (a reference: orders the logging after it). */
  readonly id: string;
  readonly arn: string;
  readonly statements: readonly PolicyStatement[];
  /** The policy letting S3 deliver; logging configurations must wait for it. */
  readonly policy: S3BucketPolicy;

  constructor(scope: Construct, id: string, props: AccessLogBucketProps) {
    super(scope, id);
    this.bucket = new S3Bucket(this, 'bucket', { bucket: props.bucketName, forceDestroy: !props.protectData, lifecycle: { preventDestroy: props.protectData } });
    const bucket = this.bucket.id;
    this.id = bucket;
    this.arn = `arn:${props.partition}:s3:::${props.bucketName}`;
    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', { bucket, rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'AES256' } }] });
    const publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', { bucket, blockPublicAcls: true, blockPublicPolicy: true, ignorePublicAcls: true, restrictPublicBuckets: true });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    if (props.protectData) new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    new S3BucketLifecycleConfiguration(this, 'lifecycle', {
      bucket,
      rule: [{ id: 'expire-logs', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: props.retentionDays }], noncurrentVersionExpiration: [{ noncurrentDays: 1 }] }],
    });
    this.statements = [
      ...((props.denyInsecureTransport ?? true) ? [denyInsecureTransport('s3:*', [this.arn, `${this.arn}/*`])] : []),
      {
        Sid: 'S3DeliversAccessLogs',
        Effect: 'Allow',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Action: 's3:PutObject',
        Resource: `${this.arn}/*`,
        // For this account's own buckets only (no confused deputy).
        Condition: { StringEquals: { 'aws:SourceAccount': props.accountId }, ArnLike: { 'aws:SourceArn': [...props.sourceBucketArns] } },
      },
    ];
    this.policy = new S3BucketPolicy(this, 'policy', { bucket, policy: policyJson(this.statements), dependsOn: [publicAccess] });
  }
}
