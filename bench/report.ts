/**
 * npm run bench's output, from its measurements: the table an operator reads and the JSON a
 * machine reads (.build/bench.json). Kept apart from the measuring so a test can check every field
 * without timing anything.
 */
import type { DemoTimes } from '../lib/demo-times';
import type { TestTimes } from '../lib/test-times';
import type { Growth } from './stats';

/** The targets; synthesis is judged against the floor measured in the same run, not in seconds. */
export const TARGETS = { allSynthFloorRatio: 4, allSynthMiB: 500, zipKiB: 200 } as const;

/** One scenario's runs, each in a fresh process. */
export interface ProcessMeasure {
  readonly scenario: string;
  /** What ran (the app command of cdktf.json, the probe, the floor). */
  readonly command: string;
  readonly runs: number;
  /** Median wall time of the whole process (node start-up included). */
  readonly processMs: number;
  /** Highest peak RSS over the runs. */
  readonly peakMiB: number;
  /** Median in-process time from the first import of the kit to the written stacks (probe runs only). */
  readonly synthMs?: number;
  readonly stacks: number;
  readonly resources: number;
  readonly jsonBytes: number;
}

/** A scenario with its ratios to the floor. */
export interface SynthMeasure extends ProcessMeasure {
  /** processMs over the floor's processMs. */
  readonly wallRatio: number;
  /** peakMiB over the floor's peakMiB. */
  readonly memoryRatio: number;
}

export interface BenchInput {
  readonly at: string;
  readonly node: string;
  readonly cores: number;
  readonly memoryGiB: number;
  /** The empty cdktf app in plain node, run as many times as the app, interleaved with it. */
  readonly floor: ProcessMeasure;
  readonly all: ProcessMeasure;
  readonly one: ProcessMeasure;
  readonly scaling: readonly ProcessMeasure[];
  readonly timeGrowth: Growth;
  readonly memoryGrowth: Growth;
  readonly zips: ReadonlyArray<{ readonly name: string; readonly bytes: number }>;
  readonly validation: string | ReadonlyArray<{ readonly stack: string; readonly seconds: number; readonly valid: boolean }>;
  readonly demo?: DemoTimes;
  readonly tests?: TestTimes;
}

export interface BenchTargets {
  readonly allSynthWithin4xFloor: boolean;
  readonly allSynthUnder500MiB: boolean;
  readonly linearInQueues: boolean;
  readonly zipsUnder200KiB: boolean;
}

export interface BenchJson {
  readonly at: string;
  readonly node: string;
  readonly cores: number;
  readonly synthesis: {
    readonly floor: ProcessMeasure;
    readonly all: SynthMeasure;
    readonly one: SynthMeasure;
    readonly scaling: readonly SynthMeasure[];
    readonly timeGrowth: Growth;
    readonly memoryGrowth: Growth;
  };
  readonly zips: BenchInput['zips'];
  readonly validation: BenchInput['validation'];
  readonly demo?: DemoTimes;
  readonly tests?: TestTimes;
  readonly targets: BenchTargets;
}

const fixed = (n: number, digits = 0) => n.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'met' : 'MISSED');

function table(rows: ReadonlyArray<readonly string[]>): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n');
}

function againstFloor(m: ProcessMeasure, floor: ProcessMeasure): SynthMeasure {
  return { ...m, wallRatio: m.processMs / floor.processMs, memoryRatio: m.peakMiB / floor.peakMiB };
}

