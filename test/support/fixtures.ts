/**
 * Environment configs for tests, built here instead of read from the shipped examples
 * (environments/*.yaml), so that an operator editing an example breaks only the tests whose subject
 * is the examples. Every value a test may assert on is a named constant of FIXTURE: write
 * `FIXTURE.accounts.ops`, never the digits.
 *
 * A fixture is a kind's preset (config-generator/presets.ts) plus what only an operator knows
 * (accounts, network, release, partners), and it always goes through the real validator
 * (`validateSources`, with the cross-environment checks): a fixture can never be an invalid config.
 *
 * The fleet is one consistent set of six, one per kind and named after it, with the topology the
 * kit exists for: ops owns the shared buckets and forward, bulk and adt are granted their prefixes
 * (the presets' grants); dev, int and ops deliver to the DAAC and exchange with CNES; ops, forward
 * and bulk write CNM-S to the DAAC's own stream; int runs Jenkins; bulk runs campaigns; adt has a
 * lifetime. Tests change one member as data (`fixtureData`) and validate the set again
 * (`fixtureSources`, `fixtureProblems`), exactly as they once broke the examples.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { formatIssue, formatIssues } from '../../config-generator/errors';
import { ENVIRONMENT_KINDS, type EnvironmentKind } from '../../config-generator/kinds';
import { validateSources, type EnvironmentSource, type LoadedEnvironment, type ValidationOptions } from '../../config-generator/loader';
import { mergeConfig, presetFor, type PartialConfig } from '../../config-generator/presets';
import { renderEnvironment, withoutEmptyOptionals } from '../../config-generator/render';
import type { EnvironmentConfig } from '../../config-generator/schema';

/**
 * The fleet: one environment per kind, named after its kind, in the order the loader reads files
 * (sorted by name), which is the order the owner's policies list its consumers in.
 */
export const FIXTURE_NAMES = [...ENVIRONMENT_KINDS].sort() as readonly EnvironmentKind[];
export type FixtureName = EnvironmentKind;

/** A test CA (its key was discarded when it was made): only its shape matters to the config. */
const TEST_CA = `-----BEGIN CERTIFICATE-----
MIICBTCCAaugAwIBAgIUIhbKPheBDt20JyORBIf+4ND9OdcwCgYIKoZIzj0EAwIw
VzEZMBcGA1UECgwQcGNtLWRlcGxveSB0ZXN0czE6MDgGA1UEAwwxcGNtLWRlcGxv
eSB0ZXN0IGZpeHR1cmUgbW96YXJ0IENBIChrZXkgZGlzY2FyZGVkKTAgFw0yNjEx
MzAyMDQ1NTlaGA8yMTI2MTEwNjIwNDU1OVowVzEZMBcGA1UECgwQcGNtLWRlcGxv
eSB0ZXN0czE6MDgGA1UEAwwxcGNtLWRlcGxveSB0ZXN0IGZpeHR1cmUgbW96YXJ0
IENBIChrZXkgZGlzY2FyZGVkKTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABI7r
Ulvr3cEcrhO1ykxr2kzh/ZcFqdwVKCpTw8HpIlRAMeFAn7hg4gIem0KebMbnOjE8
7yN/+lsEfVUAKA1zAO6jUzBRMB0GA1UdDgQWBBT5uX3XsnxOzmDPmgm8QtR/xEFT
bjAfBgNVHSMEGDAWgBT5uX3XsnxOzmDPmgm8QtR/xEFTbjAPBgNVHRMBAf8EBTAD
AQH/MAoGCCqGSM49BAMCA0gAMEUCIDvdoNBn8VaSQ8zdnjEzlBe3xkE15JCg9yAY
apM6HxiOAiEAh6z6hrHcznMXPTVKDFvIv0KzgZaS0V6WFlH1Q+VEEfI=
-----END CERTIFICATE-----
`;

const ACCOUNTS = {
  dev: '210000000001',
  int: '210000000002',
  ops: '210000000003',
  forward: '210000000004',
  bulk: '210000000005',
  adt: '210000000006',
  /** The DAAC's account (CNM-S reader, CNM-R publisher). */
  daac: '210000000007',
  /** CNES's account, which polls the messages bucket. */
  cnes: '210000000008',
} as const;

