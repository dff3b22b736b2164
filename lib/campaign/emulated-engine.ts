/**
 * The campaign engine in moto_server, for the tests and the demo: the ledger table and the
 * emulated state machine created straight through the APIs, in one emulator per execution.
 *
 * Why one emulator per execution: moto 5.2.1 in server mode runs only the first StartExecution
 * of its process (later ones answer 500, `cannot pickle '_thread.RLock'`). A campaign's later
 * passes (retry, verify) therefore run in a fresh emulator that the previous one's ledger and
 * inventory are copied into (carryOver).
 *
 * Why the engine chunks the inventory itself: moto's parser rejects ItemBatcher, so without it
 * every row would be a child workflow of its own (about 2 s each here). chunkInventory does what
 * ItemBatcher does in AWS: rows go into chunks of the campaign's chunk size, one CSV row a chunk.
 */
import { BatchWriteItemCommand, CreateTableCommand, DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { emulatorClientConfig, startEmulator, type Emulator } from '../emulator/server';
import { EMULATED_CHUNK_FIELD, emulatedCampaignDefinition } from '../../modules/campaign/definitions';
import { emulatedRetryDefinition } from '../../modules/campaign/retry-definition';
import { emulatedVerifyDefinition } from '../../modules/campaign/verify-definition';
import type { CampaignSpec } from './spec';
import { csvRecords } from './inventory';
import { LEDGER_KEYS, RETRY_INDEX } from '../../lambdas/shared/campaign-contract';
import { CreateStateMachineCommand, SFNClient } from '@aws-sdk/client-sfn';

/** What moto's interpreter needs turned on; Batch without Docker. */
export const MOTO_CAMPAIGN_CONFIG = { stepfunctions: { execute_state_machine: true }, batch: { use_docker: false } } as const;

export const EMULATED_REGION = 'us-west-2';
const ROLE_ARN = 'arn:aws:iam::123456789012:role/campaign-state-machine';

export interface EmulatedEngine {
  readonly emulator: Emulator;
  readonly db: DynamoDBClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  readonly table: string;
  readonly bucket: string;
  readonly stateMachineArn: string;
  /** The emulated retry state machine (it ends with the pass it would start: see retry-definition.ts). */
  readonly retryStateMachineArn: string;
  /** The emulated verify state machine (it ends with the input it would continue with: see verify-definition.ts). */
  readonly verifyStateMachineArn: string;
  /** ItemBatcher's work, done before the execution (see the file's comment). */
  chunkInventory(inventory: CampaignSpec['inventory'], chunkSize: number): Promise<CampaignSpec['inventory']>;
  stop(): Promise<void>;
}

export interface EmulatedEngineOptions {
  readonly table?: string;
  readonly bucket?: string;
  /** The ledger rows and the bucket's objects of a previous emulator, copied in. */
  readonly carryOver?: CarriedState;
}

export interface CarriedState {
  readonly items: readonly Record<string, AttributeValue>[];
  readonly objects: readonly { readonly key: string; readonly body: Uint8Array }[];
}

export async function startEmulatedEngine(options: EmulatedEngineOptions = {}): Promise<EmulatedEngine> {
  const emulator = await startEmulator({ config: MOTO_CAMPAIGN_CONFIG });
  const client = emulatorClientConfig(emulator.endpoint, EMULATED_REGION);
  const db = new DynamoDBClient(client);
  const s3 = new S3Client(client);
  const sfn = new SFNClient(client);
  const table = options.table ?? 'pcm-bulk-campaigns';
  const bucket = options.bucket ?? 'pcm-bulk-dataset-123456789012';
  try {
    await createLedgerTable(db, table);
    await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: EMULATED_REGION } }));
    if (options.carryOver) {
      await putItems(db, table, options.carryOver.items);
      for (const o of options.carryOver.objects) await s3.send(new PutObjectCommand({ Bucket: bucket, Key: o.key, Body: o.body }));
    }
    const definition = emulatedCampaignDefinition({ ledgerTable: table, resultBucket: bucket, resultPrefix: 'campaigns/results' });
    const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'pcm-bulk-campaign', definition: JSON.stringify(definition), roleArn: ROLE_ARN, type: 'STANDARD' }));
    const retry = emulatedRetryDefinition({ ledgerTable: table, campaignStateMachineArn: stateMachineArn!, retryStateMachineArn: `${stateMachineArn}-retry`, bucket, prefix: 'campaigns/' });
    const { stateMachineArn: retryStateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'pcm-bulk-campaign-retry', definition: JSON.stringify(retry), roleArn: ROLE_ARN, type: 'STANDARD' }));
    const verify = emulatedVerifyDefinition({ ledgerTable: table, verifyStateMachineArn: `${stateMachineArn}-verify` });
    const { stateMachineArn: verifyStateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'pcm-bulk-campaign-verify', definition: JSON.stringify(verify), roleArn: ROLE_ARN, type: 'STANDARD' }));
    const chunkInventory = emulatedChunker(s3, bucket);
    return { emulator, db, s3, sfn, table, bucket, stateMachineArn: stateMachineArn!, retryStateMachineArn: retryStateMachineArn!, verifyStateMachineArn: verifyStateMachineArn!, chunkInventory, stop: () => emulator.stop() };
  } catch (e) {
    await emulator.stop();
    throw e;
  }
}

