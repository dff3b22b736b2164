/**
 * Writing a config file safely: all or nothing, and never over an existing file unawares.
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';

/**
 * Writes through a temporary file in the same folder and renames it into place, so a reader (or
 * a crash, or Ctrl-C) sees the old file or the new one, never half of one.
 */
export function writeFileAtomic(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    const fd = openSync(temp, 'w', 0o644);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, path);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

export type PlannedWrite =
  | { readonly kind: 'create' }
  | { readonly kind: 'unchanged' }
  | { readonly kind: 'change'; readonly diff: string };

/** What writing `text` to `path` would do, with a unified diff when it changes a file. */
export function planWrite(path: string, text: string): PlannedWrite {
  if (!existsSync(path)) return { kind: 'create' };
  const old = readFileSync(path, 'utf8');
  if (old === text) return { kind: 'unchanged' };
  const diff = createTwoFilesPatch(path, path, old, text, 'current', 'new', { context: 2 })
    .split('\n')
    .slice(2) // the "Index:"/"====" preamble says nothing the headers do not
    .join('\n');
  return { kind: 'change', diff };
}
