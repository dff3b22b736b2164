/** Runs the kit's commands as a person would, without a terminal. */
import { spawn, spawnSync } from 'node:child_process';
import type { AwsCredentialIdentity } from '@smithy/types';
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
    timeout: 90000,
    // No credentials and no metadata service: the STS offer must fail fast, not hang.
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, ms: Date.now() - started };
}

/** Runs `npm run <script> -- ...args` as its own process, with no terminal (without npm's start-up cost). */
export function kit(script: 'deploy' | 'bootstrap' | 'destroy', args: readonly string[], env: NodeJS.ProcessEnv): Promise<Omit<CommandResult, 'ms'>> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `cli/${script}.ts`, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/**
 * The environment of an operator holding `credentials` against the emulator at `endpoint`;
 * "elsewhere" is the emulator's default account, which no environment uses.
 */
export function operatorEnv(endpoint: string, credentials: AwsCredentialIdentity | 'elsewhere'): NodeJS.ProcessEnv {
  return {
    PCM_AWS_ENDPOINT: endpoint,
    AWS_REGION: 'us-west-2',
    AWS_ACCESS_KEY_ID: credentials === 'elsewhere' ? 'testing' : credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials === 'elsewhere' ? 'testing' : credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials === 'elsewhere' ? '' : (credentials.sessionToken ?? ''),
  };
}
