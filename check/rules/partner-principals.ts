/**
 * Resource and key policies name another account's principals by account, never by role ARN.
 * KMS refuses a key policy whose role does not exist yet, and every policy silently stops
 * matching a role that is deleted and re-created (AWS keeps the old role's unique id). The
 * account as Principal with an `aws:PrincipalArn` condition does neither.
 */
import { allowStatements, policyDocuments, statementName } from '../policy-documents';
import { violation, type RuleCheck } from '../rule';

const ROLE_OR_USER = /^arn:aws[a-z-]*:iam::(\d{12}):(?!root$)(.+)$/;

function awsPrincipals(principal: unknown): string[] {
  if (!principal || typeof principal !== 'object') return [];
  const aws = (principal as Record<string, unknown>).AWS;
  return (Array.isArray(aws) ? aws : aws === undefined ? [] : [aws]).filter((p): p is string => typeof p === 'string');
}

export const partnerPrincipalsRule: RuleCheck = ({ stack, config }) => {
  const { allows, unreadable } = allowStatements(policyDocuments(stack).filter((d) => d.kind !== 'identity'));
  const found = [...unreadable];
  for (const { document, statement } of allows) {
    for (const principal of awsPrincipals(statement.Principal)) {
      const m = ROLE_OR_USER.exec(principal);
      if (m && m[1] !== config.aws.accountId) {
        found.push(violation(document.resource, `${statementName(document, statement)} names ${principal} as Principal; name account ${m[1]} with an aws:PrincipalArn condition`));
      }
    }
  }
  return found;
};
