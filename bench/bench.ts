/**
 * npm run bench [-- --runs N] [--queues 10,80,150] [--skip-validate] [--demo] [--out FILE] [--app CMD]
 *
 * Measures what the kit promises and prints a table; writes the same as JSON (default
 * .build/bench.json). Every synthesis runs in a fresh process, so import cost and peak memory are
 * those an operator's command sees: the app exactly as cdktf.json runs it (or --app CMD), and
 * beside it, interleaved run for run, the floor: an empty cdktf app in plain node. Synthesis is
 * judged as a ratio to that floor, which holds on a machine busy with other work.
 * The queue-scaling runs use bench/synth-probe.ts (precompiled like the app), which also reports
 * its in-process synthesis time. The test suite's and the demo's last recorded times are reported.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadEnvironments } from '../config-generator/loader';
import { LAMBDA_NAMES, bundleLambda } from '../modules/lambda/bundle';
import { DEMO_TIMES_FILE, type DemoTimes } from '../lib/demo-times';
import { findProviderMirror } from '../lib/provider-mirror';
import { PROVIDER_MIRROR_VARIABLE, terraformVersion, validateStackDir } from '../lib/terraform-cli';
import { TEST_TIMES_FILE, type TestTimes } from '../lib/test-times';
import { synthesizeTo } from '../stacks/synthesize';
import { benchReport, type ProcessMeasure } from './report';
import { growth, median } from './stats';

const REPO = join(__dirname, '..');
const PEAK_RSS_PRELOAD = join(__dirname, 'peak-rss.cjs');
const FLOOR_COMMAND = 'node bench/floor-probe.cjs';
/**
 * Queue counts for the growth check. Not 1000: the harikiri Lambda's environment lists every
 * worker group and passes Lambda's 4 KB limit at about 160 queues, so synthesis refuses beyond.
 */
const DEFAULT_QUEUES = '10,80,150';
const probeCommand = (args: string) => `node lib/precompiled-app.cjs --entry bench/synth-probe.ts ${args}`;

/** What bench/synth-probe.ts prints. */
interface ProbeResult {
  readonly ms: number;
  readonly stacks: number;
  readonly resources: number;
  readonly bytes: number;
}

interface Scenario {
  readonly scenario: string;
  /** Timed runs. @default the bench's --runs */
  readonly runs?: number;
  /** A shell command, run in the repository as the cdktf CLI runs the app. */
  readonly command: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The command is the probe, which prints its own measures. */
  readonly probe?: boolean;
}

interface Run {
  readonly wallMs: number;
  readonly peakMiB: number;
  readonly synthMs?: number;
  readonly stacks: number;
  readonly resources: number;
  readonly jsonBytes: number;
}

/** What a synthesis wrote into its output folder (cdktf's manifest and the stacks' JSON). */
function written(outdir: string): Pick<Run, 'stacks' | 'resources' | 'jsonBytes'> {
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as { stacks: Record<string, { synthesizedStackPath: string }> };
  let resources = 0;
  let jsonBytes = 0;
  for (const entry of Object.values(manifest.stacks)) {
    const json = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8')) as { resource?: Record<string, object> };
    resources += Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    jsonBytes += JSON.stringify(json).length;
  }
  return { stacks: Object.keys(manifest.stacks).length, resources, jsonBytes };
}

