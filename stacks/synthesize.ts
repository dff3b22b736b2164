/**
 * Synthesis into a folder, in-process, and what came out of it: the demo, the benchmarks and
 * the tests use this rather than the cdktf CLI, which adds about 1.5 s of its own start-up.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'cdktf';
import type { LoadedEnvironment } from '../config-generator/loader';
import { addEnvironmentStacks, type AppOptions } from './app';
import { withoutTokenStackTraces } from './token-stack-traces';

export interface SynthesizedStack {
  readonly name: string;
  /** The folder terraform runs in. */
  readonly dir: string;
  /** The stack's Terraform JSON. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- callers read it by path (tests) or through check's StackView
  readonly json: any;
  /** Stacks this one deploys after. */
  readonly dependencies: readonly string[];
  /** Number of resources (data sources not counted). */
  readonly resourceCount: number;
}

/**
 * cdktf records a full stack trace for every token it creates. Under tsx (or --enable-source-maps)
 * Node maps each frame through the source maps, which made that most of the synthesis time
 * (npm run bench: 1000 queues 13.2 s). Errors thrown here still carry stacks, just unmapped.
 */
function withoutSourceMappedStacks<T>(work: () => T): T {
  const mapped = process.sourceMapsEnabled;
  if (mapped) process.setSourceMapsEnabled(false);
  try {
    return work();
  } finally {
    if (mapped) process.setSourceMapsEnabled(true);
  }
}

interface Manifest {
  readonly stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string; dependencies: string[] }>;
}

export function synthesizeTo(outdir: string, environments: readonly LoadedEnvironment[], options: AppOptions = {}): SynthesizedStack[] {
  withoutSourceMappedStacks(() =>
    withoutTokenStackTraces(() => {
      const app = new App({ outdir });
      addEnvironmentStacks(app, environments, options);
      app.synth();
    }),
  );
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as Manifest;
  return Object.entries(manifest.stacks).map(([name, entry]) => {
    const json = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8')) as { resource?: Record<string, object> };
    const resourceCount = Object.values(json.resource ?? {}).reduce((n, byName) => n + Object.keys(byName).length, 0);
    return { name, dir: join(outdir, entry.workingDirectory), json, dependencies: entry.dependencies, resourceCount };
  });
}