export function benchReport(input: BenchInput): { text: string; json: BenchJson } {
  const { floor } = input;
  const all = againstFloor(input.all, floor);
  const one = againstFloor(input.one, floor);
  const scaling = input.scaling.map((m) => againstFloor(m, floor));
  const targets: BenchTargets = {
    allSynthWithin4xFloor: all.wallRatio <= TARGETS.allSynthFloorRatio,
    allSynthUnder500MiB: all.peakMiB < TARGETS.allSynthMiB,
    linearInQueues: input.timeGrowth.linear && input.memoryGrowth.linear,
    zipsUnder200KiB: input.zips.every((z) => z.bytes / 1024 < TARGETS.zipKiB),
  };

  const out: string[] = [`pcm-deploy bench: node ${input.node}, ${input.cores} cores, ${fixed(input.memoryGiB)} GiB`, ''];
  out.push(
    table([
      ['synthesis', 'runs', 'process ms', 'x floor', 'peak MiB', 'x floor', 'synth ms', 'stacks', 'resources', 'JSON KiB'],
      [floor.scenario, String(floor.runs), fixed(floor.processMs), '1.0', fixed(floor.peakMiB), '1.0', '-', String(floor.stacks), String(floor.resources), fixed(floor.jsonBytes / 1024)],
      ...[all, one, ...scaling].map((m) => [
        m.scenario,
        String(m.runs),
        fixed(m.processMs),
        fixed(m.wallRatio, 1),
        fixed(m.peakMiB),
        fixed(m.memoryRatio, 1),
        m.synthMs === undefined ? '-' : fixed(m.synthMs),
        String(m.stacks),
        String(m.resources),
        fixed(m.jsonBytes / 1024),
      ]),
    ]),
    '',
    `floor: ${floor.command}; app: ${all.command}`,
    '',
    `growth with queues: ${input.timeGrowth.marginal.map((m) => `${fixed(m, 1)} ms`).join(' then ')} per queue (ratio ${fixed(input.timeGrowth.ratio, 2)}); ` +
      `${input.memoryGrowth.marginal.map((m) => `${fixed(m * 1024)} KiB`).join(' then ')} per queue (ratio ${fixed(input.memoryGrowth.ratio, 2)})`,
    '',
  );
  out.push(table([['Lambda zip', 'bytes', 'KiB'], ...input.zips.map((z) => [z.name, String(z.bytes), fixed(z.bytes / 1024, 1)])]), '');
  if (typeof input.validation === 'string') out.push(`terraform validate: ${input.validation}`, '');
  else out.push(table([['terraform init + validate', 'seconds', 'valid'], ...input.validation.map((v) => [v.stack, fixed(v.seconds, 1), v.valid ? 'yes' : 'NO'])]), '');
  if (input.demo) {
    const demo = input.demo;
    const parts = [demo.deploySeconds === undefined ? undefined : `deploys ${fixed(demo.deploySeconds)} s`, demo.campaignSeconds === undefined ? undefined : `campaign ${fixed(demo.campaignSeconds)} s beside them`].filter(Boolean);
    out.push(`demo deploys (npm run demo at ${demo.at}, ${demo.parallel} at a time, ${fixed(demo.totalSeconds)} s in all${parts.length ? `: ${parts.join(', ')}` : ''}):`);
    out.push(table([['environment', 'seconds', 'resources', 'outcome'], ...Object.entries(demo.environments).map(([name, e]) => [name, fixed(e.seconds), String(e.resources), e.ok ? 'deployed' : 'FAILED'])]), '');
  } else out.push('demo deploys: no record yet (run npm run demo, or npm run bench -- --demo)', '');
  if (input.tests) {
    const tests = input.tests;
    out.push(
      `test suite (full jest run at ${tests.at}): ${fixed(tests.seconds)} s wall, ${tests.suites} suites, ` +
        `${tests.tests.passed} passed, ${tests.tests.failed} failed, ${tests.tests.skipped} skipped; slowest suites:`,
    );
    out.push(table([['suite', 'seconds'], ...tests.slowest.map((s) => [s.suite, fixed(s.seconds, 1)])]), '');
  } else out.push('test suite: no record yet (a full jest run records it: npm test, or npx jest with no filter)', '');
  out.push(
    'targets:',
    `  all six synthesize within ${TARGETS.allSynthFloorRatio}x the floor (wall): ${fixed(all.wallRatio, 1)}x (${fixed(all.processMs)} ms, floor ${fixed(floor.processMs)} ms), ${verdict(targets.allSynthWithin4xFloor)}`,
    `  all six peak < ${TARGETS.allSynthMiB} MiB: ${fixed(all.peakMiB)} MiB (${fixed(all.memoryRatio, 1)}x the floor), ${verdict(targets.allSynthUnder500MiB)}`,
    `  synthesis grows no worse than linearly with queues: ${verdict(targets.linearInQueues)}`,
    `  every Lambda zip < ${TARGETS.zipKiB} KiB: largest ${fixed(Math.max(...input.zips.map((z) => z.bytes)) / 1024, 1)} KiB, ${verdict(targets.zipsUnder200KiB)}`,
  );

  const json: BenchJson = {
    at: input.at,
    node: input.node,
    cores: input.cores,
    synthesis: { floor, all, one, scaling, timeGrowth: input.timeGrowth, memoryGrowth: input.memoryGrowth },
    zips: input.zips,
    validation: input.validation,
    demo: input.demo,
    tests: input.tests,
    targets,
  };
  return { text: out.join('\n'), json };
}
