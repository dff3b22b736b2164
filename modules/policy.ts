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

/** The account root principal ARN of an account: the account, which delegates through IAM. */
export function accountRoot(accountId: string): string {
  return `arn:aws:iam::${accountId}:root`;
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
