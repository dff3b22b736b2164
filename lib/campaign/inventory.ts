/**
 * Inventories: the pre-defined input of a campaign, one item a row. Parsing here is the start
 * command's check (so a malformed row is named before anything runs); the state machine's S3
 * ItemReader reads the same object itself, so the parsing rules follow what it accepts.
 */

import type { InventoryFormat } from '../../lambdas/shared/campaign-contract';

/** The column (CSV) or field (JSON lines) every row must have, unique across rows: the ledger key. */
export const ID_FIELD = 'id';

export interface InventoryLocation {
  readonly bucket: string;
  readonly key: string;
  readonly format: InventoryFormat;
}

/** A malformed inventory; `row` is 1-based and counts the CSV header as row 1. */
export class InventoryError extends Error {
  override name = 'InventoryError';
  constructor(readonly uri: string, readonly row: number | undefined, problem: string) {
    super(`inventory ${uri}${row === undefined ? '' : ` row ${row}`}: ${problem}`);
  }
}

/** What the start command learns from an inventory before it starts anything. */
export interface InventorySummary {
  /** Items (rows without the header). */
  readonly count: number;
  /** Column or field names present in every row. */
  readonly fields: readonly string[];
  /** Item ids in order (manifest: none; the manifest's files are read by Step Functions alone). */
  readonly ids: readonly string[];
}

/**
 * `s3://bucket/key` and the format its name says: `.csv`, `.jsonl`/`.ndjson`, or an S3 Inventory
 * `manifest.json`. Anything else is refused: the ItemReader needs to be told the format.
 */
export function parseInventoryUri(uri: string): InventoryLocation {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(uri);
  if (!match) throw new InventoryError(uri, undefined, 'expected s3://<bucket>/<key>');
  const [, bucket, key] = match;
  const lower = key.toLowerCase();
  const format: InventoryFormat | undefined = lower.endsWith('manifest.json')
    ? 'manifest'
    : lower.endsWith('.csv')
      ? 'csv'
      : lower.endsWith('.jsonl') || lower.endsWith('.ndjson')
        ? 'jsonl'
        : undefined;
  if (!format) throw new InventoryError(uri, undefined, 'the key must end in .csv, .jsonl, .ndjson or manifest.json (an S3 Inventory manifest)');
  return { bucket, key, format };
}

/** Splits CSV text into records of fields (RFC 4180: quoted fields, doubled quotes, CRLF). */
export function csvRecords(text: string, uri: string): string[][] {
  const records: string[][] = [];
  let field = '';
  let record: string[] = [];
  let quoted = false;
  let row = 1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === '\n') row++;
        field += c;
      }
    } else if (c === '"') {
      if (field !== '') throw new InventoryError(uri, row, 'a quote inside an unquoted field');
      quoted = true;
    } else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      row++;
    } else field += c;
  }
  if (quoted) throw new InventoryError(uri, row, 'a quoted field is never closed');
  if (field !== '' || record.length) {
    record.push(field);
    records.push(record);
  }
  return records;
}

/** Checks an inventory's text row by row; the first problem is thrown with its row number. */
export function summarizeInventory(text: string, location: InventoryLocation, uri = `s3://${location.bucket}/${location.key}`): InventorySummary {
  if (location.format === 'manifest') return summarizeManifest(text, uri);
  const ids: string[] = [];
  const seen = new Map<string, number>();
  const note = (id: string, row: number) => {
    if (id === '') throw new InventoryError(uri, row, `empty ${ID_FIELD}`);
    const before = seen.get(id);
    if (before !== undefined) throw new InventoryError(uri, row, `${ID_FIELD} "${id}" repeats row ${before}`);
    seen.set(id, row);
    ids.push(id);
  };
  if (location.format === 'csv') {
    const records = csvRecords(text, uri);
    if (records.length === 0) throw new InventoryError(uri, undefined, 'empty object: expected a header row and at least one item');
    const header = records[0];
    const idColumn = header.indexOf(ID_FIELD);
    if (idColumn < 0) throw new InventoryError(uri, 1, `the header (${header.join(',')}) has no "${ID_FIELD}" column`);
    records.slice(1).forEach((fields, i) => {
      const row = i + 2;
      if (fields.length === 1 && fields[0] === '') throw new InventoryError(uri, row, 'an empty line');
      if (fields.length !== header.length) throw new InventoryError(uri, row, `${fields.length} fields where the header has ${header.length}`);
      note(fields[idColumn], row);
    });
    if (ids.length === 0) throw new InventoryError(uri, undefined, 'a header and no items');
    return { count: ids.length, fields: header, ids };
  }
  const lines = text.split(/\r?\n/);
  if (lines[lines.length - 1] === '') lines.pop();
  let fields: string[] | undefined;
  lines.forEach((line, i) => {
    const row = i + 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new InventoryError(uri, row, 'not a JSON object (one object per line)');
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new InventoryError(uri, row, 'not a JSON object (one object per line)');
    const id = (value as Record<string, unknown>)[ID_FIELD];
    if (typeof id !== 'string') throw new InventoryError(uri, row, `no string "${ID_FIELD}" field`);
    const keys = Object.keys(value);
    fields = fields ? fields.filter((f) => keys.includes(f)) : keys;
    note(id, row);
  });
  if (ids.length === 0) throw new InventoryError(uri, undefined, 'no items');
  return { count: ids.length, fields: fields ?? [], ids };
}

/**
 * An S3 Inventory manifest: Step Functions reads its CSV files itself (items are bucket and key),
 * so only the manifest is checked here.
 */
function summarizeManifest(text: string, uri: string): InventorySummary {
  let manifest: { files?: unknown; fileFormat?: unknown };
  try {
    manifest = JSON.parse(text) as typeof manifest;
  } catch {
    throw new InventoryError(uri, undefined, 'not JSON (an S3 Inventory manifest.json)');
  }
  if (manifest.fileFormat !== 'CSV') throw new InventoryError(uri, undefined, `fileFormat ${JSON.stringify(manifest.fileFormat)}: Step Functions reads CSV inventories only`);
  if (!Array.isArray(manifest.files) || manifest.files.length === 0) throw new InventoryError(uri, undefined, 'no files listed');
  return { count: 0, fields: ['Bucket', 'Key'], ids: [] };
}
