/**
 * Configuration problems, collected and reported all at once.
 *
 * Every problem names the file, the field path, what was expected and what was found, so that an
 * operator can fix a config from the message alone.
 */

export type FieldPath = readonly (string | number)[];

/** The value at `path` in parsed data, or undefined where the path leaves the data. */
export function valueAt(data: unknown, path: FieldPath): unknown {
  let here = data;
  for (const step of path) {
    if (here === null || typeof here !== 'object') return undefined;
    here = (here as Record<string | number, unknown>)[step];
  }
  return here;
}

/** A YAML or JSON mapping (not a list, not null). */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ConfigIssue {
  /** The file the problem is in (as given, usually relative to the repository). */
  readonly file: string;
  /** Path to the field, e.g. ["workers", "queues", 1, "max"]. Empty for the whole file. */
  readonly path: FieldPath;
  /** What the field should hold, phrased to follow "expected". */
  readonly expected: string;
  /** What it holds. Absent when the field is missing. */
  readonly found?: unknown;
  /** Says what was found in words, where the value itself would not (an unknown field name). */
  readonly foundText?: string;
  /** 1-based line of the field in the file, when known. */
  readonly line?: number;
  /** 1-based column, for problems a parser found (YAML syntax). */
  readonly column?: number;
  /** The offending line of the file, shown under the problem. */
  readonly source?: string;
  /** A hint on how to fix it, shown after the problem. */
  readonly hint?: string;
}

/** Renders a path as the operator would write it: workers.queues[1].max */
export function formatPath(path: FieldPath): string {
  let out = '';
  for (const part of path) {
    out += typeof part === 'number' ? `[${part}]` : out === '' ? part : `.${part}`;
  }
  return out || '(file)';
}

export function formatFound(found: unknown): string {
  if (found === undefined) return 'nothing (the field is missing)';
  const text = JSON.stringify(found) ?? typeof found;
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/** Long found texts (a parser's message on a binary file, say) are cut to keep a list readable. */
const MAX_FOUND_TEXT = 200;

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}${issue.column ? `:${issue.column}` : ''}` : issue.file;
  const found = issue.foundText === undefined ? formatFound(issue.found) : issue.foundText.length > MAX_FOUND_TEXT ? `${issue.foundText.slice(0, MAX_FOUND_TEXT - 3)}...` : issue.foundText;
  const hint = issue.hint ? ` (${issue.hint})` : '';
  const source = issue.source === undefined ? '' : `\n      ${issue.line} | ${issue.source.slice(0, 100)}${issue.column ? `\n      ${' '.repeat(String(issue.line).length)} | ${' '.repeat(Math.min(issue.column - 1, 100))}^` : ''}`;
  return `${where}: ${formatPath(issue.path)}: expected ${issue.expected}, found ${found}${hint}${source}`;
}

/**
 * A list of problems for people: the first `max` of them, then how many more there are, so a
 * thousand problems (a binary file, say) stay readable and the first ones get fixed first.
 */
export function formatIssues(issues: readonly ConfigIssue[], max = Number.POSITIVE_INFINITY): string {
  const shown = issues.slice(0, max);
  const rest = issues.length - shown.length;
  return [
    `${issues.length} problem${issues.length === 1 ? '' : 's'} in the environment configuration:`,
    ...shown.map((i) => `  - ${formatIssue(i)}`),
    ...(rest > 0 ? [`  ... and ${rest} more (the first ${shown.length} are shown; fix them and run again)`] : []),
  ].join('\n');
}

/** Thrown when one or more environment files are invalid; carries every problem, not just the first. (Not lambdas/shared/env's ConfigError, which is a handler's bad environment variable.) */
export class EnvironmentFilesError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(formatIssues(issues));
    this.name = 'EnvironmentFilesError';
  }
}
