/**
 * IAM policy documents as types, so that a statement without an effect or with a misspelt
 * field does not compile. Every policy the kit writes (bucket, key, topic, queue, stream, role)
 * goes through here.
 */

export type Principal = '*' | { readonly AWS?: string | readonly string[]; readonly Service?: string | readonly string[] };

/** `{ StringEquals: { 'aws:SourceArn': '...' } }` */
export type Conditions = Readonly<Record<string, Readonly<Record<string, string | boolean | readonly string[]>>>>;

export interface PolicyStatement {
  /** A readable id; tests and reviewers find a grant by it. */
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  /** Resource policies only. */
  readonly Principal?: Principal;
  readonly Action: string | readonly string[];
  readonly Resource: string | readonly string[];
  readonly Condition?: Conditions;
}

export interface PolicyDocument {
  readonly Version: '2012-10-17';
  readonly Statement: readonly PolicyStatement[];
}

export function policyDocument(statements: readonly PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The JSON text an AWS resource's `policy` argument takes. */
export function policyJson(statements: readonly PolicyStatement[]): string {
  return JSON.stringify(policyDocument(statements));
}

/**
 * The account root principal ARN of an account: the account, which delegates through IAM.
 * `partition`: the environment's (Naming.partition); accounts never span partitions.
 */
export function accountRoot(accountId: string, partition: string): string {
  return `arn:${partition}:iam::${accountId}:root`;
}

/** Another AWS account, granted through a resource policy (its root: the account delegates through IAM). */
export interface AccountGrantee {
  /** The 12-digit account id; never `*` (a grant to everyone is not a grant). */
  readonly accountId: string;
  /** The ARN partition (Naming.partition); accounts never span partitions. */
  readonly partition: string;
}

/** The principal of a resource-policy statement for `grantee`; refuses anything but one account. */
export function principalOf(grantee: AccountGrantee): Principal {
  if (!/^\d{12}$/.test(grantee.accountId)) {
    throw new Error(`grant: grantee.accountId must be a 12-digit AWS account id, found "${grantee.accountId}" (a grant to "*" or a malformed account would open the resource to anyone)`);
  }
  return { AWS: accountRoot(grantee.accountId, grantee.partition) };
}

/** The account id in an IAM ARN (`arn:aws:iam::123456789012:role/x` -> `123456789012`). */
export function accountOf(principalArn: string): string {
  const account = principalArn.split(':')[4];
  if (!/^\d{12}$/.test(account ?? '')) throw new Error(`expected an IAM principal ARN with a 12-digit account, found "${principalArn}"`);
  return account;
}

/**
 * Principals of another account named safely: the account (root) as Principal and the roles as
 * an `aws:PrincipalArn` condition. A Principal naming a role by ARN is refused by KMS while the
 * role does not exist, and silently stops matching when the role is re-created (AWS stores the
 * role's unique id, not its name); a condition on the ARN does neither.
 */
export function partnerPrincipals(principalArns: readonly string[]): { readonly Principal: Principal; readonly Condition: Conditions } {
  const accounts = [...new Set(principalArns.map(accountOf))];
  // The partners' own ARNs say which partition they (and so this environment) are in.
  const partition = principalArns[0]?.split(':')[1] ?? 'aws';
  const root = (account: string) => accountRoot(account, partition);
  return {
    Principal: { AWS: accounts.length === 1 ? root(accounts[0]) : accounts.map(root) },
    // A root ARN given on purpose means the whole account: any principal of it.
    Condition: { ArnLike: { 'aws:PrincipalArn': principalArns.map((arn) => (arn.endsWith(':root') ? `arn:${partition}:iam::${accountOf(arn)}:*` : arn)) } },
  };
}

/**
 * The deny of requests made without TLS, for everyone, on `resources`: `action` is the service's
 * wildcard (`s3:*`, `sqs:*`) or the one action a resource policy may name (`sns:Publish`).
 */
export function denyInsecureTransport(action: string, resources: string | readonly string[]): PolicyStatement {
  return { Sid: 'DenyInsecureTransport', Effect: 'Deny', Principal: '*', Action: action, Resource: resources, Condition: { Bool: { 'aws:SecureTransport': false } } };
}

/** `Sid`s allow only letters and digits. */
export function sid(...parts: string[]): string {
  return parts.map((p) => p.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : '')).replace(/^./, (c) => c.toUpperCase())).join('');
}

/** A statement of a role's trust policy: who may assume it (no resource: the role itself). */
export interface TrustStatement {
  readonly Effect: 'Allow';
  readonly Principal: Principal;
  readonly Action: string | readonly string[];
  readonly Condition?: Conditions;
}

export function trustPolicyJson(statements: readonly TrustStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}
