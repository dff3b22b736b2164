/**
 * The JSON Schema of an environment file, emitted from the zod schema for editors: each
 * environment file names it in a `yaml-language-server` comment, so fields complete and check
 * as people type. `npm run schema` rewrites it; a test fails when it is stale.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { environmentSchema } from './schema';

export const JSON_SCHEMA_FILE = join(__dirname, 'environment.schema.json');

export function environmentJsonSchema(): string {
  const schema = z.toJSONSchema(environmentSchema, { io: 'input', target: 'draft-2020-12' });
  return `${JSON.stringify({ ...schema, $id: 'https://pcm-deploy/environment.schema.json', title: 'pcm-deploy environment' }, null, 2)}\n`;
}
