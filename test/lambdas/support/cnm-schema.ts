/**
 * The official CNM schema (PO.DAAC cumulus_sns_schema.json v1.6.1, Apache-2.0, vendored with its
 * samples and licence in test/lambdas/cnm/) compiled as DESIGN.md says: ajv, strict off, formats on.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';

export const CNM_DIR = join(__dirname, '..', 'cnm');

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
const validate = ajv.compile(JSON.parse(readFileSync(join(CNM_DIR, 'cumulus_sns_schema.json'), 'utf8')));

/** The schema's errors for a message, as text; empty when valid. */
export function cnmSchemaErrors(message: unknown): string[] {
  return validate(message) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}

/** The schema's own word on a valid CNM-R: valid, and a response. */
export function isValidCnmResponse(message: unknown): boolean {
  return cnmSchemaErrors(message).length === 0 && typeof message === 'object' && message !== null && 'response' in message;
}

export function cnmSamples(): { name: string; message: unknown }[] {
  const dir = join(CNM_DIR, 'samples');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((name) => ({ name, message: JSON.parse(readFileSync(join(dir, name), 'utf8')) }));
}
