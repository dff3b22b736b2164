/**
 * Composes the app: for every environment file, its `<env>-data` and `<env>-compute` stacks.
 */
import type { App } from 'cdktf';
import { loadAmiCatalog, type AmiCatalog } from '../amis/catalog';
import type { LoadedEnvironment } from '../config-generator/loader';
import { REAL_AWS, type AwsTarget } from './aws-target';
import { ComputeStack } from './compute-stack';
import { DataStack } from './data-stack';

/** The environment variable that restricts synthesis to one environment. */
export const ENV_SELECTOR = 'PCM_ENV';

/** An environment selector that names no environment: the operator's to fix, not a bug. */
export class UnknownEnvironmentError extends Error {
  override name = 'UnknownEnvironmentError';
  /** `namedBy`: how the operator gave the name, as the message quotes it (`PCM_ENV=`, `--env `). */
  constructor(readonly requested: string, readonly known: readonly string[], namedBy: string) {
    super(`${namedBy}${requested}: no such environment; the environment files are ${known.join(', ') || 'none'}`);
  }
}

export interface EnvironmentStacks {
  readonly data: DataStack;
  readonly compute: ComputeStack;
}

/**
 * Picks the environments to synthesize. All are loaded and validated either way (shared
 * storage policies depend on every environment), but only the selected ones become stacks.
 * `namedBy` is how the caller's operator gave `only`, for the error (the CLIs pass `--env `).
 */
export function selectEnvironments(environments: readonly LoadedEnvironment[], only?: string, namedBy = `${ENV_SELECTOR}=`): LoadedEnvironment[] {
  if (!only) return [...environments];
  const selected = environments.filter((e) => e.config.environment.name === only);
  if (selected.length === 0) {
    throw new UnknownEnvironmentError(only, environments.map((e) => e.config.environment.name), namedBy);
  }
  return selected;
}

export interface AppOptions {
  /** The AMI catalog (default: amis/catalog.yaml). */
  readonly catalog?: AmiCatalog;
  /** Where the AWS calls go (default: real AWS). */
  readonly target?: AwsTarget;
  /**
   * Every environment, when only some get stacks: shared-storage policies are computed from all.
   * @default the environments given
   */
  readonly peers?: readonly LoadedEnvironment[];
}

export function addEnvironmentStacks(app: App, environments: readonly LoadedEnvironment[], options: AppOptions = {}): EnvironmentStacks[] {
  const catalog = options.catalog ?? loadAmiCatalog();
  const target = options.target ?? REAL_AWS;
  const peers = (options.peers ?? environments).map((e) => e.config);
  return environments.map(({ config }) => {
    const data = new DataStack(app, config, { peers, target });
    const compute = new ComputeStack(app, config, { catalog, peers, target });
    compute.addDependency(data);
    return { data, compute };
  });
}
