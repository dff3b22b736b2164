/**
 * `npm run check` on the real stacks: the six examples pass (the only tests here on the examples;
 * the rest run on the fixture fleet, test/support/fixtures.ts), suppressions are per resource with
 * their reason shown, wrong or stale suppressions are reported, a crashing rule fails the check.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEnvironments } from '../../check/check-environments';
import { RULES } from '../../check/pack';
import { formatReport } from '../../check/report';
import { runChecks } from '../../check/run-checks';
import { StackView } from '../../check/stack-view';
import { ENVIRONMENTS_DIR, loadEnvironments, type LoadedEnvironment } from '../../config-generator/loader';
import { fixtureDir, fixtureEnvironments } from '../support/fixtures';
import { REPO } from '../support/run';

const examples = loadEnvironments();
const environments = fixtureEnvironments();
const named = (name: string) => environments.find((e) => e.config.environment.name === name)!;

/** The environments with ops changed by `change`. */
function withOps(change: (config: LoadedEnvironment['config']) => void): LoadedEnvironment[] {
  return environments.map((e) => {
    if (e.config.environment.name !== 'ops') return e;
    const config = structuredClone(e.config);
    change(config);
    return { ...e, config };
  });
}

function check(args: string[], dir = ENVIRONMENTS_DIR) {
  return spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'cli', 'check.ts'), '--dir', dir, ...args], { cwd: REPO, encoding: 'utf8', timeout: 60000 });
}

