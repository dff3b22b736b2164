/** Synthesizes the app in-process into a temporary folder and reads the stacks back. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedEnvironment } from '../../config-generator/loader';
import type { AppOptions } from '../../stacks/app';
import { synthesizeTo } from '../../stacks/synthesize';

/** Synthesized Terraform JSON, read by path in assertions: typing every resource would be the provider's schema again. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- see above
export type StackJson = any;

export interface Synthesized {
  readonly stacks: Record<string, StackJson>;
  /** Stack name -> the stacks it depends on, from cdktf's manifest. */
  readonly dependencies: Record<string, readonly string[]>;
  /** Stack name -> its folder, for terraform. */
  readonly dirs: Record<string, string>;
}

export function synthesize(environments: readonly LoadedEnvironment[], options: AppOptions = {}): Synthesized {
  const out = synthesizeTo(mkdtempSync(join(tmpdir(), 'pcm-synth-')), environments, options);
  return {
    stacks: Object.fromEntries(out.map((s) => [s.name, s.json])),
    dependencies: Object.fromEntries(out.map((s) => [s.name, s.dependencies])),
    dirs: Object.fromEntries(out.map((s) => [s.name, s.dir])),
  };
}

/** The resources of one type in a stack, by their Terraform name. */
export function resourcesOf(stack: StackJson, type: string): Record<string, StackJson> {
  return stack.resource?.[type] ?? {};
}
