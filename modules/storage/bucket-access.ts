/**
 * Who may do what with a bucket's objects, written one way: the grants on the environments'
 * buckets, to the kit's own roles (identity policies) and to other accounts (bucket policies),
 * are statements made here, from one table of access levels.
 *
 * The data stack owns the buckets and the compute stack finds them by name (no cross-stack
 * references), so a grant has two faces: `BucketReference`, a bucket known by its name, returns
 * the statements a role of this or another environment needs; `SecureBucket` adds the same
 * statements, with the other account as principal, to its own bucket policy.
 *
 * Statements keep the form their arguments have: one prefix gives one resource, a list gives a
 * list; one action gives a string, a level gives its list. So a policy reads like what was asked.
 */
import type { BucketAccess } from '../../config-generator/schema';
import type { BucketPurpose, Naming } from '../naming';
import { principalOf, type AccountGrantee, type Conditions, type PolicyStatement } from '../iam/policy';

/** How far a grant on objects goes (`storage.sharedFrom.grants[].access` in the config). */
export type Access = BucketAccess;

/** One right on objects and its S3 action. */
const OBJECT_RIGHTS = {
  read: 's3:GetObject',
  put: 's3:PutObject',
  delete: 's3:DeleteObject',
  abortUpload: 's3:AbortMultipartUpload',
  /** Resuming a multipart upload: which parts arrived (Step Functions' result writer needs it). */
  listUploadParts: 's3:ListMultipartUploadParts',
} as const;
export type ObjectRight = keyof typeof OBJECT_RIGHTS;

/**
 * The rights of each access level; each includes the one before. Deleting is a level of its
 * own: a consumer that only writes products must not be able to remove OPS's products or
 * archives. (read-write-delete lists delete before abortUpload: the order the instance roles'
 * policies have always had, so that their synthesized JSON did not change.)
 */
export const ACCESS_RIGHTS: Readonly<Record<Access, readonly ObjectRight[]>> = {
  read: ['read'],
  'read-write': ['read', 'put', 'abortUpload'],
  'read-write-delete': ['read', 'put', 'delete', 'abortUpload'],
};

/** The S3 object actions of each access level. */
export const OBJECT_ACTIONS: Readonly<Record<Access, readonly string[]>> = {
  read: ACCESS_RIGHTS.read.map((r) => OBJECT_RIGHTS[r]),
  'read-write': ACCESS_RIGHTS['read-write'].map((r) => OBJECT_RIGHTS[r]),
  'read-write-delete': ACCESS_RIGHTS['read-write-delete'].map((r) => OBJECT_RIGHTS[r]),
};

/** Whether `access` can write (and so needs data keys). */
export const writes = (access: Access): boolean => access !== 'read';

export type { AccountGrantee } from '../iam/policy';

/** One key prefix (`''`: the whole bucket) or a list of them. */
export type Prefixes = string | readonly string[];

function checkedPrefix(bucketArn: string, prefix: string): string {
  if (/[*?]/.test(prefix) || prefix.startsWith('/')) {
    throw new Error(`bucket grant on ${bucketArn}: prefix "${prefix}" must be a plain key prefix such as "products/" (no "*" or "?", which IAM reads as wildcards, no leading "/"); the grant adds the "*" itself`);
  }
  return prefix;
}

function checkedPrefixes(bucketArn: string, prefixes: readonly string[]): readonly string[] {
  if (prefixes.length === 0) throw new Error(`bucket grant on ${bucketArn}: the prefix list is empty; name at least one prefix, or "" for the whole bucket`);
  return prefixes.map((p) => checkedPrefix(bucketArn, p));
}

/** The S3 action of one right (a string) or of several (a list), in the order given. */
export function objectActions(rights: ObjectRight | readonly ObjectRight[]): string | string[] {
  return typeof rights === 'string' ? OBJECT_RIGHTS[rights] : rights.map((r) => OBJECT_RIGHTS[r]);
}

/**
 * Objects of one or more buckets, for roles that need the same rights in several of their own
 * buckets (one statement, as IAM policies are capped in size).
 */
