/**
 * The catalog of pre-built AMIs (amis/catalog.yaml) and its lookup.
 *
 * Instances never carry literal AMI ids in code: the AMI of a component is the catalog's entry for
 * the environment's AMI release and region, unless the config overrides it with another id or with
 * an SSM parameter that Terraform resolves at deploy time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';
import * as f from '../config-generator/formats';
import type { AmiSource } from '../config-generator/schema';
import { AMI_COMPONENTS, type AmiComponent } from './components';

const catalogSchema = z.strictObject({
  releases: z.record(
    f.releaseTag,
    z.strictObject({
      hysdsVersion: f.releaseTag,
      built: z.iso.datetime({ error: 'a UTC build time such as "2026-11-02T10:00:00Z"' }),
      builder: z.string().min(1),
      sourceCommit: z.string().regex(/^[0-9a-f]{40}$/, { error: 'a 40-hex-digit git commit' }),
      baseImage: z.string().min(1),
      // Build metadata: whether this release's HySDS lives with IMDSv2 only (hysds/hysds PR #220).
      imds: z.strictObject({
        v2Only: z.boolean(),
        reason: z.string().min(10, { error: 'why the image is or is not ready for IMDSv2 only, in a sentence' }),
      }),
      regions: z.record(f.region, z.partialRecord(z.enum(AMI_COMPONENTS), f.amiId)),
    }),
  ),
});

export type AmiCatalog = z.infer<typeof catalogSchema>;

export const CATALOG_FILE = join(__dirname, 'catalog.yaml');

/** Where a component's AMI comes from, once the catalog and the overrides have been consulted. */
export type ResolvedAmi =
  | { readonly source: 'catalog'; readonly amiId: string; readonly release: string }
  | { readonly source: 'override'; readonly amiId: string }
  | { readonly source: 'ssm-parameter'; readonly parameterName: string };

export class AmiLookupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AmiLookupError';
  }
}

let cached: AmiCatalog | undefined;

/** Reads and validates the catalog; the default file is read once per process. */
export function loadAmiCatalog(file: string = CATALOG_FILE): AmiCatalog {
  if (file === CATALOG_FILE && cached) return cached;
  const result = catalogSchema.safeParse(parse(readFileSync(file, 'utf8')));
  if (!result.success) {
    const problems = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new AmiLookupError(`${file} is not a valid AMI catalog: ${problems}`);
  }
  if (file === CATALOG_FILE) cached = result.data;
  return result.data;
}

export interface AmiRequest {
  readonly component: AmiComponent;
  readonly region: string;
  /** The environment's AMI release; may be absent when the component is overridden. */
  readonly release?: string;
  readonly override?: AmiSource;
}

/** Finds a component's AMI, or throws an error that says what the catalog does have. */
export function resolveAmi(catalog: AmiCatalog, request: AmiRequest): ResolvedAmi {
  const { component, region, release, override } = request;
  if (override) {
    return 'amiId' in override
      ? { source: 'override', amiId: override.amiId }
      : { source: 'ssm-parameter', parameterName: override.ssmParameter };
  }
  if (!release) {
    throw new AmiLookupError(`no AMI for ${component}: set release.amiRelease or release.amiOverrides.${component}`);
  }
  const entry = catalog.releases[release];
  if (!entry) {
    throw new AmiLookupError(
      `AMI release "${release}" is not in the catalog; known releases: ${Object.keys(catalog.releases).join(', ')}`,
    );
  }
  const images = entry.regions[region];
  if (!images) {
    throw new AmiLookupError(
      `AMI release "${release}" has no images in ${region}; it has ${Object.keys(entry.regions).join(', ')}`,
    );
  }
  const amiId = images[component];
  if (!amiId) {
    throw new AmiLookupError(
      `AMI release "${release}" in ${region} has no ${component} image; it has ${Object.keys(images).join(', ')}`,
    );
  }
  return { source: 'catalog', amiId, release };
}

/**
 * Whether an image's HySDS works with IMDSv2 only (session tokens required), and why. An image
 * the catalog does not describe (an override or an SSM parameter) is not known to be ready: its
 * HySDS scripts may call IMDS without a token, and with tokens required they get 401 and no
 * worker joins (DESIGN.md, "HySDS at run time").
 */
export interface ImdsReadiness {
  readonly v2Only: boolean;
  readonly reason: string;
}

export function imdsReadiness(catalog: AmiCatalog, resolved: ResolvedAmi): ImdsReadiness {
  if (resolved.source === 'catalog') {
    const entry = catalog.releases[resolved.release];
    if (entry) return entry.imds;
  }
  const what = resolved.source === 'ssm-parameter' ? `the image in SSM parameter ${resolved.parameterName}` : `image ${resolved.amiId}`;
  return { v2Only: false, reason: `${what} is not in the AMI catalog, so nothing says its HySDS works with IMDSv2 only` };
}

/** The catalog's release and IMDS readiness of a literal AMI id, when the catalog has it. */
export function catalogImage(catalog: AmiCatalog, amiId: string): { readonly release: string; readonly imds: ImdsReadiness } | undefined {
  for (const [release, entry] of Object.entries(catalog.releases)) {
    for (const images of Object.values(entry.regions)) {
      if (Object.values(images ?? {}).includes(amiId)) return { release, imds: entry.imds };
    }
  }
  return undefined;
}

/** Releases that have images in a region, newest build first (the wizard offers these). */
export function releasesInRegion(catalog: AmiCatalog, region: string): string[] {
  return Object.entries(catalog.releases)
    .filter(([, entry]) => region in entry.regions)
    .sort(([, a], [, b]) => b.built.localeCompare(a.built))
    .map(([name]) => name);
}

/** Every image of the catalog, once each (for an emulator to know them). */
export function catalogImages(catalog: AmiCatalog): { amiId: string; name: string; description: string }[] {
  const seen = new Map<string, { amiId: string; name: string; description: string }>();
  for (const [release, entry] of Object.entries(catalog.releases)) {
    for (const [region, images] of Object.entries(entry.regions)) {
      for (const [component, amiId] of Object.entries(images ?? {})) {
        if (amiId && !seen.has(amiId)) seen.set(amiId, { amiId, name: `pcm-${component}-${release}`, description: `pcm-deploy ${component} ${release} (${region}, HySDS ${entry.hysdsVersion})` });
      }
    }
  }
  return [...seen.values()];
}
