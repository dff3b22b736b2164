/**
 * Cloud Notification Mechanism messages (PO.DAAC's schema, v1.6.1): building CNM-S
 * notifications and reading CNM-R responses.
 *
 * Real DAACs are looser than the schema (DESIGN.md): `ingestionMetadata` at the top level rather
 * than under `response`, `processCompleteTime` with a space instead of "T", a FAILURE without
 * `product`, the same response twice. Responses are read leniently into one typed shape; what is
 * not a response at all (a CNM-S, no identifier, an unknown status) is refused.
 */
import { createHash } from 'node:crypto';
import { BadInputError } from './errors';
import { isObject } from './json';

export type CnmCollection = string | { readonly name: string; readonly version: string };

export interface CnmFile {
  readonly type: 'data' | 'browse' | 'metadata' | 'ancillary' | 'linkage';
  readonly name: string;
  readonly uri: string;
  readonly size: number;
  readonly checksumType?: 'SHA512' | 'SHA256' | 'SHA2' | 'SHA1' | 'md5';
  readonly checksum?: string;
}

/** A CNM-S notification as the kit sends it. */
export interface CnmNotification {
  readonly version: string;
  readonly provider: string;
  readonly submissionTime: string;
  readonly collection: CnmCollection;
  readonly identifier: string;
  readonly product: { readonly name: string; readonly files: readonly CnmFile[] };
}

export type CnmStatus = 'SUCCESS' | 'FAILURE';

/** A CNM-R response, normalized: what the consumer records and hands to the HySDS job. */
export interface CnmResponse {
  readonly identifier: string;
  readonly version?: string;
  readonly provider?: string;
  readonly collection?: CnmCollection;
  readonly submissionTime?: string;
  readonly receivedTime?: string;
  readonly processCompleteTime?: string;
  readonly trace?: string;
  readonly response: {
    readonly status: CnmStatus;
    readonly errorCode?: string;
    readonly errorMessage?: string;
    readonly ingestionMetadata?: Readonly<Record<string, unknown>>;
  };
  readonly product?: Readonly<Record<string, unknown>>;
}

export const CNM_R_EXPECTED =
  'a CNM-R response: {"identifier": "...", "response": {"status": "SUCCESS" | "FAILURE", ...}, ...} (PO.DAAC cumulus_sns_schema.json)';

/** The archive extensions stripped from a file name to name its product. Longest first. */
export const ARCHIVE_EXTENSIONS = ['.tar.gz', '.tgz', '.tar', '.zip'] as const;

export function productNameOf(fileName: string): string {
  for (const extension of ARCHIVE_EXTENSIONS) {
    if (fileName.toLowerCase().endsWith(extension) && fileName.length > extension.length) return fileName.slice(0, -extension.length);
  }
  return fileName;
}

/** A CNM timestamp: UTC, ISO 8601, ending in Z. */
export function cnmTime(date: Date): string {
  return date.toISOString();
}

/** `2020-11-06 17:21:13.523Z` -> `2020-11-06T17:21:13.523Z`; anything else as given. */
export function normalizeTime(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  return /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(value) ? value.replace(' ', 'T') : value;
}

function optionalString(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/**
 * Reads one CNM-R leniently. Throws a BadInputError for what is not a response: not an object,
 * a CNM-S notification (a product and no response), no identifier, no SUCCESS/FAILURE status.
 */
export function normalizeCnmResponse(value: unknown): CnmResponse {
  if (!isObject(value)) throw new BadInputError(`a CNM-R must be a JSON object, found ${Array.isArray(value) ? 'an array' : typeof value}`, CNM_R_EXPECTED);
  const identifier = value.identifier;
  if (value.response === undefined) {
    const what = value.product !== undefined ? 'a CNM-S notification (it has a product and no response)' : 'not a CNM-R (no response)';
    throw new BadInputError(`the message${typeof identifier === 'string' ? ` ${JSON.stringify(identifier)}` : ''} is ${what}`, CNM_R_EXPECTED);
  }
  if (typeof identifier !== 'string' || identifier.trim() === '') {
    throw new BadInputError(`the CNM-R has no identifier (found ${JSON.stringify(identifier)})`, CNM_R_EXPECTED);
  }
  const response = value.response;
  if (!isObject(response)) throw new BadInputError(`CNM-R ${JSON.stringify(identifier)}: response is not an object`, CNM_R_EXPECTED);
  const status = response.status;
  if (status !== 'SUCCESS' && status !== 'FAILURE') {
    throw new BadInputError(`CNM-R ${JSON.stringify(identifier)}: response.status is ${JSON.stringify(status)}`, CNM_R_EXPECTED);
  }
  // Some DAACs put ingestionMetadata beside response instead of inside it.
  const metadata = isObject(response.ingestionMetadata) ? response.ingestionMetadata : isObject(value.ingestionMetadata) ? value.ingestionMetadata : undefined;
  const collection = typeof value.collection === 'string' ? value.collection
    : isObject(value.collection) && typeof value.collection.name === 'string' && typeof value.collection.version === 'string'
      ? { name: value.collection.name, version: value.collection.version }
      : undefined;
  const normalized: CnmResponse = {
    identifier,
    version: optionalString(value.version),
    provider: optionalString(value.provider),
    collection,
    submissionTime: normalizeTime(value.submissionTime),
    receivedTime: normalizeTime(value.receivedTime),
    processCompleteTime: normalizeTime(value.processCompleteTime),
    trace: optionalString(value.trace),
    response: {
      status,
      errorCode: optionalString(response.errorCode),
      errorMessage: optionalString(response.errorMessage),
      ingestionMetadata: metadata,
    },
    // A FAILURE often has no product; it is optional here.
    product: isObject(value.product) ? value.product : undefined,
  };
  return JSON.parse(JSON.stringify(normalized)) as CnmResponse; // drops the undefined fields
}

/**
 * A deterministic identifier in UUID form: the same inputs (bucket, key, ETag) give the same
 * identifier, so a retried send repeats the identifier instead of announcing a second product.
 *
 * A name-based UUID over SHA-256 is RFC 9562's version 8 (custom; its appendix B.2 gives this
 * very construction): the first 128 bits of the digest, with the version nibble set to 8 and the
 * variant bits to 10. Version 5 would mean SHA-1 with a namespace, which this is not. (Until
 * issue 16 the nibble said 5: an archive announced before that release gets a new identifier if
 * it is announced again; see the note in the commit.)
 */
export function deterministicIdentifier(...parts: readonly string[]): string {
  const bytes = createHash('sha256').update(parts.join('\u0000')).digest().subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x80; // version 8
  bytes[8] = (bytes[8] & 0x3f) | 0x80; // variant 10xx (RFC 9562)
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}

/** The archive as one `data` file of a CNM-S product. */
export function archiveFile(bucket: string, key: string, size: number): CnmFile {
  return { type: 'data', name: key.slice(key.lastIndexOf('/') + 1), uri: `s3://${bucket}/${key}`, size };
}
