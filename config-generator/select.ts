/**
 * Picking environments by the name an operator typed, beside the loader that reads them. Every
 * command that takes an environment name (the cdktf app's PCM_ENV, `--env`, promote's `--from`
 * and `--to`) refuses an unknown one with the same message, listing the names there are.
 */
import type { LoadedEnvironment } from './checks';

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

/**
 * The environment named `name`. `namedBy` is how the operator gave it, as the error quotes it
 * (`--env `, `--from `).
 */
export function findEnvironment(environments: readonly LoadedEnvironment[], name: string, namedBy: string): LoadedEnvironment {
  const found = environments.find((e) => e.config.environment.name === name);
  if (!found) throw new UnknownEnvironmentError(name, environments.map((e) => e.config.environment.name), namedBy);
  return found;
}

/**
 * The environments to act on: all of them without `only`, else the one it names. All are loaded
 * and validated either way (shared storage policies depend on every environment).
 */
export function selectEnvironments(environments: readonly LoadedEnvironment[], only?: string, namedBy = `${ENV_SELECTOR}=`): LoadedEnvironment[] {
  return only ? [findEnvironment(environments, only, namedBy)] : [...environments];
}
