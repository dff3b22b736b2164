/**
 * npm run bootstrap -- --env <env> [--dir DIR]
 *
 * Creates (or re-protects) the per-account Terraform state bucket that the environment's stacks
 * use: versioned, encrypted, private, TLS-only. Refuses credentials of another account.
 */
import { resolve } from 'node:path';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { clientConfig } from '../lib/deploy/aws-clients';
import { guardAccount, WrongAccountError } from '../lib/deploy/account-guard';
import { ensureStateBucket } from '../lib/state-bucket';
import { Naming } from '../modules/naming';
import { awsTargetFrom, supportsConditionalBucketPolicies } from '../stacks/aws-target';
import { parseCommand, run, UsageError } from './command';
import { BOOTSTRAP as spec } from './specs';
import { loadOne } from './environments';

run(async () => {
  const args = parseCommand(spec);
  if (!args.env) throw new UsageError('--env is required: the environment whose account gets the state bucket');
  const dir = resolve(args.dir ?? ENVIRONMENTS_DIR);
  const config = loadOne(dir, args.env);
  const target = awsTargetFrom(process.env);
  const credentials = (await guardAccount(config, target, `${dir}/${config.environment.name}.yaml`, { action: 'bootstrap' })).deployCredentials;
  const bucket = Naming.of(config).stateBucket();
  const created = await ensureStateBucket({ ...clientConfig(target, config.aws.region, credentials), region: config.aws.region }, bucket, {
    denyInsecureTransport: supportsConditionalBucketPolicies(target),
  });
  process.stdout.write(`${created ? 'created' : 'checked'} state bucket ${bucket} (versioned, encrypted, private${supportsConditionalBucketPolicies(target) ? ', TLS only' : ''})\n`);
}, [WrongAccountError]);