/** Writes items 25 at a time (BatchWriteItem's limit), resending what DynamoDB leaves unprocessed. */
/** The ledger table as the engine's Terraform makes it (its keys), in an emulator. */
export async function createLedgerTable(db: DynamoDBClient, table: string): Promise<void> {
  await db.send(
    new CreateTableCommand({
      TableName: table,
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: LEDGER_KEYS.partition, KeyType: 'HASH' },
        { AttributeName: LEDGER_KEYS.sort, KeyType: 'RANGE' },
      ],
      AttributeDefinitions: [
        { AttributeName: LEDGER_KEYS.partition, AttributeType: 'S' },
        { AttributeName: LEDGER_KEYS.sort, AttributeType: 'S' },
        { AttributeName: RETRY_INDEX, AttributeType: 'S' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: RETRY_INDEX,
          KeySchema: [
            { AttributeName: RETRY_INDEX, KeyType: 'HASH' },
            { AttributeName: LEDGER_KEYS.sort, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
    }),
  );
}

export async function putItems(db: DynamoDBClient, table: string, items: readonly Record<string, AttributeValue>[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const { UnprocessedItems } = await db.send(new BatchWriteItemCommand({ RequestItems: { [table]: requests } }));
      requests = (UnprocessedItems?.[table] ?? []) as typeof requests;
    }
  }
}

/** The ledger and the bucket's objects, to carry into the next emulator. */
export async function carriedState(engine: EmulatedEngine): Promise<CarriedState> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await engine.db.send(new ScanCommand({ TableName: engine.table, ExclusiveStartKey: start }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  const objects: { key: string; body: Uint8Array }[] = [];
  let token: string | undefined;
  do {
    const page = await engine.s3.send(new ListObjectsV2Command({ Bucket: engine.bucket, ContinuationToken: token }));
    for (const o of page.Contents ?? []) {
      const got = await engine.s3.send(new GetObjectCommand({ Bucket: engine.bucket, Key: o.Key! }));
      objects.push({ key: o.Key!, body: await got.Body!.transformToByteArray() });
    }
    token = page.NextContinuationToken;
  } while (token);
  return { items, objects };
}

/**
 * ItemBatcher's work for the emulated definition: reads a CSV inventory and writes it as chunks
 * into `bucket` (under campaigns/chunks/), returning that inventory.
 */
export function emulatedChunker(s3: S3Client, bucket: string): (inventory: CampaignSpec['inventory'], chunkSize: number) => Promise<CampaignSpec['inventory']> {
  return async (inventory, chunkSize) => {
    const got = await s3.send(new GetObjectCommand({ Bucket: inventory.bucket, Key: inventory.key }));
    const key = `campaigns/chunks/${inventory.key.replace(/\//g, '_')}-by-${chunkSize}.csv`;
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: chunkedCsv(await got.Body!.transformToString(), chunkSize, inventory.key) }));
    return { bucket, key, format: 'csv' };
  };
}

/** The stand-in job's failure of a chunk: the worst of its rows' (a chunk fails as a whole, as an array job does). */
const FAILURE_ORDER = ['always', 'exit-3', 'once'] as const;

/**
 * A CSV inventory written as chunks of `chunkSize` rows: columns `chunk`, `fail` (the worst
 * injected failure of its rows) and EMULATED_CHUNK_FIELD (the rows, as ItemBatcher passes them,
 * in JSON).
 */
export function chunkedCsv(text: string, chunkSize: number, uri: string): string {
  // A JSON array: a retry inventory, as the retry state machine writes it.
  const rows: Record<string, string>[] = uri.endsWith('.json')
    ? (JSON.parse(text) as Record<string, string>[])
    : (([header, ...records]) => records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]]))))(csvRecords(text, uri));
  const lines = ['chunk,fail,' + EMULATED_CHUNK_FIELD];
  for (let i = 0; i < rows.length; i += chunkSize) {
    const chunk = rows.slice(i, i + chunkSize);
    const fail = FAILURE_ORDER.find((f) => chunk.some((r) => r.fail === f)) ?? '';
    lines.push([String(i / chunkSize), fail, `"${JSON.stringify(chunk).replace(/"/g, '""')}"`].join(','));
  }
  return lines.join('\n') + '\n';
}
