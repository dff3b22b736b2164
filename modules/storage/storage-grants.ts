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
import { KEY_ACTIONS, keyThroughS3, type EnvironmentKey } from '../iam/environment-key';
import { sid, type PolicyStatement } from '../iam/policy';
import { BucketReference, writes, type Access } from './bucket-access';
import type { SecureBucket } from './secure-bucket';

export type { Access } from './bucket-access';

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

/**
 * Adds the grants on the owner's buckets to their bucket policies: per grant, listing under its
 * prefixes and its access level's object actions there, for the consumer's account.
 */
export function grantToConsumers(grants: readonly StorageGrant[], buckets: Readonly<Record<SharedBucket, SecureBucket>>): void {
  for (const g of grants) {
    const consumer = { accountId: g.consumerAccountId, partition: g.owner.partition };
    const bucket = buckets[g.bucket];
    bucket.grantList(sid('list', g.consumer, g.access), consumer, g.prefixes);
    bucket.grantAccess(sid('objects', g.consumer, g.access), consumer, g.access, g.prefixes);
  }
}

/**
 * Adds the consumers' use of the owner's key to its key policy: each consumer account through S3
 * only, for the buckets it was granted, with the widest access it holds on any of them.
 */
export function grantKeyToConsumers(grants: readonly StorageGrant[], key: EnvironmentKey): void {
  const widest = new Map<string, { consumer: string; access: Access; buckets: Set<string>; partition: string }>();
  for (const g of grants) {
    const seen = widest.get(g.consumerAccountId) ?? { consumer: g.consumer, access: g.access, buckets: new Set<string>(), partition: g.owner.partition };
    if (writes(g.access) && !writes(seen.access)) seen.access = g.access;
    seen.buckets.add(g.owner.bucketArn(g.bucket));
    widest.set(g.consumerAccountId, seen);
  }
  for (const [accountId, { consumer, access, buckets, partition }] of widest) {
    key.grantThroughS3(sid('shared', consumer, 'through', 's3'), { accountId, partition }, access, [...buckets]);
  }
}

/**
 * The consumer's IAM statements for its own roles. The owner's key id is not derivable from
 * config, so the key is matched by its alias (kms:ResourceAliases), which the naming module fixes.
 */
export function consumerStatements(grants: readonly StorageGrant[]): PolicyStatement[] {
  if (grants.length === 0) return [];
  const owner = grants[0].owner;
  const { region } = owner.identity;
  const anyWrite = grants.some((g) => writes(g.access));
  return [
    ...grants.flatMap((g) => {
      const bucket = BucketReference.of(g.owner, g.bucket);
      return [bucket.grantList(sid('shared', g.bucket, 'list'), g.prefixes), bucket.grantAccess(sid('shared', g.bucket, g.access), g.access, g.prefixes)];
    }),
    {
      Sid: 'SharedDataKey',
      Effect: 'Allow',
      Action: KEY_ACTIONS[anyWrite ? 'read-write' : 'read'],
      Resource: owner.arn('kms', 'key/*'),
      Condition: {
        'ForAnyValue:StringEquals': { 'kms:ResourceAliases': [owner.kmsAlias()] },
        ...keyThroughS3(region, [...new Set(grants.map((g) => g.owner.bucketArn(g.bucket)))]),
      },
    },
  ];
}
