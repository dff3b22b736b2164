/** The run-once records against DynamoDB on moto_server. */
import { DynamoDBClient, GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { IdempotencyInProgressError, IdempotencyStore, leaseFor, RECORD_DAYS } from '../../lambdas/shared/idempotency';
import { HAS_MOTO, startMoto, type Moto } from '../support/moto';
import { createIdempotencyTable, unique, useEmulator } from './support/aws';

const withMoto = HAS_MOTO ? describe : describe.skip;

withMoto('idempotency store', () => {
  let moto: Moto;
  let dynamodb: DynamoDBClient;
  const table = unique('idempotency');
  let clock = 1_700_000_000_000;
  const store = () => new IdempotencyStore({ client: dynamodb, table, scope: 'test', now: () => clock });

  beforeAll(async () => {
    moto = await startMoto();
    useEmulator(moto.env);
    dynamodb = new DynamoDBClient({});
    await createIdempotencyTable(dynamodb, table);
  }, 90000);
  afterAll(() => moto?.stop());

  async function item(key: string) {
    return (await dynamodb.send(new GetItemCommand({ TableName: table, Key: { id: { S: store().recordId(key) } }, ConsistentRead: true }))).Item;
  }

  it('runs the work once and returns its result to a duplicate without running it again', async () => {
    const key = unique('k');
    let runs = 0;
    const first = await store().once(key, 60_000, async () => ({ jobId: `job-${++runs}` }));
    const second = await store().once(key, 60_000, async () => ({ jobId: `job-${++runs}` }));
    expect(first).toEqual({ duplicate: false, result: { jobId: 'job-1' } });
    expect(second).toEqual({ duplicate: true, result: { jobId: 'job-1' } });
    expect(runs).toBe(1);
  });

  it('keeps a COMPLETED record for 30 days (TTL attribute expiresAt, epoch seconds)', async () => {
    const key = unique('k');
    await store().once(key, 60_000, async () => 'done');
    const record = await item(key);
    expect(record?.status?.S).toBe('COMPLETED');
    expect(Number(record?.expiresAt?.N)).toBe(Math.floor(clock / 1000) + RECORD_DAYS * 86400);
    expect(record?.leaseExpiresAt).toBeUndefined();
  });

  it('fails while another invocation holds a live lease, and takes over an expired one', async () => {
    const key = unique('k');
    let release!: () => void;
    const running = store().once(key, 60_000, () => new Promise<string>((resolve) => (release = () => resolve('first'))));
    await new Promise((r) => setTimeout(r, 50)); // the claim is written
    const record = await item(key);
    expect(record?.status?.S).toBe('IN_PROGRESS');
    expect(Number(record?.leaseExpiresAt?.N)).toBe(clock + 60_000);

    let ran = false;
    await expect(store().once(key, 60_000, async () => ((ran = true), 'second'))).rejects.toBeInstanceOf(IdempotencyInProgressError);
    expect(ran).toBe(false);

    clock += 60_001; // the first invocation died without finishing: its lease ran out
    expect(await store().once(key, 60_000, async () => 'second')).toEqual({ duplicate: false, result: 'second' });
    release();
    await running;
    clock += 1;
  });

  it('releases the claim when the work fails, so a retry runs it at once', async () => {
    const key = unique('k');
    await expect(store().once(key, 60_000, async () => Promise.reject(new Error('Mozart down')))).rejects.toThrow('Mozart down');
    expect(await item(key)).toBeUndefined();
    expect(await store().once(key, 60_000, async () => 'ok')).toEqual({ duplicate: false, result: 'ok' });
  });

  it('treats a record past its expiry as absent (DynamoDB deletes expired items lazily)', async () => {
    const key = unique('k');
    await store().once(key, 60_000, async () => 'old');
    await dynamodb.send(
      new UpdateItemCommand({ TableName: table, Key: { id: { S: store().recordId(key) } }, UpdateExpression: 'SET expiresAt = :past', ExpressionAttributeValues: { ':past': { N: String(Math.floor(clock / 1000) - 1) } } }),
    );
    expect(await store().once(key, 60_000, async () => 'new')).toEqual({ duplicate: false, result: 'new' });
  });

  it('leases for the invocation\'s remaining time plus a margin', () => {
    expect(leaseFor({ getRemainingTimeInMillis: () => 30_000 })).toBe(40_000);
    expect(leaseFor(undefined)).toBe(15 * 60_000 + 10_000);
  });
});
