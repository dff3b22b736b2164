/**
 * The terraform tier: every synthesized stack passes `terraform init` (offline, through the
 * provider mirror in PCM_PROVIDER_MIRROR) and `terraform validate`.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadEnvironments } from '../../config-generator/loader';
import { PROVIDER_MIRROR_VARIABLE, terraformBinary, validateStackDir, type ValidationOutcome } from '../../lib/terraform-cli';
import { inPool } from '../../lib/pool';
import { synthesize } from '../support/synth';

const mirror = process.env[PROVIDER_MIRROR_VARIABLE];
const hasTerraform = spawnSync(terraformBinary(), ['version'], { encoding: 'utf8' }).status === 0;
if (!hasTerraform) console.warn('SKIPPED: terraform is not on PATH; the terraform validate tier did not run.');
else if (!mirror) console.warn(`SKIPPED: ${PROVIDER_MIRROR_VARIABLE} is not set; terraform cannot install the AWS provider offline.`);
const tier = hasTerraform && mirror ? it : it.skip;

describe('terraform validate', () => {
  tier('passes for all twelve stacks of the six example environments', async () => {
    const { dirs } = synthesize(loadEnvironments());
    const names = Object.keys(dirs).sort();
    expect(names).toHaveLength(12);
    // 2 at a time: this machine has 2 cores and terraform's start-up is CPU-bound.
    const outcomes = await inPool(names, 2, (name) => validateStackDir(dirs[name]));
    const report = Object.fromEntries(names.map((name, i) => [name, outcomes[i]]));
    const valid: ValidationOutcome = { valid: true, diagnostics: [] };
    expect(report).toEqual(Object.fromEntries(names.map((name) => [name, valid])));
  }, 300000);

  tier("reports a broken stack as invalid with terraform's diagnostics", async () => {
    const { dirs } = synthesize(loadEnvironments().filter((e) => e.config.environment.name === 'dev'));
    const file = join(dirs['dev-data'], 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8'));
    Object.values(stack.resource.aws_kms_key as Record<string, Record<string, unknown>>)[0].enable_key_rotation = 'sometimes';
    writeFileSync(file, JSON.stringify(stack));
    const outcome = await validateStackDir(dirs['dev-data']);
    expect(outcome.valid).toBe(false);
    expect(outcome.diagnostics.join('\n')).toMatch(/error: .*bool/i);
  }, 120000);
});
