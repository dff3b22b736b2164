/** Checks on parsed JSON (message bodies, signal files, CNM), shared by the handlers. */

/** A JSON object: not null, not an array. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
