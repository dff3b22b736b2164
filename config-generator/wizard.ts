/**
 * The wizard's engine: from a starting point (a preset, a config to re-use, or the environment's
 * existing file), answers given ahead (answers file, --set) and, when there is a terminal,
 * questions, it builds one validated EnvironmentConfig. It never prints: asking is delegated to
 * an `Asker` the command supplies.
 *
 * Flags come first: a valid given answer skips its question; an invalid one is quoted back and
 * asked again (interactive) or reported (non-interactive); a bad one for a field that is never
 * asked fails before the first question. Each answer is checked when it is given, with the
 * loader's checks (region, images, dates, an account another environment uses). Without a
 * terminal, a question with no given answer takes its default, and one without a default is
 * reported as missing.
 */
import { setPath, type SetFlag } from './answers';
import type { ConfigIssue, FieldPath } from './errors';
import { formatPath, valueAt } from './errors';
import { ENVIRONMENT_KINDS } from './kinds';
import { mergeConfig, presetFor, type PartialConfig } from './presets';
import { DERIVED, IDENTITY_QUESTIONS, kindFromName, QUESTIONS, type Choice, type Question, type WizardContext } from './questions';
import type { EnvironmentConfig } from './schema';
import { describeAt, schemaAt, schemaPathOf } from './schema-walk';
import { validateShape } from './validate';

export interface Prompt {
  readonly path: string;
  /** The question, short. */
  readonly title: string;
  /** One line of help under it. */
  readonly help: string;
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
  /** The environment's current file, by name, when it has one: a re-run edits it. */
  readonly existing?: (name: string) => PartialConfig | undefined;
  /** Answers given ahead: the answers file. */
  readonly answers?: PartialConfig;
  readonly sets?: readonly SetFlag[];
  /** Present when there is a terminal to ask on. */
  readonly ask?: Asker;
  readonly context: WizardContext;
}

export type WizardResult =
  | { readonly ok: true; readonly config: EnvironmentConfig; /** The file it started from, on a re-run. */ readonly edited: boolean }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/**
 * The wizard never asks for quotes (the file's template writes them): the formats' texts say
 * "in quotes" for people editing YAML by hand.
 */
function forPrompts(expectation: string): string {
  return expectation.replace(/ in quotes/g, '').replace(/ \(unquoted, YAML reads it as a number\)/g, '');
}

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
  return merged;
}

const ALL_QUESTIONS = [...IDENTITY_QUESTIONS, ...QUESTIONS];
const samePath = (a: FieldPath, b: FieldPath) => a.length === b.length && a.every((step, i) => step === b[i]);
const questionAt = (path: FieldPath) => ALL_QUESTIONS.find((q) => samePath(q.path, path));

/** Other environments that use this account without this one (or they) saying so. */
function sharingWithout(draft: PartialConfig, context: WizardContext, account: unknown): string[] {
  const shares = draft.aws?.sharesAccountWith ?? [];
  return [...(context.accounts ?? [])]
    .filter(([name, id]) => id === account && name !== draft.environment?.name && !shares.includes(name))
    .map(([name]) => name);
}

