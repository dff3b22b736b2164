/**
 * One synthesis in a fresh process, measured from before the first import of the kit to the
 * written stacks: the parent (bench/bench.ts) runs it several times and takes the median.
 *
 *   node lib/precompiled-app.cjs --entry bench/synth-probe.ts (--all | --env NAME) [--queues N]
 *   (or node --import tsx bench/synth-probe.ts ...)
 *
 * Prints one JSON line: { ms, maxRssMiB, stacks, resources, bytes }.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

async function main(): Promise<void> {
  const started = performance.now();
  const { values } = parseArgs({ options: { all: { type: 'boolean' }, env: { type: 'string' }, queues: { type: 'string' } } });
  const { loadEnvironments } = await import('../config-generator/loader');
  const { synthesizeTo } = await import('../stacks/synthesize');
  const { withWorkerQueues } = await import('./queues');

  const environments = loadEnvironments();
  let selected = values.all ? environments : environments.filter((e) => e.config.environment.name === values.env);
  if (selected.length === 0) throw new Error(`no environment ${values.env}`);
  if (values.queues) selected = selected.map((e) => ({ ...e, config: withWorkerQueues(e.config, Number(values.queues)) }));

  const outdir = mkdtempSync(join(tmpdir(), 'pcm-bench-'));
  try {
    const stacks = synthesizeTo(outdir, selected, { peers: environments });
    const ms = performance.now() - started;
    const bytes = stacks.reduce((n, s) => n + JSON.stringify(s.json).length, 0);
    const resources = stacks.reduce((n, s) => n + s.resourceCount, 0);
    process.stdout.write(`${JSON.stringify({ ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, stacks: stacks.length, resources, bytes })}\n`);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

main().catch((error: Error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exit(1);
});
