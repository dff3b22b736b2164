/**
 * The retry state machine run for real in moto_server (its emulated variant ends with the pass it
 * would start, since moto runs one execution per process: the test starts that pass in the next
 * emulator). One emulator per execution, the ledger carried from one to the next.
 */
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { startCampaign, startEmulatedRetryPass, startRetry, status } from '../../lib/campaign/campaign';
import { carriedState, startEmulatedEngine, type EmulatedEngine } from '../../lib/campaign/emulated-engine';
import { waitForExecution } from '../../lib/campaign/executions';
import { ledgerRows } from '../../lib/campaign/ledger';
import type { CampaignSpec } from '../../lib/campaign/spec';
import { HAS_MOTO } from '../support/moto';

const run = HAS_MOTO ? it : it.skip;

async function next(engine: EmulatedEngine): Promise<EmulatedEngine> {
  const carried = await carriedState(engine);
  await engine.stop();
  return startEmulatedEngine({ carryOver: carried });
}

async function rowsOf(engine: EmulatedEngine, name: string) {
  const rows = [];
  for await (const row of ledgerRows(engine.db, engine.table, name)) rows.push(row);
  return rows;
}

describe('the retry state machine in the emulator', () => {
  run('requeues failed rows, abandons expected failures and rows at their attempt limit, and starts the next pass', async () => {
    let engine = await startEmulatedEngine();
    try {
      const spec: CampaignSpec = {
        name: 'again',
        inventory: { bucket: engine.bucket, key: 'inventories/again.csv', format: 'csv' },
        job: { definition: 'pge', queue: 'bulk', expectedFailureExitCodes: [3] },
        limits: { chunkSize: 5, concurrency: 10, toleratedFailurePercent: 100, maxAttempts: 2 },
      };
      // Chunks of 5: chunk 0 fails once, chunk 1 always, chunk 2 exits 3 (expected); 3 to 5 succeed.
      const fail = (i: number) => (i === 2 ? 'once' : i === 7 ? 'always' : i === 12 ? 'exit-3' : '');
      const csv = ['id,url,fail', ...Array.from({ length: 30 }, (_, i) => `r${String(i).padStart(2, '0')},s3://in/${i},${fail(i)}`)].join('\n') + '\n';
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: spec.inventory.key, Body: csv }));
      const first = await startCampaign(engine, spec);
      expect((await waitForExecution(engine.sfn, first.executionArn)).status).toBe('SUCCEEDED');
      expect(await status(engine, 'again')).toMatchObject({ succeeded: 15, failed: 15 });

      // Retry run 1: chunk 2 abandoned (exit 3), chunks 0 and 1 requeued into a retry inventory.
      engine = await next(engine);
      let t0 = Date.now();
      const retry1 = await waitForExecution(engine.sfn, await startRetry(engine, 'again', { limit: 1000, backoffSeconds: 1 }), { timeoutMs: 600000 });
      console.log(`MEASURED: a retry run over 15 failed rows took ${((Date.now() - t0) / 1000).toFixed(1)} s in moto_server`);
      expect({ status: retry1.status, error: retry1.error, cause: retry1.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      const out1 = JSON.parse(retry1.output!);
      expect(await status(engine, 'again')).toMatchObject({ phase: 'running', succeeded: 15, failed: 0, abandoned: 5, waiting: 10 });
      const rows1 = await rowsOf(engine, 'again');
      expect(rows1.filter((r) => r.state === 'abandoned').map((r) => r.id)).toEqual(['r10', 'r11', 'r12', 'r13', 'r14']);
      expect(rows1.filter((r) => r.state === 'waiting').map((r) => r.id)).toEqual(['r00', 'r01', 'r02', 'r03', 'r04', 'r05', 'r06', 'r07', 'r08', 'r09']);
      expect(out1.started).toMatchObject({ Name: 'again-retry-1', Input: { campaign: 'again', attempt: 2, inventory: { bucket: engine.bucket, format: 'json' }, job: { definition: 'pge', queue: 'bulk' } } });
      const written = await engine.s3.send(new GetObjectCommand({ Bucket: engine.bucket, Key: out1.started.Input.inventory.key }));
      const items = JSON.parse(await written.Body!.transformToString()) as { id: string; fail: string }[];
      expect(items.map((i) => i.id).sort()).toEqual(['r00', 'r01', 'r02', 'r03', 'r04', 'r05', 'r06', 'r07', 'r08', 'r09']);
      expect(items.find((i) => i.id === 'r07')).toEqual({ id: 'r07', url: 's3://in/7', fail: 'always' });

      // The pass it started (here: in the next emulator): chunk 0 succeeds, chunk 1 fails again.
      engine = await next(engine);
      const pass2 = await startEmulatedRetryPass(engine, out1.started, spec.limits.chunkSize);
      expect((await waitForExecution(engine.sfn, pass2)).status).toBe('SUCCEEDED');
      expect(await status(engine, 'again')).toMatchObject({ phase: 'finished', succeeded: 20, failed: 5, abandoned: 5, waiting: 0 });

      // Retry run 2: chunk 1 is at its attempt limit: abandoned, nothing started.
      engine = await next(engine);
      t0 = Date.now();
      const retry2 = await waitForExecution(engine.sfn, await startRetry(engine, 'again', { limit: 1000, backoffSeconds: 1 }), { timeoutMs: 600000 });
      expect({ status: retry2.status, error: retry2.error, cause: retry2.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      expect(JSON.parse(retry2.output!).started).toBeUndefined();
      expect(await status(engine, 'again')).toMatchObject({ succeeded: 20, failed: 0, abandoned: 10, waiting: 0 });
      const rows2 = await rowsOf(engine, 'again');
      expect(rows2.find((r) => r.id === 'r07')).toMatchObject({ state: 'abandoned', attempts: 2 });
      expect(rows2.find((r) => r.id === 'r02')).toMatchObject({ state: 'succeeded', attempts: 2 });
    } finally {
      await engine.stop();
    }
  }, 1200000);
});
