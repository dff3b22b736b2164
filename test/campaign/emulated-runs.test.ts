/**
 * Campaign state machines run for real in moto_server's interpreter (the emulated definition:
 * no ItemBatcher or ToleratedFailurePercentage, which its parser rejects, and a stand-in for the
 * Batch job, which it cannot run). One emulator per execution: moto 5.2.1 runs only the first
 * StartExecution of a server process, so a later pass carries the ledger into a fresh one.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { cancelCampaign, retryCampaign, startCampaign, status, verifyCampaign } from '../../lib/campaign/campaign';
import { waitForExecution } from '../../lib/campaign/executions';
import { carriedState, startEmulatedEngine, type EmulatedEngine } from '../../lib/campaign/emulated-engine';
import { CampaignExistsError, ledgerRows } from '../../lib/campaign/ledger';
import type { CampaignSpec } from '../../lib/campaign/spec';
import { HAS_MOTO } from '../support/moto';

const run = HAS_MOTO ? it : it.skip;

function inventory(n: number, fail: (i: number) => string): string {
  const rows = Array.from({ length: n }, (_, i) => `g${String(i).padStart(5, '0')},s3://in/G${i}.nc,${fail(i)}`);
  return ['id,url,fail', ...rows].join('\n') + '\n';
}

function spec(engine: EmulatedEngine, name: string, limits: Partial<CampaignSpec['limits']> = {}): CampaignSpec {
  return {
    name,
    inventory: { bucket: engine.bucket, key: `inventories/${name}.csv`, format: 'csv' },
    job: { definition: 'pge', queue: 'bulk', expectedFailureExitCodes: [] },
    limits: { chunkSize: 100, concurrency: 10, toleratedFailurePercent: 100, maxAttempts: 2, ...limits },
  };
}

async function rowsOf(engine: EmulatedEngine, name: string) {
  const rows = [];
  for await (const row of ledgerRows(engine.db, engine.table, name)) rows.push(row);
  return rows;
}

describe('campaigns in the emulator', () => {
  // Chunks of 100: ten child workflows (the emulated engine chunks the inventory as ItemBatcher
  // would), each writing its 100 rows through an inline Map of DynamoDB tasks: 2,000 DynamoDB
  // tasks in moto's interpreter, 60-130 s here since the launcher's JSONPath and listen-queue fixes.
  run('a campaign of 1,000 items in chunks runs every item and its summary counts all of them', async () => {
    const engine = await startEmulatedEngine();
    try {
      const s = spec(engine, 'thousand');
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: s.inventory.key, Body: inventory(1000, () => '') }));
      const t0 = Date.now();
      const started = await startCampaign(engine, s);
      const done = await waitForExecution(engine.sfn, started.executionArn, { timeoutMs: 540000, intervalMs: 2000 });
      const seconds = (Date.now() - t0) / 1000;
      console.log(`MEASURED: a 1,000-item campaign in 10 chunks took ${seconds.toFixed(1)} s in moto_server (${(1000 / seconds).toFixed(1)} rows/s)`);
      expect(done.status).toBe('SUCCEEDED');
      const summary = await status(engine, 'thousand');
      expect(summary).toMatchObject({ phase: 'finished', total: 1000, succeeded: 1000, running: 0, failed: 0, waiting: 0 });
      const rows = await rowsOf(engine, 'thousand');
      expect(rows).toHaveLength(1000);
      expect(rows.filter((r) => r.state === 'succeeded' && r.attempts === 1 && r.finishedAt)).toHaveLength(1000);
    } finally {
      await engine.stop();
    }
  }, 600000);

  run('injected failures are retried until done, a chunk failing every attempt is abandoned, an expected failure is never retried', async () => {
    let engine = await startEmulatedEngine();
    try {
      const s = { ...spec(engine, 'flaky', { maxAttempts: 2, chunkSize: 5 }), job: { definition: 'pge', queue: 'bulk', expectedFailureExitCodes: [3] } };
      // A chunk (one Batch array job) fails as a whole. Chunks of 5: rows 3, 23, 43 fail their
      // chunk's first pass (chunks 0, 4, 8); row 7 fails chunk 1 always; row 11 makes chunk 2
      // exit 3, an expected failure.
      const fail = (i: number) => (i === 7 ? 'always' : i === 11 ? 'exit-3' : [3, 23, 43].includes(i) ? 'once' : '');
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: s.inventory.key, Body: inventory(60, fail) }));
      const first = await startCampaign(engine, s);
      expect((await waitForExecution(engine.sfn, first.executionArn)).status).toBe('SUCCEEDED');
      expect(await status(engine, 'flaky')).toMatchObject({ total: 60, succeeded: 35, failed: 25, running: 0 });
      await expect(startCampaign(engine, s)).rejects.toBeInstanceOf(CampaignExistsError);

      // Pass 2 in a fresh emulator (moto runs one execution per process), carrying the ledger.
      const carried = await carriedState(engine);
      await engine.stop();
      engine = await startEmulatedEngine({ carryOver: carried });
      const second = await retryCampaign(engine, 'flaky');
      expect(second).toMatchObject({ retried: 20, abandoned: 5, attempt: 2 });
      expect((await waitForExecution(engine.sfn, second.executionArn!)).status).toBe('SUCCEEDED');
      expect(await status(engine, 'flaky')).toMatchObject({ succeeded: 50, failed: 5, abandoned: 5, running: 0, waiting: 0 });

      // Pass 3 finds only chunk 1, at its maximum attempts: abandoned, nothing resubmitted.
      const third = await retryCampaign(engine, 'flaky');
      expect(third).toEqual({ retried: 0, abandoned: 5, attempt: 3 });
      expect(await status(engine, 'flaky')).toMatchObject({ succeeded: 50, failed: 0, abandoned: 10, waiting: 0 });
      const rows = await rowsOf(engine, 'flaky');
      expect(rows.find((r) => r.id === 'g00007')).toMatchObject({ state: 'abandoned', attempts: 2, error: 'Batch.JobFailed' });
      expect(rows.find((r) => r.id === 'g00003')).toMatchObject({ state: 'succeeded', attempts: 2 });
      expect(rows.find((r) => r.id === 'g00013')).toMatchObject({ state: 'abandoned', attempts: 1 });
      expect(rows.find((r) => r.id === 'g00030')).toMatchObject({ state: 'succeeded', attempts: 1 });
    } finally {
      await engine.stop();
    }
  }, 600000);

  // moto 5.2.1 rejects ToleratedFailurePercentage and reports its Distributed Map as succeeded
  // however many children fail: the emulated definition checks the tolerance after the map
  // instead (definitions.ts, emulatedTolerance), at the end of the pass where AWS stops mid-run.
  // 20 rows in chunks of 5, row 7 failing its chunk: 5 failed rows, 25% of the campaign.
  for (const [tolerate, outcome] of [
    [20, 'stops past it: FAILED with Campaign.Stopped, and the ledger phase is stopped'],
    [25, 'finishes within it (exactly at it)'],
  ] as const) {
    run(`a campaign with 25% of its rows failing and --tolerate ${tolerate} ${outcome}`, async () => {
      const engine = await startEmulatedEngine();
      try {
        const name = `tolerate-${tolerate}`;
        const s = spec(engine, name, { chunkSize: 5, toleratedFailurePercent: tolerate });
        await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: s.inventory.key, Body: inventory(20, (i) => (i === 7 ? 'always' : '')) }));
        const started = await startCampaign(engine, s);
        const done = await waitForExecution(engine.sfn, started.executionArn);
        const summary = await status(engine, name);
        expect(summary).toMatchObject({ total: 20, succeeded: 15, failed: 5, running: 0 });
        if (tolerate === 20) {
          expect(done).toMatchObject({ status: 'FAILED', error: 'Campaign.Stopped' });
          expect(summary.phase).toBe('stopped');
          expect(summary.finishedAt).toEqual(expect.any(String));
        } else {
          expect(done.status).toBe('SUCCEEDED');
          expect(summary.phase).toBe('finished');
        }
      } finally {
        await engine.stop();
      }
    }, 300000);
  }

  run('fails to start a second campaign of the same name, and cancel marks it cancelled', async () => {
    const engine = await startEmulatedEngine();
    try {
      const s = spec(engine, 'twice');
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: s.inventory.key, Body: inventory(3, () => '') }));
      const first = await startCampaign(engine, s);
      await expect(startCampaign(engine, s)).rejects.toThrow(/a campaign named "twice" already exists \(started .*\); choose another --name/);
      await waitForExecution(engine.sfn, first.executionArn);
      await cancelCampaign(engine, 'twice', undefined);
      expect((await status(engine, 'twice')).phase).toBe('cancelled');
    } finally {
      await engine.stop();
    }
  }, 300000);

  run('a verify run finds the missing outputs, marks them missing, and retry takes them', async () => {
    const engine = await startEmulatedEngine();
    try {
      const s = { ...spec(engine, 'checked'), outputPattern: `s3://${engine.bucket}/products/{id}.h5` };
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: s.inventory.key, Body: inventory(8, () => '') }));
      const started = await startCampaign(engine, s);
      expect((await waitForExecution(engine.sfn, started.executionArn)).status).toBe('SUCCEEDED');
      // The stand-in job writes nothing: put the products of all but g00002 and g00005.
      for (const i of [0, 1, 3, 4, 6, 7]) await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: `products/g0000${i}.h5`, Body: 'h5' }));

      expect(await verifyCampaign(engine, 'checked')).toEqual({ checked: 8, missing: ['g00002', 'g00005'] });
      expect(await status(engine, 'checked')).toMatchObject({ succeeded: 6, missing: 2, failed: 0 });
      const rows = await rowsOf(engine, 'checked');
      expect(rows.find((r) => r.id === 'g00001')).toMatchObject({ state: 'succeeded', output: `s3://${engine.bucket}/products/g00001.h5` });
      expect(rows.find((r) => r.id === 'g00002')).toMatchObject({ state: 'missing' });

      // A second verify checks only what is still succeeded and finds nothing new.
      expect(await verifyCampaign(engine, 'checked')).toEqual({ checked: 6, missing: [] });
      // retry takes the missing rows (the execution itself needs a fresh emulator: not started here).
      const carried = await carriedState(engine);
      const missingRows = carried.items.filter((i) => i.state?.S === 'missing').map((i) => i.item.S);
      expect(missingRows.sort()).toEqual(['item#g00002', 'item#g00005']);
    } finally {
      await engine.stop();
    }
  }, 300000);
});
