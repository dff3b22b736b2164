import { allowStatements, isWildcardPrincipal, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';

/**
 * No policy allows everyone unless a condition narrows who (an account, a source ARN, an
 * organization). A Deny for everyone, such as the TLS-only statement, is fine.
 */
export const iamWildcardPrincipal: RuleCheck = ({ stack }) => {
  const { allows, unreadable } = allowStatements(policyDocuments(stack));
  const found = [...unreadable];
  for (const { document, statement } of allows) {
    if (statement.NotPrincipal !== undefined) found.push(violation(document.resource, `${statementName(document, statement)} allows NotPrincipal, everyone but a few`));
    else if (isWildcardPrincipal(statement.Principal) && !statement.Condition) found.push(violation(document.resource, `${statementName(document, statement)} allows Principal "*" with no condition`));
  }
  for (const permission of stack.ofType('aws_lambda_permission')) {
    const { principal, source_arn: sourceArn, source_account: sourceAccount, principal_org_id: orgId } = permission.values;
    if (principal === '*' && !sourceArn && !sourceAccount && !orgId) found.push(violation(permission, 'lets principal "*" invoke the function with no source_arn, source_account or principal_org_id'));
  }
  return found;
};
