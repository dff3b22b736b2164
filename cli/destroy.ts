/**
 * npm run destroy -- --env <env> [--auto-approve] [--confirm <env>] [--dir DIR]
 *
 * dev and adt environments come and go: at a terminal a y/N question (skipped with
 * --auto-approve), without one they are destroyed as asked. Any other kind needs a second,
 * explicit confirmation naming the environment (--confirm <env>, or typed at a terminal).
 * A data stack the config protects (protection.deletionProtection) stays: only `<env>-compute`
 * goes, until the config releases the data.
 */
import '../lib/aws-sdk-quiet';
import { join, resolve } from 'node:path';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { guardAccount, WrongAccountError } from '../lib/deploy/account-guard';
import { runCdktf } from '../lib/cdktf-cli';
import { ENV_SELECTOR } from '../config-generator/select';
import { AWS_ENDPOINT_VARIABLE, awsTargetFrom } from '../stacks/aws-target';
import { ask, canConfirm, fail, parseCommand, Refusal, run, UsageError } from './command';
import { followRun, stdoutProgress } from './progress';
import { DESTROY as spec } from './specs';
import { loadOne } from './environments';

/** Kinds whose environments may be destroyed without a second confirmation. */
const DISPOSABLE_KINDS = new Set(['dev', 'adt']);

run(async () => {
  const args = parseCommand(spec);
  if (!args.env) throw new UsageError('--env is required: which environment to destroy');
  const dir = resolve(args.dir ?? ENVIRONMENTS_DIR);
  const config = loadOne(dir, args.env);
  const name = config.environment.name;
  const kind = config.environment.kind;

  if (!DISPOSABLE_KINDS.has(kind) && args.confirm !== name) {
    if (args.confirm !== undefined) fail(`--confirm ${args.confirm} does not name the environment being destroyed (${name}); nothing was destroyed`, 2);
    if (!canConfirm()) fail(`${name} is an ${kind} environment: destroying it needs --confirm ${name}`, 2);
    const answer = await ask(`Destroy ${name} (${kind}, account ${config.aws.accountId})? Type the environment name to confirm: `);
    if (answer !== name) fail('not confirmed; nothing was destroyed');
  } else if (DISPOSABLE_KINDS.has(kind) && !args['auto-approve'] && canConfirm()) {
    // A person at a terminal may have typed the wrong name: one question, default no.
    const answer = await ask(`Destroy ${name} (${kind}, account ${config.aws.accountId})? [y/N] `);
    if (!/^y(es)?$/i.test(answer)) fail('not confirmed; nothing was destroyed');
  }

  const target = awsTargetFrom(process.env);
  try {
    await guardAccount(config, target, join(dir, `${name}.yaml`), { action: 'destroy' });
  } catch (error) {
    if (error instanceof WrongAccountError) throw new Refusal(error.message);
    throw error;
  }

  const keepData = config.protection.deletionProtection;
  const stacks = keepData ? [`${name}-compute`] : [`${name}-*`];
  if (keepData) process.stdout.write(`${name}-data stays: ${name}.yaml protects its data (protection.deletionProtection); only ${name}-compute is destroyed\n`);
  const view = stdoutProgress();
  const followed = followRun(view, name, 'destroy', keepData ? [`${name}-compute`] : [`${name}-compute`, `${name}-data`]);
  const result = await runCdktf({
    cwd: join(__dirname, '..'),
    command: 'destroy',
    stacks,
    // The compute stack alone: its data stack stays deployed.
    ignoreMissingDependencies: keepData,
    env: { [ENV_SELECTOR]: name, PCM_ENVIRONMENTS_DIR: dir, ...(target.endpoint ? { [AWS_ENDPOINT_VARIABLE]: target.endpoint } : {}) },
    onOutput: followed.onOutput,
  });
  const logPath = followed.end(result.ok);
  view.stop();
  if (!result.ok) fail(`destroy of ${name} failed (exit ${result.exitCode})${logPath ? `; full Terraform log in ${logPath}` : ''}`);
  process.stdout.write(`\n${stacks.join(', ')} of ${name} destroyed in ${result.seconds.toFixed(0)} s\n`);
});
