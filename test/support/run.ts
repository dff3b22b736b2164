/** Runs the kit's commands as a person would, without a terminal. */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

export const REPO = join(__dirname, '..', '..');

export interface CommandResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** `npm run configure -- ...args` without npm's own start-up cost. */
export function configure(args: readonly string[], env: NodeJS.ProcessEnv = {}): CommandResult {
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'cli', 'configure.ts'), ...args], {
    cwd: REPO,
    encoding: 'utf8',
    input: '',
    timeout: 30000,
    // No credentials and no metadata service: the STS offer must fail fast, not hang.
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}
