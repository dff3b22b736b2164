/**
 * The HySDS cluster config (`~/.sds/config`) and the boot script that writes it, rendered with
 * handlebars. The QUEUES block is made from the same typed queue list as the worker autoscaling
 * groups, so the two cannot diverge. Rendering is strict: a missing value is an error, every value
 * goes through the json helper, and the rendered config is parsed again before it is used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import type { WorkerQueue } from '../config-generator/schema';

/** The user the HySDS AMIs run as. */
export const OPS_USER = 'hysdsops';

export interface ClusterAddresses {
  readonly mozart: string;
  readonly metrics: string;
  readonly grq: string;
  readonly factotum: string;
  readonly ci?: string;
}

export interface ClusterConfigInput {
  readonly venue: string;
  readonly region: string;
  readonly addresses: ClusterAddresses;
  /** How operators and workers name mozart (a DNS name or its address). */
  readonly mozartFqdn: string;
  readonly jenkinsUrl?: string;
  readonly buckets: { readonly dataset: string; readonly triage: string; readonly code: string; readonly archive: string };
  readonly harikiriQueue: string;
  /** Each queue with its autoscaling group's name. */
  readonly queues: readonly (WorkerQueue & { readonly asg: string })[];
}

/**
 * A YAML scalar or flat list in single quotes. Not JSON's double quotes: the user data goes
 * through Terraform's base64encode(), whose cdktf binding refuses strings with double quotes.
 */
export function yamlValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(yamlValue).join(', ')}]`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`cannot write ${JSON.stringify(value)} into the cluster config`);
}

const engine = Handlebars.create();
engine.registerHelper('yaml', yamlValue);
const template = (file: string) => engine.compile(readFileSync(join(__dirname, 'templates', file), 'utf8'), { strict: true, noEscape: true });
const sdsConfig = template('sds-config.yaml.hbs');
const userData = template('user-data.sh.hbs');

/** The rendered `~/.sds/config`. */
export function renderClusterConfig(input: ClusterConfigInput): string {
  const text = sdsConfig({ ...input, opsUser: OPS_USER, addresses: { ci: undefined, ...input.addresses }, jenkinsUrl: input.jenkinsUrl ?? '' });
  const parsed = parse(text) as { QUEUES?: { QUEUE_NAME: string }[] | null };
  // The queue list is the contract with the autoscaling groups: check what was written.
  const written = (parsed.QUEUES ?? []).map((q) => q.QUEUE_NAME);
  const expected = input.queues.map((q) => q.name);
  if (written.join('\n') !== expected.join('\n')) throw new Error(`rendered QUEUES ${JSON.stringify(written)} differ from the queues ${JSON.stringify(expected)}`);
  return text;
}

export interface UserDataInput {
  readonly role: string;
  readonly venue: string;
  readonly config: string;
  /** Workers only. */
  readonly worker?: { readonly queue: string; readonly bundleUrl: string };
}

/** The boot script (cloud-init user data) that writes the config. */
export function renderUserData(input: UserDataInput): string {
  if (input.config.includes('PCM_SDS_CONFIG')) throw new Error('the cluster config contains the here-document delimiter');
  return userData({ role: input.role, venue: input.venue, opsUser: OPS_USER, config: input.config.trimEnd(), bundleUrl: input.worker?.bundleUrl ?? '', queue: input.worker?.queue ?? '' });
}
