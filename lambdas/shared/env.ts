/**
 * Environment variables are a Lambda's only configuration. Handlers read them through these
 * helpers, lazily (at the first invocation, never at import), so a missing variable is a clear
 * error naming it rather than a crash during the runtime's module load.
 */

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type Env = Readonly<Record<string, string | undefined>>;

/** A required, non-empty variable. */
export function requiredString(env: Env, name: string): string {
  const value = env[name];
  if (value === undefined || value.trim() === '') throw new ConfigError(`environment variable ${name} is not set; expected a non-empty value`);
  return value;
}

/** An optional variable: undefined when unset or empty. */
export function optionalString(env: Env, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** `true` or `false` (case-insensitive); `fallback` when unset. */
export function booleanValue(env: Env, name: string, fallback: boolean): boolean {
  const value = optionalString(env, name);
  if (value === undefined) return fallback;
  const lower = value.trim().toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  throw new ConfigError(`environment variable ${name} is "${value}"; expected true or false`);
}

/** A whole number within [min, max]; `fallback` when unset. */
export function integerValue(env: Env, name: string, fallback: number, min: number, max: number): number {
  const value = optionalString(env, name);
  if (value === undefined) return fallback;
  const parsed = Number(value.trim());
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new ConfigError(`environment variable ${name} is "${value}"; expected a whole number from ${min} to ${max}`);
  }
  return parsed;
}

/** An S3 key prefix: non-empty and ending in "/" so that "cnm-r" cannot match "cnm-rx/". */
export function prefixValue(env: Env, name: string): string {
  const value = requiredString(env, name);
  if (!value.endsWith('/') || value.startsWith('/')) {
    throw new ConfigError(`environment variable ${name} is "${value}"; expected a key prefix like "folder/" (ending in "/", not starting with one)`);
  }
  return value;
}
