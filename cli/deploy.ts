/**
 * npm run deploy -- --env <env> [--plan] [--auto-approve] [--dir DIR]
 *
 * Loads and validates every environment, checks that the current credentials are in the
 * environment's account and that its deploy role lands there (refusing before Terraform runs
 * otherwise), asks for an explicit approval on ops-like kinds, deploys `<env>-data` then
 * `<env>-compute` through cdktf, records the deploy under environments/.deployed/<env>.json and
 * prints the operator URLs.
 */
import '../lib/aws-sdk-quiet';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { ConfigError } from '../config-generator/errors';
import { KIND_TRAITS } from '../config-generator/kinds';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../config-generator/loader';
import { WrongAccountError } from '../lib/deploy/account-guard';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import type { EnvironmentConfig } from '../config-generator/schema';
import { clientConfig } from '../lib/deploy/aws-clients';
import { deployEnvironment, urlTable } from '../lib/deploy/deploy-environment';
import { describeProbe, probeOperatorUrls } from '../lib/deploy/operator-probe';
import { describeEvent, waitForProvisioning } from '../lib/deploy/provisioning-progress';
import { ENV_SELECTOR, selectEnvironments, UnknownEnvironmentError } from '../stacks/app';
import { awsTargetFrom } from '../stacks/aws-target';

const USAGE = `Usage: npm run deploy -- --env <env> [options]

  --env NAME        the environment to deploy (a file environments/<NAME>.yaml)
  --plan            show what would change, change nothing
  --auto-approve    no question before deploying an ops-like environment (pipelines)
  --dir DIR         folder of environment files (default: environments/)
  --no-wait         do not wait for provisioning on mozart (it goes on; its log is named)
  --timeout MIN     minutes to wait for provisioning (default: provisioning.timeoutMinutes, or 90)
  --help            show this text`;

function fail(message: string, code = 1): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        env: { type: 'string' },
        plan: { type: 'boolean' },
        'auto-approve': { type: 'boolean' },
        dir: { type: 'string' },
        'no-wait': { type: 'boolean' },
        timeout: { type: 'string' },
        help: { type: 'boolean' },
      },
    }).values;
  } catch (error) {
    fail(`${(error as Error).message}\n\n${USAGE}`, 2);
  }
  if (args.help) return void process.stdout.write(`${USAGE}\n`);
  if (!args.env) fail(`--env is required: which environment to deploy\n\n${USAGE}`, 2);
  const timeoutMinutes = args.timeout === undefined ? undefined : Number(args.timeout);
  if (timeoutMinutes !== undefined && !(Number.isInteger(timeoutMinutes) && timeoutMinutes >= 1 && timeoutMinutes <= 240)) {
    fail(`--timeout ${args.timeout}: expected a whole number of minutes from 1 to 240`, 2);
  }

  const environmentsDir = resolve(args.dir ?? ENVIRONMENTS_DIR);
  let config;
  try {
    [{ config }] = selectEnvironments(loadEnvironments(environmentsDir), args.env);
  } catch (error) {
    if (error instanceof ConfigError || error instanceof UnknownEnvironmentError) fail(error.message.replace(`${ENV_SELECTOR}=`, '--env '));
    throw error;
  }
  const name = config.environment.name;

  // Asked before anything else happens, so an unattended run never stops half-way.
  if (!args.plan && KIND_TRAITS[config.environment.kind].opsLike && !args['auto-approve']) {
    if (!process.stdin.isTTY) fail(`${name} is an ${config.environment.kind} environment: deploying it needs --auto-approve, or a terminal to approve at`, 2);
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    const answer = await rl.question(`Deploy ${name} (${config.environment.kind}, account ${config.aws.accountId})? Type the environment name to approve: `);
    rl.close();
    if (answer.trim() !== name) fail('not approved; nothing was deployed', 1);
  }

  const target = awsTargetFrom(process.env);
  let outcome;
  try {
    outcome = await deployEnvironment({
      config,
      environmentsDir,
      target,
      plan: args.plan,
      onOutput: (chunk) => process.stdout.write(chunk),
    });
  } catch (error) {
    if (error instanceof WrongAccountError) fail(error.message);
    throw error;
  }
  if (!outcome.ok) fail(`${args.plan ? 'plan' : 'deploy'} of ${name} failed${outcome.recordPath ? `; recorded in ${outcome.recordPath}` : ''}`);
  if (args.plan) return;
  process.stdout.write(`\naccount ${config.aws.accountId} confirmed (${outcome.callerArn})\n${name} deployed in ${outcome.seconds.toFixed(0)} s; recorded in ${outcome.recordPath}\n\n`);

  // ---- Provisioning on mozart, then the operator URLs -------------------------------------
  const run = outcome.provisioning;
  if (!run) fail(`${name}-compute has no provisioning_run output; was it deployed by this version of the kit?`);
  if (target.endpoint) {
    process.stdout.write(
      `provisioning: NOT RUN. The emulator has no SSM agent and cannot create State Manager associations: the document ${run.document}, the cluster config object, the credentials secret and the log group ${run.logGroup} were deployed, but nothing ran on mozart.\n\n`,
    );
    const statuses = Object.fromEntries(Object.keys(outcome.operatorUrls).map((k) => [k, 'not probed (emulated address)']));
    process.stdout.write(`${urlTable(outcome.operatorUrls, statuses)}\n`);
    return;
  }
  if (args['no-wait']) {
    process.stdout.write(`provisioning: not waited for (--no-wait); it reports to CloudWatch Logs group ${run.logGroup}, stream ${run.logStream}\n\n${urlTable(outcome.operatorUrls)}\n`);
    return;
  }
  const minutes = timeoutMinutes ?? run.timeoutMinutes;
  process.stdout.write(`provisioning on mozart (waiting up to ${minutes} min; log group ${run.logGroup}, stream ${run.logStream}):\n`);
  const logs = new CloudWatchLogsClient(clientConfig(target, config.aws.region));
  const provisioned = await waitForProvisioning(logs, {
    logGroup: run.logGroup,
    logStream: run.logStream,
    timeoutMs: minutes * 60000,
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line) process.stdout.write(`${line}\n`);
    },
  });
  if (!provisioned.ok) fail(`provisioning of ${name} failed: ${provisioned.reason}`);
  process.stdout.write(`provisioning done\n\n`);
  const probes = await probeOperatorUrls(outcome.operatorUrls, { ca: mozartCa(config) });
  process.stdout.write(`${urlTable(outcome.operatorUrls, Object.fromEntries(probes.map((p) => [p.name, describeProbe(p.status)])))}\n`);
  const failed = probes.filter((p) => p.status.state === 'failed');
  if (failed.length > 0) fail(`${failed.length} operator URL(s) did not answer: ${failed.map((p) => p.name).join(', ')}`);
}

/** Mozart's CA from the config, to check its certificate; the system's CAs when none is given. */
function mozartCa(_config: EnvironmentConfig): string | undefined {
  return undefined;
}

main().catch((error: Error) => fail(error.stack ?? String(error)));