export async function runWizard(input: WizardInput): Promise<WizardResult> {
  const { answers = {}, sets = [], ask, context } = input;
  const given = withGiven({}, answers, sets);
  const missing: ConfigIssue[] = [];

  // Flags first, and all of them at once: a bad value of a field no question asks could only be
  // reported after the last question, losing every answer.
  const early = sets.flatMap(({ path, value }): ConfigIssue[] => {
    const question = questionAt(path);
    if (question && ask) return []; // quoted back and asked again when its question comes
    const problem = checkAnswer(path, value);
    if (problem !== true) return [{ file: '--set', path, expected: forPrompts(problem), found: value }];
    return [];
  });
  if (early.length > 0) return { ok: false, issues: early };

  const fullCheck = (question: Question, draft: PartialConfig, value: unknown): true | string => {
    const shape = checkAnswer(question.path, value);
    if (shape !== true) return forPrompts(shape);
    const more = question.check?.(value, draft, context);
    return more === undefined ? true : forPrompts(more);
  };

  // Resolves one question on `draft` in place; records a missing answer when it cannot.
  const resolve = async (question: Question, draft: PartialConfig, editing: boolean) => {
    const path = formatPath(question.path);
    const help = question.help ?? describeAt(schemaPathOf(question.path));
    if (question.input === 'confirm') {
      const present = valueAt(draft, question.path) !== undefined;
      if (valueAt(given, question.path) !== undefined) return; // details given: the answer is yes
      const initial = editing ? present : Boolean(question.initial?.(draft, context));
      const yes = ask ? Boolean(await ask({ path, title: question.title, help, input: 'confirm', initial, validate: () => true })) : initial;
      if (!yes) setPath(draft, question.path, undefined);
      else if (!present) setPath(draft, question.path, question.enable?.(draft));
      return;
    }
    const current = valueAt(draft, question.path);
    const fromFlags = valueAt(given, question.path) !== undefined;
    const check = current === undefined ? 'missing' : fullCheck(question, draft, current);
    // A given account that another environment uses goes straight to "share it?" at a terminal.
    const givenShared = Boolean(ask) && samePath(question.path, ['aws', 'accountId']) && sharingWithout(draft, context, current).length > 0;
    if (current !== undefined && check === true && (fromFlags || !ask) && !givenShared) return;
    const initial = current !== undefined && check === true ? current : question.initial?.(draft, context);
    if (!ask) {
      if (current !== undefined) return; // invalid: reported by the final validation, with the source
      if (initial === undefined) {
        missing.push({ file: '(answers)', path: question.path, expected: `an answer: ${describeAt(schemaPathOf(question.path)).replace(/\.$/, '')}` });
      } else setPath(draft, question.path, initial);
      return;
    }
    const choices = question.choices?.(draft, context);
    // Nothing to choose from (AMI overrides in a region the catalog lacks): the field stays unset
    // and the final validation says what is missing, instead of a menu without items.
    if (choices && choices.length === 0) return;
    let rejected: Prompt['rejected'] = current !== undefined && check !== true ? { value: current, problem: check } : undefined;
    let answered = current !== undefined && check === true && fromFlags; // the flag's value, first
    for (;;) {
      const value = answered ? current : await ask({
        path,
        title: question.title,
        help,
        input: question.input,
        choices,
        initial,
        rejected,
        validate: (v) => fullCheck(question, draft, v),
      });
      setPath(draft, question.path, value);
      // An account another environment has: shared on purpose, or a mistake to answer again.
      const others = samePath(question.path, ['aws', 'accountId']) ? sharingWithout(draft, context, value) : [];
      if (others.length === 0) return;
      const share = await ask({
        path: 'aws.sharesAccountWith',
        title: `Share it with ${others.join(', ')}?`,
        help: `${others.join(', ')} use${others.length === 1 ? 's' : ''} account ${String(value)} too; yes lists ${others.length === 1 ? 'it' : 'them'} in aws.sharesAccountWith`,
        input: 'confirm',
        initial: false,
        validate: () => true,
      });
      if (share) {
        setPath(draft, ['aws', 'sharesAccountWith'], [...(draft.aws?.sharesAccountWith ?? []), ...others]);
        return;
      }
      rejected = { value, problem: `an account of its own (${others.join(', ')} already use${others.length === 1 ? 's' : ''} it)` };
      answered = false;
    }
  };

  // The name first: it says whether there is a file to edit, and suggests the kind.
  const identity = withGiven(input.from ?? {}, answers, sets);
  await resolve(IDENTITY_QUESTIONS[0], identity, false);
  const name = identity.environment?.name;
  const existing = !input.from && name ? input.existing?.(name) : undefined;
  if (existing?.environment?.kind && !valueAt(given, ['environment', 'kind'])) {
    identity.environment = { ...identity.environment, kind: existing.environment.kind };
  }
  await resolve(IDENTITY_QUESTIONS[1], identity, Boolean(existing));
  const kind = identity.environment?.kind;
  if (!name || !kind || !ENVIRONMENT_KINDS.includes(kind)) {
    const issues = missing.length > 0 ? missing : [];
    if (issues.length === 0) {
      issues.push({ file: '(answers)', path: ['environment'], expected: 'a valid environment name and kind', found: identity.environment });
    }
    return { ok: false, issues };
  }

  const base = input.from ?? (existing?.environment?.kind === kind ? existing : undefined);
  const start = base ? structuredClone(base) : presetFor(kind);
  const draft = withGiven(start, answers, sets);
  draft.environment = { name, kind };
  for (const question of QUESTIONS) {
    if (question.when && !question.when(draft, context)) continue;
    await resolve(question, draft, Boolean(base));
  }
  for (const derived of DERIVED) {
    if (derived.when && !derived.when(draft, context)) continue;
    if (valueAt(draft, derived.path) !== undefined) continue;
    const value = derived.initial?.(draft, context);
    if (value === undefined) {
      const what = derived.help ?? describeAt(schemaPathOf(derived.path));
      missing.push({ file: '(answers)', path: derived.path, expected: `an answer: ${what.replace(/\.$/, '')}` });
    } else setPath(draft, derived.path, value);
  }
  if (missing.length > 0) return { ok: false, issues: missing };

  const shape = validateShape(draft, '(answers)');
  return shape.ok ? { ok: true, config: shape.config, edited: Boolean(existing && base === existing) } : { ok: false, issues: shape.issues };
}

export { kindFromName };
