/**
 * Reading small text objects (signal files, CNM-R files) from S3, by the input rules every handler
 * shares: the bytes must be UTF-8 (anything else is refused with the byte offset of the first bad
 * sequence, never silently turned into U+FFFD), a leading UTF-8 byte-order mark is dropped (editors
 * on Windows write one), and the kit's own folder markers are recognised so handlers can skip them.
 */
import { GetObjectCommand, NoSuchKey, type S3Client } from '@aws-sdk/client-s3';
import { BadInputError } from './errors';

/** Signal files and CNM messages are small; a bigger object is a mistake, not something to load. */
export const MAX_JSON_OBJECT_BYTES = 8 * 1024 * 1024;

/** S3's limit on a key, in UTF-8 bytes. */
export const MAX_S3_KEY_BYTES = 1024;

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * A "folder" marker: an empty object whose key ends in "/", as the S3 console makes them and as
 * the kit's data stack creates `outgoing/`, `cnm-r/`, `staging_area/` so operators see the prefixes
 * from the first day. It is never a file a partner sent, whatever prefix it sits under.
 */
export function isFolderMarker(key: string): boolean {
  return key.endsWith('/');
}

/**
 * The offset of the first byte that does not start or continue a well-formed UTF-8 sequence
 * (Unicode 15, table 3-7: no overlong forms, no surrogates, nothing above U+10FFFF), or -1.
 */
export function firstInvalidUtf8Offset(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i += 1;
      continue;
    }
    let length: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) length = 2;
    else if (b >= 0xe0 && b <= 0xef) {
      length = 3;
      if (b === 0xe0) low = 0xa0; // overlong
      if (b === 0xed) high = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      length = 4;
      if (b === 0xf0) low = 0x90; // overlong
      if (b === 0xf4) high = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k < length; k++) {
      const c = bytes[i + k];
      if (c === undefined) return i; // truncated at the end
      if (k === 1 ? c < low || c > high : c < 0x80 || c > 0xbf) return i;
    }
    i += length;
  }
  return -1;
}

/** The bytes as text: BOM dropped, UTF-8 required (the error names the offset and the bytes there). */
export function decodeUtf8Text(bytes: Uint8Array, where: string): string {
  const bom = bytes.length >= 3 && UTF8_BOM.every((b, i) => bytes[i] === b);
  const body = bom ? bytes.subarray(3) : bytes;
  const bad = firstInvalidUtf8Offset(body);
  if (bad >= 0) {
    const offset = bad + (bom ? 3 : 0);
    const around = Array.from(bytes.subarray(offset, offset + 4), (b) => b.toString(16).padStart(2, '0')).join(' ');
    throw new BadInputError(
      `${where} is not UTF-8: invalid byte sequence at byte offset ${offset} (bytes ${around}; Latin-1 or Windows-1252 text looks like this)`,
      'UTF-8 text (a UTF-8 byte-order mark is allowed); re-save the file as UTF-8',
    );
  }
  return Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString('utf8');
}

export async function readObjectText(s3: S3Client, bucket: string, key: string): Promise<string> {
  let out;
  try {
    out = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    // Gone since the event (or not yet visible): retried, then the DLQ keeps the event.
    if (error instanceof NoSuchKey) {
      throw new BadInputError(`s3://${bucket}/${key} does not exist (NoSuchKey)`, 'the object named by the event to exist (was it deleted or renamed after the event?)');
    }
    throw error;
  }
  if ((out.ContentLength ?? 0) > MAX_JSON_OBJECT_BYTES) {
    throw new BadInputError(`s3://${bucket}/${key} is ${out.ContentLength} bytes`, `a JSON object of at most ${MAX_JSON_OBJECT_BYTES} bytes`);
  }
  const bytes = (await out.Body?.transformToByteArray()) ?? new Uint8Array();
  return decodeUtf8Text(bytes, `s3://${bucket}/${key}`);
}

/** Parses an object's text as JSON, or says which object is not JSON. */
export function parseJsonObjectText(text: string, bucket: string, key: string, expected: string): unknown {
  if (text.trim() === '') throw new BadInputError(`s3://${bucket}/${key} is empty`, expected);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new BadInputError(`s3://${bucket}/${key} is not JSON (${error instanceof Error ? error.message : String(error)})`, expected);
  }
}

/** Refuses a key S3 would refuse, before any write: the error says which input made it long. */
export function checkKeyLength(key: string, what: string, expected: string): string {
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_S3_KEY_BYTES) {
    throw new BadInputError(`${what} would be ${bytes} bytes (${JSON.stringify(key.slice(0, 80))}...); S3 keys are at most ${MAX_S3_KEY_BYTES} bytes`, expected);
  }
  return key;
}
