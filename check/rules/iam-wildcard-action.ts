import { listOf, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck, type Violation } from '../rule';

/**
 * No policy allows every action of every service ("*"), or every action but some (NotAction).
 * A key policy's "kms:*" for the account is AWS's own default and stays allowed.
 */
export const iamWildcardAction: RuleCheck = ({ stack }) => {
  const found: Violation[] = [];
  for (const document of policyDocuments(stack)) {
    if (!('statements' in document)) {
      found.push(violation(document.resource, `${document.attribute} cannot be read: ${document.unreadable}`));
      continue;
    }
    for (const statement of document.statements) {
      if (statement.Effect !== 'Allow') continue;
      if (listOf(statement.Action).includes('*')) found.push(violation(document.resource, `${statementName(document, statement)} allows Action "*"`));
      if (statement.NotAction !== undefined) found.push(violation(document.resource, `${statementName(document, statement)} allows NotAction, every action but a few`));
    }
  }
  return found;
};
