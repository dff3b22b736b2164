/**
 * The questions the wizard asks, in order: only what a kind's preset cannot know. Each names the
 * config field it fills; its text is that field's description in the schema, and its default may
 * derive from earlier answers (the deploy role from the account, the image from the release).
 */
import { releasesInRegion, type AmiCatalog } from '../amis/catalog';
import type { FieldPath } from './errors';
import { ENVIRONMENT_KINDS, KIND_TRAITS, type EnvironmentKind } from './kinds';
import type { PartialConfig } from './presets';

export interface WizardContext {
  readonly catalog: AmiCatalog;
  /** Today as YYYY-MM-DD, for the default lifetime of a temporary environment. */
  readonly today: string;
  /** The account of the current AWS credentials (STS GetCallerIdentity), when there are any. */
  readonly callerAccountId?: string;
  /** The region of the current AWS profile or environment, when set. */
  readonly callerRegion?: string;
}

export interface Choice {
  readonly title: string;
  readonly value: string;
}

export interface Question {
  readonly path: FieldPath;
  /** text: one value; list: comma-separated values; select: one of `choices`. */
  readonly input: 'text' | 'list' | 'select';
  /** Overrides the schema description as the question's text. */
  readonly message?: string;
  readonly choices?: (draft: PartialConfig, context: WizardContext) => Choice[];
  /** Whether the question applies to this draft; default: always. */
  readonly when?: (draft: PartialConfig, context: WizardContext) => boolean;
  /** The default offered when the draft has no value yet. */
  readonly initial?: (draft: PartialConfig, context: WizardContext) => unknown;
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

/** The first two questions decide which preset the rest start from. */
export const IDENTITY_QUESTIONS: readonly Question[] = [
  { path: ['environment', 'name'], input: 'text', initial: () => 'dev' },
  {
    path: ['environment', 'kind'],
    input: 'select',
    choices: () => ENVIRONMENT_KINDS.map((kind) => ({ title: `${kind}: ${KIND_TRAITS[kind].title}`, value: kind })),
    // Only a name that says its kind ("adt-2") gives a default: "ops2" must not quietly become dev.
    initial: (draft) => kindFromName(draft.environment?.name),
  },
];

const jobDefinitionsUse = (draft: PartialConfig, container: string) =>
  (draft.batch?.jobDefinitions ?? []).some((definition) => definition.container === container);

export const QUESTIONS: readonly Question[] = [
  { path: ['project'], input: 'text' },
  { path: ['aws', 'accountId'], input: 'text', initial: (_, context) => context.callerAccountId },
  { path: ['aws', 'region'], input: 'text', initial: (_, context) => context.callerRegion ?? 'us-west-2' },
  {
    path: ['aws', 'deployRoleArn'],
    input: 'text',
    initial: (draft) => (draft.aws?.accountId ? `arn:aws:iam::${draft.aws.accountId}:role/pcm-deploy` : undefined),
  },
  { path: ['network', 'vpcId'], input: 'text' },
  { path: ['network', 'privateSubnetIds'], input: 'list' },
  { path: ['network', 'operatorCidrs'], input: 'list' },
  { path: ['release', 'pcmRelease'], input: 'text' },
  {
    path: ['release', 'amiRelease'],
    input: 'select',
    choices: (draft, { catalog }) =>
      releasesInRegion(catalog, draft.aws?.region ?? '').map((name) => {
        const entry = catalog.releases[name];
        return { title: `${name} (HySDS ${entry.hysdsVersion}, built ${entry.built.slice(0, 10)})`, value: name };
      }),
    initial: (draft, { catalog }) => releasesInRegion(catalog, draft.aws?.region ?? '')[0],
  },
  {
    path: ['release', 'hysdsVersion'],
    input: 'text',
    initial: (draft, { catalog }) => catalog.releases[draft.release?.amiRelease ?? '']?.hysdsVersion,
  },
  {
    path: ['release', 'containers', 'pge'],
    input: 'text',
    message: 'Container image of the PGE that the Batch job definitions run.',
    when: (draft) => jobDefinitionsUse(draft, 'pge'),
    initial: (draft) =>
      draft.aws?.accountId && draft.aws.region && draft.release?.pcmRelease
        ? `${draft.aws.accountId}.dkr.ecr.${draft.aws.region}.amazonaws.com/${draft.project ?? 'pcm'}-pge:${draft.release.pcmRelease}`
        : undefined,
  },
  { path: ['storage', 'sharedFrom', 'environment'], input: 'text', when: (draft) => Boolean(draft.storage?.sharedFrom) },
  { path: ['cnm', 'daac', 'accountId'], input: 'text', when: (draft) => Boolean(draft.cnm?.daac) },
  {
    path: ['cnm', 'daac', 'publisherPrincipals'],
    input: 'list',
    when: (draft) => Boolean(draft.cnm?.daac),
    initial: (draft) => (draft.cnm?.daac?.accountId ? [`arn:aws:iam::${draft.cnm.daac.accountId}:root`] : undefined),
  },
  { path: ['cnm', 'daac', 'cnmS', 'streamArn'], input: 'text', when: (draft) => draft.cnm?.daac?.cnmS?.stream === 'external' },
  { path: ['cnm', 'daac', 'cnmS', 'roleArn'], input: 'text', when: (draft) => draft.cnm?.daac?.cnmS?.stream === 'external' },
  { path: ['cnm', 'cnes', 'accountId'], input: 'text', when: (draft) => Boolean(draft.cnm?.cnes) },
  {
    path: ['protection', 'lifetime', 'expiresOn'],
    input: 'text',
    when: (draft) => Boolean(draft.environment?.kind && KIND_TRAITS[draft.environment.kind].temporary),
    initial: (_, { today }) => addDays(today, LIFETIME_DAYS),
  },
];
