/**
 * Reads `environments/*.yaml`, validates each file and the set as a whole, and returns typed
 * configs, or throws one EnvironmentFilesError that lists every problem with its file and line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative } from 'node:path';
import { isNode, isScalar, LineCounter, parseDocument, Scalar, type Document, type YAMLError } from 'yaml';
import { loadAmiCatalog, type AmiCatalog } from '../amis/catalog';
import { checkAcrossEnvironments, checkEnvironment, lifetimeIssue, type LoadedEnvironment } from './checks';
import { EnvironmentFilesError, type ConfigIssue, type FieldPath } from './errors';
import { todayUtc } from './regions';
import { schemaAt, schemaPathOf } from './schema-walk';
import { validateShape } from './validate';

export type { LoadedEnvironment } from './checks';

/** The repository's environments folder. */
export const ENVIRONMENTS_DIR = join(__dirname, '..', 'environments');

/** The text of one environment file and the name to report it under. */
export interface EnvironmentSource {
  readonly file: string;
  readonly text: string;
  /** Set when the file could not be read as text (binary, not UTF-8): its only problem. */
  readonly unreadable?: ConfigIssue;
}

export interface ValidationResult {
  readonly environments: LoadedEnvironment[];
  readonly issues: ConfigIssue[];
  /** Problems that do not stop anything (an existing environment past its lifetime). */
  readonly warnings: ConfigIssue[];
}

export interface ValidationOptions {
  /** Today as YYYY-MM-DD, for lifetimes. @default today (UTC) */
  readonly today?: string;
  /**
   * Whether an environment has been deployed (its past lifetime is then a warning).
   * @default a deploy record (lib/deploy/record.ts) next to its file: <folder>/.deployed/<name>.json
   */
  readonly isDeployed?: (name: string, file: string) => boolean;
}

