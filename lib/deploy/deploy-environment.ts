/**
 * One environment's deploy, as `npm run deploy` and the demo run it: the account guard, then
 * `<env>-data` and `<env>-compute` through cdktf, then the deploy record. Approval of ops-like
 * kinds is the command's business (it needs a terminal), not this library's.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { ENV_SELECTOR } from '../../config-generator/select';
import { AWS_ENDPOINT_VARIABLE, type AwsTarget } from '../../stacks/aws-target';
import { runCdktf } from '../cdktf-cli';
import type { AwsCredentialIdentity } from '@smithy/types';
import { guardAccount } from './account-guard';
import { provisioningRunOf, type ProvisioningRun } from './provisioning-progress';
import { configDigest, writeDeployRecord } from './record';

export interface DeployRequest {
  readonly config: EnvironmentConfig;
  /** The folder of environment files the config came from. */
  readonly environmentsDir: string;
  readonly target: AwsTarget;
  /** The caller's credentials, when not those of the process environment. */
  readonly credentials?: AwsCredentialIdentity;
  /** Plan only: `cdktf diff` of each stack, nothing changes and nothing is recorded. */
  readonly plan?: boolean;
  readonly onOutput?: (chunk: string) => void;
}

export interface DeployOutcome {
  readonly ok: boolean;
  readonly seconds: number;
  /** Resources Terraform created, changed or destroyed (from its summary lines). */
  readonly resourcesChanged: number;
  /** Interface -> URL, from `<env>-compute`'s outputs. */
  readonly operatorUrls: Record<string, string>;
  /** Where provisioning on mozart reports, from `<env>-compute`'s outputs (absent for plans). */
  readonly provisioning?: ProvisioningRun;
  /** The deploy record written (not for plans). */
  readonly recordPath?: string;
  /** The caller the guard confirmed. */
  readonly callerArn: string;
  readonly log: string;
}

const REPO = join(__dirname, '..', '..');

export async function deployEnvironment(request: DeployRequest): Promise<DeployOutcome> {
  const { config, environmentsDir, target, credentials } = request;
  const name = config.environment.name;
  const file = join(environmentsDir, `${name}.yaml`);
  // Throws WrongAccountError before anything runs.
  const { callerArn } = await guardAccount(config, target, file, { credentials });

  const env: NodeJS.ProcessEnv = {
    [ENV_SELECTOR]: name,
    PCM_ENVIRONMENTS_DIR: environmentsDir,
    ...(target.endpoint ? { [AWS_ENDPOINT_VARIABLE]: target.endpoint } : {}),
    ...(credentials
      ? { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken ?? '' }
      : {}),
    AWS_REGION: config.aws.region,
  };
  const stacks = [`${name}-data`, `${name}-compute`];

  if (request.plan) {
    // Both stacks are planned at once: a plan changes nothing, and the compute stack reads the
    // data stack's resources only as they are deployed now (its plan reports it if they are not).
    // Each plan's output is passed on whole, in stack order, never interleaved with the other's.
    const started = Date.now();
    const runs = stacks.map((stack) => runCdktf({ cwd: REPO, command: 'diff', stacks: [stack], env }));
    for (const run of runs) request.onOutput?.((await run).log);
    const results = await Promise.all(runs);
    const log = results.map((r) => r.log).join('');
    return {
      ok: results.every((r) => r.ok),
      seconds: (Date.now() - started) / 1000,
      resourcesChanged: changesIn(log, /Plan: (\d+) to add, (\d+) to change, (\d+) to destroy/g),
      operatorUrls: {},
      callerArn,
      log,
    };
  }

  const startedAt = new Date();
  const result = await runCdktf({ cwd: REPO, command: 'deploy', stacks: [`${name}-*`], env, onOutput: request.onOutput });
  const recordPath = writeDeployRecord(environmentsDir, {
    environment: name,
    outcome: result.ok ? 'succeeded' : 'failed',
    release: config.release,
    configDigest: configDigest(readFileSync(file, 'utf8')),
    startedAt: startedAt.toISOString(),
    seconds: result.seconds,
    stacks,
  });
  return {
    ok: result.ok,
    seconds: result.seconds,
    resourcesChanged: changesIn(result.log, /Resources: (\d+) added, (\d+) changed, (\d+) destroyed/g),
    operatorUrls: (result.outputs[`${name}-compute`]?.operator_urls ?? {}) as Record<string, string>,
    provisioning: provisioningRunOf(result.outputs[`${name}-compute`]?.provisioning_run),
    recordPath,
    callerArn,
    log: result.log,
  };
}

/** Sums Terraform's summary lines ("Resources: 3 added, 0 changed, 0 destroyed"), one per stack. */
function changesIn(log: string, summary: RegExp): number {
  let total = 0;
  for (const m of log.matchAll(summary)) total += Number(m[1]) + Number(m[2]) + Number(m[3]);
  return total;
}

/** The operator URLs as an aligned table, with a status column when there are statuses. */
export function urlTable(urls: Record<string, string>, statuses?: Readonly<Record<string, string>>): string {
  const width = Math.max(9, ...Object.keys(urls).map((k) => k.length));
  if (!statuses) return [`${'interface'.padEnd(width)}  url`, ...Object.entries(urls).map(([k, u]) => `${k.padEnd(width)}  ${u}`)].join('\n');
  const urlWidth = Math.max(3, ...Object.values(urls).map((u) => u.length));
  return [
    `${'interface'.padEnd(width)}  ${'url'.padEnd(urlWidth)}  status`,
    ...Object.entries(urls).map(([k, u]) => `${k.padEnd(width)}  ${u.padEnd(urlWidth)}  ${statuses[k] ?? ''}`),
  ].join('\n');
}
