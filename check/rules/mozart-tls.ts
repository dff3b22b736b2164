/**
 * TLS everywhere the kit connects or operators log in: the job-submitting Lambdas verify
 * mozart's certificate, and every operator URL is HTTPS. Either may be turned off only by a named
 * setting with a reason (tls.mozart: {verify: false, reason}, tls.jenkins: {plainHttp, reason}),
 * and every report shows it: unverified TLS hands every job to whoever answers for mozart's
 * address, plain HTTP hands Jenkins' credentials to whoever listens.
 */
import { MOZART_ENV } from '../../lambdas/shared/mozart-contract';
import { violation, type RuleCheck } from '../rule';
import { asList, shown, type TerraformResource } from '../stack-view';

export const mozartTlsVerification: RuleCheck = ({ stack, config }) => {
  const setting = config.tls?.mozart;
  const reason = setting && 'reason' in setting ? setting.reason : undefined;
  const jenkins = config.tls?.jenkins;
  const plainReason = jenkins && 'reason' in jenkins ? jenkins.reason : undefined;
  const plainUrls = Object.entries(stack.json.output ?? {})
    .filter(([name, output]) => name.startsWith('url_') && typeof output.value === 'string' && output.value.startsWith('http://'))
    .map(([name, output]) => {
      const resource: TerraformResource = { type: 'output', name, address: `output.${name}`, path: `${stack.name}/${name}`, values: output };
      return violation(resource, plainReason ? `${String(output.value)} is plain HTTP (tls.jenkins.plainHttp: ${plainReason})` : `${String(output.value)} is plain HTTP, and tls.jenkins names no reason`);
    });
  return plainUrls.concat(stack.ofType('aws_lambda_function').flatMap((fn) => {
    const variables = asList(fn.values.environment)[0]?.variables as Record<string, unknown> | undefined;
    // The variable's name from the handlers' contract, so the rule reads what they read.
    const insecure = variables?.[MOZART_ENV.names.insecureTls];
    if (insecure === undefined || shown(insecure).toLowerCase() === 'false') return [];
    return [violation(fn, reason ? `does not verify mozart's certificate (tls.mozart.verify false: ${reason})` : "does not verify mozart's certificate, and tls.mozart names no reason")];
  }));
};
