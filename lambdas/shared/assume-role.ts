/**
 * Credentials of a role assumed with STS, cached until shortly before they expire: the CNM-S
 * sender writes to a DAAC-owned Kinesis stream through the role the DAAC grants.
 */
import { AssumeRoleCommand, type STSClient } from '@aws-sdk/client-sts';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';

/** Refresh this long before expiry, so a request never signs with credentials about to lapse. */
const REFRESH_BEFORE_MS = 5 * 60 * 1000;

export function assumedRoleCredentials(sts: STSClient, roleArn: string, sessionName: string, now: () => number = Date.now): AwsCredentialIdentityProvider {
  let cached: AwsCredentialIdentity | undefined;
  return async () => {
    if (cached?.expiration && cached.expiration.getTime() - now() > REFRESH_BEFORE_MS) return cached;
    const out = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: sessionName, DurationSeconds: 3600 }));
    const c = out.Credentials;
    if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`STS AssumeRole ${roleArn} returned no credentials`);
    cached = { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, sessionToken: c.SessionToken, expiration: c.Expiration };
    return cached;
  };
}
