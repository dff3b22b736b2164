/**
 * Another account may delete objects only where the config says so: a consumer environment's
 * `read-write-delete` grant, or CNES on the CNM-S files it consumes. A `read-write` consumer that
 * could delete would be one bug away from removing OPS's products or archives.
 */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { Naming, PREFIXES } from '../../modules/naming';
import { grantsOnOwner, grantsToConsumer } from '../../modules/storage/storage-grants';
import { allowStatements, listOf, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';

const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`, 'i');
/** Whether an action pattern allows deleting objects (s3:DeleteObject, its versions, s3:Delete*, s3:*, *). */
const deletes = (actions: readonly string[]) => actions.some((a) => glob(a).test('s3:DeleteObject') || glob(a).test('s3:DeleteObjectVersion'));

/** Every other account's principal a resource-policy statement names. */
function otherAccounts(principal: unknown, own: string): string[] {
  if (principal === '*') return ['*'];
  const aws = (principal as { AWS?: unknown } | undefined)?.AWS;
  return (Array.isArray(aws) ? aws : aws === undefined ? [] : [aws])
    .map((p) => (p === '*' ? '*' : /^arn:aws[a-z-]*:iam::(\d{12}):/.exec(String(p))?.[1] ?? String(p)))
    .filter((account) => account !== own);
}

/** Object ARNs (with their trailing *) where `account` may delete, by the configs. */
function deletableBy(config: EnvironmentConfig, peers: readonly EnvironmentConfig[], account: string): string[] {
  const naming = Naming.of(config);
  const own = grantsOnOwner(config, peers)
    .filter((g) => g.consumerAccountId === account && g.access === 'read-write-delete')
    .flatMap((g) => g.prefixes.map((prefix) => `${g.owner.bucketArn(g.bucket)}/${prefix}*`));
  const cnes = config.cnm.cnes?.accountId === account ? [`${naming.bucketArn('messages')}/${PREFIXES.cnmS}*`] : [];
  return [...own, ...cnes];
}

export const crossAccountDeletes: RuleCheck = ({ stack, config, peers = [config] }) => {
  const own = config.aws.accountId;
  const { allows, unreadable } = allowStatements(policyDocuments(stack).filter((d) => d.kind === 'resource' || d.kind === 'identity'));
  const found = [...unreadable];
  // The consumer's side: its roles may delete in the owner's buckets only where it was granted so.
  const consumerDeletable = grantsToConsumer(config, peers)
    .filter((g) => g.access === 'read-write-delete')
    .flatMap((g) => g.prefixes.map((prefix) => `${g.owner.bucketArn(g.bucket)}/${prefix}*`));
  const ownBuckets = new Set(['dataset', 'archive', 'messages', 'triage', 'code'].map((b) => Naming.of(config).bucketArn(b as 'dataset')));
  for (const { document, statement } of allows) {
    const actions = listOf(statement.Action);
    if (!deletes(actions)) continue;
    const resources = listOf(statement.Resource);
    if (document.kind === 'resource') {
      for (const account of otherAccounts(statement.Principal, own)) {
        const allowed = account === '*' ? [] : deletableBy(config, peers, account);
        const extra = resources.filter((r) => !allowed.includes(r));
        if (extra.length > 0) found.push(violation(document.resource, `${statementName(document, statement)} lets account ${account} delete in ${extra.join(', ')}, which no read-write-delete grant declares`));
      }
    } else {
      const foreign = resources.filter((r) => /^arn:aws[a-z-]*:s3:::/.test(r) && !ownBuckets.has(r.split('/')[0]) && !consumerDeletable.includes(r));
      if (foreign.length > 0) found.push(violation(document.resource, `${statementName(document, statement)} deletes in another environment's ${foreign.join(', ')}, which no read-write-delete grant declares`));
    }
  }
  return found;
};
