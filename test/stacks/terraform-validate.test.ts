/**
 * The terraform tier: every synthesized stack passes `terraform init` (offline, through the
 * provider mirror in PCM_PROVIDER_MIRROR) and `terraform validate`.
 */
import { loadEnvironments } from '../../config-generator/loader';
import { PROVIDER_MIRROR_VARIABLE, terraformVersion, validateStackDir, type ValidationOutcome } from '../../lib/terraform-cli';
import { synthesize } from '../support/synth';

const mirror = process.env[PROVIDER_MIRROR_VARIABLE];

/** Runs `work` over `items`, `limit` at a time (2 cores: terraform is CPU-bound at start-up). */
async function inPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

describe('terraform validate', () => {
  let version: string | undefined;
  beforeAll(async () => {
    version = await terraformVersion();
    if (!version) console.warn('SKIPPED: terraform is not on PATH; the terraform validate tier did not run.');
    else if (!mirror) console.warn(`SKIPPED: ${PROVIDER_MIRROR_VARIABLE} is not set; terraform cannot install the AWS provider offline.`);
  });

  it('passes for all twelve stacks of the six example environments', async () => {
    if (!version || !mirror) return;
    const { dirs } = synthesize(loadEnvironments());
    const names = Object.keys(dirs).sort();
    expect(names).toHaveLength(12);
    const outcomes = await inPool(names, 2, (name) => validateStackDir(dirs[name]));
    const report = Object.fromEntries(names.map((name, i) => [name, outcomes[i]]));
    const valid: ValidationOutcome = { valid: true, diagnostics: [] };
    expect(report).toEqual(Object.fromEntries(names.map((name) => [name, valid])));
  }, 300000);

  it('reports a broken stack as invalid with terraform\'s diagnostics', async () => {
    if (!version || !mirror) return;
    const { dirs } = synthesize(loadEnvironments().filter((e) => e.config.environment.name === 'dev'));
    const { writeFileSync, readFileSync } = await import('node:fs');
    const { join } = await import('node:path');
    const file = join(dirs['dev-data'], 'cdk.tf.json');
    const stack = JSON.parse(readFileSync(file, 'utf8'));
    Object.values(stack.resource.aws_kms_key as Record<string, Record<string, unknown>>)[0].enable_key_rotation = 'sometimes';
    writeFileSync(file, JSON.stringify(stack));
    const outcome = await validateStackDir(dirs['dev-data']);
    expect(outcome.valid).toBe(false);
    expect(outcome.diagnostics.join('\n')).toMatch(/error: .*bool/i);
  }, 120000);
});
