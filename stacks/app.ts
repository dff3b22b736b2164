/**
 * Composes the app: for every environment file, its `<env>-data` and `<env>-compute` stacks.
 */
import type { App } from 'cdktf';
import { loadAmiCatalog, type AmiCatalog } from '../amis/catalog';
import type { LoadedEnvironment } from '../config-generator/loader';
import { REAL_AWS, type AwsTarget } from './aws-target';
import { ComputeStack } from './compute-stack';
import { DataStack } from './data-stack';

export interface EnvironmentStacks {
  readonly data: DataStack;
  readonly compute: ComputeStack;
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
