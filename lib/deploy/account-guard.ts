/**
 * The guard before any Terraform runs: the current credentials must belong to the account the
 * environment's config names (the classic wrong-environment deploy: logged in to DEV, asked for
 * OPS), and the deploy role must then be assumable and land in that same account.
 */
import '../aws-sdk-quiet';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { reservedConcurrencyOf } from '../../stacks/reserved-concurrency';
import { Naming } from '../../modules/naming';
import { supportsLambdaAccountSettings, type AwsTarget } from '../../stacks/aws-target';
import type { AwsCredentialIdentity } from '@smithy/types';
import { clientConfig } from './aws-clients';
import { checkConcurrencyQuota } from './concurrency-quota';

export class WrongAccountError extends Error {
  override name = 'WrongAccountError';
}

export interface GuardedIdentity {
  /** The account and ARN of the caller's own credentials. */
  readonly callerArn: string;
  /** Credentials of the deploy role, for the checks a deploy makes itself. */
  readonly deployCredentials: AwsCredentialIdentity;
}

export interface GuardOptions {
  /** The caller's credentials. @default those of the process environment */
  readonly credentials?: AwsCredentialIdentity;
  /** The command being guarded, as a refusal names it ("refusing to destroy dev"). @default 'deploy' */
  readonly action?: 'deploy' | 'destroy' | 'bootstrap';
}

export async function guardAccount(config: EnvironmentConfig, target: AwsTarget, file: string, options: GuardOptions = {}): Promise<GuardedIdentity> {
  const { credentials, action = 'deploy' } = options;
  const { accountId, region, deployRoleArn } = config.aws;
  const sts = new STSClient({ ...clientConfig(target, region, credentials), maxAttempts: 2 });
  let caller: { Account?: string; Arn?: string };
  try {
    caller = await sts.send(new GetCallerIdentityCommand({}));
  } catch (error) {
    throw new WrongAccountError(`no usable AWS credentials (STS GetCallerIdentity: ${(error as Error).message}); sign in to account ${accountId} (${file}: aws.accountId) first`);
  }
  if (caller.Account !== accountId) {
    throw new WrongAccountError(
      `refusing to ${action} ${config.environment.name}: the current credentials (${caller.Arn}) are in account ${caller.Account}, but ${file} names account ${accountId} (aws.accountId). Sign in to ${accountId}, or pick the environment of ${caller.Account}.`,
    );
  }
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: deployRoleArn, RoleSessionName: `pcm-deploy-guard-${config.environment.name}` })).catch((error: Error) => {
    throw new WrongAccountError(`cannot assume the deploy role ${deployRoleArn} (${file}: aws.deployRoleArn): ${error.message}`);
  });
  const c = assumed.Credentials!;
  const deployCredentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
  const role = await new STSClient(clientConfig(target, region, deployCredentials)).send(new GetCallerIdentityCommand({}));
  if (role.Account !== accountId) {
    throw new WrongAccountError(`the deploy role ${deployRoleArn} landed in account ${role.Account}, but ${file} names account ${accountId}`);
  }
  // Reserved concurrency the account cannot give is refused by AWS half-way through a deploy.
  if (supportsLambdaAccountSettings(target)) {
    const lambda = new LambdaClient(clientConfig(target, region, deployCredentials));
    await checkConcurrencyQuota(lambda, reservedConcurrencyOf(config, Naming.of(config)), { account: accountId, file });
  }
  return { callerArn: caller.Arn!, deployCredentials };
}
