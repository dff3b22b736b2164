/**
 * The job-submitting Lambdas verify mozart's certificate. Turning that off is allowed by a named
 * setting with a reason (tls.mozart: {verify: false, reason}), and every report shows it: on a
 * network where someone can answer for mozart's address, unverified TLS hands them every job.
 */
import { violation, type RuleCheck } from '../rule';
import { asList } from '../stack-view';

export const mozartTlsVerification: RuleCheck = ({ stack, config }) => {
  const setting = config.tls?.mozart;
  const reason = setting && 'reason' in setting ? setting.reason : undefined;
  return stack.ofType('aws_lambda_function').flatMap((fn) => {
    const variables = asList(fn.values.environment)[0]?.variables as Record<string, unknown> | undefined;
    const insecure = variables?.MOZART_TLS_INSECURE;
    if (insecure === undefined || String(insecure).toLowerCase() === 'false') return [];
    return [violation(fn, reason ? `does not verify mozart's certificate (tls.mozart.verify false: ${reason})` : "does not verify mozart's certificate, and tls.mozart names no reason")];
  });
};
