/** The app as the cdktf CLI runs it. */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO } from '../support/run';

const tmp = (prefix: string) => mkdtempSync(join(tmpdir(), prefix));

/** The app command of cdktf.json, run the way the cdktf CLI runs it (through a shell, in the repo). */
function app(env: NodeJS.ProcessEnv) {
  const command = (JSON.parse(readFileSync(join(REPO, 'cdktf.json'), 'utf8')) as { app: string }).app;
  return spawnSync(command, { cwd: REPO, shell: true, encoding: 'utf8', env: { ...process.env, ...env } });
}

describe('the cdktf app', () => {
  it('`npx cdktf synth` writes the twelve stacks', () => {
    const out = tmp('pcm-cdktf-');
    const result = spawnSync('npx', ['cdktf', 'synth', '--output', out], {
      cwd: REPO,
      encoding: 'utf8',
      env: { ...process.env, CHECKPOINT_DISABLE: '1', CI: 'true' },
    });
    expect(result.status).toBe(0);
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(
      ['adt', 'bulk', 'dev', 'forward', 'int', 'ops'].flatMap((e) => [`${e}-compute`, `${e}-data`]),
    );
  }, 60000);

  it('synthesizes one environment when PCM_ENV names it', () => {
    const out = tmp('pcm-app-');
    const result = app({ PCM_ENV: 'ops', CDKTF_OUTDIR: out });
    expect(result.stderr).toBe('');
    expect(readdirSync(join(out, 'stacks')).sort()).toEqual(['ops-compute', 'ops-data']);
  });

  it('fails on an invalid environment file with the problem, not a stack trace, and writes no stacks', () => {
    const dir = tmp('pcm-envs-');
    copyFileSync(join(REPO, 'environments', 'dev.yaml'), join(dir, 'dev.yaml'));
    writeFileSync(join(dir, 'dev.yaml'), readFileSync(join(dir, 'dev.yaml'), 'utf8').replace('"us-west-2"', '"us-west-22"'));
    const out = tmp('pcm-app-');
    const result = app({ PCM_ENVIRONMENTS_DIR: dir, CDKTF_OUTDIR: out });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/dev\.yaml:\d+: aws\.region: expected an AWS region such as "us-west-2", found "us-west-22"/);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(out, 'stacks'))).toBe(false);
  });
});
