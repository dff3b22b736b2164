/**
 * Running Terraform the way this kit needs it: offline through a provider mirror when one is set
 * (PCM_PROVIDER_MIRROR, the folder that holds `registry.terraform.io`), on OpenTofu when
 * TERRAFORM_BINARY_NAME says so (as cdktf itself honours it).
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The environment variable naming the offline provider mirror. */
export const PROVIDER_MIRROR_VARIABLE = 'PCM_PROVIDER_MIRROR';

export function terraformBinary(env: NodeJS.ProcessEnv = process.env): string {
  return env.TERRAFORM_BINARY_NAME || 'terraform';
}

/**
 * A Terraform CLI config that installs providers only from the mirror. Returns undefined when no
 * mirror is set (Terraform then uses its registry as usual).
 */
export function mirrorCliConfig(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const mirror = env[PROVIDER_MIRROR_VARIABLE];
  if (!mirror) return undefined;
  if (!existsSync(join(mirror, 'registry.terraform.io'))) {
    throw new Error(`${PROVIDER_MIRROR_VARIABLE}=${mirror}: no registry.terraform.io folder there; point it at the folder that holds it`);
  }
  return [
    'provider_installation {',
    `  filesystem_mirror {\n    path = ${JSON.stringify(mirror)}\n  }`,
    // Nothing from the network: a provider missing from the mirror is an error, not a download.
    '  direct {\n    exclude = ["*/*/*"]\n  }',
    '}',
    '',
  ].join('\n');
}

/**
 * Go's garbage-collector settings for Terraform and its provider plugins (which inherit them).
 * Each `terraform apply` starts the 675 MB AWS provider about four times, and each start builds
 * the schemas of every AWS resource, garbage and all. Measured with `terraform validate` on this
 * machine kind: GOGC 100 (Go's default) 5.2 CPU-s, 200 4.1, 800 3.6, for a peak of 320, 335 and
 * 510 MB. GOGC 800 with a soft limit of 1 GiB (GOMEMLIMIT: the collector works harder as a process
 * nears it, so a large plan cannot run away) takes the saving and bounds the cost. What the
 * operator sets wins.
 */
export const TERRAFORM_GOGC = '800';
export const TERRAFORM_GOMEMLIMIT = '1GiB';

/**
 * The environment for running Terraform: the mirror's CLI config, no prompts, no update checks,
 * and the Go settings above.
 * Each config is written once, to a file of its own, and never rewritten: rewriting one file on
 * every call let a terraform already running read it half-written, find no mirror, and go to the
 * registry (a parallel `terraform validate` failed that way).
 */
const cliConfigFiles = new Map<string, string>();
export function terraformEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const config = mirrorCliConfig(env);
  const out: NodeJS.ProcessEnv = { ...env, TF_IN_AUTOMATION: '1', TF_INPUT: '0', CHECKPOINT_DISABLE: '1', GOGC: env.GOGC || TERRAFORM_GOGC, GOMEMLIMIT: env.GOMEMLIMIT || TERRAFORM_GOMEMLIMIT };
  if (config) {
    let file = cliConfigFiles.get(config);
    if (!file) {
      file = join(mkdtempSync(join(tmpdir(), 'pcm-terraform-')), 'terraformrc');
      writeFileSync(file, config);
      cliConfigFiles.set(config, file);
    }
    out.TF_CLI_CONFIG_FILE = file;
  }
  return out;
}

/** Whether Terraform can be run at all on this machine. */
export async function terraformVersion(env: NodeJS.ProcessEnv = process.env): Promise<string | undefined> {
  try {
    const { stdout } = await run(terraformBinary(env), ['version', '-json'], { env: terraformEnv(env) });
    return (JSON.parse(stdout) as { terraform_version: string }).terraform_version;
  } catch {
    return undefined;
  }
}

export interface ValidationOutcome {
  readonly valid: boolean;
  /** Terraform's diagnostics, one line each ("error: summary: detail"). */
  readonly diagnostics: string[];
}

/**
 * `terraform init -backend=false` and `terraform validate` in a synthesized stack folder. The
 * backend is skipped: validating the configuration needs no state, and no credentials.
 */
export async function validateStackDir(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<ValidationOutcome> {
  const options = { cwd: dir, env: terraformEnv(env), maxBuffer: 16 * 1024 * 1024 };
  const binary = terraformBinary(env);
  try {
    await run(binary, ['init', '-backend=false', '-input=false', '-no-color'], options);
  } catch (error) {
    const { stderr, stdout } = error as { stderr?: string; stdout?: string };
    return { valid: false, diagnostics: [`init failed: ${(stderr || stdout || String(error)).trim()}`] };
  }
  // validate exits 1 when invalid but still prints its JSON report.
  const { stdout } = await run(binary, ['validate', '-json', '-no-color'], options).catch((error: { stdout?: string }) => ({
    stdout: error.stdout ?? '{}',
  }));
  const report = JSON.parse(stdout) as { valid?: boolean; diagnostics?: { severity: string; summary: string; detail?: string }[] };
  return {
    valid: report.valid === true,
    diagnostics: (report.diagnostics ?? []).map((d) => `${d.severity}: ${d.summary}${d.detail ? `: ${d.detail}` : ''}`),
  };
}
