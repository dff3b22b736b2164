/**
 * Terraform's full output of one command, kept in a file: the screen shows progress, the file
 * everything, for when a failure needs more than its last lines. Under .build/logs/ (git-ignored),
 * one file per environment, command and start time.
 */
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { join } from 'node:path';

export const LOGS_DIR = join(__dirname, '..', '..', '.build', 'logs');

export interface RunLog {
  readonly path: string;
  write(chunk: string): void;
  close(): void;
}

export interface RunLogOptions {
  /** @default LOGS_DIR */
  readonly dir?: string;
  /** When the command started, for the file name. @default now */
  readonly at?: Date;
}

/** Opens `<dir>/<environment>-<command>-<UTC time>.log`, e.g. dev-deploy-2026-11-30T12-31-59Z.log. */
export function openRunLog(environment: string, command: string, options: RunLogOptions = {}): RunLog {
  const dir = options.dir ?? LOGS_DIR;
  mkdirSync(dir, { recursive: true });
  // Colons are not allowed in Windows file names, and a second is fine enough.
  const stamp = (options.at ?? new Date()).toISOString().replace(/\.\d+Z$/, 'Z').replace(/:/g, '-');
  const path = join(dir, `${environment}-${command}-${stamp}.log`);
  // Appends: two runs in the same second share the file rather than one losing its log.
  const fd = openSync(path, 'a');
  let open = true;
  return {
    path,
    // Written as it comes, so the file holds everything up to a crash or a Ctrl-C.
    write: (chunk) => {
      if (open) writeSync(fd, chunk);
    },
    close: () => {
      if (open) closeSync(fd);
      open = false;
    },
  };
}
