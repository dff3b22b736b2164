/**
 * The Lambda package's zip, written by fflate's `zipSync` with everything that could vary pinned
 * (entry order, timestamp, permissions, compression level): the same files always give the same
 * bytes, so Terraform's source_code_hash only changes when the code does.
 */
import { createHash } from 'node:crypto';
import { zipSync, type Zippable } from 'fflate';

export interface ZipEntry {
  /** Path inside the archive, with "/" separators. */
  readonly name: string;
  readonly data: Buffer;
}

/**
 * 1980-01-01 00:00:00, the earliest DOS date: no build time leaks into the archive. Given in
 * local time on purpose: fflate writes the DOS fields from the Date's local-time getters, so an
 * instant (a UTC timestamp) would give different bytes in different time zones.
 */
const fixedMtime = () => new Date(1980, 0, 1, 0, 0, 0);
/** Unix, regular file rw-r--r--: Lambda only needs to read index.js. */
const UNIX = 3;
const UNIX_MODE = 0o100644;

export function zip(entries: readonly ZipEntry[]): Buffer {
  const files: Zippable = {};
  // Sorted, so the archive does not depend on the caller's order.
  for (const entry of [...entries].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    files[entry.name] = new Uint8Array(entry.data.buffer, entry.data.byteOffset, entry.data.byteLength);
  }
  const archive = zipSync(files, { level: 9, mtime: fixedMtime(), os: UNIX, attrs: (UNIX_MODE << 16) >>> 0 });
  return Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
}

/**
 * What this writer makes of a fixed input, as a hash: part of the bundler's build recipe, so an
 * upgrade of fflate or a change of the options above rebuilds every package instead of reusing a
 * zip an earlier writer made.
 */
export function zipFingerprint(): string {
  const probe = zip([{ name: 'probe/index.js', data: Buffer.from('exports.handler = async () => "probe";\n') }]);
  return createHash('sha256').update(probe).digest('hex');
}
