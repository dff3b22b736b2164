import { allowStatements, listOf, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';

/**
 * No policy allows every action of every service ("*"), or every action but some (NotAction).
 * A key policy's "kms:*" for the account is AWS's own default and stays allowed.
 */
export const iamWildcardAction: RuleCheck = ({ stack }) => {
  const { allows, unreadable } = allowStatements(policyDocuments(stack));
  const found = [...unreadable];
  for (const { document, statement } of allows) {
    if (listOf(statement.Action).includes('*')) found.push(violation(document.resource, `${statementName(document, statement)} allows Action "*"`));
    if (statement.NotAction !== undefined) found.push(violation(document.resource, `${statementName(document, statement)} allows NotAction, every action but a few`));
  }
  return found;
};
