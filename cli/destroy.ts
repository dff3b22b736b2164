/**
 * npm run destroy -- --env <env> [--confirm <env>] [--dir DIR]
 *
 * dev and adt environments come and go: they are destroyed as asked. Any other kind needs a
 * second, explicit confirmation naming the environment (--confirm <env>, or typed at a terminal).
 * A data stack the config protects (protection.deletionProtection) stays: only `<env>-compute`
 * goes, until the config releases the data.
 */
import '../lib/aws-sdk-quiet';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config-generator/errors';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../config-generator/loader';
import { guardAccount, WrongAccountError } from '../lib/deploy/account-guard';
import { runCdktf } from '../lib/cdktf-cli';
import { ENV_SELECTOR, selectEnvironments, UnknownEnvironmentError } from '../stacks/app';
import { AWS_ENDPOINT_VARIABLE, awsTargetFrom } from '../stacks/aws-target';

/** Kinds whose environments may be destroyed without a second confirmation. */
const DISPOSABLE_KINDS = new Set(['dev', 'adt']);

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { env: { type: 'string' }, confirm: { type: 'string' }, dir: { type: 'string' } } });
  if (!values.env) fail('Usage: npm run destroy -- --env <env> [--confirm <env>] [--dir DIR]', 2);
  const dir = resolve(values.dir ?? ENVIRONMENTS_DIR);
  let config;
  try {
    [{ config }] = selectEnvironments(loadEnvironments(dir), values.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownEnvironmentError) fail(error.message.replace(`${ENV_SELECTOR}=`, '--env '));
    throw error;
  }
  const name = config.environment.name;
  const kind = config.environment.kind;

  if (!DISPOSABLE_KINDS.has(kind) && values.confirm !== name) {
    if (values.confirm !== undefined) fail(`--confirm ${values.confirm} does not name the environment being destroyed (${name}); nothing was destroyed`, 2);
    if (!process.stdin.isTTY) fail(`${name} is an ${kind} environment: destroying it needs --confirm ${name}`, 2);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Destroy ${name} (${kind}, account ${config.aws.accountId})? Type the environment name to confirm: `);
    rl.close();
    if (answer.trim() !== name) fail('not confirmed; nothing was destroyed');
  }

  const target = awsTargetFrom(process.env);
  try {
    await guardAccount(config, target, join(dir, `${name}.yaml`));
  } catch (error) {
    if (error instanceof WrongAccountError) fail(error.message.replace('refusing to deploy', 'refusing to destroy'));
    throw error;
  }

  const keepData = config.protection.deletionProtection;
  const stacks = keepData ? [`${name}-compute`] : [`${name}-*`];
  if (keepData) process.stdout.write(`${name}-data stays: ${name}.yaml protects its data (protection.deletionProtection); only ${name}-compute is destroyed\n`);
  const result = await runCdktf({
    cwd: join(__dirname, '..'),
    command: 'destroy',
    stacks,
    // The compute stack alone: its data stack stays deployed.
    ignoreMissingDependencies: keepData,
    env: { [ENV_SELECTOR]: name, PCM_ENVIRONMENTS_DIR: dir, ...(target.endpoint ? { [AWS_ENDPOINT_VARIABLE]: target.endpoint } : {}) },
    onOutput: (chunk) => process.stdout.write(chunk),
  });
  if (!result.ok) fail(`destroy of ${name} failed (exit ${result.exitCode})`);
  process.stdout.write(`\n${stacks.join(', ')} of ${name} destroyed in ${result.seconds.toFixed(0)} s\n`);
}

main().catch((error: Error) => fail(error.stack ?? String(error)));
