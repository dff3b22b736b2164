/**
 * The campaign `npm run demo` ends with, on its own: the bulk example's engine names and job,
 * 27 items in chunks here (100 in the demo), failures injected and retried until every row is done or abandoned, the
 * report. Runs in moto_server, one emulator per pass (see lib/campaign/demo-campaign.ts).
 */
import { loadEnvironments } from '../../config-generator/loader';
import { compactReport, demoInventory, EMULATOR_LIMITS, runDemoCampaign } from '../../lib/campaign/demo-campaign';
import { HAS_MOTO } from '../support/moto';

const bulk = loadEnvironments().find((e) => e.config.environment.name === 'bulk')!.config;

describe('the demo campaign', () => {
  it('injects one failure of each kind, each in its own chunk', () => {
    const rows = demoInventory(200, 20).trim().split('\n');
    expect(rows).toHaveLength(201);
    expect(demoInventory(100, 10).trim().split('\n').filter((r) => !r.endsWith(','))).toEqual(['id,url,fail', 'g20,s3://demo-input/granule-20.nc,once', 'g51,s3://demo-input/granule-51.nc,always', 'g82,s3://demo-input/granule-82.nc,exit-3']);
    expect(rows.filter((r) => !r.endsWith(','))).toEqual(['id,url,fail', 'g040,s3://demo-input/granule-40.nc,once', 'g101,s3://demo-input/granule-101.nc,always', 'g162,s3://demo-input/granule-162.nc,exit-3']);
  });

  it('groups the report into runs of rows with the same outcome', () => {
    const row = (id: string, state: 'succeeded' | 'abandoned', attempts: number, error?: string) => ({ id, state, attempts, ...(error ? { error } : {}) });
    expect(compactReport([row('a', 'succeeded', 1), row('b', 'succeeded', 1), row('c', 'abandoned', 2, 'Batch.JobFailed'), row('d', 'succeeded', 1)]).split('\n')).toEqual([
      'rows  count  state      attempts  error',
      'a..b  2      succeeded  1',
      'c     1      abandoned  2         Batch.JobFailed',
      'd     1      succeeded  1',
    ]);
  });

  it('says what the emulator did not run', () => {
    expect(EMULATOR_LIMITS).toMatch(/did NOT run the Batch jobs.*ItemBatcher.*ToleratedFailurePercentage.*fresh emulator/);
  });

  // The demo's own code at a smaller size: the demo runs 200 rows beside its deploys, but a row
  // costs four DynamoDB tasks in moto's interpreter and this suite runs beside the others.
  (HAS_MOTO ? it : it.skip)('runs 27 items in 9 chunks, retries the failed chunks until done, abandons what cannot succeed, and reports every row', async () => {
    const lines: string[] = [];
    const result = await runDemoCampaign({ config: bulk, items: 27, chunkSize: 3, log: (l) => lines.push(l) });
    console.log(`MEASURED: the demo campaign (27 rows) took ${result.seconds.toFixed(1)} s (${result.passes.map((p) => `pass ${p.attempt}: ${p.rows} rows in ${p.seconds.toFixed(1)} s`).join(', ')})`);
    // Pass 1: chunks 2 (once), 5 (always) and 8 (exit 3) fail. Pass 2 resubmits 2 and 5 (8 is an
    // expected failure, abandoned); 2 succeeds. Pass 3 finds chunk 5 at its attempt limit.
    expect(result.passes.map((p) => [p.attempt, p.rows, p.status])).toEqual([
      [1, 27, 'SUCCEEDED'],
      [2, 6, 'SUCCEEDED'],
    ]);
    expect(result.abandoned).toBe(6);
    expect(result.final).toMatchObject({ name: 'demo-reprocessing', phase: 'finished', total: 27, succeeded: 21, failed: 0, running: 0, abandoned: 6, waiting: 0 });
    expect(result.report).toHaveLength(28);
    expect(result.report[0]).toBe('id,state,attempts,startedAt,finishedAt,jobId,output,error');
    expect(result.compact.split('\n')).toEqual([
      expect.stringMatching(/^rows +count +state +attempts +error$/),
      expect.stringMatching(/^g00\.\.g05 +6 +succeeded +1$/),
      expect.stringMatching(/^g06\.\.g08 +3 +succeeded +2$/),
      expect.stringMatching(/^g09\.\.g14 +6 +succeeded +1$/),
      expect.stringMatching(/^g15\.\.g17 +3 +abandoned +2 +Batch\.JobFailed$/),
      expect.stringMatching(/^g18\.\.g23 +6 +succeeded +1$/),
      expect.stringMatching(/^g24\.\.g26 +3 +abandoned +1 +States\.TaskFailed$/),
    ]);
    expect(lines[0]).toMatch(/^ {2}pass 1: 27 rows in 9 chunks, SUCCEEDED: demo-reprocessing \[/);
    expect(lines.at(-1)).toBe('  retry: nothing left to resubmit; 3 rows abandoned (at their attempt limit, or an expected failure)');
    // No time bound asserted: the machine is shared; the MEASURED line above is the number.
  }, 300000);
});
