/**
 * The committed example environments, as text and as data, for the tests whose subject is the
 * examples themselves (valid, regenerated from their answers, deployable, checked). Every other
 * test builds its config with test/support/fixtures.ts, so that editing an example breaks only these.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { formatIssue, type ConfigIssue } from '../../config-generator/errors';
import { ENVIRONMENTS_DIR, validateSources, type EnvironmentSource } from '../../config-generator/loader';

export const EXAMPLE_NAMES = ['adt', 'bulk', 'dev', 'forward', 'int', 'ops'] as const;
export type ExampleName = (typeof EXAMPLE_NAMES)[number];

export function exampleText(name: ExampleName): string {
  return readFileSync(join(ENVIRONMENTS_DIR, `${name}.yaml`), 'utf8');
}

/** A fresh, mutable copy of an example's data. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- raw YAML that tests break on purpose; a schema type would reject the breakage
export function exampleData(name: ExampleName): any {
  return parse(exampleText(name));
}

/** All six examples as sources, with `changes` replacing some of them (as data). */
export function exampleSources(changes: Partial<Record<ExampleName, unknown>> = {}): EnvironmentSource[] {
  return EXAMPLE_NAMES.map((name) => ({
    file: `environments/${name}.yaml`,
    text: name in changes ? stringify(changes[name]) : exampleText(name),
  }));
}

/** Validates the six examples with changes, returning the rendered problems. */
export function problemsWith(changes: Partial<Record<ExampleName, unknown>>): string[] {
  return validateSources(exampleSources(changes)).issues.map((issue: ConfigIssue) => formatIssue(issue));
}
