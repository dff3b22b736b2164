/**
 * npm run campaign as a person runs it: bad inputs refused with their message before anything
 * starts, and start / status / report against a campaign engine in moto_server.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { waitForExecution } from '../../lib/campaign/executions';
import { startEmulatedEngine } from '../../lib/campaign/emulated-engine';
import { EMULATOR_CREDENTIALS } from '../../lib/emulator/server';
import { fixtureData, fixtureDir } from '../support/fixtures';
import { HAS_MOTO } from '../support/moto';
import { REPO } from '../support/run';

/** The fixture fleet, bulk with campaigns enabled and its own chunk size. */
const bulk = fixtureData('bulk', { campaigns: { enabled: true, defaults: { chunkSize: 10 } } });
const dir = fixtureDir({ bulk });
const JOB = bulk.batch.jobDefinitions[0].name as string;

function campaign(args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', join(REPO, 'cli', 'campaign.ts'), '--dir', dir, ...args], {
    cwd: REPO,
    encoding: 'utf8',
    timeout: 60000,
    env: { ...process.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The same, without blocking the test's own event loop (the emulator answers from this process's SDK). */
function campaignAsync(args: readonly string[], env: NodeJS.ProcessEnv) {
  return new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'cli', 'campaign.ts'), '--dir', dir, ...args], { cwd: REPO, env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

describe('npm run campaign: bad input', () => {
  it('fails on an unknown environment, naming the known ones', () => {
    const result = campaign(['--env', 'nope', 'status', '--name', 'x']);
    // A refusal like deploy's and destroy's for the same mistake (cli/environments.ts).
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe('--env nope: no such environment; the environment files are adt, bulk, dev, forward, int, ops');
  });

  it('fails on an unknown verb, listing the verbs', () => {
    const result = campaign(['--env', 'bulk', 'launch']);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^unknown verb "launch"(: did you mean \w+\?)?; the verbs are start, status, retry, verify, cancel, report/);
  });

  it('fails on a job not in the config and limits out of range, all in one message, before any AWS call', () => {
    const result = campaign(['--env', 'bulk', 'start', '--name', 'c1', '--inventory', 's3://some-bucket/i.csv', '--job', 'nope', '--concurrency', '20000', '--tolerate', '150'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        'the campaign was not started:',
        `  - --job nope: not a job definition in environments/bulk.yaml (batch.jobDefinitions: ${JOB}); a HySDS job is given as job-<type>:<release>`,
        '  - --concurrency 20000: expected a whole number from 1 to 10000 (the Distributed Map limit)',
        '  - --tolerate 150: expected a whole number from 0 to 100 (a percentage)',
        '',
      ].join('\n'),
    );
  });

  it('fails on a HySDS job on a queue that is not a worker queue, and a chunk over what one submit invocation takes', () => {
    const result = campaign(['--env', 'bulk', 'start', '--name', 'c1', '--inventory', 's3://some-bucket/i.csv', '--job', 'job-l2_proc:4.1.0', '--queue', 'nope'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      [
        'the campaign was not started:',
        `  - --queue nope: not a HySDS worker queue in environments/bulk.yaml (workers.queues: ${bulk.workers.queues.map((q: { name: string }) => q.name).join(', ')}); a job-<type>:<release> runs on a worker queue`,
        '',
      ].join('\n'),
    );
    const chunked = campaign(['--env', 'bulk', 'start', '--name', 'c1', '--inventory', 's3://some-bucket/i.csv', '--job', 'job-l2_proc:4.1.0', '--chunk', '1000'], { AWS_ENDPOINT_URL: 'http://127.0.0.1:9' });
    expect(chunked.stderr).toContain('--chunk 1000: expected at most 500 for a HySDS job (one campaign-submit invocation submits at most that many rows to Mozart)');
  });

  it('fails on a flag without its value, pointing at --help', () => {
    const result = campaign(['--env', 'bulk', 'start', '--name']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe("Option '--name <value>' argument missing (npm run campaign -- --help lists them)");
  });

  it('fails where the environment has no campaign engine', () => {
    const result = campaign(['--env', 'dev', 'status', '--name', 'x']);
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('environments/dev.yaml: campaigns.enabled is not true, so this environment has no campaign engine');
  });
});

(HAS_MOTO ? describe : describe.skip)('npm run campaign against the emulator', () => {
  it('refuses a missing and a malformed inventory (naming the row), then starts, shows status and reports every row', async () => {
    const engine = await startEmulatedEngine({ bucket: `pcm-bulk-dataset-${bulk.aws.accountId}` });
    const env = { PCM_AWS_ENDPOINT: engine.emulator.endpoint, AWS_ACCESS_KEY_ID: EMULATOR_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: EMULATOR_CREDENTIALS.secretAccessKey };
    const start = (key: string, name = 'demo') => campaignAsync(['--env', 'bulk', 'start', '--name', name, '--inventory', `s3://${engine.bucket}/${key}`, '--job', JOB], env);
    try {
      const missing = await start('inventories/none.csv');
      expect(missing.status).toBe(2);
      expect(missing.stderr.trim()).toBe(`inventory s3://${engine.bucket}/inventories/none.csv: no such object`);

      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: 'inventories/bad.csv', Body: 'id,url\na,x\nb,y,z\n' }));
      const malformed = await start('inventories/bad.csv');
      expect(malformed.stderr.trim()).toBe(`inventory s3://${engine.bucket}/inventories/bad.csv row 3: 3 fields where the header has 2`);

      const rows = ['id,url,fail', ...Array.from({ length: 12 }, (_, i) => `g${i},s3://in/g${i},${i === 11 ? 'always' : ''}`)];
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: 'inventories/ok.csv', Body: rows.join('\n') + '\n' }));
      const started = await start('inventories/ok.csv');
      expect(started.stderr).toBe('');
      expect(started.stdout).toMatch(/^started demo: 12 items in chunks of 10, 10 at once\nexecution arn:aws:states:/);
      // 2 of 12 rows fail (one chunk of 2): past the default tolerance of 10% (1 row), so it stops.
      expect(await waitForExecution(engine.sfn, started.stdout.split('execution ')[1].trim())).toMatchObject({ status: 'FAILED', error: 'Campaign.Stopped' });

      const again = await start('inventories/ok.csv');
      expect(again.stderr).toMatch(/^a campaign named "demo" already exists \(started .*, stopped\); choose another --name/);

      const status = await campaignAsync(['--env', 'bulk', 'status', '--name', 'demo'], env);
      expect(status.stdout).toMatch(/^demo \[#{25}\.{5}\] 83\.3% done 10\/12, failed 2, running 0, waiting 0 \| [\d.]+\/min \| STOPPED: more failed than it tolerates \(--tolerate 10%\); report lists the failed rows\n$/);

      const report = await campaignAsync(['--env', 'bulk', 'report', '--name', 'demo'], env);
      const lines = report.stdout.trim().split('\n');
      expect(lines[0]).toBe('id,state,attempts,startedAt,finishedAt,jobId,output,error');
      expect(lines).toHaveLength(13);
      // g11 failed its chunk (g10, g11; chunks of 10): both rows take the chunk's outcome.
      expect(lines.filter((l) => /^g1[01],failed,1,.*,Batch\.JobFailed$/.test(l))).toHaveLength(2);
    } finally {
      await engine.stop();
    }
  }, 300000);
});
