/**
 * `npm run configure` as a person or a pipeline runs it: without a terminal through flags, and
 * at a real pseudo-terminal with keystrokes.
 */
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { EXAMPLE_NAMES, exampleData } from '../support/examples';
import { KEYS, PtySession } from '../support/pty';
import { configure, REPO } from '../support/run';

const ANSWERS = join(REPO, 'environments', 'answers');

/** A folder with copies of the six examples, for commands that must not touch the real ones. */
function examplesCopy(): string {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-configure-'));
  for (const name of EXAMPLE_NAMES) copyFileSync(join(REPO, 'environments', `${name}.yaml`), join(dir, `${name}.yaml`));
  return dir;
}

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
    const dir = examplesCopy();
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
    const dir = examplesCopy();
    const from = join(dir, 'ops.yaml');
    const clash = configure(['--from', from, '--set', 'environment.name=ops-2', '--dir', dir]);
    expect(clash.status).toBe(1);
    expect(clash.stderr).toMatch(/ops-2\.yaml \(from the answers; not written\):\d+: aws\.accountId: expected an account of its own: .*ops\.yaml uses the same account/);
    expect(existsSync(join(dir, 'ops-2.yaml'))).toBe(false);

    const ok = configure(['--from', from, '--set', 'environment.name=ops-2', '--set', 'aws.sharesAccountWith=ops', '--dir', dir]);
    expect(ok.stderr).toBe('');
    const written = parse(readFileSync(join(dir, 'ops-2.yaml'), 'utf8'));
    expect(written.environment).toEqual({ name: 'ops-2', kind: 'ops' });
    expect(written.workers).toEqual(exampleData('ops').workers);
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

  it('fails on an unknown flag with the usage', () => {
    const result = configure(['--answer', 'x.yaml']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain("Unknown option '--answer'");
    expect(result.stderr).toContain('Usage: npm run configure');
  });
});

describe('configure at a terminal', () => {
  const command = (dir: string) => `${process.execPath} --import tsx cli/configure.ts --dir ${dir}`;
  const env = { AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '' };

  it('asks the questions, takes defaults on Enter, re-asks a bad answer, and writes the file', async () => {
    const dir = emptyDir();
    const pty = new PtySession(`${command(dir)} --set aws.region=mars-1`, { cwd: REPO, env });
    try {
      await pty.answer('[environment.name]', `dev-alice${KEYS.enter}`);
      await pty.answer('[environment.kind]', KEYS.enter); // dev, suggested by the name
      await pty.answer('[project]', KEYS.enter);
      await pty.answer('[aws.accountId]', `012345678901${KEYS.enter}`);
      await pty.answer('[aws.region]', KEYS.enter); // the bad flag is quoted back; Enter takes the default
      expect(pty.screen).toContain('aws.region: "mars-1" is not valid: expected an AWS region such as "us-west-2"');
      await pty.answer('[aws.deployRoleArn]', KEYS.enter);
      await pty.answer('[network.vpcId]', `vpc-12${KEYS.enter}`);
      await pty.waitFor('expected a VPC id such as', 15000);
      pty.send(KEYS.backspace.repeat('vpc-12'.length)); // clear the line, then a good answer
      pty.send(`vpc-0123456789abcdef0${KEYS.enter}`);
      await pty.answer('[network.privateSubnetIds]', `subnet-0123456789abcdef0${KEYS.enter}`);
      await pty.answer('[network.operatorCidrs]', `10.0.0.0/8, 192.168.0.0/16${KEYS.enter}`);
      await pty.answer('[release.pcmRelease]', `4.1.0${KEYS.enter}`);
      await pty.answer('[release.amiRelease]', KEYS.enter);
      await pty.answer('[release.hysdsVersion]', KEYS.enter);
      await pty.answer('[release.containers.pge]', KEYS.enter);
      await pty.answer('[cnm.daac.accountId]', `777777777777${KEYS.enter}`);
      await pty.answer('[cnm.daac.publisherPrincipals]', KEYS.enter);
      await pty.answer('[cnm.cnes.accountId]', `888888888888${KEYS.enter}`);
      expect(await pty.exited).toBe(0);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain(`Wrote ${join(dir, 'dev-alice.yaml')}`);
    const written = parse(readFileSync(join(dir, 'dev-alice.yaml'), 'utf8'));
    expect(written.environment).toEqual({ name: 'dev-alice', kind: 'dev' });
    expect(written.aws).toEqual({ accountId: '012345678901', region: 'us-west-2', deployRoleArn: 'arn:aws:iam::012345678901:role/pcm-deploy' });
    expect(written.network.operatorCidrs).toEqual(['10.0.0.0/8', '192.168.0.0/16']);
    expect(written.release.containers).toEqual({ pge: '012345678901.dkr.ecr.us-west-2.amazonaws.com/pcm-pge:4.1.0' });
  }, 60000);

  it('writes nothing when cancelled with Ctrl-C', async () => {
    const dir = emptyDir();
    const pty = new PtySession(command(dir), { cwd: REPO, env });
    try {
      await pty.answer('[environment.name]', `dev${KEYS.enter}`);
      await pty.answer('[environment.kind]', KEYS.enter);
      await pty.answer('[project]', KEYS.enter);
      await pty.answer('[aws.accountId]', KEYS.ctrlC);
      expect(await pty.exited).toBe(130);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain('Cancelled; nothing was written.');
    expect(readdirSync(dir)).toEqual([]);
  }, 60000);

  it('shows the change and keeps the file when the overwrite is declined', async () => {
    const dir = examplesCopy();
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
