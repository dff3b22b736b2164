/**
 * The environment's customer-managed KMS key: every bucket, topic, queue and stream of the
 * environment is encrypted with it. Rotation is always on.
 */
import { KmsAlias } from '@cdktf/provider-aws/lib/kms-alias';
import { KmsKey } from '@cdktf/provider-aws/lib/kms-key';
import { Lazy } from 'cdktf';
import { Construct } from 'constructs';
import type { Naming } from '../naming';
import type { BucketAccess as Access } from '../../config-generator/schema';
import { accountRoot, policyJson, principalOf, sid, type AccountGrantee, type Conditions, type PolicyStatement } from './policy';

export interface EnvironmentKeyProps {
  readonly naming: Naming;
  /**
   * Keep the key through `terraform destroy` (ops-like data must outlive its stack).
   * @default false
   */
  readonly preventDestroy?: boolean;
  /**
   * Days a deleted key can still be recovered.
   * @default 30 when preventDestroy, else 7 (the AWS minimum)
   */
  readonly deletionWindowDays?: number;
  /** AWS services that encrypt with the key on this account's behalf (`sns.amazonaws.com`). @default none */
  readonly services?: readonly string[];
  /** Encrypt the environment's CloudWatch log groups with the key. @default false */
  readonly logs?: boolean;
  /**
   * Let the services that launch instances for this environment (Auto Scaling for the worker
   * fleets, Batch) encrypt their EBS volumes with the key.
   * @default false
   */
  readonly launchingServices?: boolean;
}

/** What a principal may do with the key: decrypt only, or also make data keys to encrypt. */
export const KEY_USE_ACTIONS = {
  decrypt: ['kms:Decrypt'],
  encryptDecrypt: ['kms:Decrypt', 'kms:GenerateDataKey'],
} as const satisfies Record<string, readonly string[]>;

/** Key actions per bucket access level, used only through S3 (bucket keys encrypt per bucket, not per prefix). */
export const KEY_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  read: KEY_USE_ACTIONS.decrypt,
  'read-write': KEY_USE_ACTIONS.encryptDecrypt,
  'read-write-delete': KEY_USE_ACTIONS.encryptDecrypt,
};

/**
 * The key's use bound to the buckets a grant is for: S3 passes the bucket's ARN as encryption
 * context (with bucket keys; the object's ARN without), so a grant for the dataset bucket cannot
 * decrypt the archive bucket's objects through another path.
 */
export function s3EncryptionContext(bucketArns: readonly string[]): Record<string, string[]> {
  return { 'kms:EncryptionContext:aws:s3:arn': bucketArns.flatMap((arn) => [arn, `${arn}/*`]) };
}

/** A key's use through S3 only, and only for these buckets (their encryption context). */
export function keyThroughS3(region: string, bucketArns: readonly string[]): Conditions {
  if (bucketArns.length === 0) throw new Error('key grant through S3: no bucket named; the key would serve every bucket of the account');
  return { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, StringLike: s3EncryptionContext(bucketArns) };
}

/**
 * The environment key known by its ARN, as `<env>-compute` knows it (through its alias, which
 * the naming module fixes): the statement a role of the environment needs to use it.
 */
export class EnvironmentKeyReference {
  constructor(readonly arn: string) {}

  /** Reading and writing what the key encrypts (objects, messages, items): decrypt and make data keys. */
  grantEncryptDecrypt(sid: string): PolicyStatement {
    return { Sid: sid, Effect: 'Allow', Action: KEY_USE_ACTIONS.encryptDecrypt, Resource: this.arn };
  }
}

export class EnvironmentKey extends Construct {
  readonly key: KmsKey;
  /** The key's ARN, for policies and encryption settings. */
  readonly arn: string;
  private readonly statements: PolicyStatement[];
  private readonly region: string;

