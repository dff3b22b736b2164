/**
 * Renders an EnvironmentConfig as the commented YAML file the wizard writes.
 *
 * Handlebars runs strict (a field the template names must exist) and unescaped; every value goes
 * through the `json` helper, whose output is also valid YAML, so no value can break the file's
 * structure. Comments come from the schema's descriptions.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { KIND_TRAITS } from './kinds';
import type { EnvironmentConfig } from './schema';
import { describeAt, schemaAt } from './schema-walk';

const TEMPLATE_FILE = join(__dirname, 'templates', 'environment.yaml.hbs');

/** A value as YAML flow text: JSON, with a space after commas for people to read. */
function flow(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(flow).join(', ')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${flow(v)}`).join(', ')}}`;
  }
  if (value === undefined) throw new Error('the template rendered a missing value');
  return JSON.stringify(value);
}

function createRenderer() {
  const hb = Handlebars.create();
  hb.registerHelper('json', (value: unknown) => flow(value));
  hb.registerHelper('describe', (path: string) => `# ${describeAt(path)}`);
  // The fields of a list's items, described once above the list.
  hb.registerHelper('describeItems', (path: string, indent: string) => {
    const item = schemaAt(path) as unknown as { shape?: Record<string, unknown> };
    const fields = Object.keys(item?.shape ?? {});
    if (fields.length === 0) throw new Error(`the config schema has no list of objects at "${path}"`);
    return [`${indent}# Each item:`, ...fields.map((field) => `${indent}#   ${field}: ${describeAt(`${path}.${field}`)}`)].join('\n');
  });
  return hb.compile(readFileSync(TEMPLATE_FILE, 'utf8'), { strict: true, noEscape: true });
}

let template: ReturnType<typeof createRenderer> | undefined;

export interface RenderOptions {
  /** Path of environment.schema.json relative to the written file, for editors. */
  readonly schemaRef: string;
  /** How the file refers to itself in its header, e.g. "environments/ops.yaml". */
  readonly selfRef: string;
}

/**
 * The config as the file states it: an empty optional list or mapping is the same as leaving the
 * field out, and the template writes it out as not set.
 */
export function withoutEmptyOptionals(config: EnvironmentConfig): EnvironmentConfig {
  const out = structuredClone(config);
  if (out.aws.sharesAccountWith?.length === 0) delete out.aws.sharesAccountWith;
  if (out.release.amiOverrides && Object.keys(out.release.amiOverrides).length === 0) delete out.release.amiOverrides;
  if (out.release.containers && Object.keys(out.release.containers).length === 0) delete out.release.containers;
  if (out.checkSuppressions?.length === 0) delete out.checkSuppressions;
  if (out.tls && out.tls.mozart === undefined && out.tls.jenkins === undefined) delete out.tls;
  if (out.lambdas && out.lambdas.sqsMaximumConcurrency === undefined) delete out.lambdas;
  return out;
}

export function renderEnvironment(config: EnvironmentConfig, options: RenderOptions): string {
  template ??= createRenderer();
  const view = {
    ...config,
    ...options,
    kindTitle: KIND_TRAITS[config.environment.kind].title,
    coreComponents: (['mozart', 'metrics', 'grq', 'factotum', 'ci'] as const).map((name) => ({
      name,
      path: `core.${name}`,
      instance: config.core[name] ?? false,
    })),
    tagCount: Object.keys(config.tags).length,
    // Optional sections, so the strict template can ask about their fields when they are absent.
    tlsSet: config.tls !== undefined,
    tls: { mozart: config.tls?.mozart ?? {}, jenkins: config.tls?.jenkins ?? {} },
    alerts: config.alerts ?? false,
    lambdas: config.lambdas ?? {},
  };
  return template(view);
}
