/**
 * Answers given ahead of the wizard: an answers file (a partial environment config in YAML) and
 * `--set path=value` flags. Each is checked field by field against the schema before use, so a
 * bad answer is reported against the file or flag it came from.
 */
import { readFileSync } from 'node:fs';
import { parse as parseYamlValue } from 'yaml';
import type { z } from 'zod';
import { isPlainObject, type ConfigIssue, type FieldPath } from './errors';
import { parseYaml } from './loader';
import type { PartialConfig } from './presets';
import { schemaAt, schemaPathOf } from './schema-walk';
import { unknownFieldIssue } from './validate';

type Schema = z.ZodType;

function innerOf(schema: Schema): Schema {
  let inner = schema;
  while (inner.def.type === 'optional') inner = (inner as z.ZodOptional<Schema>).unwrap();
  return inner;
}

/** Checks every field present in a partial config; fields left out are not problems here. */
export function validatePartial(data: unknown, file: string, path: FieldPath = []): ConfigIssue[] {
  const schema = schemaAt(schemaPathOf(path));
  if (!schema) return [unknownFieldIssue(file, path.slice(0, -1), String(path[path.length - 1]), data)];
  const inner = innerOf(schema);
  const type = inner.def.type;
  if (type === 'object' && isPlainObject(data)) {
    return Object.entries(data).flatMap(([key, value]) => validatePartial(value, file, [...path, key]));
  }
  if (type === 'array' && Array.isArray(data) && innerOf((inner as z.ZodArray<Schema>).element).def.type === 'object') {
    return data.flatMap((item, i) => validatePartial(item, file, [...path, i]));
  }
  const result = schema.safeParse(data, { reportInput: true });
  if (result.success) return [];
  return result.error.issues.map((issue) => ({
    file,
    path: [...path, ...(issue.path as (string | number)[])],
    expected: issue.message,
    found: data,
  }));
}

/** Reads an answers file; throws nothing, reports problems as issues. */
export function readAnswersFile(file: string): { answers: PartialConfig; issues: ConfigIssue[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    return { answers: {}, issues: [{ file, path: [], expected: 'a readable answers file', foundText: (error as Error).message }] };
  }
  const parsed = parseYaml({ file, text });
  if (!parsed.ok) return { answers: {}, issues: parsed.issues };
  const data = parsed.data ?? {};
  if (!isPlainObject(data)) return { answers: {}, issues: [{ file, path: [], line: 1, expected: 'a mapping of fields', found: data }] };
  const issues = validatePartial(data, file).map((issue) => ({ ...issue, line: parsed.locate(issue.path) }));
  return { answers: data, issues };
}

/** Splits "workers.queues[0].max" (or "workers.queues.0.max") into ["workers","queues",0,"max"]. */
export function parsePath(text: string): (string | number)[] {
  return text
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((part) => part !== '')
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

/**
 * Turns typed text into the value the schema expects at a path: strings stay strings (an account
 * id must not become a number), numbers and booleans are read as such, lists may be written
 * "a, b" or "[a, b]", and objects as YAML flow mappings.
 */
export function coerceAnswer(path: FieldPath, raw: string): unknown {
  const schema = schemaAt(schemaPathOf(path));
  const text = raw.trim();
  if (!schema) return text;
  const inner = innerOf(schema);
  switch (inner.def.type) {
    case 'string':
    case 'literal':
    case 'enum':
      return unquote(text);
    case 'number':
    case 'int':
      return text !== '' && Number.isFinite(Number(unquote(text))) ? Number(unquote(text)) : text;
    case 'boolean':
      return /^(true|yes)$/i.test(text) ? true : /^(false|no)$/i.test(text) ? false : text;
    case 'array': {
      if (text.startsWith('[')) return tryYaml(text);
      const items = text === '' ? [] : text.split(',').map((item) => item.trim());
      return items.map((item) => coerceAnswer([...path, 0], item));
    }
    default:
      return tryYaml(text);
  }
}

/** "123456789012" or '...' typed with its quotes (as YAML files write it) is the text inside. */
function unquote(text: string): string {
  return /^(["'])(.*)\1$/s.test(text) ? text.slice(1, -1) : text;
}

function tryYaml(text: string): unknown {
  try {
    return parseYamlValue(text);
  } catch {
    return text;
  }
}

/** Sets a value deep in a partial config, creating objects on the way (arrays by index). */
export function setPath(target: Record<string, unknown>, path: FieldPath, value: unknown): void {
  let here: Record<string | number, unknown> = target;
  path.forEach((step, i) => {
    if (i === path.length - 1) {
      here[step] = value;
      return;
    }
    const next = here[step];
    if (typeof next !== 'object' || next === null) here[step] = typeof path[i + 1] === 'number' ? [] : {};
    here = here[step] as Record<string | number, unknown>;
  });
}

/** One `--set path=value`, with the value read the way the schema expects it. */
export interface SetFlag {
  readonly path: (string | number)[];
  readonly value: unknown;
}

/**
 * Reads `--set path=value` flags; each bad flag is an issue quoting it. They are applied to the
 * draft (not merged as answers) so that `workers.queues[0].max=10` changes one field of item 0.
 */
export function parseSetFlags(
  flags: readonly string[],
  options: { /** Keep a bad value of a known field, for the wizard to quote back and ask again. */ readonly keepInvalid?: boolean } = {},
): { sets: SetFlag[]; issues: ConfigIssue[] } {
  const sets: SetFlag[] = [];
  const issues: ConfigIssue[] = [];
  for (const flag of flags) {
    const eq = flag.indexOf('=');
    const path = eq > 0 ? parsePath(flag.slice(0, eq)) : [];
    if (eq <= 0 || path.length === 0) {
      issues.push({ file: '--set', path: [], expected: 'path=value, e.g. --set aws.region=us-west-2', found: flag });
      continue;
    }
    if (!schemaAt(schemaPathOf(path))) {
      issues.push(unknownFieldIssue('--set', path.slice(0, -1), String(path[path.length - 1]), flag.slice(eq + 1)));
      continue;
    }
    const value = coerceAnswer(path, flag.slice(eq + 1));
    const problems = validatePartial(value, '--set', path);
    if (problems.length > 0 && !options.keepInvalid) issues.push(...problems);
    else sets.push({ path, value });
  }
  return { sets, issues };
}
