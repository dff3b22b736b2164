/**
 * `npm run configure` as a person or a pipeline runs it: without a terminal through flags, and
 * at a real pseudo-terminal with keystrokes.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { exampleData } from '../support/examples';
import { FIXTURE, fixtureData, fixtureDir } from '../support/fixtures';
import { KEYS, PtySession } from '../support/pty';
import { configure, REPO } from '../support/run';

const ANSWERS = join(REPO, 'environments', 'answers');

/** A folder of environment files (the fixture fleet), for commands that must not touch the examples. */
const environmentsCopy = (): string => fixtureDir();

const emptyDir = () => mkdtempSync(join(tmpdir(), 'pcm-configure-'));

describe('configure without a terminal', () => {
  it('fails at once, naming the flags to use, when there is nothing to answer with', () => {
    const dir = emptyDir();
    const result = configure(['--dir', dir]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('there is no terminal to ask questions on');
    expect(result.stderr).toContain('--defaults (with --set path=value), --answers FILE or --from FILE');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('writes the environment from an answers file', () => {
    const dir = emptyDir();
    const result = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--dir', dir]);
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe(`Wrote ${join(dir, 'dev.yaml')}\n`);
    expect(parse(readFileSync(join(dir, 'dev.yaml'), 'utf8'))).toEqual(exampleData('dev'));
  });

  it('fails on --defaults when answers without a default are missing, listing them', () => {
    const dir = emptyDir();
    const result = configure(['--defaults', '--set', 'environment.name=dev', '--dir', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('(answers): network.vpcId: expected an answer: VPC provided by the account administrators, found nothing');
    expect(result.stderr).toContain('Give them with --set path=value or in an --answers file.');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('refuses to overwrite without --force and shows what would change', () => {
    const dir = environmentsCopy();
    const before = readFileSync(join(dir, 'dev.yaml'), 'utf8');
    const refused = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--set', 'workers.queues[0].max=6', '--dir', dir]);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/^-\s+max: 4$/m);
    expect(refused.stdout).toMatch(/^\+\s+max: 6$/m);
    expect(refused.stderr).toContain('without --force');
    expect(readFileSync(join(dir, 'dev.yaml'), 'utf8')).toBe(before);

    const forced = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--set', 'workers.queues[0].max=6', '--dir', dir, '--force']);
    expect(forced.status).toBe(0);
    expect(parse(readFileSync(join(dir, 'dev.yaml'), 'utf8')).workers.queues[0].max).toBe(6);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('re-uses a pre-generated config with --from, and checks it against the other environments', () => {
    const dir = environmentsCopy();
    const from = join(dir, 'ops.yaml');
    const clash = configure(['--from', from, '--set', 'environment.name=ops-2', '--dir', dir]);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/ops-2\.yaml \(from the answers; not written\):\d+: aws\.accountId: expected an account of its own: .*ops\.yaml uses the same account/);
    expect(existsSync(join(dir, 'ops-2.yaml'))).toBe(false);

    const ok = configure(['--from', from, '--set', 'environment.name=ops-2', '--set', 'aws.sharesAccountWith=ops', '--dir', dir]);
    expect(ok.stderr).toBe('');
    const written = parse(readFileSync(join(dir, 'ops-2.yaml'), 'utf8'));
    expect(written.environment).toEqual({ name: 'ops-2', kind: 'ops' });
    expect(written.workers).toEqual(fixtureData('ops').workers);
  });

  it('fails on a bad --set, quoting it, and writes nothing', () => {
    const dir = emptyDir();
    const result = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--set', 'network.operatorCidrs=0.0.0.0/0', '--dir', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--set: network.operatorCidrs[0]: expected a CIDR block of /8 or narrower');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('fails on an --out file that does not carry the environment name', () => {
    const dir = emptyDir();
    const result = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--dir', dir, '--out', join(dir, 'mine.yaml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--out: (file): expected a file named dev.yaml');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('names the answers, not a file that was never written, when the result is invalid', () => {
    const dir = emptyDir();
    const result = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--set', 'workers.queues[0].min=9', '--dir', dir]);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/dev\.yaml \(from the answers; not written\):\d+: workers\.queues\[0\]\.min: expected at most max \(4\), found 9/);
  });

  it('writes an empty optional list as not set', () => {
    const dir = emptyDir();
    const result = configure(['--answers', join(ANSWERS, 'dev.yaml'), '--set', 'aws.sharesAccountWith=', '--dir', dir]);
    expect(result.stderr).toBe('');
    expect(parse(readFileSync(join(dir, 'dev.yaml'), 'utf8')).aws.sharesAccountWith).toBeUndefined();
  });
});

describe('configure at a terminal', () => {
  const command = (dir: string) => `${process.execPath} --import tsx cli/configure.ts --dir ${dir}`;
  const env = { AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };

  /** Answers the question of a field once its prompt (after its help line) is on screen. */
  const at = (path: string) => new RegExp(`\\[${path.replace(/[.[\]]/g, '\\$&')}\\][^\\n]*\\n[^\\n]*›`);
  const clear = (pty: PtySession, n = 40) => pty.send(KEYS.backspace.repeat(n));

  it('asks a new dev cluster, strips typed quotes, re-asks a region without images, and ends in a summary and the next commands', async () => {
    const dir = emptyDir();
    const pty = new PtySession(`${command(dir)} --set network.vpcId=vpc-12`, { cwd: REPO, env: { ...env, COLUMNS: '80' } });
    try {
      await pty.answer(at('environment.name'), `dev-alice${KEYS.enter}`);
      await pty.answer(at('environment.kind'), KEYS.enter); // dev, suggested by the name
      await pty.answer(at('project'), KEYS.enter);
      await pty.answer(at('aws.accountId'), `"012345678901"${KEYS.enter}`); // quotes as in the file: stripped
      await pty.answer(at('aws.region'), `eu-west-1${KEYS.enter}`);
      await pty.waitFor('expected a region with images: us-west-2, us-east-1 (eu-west-1 has none)');
      clear(pty, 9);
      pty.send(`us-east-1${KEYS.enter}`);
      await pty.answer(at('aws.deployRoleArn'), KEYS.enter);
      await pty.answer(at('network.vpcId'), `vpc-0123456789abcdef0${KEYS.enter}`);
      expect(pty.screen).toMatch(/"vpc-12" for network\.vpcId is not valid: expected a VPC id such as\s+"vpc-0a1b2c3d4e5f67890"/);
      await pty.answer(at('network.privateSubnetIds'), `subnet-0123456789abcdef0${KEYS.enter}`);
      await pty.answer(at('network.operatorCidrs'), `10.0.0.0/8, 192.168.0.0/16${KEYS.enter}`);
      await pty.answer(at('release.pcmRelease'), `4.1.0${KEYS.enter}`);
      await pty.answer(at('release.amiRelease'), KEYS.enter);
      await pty.answer(/Deliver to a DAAC\? [^\n]*\(y\/N\)/, KEYS.enter);
      await pty.answer(/Exchange with CNES\? [^\n]*\(y\/N\)/, KEYS.enter);
      await pty.answer(/Write dev-alice\.yaml\?/, KEYS.enter);
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    expect(pty.screen).not.toContain('in quotes');
    expect(pty.raw).toContain('\x1b[2m  12 digits [aws.accountId]'); // help lines are dim at a terminal
    const summary = pty.screen.slice(pty.screen.indexOf('Summary of dev-alice.yaml'));
    expect(summary).toMatch(/account +012345678901 in us-east-1\r?\n/);
    expect(summary).toMatch(/DAAC +no delivery\r?\n/);
    expect(summary).toMatch(/release +PCM 4\.1\.0, HySDS v5\.0\.1, AMIs 2026\.11\.0\r?\n/);
    expect(pty.screen).toContain(`Wrote ${join(dir, 'dev-alice.yaml')}`);
    expect(pty.screen).toMatch(/Next:\r?\n +npm run check -- --env dev-alice --dir \S+ .*\r?\n +npm run bootstrap -- --env dev-alice --dir \S+ .*\r?\n +npm run deploy -- --env dev-alice --dir \S+ --plan/);
    expect(pty.screen.split(/\r?\n/).filter((line) => !line.includes('›') && !line.includes('.yaml') && !line.includes('--dir') && line.length > 80)).toEqual([]);
    const written = parse(readFileSync(join(dir, 'dev-alice.yaml'), 'utf8'));
    expect(written.environment).toEqual({ name: 'dev-alice', kind: 'dev' });
    expect(written.aws).toEqual({ accountId: '012345678901', region: 'us-east-1', deployRoleArn: 'arn:aws:iam::012345678901:role/pcm-deploy' });
    expect(written.network.operatorCidrs).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
    expect(written.release.containers).toEqual({ pge: '012345678901.dkr.ecr.us-east-1.amazonaws.com/pcm-pge:4.1.0' });
    expect(written.cnm.daac).toBeUndefined();
  }, 60000);

  it("offers to share an account another environment uses, and refuses a lifetime that has ended", async () => {
    const dir = environmentsCopy();
    const pty = new PtySession(
      `${command(dir)} --set network.vpcId=vpc-0123456789abcdef0 --set network.privateSubnetIds=subnet-0123456789abcdef0 --set network.operatorCidrs=10.0.0.0/8 --set release.pcmRelease=4.1.0`,
      { cwd: REPO, env },
    );
    try {
      await pty.answer(at('environment.name'), `adt-2${KEYS.enter}`);
      await pty.answer(at('environment.kind'), KEYS.enter);
      await pty.answer(at('project'), KEYS.enter);
      await pty.answer(at('aws.accountId'), `${FIXTURE.accounts.adt}${KEYS.enter}`);
      await pty.answer(/Share it with adt\? [^\n]*\(y\/N\)/, `y`);
      await pty.answer(at('aws.region'), KEYS.enter);
      await pty.answer(at('aws.deployRoleArn'), KEYS.enter);
      await pty.answer(at('release.amiRelease'), KEYS.enter);
      await pty.answer(at('storage.sharedFrom.environment'), KEYS.enter);
      await pty.answer(/Deliver to a DAAC\?/, KEYS.enter);
      await pty.answer(/Exchange with CNES\?/, KEYS.enter);
      await pty.answer(at('protection.lifetime.expiresOn'), `2020-01-01${KEYS.enter}`);
      await pty.waitFor("expected a date after today");
      clear(pty, 10);
      pty.send(KEYS.enter); // the default: 30 days from today
      await pty.answer(/Write adt-2\.yaml\?/, KEYS.enter);
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain(`adt uses account ${FIXTURE.accounts.adt} too; yes lists it in aws.sharesAccountWith`);
    expect(pty.screen).toMatch(new RegExp(`account +${FIXTURE.accounts.adt} in us-west-2, shared with adt\\r?\\n`));
    const written = parse(readFileSync(join(dir, 'adt-2.yaml'), 'utf8'));
    expect(written.aws.sharesAccountWith).toEqual(['adt']);
    expect(written.protection.lifetime.expiresOn > new Date().toISOString().slice(0, 10)).toBe(true);
  }, 60000);

  it('edits an existing environment on a re-run: its values are the defaults, the diff comes at the end', async () => {
    const dir = environmentsCopy();
    const before = parse(readFileSync(join(dir, 'int.yaml'), 'utf8'));
    const pty = new PtySession(command(dir), { cwd: REPO, env });
    try {
      await pty.answer(at('environment.name'), `int${KEYS.enter}`);
      for (const path of ['environment.kind', 'project', 'aws.accountId', 'aws.region', 'aws.deployRoleArn', 'network.vpcId', 'network.privateSubnetIds', 'network.operatorCidrs']) {
        await pty.answer(at(path), KEYS.enter);
      }
      await pty.answer(at('release.pcmRelease'), `${FIXTURE.candidateRelease}${KEYS.enter}`);
      await pty.answer(at('release.amiRelease'), KEYS.enter);
      await pty.answer(/Deliver to a DAAC\? [^\n]*\(Y\/n\)/, KEYS.enter); // int.yaml delivers: yes by default
      await pty.answer(at('cnm.daac.accountId'), KEYS.enter);
      await pty.answer(/Exchange with CNES\? [^\n]*\(Y\/n\)/, KEYS.enter);
      await pty.answer(at('cnm.cnes.accountId'), KEYS.enter);
      await pty.answer(/Overwrite int\.yaml\?/, `y`);
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    const screen = pty.screen;
    expect(screen.indexOf('int.yaml exists; writing would change it:')).toBeGreaterThan(screen.indexOf('Summary of int.yaml'));
    expect(screen).toMatch(new RegExp(`^-\\s+pcmRelease: "${FIXTURE.release.replace(/\./g, '\\.')}"\\r?$`, 'm'));
    expect(screen).toMatch(new RegExp(`^\\+\\s+pcmRelease: "${FIXTURE.candidateRelease.replace(/\./g, '\\.')}"\\r?$`, 'm'));
    const after = parse(readFileSync(join(dir, 'int.yaml'), 'utf8'));
    expect(after).toEqual({ ...before, release: { ...before.release, pcmRelease: FIXTURE.candidateRelease } });
  }, 60000);

  it('writes nothing when cancelled with Ctrl-C', async () => {
    const dir = emptyDir();
    const pty = new PtySession(command(dir), { cwd: REPO, env: { ...env, NO_COLOR: '1' } });
    try {
      await pty.answer(at('environment.name'), `dev-x${KEYS.enter}`);
      await pty.answer(at('environment.kind'), KEYS.enter);
      await pty.answer(at('project'), KEYS.enter);
      await pty.answer(at('aws.accountId'), KEYS.ctrlC);
      expect(await pty.exited).toBe(130);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain('Cancelled; nothing was written.');
    expect(pty.raw).not.toMatch(/\x1b\[[0-9;]*m/); // NO_COLOR: no colour, no dim, no bold
    expect(readdirSync(dir)).toEqual([]);
  }, 60000);

  it('shows the change and keeps the file when the overwrite is declined', async () => {
    const dir = environmentsCopy();
    const before = readFileSync(join(dir, 'dev.yaml'), 'utf8');
    const pty = new PtySession(`${command(dir)} --set workers.queues[0].max=5 --from ${join(dir, 'dev.yaml')}`, { cwd: REPO, env });
    // --from alone is a batch run: at a terminal it still asks before overwriting.
    try {
      await pty.waitFor('Overwrite dev.yaml?');
      expect(pty.screen).toMatch(/\+\s+max: 5/);
      pty.send(`n${KEYS.enter}`);
      expect(await pty.exited).toBe(1);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain('Not overwritten; nothing was written.');
    expect(readFileSync(join(dir, 'dev.yaml'), 'utf8')).toBe(before);
  }, 60000);
});