export function grantObjectsIn(sid: string, rights: ObjectRight | readonly ObjectRight[], objectArns: readonly string[]): PolicyStatement {
  if (objectArns.length === 0) throw new Error(`${sid}: no object ARN to grant on`);
  return { Sid: sid, Effect: 'Allow', Action: objectActions(rights), Resource: objectArns };
}

/** Listing of one or more whole buckets (the instance roles' own buckets). */
export function grantListBuckets(sid: string, bucketArns: readonly string[]): PolicyStatement {
  if (bucketArns.length === 0) throw new Error(`${sid}: no bucket to grant listing on`);
  return { Sid: sid, Effect: 'Allow', Action: 's3:ListBucket', Resource: bucketArns };
}

/**
 * A bucket known by its ARN, as `<env>-compute` and other environments know `<env>-data`'s
 * buckets (through the naming module). Each `grant*` returns one statement: for the caller's own
 * roles without `grantee`, for a bucket policy with one (the other account as principal).
 * The key is granted separately (EnvironmentKey.grantThroughS3 and the role's key statement):
 * a bucket's key belongs to its owner's account, whose key policy must agree.
 */
export class BucketReference {
  static of(naming: Naming, purpose: BucketPurpose): BucketReference {
    return new BucketReference(naming.bucketArn(purpose));
  }

  constructor(readonly arn: string) {}

  /** `<arn>/<prefix>*`: the objects under one prefix (`''`, the default: every object). */
  objectArn(prefix = ''): string {
    return `${this.arn}/${checkedPrefix(this.arn, prefix)}*`;
  }

  /** `<arn>/<prefix>*` per prefix; an empty list is refused (it would grant nothing, or be read as everything). */
  objectArns(prefixes: readonly string[]): string[] {
    return checkedPrefixes(this.arn, prefixes).map((p) => this.objectArn(p));
  }

  /** Listing the bucket, under `prefixes` only when given (an `s3:prefix` condition). */
  grantList(sid: string, prefixes?: readonly string[], grantee?: AccountGrantee): PolicyStatement {
    return this.statement(sid, 's3:ListBucket', this.arn, grantee, prefixes && { StringLike: { 's3:prefix': checkedPrefixes(this.arn, prefixes).map((p) => `${p}*`) } });
  }

  /** Reading objects under `prefixes`. */
  grantRead(sid: string, prefixes: Prefixes, grantee?: AccountGrantee): PolicyStatement {
    return this.grantObjects(sid, 'read', prefixes, grantee);
  }

  /** Writing objects under `prefixes` (no reading, no deleting, no aborting others' uploads). */
  grantPut(sid: string, prefixes: Prefixes, grantee?: AccountGrantee): PolicyStatement {
    return this.grantObjects(sid, 'put', prefixes, grantee);
  }

  /** An access level's object actions under `prefixes` (the config's `access`). */
  grantAccess(sid: string, access: Access, prefixes: Prefixes, grantee?: AccountGrantee): PolicyStatement {
    return this.grantObjects(sid, ACCESS_RIGHTS[access], prefixes, grantee);
  }

  /** Exactly these rights under `prefixes`, where no level fits (CNES reads and deletes the CNM-S it polls). */
  grantObjects(sid: string, rights: ObjectRight | readonly ObjectRight[], prefixes: Prefixes, grantee?: AccountGrantee): PolicyStatement {
    if (typeof rights !== 'string' && rights.length === 0) throw new Error(`${sid}: no right to grant on ${this.arn}`);
    // The form given (one prefix or a list) is the form the statement's Resource takes.
    const resource = typeof prefixes === 'string' ? this.objectArn(prefixes) : this.objectArns(prefixes);
    return this.statement(sid, objectActions(rights), resource, grantee);
  }

  private statement(sid: string, action: string | string[], resource: string | string[], grantee: AccountGrantee | undefined, condition?: Conditions): PolicyStatement {
    return {
      Sid: sid,
      Effect: 'Allow',
      ...(grantee ? { Principal: principalOf(grantee) } : {}),
      Action: action,
      Resource: resource,
      ...(condition ? { Condition: condition } : {}),
    };
  }
}
