/**
 * Configuration problems, collected and reported all at once.
 *
 * Every problem names the file, the field path, what was expected and what was found, so that an
 * operator can fix a config from the message alone.
 */

export type FieldPath = readonly (string | number)[];

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
  const text = JSON.stringify(found) ?? String(found);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export function formatIssue(issue: ConfigIssue): string {
  const where = issue.line ? `${issue.file}:${issue.line}` : issue.file;
  return `${where}: ${formatPath(issue.path)}: expected ${issue.expected}, found ${issue.foundText ?? formatFound(issue.found)}`;
}

/** Thrown when one or more configs are invalid; carries every problem, not just the first. */
export class ConfigError extends Error {
  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `${issues.length} problem${issues.length === 1 ? '' : 's'} in the environment configuration:\n` +
        issues.map((i) => `  - ${formatIssue(i)}`).join('\n'),
    );
    this.name = 'ConfigError';
  }
}
