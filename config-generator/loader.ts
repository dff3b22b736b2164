/**
 * Reads `environments/*.yaml`, validates each file and the set as a whole, and returns typed
 * configs, or throws one ConfigError that lists every problem with its file and line.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { isNode, LineCounter, parseDocument, type Document } from 'yaml';
import { loadAmiCatalog, type AmiCatalog } from '../amis/catalog';
import { checkAcrossEnvironments, checkEnvironment, type LoadedEnvironment } from './checks';
import { ConfigError, type ConfigIssue, type FieldPath } from './errors';
import { validateShape } from './validate';

export type { LoadedEnvironment } from './checks';

/** The repository's environments folder. */
export const ENVIRONMENTS_DIR = join(__dirname, '..', 'environments');

/** The text of one environment file and the name to report it under. */
export interface EnvironmentSource {
  readonly file: string;
  readonly text: string;
}

export interface ValidationResult {
  readonly environments: LoadedEnvironment[];
  readonly issues: ConfigIssue[];
}

function lineOf(doc: Document, counter: LineCounter, path: FieldPath): number {
  // A missing field has no node: point at the nearest ancestor that exists.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = depth === 0 ? doc.contents : doc.getIn(path.slice(0, depth), true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}

/** A parsed YAML file and a way to find the line of any field in it. */
export type ParsedYaml =
  | { readonly ok: true; readonly data: unknown; readonly locate: (path: FieldPath) => number }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** Parses YAML 1.2 (so `no` and `2026-12-31` stay strings), rejecting duplicate keys. */
export function parseYaml({ file, text }: EnvironmentSource): ParsedYaml {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    const issues = doc.errors.map((error) => ({
      file,
      path: [],
      line: counter.linePos(error.pos[0]).line,
      expected: 'valid YAML',
      foundText: error.message.split('\n')[0],
    }));
    return { ok: false, issues };
  }
  return { ok: true, data: doc.toJS(), locate: (path) => lineOf(doc, counter, path) };
}

/** Validates a set of environment files together (the cross-environment checks need them all). */
export function validateSources(sources: readonly EnvironmentSource[], catalog: AmiCatalog = loadAmiCatalog()): ValidationResult {
  const issues: ConfigIssue[] = [];
  const environments: LoadedEnvironment[] = [];
  const locators = new Map<string, (path: FieldPath) => number>();

  for (const source of sources) {
    const parsed = parseYaml(source);
    if (!parsed.ok) {
      issues.push(...parsed.issues);
      continue;
    }
    const { file } = source;
    locators.set(file, parsed.locate);
    const shape = validateShape(parsed.data, file);
    if (!shape.ok) {
      issues.push(...shape.issues.map((issue) => ({ ...issue, line: parsed.locate(issue.path) })));
      continue;
    }
    const loaded = { file, config: shape.config };
    issues.push(...checkEnvironment(loaded, catalog).map((issue) => ({ ...issue, line: parsed.locate(issue.path) })));
    environments.push(loaded);
  }

  // Cross-environment checks only mean something once every file is individually valid.
  if (issues.length === 0) {
    for (const issue of checkAcrossEnvironments(environments)) {
      issues.push({ ...issue, line: locators.get(issue.file)?.(issue.path) });
    }
  }
  return { environments, issues };
}

/** The environment files in a folder: top-level `*.yaml` (answers/ and .deployed/ are not configs). */
export function environmentFiles(dir: string = ENVIRONMENTS_DIR): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yaml') && statSync(join(dir, name)).isFile()) // follows symlinks
    .map((name) => join(dir, name))
    .sort();
}

/** A file name for messages: relative to the working directory when below it, else absolute. */
export function displayPath(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/** Reads the sources of a folder. */
export function readSources(dir: string = ENVIRONMENTS_DIR): EnvironmentSource[] {
  return environmentFiles(dir).map((path) => ({ file: displayPath(path), text: readFileSync(path, 'utf8') }));
}

/** Loads and validates every environment in a folder; throws a ConfigError listing all problems. */
export function loadEnvironments(dir: string = ENVIRONMENTS_DIR, catalog?: AmiCatalog): LoadedEnvironment[] {
  const folder = displayPath(dir);
  if (!existsSync(dir)) throw new ConfigError([{ file: folder, path: [], expected: 'a folder of environment files', foundText: 'no such folder' }]);
  const misnamed = readdirSync(dir).filter((name) => name.endsWith('.yml'));
  if (misnamed.length > 0) {
    throw new ConfigError(misnamed.map((name) => ({ file: join(folder, name), path: [], expected: 'the extension .yaml (only *.yaml files are read)', foundText: '.yml' })));
  }
  const sources = readSources(dir);
  if (sources.length === 0) throw new ConfigError([{ file: folder, path: [], expected: 'at least one <env>.yaml', foundText: 'none' }]);
  const { environments, issues } = validateSources(sources, catalog);
  if (issues.length > 0) throw new ConfigError(issues);
  return environments;
}
