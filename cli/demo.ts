/**
 * npm run demo: the kit's main job on a local default. Today: load and validate the six example
 * environments, synthesize their twelve stacks into cdktf.out/, and run `terraform validate` on
 * each (offline through PCM_PROVIDER_MIRROR), then print a summary. Deploying them into the local
 * AWS emulator is the delivery work still to come.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../config-generator/errors';
import { loadEnvironments } from '../config-generator/loader';
import { inPool } from '../lib/pool';
import { PROVIDER_MIRROR_VARIABLE, terraformVersion, validateStackDir } from '../lib/terraform-cli';
import { synthesizeTo } from '../stacks/synthesize';

async function main(): Promise<void> {
  const started = Date.now();
  const environments = loadEnvironments();
  const outdir = join(__dirname, '..', 'cdktf.out');
  rmSync(outdir, { recursive: true, force: true });
  const stacks = synthesizeTo(outdir, environments);
  const synthMs = Date.now() - started;

  const version = await terraformVersion();
  const mirror = process.env[PROVIDER_MIRROR_VARIABLE];
  const canValidate = Boolean(version && mirror);
  const rows: string[][] = [['stack', 'kind', 'account', 'region', 'resources', 'terraform validate']];
  // Two at a time: terraform's start-up is CPU-bound and the target machine has two cores.
  const outcomes = canValidate ? await inPool(stacks, 2, (stack) => validateStackDir(stack.dir)) : [];
  const invalid = outcomes.filter((o) => !o.valid).length;
  stacks.forEach((stack, i) => {
    const env = environments.find((e) => stack.name.startsWith(`${e.config.environment.name}-`))!.config;
    const outcome = outcomes[i];
    const verdict = !outcome ? 'skipped' : outcome.valid ? 'valid' : `INVALID: ${outcome.diagnostics.join('; ')}`;
    rows.push([stack.name, env.environment.kind, env.aws.accountId, env.aws.region, String(stack.resourceCount), verdict]);
  });
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  for (const row of rows) process.stdout.write(`${row.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd()}\n`);
  process.stdout.write(`\n${environments.length} environments, ${stacks.length} stacks synthesized into cdktf.out/ in ${synthMs} ms; total ${Date.now() - started} ms.\n`);
  if (!version) process.stdout.write('terraform validate skipped: terraform is not on PATH.\n');
  else if (!mirror) process.stdout.write(`terraform validate skipped: set ${PROVIDER_MIRROR_VARIABLE} to the folder that holds registry.terraform.io.\n`);
  if (invalid > 0) process.exit(1);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : (error as Error).stack}\n`);
  process.exit(1);
});
