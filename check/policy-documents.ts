/**
 * Every IAM policy document in a stack, parsed, with what kind of policy it is: the rules on
 * principals, actions and resources mean different things for each kind.
 */
import { violation, type Violation } from './rule';
import { asList, type StackView, type TerraformResource } from './stack-view';

/**
 * - identity: attached to a role, user or group (Resource "*" means every resource).
 * - trust: who may assume a role.
 * - key: a KMS key policy (Resource "*" means this key).
 * - resource: any other resource policy (bucket, topic, queue, stream).
 */
export type PolicyKind = 'identity' | 'trust' | 'key' | 'resource';

export interface PolicyStatement {
  readonly Sid?: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | string[];
  readonly NotAction?: string | string[];
  readonly Resource?: string | string[];
  readonly NotResource?: string | string[];
  readonly Condition?: Record<string, unknown>;
}

export type PolicyDocument =
  | { readonly resource: TerraformResource; readonly kind: PolicyKind; readonly attribute: string; readonly statements: readonly PolicyStatement[] }
  | { readonly resource: TerraformResource; readonly kind: PolicyKind; readonly attribute: string; readonly unreadable: string };

const IDENTITY_TYPES = new Set(['aws_iam_role_policy', 'aws_iam_policy', 'aws_iam_user_policy', 'aws_iam_group_policy']);

function kindOf(type: string, attribute: string): PolicyKind {
  if (attribute === 'assume_role_policy') return 'trust';
  if (type === 'aws_kms_key') return 'key';
  if (IDENTITY_TYPES.has(type) || (type === 'aws_iam_role' && attribute === 'inline_policy')) return 'identity';
  return 'resource';
}

function parse(resource: TerraformResource, attribute: string, text: unknown): PolicyDocument {
  const kind = kindOf(resource.type, attribute);
  if (typeof text !== 'string') return { resource, kind, attribute, unreadable: 'not a JSON string' };
  try {
    const document = JSON.parse(text) as { Statement?: unknown };
    const statements = asList(document.Statement) as unknown as PolicyStatement[];
    if (statements.length === 0) return { resource, kind, attribute, unreadable: 'no Statement' };
    return { resource, kind, attribute, statements };
  } catch {
    // A Terraform expression (jsonencode(...), a data source's json): the check cannot see into it.
    return { resource, kind, attribute, unreadable: `not literal JSON (${text.slice(0, 60)})` };
  }
}

/** The policy documents of every resource in the stack: `policy`, `assume_role_policy`, inline policies. */
export function policyDocuments(stack: Pick<StackView, 'resources'>): PolicyDocument[] {
  const documents: PolicyDocument[] = [];
  for (const resource of stack.resources) {
    for (const attribute of ['policy', 'assume_role_policy', 'access_policy'] as const) {
      const text = resource.values[attribute];
      if (text !== undefined && text !== null && text !== '') documents.push(parse(resource, attribute, text));
    }
    if (resource.type === 'aws_iam_role') {
      for (const inline of asList(resource.values.inline_policy)) {
        if (inline.policy !== undefined) documents.push(parse(resource, 'inline_policy', inline.policy));
      }
    }
  }
  return documents;
}

export function listOf(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Whether a Principal names everyone: "*", {"AWS": "*"} or a list containing "*". */
export function isWildcardPrincipal(principal: unknown): boolean {
  if (principal === '*') return true;
  if (principal && typeof principal === 'object') {
    return Object.values(principal as Record<string, unknown>).some((v) => v === '*' || (Array.isArray(v) && v.includes('*')));
  }
  return false;
}

/** What a statement is called in a finding: its Sid, or its position. */
export function statementName(document: PolicyDocument, statement: PolicyStatement): string {
  const index = 'statements' in document ? document.statements.indexOf(statement) : -1;
  return statement.Sid ? `statement ${statement.Sid}` : `statement ${index}`;
}

export interface AllowStatement {
  readonly document: PolicyDocument & { readonly statements: readonly PolicyStatement[] };
  readonly statement: PolicyStatement;
}

/**
 * The Allow statements of `documents`, and a violation for each document that cannot be read:
 * a rule that cannot see a policy must not pass it.
 */
export function allowStatements(documents: readonly PolicyDocument[]): { readonly allows: AllowStatement[]; readonly unreadable: Violation[] } {
  const allows: AllowStatement[] = [];
  const unreadable: Violation[] = [];
  for (const document of documents) {
    if (!('statements' in document)) unreadable.push(violation(document.resource, `${document.attribute} cannot be read: ${document.unreadable}`));
    else for (const statement of document.statements) if (statement.Effect === 'Allow') allows.push({ document, statement });
  }
  return { allows, unreadable };
}
