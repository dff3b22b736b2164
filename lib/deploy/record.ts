/**
 * The record of an environment's last deploy, `environments/.deployed/<env>.json`: which release,
 * from which config (digest), when, and how it ended. Promotion reads it to refuse a release that
 * never deployed successfully.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EnvironmentConfig } from '../../config-generator/schema';
import { writeFileAtomic } from '../../config-generator/write';

export interface DeployRecord {
  readonly environment: string;
  readonly outcome: 'succeeded' | 'failed';
  readonly release: EnvironmentConfig['release'];
  /** sha256 of the environment file as deployed. */
  readonly configDigest: string;
  readonly startedAt: string;
  readonly seconds: number;
  readonly stacks: readonly string[];
}

export function configDigest(text: string): string {
  return `sha256:${createHash('sha256').update(text).digest('hex')}`;
}

export function recordPath(environmentsDir: string, environment: string): string {
  return join(environmentsDir, '.deployed', `${environment}.json`);
}

export function writeDeployRecord(environmentsDir: string, record: DeployRecord): string {
  const path = recordPath(environmentsDir, record.environment);
  mkdirSync(join(environmentsDir, '.deployed'), { recursive: true });
  writeFileAtomic(path, `${JSON.stringify(record, null, 2)}\n`);
  return path;
}

export function readDeployRecord(environmentsDir: string, environment: string): DeployRecord | undefined {
  const path = recordPath(environmentsDir, environment);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as DeployRecord) : undefined;
}
