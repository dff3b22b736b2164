/**
 * The HySDS cluster config (`~/.sds/config`, delivered by provisioning, never in user data) and
 * the instances' small, static user data, rendered with handlebars. The QUEUES block is made from
 * the same typed queue list as the worker autoscaling groups, so the two cannot diverge. Rendering is strict: a missing value is an error, every value
 * goes through the json helper, and the rendered config is parsed again before it is used.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parse } from 'yaml';
import type { WorkerQueue } from '../../config-generator/schema';

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

/**
 * The worker bootstrap contract (verdi image, at every boot):
 *   BUNDLE_URL="$(curl http://169.254.169.254/latest/user-data/ | grep BUNDLE_URL | cut -d= -f 2 | ...)"
 * So the user data holds exactly one line containing the text, `BUNDLE_URL=<url>`, with no quotes,
 * no `=` in the URL and nothing after it. Tests and `npm run check` run this same parsing.
 */
export const BUNDLE_URL_KEY = 'BUNDLE_URL';
export const HYSDS_BUNDLE_PIPELINE = `grep ${BUNDLE_URL_KEY} | cut -d= -f 2`;

/** Where `sds ship` puts a queue's bundle, and so where its workers fetch it. */
export function bundleUrl(codeBucket: string, queue: string, venue: string): string {
  return `s3://${codeBucket}/${queue}-${venue}.tbz2`;
}

/** The bundle URL as HySDS's pipeline reads it from user data, or why it cannot. */
export function parseBundleUrl(userData: string): { readonly url: string } | { readonly problem: string } {
  const lines = userData.split('\n').filter((line) => line.includes(BUNDLE_URL_KEY));
  if (lines.length !== 1) return { problem: `${lines.length} lines contain ${BUNDLE_URL_KEY}; HySDS's bootstrap (${HYSDS_BUNDLE_PIPELINE}) needs exactly one` };
  const [line] = lines;
  const url = (line.split('=')[1] ?? '').trim();
  if (line !== `${BUNDLE_URL_KEY}=${url}`) return { problem: `the line ${JSON.stringify(line.slice(0, 120))} is not ${BUNDLE_URL_KEY}=<url>; HySDS would read ${JSON.stringify(url.slice(0, 120))}` };
  if (!/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/[^\s'"=]+\.tbz2$/.test(url)) return { problem: `HySDS would read ${JSON.stringify(url.slice(0, 120))}, which is not s3://<code bucket>/<queue>-<VENUE>.tbz2` };
  return { url };
}

const workerUserData = template('worker-user-data.sh.hbs');
const coreUserData = template('core-user-data.sh.hbs');

/** A worker's user data: static, and nothing but the line the verdi bootstrap reads. */
export function renderWorkerUserData(input: { readonly venue: string; readonly queue: string; readonly codeBucket: string }): string {
  const text = workerUserData({ venue: input.venue, queue: input.queue, bundleUrl: bundleUrl(input.codeBucket, input.queue, input.venue) });
  const parsed = parseBundleUrl(text);
  if ('problem' in parsed) throw new Error(`worker user data of ${input.queue}: ${parsed.problem}`);
  return text;
}

/** A core instance's user data: static, so that no config change ever stops the instance. */
export function renderCoreUserData(input: { readonly role: string; readonly venue: string }): string {
  return coreUserData(input);
}
