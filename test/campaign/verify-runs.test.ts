/**
 * The verify state machine run for real in moto_server: it pages through a campaign's succeeded
 * rows, HEADs each row's expected output, and moves the rows whose output is missing to `missing`
 * (with the summary's counters). One emulator per execution (moto 5.2.1 runs one execution per
 * server process): the campaign's pass, then each verify execution, the ledger carried along. The
 * emulated variant ends with the input it would continue as a new execution with; the test starts
 * that in the next emulator, as AWS's variant would start it itself.
 */
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { startCampaign, startVerify, status } from '../../lib/campaign/campaign';
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

describe('the verify state machine in the emulator', () => {
  run('pages through the succeeded rows, marks those without their output missing, and continues as a new execution past its page budget', async () => {
    let engine = await startEmulatedEngine();
    try {
      const spec: CampaignSpec = {
        name: 'checked',
        inventory: { bucket: engine.bucket, key: 'inventories/checked.csv', format: 'csv' },
        job: { definition: 'pge', queue: 'bulk', expectedFailureExitCodes: [] },
        limits: { chunkSize: 4, concurrency: 2, toleratedFailurePercent: 100, maxAttempts: 2 },
        outputPattern: `s3://${engine.bucket}/products/{id}.h5`,
      };
      const csv = ['id,url', ...Array.from({ length: 8 }, (_, i) => `g${i},s3://in/${i}`)].join('\n') + '\n';
      await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: spec.inventory.key, Body: csv }));
      const started = await startCampaign(engine, spec);
      expect((await waitForExecution(engine.sfn, started.executionArn)).status).toBe('SUCCEEDED');
      // The stand-in job writes nothing: the products of all but g2 and g5.
      for (const i of [0, 1, 3, 4, 6, 7]) await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: `products/g${i}.h5`, Body: 'h5' }));

      // Pages of 3 rows, 2 pages a run: rows g0-g5, then the run continues from g5's key.
      engine = await next(engine);
      let t0 = Date.now();
      const first = await waitForExecution(engine.sfn, await startVerify(engine, 'checked', { pageSize: 3, pagesPerRun: 2 }), { timeoutMs: 300000 });
      console.log(`MEASURED: a verify run over 6 rows (2 pages) took ${((Date.now() - t0) / 1000).toFixed(1)} s in moto_server`);
      expect({ status: first.status, error: first.error, cause: first.cause }).toEqual({ status: 'SUCCEEDED', error: undefined, cause: undefined });
      const continued = JSON.parse(first.output!).continued;
      expect(continued.Input).toEqual({ campaign: 'checked', pageSize: 3, pagesPerRun: 2, pages: 0, checked: 6, startKey: { campaign: { S: 'checked' }, item: { S: 'item#g5' } } });
      expect(await status(engine, 'checked')).toMatchObject({ succeeded: 6, missing: 2, failed: 0, waiting: 0 });

      // The continuation, in the next emulator: g6 and g7 are there; the verify is finished.
      engine = await next(engine);
      t0 = Date.now();
      const { executionArn } = await engine.sfn.send(new StartExecutionCommand({ stateMachineArn: engine.verifyStateMachineArn, name: 'checked-verify-2', input: JSON.stringify(continued.Input) }));
      const second = await waitForExecution(engine.sfn, executionArn!, { timeoutMs: 300000 });
      expect({ status: second.status, error: second.error }).toEqual({ status: 'SUCCEEDED', error: undefined });
      expect(JSON.parse(second.output!)).toEqual({ checked: 8 });
      expect(await status(engine, 'checked')).toMatchObject({ succeeded: 6, missing: 2 });
      const rows = [];
      for await (const row of ledgerRows(engine.db, engine.table, 'checked')) rows.push(row);
      expect(rows.filter((r) => r.state === 'missing').map((r) => r.id)).toEqual(['g2', 'g5']);
      expect(rows.find((r) => r.id === 'g1')).toMatchObject({ state: 'succeeded', output: `s3://${engine.bucket}/products/g1.h5` });
      // Missing rows are in the retry state machine's index.
      const carried = await carriedState(engine);
      expect(carried.items.filter((i) => i.retryable?.S === 'checked').map((i) => i.item.S)).toEqual(['item#g2', 'item#g5']);
      const summary = carried.items.find((i) => i.item.S === '#summary')!;
      expect(summary).toMatchObject({ verifyPhase: { S: 'finished' }, verifyChecked: { N: '8' } });
    } finally {
      await engine.stop();
    }
  }, 600000);
});
