/** Reading environment files: YAML problems, line numbers, all problems at once, the set as a whole. */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EnvironmentFilesError, formatIssue, type ConfigIssue } from '../../config-generator/errors';
import { loadEnvironments, validateSources } from '../../config-generator/loader';
import { FIXTURE, fixtureData, fixtureProblems, fixtureSources, fixtureText } from '../support/fixtures';

const problemsOf = (file: string, text: string) => validateSources([{ file, text }]).issues.map(formatIssue);

describe('loader', () => {
  it('loads the six example environments from environments/', () => {
    const names = loadEnvironments().map((e) => e.config.environment.name);
    expect(names).toEqual(['adt', 'bulk', 'dev', 'forward', 'int', 'ops']);
  });

  it('fails on an unclosed quote naming line, column and key, and showing the line', () => {
    const text = fixtureText('dev').replace('  region: "us-west-2"', '  region: "us-west-2\n  bad: [');
    const line = text.split('\n').findIndex((l) => l === '  region: "us-west-2') + 1;
    expect(problemsOf('environments/dev.yaml', text)).toEqual([
      `environments/dev.yaml:${line}:21: aws.region: expected valid YAML, found Missing closing "quote (a quote or bracket left open shows up where the parser gives up, often lines later)\n` +
        `      ${line} |   region: "us-west-2\n` +
        `         |                     ^`,
    ]);
  });

  it('fails on a key indented deeper than its neighbours at its own line, not the one before', () => {
    const text = fixtureText('dev').replace('  region: "us-west-2"', '    region: "us-west-2"');
    const line = text.split('\n').findIndex((l) => l === '    region: "us-west-2"') + 1;
    expect(problemsOf('environments/dev.yaml', text)).toEqual([
      `environments/dev.yaml:${line}:5: aws.region: expected the indentation of the line above (2 spaces): indentation says which mapping a key belongs to, found 4 spaces\n` +
        `      ${line} |     region: "us-west-2"\n` +
        `         |     ^`,
    ]);
    // Without a comment between: the parser complains about the line above; the report does not.
    expect(problemsOf('environments/x.yaml', 'a:\n  b: 1\n    c: 2\n')[0]).toMatch(/^environments\/x\.yaml:3:5: a\.c: expected the indentation of the line above \(2 spaces\)/);
  });

  it('fails on a key indented less than its neighbours', () => {
    const text = fixtureText('dev').replace('  region: "us-west-2"', ' region: "us-west-2"');
    const line = text.split('\n').findIndex((l) => l === ' region: "us-west-2"') + 1;
    expect(problemsOf('environments/dev.yaml', text)[0]).toBe(
      `environments/dev.yaml:${line}:2: aws.region: expected the indentation of the line above (2 spaces): indentation says which mapping a key belongs to, found 1 space\n` +
        `      ${line} |  region: "us-west-2"\n` +
        `         |  ^`,
    );
  });

  it('fails on a duplicate key, naming it and where it was first set', () => {
    const text = fixtureText('dev').replace('  region: "us-west-2"', '  region: "us-west-2"\n  region: "us-east-1"');
    const line = text.split('\n').findIndex((l) => l === '  region: "us-east-1"') + 1;
    expect(problemsOf('environments/dev.yaml', text)).toEqual([
      `environments/dev.yaml:${line}:3: aws.region: expected each key once in a mapping (YAML would otherwise keep only one of them), found "region" a second time (line ${line - 1} sets it first)\n` +
        `      ${line} |   region: "us-east-1"\n` +
        `         |   ^`,
    ]);
  });

  it('fails on a release written as a number, with the hint to quote it', () => {
    const text = fixtureText('dev').replace(/pcmRelease: "[^"]+"/, 'pcmRelease: 4.10');
    const line = text.split('\n').findIndex((l) => l.includes('pcmRelease: 4.10')) + 1;
    expect(problemsOf('environments/dev.yaml', text)).toEqual([
      `environments/dev.yaml:${line}: release.pcmRelease: expected a release tag such as "v5.0.1" or "4.2.0", found 4.1 (write it in quotes, "4.10": unquoted, YAML reads the number 4.1)`,
    ]);
  });

  it('fails on a file that is not UTF-8, naming the byte and its offset', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    const text = fixtureText('dev').replace('"pcm"', '"pcm"\n# Mise à jour');
    const latin1 = Buffer.from(text, 'latin1');
    writeFileSync(join(dir, 'dev.yaml'), latin1);
    const offset = latin1.indexOf(0xe0);
    const line = text.slice(0, text.indexOf('à')).split('\n').length;
    expect(() => loadEnvironments(dir)).toThrow(
      `dev.yaml: (file): expected UTF-8 text (the encoding is wrong: save the file as UTF-8), found the byte 0xE0 at byte offset ${offset} (line ${line}), which is not UTF-8 (Latin-1 or Windows-1252?)`,
    );
  });

  it('fails on a binary file at once, with one problem, not one per byte', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), fixtureText('dev'));
    writeFileSync(join(dir, 'int.yaml'), Buffer.concat([Buffer.from('PK'), Buffer.alloc(3_000_000, 7), Buffer.from([0, 1, 2])]));
    let error: EnvironmentFilesError | undefined;
    try {
      loadEnvironments(dir);
    } catch (e) {
      error = e as EnvironmentFilesError;
    }
    expect(error?.issues.map(formatIssue)).toEqual([
      expect.stringMatching(/int\.yaml: \(file\): expected a text file in YAML, found binary content \(the control byte 0x07 at byte offset 2\); is this an environment file\?$/),
    ]);
  });

  it('reads only <name>.yaml: backups and editor files left in the folder are not environments', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), fixtureText('dev'));
    for (const leftover of ['dev.yaml.bak', 'dev.yaml~', '.dev.yaml.swp', 'dev copy.yaml', 'dev.old.yaml', '#dev.yaml#']) {
      writeFileSync(join(dir, leftover), 'broken: [');
    }
    symlinkSync(join(dir, 'nowhere'), join(dir, '.#dev.yaml')); // an Emacs lock: a dangling link
    expect(loadEnvironments(dir).map((e) => e.file)).toEqual([expect.stringMatching(/dev\.yaml$/)]);
  });

  it('fails on an empty file', () => {
    expect(problemsOf('environments/dev.yaml', '')).toEqual([
      'environments/dev.yaml:1: (file): expected a mapping of fields, found null',
    ]);
  });

  it('points at the line of the offending field', () => {
    const text = fixtureText('dev').replace('max: 4', 'max: -4');
    const line = text.split('\n').findIndex((l) => l.includes('max: -4')) + 1;
    expect(problemsOf('environments/dev.yaml', text)).toContainEqual(
      `environments/dev.yaml:${line}: workers.queues[0].max: expected a whole number of instances >= 0, found -4`,
    );
  });

  it('reports every problem of every file at once', () => {
    const dev = fixtureData('dev');
    dev.aws.region = 'mars-1';
    dev.network.vpcId = 'vpc-1';
    const ops = fixtureData('ops');
    ops.workers.queues[0].min = 99;
    const problems = fixtureProblems({ dev, ops });
    expect(problems.filter((p) => p.startsWith('environments/dev.yaml'))).toHaveLength(2);
    expect(problems.filter((p) => p.startsWith('environments/ops.yaml'))).toHaveLength(1);
  });

  it('throws a EnvironmentFilesError whose message lists the problems', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), fixtureText('dev').replace(`"${FIXTURE.accounts.dev}"`, FIXTURE.accounts.dev));
    expect(() => loadEnvironments(dir)).toThrow(EnvironmentFilesError);
    expect(() => loadEnvironments(dir)).toThrow(/1 problem in the environment configuration:\n {2}- .*dev\.yaml:\d+: aws\.accountId: expected a 12-digit/);
  });

  it('fails on a missing folder, an empty one, and .yml files instead of reading nothing', () => {
    expect(() => loadEnvironments('/no/such/folder')).toThrow('/no/such/folder: (file): expected a folder of environment files, found no such folder');
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    expect(() => loadEnvironments(dir)).toThrow('expected at least one <env>.yaml, found none');
    writeFileSync(join(dir, 'dev.yml'), fixtureText('dev'));
    expect(() => loadEnvironments(dir)).toThrow(/dev\.yml: \(file\): expected the extension \.yaml/);
  });

  it('only reads top-level .yaml files (answers/ is not an environment)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    writeFileSync(join(dir, 'dev.yaml'), fixtureText('dev'));
    writeFileSync(join(dir, 'notes.txt'), 'not yaml: [');
    expect(loadEnvironments(dir).map((e) => e.file)).toEqual([expect.stringMatching(/dev\.yaml$/)]);
  });
});