function lineOf(doc: Document, counter: LineCounter, path: FieldPath): number {
  // A missing field has no node: point at the nearest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

const indentOf = (line: string) => line.length - line.trimStart().length;
const isContent = (line: string) => line.trim() !== '' && !line.trimStart().startsWith('#');
const KEY = /^\s*(?:-\s+)?("[^"]*"|'[^']*'|[^\s#:'"][^:#]*?)\s*:(?:\s|$)/;

/** The key a line sets, unquoted, if it sets one. */
function keyOf(line: string): string | undefined {
  const match = KEY.exec(line);
  return match ? match[1].replace(/^["']|["']$/g, '') : undefined;
}

/** The path of the key on a line, from the keys of the less indented lines above it. */
function pathAt(lines: readonly string[], index: number, indentation = indentOf(lines[index])): string[] {
  const path: string[] = [];
  let indent = indentation;
  const own = keyOf(lines[index]);
  if (own !== undefined) path.unshift(own);
  for (let i = index - 1; i >= 0 && indent > 0; i--) {
    if (!isContent(lines[i]) || indentOf(lines[i]) >= indent) continue;
    const key = keyOf(lines[i]);
    if (key !== undefined) path.unshift(key);
    indent = indentOf(lines[i]);
  }
  return path;
}

/**
 * Turns one parser error into an issue that names the line, the column and the key, and shows
 * the line. The parser reports a bad indentation at the next item it could not place, which
 * may be a comment or the line after: the line meant is the last content line up to there.
 */
function yamlIssue(file: string, text: string, counter: LineCounter, error: YAMLError): ConfigIssue {
  const lines = text.split(/\r?\n/);
  const at = counter.linePos(error.pos[0]);
  let index = Math.min(at.line - 1, lines.length - 1);
  let column = at.col;
  let expected = 'valid YAML';
  let foundText = error.message.split('\n')[0];
  let hint: string | undefined;
  let path: string[] | undefined;
  // "key: value" followed by a more indented line: the parser complains about the key's line.
  const nestedUnder = error.code === 'BLOCK_AS_IMPLICIT_KEY' || error.code === 'MULTILINE_IMPLICIT_KEY';
  if ((error.code === 'BAD_INDENT' && error.message.startsWith('All mapping items')) || nestedUnder) {
    if (nestedUnder) index++;
    // Reported at a comment or blank line: the item it could not place is the next content line.
    while (index < lines.length - 1 && !isContent(lines[index])) index++;
    let above = index - 1;
    while (above >= 0 && !isContent(lines[above])) above--;
    const want = above >= 0 ? indentOf(lines[above]) : 0;
    const found = indentOf(lines[index]);
    column = found + 1;
    expected = `the indentation of the line above (${want} space${want === 1 ? '' : 's'}): indentation says which mapping a key belongs to`;
    foundText = `${found} space${found === 1 ? '' : 's'}`;
    path = pathAt(lines, index, found > want ? want : found);
  } else if (error.code === 'DUPLICATE_KEY') {
    const key = keyOf(lines[index]) ?? '';
    const first = lines.findIndex((line, i) => i < index && indentOf(line) === indentOf(lines[index]) && keyOf(line) === key && pathAt(lines, i).join('.') === pathAt(lines, index).join('.'));
    expected = 'each key once in a mapping (YAML would otherwise keep only one of them)';
    foundText = `"${key}" a second time${first >= 0 ? ` (line ${first + 1} sets it first)` : ''}`;
    column = indentOf(lines[index]) + 1;
  } else if (error.code === 'TAB_AS_INDENT') {
    expected = 'spaces for indentation';
    foundText = 'a tab';
  } else {
    hint = 'a quote or bracket left open shows up where the parser gives up, often lines later';
  }
  return { file, path: path ?? pathAt(lines, index), line: index + 1, column, expected, foundText, hint, source: lines[index] };
}

/**
 * A plain scalar that YAML read as a number but that was written otherwise ("4.10" -> 4.1,
 * "007" -> 7): where the schema wants a string, the fix is to quote it.
 */
function quoteHint(doc: Document, text: string, path: FieldPath): string | undefined {
  const node = doc.getIn(path, true);
  if (!isScalar(node) || node.type !== Scalar.PLAIN || typeof node.value !== 'number' || !node.range) return undefined;
  let schema = schemaAt(schemaPathOf(path));
  while (schema?.def.type === 'optional') schema = (schema as unknown as { unwrap(): typeof schema }).unwrap();
  if (schema?.def.type !== 'string') return undefined; // a number was meant
  const written = text.slice(node.range[0], node.range[1]).trim();
  const read = String(node.value);
  return written === read
    ? `write it in quotes, "${written}": unquoted, YAML reads a number`
    : `write it in quotes, "${written}": unquoted, YAML reads the number ${read}`;
}

/** A parsed YAML file and a way to find the line of any field in it. */
export type ParsedYaml =
  | { readonly ok: true; readonly data: unknown; readonly locate: (path: FieldPath) => number; readonly hintFor: (path: FieldPath) => string | undefined }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Parses YAML 1.2 (so `no` and `2026-12-31` stay strings), rejecting duplicate keys. */
export function parseYaml({ file, text }: EnvironmentSource): ParsedYaml {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    // After the first syntax error the parser's later complaints mostly follow from it; a
    // duplicate key is a problem of its own.
    const [first, ...rest] = doc.errors;
    const errors = [first, ...rest.filter((e) => e.code === 'DUPLICATE_KEY')];
    return { ok: false, issues: errors.map((error) => yamlIssue(file, text, counter, error)) };
  }
  return { ok: true, data: doc.toJS(), locate: (path) => lineOf(doc, counter, path), hintFor: (path) => quoteHint(doc, text, path) };
}

/** The deploy record (lib/deploy/record.ts) says an environment exists. */
function deployRecordExists(name: string, file: string): boolean {
  return existsSync(join(dirname(file), '.deployed', `${name}.json`));
}

/** Validates a set of environment files together (the cross-environment checks need them all). */
export function validateSources(
  sources: readonly EnvironmentSource[],
  catalog: AmiCatalog = loadAmiCatalog(),
  options: ValidationOptions = {},
): ValidationResult {
  const issues: ConfigIssue[] = [];
  const warnings: ConfigIssue[] = [];
  const environments: LoadedEnvironment[] = [];
  const locators = new Map<string, (path: FieldPath) => number>();
  const today = options.today ?? todayUtc();

  for (const source of sources) {
    if (source.unreadable) {
      issues.push(source.unreadable);
      continue;
    }
    const parsed = parseYaml(source);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    const { file } = source;
    locators.set(file, parsed.locate);
    const shape = validateShape(parsed.data, file);
    if (!shape.ok) {
      issues.push(...shape.issues.map((issue) => ({ ...issue, line: parsed.locate(issue.path), hint: issue.hint ?? parsed.hintFor(issue.path) })));
      continue;
    }
    const loaded = { file, config: shape.config };
    issues.push(...checkEnvironment(loaded, catalog).map((issue) => ({ ...issue, line: parsed.locate(issue.path) })));
    const lifetime = lifetimeIssue(loaded, today);
    if (lifetime) {
      const located = { ...lifetime, line: parsed.locate(lifetime.path) };
      if ((options.isDeployed ?? deployRecordExists)(shape.config.environment.name, file)) {
        warnings.push({ ...located, hint: 'the environment is past its lifetime: destroy it, or set a later date' });
      } else issues.push(located);
    }
    environments.push(loaded);
  }

  // Cross-environment checks only mean something once every file is individually valid.
  if (issues.length === 0) {
    for (const issue of checkAcrossEnvironments(environments)) {
      issues.push({ ...issue, line: locators.get(issue.file)?.(issue.path) });
    }
  }
  return { environments, issues, warnings };
}

/**
 * The environment files in a folder: top-level `<name>.yaml` whose name is an environment name.
 * Editors' and people's leftovers are not environments: `dev.yaml.bak`, `dev.yaml~`, `.dev.yaml.swp`,
 * `.#dev.yaml` (an Emacs lock, a dangling link), `dev copy.yaml`, `dev.old.yaml`.
 */
export function environmentFiles(dir: string = ENVIRONMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => ENVIRONMENT_FILE.test(name) && isFile(join(dir, name)))
    .map((name) => join(dir, name))
    .sort();
}

/** An environment name (formats.environmentName) and the extension. */
const ENVIRONMENT_FILE = /^[a-z](?:[a-z0-9-]{0,14}[a-z0-9])?\.yaml$/;

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile(); // follows symlinks; a dangling one is no file
  } catch {
    return false;
  }
}

