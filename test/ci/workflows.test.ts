/** The GitHub workflows: valid for GitHub (a real validator), and running the kit's own npm scripts. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';
import { parse } from 'yaml';
import { REPO } from '../support/run';

const DIR = join(REPO, '.github', 'workflows');
const files = readdirSync(DIR).filter((f) => f.endsWith('.yml'));
const scripts = Object.keys(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).scripts as object);
/** The parts of a GitHub workflow these tests read (the validator checks the rest). */
interface Workflow {
  readonly permissions: Readonly<Record<string, string>>;
  readonly jobs: Readonly<Record<string, { readonly environment?: string; readonly needs?: string; readonly strategy?: { readonly matrix: Readonly<Record<string, unknown>> }; readonly steps: ReadonlyArray<{ readonly run?: string }> }>>;
}
const workflow = (file: string) => parse(readFileSync(join(DIR, file), 'utf8')) as Workflow;
const runs = (file: string): string[] => Object.values(workflow(file).jobs).flatMap((job) => job.steps.flatMap((s) => (s.run ? [s.run] : [])));

describe('GitHub workflows', () => {
  it('there is one for pull requests and one for releases', () => {
    expect(files.sort()).toEqual(['pull-request.yml', 'release.yml']);
  });

  it('the validator reports a broken workflow (so a pass means something)', () => {
    expect(validateWorkflow('on: push\njobs:\n  x:\n    steps: not-a-list\n').errors.length).toBeGreaterThan(0);
  });

  it.each(files)('%s is a valid GitHub workflow', (file) => {
    expect(validateWorkflow(readFileSync(join(DIR, file), 'utf8')).errors).toEqual([]);
  });

  it.each(files)('%s runs only npm scripts the kit has (and installs)', (file) => {
    for (const run of runs(file)) {
      const script = /^npm run (\S+)/.exec(run)?.[1];
      if (script) expect(scripts).toContain(script);
      else expect(run).toMatch(/^(npm ci|npm test|npx cdktf synth|pip install "moto\[server\]==[\d.]+")$/);
    }
  });

  it.each(files)('%s reaches AWS through OIDC only, never with long-lived keys', (file) => {
    const text = readFileSync(join(DIR, file), 'utf8');
    expect(workflow(file).permissions['id-token']).toBe('write');
    expect(text).not.toMatch(/aws-access-key-id|aws-secret-access-key|AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY/);
  });

  it('release: DEV is deployed and smoke-tested, then promoted to I&T, then to OPS, Forward and Bulk, each behind its environment', () => {
    const jobs = workflow('release.yml').jobs;
    expect(Object.keys(jobs)).toEqual(['dev', 'int', 'ops']);
    expect([jobs.dev.environment, jobs.int.environment, jobs.ops.environment]).toEqual(['dev', 'int', 'ops']);
    expect([jobs.int.needs, jobs.ops.needs]).toEqual(['dev', 'int']);
    expect(runs('release.yml').filter((r) => r.startsWith('npm run deploy') || r.startsWith('npm run promote'))).toEqual([
      'npm run deploy -- --env dev --auto-approve',
      'npm run deploy -- --env dev --plan',
      'npm run promote -- --from dev --to int --yes',
      'npm run deploy -- --env int --auto-approve',
      'npm run promote -- --from int --to ${{ matrix.env }} --yes',
      'npm run deploy -- --env ${{ matrix.env }} --auto-approve',
    ]);
    expect(jobs.ops.strategy?.matrix.env).toEqual(['ops', 'forward', 'bulk']);
  });

  it('release: every job checks its environment (npm run check) after promoting and before deploying it', () => {
    for (const job of Object.values(workflow('release.yml').jobs)) {
      const steps = job.steps.map((s) => s.run ?? '');
      const deploy = steps.findIndex((r) => r.startsWith('npm run deploy') && !r.includes('--plan'));
      const env = /--env (.+?) --auto-approve/.exec(steps[deploy])![1];
      const check = steps.indexOf(`npm run check -- --env ${env}`);
      expect(check).toBeGreaterThanOrEqual(0);
      expect(check).toBeLessThan(deploy);
      const promote = steps.findIndex((r) => r.startsWith('npm run promote'));
      if (promote >= 0) expect(promote).toBeLessThan(check);
    }
  });

  it('pull request: the whole rule pack runs over every environment', () => {
    expect(runs('pull-request.yml')).toContain('npm run check -- --all');
  });
});
