/**
 * Promotion of a tested release from one environment's config to another's: DEV -> I&T -> OPS.
 *
 * What moves is the release (HySDS version, PCM release, AMI release and overrides, container
 * image tags); what stays is everything account-specific, including the registry each
 * environment pulls its containers from. A release moves only when the source's last deploy
 * succeeded with exactly it, and into an ops-like environment only from I&T (`int`).
 */
import { isDeepStrictEqual } from 'node:util';
import { dirname, join, relative } from 'node:path';
import { formatIssue } from '../config-generator/errors';
import { JSON_SCHEMA_FILE } from '../config-generator/json-schema';
import { KIND_TRAITS } from '../config-generator/kinds';
import { readSources, validateSources, type LoadedEnvironment } from '../config-generator/loader';
import { renderEnvironment, withoutEmptyOptionals } from '../config-generator/render';
import { findEnvironment, UnknownEnvironmentError } from '../config-generator/select';
import type { EnvironmentConfig } from '../config-generator/schema';
import { planWrite, type PlannedWrite } from '../config-generator/write';
import { readDeployRecord, recordPath } from './deploy/record';

export class PromotionRefused extends Error {
  override name = 'PromotionRefused';
}

/** The environment kind ops-like environments take releases from. */
export const PROMOTES_TO_OPS_LIKE = 'int';

/** `repo:tag` -> tag; `repo@sha256:...` stays whole (a digest names one image everywhere). */
function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const colon = image.lastIndexOf(':');
  return colon > image.lastIndexOf('/') ? image.slice(colon + 1) : undefined;
}

/** The source's images in the target's registries: each target keeps where it pulls from. */
export function promotedContainers(from: Record<string, string> = {}, to: Record<string, string> = {}): Record<string, string> {
  return Object.fromEntries(
    Object.entries(from).map(([name, image]) => {
      const target = to[name];
      const tag = imageTag(image);
      if (!target || tag === undefined) return [name, image];
      const colon = target.lastIndexOf(':');
      const repository = colon > target.lastIndexOf('/') ? target.slice(0, colon) : target;
      return [name, `${repository}:${tag}`];
    }),
  );
}

export function promotedRelease(from: EnvironmentConfig, to: EnvironmentConfig): EnvironmentConfig {
  const release = structuredClone(from.release);
  const next: EnvironmentConfig = { ...structuredClone(to), release: { ...release, containers: promotedContainers(from.release.containers, to.release.containers) } };
  if (Object.keys(next.release.containers ?? {}).length === 0) delete next.release.containers;
  return withoutEmptyOptionals(next);
}

export interface PromotionPlan {
  readonly path: string;
  readonly text: string;
  readonly write: PlannedWrite;
}

/**
 * Checks and renders the promotion of `fromName`'s release into `toName`'s config. Throws
 * PromotionRefused with the reason; nothing is written here.
 */
export function planPromotion(environmentsDir: string, fromName: string, toName: string): PromotionPlan {
  const sources = readSources(environmentsDir);
  const loaded = validateSources(sources);
  if (loaded.issues.length > 0) {
    throw new PromotionRefused(`the environment files have problems; fix them first:\n${loaded.issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
  }
  const find = (name: string, role: string): LoadedEnvironment => {
    try {
      return findEnvironment(loaded.environments, name, `--${role} `);
    } catch (error) {
      throw error instanceof UnknownEnvironmentError ? new PromotionRefused(error.message) : error;
    }
  };
  const from = find(fromName, 'from').config;
  const target = find(toName, 'to');
  const to = target.config;
  if (fromName === toName) throw new PromotionRefused(`--from and --to both name ${fromName}`);
  if (KIND_TRAITS[to.environment.kind].opsLike && fromName !== PROMOTES_TO_OPS_LIKE) {
    throw new PromotionRefused(`${toName} is an ${to.environment.kind} environment: releases reach it only from ${PROMOTES_TO_OPS_LIKE} (I&T), not from ${fromName}`);
  }

  const record = readDeployRecord(environmentsDir, fromName);
  const recordFile = relative(process.cwd(), recordPath(environmentsDir, fromName));
  if (!record) throw new PromotionRefused(`${fromName} has never been deployed (no ${recordFile}): deploy and test its release before promoting it`);
  if (record.outcome !== 'succeeded') throw new PromotionRefused(`${fromName}'s last deploy (${record.startedAt}) ${record.outcome}: promote only a release that deployed successfully`);
  if (!isDeepStrictEqual(record.release, from.release)) {
    throw new PromotionRefused(
      `${fromName}'s release in its config (pcmRelease ${from.release.pcmRelease}) is not the one its last successful deploy shows (pcmRelease ${record.release.pcmRelease}, ${record.startedAt}): deploy it first`,
    );
  }

  const next = promotedRelease(from, to);
  const path = join(environmentsDir, `${toName}.yaml`);
  const file = relative(process.cwd(), path) || path;
  const text = renderEnvironment(next, { schemaRef: relative(dirname(path), JSON_SCHEMA_FILE), selfRef: file });
  const others = sources.filter((s) => s.file !== target.file);
  const check = validateSources([...others, { file: target.file, text }]);
  if (check.issues.length > 0) {
    throw new PromotionRefused(`the promoted ${toName} config would not be valid:\n${check.issues.map((i) => `  - ${formatIssue(i)}`).join('\n')}`);
  }
  return { path, text, write: planWrite(path, text) };
}
