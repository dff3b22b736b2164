/** npm run schema: rewrites config-generator/environment.schema.json from the zod schema. */
import { writeFileAtomic } from '../config-generator/write';
import { environmentJsonSchema, JSON_SCHEMA_FILE } from '../config-generator/json-schema';

writeFileAtomic(JSON_SCHEMA_FILE, environmentJsonSchema());
process.stdout.write(`Wrote ${JSON_SCHEMA_FILE}\n`);
