/**
 * `npm run configure` as a library: runs the wizard, renders the file, and validates the rendered
 * text together with the other environments before anything is written.
 */
import { isDeepStrictEqual } from 'node:util';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import type { ConfigIssue } from './errors';
import { JSON_SCHEMA_FILE } from './json-schema';
import { ENVIRONMENTS_DIR, parseYaml, readSources, validateSources } from './loader';
import type { PartialConfig } from './presets';
import { renderEnvironment, withoutEmptyOptionals } from './render';
import type { EnvironmentConfig } from './schema';
import { runWizard, type WizardInput } from './wizard';

const REPO_ROOT = join(__dirname, '..');

export interface ConfigureRequest extends WizardInput {
  /** Folder of environment files (the new one is checked against the others there). */
  readonly dir?: string;
  /** Where to write; default <dir>/<name>.yaml. */
  readonly out?: string;
}

export type ConfigureResult =
  | { readonly ok: true; readonly path: string; readonly text: string; readonly config: EnvironmentConfig; /** A re-run that edited the file. */ readonly edited: boolean }
  | { readonly ok: false; readonly issues: ConfigIssue[] };

/** A path for people: relative to the repository when inside it. */
function display(path: string): string {
  const rel = relative(REPO_ROOT, path);
  return rel.startsWith('..') || isAbsolute(rel) ? path : rel;
}

export async function configureEnvironment(request: ConfigureRequest): Promise<ConfigureResult> {
  const dir = resolve(request.dir ?? ENVIRONMENTS_DIR);
  // The other files, read as they are (even invalid): their accounts for the shared-account
  // question, and the environment's own file for a re-run to start from.
  const files = new Map<string, PartialConfig>();
  for (const source of readSources(dir)) {
    const parsed = source.unreadable ? undefined : parseYaml(source);
    if (parsed?.ok && parsed.data && typeof parsed.data === 'object' && !Array.isArray(parsed.data)) {
      files.set(basename(source.file, '.yaml'), parsed.data);
    }
  }
  const accounts = new Map([...files].flatMap(([name, data]) => (typeof data.aws?.accountId === 'string' ? [[name, data.aws.accountId] as const] : [])));
  const wizard = await runWizard({
    ...request,
    // Only questions edit a file: answers files and --defaults start from the kind's preset, as
    // their documentation says, so that they regenerate the same file wherever they run.
    existing: request.existing ?? (request.ask ? (name) => files.get(name) : undefined),
    context: { ...request.context, accounts: request.context.accounts ?? accounts },
  });
  if (!wizard.ok) return wizard;
  const config = withoutEmptyOptionals(wizard.config);

  const path = resolve(request.out ?? join(dir, `${config.environment.name}.yaml`));
  const file = display(path);
  if (basename(path) !== `${config.environment.name}.yaml`) {
    return {
      ok: false,
      issues: [{ file: '--out', path: [], expected: `a file named ${config.environment.name}.yaml (environment files carry their environment's name)`, found: request.out }],
    };
  }
  const text = renderEnvironment(config, { schemaRef: relative(dirname(path), JSON_SCHEMA_FILE), selfRef: file });

  // The rendered text is what gets written, so it is what gets validated, with its neighbours.
  const others = readSources(dir).filter((source) => resolve(source.file) !== path);
  const { issues } = validateSources([...others, { file, text }]);
  // Problems in the new file are in answers that produced it: the file itself is not written.
  const labelled = issues.map((issue) => (issue.file === file ? { ...issue, file: `${file} (from the answers; not written)` } : issue));
  if (labelled.length > 0) return { ok: false, issues: labelled };
  if (!isDeepStrictEqual(parse(text), JSON.parse(JSON.stringify(config)))) {
    throw new Error(`internal error: the template does not round-trip ${file}`);
  }
  return { ok: true, path, text, config, edited: wizard.edited };
}
