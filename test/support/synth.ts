/** Synthesizes the app in-process into a temporary folder and reads the stacks back. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'cdktf';
import type { LoadedEnvironment } from '../../config-generator/loader';
import { addEnvironmentStacks } from '../../stacks/app';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type StackJson = any;

export interface Synthesized {
  readonly outdir: string;
  readonly stacks: Record<string, StackJson>;
  /** Stack name -> the stacks it depends on, from cdktf's manifest. */
  readonly dependencies: Record<string, string[]>;
  /** Stack name -> its folder, for terraform. */
  readonly dirs: Record<string, string>;
}

export function synthesize(environments: readonly LoadedEnvironment[]): Synthesized {
  const outdir = mkdtempSync(join(tmpdir(), 'pcm-synth-'));
  const app = new App({ outdir });
  addEnvironmentStacks(app, environments);
  app.synth();
  const manifest = JSON.parse(readFileSync(join(outdir, 'manifest.json'), 'utf8')) as {
    stacks: Record<string, { synthesizedStackPath: string; workingDirectory: string; dependencies: string[] }>;
  };
  const stacks: Record<string, StackJson> = {};
  const dirs: Record<string, string> = {};
  const dependencies: Record<string, string[]> = {};
  for (const [name, entry] of Object.entries(manifest.stacks)) {
    stacks[name] = JSON.parse(readFileSync(join(outdir, entry.synthesizedStackPath), 'utf8'));
    dirs[name] = join(outdir, entry.workingDirectory);
    dependencies[name] = entry.dependencies;
  }
  return { outdir, stacks, dependencies, dirs };
}

/** The resources of one type in a stack, by their Terraform name. */
export function resourcesOf(stack: StackJson, type: string): Record<string, StackJson> {
  return stack.resource?.[type] ?? {};
}