/** The values every fixture is built from; tests import these instead of writing literals. */
export const FIXTURE = {
  project: 'pcm',
  region: 'us-west-2',
  accounts: ACCOUNTS,
  /** `release.pcmRelease` of every member (and so the tag of its job types and images). */
  release: '9.3.0',
  /** A newer release, for a member that runs ahead of the others (a release being promoted). */
  candidateRelease: '9.4.0-rc.1',
  /** An AMI release of amis/catalog.yaml (the catalog is the kit's data, not an example). */
  amiRelease: '2026.11.0',
  /** The HySDS version the catalog gives that AMI release (the validator checks they agree). */
  hysdsVersion: 'v5.0.1',
  /** The DAAC role allowed to publish CNM-R responses. */
  daacPublisher: `arn:aws:iam::${ACCOUNTS.daac}:role/daac-cnm-response`,
  /** The DAAC's own CNM-S stream and the role the kit writes to it as (kinds with an external stream). */
  daacStreamArn: (name: string) => `arn:aws:kinesis:us-west-2:${ACCOUNTS.daac}:stream/daac-cnm-${name}`,
  daacWriterRoleArn: (name: string) => `arn:aws:iam::${ACCOUNTS.daac}:role/pcm-${name}-cnm-writer`,
  caCertificate: TEST_CA,
  /** int's reason for serving Jenkins over plain HTTP (`tls.jenkins.plainHttp`), which reports quote. */
  jenkinsPlainHttpReason: 'test fixture int: the ci image serves Jenkins on 8080 without TLS',
  /** The reason of `tls.mozart: {verify: false}` in dev and adt, which reports quote. */
  mozartUnverifiedReason: (name: string) => `test fixture ${name}: mozart on HySDS stock self-signed certificate`,
  /** adt's `protection.lifetime.expiresOn`. */
  expiresOn: '2099-12-31',
  alertEmail: (name: string) => `pcm-${name}-alerts@example.org`,
  /** The VPC and private subnets the account administrators provide to a member. */
  vpcId: (name: string) => `vpc-0f1e2d3c4b5a6000${FIXTURE_NAMES.indexOf(name as FixtureName) + 1}`,
  subnetIds: (name: string) => ['a1', 'b2'].map((az) => `subnet-0f1e2d3c4b5a60${FIXTURE_NAMES.indexOf(name as FixtureName) + 1}${az}`),
  /** CIDRs operators reach mozart from. */
  operatorCidrs: (name: string) => [`10.${100 + FIXTURE_NAMES.indexOf(name as FixtureName)}.0.0/16`, '192.0.2.0/24'],
} as const;

/** A member's `release` at `pcmRelease`: its images in its own registry and its job package, tagged alike. */
export function releaseFields(name: FixtureName, pcmRelease: string): PartialConfig['release'] {
  return {
    hysdsVersion: FIXTURE.hysdsVersion,
    pcmRelease,
    amiRelease: FIXTURE.amiRelease,
    containers: { pge: `${ACCOUNTS[name]}.dkr.ecr.${FIXTURE.region}.amazonaws.com/pcm-pge:${pcmRelease}` },
    jobPackages: [`container-pcm-pge:${pcmRelease}.sdspkg.tar`],
  };
}

