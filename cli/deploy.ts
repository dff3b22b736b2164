/**
 * npm run deploy -- --env <env> [--plan] [--auto-approve] [--dir DIR] [--no-wait] [--timeout MIN]
 *
 * Loads and validates every environment, checks that the current credentials are in the
 * environment's account and that its deploy role lands there (refusing before Terraform runs
 * otherwise), asks for an explicit approval on ops-like kinds, deploys `<env>-data` then
 * `<env>-compute` through cdktf, records the deploy under environments/.deployed/<env>.json,
 * follows provisioning on mozart step by step, and prints the operator URLs with whether each
 * answers.
 */
import '../lib/aws-sdk-quiet';
import { resolve } from 'node:path';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import { KIND_TRAITS } from '../config-generator/kinds';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import type { EnvironmentConfig } from '../config-generator/schema';
import { WrongAccountError } from '../lib/deploy/account-guard';
import { clientConfig } from '../lib/deploy/aws-clients';
import { deployEnvironment, urlTable } from '../lib/deploy/deploy-environment';
import { describeProbe, probeOperatorUrls } from '../lib/deploy/operator-probe';
import { describeEvent, waitForProvisioning } from '../lib/deploy/provisioning-progress';
import { awsTargetFrom } from '../stacks/aws-target';
import { ask, canConfirm, fail, parseCommand, run, UsageError } from './command';
import { followRun, stdoutProgress } from './progress';
import { DEPLOY as spec } from './specs';
import { loadOne } from './environments';

run(async () => {
  const args = parseCommand(spec);
  if (!args.env) throw new UsageError('--env is required: which environment to deploy');
  const timeoutMinutes = args.timeout === undefined ? undefined : Number(args.timeout);
  if (timeoutMinutes !== undefined && !(Number.isInteger(timeoutMinutes) && timeoutMinutes >= 1 && timeoutMinutes <= 240)) {
    throw new UsageError(`--timeout ${args.timeout}: expected a whole number of minutes from 1 to 240`);
  }
  const environmentsDir = resolve(args.dir ?? ENVIRONMENTS_DIR);
  const config = loadOne(environmentsDir, args.env);
  const name = config.environment.name;

  // Asked before anything else happens, so an unattended run never stops half-way.
  if (!args.plan && KIND_TRAITS[config.environment.kind].opsLike && !args['auto-approve']) {
    if (!canConfirm()) fail(`${name} is an ${config.environment.kind} environment: deploying it needs --auto-approve, or a terminal to approve at`, 2);
    const answer = await ask(`Deploy ${name} (${config.environment.kind}, account ${config.aws.accountId})? Type the environment name to approve: `);
    if (answer !== name) fail('not approved; nothing was deployed', 1);
  }

  const target = awsTargetFrom(process.env);
  // A plan's output is what was asked for: it is shown whole. A deploy shows progress per stack,
  // and Terraform's full log goes to a file.
  const view = args.plan ? undefined : stdoutProgress();
  const followed = view && followRun(view, name, 'deploy', [`${name}-data`, `${name}-compute`]);
  const outcome = await deployEnvironment({
    config,
    environmentsDir,
    target,
    plan: args.plan,
    onOutput: followed?.onOutput ?? ((chunk) => process.stdout.write(chunk)),
  }).catch((error: unknown) => {
    // Refused before cdktf ran (the account guard): the stacks' lines say so, then the refusal.
    followed?.end(false);
    view?.stop();
    throw error;
  });
  const logPath = followed?.end(outcome.ok);
  view?.stop();
  if (!outcome.ok) fail(`${args.plan ? 'plan' : 'deploy'} of ${name} failed${outcome.recordPath ? `; recorded in ${outcome.recordPath}` : ''}${logPath ? `; full Terraform log in ${logPath}` : ''}`);
  if (args.plan) return;
  process.stdout.write(`\naccount ${config.aws.accountId} confirmed (${outcome.callerArn})\n${name} deployed in ${outcome.seconds.toFixed(0)} s; recorded in ${outcome.recordPath}\n\n`);

  // ---- Provisioning on mozart, then the operator URLs -------------------------------------
  const provisioning = outcome.provisioning;
  if (!provisioning) fail(`${name}-compute has no provisioning_run output; was it deployed by this version of the kit?`);
  if (target.endpoint) {
    process.stdout.write(
      `provisioning: NOT RUN. The emulator has no SSM agent and cannot create State Manager associations: the document ${provisioning.document}, the cluster config object, the credentials secret and the log group ${provisioning.logGroup} were deployed, but nothing ran on mozart.\n\n`,
    );
    const statuses = Object.fromEntries(Object.keys(outcome.operatorUrls).map((k) => [k, 'not probed (emulated address)']));
    process.stdout.write(`${urlTable(outcome.operatorUrls, statuses)}\n`);
    return;
  }
  if (args['no-wait']) {
    process.stdout.write(`provisioning: not waited for (--no-wait); it reports to CloudWatch Logs group ${provisioning.logGroup}, stream ${provisioning.logStream}\n\n${urlTable(outcome.operatorUrls)}\n`);
    return;
  }
  const minutes = timeoutMinutes ?? provisioning.timeoutMinutes;
  process.stdout.write(`provisioning on mozart (waiting up to ${minutes} min; log group ${provisioning.logGroup}, stream ${provisioning.logStream}):\n`);
  const provisioned = await waitForProvisioning(new CloudWatchLogsClient(clientConfig(target, config.aws.region)), {
    logGroup: provisioning.logGroup,
    logStream: provisioning.logStream,
    timeoutMs: minutes * 60000,
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line) process.stdout.write(`${line}\n`);
    },
  });
  if (!provisioned.ok) fail(`provisioning of ${name} failed: ${provisioned.reason}`);
  process.stdout.write('provisioning done\n\n');
  const probes = await probeOperatorUrls(outcome.operatorUrls, { ca: mozartCa(config) });
  process.stdout.write(`${urlTable(outcome.operatorUrls, Object.fromEntries(probes.map((p) => [p.name, describeProbe(p.status)])))}\n`);
  const failed = probes.filter((p) => p.status.state === 'failed');
  if (failed.length > 0) fail(`${failed.length} operator URL(s) did not answer: ${failed.map((p) => p.name).join(', ')}`);
}, [WrongAccountError]);

/**
 * Mozart's CA from the config (tls.mozart.caCertificate), to check its certificate; the system's
 * CAs when none is given. A config that turns verification off for the Lambdas does not turn it
 * off here: the probe then reports the certificate as not trusted.
 */
function mozartCa(config: EnvironmentConfig): string | undefined {
  const mozart = config.tls?.mozart;
  return mozart && 'caCertificate' in mozart ? mozart.caCertificate : undefined;
}