describe('regions and dates', () => {
  it('fails on a region that does not exist, once (not again for its images)', () => {
    const text = fixtureText('dev').replace('region: "us-west-2"', 'region: "us-west-9"');
    expect(problemsOf('environments/dev.yaml', text)).toEqual([
      expect.stringMatching(/^environments\/dev\.yaml:\d+: aws\.region: expected a region that exists in the aws partition \(us-east-1, us-east-2, us-west-1, us-west-2, \.\.\.\), found "us-west-9"$/),
    ]);
  });

  it("fails on a region of another partition than the deploy role's", () => {
    const text = fixtureText('dev').replace('region: "us-west-2"', 'region: "us-gov-west-1"');
    expect(problemsOf('environments/dev.yaml', text)).toContainEqual(
      expect.stringContaining('aws.region: expected a region of the aws partition (the deploy role\'s); us-gov-west-1 is in aws-us-gov, found "us-gov-west-1"'),
    );
  });

  it('fails on a lifetime that has ended for an environment not deployed yet', () => {
    const text = fixtureText('adt').replace(/expiresOn: "[^"]+"/, 'expiresOn: "2020-01-01"');
    const line = text.split('\n').findIndex((l) => l.includes('2020-01-01')) + 1;
    const { issues, warnings } = validateSources([...fixtureSources().filter((s) => !s.file.endsWith('adt.yaml')), { file: 'environments/adt.yaml', text }], undefined, { today: '2026-11-30' });
    expect(warnings).toEqual([]);
    expect(issues.map(formatIssue)).toEqual([
      `environments/adt.yaml:${line}: protection.lifetime.expiresOn: expected a date after today (2026-11-30): on that date every object of the environment's buckets expires, found "2020-01-01"`,
    ]);
  });

  it('warns, without failing, on an ended lifetime of an environment that exists (it must still load to be destroyed)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-loader-'));
    const adt = fixtureData('adt');
    adt.protection.lifetime.expiresOn = '2020-01-01';
    for (const source of fixtureSources({ adt })) writeFileSync(join(dir, source.file.split('/').pop()!), source.text);
    mkdirSync(join(dir, '.deployed'));
    writeFileSync(join(dir, '.deployed', 'adt.json'), '{}');
    const warnings: ConfigIssue[] = [];
    expect(loadEnvironments(dir, undefined, { warnings, today: '2026-11-30' })).toHaveLength(6);
    expect(warnings.map(formatIssue)).toEqual([
      expect.stringMatching(/adt\.yaml:\d+: protection\.lifetime\.expiresOn: expected a date after today \(2026-11-30\).*found "2020-01-01" \(the environment is past its lifetime: destroy it, or set a later date\)$/),
    ]);
  });
});

