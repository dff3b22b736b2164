/**
 * What a rule is (data plus one pure function) and what it reports.
 */
import type { EnvironmentConfig } from '../config-generator/schema';
import type { StackView, TerraformResource } from './stack-view';

export type Level = 'error' | 'warning';

export interface RuleContext {
  /** The stack under check. */
  readonly stack: StackView;
  /** Every stack of the same environment: some references cross stacks by name or ARN. */
  readonly environment: readonly StackView[];
  readonly config: EnvironmentConfig;
  /**
   * Every environment's config: shared-storage grants are declared by the consumer and written
   * into the owner's policies. @default only `config`
   */
  readonly peers?: readonly EnvironmentConfig[];
  /**
   * The day the check runs (YYYY-MM-DD), for rules that depend on dates (runtime deprecations).
   * @default today (UTC)
   */
  readonly today?: string;
}

/** One resource that breaks the rule, and how. */
export interface Violation {
  readonly resource: TerraformResource;
  /** What is wrong with this resource, in a few words ("no public-access block"). */
  readonly problem: string;
}

/** A rule's logic: every violation in the stack, none when it complies. */
export type RuleCheck = (context: RuleContext) => Violation[];

export interface Rule {
  /** `PCM-<AREA>-<n>`: a contract; suppressions name it. */
  readonly id: string;
  readonly level: Level;
  /** The control in one line. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to comply. */
  readonly fix: string;
  readonly check: RuleCheck;
}

export const violation = (resource: TerraformResource, problem: string): Violation => ({ resource, problem });
