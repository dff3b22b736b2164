/** Synthesis of every environment (the fixture fleet, test/support/fixtures.ts) into its two stacks. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadAmiCatalog } from '../../amis/catalog';
import { validateSources } from '../../config-generator/loader';
import { Naming } from '../../modules/naming';
import { selectEnvironments } from '../../config-generator/select';
import { fixtureData, fixtureEnvironments } from '../support/fixtures';
import { REPO } from '../support/run';
import { resourcesOf, synthesize } from '../support/synth';
import { stringify } from 'yaml';

const environments = fixtureEnvironments();
const { stacks, dependencies } = synthesize(environments);
const catalog = loadAmiCatalog();

describe('synthesis of all environments', () => {
  it('creates <env>-data and <env>-compute for each of the six environments', () => {
    const expected = environments.flatMap((e) => [`${e.config.environment.name}-data`, `${e.config.environment.name}-compute`]);
    expect(Object.keys(stacks).sort()).toEqual(expected.sort());
    expect(Object.keys(stacks)).toHaveLength(12);
  });

  it.each(environments.map((e) => [e.config.environment.name, e.config] as const))(
    '%s: provider assumes the deploy role in its own account and region, with default tags',
    (name, config) => {
      for (const layer of ['data', 'compute']) {
        const [provider] = stacks[`${name}-${layer}`].provider.aws;
        expect(provider).toEqual({
          region: config.aws.region,
          allowed_account_ids: [config.aws.accountId],
          assume_role: [{ role_arn: config.aws.deployRoleArn, session_name: `pcm-deploy-${name}-${layer}` }],
          default_tags: [
            {
              tags: {
                project: 'pcm',
                environment: name,
                kind: config.environment.kind,
                'managed-by': 'pcm-deploy',
                // Only the temporary environment carries its lifetime on every resource.
                ...(name === 'adt' ? { 'expires-on': config.protection.lifetime!.expiresOn } : {}),
              },
            },
          ],
        });
      }
    },
  );

  it.each(environments.map((e) => [e.config.environment.name, e.config] as const))(
    '%s: state lives in the account state bucket with S3 native locking',
    (name, config) => {
      const naming = Naming.of(config);
      for (const layer of ['data', 'compute'] as const) {
        expect(stacks[`${name}-${layer}`].terraform.backend.s3).toEqual({
          bucket: naming.stateBucket(),
          key: `${name}/${name}-${layer}.tfstate`,
          region: config.aws.region,
          encrypt: true,
          use_lockfile: true,
          assume_role: { role_arn: config.aws.deployRoleArn },
        });
      }
    },
  );

  it('pins the AWS provider the offline mirror holds', () => {
    for (const stack of Object.values(stacks)) {
      expect(stack.terraform.required_providers.aws).toEqual({ source: 'aws', version: '5.100.0' });
    }
  });

  it.each(environments.map((e) => [e.config.environment.name, e.config] as const))(
    '%s-data: one KMS key with rotation, protected from destroy when the config says so',
    (name, config) => {
      const keys = Object.values(resourcesOf(stacks[`${name}-data`], 'aws_kms_key'));
      expect(keys).toHaveLength(1);
      expect(keys[0]).toMatchObject({ enable_key_rotation: true, lifecycle: { prevent_destroy: config.protection.deletionProtection } });
      expect(config.protection.deletionProtection).toBe(['int', 'ops', 'forward', 'bulk'].includes(name));
      expect(JSON.parse(keys[0].policy).Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${config.aws.accountId}:root` });
      expect(Object.values(resourcesOf(stacks[`${name}-data`], 'aws_kms_alias'))).toEqual([
        expect.objectContaining({ name: `alias/pcm-${name}` }),
      ]);
    },
  );

  it.each(environments.map((e) => [e.config.environment.name, e.config] as const))(
    '%s-compute: resolves each component AMI from the catalog and deploys after its data stack',
    (name, config) => {
      const images = catalog.releases[config.release.amiRelease!].regions[config.aws.region];
      const ids = stacks[`${name}-compute`].output.ami_ids.value;
      for (const [component, id] of Object.entries(ids)) expect(id).toBe(images[component as keyof typeof images]);
      expect(Object.keys(ids)).toEqual(expect.arrayContaining(['mozart', 'metrics', 'grq', 'factotum', 'verdi', 'batch']));
      expect(dependencies[`${name}-compute`]).toEqual([`${name}-data`]);
    },
  );

  it('writes no credentials into the synthesized output', () => {
    const text = JSON.stringify(stacks);
    expect(text).not.toMatch(/AKIA[0-9A-Z]{16}|access_key|secret_key|"token"/i);
    // The provisioning script names HySDS's password fields, and fills them from openssl at run
    // time: a value after any of them would be a credential written into the output.
    const assignments = [...text.matchAll(/password["']?\s*[:=]\s*(\S{0,12})/gi)].map((m) => m[1]);
    expect(assignments.length).toBeGreaterThan(0);
    expect(assignments.filter((value) => !value.startsWith('%s'))).toEqual([]);
  });
});

describe('synthesis options', () => {
  it('resolves an AMI given as an SSM parameter at deploy time', () => {
    const dev = fixtureData('dev');
    dev.release.amiOverrides = { verdi: { ssmParameter: '/pcm/amis/verdi' } };
    const [loaded] = validateSources([{ file: 'environments/dev.yaml', text: stringify(dev) }]).environments;
    const { stacks: only } = synthesize([loaded]);
    const compute = only['dev-compute'];
    const [parameterId, parameter] = Object.entries(compute.data.aws_ssm_parameter)[0] as [string, { name: string }];
    expect(parameter.name).toBe('/pcm/amis/verdi');
    expect(compute.output.ami_ids.value.verdi).toBe(`\${data.aws_ssm_parameter.${parameterId}.value}`);
  });

  it('restricts synthesis to the environment PCM_ENV names', () => {
    expect(selectEnvironments(environments, 'ops').map((e) => e.config.environment.name)).toEqual(['ops']);
    expect(selectEnvironments(environments, undefined)).toHaveLength(6);
  });

  it('fails on a PCM_ENV that names no environment, listing the known ones', () => {
    expect(() => selectEnvironments(environments, 'prod')).toThrow('PCM_ENV=prod: no such environment; the environment files are adt, bulk, dev, forward, int, ops');
  });

  it('fails naming the selector the way the caller gave it (the CLIs: --env), with no rewriting of the message', () => {
    expect(() => selectEnvironments(environments, 'prod', '--env ')).toThrow(/^--env prod: no such environment; the environment files are adt, bulk, dev, forward, int, ops$/);
  });
});

describe('source conventions', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      if (['node_modules', 'cdktf.out', '.git'].includes(entry)) return [];
      return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('imports provider classes by deep path only (the package root costs 5x synth time)', () => {
    const offenders = sources(REPO).filter((file) => /from '@cdktf\/provider-aws'/.test(readFileSync(file, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
