/** `npm run promote` as an operator runs it, on a folder of fixture environments where dev runs a newer release. */
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { loadEnvironments } from '../../config-generator/loader';
import { writeDeployRecord, type DeployRecord } from '../../lib/deploy/record';
import { FIXTURE, fixtureData, fixtureDir, releaseFields } from '../support/fixtures';
import { REPO } from '../support/run';

/** The fleet with dev a release ahead of int (FIXTURE.candidateRelease against FIXTURE.release). */
function copyOfEnvironments(): string {
  return fixtureDir({ dev: fixtureData('dev', { release: releaseFields('dev', FIXTURE.candidateRelease) }) });
}
const configIn = (dir: string, name: string) => loadEnvironments(dir).find((e) => e.config.environment.name === name)!.config;
function deployed(dir: string, name: string, outcome: DeployRecord['outcome'] = 'succeeded', release = configIn(dir, name).release): void {
  writeDeployRecord(dir, { environment: name, outcome, release, configDigest: 'sha256:test', startedAt: '2026-11-20T10:00:00.000Z', seconds: 1, stacks: [] });
}
function promote(dir: string, ...args: string[]) {
  return spawnSync(process.execPath, ['--import', 'tsx', 'cli/promote.ts', '--dir', dir, ...args], { cwd: REPO, encoding: 'utf8' });
}

describe('npm run promote', () => {
  it('copies dev’s deployed release into int, keeping int’s account, network and registry', () => {
    const dir = copyOfEnvironments();
    deployed(dir, 'dev');
    const before = configIn(dir, 'int');
    const run = promote(dir, '--from', 'dev', '--to', 'int', '--yes');
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`-  pcmRelease: "${FIXTURE.release}"`);
    expect(run.stdout).toContain(`+  pcmRelease: "${FIXTURE.candidateRelease}"`);
    const after = configIn(dir, 'int');
    expect(after.release).toEqual({
      ...configIn(dir, 'dev').release,
      containers: { pge: `${FIXTURE.accounts.int}.dkr.ecr.us-west-2.amazonaws.com/pcm-pge:${FIXTURE.candidateRelease}` },
    });
    expect({ ...after, release: undefined }).toEqual({ ...before, release: undefined });
    // Written by the template, comments and all.
    expect(readFileSync(join(dir, 'int.yaml'), 'utf8')).toContain('# PCM release tag deployed to this environment.');
  });

  it('fails on an environment that does not exist, listing those that do', () => {
    const run = promote(copyOfEnvironments(), '--from', 'dve', '--to', 'int');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('promote refused: --from dve: no such environment; the environment files are adt, bulk, dev, forward, int, ops');
  });

  it('fails on a release that was never deployed, or whose last deploy failed, or that is not the one deployed', () => {
    const dir = copyOfEnvironments();
    const int = readFileSync(join(dir, 'int.yaml'), 'utf8');
    expect(promote(dir, '--from', 'dev', '--to', 'int', '--yes').stderr).toMatch(/dev has never been deployed \(no .*\.deployed\/dev\.json\)/);
    deployed(dir, 'dev', 'failed');
    expect(promote(dir, '--from', 'dev', '--to', 'int', '--yes').stderr).toContain("dev's last deploy (2026-11-20T10:00:00.000Z) failed");
    deployed(dir, 'dev', 'succeeded', { ...configIn(dir, 'dev').release, pcmRelease: '4.0.9' });
    expect(promote(dir, '--from', 'dev', '--to', 'int', '--yes').stderr).toContain(
      `dev's release in its config (pcmRelease ${FIXTURE.candidateRelease}) is not the one its last successful deploy shows (pcmRelease 4.0.9`,
    );
    expect(readFileSync(join(dir, 'int.yaml'), 'utf8')).toBe(int);
  });

  it('fails to promote into ops from anything but int', () => {
    const dir = copyOfEnvironments();
    deployed(dir, 'dev');
    const run = promote(dir, '--from', 'dev', '--to', 'ops', '--yes');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ops is an ops environment: releases reach it only from int (I&T), not from dev');
  });

  it('fails when the promoted config would be invalid, naming the problem, and writes nothing', () => {
    const dir = copyOfEnvironments();
    // int in us-east-1; dev on an AMI release that was only ever built for us-west-2.
    const int = parse(readFileSync(join(dir, 'int.yaml'), 'utf8'));
    int.aws.region = 'us-east-1';
    int.release.containers.pge = int.release.containers.pge.replace('us-west-2', 'us-east-1');
    writeFileSync(join(dir, 'int.yaml'), stringify(int));
    const dev = parse(readFileSync(join(dir, 'dev.yaml'), 'utf8'));
    dev.release.amiRelease = '2026.08.1';
    writeFileSync(join(dir, 'dev.yaml'), stringify(dev));
    deployed(dir, 'dev');
    const before = readFileSync(join(dir, 'int.yaml'), 'utf8');
    const run = promote(dir, '--from', 'dev', '--to', 'int', '--yes');
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/the promoted int config would not be valid:\n\s+- .*int\.yaml:\d+: release\.amiRelease/);
    expect(readFileSync(join(dir, 'int.yaml'), 'utf8')).toBe(before);
  });

  it('shows the diff but writes nothing without --yes when there is no terminal', () => {
    const dir = copyOfEnvironments();
    mkdirSync(join(dir, '.deployed'), { recursive: true });
    deployed(dir, 'dev');
    const run = promote(dir, '--from', 'dev', '--to', 'int');
    expect(run.status).toBe(2);
    expect(run.stdout).toContain(`+  pcmRelease: "${FIXTURE.candidateRelease}"`);
    expect(run.stderr).toContain('not written: without a terminal, --yes confirms the change above');
  });
});
