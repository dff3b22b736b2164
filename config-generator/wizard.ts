/**
 * The wizard's engine: from a starting point (a preset, or a config to re-use), answers given
 * ahead (answers file, --set) and, when there is a terminal, questions, it builds one validated
 * EnvironmentConfig. It never prints: asking is delegated to an `Asker` the command supplies.
 *
 * Flags come first: a valid given answer skips its question; an invalid one is quoted back and
 * asked again (interactive) or reported (non-interactive). Without a terminal, a question with
 * no given answer takes its default, and one without a default is reported as missing.
 */
import { getPath, setPath, type SetFlag } from './answers';
import type { ConfigIssue, FieldPath } from './errors';
import { formatPath } from './errors';
import { ENVIRONMENT_KINDS, type EnvironmentKind } from './kinds';
import { mergeConfig, presetFor, type PartialConfig } from './presets';
import { IDENTITY_QUESTIONS, QUESTIONS, type Choice, type Question, type WizardContext } from './questions';
import type { EnvironmentConfig } from './schema';
import { describeAt, schemaAt, schemaPathOf } from './schema-walk';
import { validateShape } from './validate';

export interface Prompt {
  readonly path: string;
  readonly message: string;
  readonly input: Question['input'];
  readonly choices?: readonly Choice[];
  readonly initial?: unknown;
  /** A given answer that failed validation, quoted back to the operator. */
  readonly rejected?: { readonly value: unknown; readonly problem: string };
  /** Checks a typed value; returns true or the expectation it failed. */
  readonly validate: (value: unknown) => true | string;
}

/** Asks one question and resolves to the (already validated) value. Rejects on cancel. */
export type Asker = (prompt: Prompt) => Promise<unknown>;

export interface WizardInput {
  /** A config to re-use instead of the kind's preset (--from). */
  readonly from?: PartialConfig;
  /** Answers given ahead: the answers file. */
  readonly answers?: PartialConfig;
  readonly sets?: readonly SetFlag[];
  /** Present when there is a terminal to ask on. */
  readonly ask?: Asker;
  readonly context: WizardContext;
}

export type WizardResult =
  | { readonly ok: true; readonly config: EnvironmentConfig }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Checks one answer against the schema at its path. */
export function checkAnswer(path: FieldPath, value: unknown): true | string {
  const schema = schemaAt(schemaPathOf(path));
  if (!schema) return `a field the config has (there is no ${formatPath(path)})`;
  const result = schema.safeParse(value);
  return result.success ? true : result.error.issues[0].message;
}

function withGiven(draft: PartialConfig, answers: PartialConfig, sets: readonly SetFlag[]): PartialConfig {
  const merged = mergeConfig(draft, structuredClone(answers)) as Record<string, unknown>;
  for (const { path, value } of sets) setPath(merged, path, structuredClone(value));
  return merged as PartialConfig;
}

export async function runWizard(input: WizardInput): Promise<WizardResult> {
  const { answers = {}, sets = [], ask, context } = input;
  const given = withGiven({}, answers, sets);
  const missing: ConfigIssue[] = [];

  // Resolves one question on `draft` in place; records a missing answer when it cannot.
  const resolve = async (question: Question, draft: PartialConfig) => {
    const current = getPath(draft, question.path);
    const fromFlags = getPath(given, question.path) !== undefined;
    const check = checkAnswer(question.path, current);
    if (current !== undefined && check === true && (fromFlags || !ask)) return;
    const initial = current !== undefined && check === true ? current : question.initial?.(draft, context);
    const message = question.message ?? describeAt(schemaPathOf(question.path));
    if (!ask) {
      if (current !== undefined) return; // invalid: reported by the final validation, with the source
      if (initial === undefined) {
        missing.push({ file: '(answers)', path: question.path, expected: `an answer: ${message.replace(/\.$/, '')}` });
      } else setPath(draft as Record<string, unknown>, question.path, initial);
      return;
    }
    const path = formatPath(question.path);
    const value = await ask({
      path,
      message,
      input: question.input,
      choices: question.choices?.(draft, context),
      initial,
      rejected: current !== undefined && check !== true ? { value: current, problem: check } : undefined,
      validate: (v) => checkAnswer(question.path, v),
    });
    setPath(draft as Record<string, unknown>, question.path, value);
  };

  // Name and kind first: they choose the starting point.
  const identity = withGiven(input.from ?? {}, answers, sets);
  for (const question of IDENTITY_QUESTIONS) await resolve(question, identity);
  const name = identity.environment?.name;
  const kind = identity.environment?.kind as EnvironmentKind | undefined;
  if (!name || !kind || !ENVIRONMENT_KINDS.includes(kind)) {
    const issues = missing.length > 0 ? missing : [];
    if (issues.length === 0) {
      issues.push({ file: '(answers)', path: ['environment'], expected: 'a valid environment name and kind', found: identity.environment });
    }
    return { ok: false, issues };
  }

  const start = input.from ? structuredClone(input.from) : presetFor(kind);
  const draft = withGiven(start, answers, sets);
  draft.environment = { name, kind };
  for (const question of QUESTIONS) {
    if (question.when && !question.when(draft, context)) continue;
    await resolve(question, draft);
  }
  if (missing.length > 0) return { ok: false, issues: missing };

  const shape = validateShape(draft, '(answers)');
  return shape.ok ? { ok: true, config: shape.config } : { ok: false, issues: shape.issues };
}
