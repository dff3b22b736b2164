/**
 * status reads one summary item whatever the ledger's size: measured on 100,000 rows in
 * moto_server's DynamoDB, against what a Query of the whole partition would cost.
 */
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { createLedgerTable, putItems } from '../../lib/campaign/emulated-engine';
import { createCampaign, readStatus } from '../../lib/campaign/ledger';
import { LEDGER_KEYS, ROW_PREFIX } from '../../lambdas/shared/campaign-contract';
import { emulatorClientConfig } from '../../lib/emulator/server';
import { HAS_MOTO, startMoto } from '../support/moto';
import { slowTest } from '../support/slow';

const ROWS = 100000;

(HAS_MOTO && slowTest('status over a 100,000-row ledger (seeding it takes minutes in moto_server)') ? it : it.skip)(`status of a campaign with ${ROWS.toLocaleString('en')} ledger rows is one GetItem, as fast as with none`, async () => {
  const moto = await startMoto();
  try {
    const db = new DynamoDBClient(emulatorClientConfig(moto.endpoint, 'us-west-2'));
    const table = 'pcm-bulk-campaigns';
    await createLedgerTable(db, table);
    const spec = { name: 'big', inventory: { bucket: 'b', key: 'i.csv', format: 'csv' as const }, job: { definition: 'pge', queue: 'q', expectedFailureExitCodes: [] }, limits: { chunkSize: 100, concurrency: 10, toleratedFailurePercent: 10, maxAttempts: 3 } };
    await createCampaign(db, table, spec, ROWS, new Date());
    const timeStatus = async () => {
      const samples: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = process.hrtime.bigint();
        await readStatus(db, table, 'big');
        samples.push(Number(process.hrtime.bigint() - t) / 1e6);
      }
      return samples.sort((a, b) => a - b)[10];
    };
    const empty = await timeStatus();

    const rows = Array.from({ length: ROWS }, (_, i) => ({
      [LEDGER_KEYS.partition]: { S: 'big' },
      [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}g${String(i).padStart(6, '0')}` },
      state: { S: 'succeeded' },
      attempts: { N: '1' },
    }));
    // 4 writers at once: loading the emulator is the slow part of this test, not what it measures.
    const quarter = ROWS / 4;
    await Promise.all([0, 1, 2, 3].map((k) => putItems(db, table, rows.slice(k * quarter, (k + 1) * quarter))));

    const full = await timeStatus();
    const t = Date.now();
    let counted = 0;
    let start: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await db.send(new QueryCommand({ TableName: table, KeyConditionExpression: '#p = :c', ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition }, ExpressionAttributeValues: { ':c': { S: 'big' } }, Select: 'COUNT', ExclusiveStartKey: start }));
      counted += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    const query = Date.now() - t;
    console.log(`MEASURED: status (median of 20) ${empty.toFixed(1)} ms with 0 rows, ${full.toFixed(1)} ms with ${ROWS} rows; counting the partition by Query instead takes ${query} ms`);
    expect(counted).toBe(ROWS + 1);
    expect((await readStatus(db, table, 'big')).total).toBe(ROWS);
    // One item read either way: no more than a few milliseconds apart, nowhere near a Query's cost.
    expect(full).toBeLessThan(Math.max(empty * 3, empty + 20));
    expect(full * 10).toBeLessThan(query);
  } finally {
    await moto.stop();
  }
}, 900000);
