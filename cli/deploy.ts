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
import { KIND_TRAITS } from '../config-generator/kinds';
import { ENVIRONMENTS_DIR } from '../config-generator/loader';
import { WrongAccountError } from '../lib/deploy/account-guard';
import { deployEnvironment, urlTable } from '../lib/deploy/deploy-environment';
import { awsTargetFrom } from '../stacks/aws-target';
import { ask, canConfirm, fail, parseCommand, run, UsageError } from './command';
import { DEPLOY as spec } from './specs';
import { loadOne } from './environments';

run(async () => {
  const args = parseCommand(spec);
  if (!args.env) throw new UsageError('--env is required: which environment to deploy');
  const environmentsDir = resolve(args.dir ?? ENVIRONMENTS_DIR);
  const config = loadOne(environmentsDir, args.env);
  const name = config.environment.name;

  // Asked before anything else happens, so an unattended run never stops half-way.
  if (!args.plan && KIND_TRAITS[config.environment.kind].opsLike && !args['auto-approve']) {
    if (!canConfirm()) fail(`${name} is an ${config.environment.kind} environment: deploying it needs --auto-approve, or a terminal to approve at`, 2);
    const answer = await ask(`Deploy ${name} (${config.environment.kind}, account ${config.aws.accountId})? Type the environment name to approve: `);
    if (answer !== name) fail('not approved; nothing was deployed', 1);
  }

  const outcome = await deployEnvironment({
    config,
    environmentsDir,
    target: awsTargetFrom(process.env),
    plan: args.plan,
    onOutput: (chunk) => process.stdout.write(chunk),
  });
  if (!outcome.ok) fail(`${args.plan ? 'plan' : 'deploy'} of ${name} failed${outcome.recordPath ? `; recorded in ${outcome.recordPath}` : ''}`);
  if (args.plan) return;
  process.stdout.write(`\naccount ${config.aws.accountId} confirmed (${outcome.callerArn})\n${name} deployed in ${outcome.seconds.toFixed(0)} s; recorded in ${outcome.recordPath}\n\n${urlTable(outcome.operatorUrls)}\n`);
}, [WrongAccountError]);
