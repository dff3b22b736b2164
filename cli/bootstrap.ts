/**
 * npm run bootstrap -- --env <env> [--dir DIR]
 *
 * Creates (or re-protects) the per-account Terraform state bucket that the environment's stacks
 * use: versioned, encrypted, private, TLS-only. Refuses credentials of another account.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config-generator/errors';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../config-generator/loader';
import { clientConfig } from '../lib/deploy/aws-clients';
import { guardAccount, WrongAccountError } from '../lib/deploy/account-guard';
import { ensureStateBucket } from '../lib/state-bucket';
import { Naming } from '../modules/naming';
import { selectEnvironments, UnknownEnvironmentError } from '../stacks/app';
import { awsTargetFrom, supportsConditionalBucketPolicies } from '../stacks/aws-target';

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { env: { type: 'string' }, dir: { type: 'string' } } });
  if (!values.env) fail('Usage: npm run bootstrap -- --env <env> [--dir DIR]', 2);
  const dir = resolve(values.dir ?? ENVIRONMENTS_DIR);
  let config;
  try {
    [{ config }] = selectEnvironments(loadEnvironments(dir), values.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownEnvironmentError) fail(error.message.replace('PCM_ENV=', '--env '));
    throw error;
  }
  const target = awsTargetFrom(process.env);
  let credentials;
  try {
    credentials = (await guardAccount(config, target, `${dir}/${config.environment.name}.yaml`)).deployCredentials;
  } catch (error) {
    if (error instanceof WrongAccountError) fail(error.message);
    throw error;
  }
  const bucket = Naming.of(config).stateBucket();
  const created = await ensureStateBucket({ ...clientConfig(target, config.aws.region, credentials), region: config.aws.region }, bucket, {
    denyInsecureTransport: supportsConditionalBucketPolicies(target),
  });
  process.stdout.write(`${created ? 'created' : 'checked'} state bucket ${bucket} (versioned, encrypted, private${supportsConditionalBucketPolicies(target) ? ', TLS only' : ''})\n`);
}

main().catch((error: Error) => fail(error.stack ?? String(error)));
