/**
 * `npm run check` as a library: synthesizes the selected environments for real AWS (the
 * emulator's concessions are not what gets deployed), and runs the pack over each one's stacks.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LoadedEnvironment } from '../config-generator/loader';
import { Naming } from '../modules/naming';
import { REAL_AWS } from '../stacks/aws-target';
import { synthesizeTo } from '../stacks/synthesize';
import { RULES } from './pack';
import type { Rule } from './rule';
import { runChecks, type Finding, type SuppressionProblem } from './run-checks';
import { StackView, type TerraformJson } from './stack-view';

export interface CheckReport {
  readonly environments: readonly string[];
  readonly stacks: readonly string[];
  readonly rules: number;
  /** Every finding, suppressed ones included (marked). */
  readonly findings: readonly Finding[];
  readonly suppressionProblems: readonly SuppressionProblem[];
  /** Error-level findings not suppressed, and wrong suppressions: any makes the check fail. */
  readonly errors: number;
  readonly warnings: number;
}

/**
 * @param all every environment (shared-storage policies are computed from all of them)
 * @param selected the environments to check
 */
export function checkEnvironments(all: readonly LoadedEnvironment[], selected: readonly LoadedEnvironment[], rules: readonly Rule[] = RULES): CheckReport {
  const outdir = mkdtempSync(join(tmpdir(), 'pcm-check-'));
  try {
    const synthesized = synthesizeTo(outdir, selected, { peers: all, target: REAL_AWS });
    const findings: Finding[] = [];
    const suppressionProblems: SuppressionProblem[] = [];
    for (const { config } of selected) {
      const naming = Naming.of(config);
      const names = new Set([naming.stack('data'), naming.stack('compute')]);
      const views = synthesized.filter((s) => names.has(s.name)).map((s) => new StackView(s.name, s.json as TerraformJson));
      const result = runChecks(config, views, rules, all.map((e) => e.config));
      findings.push(...result.findings);
      suppressionProblems.push(...result.suppressionProblems);
    }
    const active = findings.filter((f) => !f.suppressed);
    return {
      environments: selected.map((e) => e.config.environment.name),
      stacks: synthesized.map((s) => s.name).sort(),
      rules: rules.length,
      findings,
      suppressionProblems,
      errors: active.filter((f) => f.level === 'error').length + suppressionProblems.filter((p) => p.level === 'error').length,
      warnings: active.filter((f) => f.level === 'warning').length + suppressionProblems.filter((p) => p.level === 'warning').length,
    };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
