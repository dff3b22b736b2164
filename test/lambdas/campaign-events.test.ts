/**
 * The campaign-events handler against moto's DynamoDB: Batch's job-state events for a campaign's
 * array children move exactly their rows of the ledger, conditionally, and the summary counts each
 * row once, whoever (this handler or the state machine) moves it first.
 */
import { DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { CAMPAIGN_EVENTS_ENV } from '../../lambdas/campaign-events/contract';
import type { BatchJobDetail, BatchJobEvent } from '../../lambdas/campaign-events/handler';
import type { Logger } from '../../lambdas/shared/log';
import { createLedgerTable } from '../../lib/campaign/emulated-engine';
import { CAMPAIGN_JOB_ENV } from '../../lambdas/shared/campaign-contract';
import { createCampaign, readStatus } from '../../lib/campaign/ledger';
import type { CampaignSpec } from '../../lib/campaign/spec';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { consoleLines, lambdaContext, useEmulator } from './support/aws';

const withMoto = HAS_MOTO ? describe : describe.skip;
const TABLE = 'pcm-test-campaigns';
const quiet: Logger = { log: () => undefined };

function spec(name: string): CampaignSpec {
  return {
    name,
    inventory: { bucket: 'b', key: `${name}.csv`, format: 'csv' },
    job: { definition: 'pge', queue: 'bulk', expectedFailureExitCodes: [] },
    limits: { chunkSize: 3, concurrency: 1, toleratedFailurePercent: 0, maxAttempts: 2 },
  };
}

/** Batch's event for child `index` of array job `parent`, which runs the chunk `ids` of `campaign`. */
function childEvent(campaign: string, ids: string[], index: number | undefined, status: string, attempt = 1, extra: Partial<BatchJobDetail> = {}): BatchJobEvent {
  return {
    id: 'e1',
    version: '0',
    account: '123456789012',
    time: '2026-11-30T16:00:00Z',
    region: 'us-west-2',
    resources: [],
    source: 'aws.batch',
    'detail-type': 'Batch Job State Change',
    detail: {
      jobId: index === undefined ? 'parent-1' : `parent-1:${index}`,
      jobName: campaign,
      status,
      stoppedAt: Date.parse('2026-11-30T15:59:00Z'),
      arrayProperties: index === undefined ? { size: ids.length } : { index },
      container: {
        exitCode: status === 'FAILED' ? 3 : 0,
        environment: [
          { name: CAMPAIGN_JOB_ENV.items, value: JSON.stringify(ids) },
          { name: CAMPAIGN_JOB_ENV.campaign, value: campaign },
          { name: CAMPAIGN_JOB_ENV.attempt, value: String(attempt) },
        ],
      },
      ...extra,
    },
  };
}

withMoto('campaign-events against moto DynamoDB', () => {
  let moto: Moto;
  let db: DynamoDBClient;
  let mod: typeof import('../../lambdas/campaign-events/handler');
  const deps = () => ({ db, table: TABLE, logger: quiet });

  /** A campaign whose chunk `ids` the state machine marked running (rows and counter), attempt `attempt`. */
  async function runningChunk(name: string, ids: string[], attempt = 1) {
    await createCampaign(db, TABLE, spec(name), ids.length, new Date());
    for (const id of ids) await db.send(new PutItemCommand({ TableName: TABLE, Item: { campaign: { S: name }, item: { S: `item#${id}` }, state: { S: 'running' }, attempts: { N: String(attempt) } } }));
    await db.send(new PutItemCommand({ TableName: TABLE, Item: { campaign: { S: name }, item: { S: '#summary' }, phase: { S: 'running' }, total: { N: String(ids.length) }, running: { N: String(ids.length) }, succeeded: { N: '0' }, failed: { N: '0' }, missing: { N: '0' }, abandoned: { N: '0' }, startedAt: { S: new Date().toISOString() }, spec: { S: JSON.stringify(spec(name)) } } }));
  }
  const rowOf = async (name: string, id: string) => (await db.send(new GetItemCommand({ TableName: TABLE, Key: { campaign: { S: name }, item: { S: `item#${id}` } } }))).Item!;
  const counts = async (name: string) => {
    const s = await readStatus(db, TABLE, name);
    return { running: s.running, succeeded: s.succeeded, failed: s.failed };
  };

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    db = new DynamoDBClient({});
    await createLedgerTable(db, TABLE);
    Object.assign(process.env, CAMPAIGN_EVENTS_ENV.write({ table: TABLE }));
    mod = await import('../../lambdas/campaign-events/handler');
  }, 60000);
  afterAll(async () => moto?.stop());

  it('moves exactly the child\'s row to succeeded and counts it once in the summary', async () => {
    await runningChunk('one', ['a', 'b', 'c']);
    const { result, lines } = await consoleLines(() => mod.handler(childEvent('one', ['a', 'b', 'c'], 1, 'SUCCEEDED'), lambdaContext('req-E', 'pcm-test-campaign-events')));
    expect(result).toBe('moved');
    expect(lines).toEqual([expect.objectContaining({ message: 'row succeeded', requestId: 'req-E', functionName: 'pcm-test-campaign-events', id: 'b' })]);
    expect(await rowOf('one', 'b')).toMatchObject({ state: { S: 'succeeded' }, jobId: { S: 'parent-1:1' }, finishedAt: { S: '2026-11-30T15:59:00.000Z' } });
    expect((await rowOf('one', 'a')).state).toEqual({ S: 'running' });
    expect((await rowOf('one', 'c')).state).toEqual({ S: 'running' });
    expect(await counts('one')).toEqual({ running: 2, succeeded: 1, failed: 0 });
  });

  it('counts the same event delivered twice once', async () => {
    await runningChunk('twice', ['a', 'b']);
    const event = childEvent('twice', ['a', 'b'], 0, 'SUCCEEDED');
    expect(await mod.recordJobState(deps(), event)).toBe('moved');
    expect(await mod.recordJobState(deps(), event)).toBe('already-moved');
    expect(await counts('twice')).toEqual({ running: 1, succeeded: 1, failed: 0 });
  });

  it('changes nothing for an event after the state machine already marked the row', async () => {
    await runningChunk('late', ['a', 'b']);
    // What the state machine's MarkFailed did first (row and counter), for the whole chunk.
    for (const id of ['a', 'b']) await db.send(new PutItemCommand({ TableName: TABLE, Item: { campaign: { S: 'late' }, item: { S: `item#${id}` }, state: { S: 'failed' }, attempts: { N: '1' } } }));
    await db.send(new PutItemCommand({ TableName: TABLE, Item: { ...(await db.send(new GetItemCommand({ TableName: TABLE, Key: { campaign: { S: 'late' }, item: { S: '#summary' } } }))).Item!, running: { N: '0' }, failed: { N: '2' } } }));
    expect(await mod.recordJobState(deps(), childEvent('late', ['a', 'b'], 1, 'SUCCEEDED'))).toBe('already-moved');
    expect((await rowOf('late', 'b')).state).toEqual({ S: 'failed' });
    expect(await counts('late')).toEqual({ running: 0, succeeded: 0, failed: 2 });
  });

  it('records a failed child with its exit code where retry reads it, and in the retryable index', async () => {
    await runningChunk('broken', ['a', 'b']);
    expect(await mod.recordJobState(deps(), childEvent('broken', ['a', 'b'], 0, 'FAILED', 1, { statusReason: 'Essential container in task exited' }))).toBe('moved');
    const row = await rowOf('broken', 'a');
    expect(row).toMatchObject({ state: { S: 'failed' }, retryable: { S: 'broken' }, error: { S: 'Batch.JobFailed' } });
    expect(JSON.parse(row.cause.S!)).toMatchObject({ Status: 'FAILED', Container: { ExitCode: 3 } });
    expect(await counts('broken')).toEqual({ running: 1, succeeded: 0, failed: 1 });
  });

  it('changes nothing for a late event of an earlier attempt while the row runs again', async () => {
    await runningChunk('again', ['a'], 2);
    expect(await mod.recordJobState(deps(), childEvent('again', ['a'], undefined, 'FAILED', 1, { arrayProperties: undefined, jobId: 'old-job' }))).toBe('already-moved');
    expect((await rowOf('again', 'a')).state).toEqual({ S: 'running' });
    // A plain job (a chunk of one) of the running attempt moves row ids[0].
    expect(await mod.recordJobState(deps(), childEvent('again', ['a'], undefined, 'SUCCEEDED', 2, { arrayProperties: undefined, jobId: 'new-job' }))).toBe('moved');
    expect(await counts('again')).toEqual({ running: 0, succeeded: 1, failed: 0 });
  });

  it('ignores the array parent and jobs that are not a campaign\'s', async () => {
    await runningChunk('others', ['a', 'b']);
    expect(await mod.recordJobState(deps(), childEvent('others', ['a', 'b'], undefined, 'SUCCEEDED'))).toBe('not-a-row');
    expect(await mod.recordJobState(deps(), childEvent('others', ['a', 'b'], 0, 'SUCCEEDED', 1, { container: { environment: [{ name: 'OTHER', value: 'x' }] } }))).toBe('not-a-row');
    expect(mod.rowOfEvent(childEvent('others', ['a'], 4, 'SUCCEEDED').detail)).toEqual({ skip: `${CAMPAIGN_JOB_ENV.items} has no entry 4` });
    expect(await counts('others')).toEqual({ running: 2, succeeded: 0, failed: 0 });
  });
});
