/**
 * Every SNS topic and SQS queue denies requests made without TLS, as the buckets do: partners
 * publish CNM-R over the internet, and a client that falls back to HTTP must be refused, not
 * served.
 */
import { isWildcardPrincipal, listOf, policyDocuments, type PolicyDocument, type PolicyStatement } from '../policy-documents';
import { violation, type RuleCheck, type Violation } from '../rule';
import { referencedAddress, type TerraformResource } from '../stack-view';

/** A Deny for everyone over plain HTTP covering `action` (the service wildcard, or the action itself). */
function deniesInsecure(statement: PolicyStatement, service: string, action: string): boolean {
  const secure = (statement.Condition?.Bool as Record<string, unknown> | undefined)?.['aws:SecureTransport'];
  const actions = listOf(statement.Action).map((a) => a.toLowerCase());
  const covers = actions.includes('*') || actions.includes(`${service}:*`) || actions.includes(action.toLowerCase());
  return statement.Effect === 'Deny' && isWildcardPrincipal(statement.Principal) && covers && (secure === false || secure === 'false');
}

export const messagingTlsOnly: RuleCheck = ({ stack }) => {
  const documents = policyDocuments(stack);
  const found: Violation[] = [];
  const check = (target: TerraformResource, service: string, action: string, policyType: string, pointer: string): void => {
    const ownPolicies = documents.filter(
      (d) => (d.resource === target && d.attribute === 'policy') || (d.resource.type === policyType && referencedAddress(d.resource.values[pointer]) === target.address),
    );
    if (ownPolicies.length === 0) {
      found.push(violation(target, 'no policy, so no deny on aws:SecureTransport false'));
      return;
    }
    const unreadable = ownPolicies.filter((d): d is PolicyDocument & { unreadable: string } => 'unreadable' in d);
    if (unreadable.length > 0) {
      found.push(...unreadable.map((d) => violation(target, `the policy of ${d.resource.address} cannot be read: ${d.unreadable}`)));
      return;
    }
    const statements = ownPolicies.flatMap((d) => ('statements' in d ? d.statements : []));
    if (!statements.some((s) => deniesInsecure(s, service, action))) found.push(violation(target, `policy has no deny of ${action} on aws:SecureTransport false`));
  };
  for (const topic of stack.ofType('aws_sns_topic')) check(topic, 'sns', 'sns:Publish', 'aws_sns_topic_policy', 'arn');
  for (const queue of stack.ofType('aws_sqs_queue')) check(queue, 'sqs', 'sqs:SendMessage', 'aws_sqs_queue_policy', 'queue_url');
  return found;
};
