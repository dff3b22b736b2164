/**
 * The emulator's state machine definitions (modules/state-machine-definition.ts): real AWS gets
 * the definition itself, which the AWS provider checks with ValidateStateMachineDefinition while
 * it plans; the emulator, which lacks that action, gets the same JSON through a terraform_data,
 * so the provider's check is skipped. The skip rests on how Terraform plans a terraform_data: its
 * output is unknown whenever its input is new or changed. That is run here with Terraform.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, LocalBackend, TerraformOutput, TerraformStack } from 'cdktf';
import { loadEnvironments } from '../../config-generator/loader';
import { terraformBinary, terraformEnv } from '../../lib/terraform-cli';
import { stateMachineDefinition } from '../../modules/state-machine-definition';
import { resourcesOf, synthesize, type StackJson } from '../support/synth';

const bulk = loadEnvironments().filter((e) => e.config.environment.name === 'bulk');
const emulator = { endpoint: 'https://127.0.0.1:5000' };

describe('state machine definitions per target', () => {
  const real = synthesize(bulk).stacks['bulk-compute'];
  const emulated = synthesize(bulk, { target: emulator }).stacks['bulk-compute'];
  const machines = (stack: StackJson) => Object.values(resourcesOf(stack, 'aws_sfn_state_machine')) as StackJson[];

  it('gives real AWS the definitions themselves, which the provider checks while planning', () => {
    expect(machines(real).map((m) => m.name).sort()).toEqual(['pcm-bulk-campaign', 'pcm-bulk-campaign-retry']);
    for (const machine of machines(real)) expect(JSON.parse(machine.definition)).toHaveProperty('StartAt');
    expect(resourcesOf(real, 'terraform_data')).toEqual({});
  });

  it('gives the emulator the same definitions through a terraform_data, and nothing else differs', () => {
    const carriers = resourcesOf(emulated, 'terraform_data');
    for (const machine of machines(emulated)) {
      const ref = /^\$\{terraform_data\.([^.]+)\.output\.definition\}$/.exec(machine.definition);
      expect(ref).not.toBeNull();
      const twin = machines(real).find((m) => m.name === machine.name)!;
      expect(carriers[ref![1]].input.definition).toBe(twin.definition);
      const { definition: _d, ...rest } = machine;
      const { definition: _t, ...twinRest } = twin;
      expect(rest).toEqual(twinRest);
    }
    expect(Object.keys(carriers)).toHaveLength(2);
  });
});

const hasTerraform = spawnSync(terraformBinary(), ['version']).status === 0;
(hasTerraform ? describe : describe.skip)('a definition through a terraform_data, planned by Terraform', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-sfn-definition-'));
  const stackDir = join(dir, 'stacks', 'definition');
  // No provider to install: terraform_data is built into Terraform.
  const env = terraformEnv(process.env);
  const terraform = (...args: string[]) => execFileSync(terraformBinary(), args, { cwd: stackDir, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  /** Synthesizes a stack whose output is the definition as a state machine would get it. */
  const synth = (definition: object, checkedAtPlan: boolean) => {
    const app = new App({ outdir: dir });
    const stack = new TerraformStack(app, 'definition');
    // cdktf's default local state lives in the current folder: here, in the test's own.
    new LocalBackend(stack, { path: join(dir, 'terraform.tfstate') });
    new TerraformOutput(stack, 'definition', { value: stateMachineDefinition(stack, 'carrier', JSON.stringify(definition), checkedAtPlan) });
    app.synth();
  };
  /** Whether the planned definition is unknown (what makes the provider skip its check), or its value. */
  const planned = (): { unknown: boolean; value?: string } => {
    terraform('plan', '-out=plan', '-no-color');
    const change = JSON.parse(terraform('show', '-json', 'plan')).output_changes.definition;
    return { unknown: change.after_unknown === true, value: change.after };
  };
  const v1 = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
  const v2 = { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } };

  it('is unknown while new, the same JSON after apply, known when unchanged and unknown again when changed', () => {
    synth(v1, false);
    terraform('init', '-no-color');
    expect(planned()).toEqual({ unknown: true, value: undefined });
    terraform('apply', '-auto-approve', '-no-color', 'plan');
    expect(JSON.parse(terraform('output', '-raw', 'definition'))).toEqual(v1);
    expect(planned()).toEqual({ unknown: false, value: JSON.stringify(v1) });
    synth(v2, false);
    expect(planned()).toEqual({ unknown: true, value: undefined });
  }, 120000);

  it('is known at plan where the provider may check it', () => {
    synth(v2, true);
    expect(planned()).toEqual({ unknown: false, value: JSON.stringify(v2) });
  }, 60000);
});
