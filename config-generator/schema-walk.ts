/**
 * Reads the schema itself: the description of a field (the template's comments, the wizard's
 * questions) and the fields an object allows (the loader's "did you mean").
 *
 * Paths are dotted, with "[]" for "any item of this list": "workers.queues[].max".
 */
import type { z } from 'zod';
import { environmentSchema } from './schema';

type Schema = z.ZodType;

/** Peels optional wrappers, collecting the first description met on the way. */
function unwrap(schema: Schema): { inner: Schema; description?: string } {
  let description = schema.description;
  let inner = schema;
  while (inner.def.type === 'optional') {
    inner = (inner as z.ZodOptional<Schema>).unwrap();
    description ??= inner.description;
  }
  return { inner, description };
}

/** The alternatives of a union, or the schema alone. */
function alternatives(schema: Schema): Schema[] {
  return schema.def.type === 'union' ? [...(schema as z.ZodUnion<Schema[]>).options] : [schema];
}

function child(schema: Schema, step: string): Schema | undefined {
  const { inner } = unwrap(schema);
  if (step === '[]') return inner.def.type === 'array' ? (inner as z.ZodArray<Schema>).element : undefined;
  if (inner.def.type === 'record') return (inner as unknown as z.ZodRecord).valueType as Schema;
  for (const option of alternatives(inner)) {
    if (option.def.type === 'object') {
      const found = (option as z.ZodObject).shape[step] as Schema | undefined;
      if (found) return found;
    }
  }
  return undefined;
}

function steps(path: string): string[] {
  return path === '' ? [] : path.replace(/\[\]/g, '.[]').split('.');
}

/** The sub-schema at a path, or undefined when the schema has no such field. */
export function schemaAt(path: string, root: Schema = environmentSchema): Schema | undefined {
  let schema: Schema | undefined = root;
  for (const step of steps(path)) {
    if (!schema) return undefined;
    schema = child(schema, step);
  }
  return schema;
}

/** The description of the field at a path; throws for a path the schema does not have. */
export function describeAt(path: string, root: Schema = environmentSchema): string {
  const schema = schemaAt(path, root);
  const description = schema && unwrap(schema).description;
  if (!description) throw new Error(`the config schema has no described field at "${path}"`);
  return description;
}

/** The field names an object at this path allows (all alternatives of a union together). */
export function fieldsAt(path: string, root: Schema = environmentSchema): string[] {
  const schema = schemaAt(path, root);
  if (!schema) return [];
  const { inner } = unwrap(schema);
  if (inner.def.type === 'record') {
    // A record with an enum of keys (amiOverrides) allows exactly those keys.
    const keys = (inner as unknown as z.ZodRecord).keyType as Schema;
    return keys.def.type === 'enum' ? [...(keys as z.ZodEnum).options].map(String) : [];
  }
  const names = alternatives(inner)
    .filter((option) => option.def.type === 'object')
    .flatMap((option) => Object.keys((option as z.ZodObject).shape));
  return [...new Set(names)];
}

/** Every described leaf and object path in the schema, for completeness checks. */
export function describedPaths(root: Schema = environmentSchema, prefix = ''): string[] {
  const { inner } = unwrap(root);
  const out: string[] = [];
  if (inner.def.type === 'array') return describedPaths((inner as z.ZodArray<Schema>).element, `${prefix}[]`);
  for (const option of alternatives(inner)) {
    if (option.def.type !== 'object') continue;
    for (const [key, value] of Object.entries((option as z.ZodObject).shape)) {
      const path = prefix ? `${prefix}.${key}` : key;
      if (!out.includes(path)) out.push(path);
      for (const nested of describedPaths(value as Schema, path)) if (!out.includes(nested)) out.push(nested);
    }
  }
  return out;
}

/** Path in the form the walker takes, from a concrete path: ["workers","queues",1,"max"] -> workers.queues[].max */
export function schemaPathOf(path: readonly (string | number)[]): string {
  return path.map((p) => (typeof p === 'number' ? '[]' : p)).join('.').replace(/\.\[\]/g, '[]');
}
