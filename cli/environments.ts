/** What the commands that act on one environment share: the --env/--dir flags and loading it. */
import type { ConfigIssue } from '../config-generator/errors';
import { loadEnvironments, type LoadedEnvironment } from '../config-generator/loader';
import type { EnvironmentConfig } from '../config-generator/schema';
import { selectEnvironments, UnknownEnvironmentError } from '../config-generator/select';
import { dim, Refusal } from './command';
import { formatIssue } from '../config-generator/errors';

/** Prints warnings (an expired lifetime, say): they never stop a command. */
export function printWarnings(warnings: readonly ConfigIssue[]): void {
  for (const warning of warnings) process.stderr.write(`${dim('warning:')} ${formatIssue(warning)}\n`);
}

/** Every environment of a folder, validated together; warnings printed. */
export function loadAll(dir: string): LoadedEnvironment[] {
  const warnings: ConfigIssue[] = [];
  const all = loadEnvironments(dir, undefined, { warnings });
  printWarnings(warnings);
  return all;
}

/** Selects environments by --env (all of them without); an unknown name is a usage mistake. */
export function select(all: readonly LoadedEnvironment[], env: string | undefined): LoadedEnvironment[] {
  try {
    return selectEnvironments(all, env, '--env ');
  } catch (error) {
    if (error instanceof UnknownEnvironmentError) throw new Refusal(error.message);
    throw error;
  }
}

/** Loads every environment of the folder (they are checked together) and returns the one --env names. */
export function loadOne(dir: string, env: string): EnvironmentConfig {
  return select(loadAll(dir), env)[0].config;
}
