/**
 * `npm run bootstrap`, `npm run deploy` and `npm run destroy` refusing what they must refuse,
 * against moto_server, before Terraform runs: credentials of another account, an unknown
 * environment, an ops-like kind without approval, a protected kind without a confirmation naming
 * it; and bootstrap's state bucket, created once and checked after.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { GetBucketVersioningCommand, S3Client } from '@aws-sdk/client-s3';
import { loadEnvironments } from '../../config-generator/loader';
import { prepareEmulatedAccount } from '../../lib/emulator/accounts';
import { emulatorClientConfig } from '../../lib/emulator/server';
import type { AwsCredentialIdentity } from '@smithy/types';
import { emulatorWithEnvironment, type PreparedEmulator } from '../support/deploy';
import { HAS_MOTO, type Moto } from '../support/moto';
import { kit } from '../support/run';
import { hasTerraformWithMirror } from '../support/terraform';

const withEmulator = HAS_MOTO && hasTerraformWithMirror() ? describe : describe.skip;
const environments = loadEnvironments();
const configOf = (name: string) => environments.find((e) => e.config.environment.name === name)!.config;
// The commands read the examples (environments/, as test/support/deploy.ts prepares them for the
// deploy suites too), so what they print is read from the loaded examples, never written here.
const intStateBucket = `pcm-tfstate-${configOf('int').aws.accountId}-us-west-2`;

withEmulator('bootstrap, deploy and destroy refusing before Terraform runs', () => {
  let moto: Moto;
  let dir: string;
  let adt: AwsCredentialIdentity;
  let as: PreparedEmulator['as'];

  beforeAll(async () => {
    ({ moto, dir, credentials: adt, as } = await emulatorWithEnvironment(environments.find((e) => e.config.environment.name === 'adt')!));
  }, 90000);
  afterAll(() => moto?.stop());

  it('fails to deploy with credentials of another account, naming both accounts, before Terraform runs', async () => {
    const run = await kit('deploy', ['--env', 'adt', '--dir', dir], as('elsewhere'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refusing to deploy adt: the current credentials');
    expect(run.stderr).toContain('are in account 123456789012');
    expect(run.stderr).toContain(`adt.yaml names account ${configOf('adt').aws.accountId} (aws.accountId)`);
    expect(existsSync(join(dir, '.deployed', 'adt.json'))).toBe(false);
  });

  it.each(['destroy', 'bootstrap'] as const)('fails to %s with credentials of another account, naming the command and both accounts', async (command) => {
    const run = await kit(command, ['--env', 'adt', '--dir', dir, ...(command === 'destroy' ? ['--confirm', 'adt'] : [])], as('elsewhere'));
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`refusing to ${command} adt: the current credentials`);
    expect(run.stderr).toContain('are in account 123456789012');
    expect(run.stderr).toContain(`adt.yaml names account ${configOf('adt').aws.accountId} (aws.accountId)`);
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
    expect(first.stdout).toContain(`created state bucket ${intStateBucket} (versioned, encrypted, private)`);
    const again = await kit('bootstrap', ['--env', 'int'], as(int));
    expect(again.stdout).toContain(`checked state bucket ${intStateBucket}`);
    const s3 = new S3Client(emulatorClientConfig(moto.endpoint, 'us-west-2', int));
    expect((await s3.send(new GetBucketVersioningCommand({ Bucket: intStateBucket }))).Status).toBe('Enabled');
  }, 60000);

  it('fails to destroy a protected kind without a confirmation naming it', async () => {
    const int = await prepareEmulatedAccount(moto.endpoint, configOf('int'), { stateBucket: false });
    const none = await kit('destroy', ['--env', 'int'], as(int));
    expect(none.status).toBe(2);
    expect(none.stderr).toContain('int is an int environment: destroying it needs --confirm int');
    const wrong = await kit('destroy', ['--env', 'int', '--confirm', 'ops'], as(int));
    expect(wrong.status).toBe(2);
    expect(wrong.stderr).toContain('--confirm ops does not name the environment being destroyed (int)');
  });
});
