/**
 * `npm run deploy` and `npm run destroy` as an operator runs them, against moto_server: a whole
 * deploy of adt (its record, its operator URLs), a plan that finds nothing to add or replace, and
 * the destroy of a temporary kind. The refusals that stop before Terraform are in
 * deploy-guards.test.ts, a suite of their own so that they run beside this long one.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { loadEnvironments } from '../../config-generator/loader';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '@smithy/types';
import { emulatorWithEnvironment, type PreparedEmulator } from '../support/deploy';
import { HAS_MOTO, type Moto } from '../support/moto';
import { kit } from '../support/run';
import { hasTerraformWithMirror } from '../support/terraform';

const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;
const environments = loadEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;

withEmulator('deploy and destroy against the AWS emulator', () => {
  let moto: Moto;
  let dir: string;
  let adt: AwsCredentialIdentity;
  let as: PreparedEmulator['as'];

  beforeAll(async () => {
    ({ moto, dir, credentials: adt, as } = await emulatorWithEnvironment(environments.find((e) => e.config.environment.name === 'adt')!));
  }, 90000);
  afterAll(() => moto?.stop());

  it('deploys adt, records the deploy and prints the operator URLs', async () => {
    const run = await kit('deploy', ['--env', 'adt', '--dir', dir], as(adt));
    expect(run.stderr.slice(-2000)).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`account ${configOf('adt').aws.accountId} confirmed`); // the example's account, as loaded
    // The emulator runs no SSM agent and has no real addresses: the deploy says so, never pretends.
    expect(run.stdout).toContain('provisioning: NOT RUN. The emulator has no SSM agent');
    expect(run.stdout).toMatch(/\nhysds_ui +https:\/\/10\.20\.\d+\.\d+\/hysds_ui\/ +not probed \(emulated address\)\n/);
    expect(run.stdout).toMatch(/\nrabbitmq_admin +https:\/\/10\.20\.\d+\.\d+:15673\/ +not probed \(emulated address\)\n/);
    const record = JSON.parse(readFileSync(join(dir, '.deployed', 'adt.json'), 'utf8'));
    expect(record).toMatchObject({
      environment: 'adt',
      outcome: 'succeeded',
      release: configOf('adt').release,
      configDigest: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
      stacks: ['adt-data', 'adt-compute'],
    });
  }, 600000);

  it('plans no additions, replacements or deletions after the deploy; what moto reports differently is all that drifts', async () => {
    const run = await kit('deploy', ['--env', 'adt', '--dir', dir, '--plan'], as(adt));
    expect(run.status).toBe(0);
    const planned = [...run.stdout.matchAll(/# (\S+) \(.*\) (will be [^\n]+|must be [^\n]+)/g)].map((m) => [m[1].split('.')[0], m[2]]);
    for (const [, action] of planned) expect(action).toBe('will be updated in-place');
    // Attributes moto does not read back as AWS does (README, "The local AWS emulator"); any
    // other resource type drifting after a deploy is a bug in the kit.
    const EMULATOR_DRIFT = new Set([
      'aws_sqs_queue', // redrive_policy read back with other whitespace
      'aws_lambda_function', // kms_key_arn not read back
      'aws_vpc_security_group_ingress_rule', // description of group-to-group rules not read back
      'aws_autoscaling_policy', // enabled not read back
      'aws_launch_template', // default tags read back as a launch-template tag specification
      'aws_autoscaling_group', // follows the launch template's version
      'aws_batch_compute_environment', // follows the launch template's version
    ]);
    expect(planned.map(([type]) => type).filter((type) => !EMULATOR_DRIFT.has(type))).toEqual([]);
    expect(run.stdout).not.toMatch(/Plan: [1-9]\d* to add|[1-9]\d* to destroy/);
  }, 300000);

  it('destroys adt without asking (a temporary kind); only what moto cannot delete stays', async () => {
    const run = await kit('destroy', ['--env', 'adt', '--dir', dir], as(adt));
    expect(run.stdout).not.toContain('needs --confirm');
    // moto keeps a terminated instance's network interfaces attached, and fails to revoke some
    // group-to-group rules (README, "The local AWS emulator"); AWS does neither. Those are the
    // only errors allowed; everything else of adt-compute must be gone.
    const errors = [...run.stdout.matchAll(/Error: ([^\n]+)/g)].map((m) => m[1]);
    for (const error of errors) expect(error).toMatch(/^detaching EC2 Network Interface .*cannot be detached|^deleting VPC Security Group Rule/);
    if (errors.length === 0) {
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('adt-* of adt destroyed');
    }
    const region = 'us-west-2';
    const groups = await new AutoScalingClient(emulatorClientConfig(moto.endpoint, region, adt)).send(new DescribeAutoScalingGroupsCommand({}));
    expect(groups.AutoScalingGroups?.map((g) => g.AutoScalingGroupName)).toEqual([]);
    const functions = await new LambdaClient(emulatorClientConfig(moto.endpoint, region, adt)).send(new ListFunctionsCommand({}));
    expect(functions.Functions?.map((f) => f.FunctionName)).toEqual([]);
    const instances = await new EC2Client(emulatorClientConfig(moto.endpoint, region, adt)).send(new DescribeInstancesCommand({ Filters: [{ Name: 'instance-state-name', Values: ['running'] }] }));
    expect(instances.Reservations?.flatMap((r) => r.Instances ?? [])).toEqual([]);
  }, 300000);
});
