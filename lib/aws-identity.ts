/**
 * Who the current AWS credentials are. Used to offer the account id in the wizard and, before a
 * deploy, to refuse an account other than the one the config names.
 */
import './aws-sdk-quiet';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
}

/**
 * Asks STS GetCallerIdentity, giving up after `timeoutMs` (a machine with no credentials would
 * otherwise wait on the instance metadata service); by default 3 s, or PCM_STS_TIMEOUT_MS where
 * STS is slow to reach (a distant region, a loaded test machine). Undefined when there are no
 * usable credentials.
 */
export async function callerIdentity(options: { region?: string; endpoint?: string; timeoutMs?: number } = {}): Promise<CallerIdentity | undefined> {
  const client = new STSClient({ region: options.region ?? 'us-east-1', endpoint: options.endpoint, maxAttempts: 1 });
  const ms = options.timeoutMs ?? (Number(process.env.PCM_STS_TIMEOUT_MS) || 3000);
  let timer: NodeJS.Timeout | undefined;
  // The timer covers finding credentials too (a credential_process waiting for MFA, say), which
  // the request's abort signal does not.
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)));
  const ask = client
    .send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(ms) })
    .then((out) => (out.Account && out.Arn ? { accountId: out.Account, arn: out.Arn } : undefined))
    .catch(() => undefined);
  try {
    return await Promise.race([ask, timeout]);
  } finally {
    clearTimeout(timer);
    client.destroy();
  }
}
