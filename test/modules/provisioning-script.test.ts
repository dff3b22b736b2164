/**
 * The provisioning script as bash runs it on mozart, with stand-in `sds` and `aws` commands on
 * PATH (the only fakes): the order of DESIGN.md's sequence, re-runs that do nothing or resume,
 * and a failure at each step that stops the run and names the step.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROVISIONING_STEPS, renderProvisioningScript } from '../../modules/compute/hysds-provisioning';
import { parseProvisioningEvent } from '../../lib/deploy/provisioning-progress';
import { writeFakes } from './support/provision-fakes';

const INPUT = {
  venue: 'pcm-test',
  region: 'us-west-2',
  logGroup: '/pcm/pcm-test/provisioning',
  codeBucket: 'pcm-test-code-123456789012',
  secretId: 'pcm-test-hysds-credentials',
  packages: ['container-pcm-pge:4.0.0.sdspkg.tar', 'container-pcm-qa:4.0.0.sdspkg.tar'],
  peerNames: ['pcm-test-metrics', 'pcm-test-grq', 'pcm-test-factotum'],
};

interface Machine {
  readonly dir: string;
  run(digest: string, failAt?: string): { status: number | null; calls: string[]; events: string[] };
}

/** A mozart of its own: home, state folder, boot-finished marker and the stand-ins. */
function machine(): Machine {
  const dir = mkdtempSync(join(tmpdir(), 'pcm-provision-'));
  const bin = writeFakes(dir);
  for (const sub of ['home', 'state', 'fake']) mkdirSync(join(dir, sub));
  writeFileSync(join(dir, 'boot-finished'), '');
  return {
    dir,
    run(digest, failAt = '') {
      const script = join(dir, `provision-${digest}.sh`);
      writeFileSync(script, renderProvisioningScript({ ...INPUT, digest }));
      for (const f of ['calls', 'fake/log-events']) writeFileSync(join(dir, f), '');
      const result = spawnSync('bash', [script], {
        encoding: 'utf8',
        env: {
          PATH: `${bin}:${process.env.PATH}`,
          CALLS: join(dir, 'calls'),
          FAKE_STATE: join(dir, 'fake'),
          FAIL_AT: failAt,
          PCM_OPS_HOME: join(dir, 'home'),
          PCM_STATE_DIR: join(dir, 'state'),
          PCM_BOOT_FINISHED: join(dir, 'boot-finished'),
          PCM_INSTANCE_ID: 'i-0123456789abcdef0',
          PCM_RUN_AS: 'direct',
          PCM_WAIT_SECONDS: '5',
        },
      });
      const lines = (file: string) => readFileSync(join(dir, file), 'utf8').split('\n').filter(Boolean);
      const events = lines('fake/log-events').map((json) => (JSON.parse(json) as Array<{ message: string }>)[0].message);
      return { status: result.status, calls: lines('calls'), events };
    },
  };
}

const sdsCalls = (calls: string[]) => calls.filter((c) => c.startsWith('sds '));

