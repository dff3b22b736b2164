/**
 * Turns a parsed document into a typed EnvironmentConfig or a list of ConfigIssues.
 *
 * Zod checks the shape of each field; `checks.ts` then checks the fields against each other.
 * Every schema error text is an expectation, so an issue reads "expected <message>, found <input>".
 */
import type { z } from 'zod';
import { valueAt, type ConfigIssue, type FieldPath } from './errors';
import { environmentSchema, type EnvironmentConfig } from './schema';
import { fieldsAt, schemaPathOf } from './schema-walk';

/** How an error names each expected zod type; the others read "a value of type <type>". */
const TYPE_NAMES: Readonly<Partial<Record<string, string>>> = {
  object: 'a mapping of fields',
  record: 'a mapping of fields',
  array: 'a list',
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
};

/** Expectations for the checks that carry no error text of their own in the schema. */
function expectation(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_NAMES[issue.expected] ?? `a value of type ${issue.expected}`;
    case 'too_small':
      return issue.origin === 'array' ? `at least ${issue.minimum} item(s)` : `at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'array' ? `at most ${issue.maximum} item(s)` : `at most ${issue.maximum}`;
    case 'invalid_value':
      return `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'invalid_key':
      return 'a valid key';
    default:
      return 'a valid value';
  }
}

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1].toLowerCase() === b[j - 1].toLowerCase() ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}

/** The candidate closest to a mistyped word, if one is close enough to be what was meant. */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  return candidates
    .map((name) => ({ name, d: distance(word, name) }))
    .filter(({ name, d }) => d <= Math.max(2, Math.floor(Math.max(word.length, name.length) / 3)))
    .sort((a, b) => a.d - b.d)[0]?.name;
}

export function unknownFieldIssue(file: string, parent: FieldPath, key: string, value: unknown): ConfigIssue {
  const allowed = fieldsAt(schemaPathOf(parent));
  const guess = nearest(key, allowed);
  const hint = guess ? `did you mean "${guess}"? ` : '';
  return {
    file,
    path: [...parent, key],
    expected: `a known field (${hint}allowed here: ${allowed.join(', ')})`,
    found: value,
    foundText: `an unknown field "${key}"`,
  };
}

export type Validation =
  | { readonly ok: true; readonly config: EnvironmentConfig }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Checks the shape of one environment document. `file` is only used in the issues. */
export function validateShape(data: unknown, file: string): Validation {
  const result = environmentSchema.safeParse(data, { reportInput: true, error: expectation });
  if (result.success) return { ok: true, config: result.data };
  const issues: ConfigIssue[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path as (string | number)[];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) issues.push(unknownFieldIssue(file, path, key, valueAt(data, [...path, key])));
    } else if (issue.code === 'invalid_key') {
      // A bad key of a mapping (a tag key, say): the key's own rule says what is expected.
      const key = String(path[path.length - 1]);
      issues.push({ file, path, expected: issue.issues[0]?.message ?? issue.message, foundText: `the key ${JSON.stringify(key)}` });
    } else {
      issues.push({ file, path, expected: issue.message, found: valueAt(data, path) });
    }
  }
  return { ok: false, issues };
}
