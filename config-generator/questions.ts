/**
 * The questions the wizard asks, in order: only what a kind's preset cannot know, and nothing it
 * can derive (the HySDS version from the AMI release, the PGE image from account, region and
 * release, the DAAC's publisher from its account: they show in the summary and the file, and
 * --set changes them). Each question names the config field it fills, has a short title and a
 * one-line help (the field's description unless given), and its default may derive from earlier
 * answers. Deliveries to the DAAC and CNES are a y/N question before their details.
 */
import { releasesInRegion, type AmiCatalog } from '../amis/catalog';
import type { FieldPath } from './errors';
import { ENVIRONMENT_KINDS, KIND_TRAITS, type EnvironmentKind } from './kinds';
import type { PartialConfig } from './presets';
import { partitionOf, pastDateProblem, regionProblem } from './regions';

export interface WizardContext {
  readonly catalog: AmiCatalog;
  /** Today as YYYY-MM-DD: lifetimes start from it and must end after it. */
  readonly today: string;
  /** The account of the current AWS credentials (STS GetCallerIdentity), when there are any. */
  readonly callerAccountId?: string;
  /** The region of the current AWS profile or environment, when set. */
  readonly callerRegion?: string;
  /** The accounts of the other environments (name -> account id), for the shared-account question. */
  readonly accounts?: ReadonlyMap<string, string>;
}

export interface Choice {
  readonly title: string;
  readonly value: string;
}

export interface Question {
  readonly path: FieldPath;
  /**
   * text: one value; list: comma-separated values; select: one of `choices`; confirm: y/N, whether
   * the object at `path` is there at all (its details are the questions that follow).
   */
  readonly input: 'text' | 'list' | 'select' | 'confirm';
  /** A short title, the question itself. */
  readonly title: string;
  /** One line under the title; default: the field's description in the schema. */
  readonly help?: string;
  readonly choices?: (draft: PartialConfig, context: WizardContext) => Choice[];
  /** Whether the question applies to this draft; default: always. */
  readonly when?: (draft: PartialConfig, context: WizardContext) => boolean;
  /** The default offered when the draft has no value yet. */
  readonly initial?: (draft: PartialConfig, context: WizardContext) => unknown;
  /**
   * Checks beyond the field's format that the loader makes too (a region that exists and has
   * images, a date still to come), so an answer is refused when it is given, not at the end.
   */
  readonly check?: (value: unknown, draft: PartialConfig, context: WizardContext) => string | undefined;
  /** What a "yes" to a confirm question starts from. */
  readonly enable?: (draft: PartialConfig) => unknown;
}

const LIFETIME_DAYS = 30;

function addDays(day: string, days: number): string {
  const date = new Date(`${day}T00:00:00Z`);
  date.setUTCDate(date.getUTCDate() + days);
  return date.toISOString().slice(0, 10);
}

/** The kind an environment name suggests: "adt-2" -> adt, "dev-alice" -> dev. */
export function kindFromName(name: string | undefined): EnvironmentKind | undefined {
  const prefix = name?.split('-')[0];
  return ENVIRONMENT_KINDS.find((kind) => kind === prefix);
}

/** The first two questions decide which preset (or existing file) the rest start from. */
export const IDENTITY_QUESTIONS: readonly Question[] = [
  { path: ['environment', 'name'], input: 'text', title: 'Environment name', help: 'e.g. dev-alice or adt-2 (the file is <name>.yaml)', initial: () => 'dev' },
  {
    path: ['environment', 'kind'],
    input: 'select',
    title: 'Kind',
    help: 'sets the defaults: instance sizes, fleets, protection',
    choices: () => ENVIRONMENT_KINDS.map((kind) => ({ title: `${kind}: ${KIND_TRAITS[kind].title}`, value: kind })),
    // Only a name that says its kind ("adt-2") gives a default: "ops2" must not quietly become dev.
    initial: (draft) => kindFromName(draft.environment?.name),
  },
];

/** Whether the catalog can boot this draft in a region; the problem otherwise, naming the regions that have images. */
function imagesProblem(region: string, draft: PartialConfig, { catalog }: WizardContext): string | undefined {
  if (draft.release?.amiOverrides) return undefined; // overrides may bring their own images
  const release = draft.release?.amiRelease;
  const entry = release ? catalog.releases[release] : undefined;
  const regions = entry ? Object.keys(entry.regions) : [...new Set(Object.values(catalog.releases).flatMap((e) => Object.keys(e.regions)))];
  if (regions.includes(region)) return undefined;
  // Short: prompts shows it on one line after "› expected ", within 80 columns.
  return `a region with images${entry ? ` of ${release}` : ''}: ${regions.join(', ')} (${region} has none)`;
}

const isTemporary = (draft: PartialConfig) => Boolean(draft.environment?.kind && KIND_TRAITS[draft.environment.kind].temporary);
const opsLike = (draft: PartialConfig) => Boolean(draft.environment?.kind && KIND_TRAITS[draft.environment.kind].opsLike);