describe('npm run check', () => {
  it('passes all six example environments with no error; warns where an image keeps IMDSv1 on, where dev and adt skip TLS verification and have no alert subscriber, and where int serves Jenkins on plain HTTP', () => {
    const report = checkEnvironments(examples, examples);
    expect(report.stacks).toHaveLength(12);
    const found = [...new Set(report.findings.filter((f) => f.rule !== 'PCM-EC2-4').map((f) => `${f.level} ${f.rule} ${f.environment}`))].sort();
    expect(found).toEqual(['warning PCM-ALR-1 adt', 'warning PCM-ALR-1 dev', 'warning PCM-TLS-1 adt', 'warning PCM-TLS-1 dev', 'warning PCM-TLS-1 int']);
    // Today's HySDS images are not ready for IMDSv2 only (the catalog says why): every core
    // instance and worker launch template answers v1, each shown once with the image and reason.
    const hysdsMachines = examples.reduce((n, e) => n + 4 + (e.config.core.ci ? 1 : 0) + e.config.workers.queues.length, 0);
    const imds = report.findings.filter((f) => f.rule === 'PCM-EC2-4');
    expect(imds).toHaveLength(hysdsMachines);
    for (const finding of imds) expect(finding).toMatchObject({ level: 'warning', problem: expect.stringMatching(/^answers IMDSv1 because image ami-\w+ \(release 2026\.11\.0\): HySDS v5\.0\.1's verdi bootstrap/) });
    expect(report.suppressionProblems).toEqual([]);
    expect(report.errors).toBe(0);
  });

  it('fails ops without deletion protection on every bucket, by stack, address and rule', () => {
    const all = withOps((c) => (c.protection.deletionProtection = false));
    const report = checkEnvironments(all, all.filter((e) => e.config.environment.name === 'ops'));
    const s3 = report.findings.filter((f) => f.rule === 'PCM-S3-4' || f.rule === 'PCM-S3-5');
    // The five data buckets and the access log bucket, each unversioned and destroyable.
    expect(s3).toHaveLength(12);
    expect(s3).toContainEqual(
      expect.objectContaining({ rule: 'PCM-S3-5', level: 'error', stack: 'ops-data', address: expect.stringMatching(/^aws_s3_bucket\.bucket-dataset_bucket_/), path: 'ops-data/bucket-dataset/bucket' }),
    );
    expect(report.errors).toBeGreaterThanOrEqual(10);
  });

  it('shows a suppressed finding with its reason and does not count it; reports wrong and stale suppressions', () => {
    const unprotected = withOps((c) => (c.protection.deletionProtection = false));
    const bare = checkEnvironments(unprotected, unprotected.filter((e) => e.config.environment.name === 'ops'));
    const triage = bare.findings.find((f) => f.rule === 'PCM-S3-4' && f.address.includes('bucket-triage'))!;
    const all = withOps((c) => {
      c.protection.deletionProtection = false;
      c.checkSuppressions = [
        { rule: 'PCM-S3-4', resource: triage.address, reason: 'triage holds failed-job debris only, rebuilt by reprocessing' },
        { rule: 'PCM-XX-9', resource: triage.address, reason: 'a rule that does not exist at all' },
        { rule: 'PCM-S3-4', resource: 'aws_s3_bucket.gone_1234ABCD', reason: 'a bucket that is not in the stacks' },
        { rule: 'PCM-KMS-1', resource: triage.address, reason: 'nothing to suppress here any more' },
      ];
    });
    const report = checkEnvironments(all, all.filter((e) => e.config.environment.name === 'ops'));
    expect(report.findings.filter((f) => f.suppressed)).toEqual([
      expect.objectContaining({ rule: 'PCM-S3-4', address: triage.address, suppressed: { reason: 'triage holds failed-job debris only, rebuilt by reprocessing' } }),
    ]);
    expect(report.errors).toBe(bare.errors - 1 + 2);
    expect(report.suppressionProblems).toEqual([
      { level: 'error', environment: 'ops', field: 'checkSuppressions[1]', problem: expect.stringMatching(/^rule PCM-XX-9 does not exist; the rules are PCM-S3-1, /) },
      { level: 'error', environment: 'ops', field: 'checkSuppressions[2]', problem: 'resource aws_s3_bucket.gone_1234ABCD is in none of the stacks ops-compute, ops-data' },
      { level: 'warning', environment: 'ops', field: 'checkSuppressions[3]', problem: `PCM-KMS-1 finds nothing on ${triage.address} any more; remove the suppression` },
    ]);
    const text = formatReport(report, RULES);
    expect(text).toContain('Suppressed in config (checkSuppressions):');
    expect(text).toMatch(/PCM-S3-4 +ops-data +aws_s3_bucket\.bucket-triage_bucket_\w+ +triage holds failed-job debris only/);
    expect(text).toContain('environments/ops.yaml checkSuppressions[1]: rule PCM-XX-9 does not exist');
  });

  it('fails when a rule cannot run, naming the rule, rather than passing', () => {
    const broken = { ...RULES[0], check: () => { throw new Error('unexpected shape'); } };
    const stack = new StackView('dev-data', { resource: {} });
    const { findings } = runChecks(named('dev').config, [stack], [broken]);
    expect(findings).toEqual([expect.objectContaining({ rule: RULES[0].id, level: 'error', stack: 'dev-data', problem: 'the rule failed to run: unexpected shape' })]);
  });

  it('prints a table, exits 0 on the examples, and gives JSON with --json', () => {
    const table = check(['--env', 'dev']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain(`checked dev: 2 stacks, ${RULES.length} rules`);
    // dev: five IMDS warnings (four core instances and one worker group), TLS off, no subscriber.
    expect(table.stdout).toContain('passed: 0 error(s), 8 warning(s), 0 suppressed');
    const json = check(['--all', '--json']);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ passed: true, environments: ['adt', 'bulk', 'dev', 'forward', 'int', 'ops'], errors: 0 });
  }, 60000);

  it('fails (exit 1) on an error finding, and explains the rule and its fix', () => {
    const dir = fixtureDir();
    const file = join(dir, 'ops.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('deletionProtection: true', 'deletionProtection: false'));
    const run = check(['--env', 'ops'], dir);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/error +PCM-S3-4 +ops-data +aws_s3_bucket\.bucket-archive_bucket_\w+ +versioning is not configured in an ops environment/);
    expect(run.stdout).toContain('fix: Set protection.deletionProtection: true in the environment file');
    expect(run.stdout).toMatch(/FAILED: \d+ error\(s\)/);
  }, 60000);

  it('fails on a suppression without a real reason, naming the file, line and field', () => {
    const dir = fixtureDir();
    writeFileSync(join(dir, 'dev.yaml'), `${readFileSync(join(dir, 'dev.yaml'), 'utf8')}checkSuppressions:\n  - {rule: "PCM-EC2-4", resource: "aws_instance.ci_instance_84C57EF1", reason: "ok"}\n`);
    const run = check(['--env', 'dev'], dir);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/dev\.yaml:\d+: checkSuppressions\[0\]\.reason: expected a reason of at least 20 characters saying why the exception is safe, found "ok"/);
  }, 60000);

  it('fails without exactly one of --env and --all', () => {
    const run = check([]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('give exactly one of --env <env> or --all');
  });
});
