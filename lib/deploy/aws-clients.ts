/**
 * AWS SDK client settings for the kit's commands: real AWS, or the emulator when PCM_AWS_ENDPOINT
 * names one (the same variable that points the stacks at it).
 */
import '../aws-sdk-quiet';
import type { AwsTarget } from '../../stacks/aws-target';
import { emulatorClientConfig } from '../emulator/server';
import type { AwsCredentialIdentity } from '@smithy/types';

export function clientConfig(target: AwsTarget, region: string, credentials?: AwsCredentialIdentity) {
  if (target.endpoint) {
    const config = emulatorClientConfig(target.endpoint, region, credentials);
    // Without explicit credentials, the caller's own (environment, profile) are used.
    return credentials ? config : { ...config, credentials: undefined };
  }
  return { region, credentials };
}