function runOnce(s: Scenario): Run {
  const work = mkdtempSync(join(tmpdir(), 'pcm-bench-'));
  const outdir = join(work, 'out');
  const rssFile = join(work, 'peak-rss');
  try {
    const started = performance.now();
    const child = spawnSync(s.command, {
      cwd: REPO,
      shell: true,
      encoding: 'utf8',
      maxBuffer: 1 << 24,
      env: {
        ...process.env,
        ...s.env,
        CDKTF_OUTDIR: outdir,
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${JSON.stringify(PEAK_RSS_PRELOAD)}`.trim(),
        PCM_BENCH_RSS_FILE: rssFile,
      },
    });
    const wallMs = performance.now() - started;
    if (child.status !== 0) throw new Error(`${s.scenario} failed (${s.command}):\n${child.stderr}`);
    const peakMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
    if (s.probe) {
      const probe = JSON.parse(child.stdout.trim().split('\n').pop()!) as ProbeResult;
      return { wallMs, peakMiB, synthMs: probe.ms, stacks: probe.stacks, resources: probe.resources, jsonBytes: probe.bytes };
    }
    return { wallMs, peakMiB, ...written(outdir) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

function summarize(s: Scenario, runs: readonly Run[]): ProcessMeasure {
  const synth = runs.map((r) => r.synthMs).filter((ms): ms is number => ms !== undefined);
  return {
    scenario: s.scenario,
    command: s.command,
    runs: runs.length,
    processMs: median(runs.map((r) => r.wallMs)),
    peakMiB: Math.max(...runs.map((r) => r.peakMiB)),
    ...(synth.length > 0 ? { synthMs: median(synth) } : {}),
    stacks: runs[0].stacks,
    resources: runs[0].resources,
    jsonBytes: runs[0].jsonBytes,
  };
}

/**
 * Runs the scenarios `runs` times each (or their own number), interleaved: one of each, then
 * again, so that the floor and the app see the same moments of a busy machine. Each has one
 * untimed run first: it builds what the first run after a source change builds, and warms the disk.
 */
function measure(scenarios: readonly Scenario[], runs: number): ProcessMeasure[] {
  for (const s of scenarios) runOnce(s);
  const results = scenarios.map(() => [] as Run[]);
  const rounds = Math.max(...scenarios.map((s) => s.runs ?? runs));
  for (let i = 0; i < rounds; i++) scenarios.forEach((s, j) => i < (s.runs ?? runs) && results[j].push(runOnce(s)));
  return scenarios.map((s, j) => summarize(s, results[j]));
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

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      runs: { type: 'string' },
      queues: { type: 'string' },
      'skip-validate': { type: 'boolean' },
      demo: { type: 'boolean' },
      out: { type: 'string' },
      app: { type: 'string' },
    },
  });
  const runs = Number(values.runs ?? 5);
  const queueCounts = (values.queues ?? DEFAULT_QUEUES).split(',').map(Number);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs: expected a whole number >= 1, found ${values.runs}`);
  if (queueCounts.length < 2 || queueCounts.some((q) => !Number.isInteger(q) || q < 1)) throw new Error(`--queues: expected two or more whole numbers such as ${DEFAULT_QUEUES}, found ${values.queues}`);
  const app = values.app ?? (JSON.parse(readFileSync(join(REPO, 'cdktf.json'), 'utf8')) as { app: string }).app;

  if (values.demo) {
    process.stdout.write('running npm run demo first (several minutes) ...\n');
    const demo = spawnSync('npm', ['run', '--silent', 'demo'], { cwd: REPO, stdio: 'inherit' });
    if (demo.status !== 0) throw new Error('npm run demo failed');
  }

  process.stdout.write(`synthesizing (${runs} runs each, beside the floor) ...\n`);
  const [floor, all, one, ...scaling] = measure(
    [
      { scenario: 'floor: empty cdktf app', command: FLOOR_COMMAND },
      { scenario: 'all six environments', command: app },
      { scenario: 'one environment (ops)', command: app, env: { PCM_ENV: 'ops' } },
      ...queueCounts.map((n) => ({ scenario: `dev with ${n} worker queues`, command: probeCommand(`--env dev --queues ${n}`), probe: true, runs: Math.min(runs, 3) })),
    ],
    runs,
  );
  const timeGrowth = growth(queueCounts.map((n, i) => [n, scaling[i].synthMs!]));
  const memoryGrowth = growth(queueCounts.map((n, i) => [n, scaling[i].peakMiB]));

  const zips = LAMBDA_NAMES.map((name) => ({ name, bytes: bundleLambda(name).bytes }));
  process.stdout.write(values['skip-validate'] ? '' : 'terraform init + validate, one stack at a time ...\n');
  const validation = values['skip-validate'] ? 'skipped (--skip-validate)' : await validateEach();
  const readRecord = <T>(file: string) => (existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as T) : undefined);

  const { text, json } = benchReport({
    at: new Date().toISOString(),
    node: process.version,
    cores: cpus().length,
    memoryGiB: totalmem() / 2 ** 30,
    floor,
    all,
    one,
    scaling,
    timeGrowth,
    memoryGrowth,
    zips,
    validation,
    demo: readRecord<DemoTimes>(DEMO_TIMES_FILE),
    tests: readRecord<TestTimes>(TEST_TIMES_FILE),
  });
  const file = values.out ?? join(REPO, '.build', 'bench.json');
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`\n${text}\n\nJSON: ${file}\n`);
  if (!Object.values(json.targets).every(Boolean)) process.exitCode = 1;
}

main().catch((error: Error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(2);
});
