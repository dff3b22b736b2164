/**
 * The example environments as they run in the emulator: each account gets what its
 * administrators would provide (deploy role, network) and what bootstrap creates (state
 * bucket), and a copy of the environment files points at the emulated network. Only the copies
 * differ from the committed files, and only in what the emulator cannot reproduce (network ids,
 * the Batch service role moto insists on).
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { LoadedEnvironment } from '../../config-generator/loader';
import type { AwsCredentialIdentity } from '@smithy/types';
import { createBatchServiceRole, createNetwork, prepareEmulatedAccount, withNetwork } from './accounts';

export interface EmulatedEnvironment {
  readonly name: string;
  /** Credentials in its emulated account (the account's administrators'). */
  readonly credentials: AwsCredentialIdentity;
}

/**
 * Prepares every environment's account and writes the emulator's copies of the environment
 * files from `sourceDir` into `targetDir`.
 */
export async function prepareEmulatedEnvironments(
  endpoint: string,
  environments: readonly LoadedEnvironment[],
  sourceDir: string,
  targetDir: string,
): Promise<EmulatedEnvironment[]> {
  mkdirSync(targetDir, { recursive: true });
  // All accounts at once: each is a few dozen calls that wait on the emulator, not on each other.
  const prepared = await Promise.all(
    environments.map(async ({ config }): Promise<EmulatedEnvironment> => {
      const credentials = await prepareEmulatedAccount(endpoint, config);
      const network = await createNetwork(endpoint, config, credentials);
      const serviceRoleArn = await createBatchServiceRole(endpoint, config, credentials);
      const file = `${config.environment.name}.yaml`;
      const data = withNetwork(parse(readFileSync(join(sourceDir, file), 'utf8')) as { network: object; batch?: object }, network);
      data.batch = { ...data.batch, serviceRoleArn };
      writeFileSync(join(targetDir, file), stringify(data));
      return { name: config.environment.name, credentials };
    }),
  );
  // Files of environments not prepared are copied as they are (cross-file checks read them all).
  for (const file of readdirSync(sourceDir).filter((f) => f.endsWith('.yaml'))) {
    if (!prepared.some((p) => `${p.name}.yaml` === file)) writeFileSync(join(targetDir, file), readFileSync(join(sourceDir, file)));
  }
  return prepared;
}
