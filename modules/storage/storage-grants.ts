/**
 * Cross-account sharing of an owner environment's buckets, computed from every environment file.
 *
 * Both sides are derived from the same grant list: the owner's bucket and key policies name
 * exactly the consumer accounts, prefixes and actions declared under `storage.sharedFrom`, and
 * each consumer's roles get the matching IAM statements. Access needs both sides, so neither can
 * drift from the other.
 */
import type { EnvironmentConfig, SharedBucket } from '../../config-generator/schema';
import { Naming } from '../naming';
import { accountRoot, sid, type PolicyStatement } from '../iam/policy';

export type Access = 'read' | 'read-write' | 'read-write-delete';

/** One consumer's access to one of the owner's buckets. */
export interface StorageGrant {
  /** The consumer environment's name and account. */
  readonly consumer: string;
  readonly consumerAccountId: string;
  /** The owner environment (an ops-like one). */
  readonly owner: Naming;
  readonly bucket: SharedBucket;
  readonly prefixes: readonly string[];
  readonly access: Access;
}

/**
 * Object actions per access level; each includes the one before. Deleting is a level of its own:
 * a consumer that only writes products must not be able to remove OPS's products or archives.
 */
export const OBJECT_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  read: ['s3:GetObject'],
  'read-write': ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload'],
  'read-write-delete': ['s3:GetObject', 's3:PutObject', 's3:AbortMultipartUpload', 's3:DeleteObject'],
};

/** Key actions per access level, used only through S3 (bucket keys encrypt per bucket, not per prefix). */
export const KEY_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  read: ['kms:Decrypt'],
  'read-write': ['kms:Decrypt', 'kms:GenerateDataKey'],
  'read-write-delete': ['kms:Decrypt', 'kms:GenerateDataKey'],
};

/** Whether `access` can write (and so needs data keys). */
const writes = (access: Access) => access !== 'read';

function grantsOf(consumer: EnvironmentConfig, owner: EnvironmentConfig): StorageGrant[] {
  return (consumer.storage.sharedFrom?.grants ?? []).map((g) => ({
    consumer: consumer.environment.name,
    consumerAccountId: consumer.aws.accountId,
    owner: Naming.of(owner),
    bucket: g.bucket,
    prefixes: g.prefixes,
    access: g.access,
  }));
}

/** What other environments were granted on `owner`'s buckets, in file order. */
export function grantsOnOwner(owner: EnvironmentConfig, peers: readonly EnvironmentConfig[]): StorageGrant[] {
  return peers
    .filter((p) => p.storage.sharedFrom?.environment === owner.environment.name && p.environment.name !== owner.environment.name)
    .flatMap((consumer) => grantsOf(consumer, owner));
}

/** What `consumer` was granted on its owner's buckets (none when it shares nothing). */
export function grantsToConsumer(consumer: EnvironmentConfig, peers: readonly EnvironmentConfig[]): StorageGrant[] {
  const ownerName = consumer.storage.sharedFrom?.environment;
  const owner = peers.find((p) => p.environment.name === ownerName);
  // The loader already refused a sharedFrom naming no environment; nothing to grant without one.
  return owner ? grantsOf(consumer, owner) : [];
}

const objectArns = (g: StorageGrant) => g.prefixes.map((prefix) => `${g.owner.bucketArn(g.bucket)}/${prefix}*`);
const listCondition = (g: StorageGrant) => ({ StringLike: { 's3:prefix': g.prefixes.map((prefix) => `${prefix}*`) } });

/** The owner's bucket policy statements for the grants on `bucket`. */
export function bucketPolicyStatements(grants: readonly StorageGrant[], bucket: SharedBucket): PolicyStatement[] {
  return grants
    .filter((g) => g.bucket === bucket)
    .flatMap((g) => {
      const principal = { AWS: accountRoot(g.consumerAccountId, g.owner.partition) };
      return [
        {
          Sid: sid('list', g.consumer, g.access),
          Effect: 'Allow',
          Principal: principal,
          Action: 's3:ListBucket',
          Resource: g.owner.bucketArn(g.bucket),
          Condition: listCondition(g),
        },
        { Sid: sid('objects', g.consumer, g.access), Effect: 'Allow', Principal: principal, Action: OBJECT_ACTIONS[g.access], Resource: objectArns(g) },
      ] satisfies PolicyStatement[];
    });
}

/**
 * The owner's key policy statements: each consumer account may use the key through S3 only,
 * with the widest access it holds on any bucket.
 */
export function keyPolicyStatements(grants: readonly StorageGrant[], region: string): PolicyStatement[] {
  const widest = new Map<string, { consumer: string; access: Access; buckets: Set<string>; partition: string }>();
  for (const g of grants) {
    const seen = widest.get(g.consumerAccountId) ?? { consumer: g.consumer, access: g.access, buckets: new Set<string>(), partition: g.owner.partition };
    if (writes(g.access) && !writes(seen.access)) seen.access = g.access;
    seen.buckets.add(g.owner.bucketArn(g.bucket));
    widest.set(g.consumerAccountId, seen);
  }
  return [...widest].map(([account, { consumer, access, buckets, partition }]) => ({
    Sid: sid('shared', consumer, 'through', 's3'),
    Effect: 'Allow',
    Principal: { AWS: accountRoot(account, partition) },
    Action: KEY_ACTIONS[access],
    Resource: '*',
    Condition: { StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` }, StringLike: s3EncryptionContext([...buckets]) },
  }));
}

/**
 * The key's use bound to the buckets a grant is for: S3 passes the bucket's ARN as encryption
 * context (with bucket keys; the object's ARN without), so a grant for the dataset bucket cannot
 * decrypt the archive bucket's objects through another path.
 */
export function s3EncryptionContext(bucketArns: readonly string[]): Record<string, string[]> {
  return { 'kms:EncryptionContext:aws:s3:arn': bucketArns.flatMap((arn) => [arn, `${arn}/*`]) };
}

/**
 * The consumer's IAM statements for its own roles. The owner's key id is not derivable from
 * config, so the key is matched by its alias (kms:ResourceAliases), which the naming module fixes.
 */
export function consumerStatements(grants: readonly StorageGrant[]): PolicyStatement[] {
  if (grants.length === 0) return [];
  const owner = grants[0].owner;
  const { accountId, region } = owner.identity;
  const anyWrite = grants.some((g) => writes(g.access));
  return [
    ...grants.flatMap((g) => [
      { Sid: sid('shared', g.bucket, 'list'), Effect: 'Allow', Action: 's3:ListBucket', Resource: g.owner.bucketArn(g.bucket), Condition: listCondition(g) },
      { Sid: sid('shared', g.bucket, g.access), Effect: 'Allow', Action: OBJECT_ACTIONS[g.access], Resource: objectArns(g) },
    ] satisfies PolicyStatement[]),
    {
      Sid: 'SharedDataKey',
      Effect: 'Allow',
      Action: KEY_ACTIONS[anyWrite ? 'read-write' : 'read'],
      Resource: `arn:${owner.partition}:kms:${region}:${accountId}:key/*`,
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [owner.kmsAlias()] },
        StringEquals: { 'kms:ViaService': `s3.${region}.amazonaws.com` },
        StringLike: s3EncryptionContext([...new Set(grants.map((g) => g.owner.bucketArn(g.bucket)))]),
      },
    },
  ];
}
