/** npm run schema [-- --check]: rewrites config-generator/environment.schema.json from the zod schema. */
import { existsSync, readFileSync } from 'node:fs';
import { environmentJsonSchema, JSON_SCHEMA_FILE } from '../config-generator/json-schema';
import { writeFileAtomic } from '../config-generator/write';
import { fail, parseCommand, run } from './command';
import { SCHEMA as spec } from './specs';

run(() => {
  const args = parseCommand(spec);
  const text = environmentJsonSchema();
  const current = existsSync(JSON_SCHEMA_FILE) ? readFileSync(JSON_SCHEMA_FILE, 'utf8') : undefined;
  if (args.check) {
    if (current !== text) fail(`${JSON_SCHEMA_FILE} is out of date: run npm run schema`);
    return void process.stdout.write(`${JSON_SCHEMA_FILE} is up to date\n`);
  }
  if (current === text) return void process.stdout.write(`${JSON_SCHEMA_FILE}: unchanged\n`);
  writeFileAtomic(JSON_SCHEMA_FILE, text);
  process.stdout.write(`Wrote ${JSON_SCHEMA_FILE}\n`);
});