/** A file name for messages: relative to the working directory when below it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** The byte offset of the first byte that is not part of valid UTF-8, or -1. */
function invalidUtf8At(bytes: Uint8Array): number {
  for (let i = 0; i < bytes.length; ) {
    const b = bytes[i];
    const extra = b < 0x80 ? 0 : b >= 0xc2 && b <= 0xdf ? 1 : b >= 0xe0 && b <= 0xef ? 2 : b >= 0xf0 && b <= 0xf4 ? 3 : -1;
    if (extra < 0) return i;
    for (let k = 1; k <= extra; k++) if (i + k >= bytes.length || (bytes[i + k] & 0xc0) !== 0x80) return i;
    i += extra + 1;
  }
  return -1;
}

/**
 * Reads one file as UTF-8 text, or says at once why it is not: a binary file (a NUL byte) is not
 * parsed at all (it would make thousands of YAML errors), and another encoding is named as such
 * instead of turning into replacement characters.
 */
export function readSource(path: string): EnvironmentSource {
  const file = displayPath(path);
  const bytes = readFileSync(path);
  const unreadable = (expected: string, foundText: string): EnvironmentSource => ({ file, text: '', unreadable: { file, path: [], expected, foundText } });
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return unreadable('UTF-8 text (the encoding is wrong: save the file as UTF-8)', 'UTF-16 (its byte-order mark)');
  }
  // Control bytes other than tab, newline, carriage return and escape never occur in YAML text.
  const control = bytes.findIndex((b) => b < 0x20 && b !== 0x09 && b !== 0x0a && b !== 0x0d && b !== 0x1b);
  if (control >= 0) {
    const hex = `0x${bytes[control].toString(16).toUpperCase().padStart(2, '0')}`;
    return unreadable('a text file in YAML', `binary content (the control byte ${hex} at byte offset ${control}); is this an environment file?`);
  }
  const bad = invalidUtf8At(bytes);
  if (bad >= 0) {
    const line = bytes.subarray(0, bad).toString('latin1').split('\n').length;
    return unreadable(
      'UTF-8 text (the encoding is wrong: save the file as UTF-8)',
      `the byte 0x${bytes[bad].toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad} (line ${line}), which is not UTF-8 (Latin-1 or Windows-1252?)`,
    );
  }
  return { file, text: bytes.toString('utf8').replace(/^\uFEFF/, '') };
}

/** Reads the sources of a folder. */
export function readSources(dir: string = ENVIRONMENTS_DIR): EnvironmentSource[] {
  return environmentFiles(dir).map(readSource);
}

export interface LoadOptions extends Pick<ValidationOptions, 'today'> {
  /** Receives the warnings (an existing environment past its lifetime); the loader never prints. */
  readonly warnings?: ConfigIssue[];
}

/** Loads and validates every environment in a folder; throws a EnvironmentFilesError listing all problems. */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR, catalog?: AmiCatalog, options: LoadOptions = {}): LoadedEnvironment[] {
  const folder = displayPath(dir);
  if (!existsSync(dir)) throw new EnvironmentFilesError([{ file: folder, path: [], expected: 'a folder of environment files', foundText: 'no such folder' }]);
  const misnamed = readdirSync(dir).filter((name) => name.endsWith('.yml'));
  if (misnamed.length > 0) {
    throw new EnvironmentFilesError(misnamed.map((name) => ({ file: join(folder, name), path: [], expected: 'the extension .yaml (only *.yaml files are read)', foundText: '.yml' })));
  }
  const sources = readSources(dir);
  if (sources.length === 0) throw new EnvironmentFilesError([{ file: folder, path: [], expected: 'at least one <env>.yaml', foundText: 'none' }]);
  const { environments, issues, warnings } = validateSources(sources, catalog, { today: options.today });
  options.warnings?.push(...warnings);
  if (issues.length > 0) throw new EnvironmentFilesError(issues);
  return environments;
}
