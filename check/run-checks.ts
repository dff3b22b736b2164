/**
 * Applies a rule pack to one environment's synthesized stacks and its suppressions.
 */
import type { EnvironmentConfig } from '../config-generator/schema';
import type { Level, Rule } from './rule';
import type { StackView } from './stack-view';

export interface Finding {
  readonly rule: string;
  readonly level: Level;
  readonly environment: string;
  readonly stack: string;
  /** Terraform address (`aws_s3_bucket.bucket-dataset_bucket_A03D0AA2`). */
  readonly address: string;
  /** Construct path, to find the code. */
  readonly path: string;
  readonly problem: string;
  /** Why the finding does not count, when a suppression in the config covers it. */
  readonly suppressed?: { readonly reason: string };
}

/** A suppression in the config that is wrong or no longer needed. */
export interface SuppressionProblem {
  readonly level: Level;
  readonly environment: string;
  /** `checkSuppressions[<i>]`. */
  readonly field: string;
  readonly problem: string;
}

export interface EnvironmentResult {
  readonly findings: readonly Finding[];
  readonly suppressionProblems: readonly SuppressionProblem[];
}

/** `peers`: every environment's config (shared storage is declared by consumers); @default just `config`. */
export function runChecks(config: EnvironmentConfig, stacks: readonly StackView[], rules: readonly Rule[], peers: readonly EnvironmentConfig[] = [config]): EnvironmentResult {
  const environment = config.environment.name;
  const raw: Finding[] = [];
  for (const stack of stacks) {
    for (const rule of rules) {
      try {
        for (const { resource, problem } of rule.check({ stack, environment: stacks, config, peers })) {
          raw.push({ rule: rule.id, level: rule.level, environment, stack: stack.name, address: resource.address, path: resource.path, problem });
        }
      } catch (error) {
        // A rule that cannot run has not passed (cdk-nag's rule): it is a finding of its own.
        raw.push({ rule: rule.id, level: 'error', environment, stack: stack.name, address: '-', path: stack.name, problem: `the rule failed to run: ${(error as Error).message}` });
      }
    }
  }

  const suppressions = config.checkSuppressions ?? [];
  const known = new Set(rules.map((r) => r.id));
  const used = new Set<number>();
  const findings = raw.map((finding) => {
    const index = suppressions.findIndex((s) => s.rule === finding.rule && s.resource === finding.address);
    if (index < 0) return finding;
    used.add(index);
    return { ...finding, suppressed: { reason: suppressions[index].reason } };
  });
  const addresses = new Set(stacks.flatMap((s) => s.resources.map((r) => r.address)));
  const suppressionProblems: SuppressionProblem[] = suppressions.flatMap((s, i): SuppressionProblem[] => {
    const field = `checkSuppressions[${i}]`;
    if (!known.has(s.rule)) return [{ level: 'error', environment, field, problem: `rule ${s.rule} does not exist; the rules are ${[...known].join(', ')}` }];
    if (!addresses.has(s.resource)) return [{ level: 'error', environment, field, problem: `resource ${s.resource} is in none of the stacks ${stacks.map((st) => st.name).join(', ')}` }];
    if (!used.has(i)) return [{ level: 'warning', environment, field, problem: `${s.rule} finds nothing on ${s.resource} any more; remove the suppression` }];
    return [];
  });
  return { findings, suppressionProblems };
}
