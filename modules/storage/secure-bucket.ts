/**
 * One S3 bucket with the kit's controls applied after the caller's props, so they cannot be
 * turned off by accident: SSE-KMS with a bucket key, all four public-access blocks, bucket-owner
 * -enforced ownership (no ACLs), a deny on non-TLS access, versioning and deletion protection when
 * the data is protected, and lifecycle rules.
 */
import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';
import { S3BucketLoggingA } from '@cdktf/provider-aws/lib/s3-bucket-logging';
import { S3BucketLifecycleConfiguration, type S3BucketLifecycleConfigurationRule } from '@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration';
import { S3BucketOwnershipControls } from '@cdktf/provider-aws/lib/s3-bucket-ownership-controls';
import { S3BucketPolicy } from '@cdktf/provider-aws/lib/s3-bucket-policy';
import { S3BucketPublicAccessBlock } from '@cdktf/provider-aws/lib/s3-bucket-public-access-block';
import { S3BucketServerSideEncryptionConfigurationA } from '@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration';
import { S3BucketVersioningA } from '@cdktf/provider-aws/lib/s3-bucket-versioning';
import { S3Object } from '@cdktf/provider-aws/lib/s3-object';
import { Lazy, type ITerraformDependable } from 'cdktf';
import { Construct } from 'constructs';
import { denyInsecureTransport, policyJson, type PolicyStatement } from '../iam/policy';
import { BucketReference, type Access, type AccountGrantee, type ObjectRight, type Prefixes } from './bucket-access';

export interface SecureBucketProps {
  /** The bucket name (from the naming module). */
  readonly bucketName: string;
  /** The ARN partition (Naming.partition). */
  readonly partition: string;
  /** The KMS key every object is encrypted with. */
  readonly kmsKeyArn: string;
  /**
   * Protected data: versioning on, `prevent_destroy`, and no `force_destroy`.
   * Unprotected buckets are emptied on destroy (dev and adt clusters come and go).
   */
  readonly protectData: boolean;
  /** "Folders" created as empty objects so operators and HySDS see them from the start. @default none */
  readonly prefixes?: readonly string[];
  /** Objects expire this many days after creation. @default never */
  readonly expireAfterDays?: number;
  /** Every object expires on this date (YYYY-MM-DD), e.g. a temporary environment's end. @default never */
  readonly expireOn?: string;
  /** Resource-policy statements to add (grants to services); other accounts get theirs through `grant*`. @default none */
  readonly statements?: readonly PolicyStatement[];
  /**
   * Deny requests not made over TLS. Off only for the emulator (see aws-target.ts).
   * @default true
   */
  readonly denyInsecureTransport?: boolean;
  /**
   * Deny a PutObject that names another KMS key than kmsKeyArn (a partner's key, which this
   * environment could not decrypt). A request that names none gets the bucket's default.
   * Off only for the emulator, whose buckets refuse every conditional statement.
   * @default true
   */
  readonly denyOtherKeys?: boolean;
  /**
   * Where S3 writes this bucket's server access logs: the environment's log bucket and a
   * prefix of its own there. @default no access logs (only for the log bucket itself)
   */
  readonly accessLogs?: {
    readonly targetBucket: string;
    readonly prefix: string;
    /** What must exist first: the target's policy letting S3 deliver (PutBucketLogging checks it). */
    readonly dependsOn?: readonly ITerraformDependable[];
  };
}

/** Days before superseded versions and unfinished uploads are cleaned up. */
const NONCURRENT_VERSION_DAYS = 30;
const INCOMPLETE_UPLOAD_DAYS = 7;

export class SecureBucket extends Construct {
  // Not exposed: others get behaviour (grant*, addToResourcePolicy) and typed attributes, not the raw resource.
  private readonly bucket: S3Bucket;
  readonly name: string;
  readonly arn: string;
  /** The Terraform id (the name, known only once the bucket exists: use it to order after it). */
  readonly id: string;
  /** The bucket by its ARN: the statements its grants are made of. */
  readonly reference: BucketReference;
  private readonly policyStatements: PolicyStatement[];
  private policy?: S3BucketPolicy;
  private readonly publicAccess: S3BucketPublicAccessBlock;

