/** The wizard offers the account of the current credentials, asked of STS for real (moto). */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { callerIdentity } from '../../lib/aws-identity';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { configure, REPO } from '../support/run';

const withMoto = HAS_MOTO ? describe : describe.skip;

withMoto('caller identity against the AWS emulator', () => {
  let moto: Moto;
  beforeAll(async () => {
    moto = await startMoto();
  }, 90000);
  afterAll(() => moto?.stop());

  it('reads the account of the current credentials from STS', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'testing', AWS_SECRET_ACCESS_KEY: 'testing' });
    const identity = await callerIdentity({ endpoint: moto.endpoint, region: 'us-west-2', timeoutMs: 30000 }).finally(() => (process.env = saved));
    expect(identity).toEqual({
      accountId: '123456789012',
      arn: expect.stringMatching(/^arn:aws:(iam|sts)::123456789012:/),
    });
  });

  it('fills in aws.accountId from STS when no answer gives it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-sts-'));
    const answers = join(REPO, 'environments', 'answers', 'dev.yaml');
    const result = configure(['--answers', answers, '--set', 'aws.accountId=', '--dir', dir], moto.env);
    // An empty --set is not an answer: the flag is reported, not silently dropped.
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('--set: aws.accountId: expected a 12-digit AWS account id');

    const defaults = configure(
      [
        '--defaults',
        '--set', 'environment.name=dev',
        '--set', 'network.vpcId=vpc-0123456789abcdef0',
        '--set', 'network.privateSubnetIds=subnet-0123456789abcdef0',
        '--set', 'network.operatorCidrs=10.0.0.0/8',
        '--set', 'release.pcmRelease=4.1.0',
        '--set', 'cnm.daac.accountId=777777777777',
        '--set', 'cnm.cnes.accountId=888888888888',
        '--dir', dir,
      ],
      // A loaded machine can take longer than the wizard's usual 3 s to reach the emulator's STS.
      { ...moto.env, PCM_STS_TIMEOUT_MS: '30000' },
    );
    expect(defaults.stderr).toBe('');
    const written = parse(readFileSync(join(dir, 'dev.yaml'), 'utf8'));
    expect(written.aws.accountId).toBe('123456789012');
    expect(written.aws.deployRoleArn).toBe('arn:aws:iam::123456789012:role/pcm-deploy');
  });

  it('gives no account, quickly, when there are no credentials', async () => {
    const saved = { ...process.env };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '', AWS_PROFILE: 'pcm-no-such-profile', AWS_EC2_METADATA_DISABLED: 'true' });
    try {
      expect(await callerIdentity({ endpoint: moto.endpoint, timeoutMs: 3000 })).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });
});

describe('caller identity without an answer', () => {
  // Run as the operator runs it, in its own process: the hung credential_process outlives the
  // SDK call, and the CLI must still finish instead of waiting for it.
  it('gives up within its timeout when finding credentials hangs (a credential_process waiting for MFA)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pcm-sts-'));
    const config = join(dir, 'config');
    writeFileSync(config, '[profile hangs]\ncredential_process = sleep 30\n');
    const result = configure(['--defaults', '--set', 'environment.name=dev', '--dir', dir], { AWS_CONFIG_FILE: config, AWS_PROFILE: 'hangs' });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('aws.accountId');
    expect(result.ms).toBeLessThan(15000);
  }, 20000);
});