/** What only an operator knows about a member of the fleet, on top of its kind's preset. */
function operatorFields(name: FixtureName): PartialConfig {
  const account = ACCOUNTS[name];
  const daac = (external: boolean) => ({
    accountId: ACCOUNTS.daac,
    publisherPrincipals: [FIXTURE.daacPublisher],
    cnmS: external ? { stream: 'external' as const, streamArn: FIXTURE.daacStreamArn(name), roleArn: FIXTURE.daacWriterRoleArn(name) } : { stream: 'stand-in' as const },
  });
  const cnes = { accountId: ACCOUNTS.cnes, batchIntervalMinutes: 15 };
  const verified = { mozart: { caCertificate: TEST_CA } };
  const unverified = { mozart: { verify: false as const, reason: FIXTURE.mozartUnverifiedReason(name) } };
  const common: PartialConfig = {
    project: FIXTURE.project,
    environment: { name, kind: name },
    aws: { accountId: account, region: FIXTURE.region, deployRoleArn: `arn:aws:iam::${account}:role/pcm-deploy` },
    network: {
      vpcId: FIXTURE.vpcId(name),
      privateSubnetIds: FIXTURE.subnetIds(name),
      operatorCidrs: FIXTURE.operatorCidrs(name),
    },
    release: releaseFields(name, FIXTURE.release),
  };
  const perKind: Record<FixtureName, PartialConfig> = {
    dev: { cnm: { daac: daac(false), cnes }, tls: unverified },
    int: {
      cnm: { daac: daac(false), cnes },
      tls: { ...verified, jenkins: { plainHttp: true, reason: FIXTURE.jenkinsPlainHttpReason } },
      alerts: { emails: [FIXTURE.alertEmail(name)] },
    },
    ops: { cnm: { daac: daac(true), cnes }, tls: verified, alerts: { emails: [FIXTURE.alertEmail(name)] } },
    forward: { cnm: { daac: daac(true) }, tls: verified, alerts: { emails: [FIXTURE.alertEmail(name)] } },
    bulk: { cnm: { daac: daac(true) }, tls: verified, alerts: { emails: [FIXTURE.alertEmail(name)] }, campaigns: { enabled: true } },
    adt: { protection: { lifetime: { expiresOn: FIXTURE.expiresOn } }, tls: unverified },
  };
  return mergeConfig(common, perKind[name]);
}

/**
 * A fresh, mutable copy of one member's data (raw, not yet validated: tests break it on purpose
 * and validate it with `fixtureSources`/`fixtureProblems`). `overrides` is deep-merged (arrays
 * replaced whole).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw data that tests break on purpose; a schema type would reject the breakage
export function fixtureData(name: FixtureName, overrides: PartialConfig = {}): any {
  return JSON.parse(JSON.stringify(mergeConfig(mergeConfig(presetFor(name), operatorFields(name)), overrides)));
}

/** The fleet as environment files, with `changes` replacing some members (as data, e.g. from `fixtureData`). */
export function fixtureSources(changes: Partial<Record<FixtureName, unknown>> = {}): EnvironmentSource[] {
  return FIXTURE_NAMES.map((name) => ({ file: `environments/${name}.yaml`, text: stringify(name in changes ? changes[name] : fixtureData(name)) }));
}

/** Validates the fleet with changes, returning the rendered problems (none: the fleet is valid). */
export function fixtureProblems(changes: Partial<Record<FixtureName, unknown>> = {}, options: ValidationOptions = {}): string[] {
  return validateSources(fixtureSources(changes), undefined, options).issues.map(formatIssue);
}

/**
 * The fleet, loaded through the real validator, with `changes` applied; throws, listing every
 * problem, when the result is not a valid set (a fixture is never an invalid config).
 */
export function fixtureEnvironments(changes: Partial<Record<FixtureName, unknown>> = {}): LoadedEnvironment[] {
  const { environments, issues } = validateSources(fixtureSources(changes));
  if (issues.length > 0) throw new Error(`invalid test fixture:\n${formatIssues(issues)}`);
  return environments;
}

/** One member's validated config (validated with the whole fleet, which it may share with). */
export function fixtureConfig(name: FixtureName, changes: Partial<Record<FixtureName, unknown>> = {}): EnvironmentConfig {
  return fixtureEnvironments(changes).find((e) => e.config.environment.name === name)!.config;
}

/**
 * One member as the commented file `npm run configure` would write (the real template), for tests
 * of what the loader reports about a file's text: lines, columns, YAML mistakes.
 */
export function fixtureText(name: FixtureName): string {
  return render(fixtureConfig(name));
}

/**
 * A new folder holding the fleet (with `changes`) as environment files, each rendered by the real
 * template as `npm run configure` writes it, for tests that run the kit's commands on a folder.
 */
export function fixtureDir(changes: Partial<Record<FixtureName, unknown>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-fixtures-'));
  for (const { config } of fixtureEnvironments(changes)) {
    writeFileSync(join(dir, `${config.environment.name}.yaml`), render(config));
  }
  return dir;
}

/** The file the wizard writes for a config (the same template and header as the examples). */
function render(config: EnvironmentConfig): string {
  const file = `environments/${config.environment.name}.yaml`;
  return renderEnvironment(withoutEmptyOptionals(config), { schemaRef: '../config-generator/environment.schema.json', selfRef: file });
}
