/**
 * npm run bench [-- --runs N] [--queues 10,100,1000] [--skip-validate] [--demo] [--out FILE]
 *
 * Measures what the kit promises and prints a table; writes the same as JSON (default
 * .build/bench.json). Each synthesis runs in a fresh process (bench/synth-probe.ts), so import
 * cost and peak memory are those an operator's command sees.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironments } from '../config-generator/loader';
import { LAMBDA_NAMES, bundleLambda } from '../lambdas/bundle';
import { DEMO_TIMES_FILE, type DemoTimes } from '../lib/demo-times';
import { findProviderMirror } from '../lib/provider-mirror';
import { PROVIDER_MIRROR_VARIABLE, terraformVersion, validateStackDir } from '../lib/terraform-cli';
import { synthesizeTo } from '../stacks/synthesize';
import { growth, median } from './stats';

const REPO = join(__dirname, '..');
const TARGETS = { allSynthSeconds: 3, allSynthMiB: 500, zipKiB: 200 } as const;

interface ProbeResult {
  readonly ms: number;
  readonly maxRssMiB: number;
  readonly stacks: number;
  readonly resources: number;
  readonly bytes: number;
}

interface SynthMeasure {
  readonly scenario: string;
  readonly runs: number;
  /** Median, from before the first import of the kit to the written stacks. */
  readonly synthMs: number;
  /** Median wall time of the whole process (node and tsx start-up included). */
  readonly processMs: number;
  /** Highest peak RSS over the runs. */
  readonly peakMiB: number;
  readonly stacks: number;
  readonly resources: number;
  readonly jsonBytes: number;
}

function synth(scenario: string, args: string[], runs: number): SynthMeasure {
  const results: Array<ProbeResult & { wall: number }> = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    const child = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'synth-probe.ts'), ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1 << 24 });
    const wall = performance.now() - started;
    if (child.status !== 0) throw new Error(`synthesis of ${scenario} failed:\n${child.stderr}`);
    results.push({ ...(JSON.parse(child.stdout.trim().split('\n').pop()!) as ProbeResult), wall });
  }
  return {
    scenario,
    runs,
    synthMs: median(results.map((r) => r.ms)),
    processMs: median(results.map((r) => r.wall)),
    peakMiB: Math.max(...results.map((r) => r.maxRssMiB)),
    stacks: results[0].stacks,
    resources: results[0].resources,
    jsonBytes: results[0].bytes,
  };
}

