import { listOf, isWildcardPrincipal, policyDocuments, type PolicyStatement } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';
import { partsOf } from './bucket-parts';

/** Deny, for everyone, any S3 action over plain HTTP. */
function deniesInsecureTransport(s: PolicyStatement): boolean {
  const secure = (s.Condition?.Bool as Record<string, unknown> | undefined)?.['aws:SecureTransport'];
  const actions = listOf(s.Action);
  return s.Effect === 'Deny' && isWildcardPrincipal(s.Principal) && (actions.includes('s3:*') || actions.includes('*')) && (secure === false || secure === 'false');
}

/** Every bucket policy denies requests that do not use TLS. */
export const s3TlsOnly: RuleCheck = ({ stack }) => {
  const documents = policyDocuments(stack);
  return stack.ofType('aws_s3_bucket').flatMap((bucket) => {
    const policies = partsOf(stack, bucket, 'aws_s3_bucket_policy');
    if (policies.length === 0) return [violation(bucket, 'no bucket policy, so no TLS-only deny')];
    const statements = documents.filter((d) => policies.includes(d.resource)).flatMap((d) => ('statements' in d ? d.statements : []));
    return statements.some(deniesInsecureTransport) ? [] : [violation(bucket, 'bucket policy has no deny on aws:SecureTransport false')];
  });
};
