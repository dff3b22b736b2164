/**
 * One behaviour for every command (cli/command.ts with the tables of cli/specs.ts): --help with
 * a one-line description and examples, unknown flags refused with a "did you mean" and exit 2, a
 * hint when npm kept the flags (given without "--"), capped problem lists, and destroy asking at
 * a terminal. The tables are checked in-process for every command; a few commands run for real.
 */
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { helpText, parseCommand, UsageError } from '../../cli/command';
import { COMMAND_SPECS } from '../../cli/specs';
import { formatIssues, type ConfigIssue } from '../../config-generator/errors';
import { FIXTURE, fixtureDir } from '../support/fixtures';
import { KEYS, PtySession } from '../support/pty';
import { REPO } from '../support/run';

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `cli/<command>.ts` without a terminal (and without npm's start-up cost). */
function kit(command: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join('cli', `${command}.ts`), ...args], {
      cwd: REPO,
      env: { ...process.env, npm_lifecycle_event: '', AWS_EC2_METADATA_DISABLED: 'true', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Each command with a mistyped flag and the flag it should suggest. */
const TYPOS: Record<string, [typo: string, meant: string]> = {
  configure: ['--answer', '--answers'],
  check: ['--evn', '--env'],
  deploy: ['--auto-aprove', '--auto-approve'],
  bootstrap: ['--dri', '--dir'],
  destroy: ['--confrim', '--confirm'],
  promote: ['--form', '--from'],
  schema: ['--chek', '--check'],
  demo: ['--paralel', '--parallel'],
  campaign: ['--nmae', '--name'],
};

const usageError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
  throw new Error('no UsageError');
};

describe('every command', () => {
  it('has a flag table: each file of cli/ that is a command', () => {
    const helpers = ['command.ts', 'specs.ts', 'environments.ts', 'progress.ts'];
    const commands = readdirSync(join(REPO, 'cli')).filter((f) => f.endsWith('.ts') && !helpers.includes(f)).map((f) => f.replace(/\.ts$/, ''));
    expect(COMMAND_SPECS.map((s) => s.name).sort()).toEqual(commands.sort());
    expect(Object.keys(TYPOS).sort()).toEqual(commands.sort());
  });

  it.each(COMMAND_SPECS.map((s) => [s.name, s] as const))('%s --help: a one-line description, the flags and examples', (name, spec) => {
    const text = helpText(spec);
    const [first, blank, usage] = text.split('\n');
    expect(first.length).toBeGreaterThan(20);
    expect(text.split('\n').filter((line) => line.length > 80)).toEqual([]);
    expect(blank).toBe('');
    expect(usage).toBe(`Usage: npm run ${name} -- [flags]`);
    for (const flag of Object.keys(spec.flags)) expect(text).toMatch(new RegExp(`^  (-\\w, )?--${flag}\\b`, 'm'));
    expect(text).toContain('  -h, --help');
    expect(text).toMatch(new RegExp(`\\nExamples:\\n  npm run ${name}`));
  });

  it.each(COMMAND_SPECS.map((s) => [s.name, s] as const))('%s: an unknown flag is refused with "did you mean"', (name, spec) => {
    const [typo, meant] = TYPOS[name];
    expect(usageError(() => parseCommand(spec, [typo, 'x'], {}))).toBe(`unknown flag ${typo}: did you mean ${meant}? (npm run ${name} -- --help lists them)`);
  });

  it('hints at "--" when npm kept the flags (npm run deploy --env dev)', () => {
    const deploy = COMMAND_SPECS.find((s) => s.name === 'deploy')!;
    // What npm 11 does with `npm run deploy --env dev`: npm_config_env=true, and "dev" as an argument.
    expect(usageError(() => parseCommand(deploy, ['dev'], { npm_lifecycle_event: 'deploy', npm_config_env: 'true' }))).toBe(
      'unexpected argument "dev": every value follows its flag, e.g. npm run deploy -- --env dev\n' +
        'npm kept --env for itself: flags go after "--", as in: npm run deploy -- --env dev',
    );
    expect(usageError(() => parseCommand(deploy, [], { npm_lifecycle_event: 'deploy', npm_config_auto_approve: 'true' }))).toBe(
      'npm kept --auto-approve for itself: flags go after "--", as in: npm run deploy -- --env dev',
    );
    // A flag npm kept that the command does not know: only its value arrives.
    expect(usageError(() => parseCommand(deploy, ['dev'], { npm_lifecycle_event: 'deploy', npm_config_evn: 'true' }))).toBe(
      'unexpected argument "dev": every value follows its flag, e.g. npm run deploy -- --env dev\n' +
        'npm keeps flags given before "--" and passes their values on: put them after "--"',
    );
    // npm's own settings, and other scripts' runs, are no sign of it.
    expect(parseCommand(deploy, ['--env', 'dev'], { npm_lifecycle_event: 'deploy', npm_config_yes: 'true', npm_config_json: 'true' })).toEqual({ env: 'dev' });
    expect(parseCommand(deploy, ['--env', 'dev'], { npm_lifecycle_event: 'test', npm_config_dir: 'true' })).toEqual({ env: 'dev' });
  });

  it('caps a long list of problems: the first ten, then how many more', () => {
    const issues: ConfigIssue[] = Array.from({ length: 25 }, (_, i) => ({ file: `environments/e${i}.yaml`, path: ['bogus'], expected: 'nothing', found: 1 }));
    const lines = formatIssues(issues, 10).split('\n');
    expect(lines[0]).toBe('25 problems in the environment configuration:');
    expect(lines.slice(1, 11)).toHaveLength(10);
    expect(lines.slice(1, 11).every((l) => l.startsWith('  - environments/e'))).toBe(true);
    expect(lines[11]).toBe('  ... and 15 more (the first 10 are shown; fix them and run again)');
    expect(lines).toHaveLength(12);
  });
});

describe('the commands that printed a stack trace', () => {
  it('bootstrap --help, destroy with an unknown flag, promote without a value: usage, no stack', async () => {
    const [help, typo, missing] = await Promise.all([kit('bootstrap', ['--help']), kit('destroy', ['--confrim', 'int']), kit('promote', ['--from'])]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^Creates the Terraform state bucket of an environment's account\.\n\nUsage: npm run bootstrap -- \[flags\]\n/);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toBe('unknown flag --confrim: did you mean --confirm? (npm run destroy -- --help lists them)\n');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toBe("Option '--from <value>' argument missing (npm run promote -- --help lists them)\n");
  }, 60000);
});

describe('destroy at a terminal', () => {
  it('asks before destroying a dev environment, and destroys nothing on "no"', async () => {
    const dir = fixtureDir();
    const pty = new PtySession(`${process.execPath} --import tsx cli/destroy.ts --env dev --dir ${dir}`, { cwd: REPO });
    try {
      await pty.answer(`Destroy dev (dev, account ${FIXTURE.accounts.dev})? [y/N]`, `n${KEYS.enter}`);
      expect(await pty.exited).toBe(1);
    } finally {
      pty.kill();
    }
    expect(pty.screen).toContain('not confirmed; nothing was destroyed');
  }, 90000);
});