export const QUESTIONS: readonly Question[] = [
  { path: ['project'], input: 'text', title: 'Project', help: 'short name that prefixes every resource name, e.g. swot' },
  { path: ['aws', 'accountId'], input: 'text', title: 'AWS account', help: '12 digits', initial: (_, context) => context.callerAccountId },
  {
    path: ['aws', 'region'],
    input: 'text',
    title: 'Region',
    help: 'AWS region of every resource, e.g. us-west-2',
    initial: (_, context) => context.callerRegion ?? 'us-west-2',
    check: (value, draft, context) => regionProblem(String(value), partitionOf(draft.aws?.deployRoleArn)) ?? imagesProblem(String(value), draft, context),
  },
  {
    path: ['aws', 'deployRoleArn'],
    input: 'text',
    title: 'Deploy role',
    help: 'the role in this account that deploys assume',
    initial: (draft) => (draft.aws?.accountId ? `arn:aws:iam::${draft.aws.accountId}:role/pcm-deploy` : undefined),
  },
  { path: ['network', 'vpcId'], input: 'text', title: 'VPC', help: 'from the account administrators, e.g. vpc-0a1b2c3d' },
  { path: ['network', 'privateSubnetIds'], input: 'list', title: 'Private subnets', help: 'one per availability zone, comma-separated' },
  { path: ['network', 'operatorCidrs'], input: 'list', title: 'Operator networks', help: 'CIDRs that reach the operator pages, comma-separated' },
  { path: ['release', 'pcmRelease'], input: 'text', title: 'PCM release', help: 'the release tag to deploy, e.g. 4.2.0' },
  {
    path: ['release', 'amiRelease'],
    input: 'select',
    title: 'AMI release',
    help: 'images from amis/catalog.yaml that have this region',
    choices: (draft, { catalog }) =>
      releasesInRegion(catalog, draft.aws?.region ?? '').map((name) => {
        const entry = catalog.releases[name];
        return { title: `${name} (HySDS ${entry.hysdsVersion}, built ${entry.built.slice(0, 10)})`, value: name };
      }),
    initial: (draft, { catalog }) => releasesInRegion(catalog, draft.aws?.region ?? '')[0],
  },
  { path: ['storage', 'sharedFrom', 'environment'], input: 'text', title: 'Shared buckets from', help: 'the ops-like environment that owns them', when: (draft) => Boolean(draft.storage?.sharedFrom) },
  {
    path: ['cnm', 'daac'],
    input: 'confirm',
    title: 'Deliver to a DAAC?',
    help: 'CNM-S notifications to the archive, CNM-R responses back',
    initial: (draft) => opsLike(draft) && Boolean(draft.cnm?.daac),
    enable: (draft) => ({ cnmS: { stream: opsLike(draft) ? 'external' : 'stand-in' } }),
  },
  { path: ['cnm', 'daac', 'accountId'], input: 'text', title: "DAAC's account", help: "the archive's AWS account, 12 digits", when: (draft) => Boolean(draft.cnm?.daac) },
  { path: ['cnm', 'daac', 'cnmS', 'streamArn'], input: 'text', title: "DAAC's CNM-S stream", help: 'ARN of the Kinesis stream the DAAC owns', when: (draft) => draft.cnm?.daac?.cnmS?.stream === 'external' },
  { path: ['cnm', 'daac', 'cnmS', 'roleArn'], input: 'text', title: "DAAC's writer role", help: 'ARN of the DAAC role that writes to it', when: (draft) => draft.cnm?.daac?.cnmS?.stream === 'external' },
  {
    path: ['cnm', 'cnes'],
    input: 'confirm',
    title: 'Exchange with CNES?',
    help: 'CNES polls the messages bucket for CNM-S and writes its CNM-R there',
    initial: (draft) => opsLike(draft) && Boolean(draft.cnm?.cnes),
    enable: () => ({ batchIntervalMinutes: 15 }),
  },
  { path: ['cnm', 'cnes', 'accountId'], input: 'text', title: "CNES's account", help: "CNES's AWS account, 12 digits", when: (draft) => Boolean(draft.cnm?.cnes) },
  {
    path: ['protection', 'lifetime', 'expiresOn'],
    input: 'text',
    title: 'Expires on',
    help: 'YYYY-MM-DD, after today',
    when: isTemporary,
    initial: (_, { today }) => addDays(today, LIFETIME_DAYS),
    check: (value, _, { today }) => pastDateProblem(String(value), today),
  },
];

/**
 * Values the wizard derives instead of asking: filled in after the questions when the draft has
 * none, so a re-run or a --set keeps its own.
 */
export const DERIVED: readonly Pick<Question, 'path' | 'when' | 'initial' | 'help'>[] = [
  { path: ['release', 'hysdsVersion'], initial: (draft, { catalog }) => catalog.releases[draft.release?.amiRelease ?? '']?.hysdsVersion },
  {
    path: ['release', 'containers', 'pge'],
    help: 'Container image of the PGE that the Batch job definitions run.',
    when: (draft) => (draft.batch?.jobDefinitions ?? []).some((definition) => definition.container === 'pge'),
    initial: (draft) =>
      draft.aws?.accountId && draft.aws.region && draft.release?.pcmRelease
        ? `${draft.aws.accountId}.dkr.ecr.${draft.aws.region}.amazonaws.com/${draft.project ?? 'pcm'}-pge:${draft.release.pcmRelease}`
        : undefined,
  },
  {
    path: ['cnm', 'daac', 'publisherPrincipals'],
    when: (draft) => Boolean(draft.cnm?.daac),
    initial: (draft) => (draft.cnm?.daac?.accountId ? [`arn:aws:iam::${draft.cnm.daac.accountId}:root`] : undefined),
  },
];
