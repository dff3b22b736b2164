/**
 * Who the current AWS credentials are. Used to offer the account id in the wizard and, before a
 * deploy, to refuse an account other than the one the config names.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';

// The SDK warns on every run under Node 20 that SDK releases after January 2027 need Node 22.
// The kit pins its SDK version, so the warning says nothing to an operator; the upgrade is tracked.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

export interface CallerIdentity {
  readonly accountId: string;
  readonly arn: string;
}

/**
 * Asks STS GetCallerIdentity, giving up after `timeoutMs` (a machine with no credentials would
 * otherwise wait on the instance metadata service). Undefined when there are no usable credentials.
 */
export async function callerIdentity(options: { region?: string; endpoint?: string; timeoutMs?: number } = {}): Promise<CallerIdentity | undefined> {
  const client = new STSClient({ region: options.region ?? 'us-east-1', endpoint: options.endpoint, maxAttempts: 1 });
  try {
    const out = await client.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.timeout(options.timeoutMs ?? 3000) });
    return out.Account && out.Arn ? { accountId: out.Account, arn: out.Arn } : undefined;
  } catch {
    return undefined;
  } finally {
    client.destroy();
  }
}
