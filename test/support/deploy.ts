/**
 * Deploying example environments to moto_server in tests: each into its own emulated account,
 * through its deploy role, with `cdktf deploy` as an operator would run it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCdktf, terraformErrors, type CdktfResult } from '../../lib/cdktf-cli';
import { prepareEmulatedAccount } from '../../lib/emulator/accounts';
import type { AwsCredentialIdentity } from '@smithy/types';
import { EMULATOR_CREDENTIALS } from '../../lib/emulator/server';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { catalogImages, loadAmiCatalog } from '../../amis/catalog';
import { ENVIRONMENTS_DIR, type LoadedEnvironment } from '../../config-generator/loader';
import { prepareEmulatedEnvironments } from '../../lib/emulator/environments';
import { startMoto, type Moto } from './moto';
import { operatorEnv, REPO } from './run';

export interface EmulatedDeploy extends CdktfResult {
  /** Credentials in the environment's emulated account, for checking what was deployed. */
  readonly credentials: AwsCredentialIdentity;
}

/**
 * Deploys `stacks` of the environment `config` describes. `environmentsDir` holds the environment
 * files the app loads (default: environments/).
 */
export async function deployToEmulator(
  endpoint: string,
  config: EnvironmentConfig,
  stacks: readonly string[],
  environmentsDir?: string,
  options: { readonly ignoreMissingDependencies?: boolean } = {},
): Promise<EmulatedDeploy> {
  const credentials = await prepareEmulatedAccount(endpoint, config);
  const result = await runCdktf({
    cwd: REPO,
    command: 'deploy',
    stacks,
    ignoreMissingDependencies: options.ignoreMissingDependencies,
    env: {
      PCM_AWS_ENDPOINT: endpoint,
      PCM_ENV: config.environment.name,
      ...(environmentsDir ? { PCM_ENVIRONMENTS_DIR: environmentsDir } : {}),
      AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey,
      AWS_REGION: config.aws.region,
    },
  });
  if (!result.ok) {
    // The whole log to a file: the error can sit far above the last lines of parallel creates.
    const file = join(mkdtempSync(join(tmpdir(), 'pcm-deploy-log-')), 'cdktf.log');
    writeFileSync(file, result.log);
    throw new Error(`cdktf deploy ${stacks.join(' ')} failed (exit ${result.exitCode}; full log in ${file}):\n${terraformErrors(result.log) || result.log.slice(-4000)}`);
  }
  return { ...result, credentials };
}

/** An emulator with one environment's account prepared, as the demo prepares it, for the CLI suites. */
export interface PreparedEmulator {
  readonly moto: Moto;
  /** The emulator's copies of the environment files. */
  readonly dir: string;
  /** Credentials in the environment's emulated account. */
  readonly credentials: AwsCredentialIdentity;
  /** The environment of an operator holding `credentials` ("elsewhere": the emulator's default account). */
  readonly as: (credentials: AwsCredentialIdentity | 'elsewhere') => NodeJS.ProcessEnv;
}

export async function emulatorWithEnvironment(environment: LoadedEnvironment): Promise<PreparedEmulator> {
  const moto = await startMoto({ tls: true, amis: catalogImages(loadAmiCatalog()) });
  const dir = mkdtempSync(join(tmpdir(), 'pcm-envs-'));
  const [{ credentials }] = await prepareEmulatedEnvironments(moto.endpoint, [environment], ENVIRONMENTS_DIR, dir);
  return { moto, dir, credentials, as: (c) => operatorEnv(moto.endpoint, c) };
}