  constructor(scope: Construct, id: string, props: EnvironmentKeyProps) {
    super(scope, id);
    const { naming } = props;
    const account = naming.identity.accountId;
    this.region = naming.identity.region;
    this.statements = [
      // The account administers its key through IAM; without this the key could become
      // unmanageable. Key policies name the key as "*" (the key itself).
      { Sid: 'AccountAdministersKeyThroughIam', Effect: 'Allow', Principal: { AWS: accountRoot(account, naming.partition) }, Action: 'kms:*', Resource: '*' },
      ...serviceStatements(account, naming.identity.region, props),
      ...(props.launchingServices ? launchingServiceStatements(account, naming.partition) : []),
      // Other accounts' grants come through grantThroughS3 and addToResourcePolicy.
    ];

    this.key = new KmsKey(this, 'key', {
      description: `pcm-deploy ${naming.venue}: data at rest`,
      enableKeyRotation: true,
      deletionWindowInDays: props.deletionWindowDays ?? (props.preventDestroy ? 30 : 7),
      // Grants are added after construction (the buckets' owners grant the key with them).
      policy: Lazy.stringValue({ produce: () => policyJson(this.statements) }),
      lifecycle: { preventDestroy: props.preventDestroy ?? false },
    });
    new KmsAlias(this, 'alias', { name: naming.kmsAlias(), targetKeyId: this.key.keyId });
    this.arn = this.key.arn;
  }

  /** Adds statements to the key policy (a partner's use through another service). */
  addToResourcePolicy(...statements: readonly PolicyStatement[]): void {
    this.statements.push(...statements);
  }

  /**
   * Lets another account use the key through S3, for these buckets only, as far as `access`
   * needs (decrypt to read, data keys to write). The bucket policies say which objects.
   */
  grantThroughS3(sid: string, grantee: AccountGrantee, access: Access, bucketArns: readonly string[]): PolicyStatement {
    const statement: PolicyStatement = { Sid: sid, Effect: 'Allow', Principal: principalOf(grantee), Action: KEY_ACTIONS[access], Resource: '*', Condition: keyThroughS3(this.region, bucketArns) };
    this.addToResourcePolicy(statement);
    return statement;
  }
}

/** Services use the key only on behalf of this account (no confused deputy). */
function serviceStatements(account: string, region: string, props: EnvironmentKeyProps): PolicyStatement[] {
  const statements: PolicyStatement[] = (props.services ?? []).map((service) => ({
    Sid: sid(service.split('.')[0], 'uses', 'key'),
    Effect: 'Allow',
    Principal: { Service: service },
    Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
    Resource: '*',
    Condition: { StringEquals: { 'aws:SourceAccount': account } },
  }));
  if (props.logs) {
    statements.push({
      Sid: 'LogsEncryptLogGroups',
      Effect: 'Allow',
      Principal: { Service: `logs.${region}.amazonaws.com` },
      Action: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      Resource: '*',
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': props.naming.arn('logs', 'log-group:*') } },
    });
  }
  return statements;
}

/**
 * The service-linked roles that launch instances with encrypted volumes: Auto Scaling (worker
 * fleets, and the groups Batch creates) and Batch itself. Without key access every launch fails
 * with Client.InternalError.
 */
export const LAUNCHING_SERVICE_ROLES = ['autoscaling.amazonaws.com/AWSServiceRoleForAutoScaling', 'batch.amazonaws.com/AWSServiceRoleForBatch'] as const;

export const serviceLinkedRoleArn = (account: string, path: string, partition: string) => `arn:${partition}:iam::${account}:role/aws-service-role/${path}`;

/**
 * Key-policy statements for the launching services' roles, matched by `aws:PrincipalArn` under
 * Principal "*" rather than named as Principal: a key policy naming a role that does not exist
 * yet is refused, and on a fresh account Auto Scaling creates its role only with the first
 * group, after this key. `kms:CallerAccount` keeps it to this account (the AWS-managed EBS
 * key's own pattern); CreateGrant only for AWS resources (the volume attachment EC2 makes).
 */
export function launchingServiceStatements(account: string, partition: string): PolicyStatement[] {
  const roles = { 'aws:PrincipalArn': LAUNCHING_SERVICE_ROLES.map((path) => serviceLinkedRoleArn(account, path, partition)) };
  return [
    {
      Sid: 'LaunchingServicesEncryptVolumes',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': account }, ArnEquals: roles },
    },
    {
      Sid: 'LaunchingServicesGrantToEc2',
      Effect: 'Allow',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { StringEquals: { 'kms:CallerAccount': account }, ArnEquals: roles, Bool: { 'kms:GrantIsForAWSResource': true } },
    },
  ];
}
