/**
 * Checks of fields against each other, within one environment and across all of them.
 *
 * They run on configs whose shape is already valid, and they only fail where two settings truly
 * contradict; each issue names the field to fix and, in `expected`, the other side.
 */
import { basename, extname } from 'node:path';
import { AmiLookupError, resolveAmi, type AmiCatalog } from '../amis/catalog';
import type { AmiComponent } from '../amis/components';
import type { ConfigIssue, FieldPath } from './errors';
import { arnAccount } from './formats';
import { isOpsLike, KIND_TRAITS } from './kinds';
import { partitionOf, pastDateProblem, regionProblem } from './regions';
import { MANAGED_TAG_KEYS, type EnvironmentConfig } from './schema';

/** A validated config and the file it came from. */
export interface LoadedEnvironment {
  readonly file: string;
  readonly config: EnvironmentConfig;
}

type Report = (path: FieldPath, expected: string, found: unknown) => void;

/** The components an environment boots from AMIs: the core, the workers, and ci/batch when used. */
export function amiComponentsOf(config: EnvironmentConfig): AmiComponent[] {
  const components: AmiComponent[] = ['mozart', 'metrics', 'grq', 'factotum', 'verdi'];
  if (config.core.ci) components.push('ci');
  if (config.batch.computeEnvironments.length > 0) components.push('batch');
  return components;
}

function duplicates<T>(items: readonly T[], key: (item: T) => string): number[] {
  const seen = new Set<string>();
  return items.flatMap((item, i) => {
    const k = key(item);
    if (seen.has(k)) return [i];
    seen.add(k);
    return [];
  });
}

/** Checks within one environment file. */
export function checkEnvironment({ file, config }: LoadedEnvironment, catalog: AmiCatalog): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const report: Report = (path, expected, found) => issues.push({ file, path, expected, found });
  const c = config;

  const stem = basename(file, extname(file));
  if (c.environment.name !== stem) {
    report(['environment', 'name'], `the file's name "${stem}" (environment files are named <name>.yaml)`, c.environment.name);
  }

  const badRegion = regionProblem(c.aws.region, partitionOf(c.aws.deployRoleArn));
  if (badRegion) report(['aws', 'region'], badRegion, c.aws.region);

  if (arnAccount(c.aws.deployRoleArn) !== c.aws.accountId) {
    report(['aws', 'deployRoleArn'], `a role in this environment's account aws.accountId "${c.aws.accountId}"`, c.aws.deployRoleArn);
  }
  (c.aws.sharesAccountWith ?? []).forEach((name, i) => {
    if (name === c.environment.name) report(['aws', 'sharesAccountWith', i], 'another environment than this one', name);
  });

  const queues = c.workers.queues;
  for (const i of duplicates(queues, (q) => q.name)) {
    report(['workers', 'queues', i, 'name'], 'a queue name not used by an earlier queue', queues[i].name);
  }
  queues.forEach((q, i) => {
    if (q.min > q.max) report(['workers', 'queues', i, 'min'], `at most max (${q.max})`, q.min);
  });

  const { computeEnvironments, jobQueues, jobDefinitions } = c.batch;
  for (const i of duplicates(computeEnvironments, (e) => e.name)) {
    report(['batch', 'computeEnvironments', i, 'name'], 'a name not used by an earlier compute environment', computeEnvironments[i].name);
  }
  computeEnvironments.forEach((e, i) => {
    if (e.minVcpus > e.maxVcpus) report(['batch', 'computeEnvironments', i, 'minVcpus'], `at most maxVcpus (${e.maxVcpus})`, e.minVcpus);
  });
  for (const i of duplicates(jobQueues, (q) => q.name)) {
    report(['batch', 'jobQueues', i, 'name'], 'a name not used by an earlier job queue', jobQueues[i].name);
  }
  const ceNames = computeEnvironments.map((e) => e.name);
  jobQueues.forEach((q, i) =>
    q.computeEnvironments.forEach((name, j) => {
      if (!ceNames.includes(name)) {
        report(['batch', 'jobQueues', i, 'computeEnvironments', j], `one of batch.computeEnvironments (${ceNames.join(', ') || 'none defined'})`, name);
      }
    }),
  );
  for (const i of duplicates(jobDefinitions, (d) => d.name)) {
    report(['batch', 'jobDefinitions', i, 'name'], 'a name not used by an earlier job definition', jobDefinitions[i].name);
  }
  const containers = Object.keys(c.release.containers ?? {});
  jobDefinitions.forEach((d, i) => {
    if (!containers.includes(d.container)) {
      report(['batch', 'jobDefinitions', i, 'container'], `one of release.containers (${containers.join(', ') || 'none defined'})`, d.container);
    }
  });

  const temporary = KIND_TRAITS[c.environment.kind].temporary;
  if (temporary && !c.protection.lifetime) {
    report(['protection', 'lifetime'], `a lifetime {expiresOn: "YYYY-MM-DD"}, which kind "${c.environment.kind}" requires`, undefined);
  }
  if (!temporary && c.protection.lifetime) {
    report(['protection', 'lifetime'], `no lifetime: kind "${c.environment.kind}" is not temporary (only adt is)`, c.protection.lifetime);
  }

  for (const key of Object.keys(c.tags)) {
    if ((MANAGED_TAG_KEYS as readonly string[]).includes(key)) {
      report(['tags', key], `a key other than ${MANAGED_TAG_KEYS.join(', ')}, which the kit sets itself`, c.tags[key]);
    }
  }

  if (c.storage.sharedFrom?.environment === c.environment.name) {
    report(['storage', 'sharedFrom', 'environment'], 'another environment (an environment always has its own buckets)', c.environment.name);
  }

  if (temporary) {
    c.storage.sharedFrom?.grants.forEach((grant, i) => {
      if (grant.access !== 'read') {
        report(['storage', 'sharedFrom', 'grants', i, 'access'], `read: a temporary (${c.environment.kind}) environment only reads shared data`, grant.access);
      }
    });
  }

  const daac = c.cnm.daac;
  if (daac && daac.cnmS.stream === 'external') {
    for (const field of ['streamArn', 'roleArn'] as const) {
      if (arnAccount(daac.cnmS[field]) !== daac.accountId) {
        report(['cnm', 'daac', 'cnmS', field], `an ARN in the DAAC account cnm.daac.accountId "${daac.accountId}"`, daac.cnmS[field]);
      }
    }
  }
  daac?.publisherPrincipals.forEach((arn, i) => {
    if (arnAccount(arn) !== daac.accountId) {
      report(['cnm', 'daac', 'publisherPrincipals', i], `a principal in the DAAC account cnm.daac.accountId "${daac.accountId}"`, arn);
    }
  });

  // A region that does not exist has no images either: one problem is enough.
  for (const component of badRegion ? [] : amiComponentsOf(c)) {
    try {
      resolveAmi(catalog, { component, region: c.aws.region, release: c.release.amiRelease, override: c.release.amiOverrides?.[component] });
    } catch (error) {
      if (!(error instanceof AmiLookupError)) throw error;
      const path = c.release.amiRelease ? ['release', 'amiRelease'] : ['release', 'amiOverrides', component];
      report(path, `an AMI catalog entry (${error.message})`, c.release.amiRelease);
    }
  }
  return dedupe(issues);
}