  constructor(scope: Construct, id: string, props: SecureBucketProps) {
    super(scope, id);
    this.name = props.bucketName;
    this.arn = `arn:${props.partition}:s3:::${props.bucketName}`;
    this.reference = new BucketReference(this.arn);

    this.bucket = new S3Bucket(this, 'bucket', {
      bucket: props.bucketName,
      forceDestroy: !props.protectData,
      lifecycle: { preventDestroy: props.protectData },
    });
    const bucket = this.bucket.id;
    this.id = bucket;

    new S3BucketServerSideEncryptionConfigurationA(this, 'encryption', {
      bucket,
      rule: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms', kmsMasterKeyId: props.kmsKeyArn }, bucketKeyEnabled: true }],
    });
    this.publicAccess = new S3BucketPublicAccessBlock(this, 'public-access', {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, 'ownership', { bucket, rule: { objectOwnership: 'BucketOwnerEnforced' } });
    if (props.protectData) {
      new S3BucketVersioningA(this, 'versioning', { bucket, versioningConfiguration: { status: 'Enabled' } });
    }
    new S3BucketLifecycleConfiguration(this, 'lifecycle', { bucket, rule: lifecycleRules(props) });
    if (props.accessLogs) {
      new S3BucketLoggingA(this, 'access-logs', {
        bucket,
        targetBucket: props.accessLogs.targetBucket,
        targetPrefix: props.accessLogs.prefix,
        dependsOn: [...(props.accessLogs.dependsOn ?? [])],
      });
    }

    for (const prefix of props.prefixes ?? []) {
      new S3Object(this, `prefix-${prefix.replace(/\W+/g, '-')}`, { bucket, key: prefix, content: '' });
    }

    const otherKeys: PolicyStatement = {
      Sid: 'DenyOtherKmsKeys',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:PutObject',
      Resource: `${this.arn}/*`,
      // Null false: only when the header is there; without it S3 uses the default key.
      Condition: {
        Null: { 's3:x-amz-server-side-encryption-aws-kms-key-id': 'false' },
        StringNotEquals: { 's3:x-amz-server-side-encryption-aws-kms-key-id': props.kmsKeyArn },
      },
    };
    this.policyStatements = [
      ...((props.denyInsecureTransport ?? true) ? [denyInsecureTransport('s3:*', [this.arn, `${this.arn}/*`])] : []),
      ...((props.denyOtherKeys ?? true) ? [otherKeys] : []),
    ];
    this.addToResourcePolicy(...(props.statements ?? []));
  }

  /** The bucket policy's statements, the TLS deny first, then the grants in the order made. */
  get statements(): readonly PolicyStatement[] {
    return this.policyStatements;
  }

  /** Adds statements to the bucket policy (a deny, or a grant to a service). */
  addToResourcePolicy(...statements: readonly PolicyStatement[]): void {
    this.policyStatements.push(...statements);
    // AWS refuses a policy without statements, which only the emulator's buckets can have:
    // the policy exists from the first statement on. The public-access block comes first: a
    // policy naming other accounts must not race it.
    if (!this.policy && this.policyStatements.length > 0) {
      this.policy = new S3BucketPolicy(this, 'policy', {
        bucket: this.id,
        policy: Lazy.stringValue({ produce: () => policyJson(this.policyStatements) }),
        dependsOn: [this.publicAccess],
      });
    }
  }

  /** Lets another account list the bucket, under `prefixes` only when given. */
  grantList(sid: string, grantee: AccountGrantee, prefixes?: readonly string[]): PolicyStatement {
    return this.added(this.reference.grantList(sid, prefixes, grantee));
  }

  /** Lets another account read objects under `prefixes`. */
  grantRead(sid: string, grantee: AccountGrantee, prefixes: Prefixes): PolicyStatement {
    return this.added(this.reference.grantRead(sid, prefixes, grantee));
  }

  /** Lets another account write objects under `prefixes` (nothing else). */
  grantPut(sid: string, grantee: AccountGrantee, prefixes: Prefixes): PolicyStatement {
    return this.added(this.reference.grantPut(sid, prefixes, grantee));
  }

  /** Gives another account an access level's object actions under `prefixes`. */
  grantAccess(sid: string, grantee: AccountGrantee, access: Access, prefixes: Prefixes): PolicyStatement {
    return this.added(this.reference.grantAccess(sid, access, prefixes, grantee));
  }

  /** Gives another account exactly these rights under `prefixes`. */
  grantObjects(sid: string, grantee: AccountGrantee, rights: ObjectRight | readonly ObjectRight[], prefixes: Prefixes): PolicyStatement {
    return this.added(this.reference.grantObjects(sid, rights, prefixes, grantee));
  }

  private added(statement: PolicyStatement): PolicyStatement {
    this.addToResourcePolicy(statement);
    return statement;
  }
}

function lifecycleRules(props: SecureBucketProps): S3BucketLifecycleConfigurationRule[] {
  const rules: S3BucketLifecycleConfigurationRule[] = [
    { id: 'abort-incomplete-uploads', status: 'Enabled', filter: [{ prefix: '' }], abortIncompleteMultipartUpload: [{ daysAfterInitiation: INCOMPLETE_UPLOAD_DAYS }] },
  ];
  if (props.protectData) {
    rules.push({ id: 'expire-noncurrent-versions', status: 'Enabled', filter: [{ prefix: '' }], noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_VERSION_DAYS }] });
  }
  if (props.expireAfterDays !== undefined) {
    rules.push({ id: 'expire-objects', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ days: props.expireAfterDays }] });
  }
  if (props.expireOn !== undefined) {
    rules.push({ id: 'expire-with-environment', status: 'Enabled', filter: [{ prefix: '' }], expiration: [{ date: `${props.expireOn}T00:00:00Z` }] });
  }
  return rules;
}