async function validateEach(): Promise<Array<{ stack: string; seconds: number; valid: boolean }> | string> {
  if (!(await terraformVersion())) return 'skipped: terraform is not on PATH';
  process.env[PROVIDER_MIRROR_VARIABLE] ??= findProviderMirror();
  if (!process.env[PROVIDER_MIRROR_VARIABLE]) return `skipped: no provider mirror (${PROVIDER_MIRROR_VARIABLE})`;
  const stacks = synthesizeTo(join(tmpdir(), `pcm-bench-validate-${process.pid}`), loadEnvironments());
  const out = [];
  // One at a time, so each number is that stack's alone (init + validate).
  for (const stack of [...stacks].sort((a, b) => a.name.localeCompare(b.name))) {
    const started = performance.now();
    const outcome = await validateStackDir(stack.dir);
    out.push({ stack: stack.name, seconds: (performance.now() - started) / 1000, valid: outcome.valid });
  }
  return out;
}

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { runs: { type: 'string' }, queues: { type: 'string' }, 'skip-validate': { type: 'boolean' }, demo: { type: 'boolean' }, out: { type: 'string' } },
  });
  const runs = Number(values.runs ?? 5);
  const queueCounts = (values.queues ?? '10,100,1000').split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number >= 1, found ${values.runs}`);
  if (queueCounts.some((q) => !Number.isInteger(q) || q < 1)) throw new Error(`--queues: expected whole numbers such as 10,100,1000, found ${values.queues}`);

  if (values.demo) {
    process.stdout.write('running npm run demo first (several minutes) ...\n');
    const demo = spawnSync('npm', ['run', '--silent', 'demo'], { cwd: REPO, stdio: 'inherit' });
    if (demo.status !== 0) throw new Error('npm run demo failed');
  }

  process.stdout.write(`synthesizing (${runs} runs each) ...\n`);
  const all = synth('all six environments', ['--all'], runs);
  const one = synth('one environment (ops)', ['--env', 'ops'], runs);
  const scaling = queueCounts.map((n) => synth(`dev with ${n} worker queues`, ['--env', 'dev', '--queues', String(n)], Math.min(runs, 3)));
  const timeGrowth = growth(queueCounts.map((n, i) => [n, scaling[i].synthMs]));
  const memoryGrowth = growth(queueCounts.map((n, i) => [n, scaling[i].peakMiB]));

  const zips = LAMBDA_NAMES.map((name) => ({ name, bytes: bundleLambda(name).bytes }));
  process.stdout.write(values['skip-validate'] ? '' : 'terraform init + validate, one stack at a time ...\n');
  const validation = values['skip-validate'] ? 'skipped (--skip-validate)' : await validateEach();
  const demo = existsSync(DEMO_TIMES_FILE) ? (JSON.parse(readFileSync(DEMO_TIMES_FILE, 'utf8')) as DemoTimes) : undefined;

  const targets = {
    allSynthUnder3s: all.processMs / 1000 < TARGETS.allSynthSeconds,
    allSynthUnder500MiB: all.peakMiB < TARGETS.allSynthMiB,
    linearInQueues: timeGrowth.linear && memoryGrowth.linear,
    zipsUnder200KiB: zips.every((z) => z.bytes / 1024 < TARGETS.zipKiB),
  };

  const out: string[] = [`\npcm-deploy bench: node ${process.version}, ${cpus().length} cores, ${fixed(totalmem() / 2 ** 30)} GiB\n`];
  out.push(
    table([
      ['synthesis', 'runs', 'synth ms', 'process ms', 'peak MiB', 'stacks', 'resources', 'JSON KiB'],
      ...[all, one, ...scaling].map((m) => [m.scenario, String(m.runs), fixed(m.synthMs), fixed(m.processMs), fixed(m.peakMiB), String(m.stacks), String(m.resources), fixed(m.jsonBytes / 1024)]),
    ]),
  );
  out.push(
    '',
    `growth with queues: ${timeGrowth.marginal.map((m) => `${fixed(m, 1)} ms`).join(' then ')} per queue (ratio ${fixed(timeGrowth.ratio, 2)}); ` +
      `${memoryGrowth.marginal.map((m) => `${fixed(m * 1024)} KiB`).join(' then ')} per queue (ratio ${fixed(memoryGrowth.ratio, 2)})`,
    '',
  );
  out.push(table([['Lambda zip', 'bytes', 'KiB'], ...zips.map((z) => [z.name, String(z.bytes), fixed(z.bytes / 1024, 1)])]), '');
  if (typeof validation === 'string') out.push(`terraform validate: ${validation}`, '');
  else out.push(table([['terraform init + validate', 'seconds', 'valid'], ...validation.map((v) => [v.stack, fixed(v.seconds, 1), v.valid ? 'yes' : 'NO'])]), '');
  if (demo) {
    out.push(`demo deploys (npm run demo at ${demo.at}, ${demo.parallel} at a time, ${fixed(demo.totalSeconds)} s in all):`);
    out.push(table([['environment', 'seconds', 'resources', 'outcome'], ...Object.entries(demo.environments).map(([name, e]) => [name, fixed(e.seconds), String(e.resources), e.ok ? 'deployed' : 'FAILED'])]), '');
  } else out.push('demo deploys: no record yet (run npm run demo, or npm run bench -- --demo)', '');
  out.push(
    'targets:',
    `  all six synthesize in < ${TARGETS.allSynthSeconds} s wall: ${fixed(all.processMs / 1000, 2)} s, ${verdict(targets.allSynthUnder3s)}`,
    `  all six peak < ${TARGETS.allSynthMiB} MiB: ${fixed(all.peakMiB)} MiB, ${verdict(targets.allSynthUnder500MiB)}`,
    `  synthesis grows no worse than linearly with queues: ${verdict(targets.linearInQueues)}`,
    `  every Lambda zip < ${TARGETS.zipKiB} KiB: largest ${fixed(Math.max(...zips.map((z) => z.bytes)) / 1024, 1)} KiB, ${verdict(targets.zipsUnder200KiB)}`,
  );

  const file = values.out ?? join(REPO, '.build', 'bench.json');
  mkdirSync(dirname(file), { recursive: true });
  const json = { at: new Date().toISOString(), node: process.version, cores: cpus().length, synthesis: { all, one, scaling, timeGrowth, memoryGrowth }, zips, validation, demo, targets };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`${out.join('\n')}\n\nJSON: ${file}\n`);
  if (!Object.values(targets).every(Boolean)) process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