/**
 * A lifetime that has ended: every object of the environment's buckets would expire at once. The
 * loader makes it an error for an environment not deployed yet, a warning for one that exists
 * (it is due to be destroyed, and destroying it needs its config to load).
 */
export function lifetimeIssue({ file, config }: LoadedEnvironment, today: string): ConfigIssue | undefined {
  const expiresOn = config.protection.lifetime?.expiresOn;
  const problem = expiresOn && pastDateProblem(expiresOn, today);
  return problem ? { file, path: ['protection', 'lifetime', 'expiresOn'], expected: problem, found: expiresOn } : undefined;
}

/** Checks across all environments: shared storage and account separation. */
export function checkAcrossEnvironments(environments: readonly LoadedEnvironment[]): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const byName = new Map(environments.map((e) => [e.config.environment.name, e]));

  for (const { file, config } of environments) {
    const shared = config.storage.sharedFrom;
    if (!shared || shared.environment === config.environment.name) continue;
    const path = ['storage', 'sharedFrom', 'environment'];
    const owner = byName.get(shared.environment);
    if (!owner) {
      issues.push({ file, path, expected: `an existing environment (${[...byName.keys()].join(', ')})`, found: shared.environment });
    } else if (!isOpsLike(owner.config.environment.kind)) {
      issues.push({
        file,
        path,
        expected: `an ops-like environment (ops, forward, bulk); ${owner.file} is of kind "${owner.config.environment.kind}"`,
        found: shared.environment,
      });
    } else if (owner.config.storage.sharedFrom) {
      issues.push({
        file,
        path,
        expected: `an environment that owns its buckets; ${owner.file} itself uses storage.sharedFrom "${owner.config.storage.sharedFrom.environment}"`,
        found: shared.environment,
      });
    }
  }

  const allows = (a: EnvironmentConfig, b: EnvironmentConfig) =>
    (a.aws.sharesAccountWith ?? []).includes(b.environment.name) || (b.aws.sharesAccountWith ?? []).includes(a.environment.name);
  environments.forEach((a, i) => {
    for (const b of environments.slice(i + 1)) {
      if (a.config.aws.accountId === b.config.aws.accountId && !allows(a.config, b.config)) {
        issues.push({
          file: b.file,
          path: ['aws', 'accountId'],
          expected: `an account of its own: ${a.file} uses the same account (list "${a.config.environment.name}" in aws.sharesAccountWith if that is on purpose)`,
          found: b.config.aws.accountId,
        });
      }
    }
    (a.config.aws.sharesAccountWith ?? []).forEach((name, j) => {
      const other = byName.get(name);
      if (other && other.config.aws.accountId !== a.config.aws.accountId) {
        issues.push({
          file: a.file,
          path: ['aws', 'sharesAccountWith', j],
          expected: `an environment in account "${a.config.aws.accountId}"; ${other.file} is in "${other.config.aws.accountId}"`,
          found: name,
        });
      }
    });
  });
  return issues;
}

function dedupe(issues: ConfigIssue[]): ConfigIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path.join('.')}|${i.expected}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