describe('provisioning script', () => {
  it('runs DESIGN.md sequence in order: wait, config and credentials, update, reset (first install), ship, pkg import, kibana, status', () => {
    const m = machine();
    const { status, calls, events } = m.run('0123456789abcdef');
    expect(status).toBe(0);
    expect(sdsCalls(calls)).toEqual([
      'sds update all -f',
      'sds reset all -f',
      'sds ship',
      expect.stringMatching(/^sds pkg import \/.*\/container-pcm-pge:4\.0\.0\.sdspkg\.tar$/),
      expect.stringMatching(/^sds pkg import \/.*\/container-pcm-qa:4\.0\.0\.sdspkg\.tar$/),
      'sds kibana import -f',
      'sds status',
    ]);
    const waits = calls.findIndex((c) => c.startsWith('aws ec2 wait instance-status-ok'));
    expect(calls[waits]).toBe('aws ec2 wait instance-status-ok --instance-ids i-0000000000000000a i-0000000000000000b i-0000000000000000c');
    expect(waits).toBeLessThan(calls.indexOf('sds update all -f'));
    expect(calls).toContain('aws s3 cp --only-show-errors s3://pcm-test-code-123456789012/provisioning/sds-config.yaml ' + calls.find((c) => c.includes('sds-config.yaml'))!.split(' ').pop());
    expect(events.map(parseProvisioningEvent).flatMap((e) => (e?.kind === 'step' && e.state === 'ok' ? [e.step] : []))).toEqual([...PROVISIONING_STEPS]);
    expect(events.at(-1)).toBe('RUN ok');
  });

  it('writes ~/.sds/config and ~/.creds (0600) with credentials it made once, which never reach the logs', () => {
    const m = machine();
    expect(m.run('0123456789abcdef').status).toBe(0);
    const config = readFileSync(join(m.dir, 'home', '.sds', 'config'), 'utf8');
    const creds = readFileSync(join(m.dir, 'home', '.creds'), 'utf8');
    expect(config).toContain("VENUE: 'pcm-test'");
    const password = /MOZART_RABBIT_PASSWORD: ([0-9a-f]{48})/.exec(creds)![1];
    expect(config).toContain(`MOZART_RABBIT_PASSWORD: ${password}`);
    for (const file of ['.sds/config', '.creds']) expect(statSync(join(m.dir, 'home', file)).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(m.dir, 'fake', 'log-events'), 'utf8')).not.toContain(password);
    // A new config later re-uses the credentials in Secrets Manager, and starts rather than resets.
    const second = m.run('fedcba9876543210');
    expect(second.status).toBe(0);
    expect(readFileSync(join(m.dir, 'home', '.creds'), 'utf8')).toBe(creds);
    expect(second.calls.filter((c) => c.startsWith('aws secretsmanager put-secret-value'))).toEqual([]);
    expect(sdsCalls(second.calls)).toContain('sds start all');
    expect(sdsCalls(second.calls)).not.toContain('sds reset all -f');
  });

  it('does nothing when run again after success with the same config', () => {
    const m = machine();
    expect(m.run('0123456789abcdef').status).toBe(0);
    const again = m.run('0123456789abcdef');
    expect(again.status).toBe(0);
    expect(sdsCalls(again.calls)).toEqual([]);
    expect(again.calls.filter((c) => !c.startsWith('aws logs '))).toEqual([]);
    expect(again.events).toEqual(['RUN ok (already provisioned)']);
  });

  /** The call that fails each step, as the stand-ins see it. */
  const FAILURES: Record<(typeof PROVISIONING_STEPS)[number], string> = {
    'wait-for-boot': 'instance-status-ok',
    'write-config': 'cp',
    update: 'update',
    start: 'reset',
    ship: 'ship',
    'import-packages': 'pkg',
    kibana: 'kibana',
    status: 'status',
  };

  it.each(PROVISIONING_STEPS.map((step, index) => [step, index] as const))('stops at a failure in %s, names the step, and resumes there on the next run', (step, index) => {
    const m = machine();
    const failed = m.run('0123456789abcdef', FAILURES[step]);
    expect(failed.status).toBe(1);
    const events = failed.events.map(parseProvisioningEvent);
    expect(events).toContainEqual(expect.objectContaining({ kind: 'step', step, state: 'failed', detail: expect.stringMatching(/failed|error/i) }));
    expect(events.at(-1)).toEqual({ kind: 'run', state: 'failed', step });
    // Nothing after the failed step ran.
    const started = events.flatMap((e) => (e?.kind === 'step' && e.state === 'started' ? [e.step] : []));
    expect(started).toEqual(PROVISIONING_STEPS.slice(0, index + 1));
    // The next run skips what succeeded and goes on from the failed step.
    const resumed = m.run('0123456789abcdef');
    expect(resumed.status).toBe(0);
    const skipped = resumed.events.map(parseProvisioningEvent).flatMap((e) => (e?.kind === 'step' && e.state === 'skipped' ? [e.step] : []));
    expect(skipped).toEqual(PROVISIONING_STEPS.slice(0, index));
    expect(existsSync(join(m.dir, 'state', '0123456789abcdef', 'run.done'))).toBe(true);
  });
});

describe('provisioning document', () => {
  it('holds the script verbatim: nothing Terraform would read as its own interpolation', () => {
    expect(renderProvisioningScript({ ...INPUT, digest: '{{ configDigest }}' })).not.toMatch(/\$\{|%\{/);
  });

  it('fails on a script that would carry a Terraform template', () => {
    expect(() => renderProvisioningScript({ ...INPUT, digest: '${oops}' })).toThrow(/contains "\$\{" at offset \d+, which Terraform would read as interpolation/);
  });
});
