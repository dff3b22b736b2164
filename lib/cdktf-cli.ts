/**
 * Running the cdktf CLI on this app: how the kit's deploy command, the demo and the deploy tests
 * apply stacks. Stacks are selected by name (`<env>-*`); the app synthesizes only the environment
 * PCM_ENV names, because the cdktf CLI does not pass its own flags through to the app.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { awsTargetFrom, terraformParallelism } from '../stacks/aws-target';
import { terraformEnv } from './terraform-cli';

export type CdktfCommand = 'deploy' | 'destroy' | 'diff';

export interface CdktfRun {
  /** The repository holding cdktf.json. */
  readonly cwd: string;
  readonly command: CdktfCommand;
  /** Stack names or globs (`ops-data`, `ops-*`). */
  readonly stacks: readonly string[];
  /** Extra environment for the app and Terraform (PCM_ENV, PCM_AWS_ENDPOINT, credentials, ...). */
  readonly env?: NodeJS.ProcessEnv;
  /** Where to synthesize (default: a new temporary folder, so runs never share one). */
  readonly outdir?: string;
  /**
   * Run the named stacks even when stacks they depend on are not named (those are then
   * expected to be deployed already). @default false
   */
  readonly ignoreMissingDependencies?: boolean;
  /** Called with each chunk the CLI prints, for progress. */
  readonly onOutput?: (chunk: string) => void;
}

export interface CdktfResult {
  readonly ok: boolean;
  readonly exitCode: number | null;
  /** Everything the CLI printed, stdout and stderr interleaved. */
  readonly log: string;
  readonly seconds: number;
  /** Stack name -> output name -> value (deploy only). */
  readonly outputs: Record<string, Record<string, unknown>>;
}

export function runCdktf(run: CdktfRun): Promise<CdktfResult> {
  const outdir = run.outdir ?? mkdtempSync(join(tmpdir(), 'pcm-cdktf-'));
  const outputsFile = join(outdir, 'outputs.json');
  // No `terraform providers lock`: it asks the registry for every platform, which an offline
  // mirror cannot answer; `terraform init` already records the checksums of this platform.
  const args = ['cdktf', run.command, ...run.stacks, '--output', outdir, '--skip-provider-lock'];
  if (run.command !== 'diff') args.push('--auto-approve');
  if (run.ignoreMissingDependencies) args.push('--ignore-missing-stack-dependencies');
  if (run.command === 'deploy') args.push('--outputs-file', outputsFile);
  const parallelism = terraformParallelism(awsTargetFrom({ ...process.env, ...run.env }));
  if (parallelism !== undefined && run.command !== 'diff') args.push('--terraform-parallelism', String(parallelism));
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn('npx', args, {
      cwd: run.cwd,
      env: {
        ...terraformEnv({ ...process.env, ...run.env }),
        CI: 'true',
        CHECKPOINT_DISABLE: '1',
        FORCE_COLOR: '0',
        // cdktf points Terraform at a shared plugin cache, which is not safe for concurrent
        // inits: the demo's parallel deploys raced on it ("mkdir ... file exists").
        CDKTF_DISABLE_PLUGIN_CACHE_ENV: 'true',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const collect = (chunk: Buffer) => {
      log += chunk.toString();
      run.onOutput?.(chunk.toString());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      const outputs = existsSync(outputsFile) ? (JSON.parse(readFileSync(outputsFile, 'utf8')) as CdktfResult['outputs']) : {};
      resolve({ ok: exitCode === 0, exitCode, log, seconds: (Date.now() - started) / 1000, outputs });
    });
  });
}

/**
 * Terraform's error blocks in a cdktf log (`Error: ...` and the lines under it, up to the next
 * blank line), ANSI colours and box-drawing removed: what a failed deploy should show first.
 */
export function terraformErrors(log: string, maxLines = 40): string {
  const lines = log.replace(/\x1b\[[0-9;]*m/g, '').split('\n').map((l) => l.replace(/^.*?[│╷╵]\s?/, ''));
  const out: string[] = [];
  for (let i = 0; i < lines.length && out.length < maxLines; i++) {
    if (!/^\s*Error: /.test(lines[i])) continue;
    for (let j = i; j < lines.length && j < i + 12 && out.length < maxLines; j++) {
      if (j > i && lines[j].trim() === '') break;
      out.push(lines[j].slice(0, 300));
    }
  }
  return out.join('\n');
}