describe('checks across environments', () => {
  it('fails when two environments share an account without saying so', () => {
    const int = fixtureData('int');
    int.aws.accountId = FIXTURE.accounts.dev;
    int.aws.deployRoleArn = `arn:aws:iam::${FIXTURE.accounts.dev}:role/pcm-deploy`;
    expect(fixtureProblems({ int })).toEqual([
      expect.stringMatching(/^environments\/int\.yaml:\d+: aws\.accountId: expected an account of its own: environments\/dev\.yaml uses the same account \(list "dev" in aws\.sharesAccountWith/),
    ]);
  });

  it('accepts a shared account that one side declares', () => {
    const int = fixtureData('int');
    int.aws.accountId = FIXTURE.accounts.dev;
    int.aws.deployRoleArn = `arn:aws:iam::${FIXTURE.accounts.dev}:role/pcm-deploy`;
    int.aws.sharesAccountWith = ['dev'];
    expect(fixtureProblems({ int })).toEqual([]);
  });

  it('fails when sharesAccountWith names an environment in another account', () => {
    const int = fixtureData('int');
    int.aws.sharesAccountWith = ['ops'];
    expect(fixtureProblems({ int })).toEqual([
      expect.stringContaining(`aws.sharesAccountWith[0]: expected an environment in account "${FIXTURE.accounts.int}"; environments/ops.yaml is in "${FIXTURE.accounts.ops}"`),
    ]);
  });

  it('fails when the storage owner itself borrows storage', () => {
    const adt = fixtureData('adt');
    adt.storage.sharedFrom.environment = 'forward';
    expect(fixtureProblems({ adt })).toEqual([
      expect.stringContaining('storage.sharedFrom.environment: expected an environment that owns its buckets; environments/forward.yaml itself uses storage.sharedFrom "ops"'),
    ]);
  });

  it('fails when an environment borrows from itself', () => {
    const forward = fixtureData('forward');
    forward.storage.sharedFrom.environment = 'forward';
    expect(fixtureProblems({ forward })).toEqual([expect.stringContaining('storage.sharedFrom.environment: expected another environment')]);
  });

  it('checks the set only once every file is valid on its own', () => {
    const sources = fixtureSources().filter((s) => !s.file.endsWith('ops.yaml'));
    const problems = validateSources(sources).issues.map(formatIssue);
    expect(problems).toHaveLength(3); // forward, bulk and adt all name the missing ops
    expect(problems.every((p) => p.includes('storage.sharedFrom.environment: expected an existing environment'))).toBe(true);
  });
});
