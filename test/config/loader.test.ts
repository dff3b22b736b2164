/** Reading environment files: YAML problems, line numbers, all problems at once, the set as a whole. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, formatIssue } from '../../config-generator/errors';
import { loadEnvironments, validateSources } from '../../config-generator/loader';
import { exampleData, exampleSources, exampleText, problemsWith } from '../support/examples';

const problemsOf = (file: string, text: string) => validateSources([{ file, text }]).issues.map(formatIssue);

describe('loader', () => {
  it('loads the six example environments from environments/', () => {
    const names = loadEnvironments().map((e) => e.config.environment.name);
    expect(names).toEqual(['adt', 'bulk', 'dev', 'forward', 'int', 'ops']);
  });

  it('fails on a YAML syntax error with its line', () => {
    const text = exampleText('dev').replace('  region: "us-west-2"', '  region: "us-west-2\n  bad: [');
    const [problem] = problemsOf('environments/dev.yaml', text);
    expect(problem).toMatch(/^environments\/dev\.yaml:\d+: \(file\): expected valid YAML, found /);
  });

  it('fails on a duplicate key instead of keeping the last one', () => {
    const text = exampleText('dev').replace('  region: "us-west-2"', '  region: "us-west-2"\n  region: "us-east-1"');
    expect(problemsOf('environments/dev.yaml', text).join('\n')).toMatch(/expected valid YAML, found .*[Mm]ap keys must be unique/);
  });

  it('fails on an empty file', () => {
    expect(problemsOf('environments/dev.yaml', '')).toEqual([
      'environments/dev.yaml:1: (file): expected a mapping of fields, found null',
    ]);
  });

  it('points at the line of the offending field', () => {
    const text = exampleText('dev').replace('max: 4', 'max: -4');
    const line = text.split('\n').findIndex((l) => l.includes('max: -4')) + 1;
    expect(problemsOf('environments/dev.yaml', text)).toContainEqual(
      `environments/dev.yaml:${line}: workers.queues[0].max: expected a whole number of instances >= 0, found -4`,
    );
  });

  it('reports every problem of every file at once', () => {
    const dev = exampleData('dev');
    dev.aws.region = 'mars-1';
    dev.network.vpcId = 'vpc-1';
    const ops = exampleData('ops');
    ops.workers.queues[0].min = 99;
    const problems = problemsWith({ dev, ops });
    expect(problems.filter((p) => p.startsWith('environments/dev.yaml'))).toHaveLength(2);
    expect(problems.filter((p) => p.startsWith('environments/ops.yaml'))).toHaveLength(1);
  });

  it('throws a ConfigError whose message lists the problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), exampleText('dev').replace('"111111111111"', '111111111111'));
    expect(() => loadEnvironments(dir)).toThrow(ConfigError);
    expect(() => loadEnvironments(dir)).toThrow(/1 problem in the environment configuration:\n {2}- .*dev\.yaml:\d+: aws\.accountId: expected a 12-digit/);
  });

  it('fails on a missing folder, an empty one, and .yml files instead of reading nothing', () => {
    expect(() => loadEnvironments('/no/such/folder')).toThrow('/no/such/folder: (file): expected a folder of environment files, found no such folder');
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    expect(() => loadEnvironments(dir)).toThrow('expected at least one <env>.yaml, found none');
    writeFileSync(join(dir, 'dev.yml'), exampleText('dev'));
    expect(() => loadEnvironments(dir)).toThrow(/dev\.yml: \(file\): expected the extension \.yaml/);
  });

  it('only reads top-level .yaml files (answers/ is not an environment)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), exampleText('dev'));
    writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');
    expect(loadEnvironments(dir).map((e) => e.file)).toEqual([expect.stringMatching(/dev\.yaml$/)]);
  });
});

describe('checks across environments', () => {
  it('fails when two environments share an account without saying so', () => {
    const int = exampleData('int');
    int.aws.accountId = '111111111111';
    int.aws.deployRoleArn = 'arn:aws:iam::111111111111:role/pcm-deploy';
    expect(problemsWith({ int })).toEqual([
      expect.stringMatching(/^environments\/int\.yaml:\d+: aws\.accountId: expected an account of its own: environments\/dev\.yaml uses the same account \(list "dev" in aws\.sharesAccountWith/),
    ]);
  });

  it('accepts a shared account that one side declares', () => {
    const int = exampleData('int');
    int.aws.accountId = '111111111111';
    int.aws.deployRoleArn = 'arn:aws:iam::111111111111:role/pcm-deploy';
    int.aws.sharesAccountWith = ['dev'];
    expect(problemsWith({ int })).toEqual([]);
  });

  it('fails when sharesAccountWith names an environment in another account', () => {
    const int = exampleData('int');
    int.aws.sharesAccountWith = ['ops'];
    expect(problemsWith({ int })).toEqual([
      expect.stringContaining('aws.sharesAccountWith[0]: expected an environment in account "222222222222"; environments/ops.yaml is in "333333333333"'),
    ]);
  });

  it('fails when the storage owner itself borrows storage', () => {
    const adt = exampleData('adt');
    adt.storage.sharedFrom.environment = 'forward';
    expect(problemsWith({ adt })).toEqual([
      expect.stringContaining('storage.sharedFrom.environment: expected an environment that owns its buckets; environments/forward.yaml itself uses storage.sharedFrom "ops"'),
    ]);
  });

  it('fails when an environment borrows from itself', () => {
    const forward = exampleData('forward');
    forward.storage.sharedFrom.environment = 'forward';
    expect(problemsWith({ forward })).toEqual([expect.stringContaining('storage.sharedFrom.environment: expected another environment')]);
  });

  it('checks the set only once every file is valid on its own', () => {
    const sources = exampleSources().filter((s) => !s.file.endsWith('ops.yaml'));
    const problems = validateSources(sources).issues.map(formatIssue);
    expect(problems).toHaveLength(3); // forward, bulk and adt all name the missing ops
    expect(problems.every((p) => p.includes('storage.sharedFrom.environment: expected an existing environment'))).toBe(true);
  });
});
