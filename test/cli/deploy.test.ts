/**
 * `npm run bootstrap` and `npm run deploy` as an operator runs them, against moto_server: the
 * account guard, the state bucket, the approval of ops-like kinds, and a whole deploy of adt.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AutoScalingClient, DescribeAutoScalingGroupsCommand } from '@aws-sdk/client-auto-scaling';
import { DescribeInstancesCommand, EC2Client } from '@aws-sdk/client-ec2';
import { LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { catalogImages, loadAmiCatalog } from '../../amis/catalog';
import { ENVIRONMENTS_DIR, loadEnvironments } from '../../config-generator/loader';
import { prepareEmulatedAccount } from '../../lib/emulator/accounts';
import { prepareEmulatedEnvironments } from '../../lib/emulator/environments';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '../../lib/state-bucket';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { REPO } from '../support/run';
import { hasTerraformWithMirror } from '../support/terraform';

const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;
const environments = loadEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;

interface Run {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a kit command as its own process, with no terminal. */
function kit(script: 'deploy' | 'bootstrap' | 'destroy', args: string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', `cli/${script}.ts`, ...args], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

withEmulator('bootstrap and deploy against the AWS emulator', () => {
  let moto: Moto;
  let dir: string;
  const as = (credentials: AwsCredentialIdentity | 'elsewhere'): NodeJS.ProcessEnv => ({
    PCM_AWS_ENDPOINT: moto.endpoint,
    AWS_REGION: 'us-west-2',
    // "elsewhere": the emulator's default account, which no environment uses.
    AWS_ACCESS_KEY_ID: credentials === 'elsewhere' ? 'testing' : credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials === 'elsewhere' ? 'testing' : credentials.secretAccessKey,
    AWS_SESSION_TOKEN: credentials === 'elsewhere' ? '' : (credentials.sessionToken ?? ''),
  });
  let adt: AwsCredentialIdentity;

  beforeAll(async () => {
    moto = await startMoto({ tls: true, amis: catalogImages(loadAmiCatalog()) });
    dir = mkdtempSync(join(tmpdir(), 'pcm-envs-'));
    [{ credentials: adt }] = await prepareEmulatedEnvironments(moto.endpoint, environments.filter((e) => e.config.environment.name === 'adt'), ENVIRONMENTS_DIR, dir);
  }, 60000);
  afterAll(() => moto?.stop());

  it('fails to deploy with credentials of another account, naming both accounts, before Terraform runs', async () => {
    const run = await kit('deploy', ['--env', 'adt', '--dir', dir], as('elsewhere'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refusing to deploy adt: the current credentials');
    expect(run.stderr).toContain('are in account 123456789012');
    expect(run.stderr).toMatch(/adt\.yaml names account 666666666666 \(aws\.accountId\)/);
    expect(existsSync(join(dir, '.deployed', 'adt.json'))).toBe(false);
  });

  it('fails on an environment that does not exist, listing those that do', async () => {
    const run = await kit('deploy', ['--env', 'opz', '--dir', dir], as(adt));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('--env opz: no such environment; the environment files are adt, bulk, dev, forward, int, ops');
  });

  it('fails to deploy an ops-like environment without an approval when there is no terminal', async () => {
    const ops = await prepareEmulatedAccount(moto.endpoint, configOf('ops'), { stateBucket: false });
    const run = await kit('deploy', ['--env', 'ops'], as(ops));
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('ops is an ops environment: deploying it needs --auto-approve, or a terminal to approve at');
  });

  it('bootstraps the state bucket once, versioned, and only checks it the second time', async () => {
    const int = await prepareEmulatedAccount(moto.endpoint, configOf('int'), { stateBucket: false });
    const first = await kit('bootstrap', ['--env', 'int'], as(int));
    expect(first.stdout).toContain('created state bucket pcm-tfstate-222222222222-us-west-2 (versioned, encrypted, private)');
    const again = await kit('bootstrap', ['--env', 'int'], as(int));
    expect(again.stdout).toContain('checked state bucket pcm-tfstate-222222222222-us-west-2');
    const s3 = new S3Client(emulatorClientConfig(moto.endpoint, 'us-west-2', int));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: 'pcm-tfstate-222222222222-us-west-2' }))).Status).toBe('Enabled');
  }, 60000);

  it('deploys adt, records the deploy and prints the operator URLs', async () => {
    const run = await kit('deploy', ['--env', 'adt', '--dir', dir], as(adt));
    expect(run.stderr.slice(-2000)).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain('account 666666666666 confirmed');
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

  it('fails to destroy a protected kind without a confirmation naming it', async () => {
    const int = await prepareEmulatedAccount(moto.endpoint, configOf('int'), { stateBucket: false });
    const none = await kit('destroy', ['--env', 'int'], as(int));
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('int is an int environment: destroying it needs --confirm int');
    const wrong = await kit('destroy', ['--env', 'int', '--confirm', 'ops'], as(int));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--confirm ops does not name the environment being destroyed (int)');
  });

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
