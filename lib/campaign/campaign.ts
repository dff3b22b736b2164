/**
 * The campaign verbs as a library: start, status, cancel, report and retry over the engine's
 * clients. The command (cli/campaign.ts) parses flags, calls these and prints; nothing here
 * prints or exits.
 */
import { BatchWriteItemCommand, ConditionalCheckFailedException, QueryCommand, TransactWriteItemsCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetObjectCommand, HeadObjectCommand, NoSuchKey, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { executionInput, executionName } from './execution';
import { csvRecords, ID_FIELD, InventoryError, summarizeInventory, type InventorySummary } from './inventory';
import { createCampaign, ledgerRows, readStatus, setPhase, type CampaignStatus } from './ledger';
import { LEDGER_KEYS, ROW_PREFIX, SUMMARY_ITEM } from '../../lambdas/shared/campaign-contract';
import { expectedOutput, type CampaignSpec } from './spec';
import { StartExecutionCommand, StopExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';

export interface Engine {
  readonly db: DynamoDBClient;
  readonly s3: S3Client;
  readonly sfn: SFNClient;
  /** The ledger table. */
  readonly table: string;
  readonly stateMachineArn: string;
  /** Bucket for retry inventories (the environment's dataset bucket). */
  readonly bucket: string;
  /** The deployed name of a Batch queue or job definition of the config. @default the name itself */
  readonly batchName?: (name: string) => string;
  /**
   * The emulator's stand-in for ItemBatcher, which moto's parser rejects: writes the inventory's
   * rows as chunks and returns that inventory. Undefined in AWS, where ItemBatcher chunks.
   */
  readonly chunkInventory?: (inventory: CampaignSpec['inventory'], chunkSize: number) => Promise<CampaignSpec['inventory']>;
  /** The retry state machine (modules/campaign/retry-definition.ts), when the engine has one. */
  readonly retryStateMachineArn?: string;
  /**
   * The verify state machine (modules/campaign/verify-definition.ts), when the engine has one;
   * without one, verify is verifyCampaign's loop from this machine.
   */
  readonly verifyStateMachineArn?: string;
}

export interface RetryRequest {
  /** Rows this run takes at most (1 to RETRY_LIMIT_MAX). */
  readonly limit: number;
  /** The jitter's ceiling before the pass starts. */
  readonly backoffSeconds: number;
}

/** Starts the retry state machine for one campaign (what `retry` does where the engine has one). */
export async function startRetry(engine: Engine, name: string, request: RetryRequest, now = new Date()): Promise<string> {
  if (!engine.retryStateMachineArn) throw new Error('this engine has no retry state machine');
  await readStatus(engine.db, engine.table, name);
  const { executionArn } = await engine.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: engine.retryStateMachineArn,
      name: `${name}-retry-${now.getTime()}`,
      input: JSON.stringify({ campaign: name, limit: request.limit, backoffSeconds: request.backoffSeconds }),
    }),
  );
  return executionArn!;
}

/**
 * Starts the pass an emulated retry run ended with (its `started` output: the StartExecution
 * parameters it would have sent), in this engine: moto runs one execution per process.
 */
export async function startEmulatedRetryPass(engine: Engine, started: { Name: string; Input: { inventory: CampaignSpec['inventory'] } & Record<string, unknown> }, chunkSize: number): Promise<string> {
  const inventory = engine.chunkInventory ? await engine.chunkInventory(started.Input.inventory, chunkSize) : started.Input.inventory;
  const { executionArn } = await engine.sfn.send(new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: started.Name, input: JSON.stringify({ ...started.Input, inventory }) }));
  return executionArn!;
}

/** Starts one pass of the campaign state machine over an inventory. */
async function startPass(engine: Engine, spec: CampaignSpec, inventory: CampaignSpec['inventory'], attempt: number, total: number): Promise<string> {
  const read = engine.chunkInventory ? await engine.chunkInventory(inventory, spec.limits.chunkSize) : inventory;
  const { executionArn } = await engine.sfn.send(
    new StartExecutionCommand({ stateMachineArn: engine.stateMachineArn, name: executionName(spec.name, attempt), input: JSON.stringify(inputFor(engine, spec, read, attempt, total)) }),
  );
  return executionArn!;
}

function inputFor(engine: Engine, spec: CampaignSpec, inventory: CampaignSpec['inventory'], attempt: number, total: number) {
  const deployed = engine.batchName ?? ((n: string) => n);
  // HySDS job types and queues are Mozart's names, not deployed resources: they pass as given.
  const job = spec.job.kind === 'hysds' ? spec.job : { ...spec.job, definition: deployed(spec.job.definition), queue: deployed(spec.job.queue) };
  return executionInput({ ...spec, job }, inventory, attempt, total);
}

/** Reads and checks the inventory object; a missing object or a malformed row is an InventoryError. */
export async function checkInventory(s3: S3Client, spec: CampaignSpec): Promise<InventorySummary> {
  const uri = `s3://${spec.inventory.bucket}/${spec.inventory.key}`;
  let text: string;
  try {
    const got = await s3.send(new GetObjectCommand({ Bucket: spec.inventory.bucket, Key: spec.inventory.key }));
    text = await got.Body!.transformToString();
  } catch (e) {
    if (e instanceof NoSuchKey || (e as { name?: string }).name === 'NoSuchBucket' || (e as { name?: string }).name === 'NoSuchKey') {
      throw new InventoryError(uri, undefined, 'no such object');
    }
    throw e;
  }
  return summarizeInventory(text, spec.inventory, uri);
}

export interface Started {
  readonly executionArn: string;
  readonly items: number;
}

/**
 * Checks the inventory, records the campaign (refusing a second of the same name) and starts its
 * first pass. Nothing is recorded when the inventory is bad.
 */
export async function startCampaign(engine: Engine, spec: CampaignSpec, now = new Date()): Promise<Started> {
  const inventory = await checkInventory(engine.s3, spec);
  if (spec.outputPattern && spec.inventory.format !== 'manifest') {
    const unknown = [...spec.outputPattern.matchAll(/\{([A-Za-z0-9_.-]+)\}/g)].map((m) => m[1]).filter((f) => !inventory.fields.includes(f));
    if (unknown.length) throw new InventoryError(`s3://${spec.inventory.bucket}/${spec.inventory.key}`, 1, `--output names ${unknown.map((f) => `{${f}}`).join(', ')}, which the inventory does not have (it has ${inventory.fields.join(', ')})`);
  }
  await createCampaign(engine.db, engine.table, spec, inventory.count, now, inputFor(engine, spec, spec.inventory, 1, inventory.count));
  if (spec.outputPattern && spec.inventory.format !== 'manifest') await storeExpectedOutputs(engine, spec);
  const executionArn = await startPass(engine, spec, spec.inventory, 1, inventory.count);
  return { executionArn, items: inventory.count };
}

/**
 * Each row's expected output (the --output pattern filled from its inventory fields), written on
 * its ledger row before the first pass: the verify state machine checks `outputBucket`/`outputKey`
 * with a headObject, as Amazon States Language cannot fill a pattern from named fields. The rows
 * stay waiting (no state): the pass's MarkRunning moves them as it moves any waiting row.
 */
async function storeExpectedOutputs(engine: Engine, spec: CampaignSpec): Promise<void> {
  const items = (await inventoryRows(engine, spec, undefined)).map((row) => {
    const uri = expectedOutput(spec.outputPattern!, row);
    const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
    return {
      [LEDGER_KEYS.partition]: { S: spec.name },
      [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}${row[ID_FIELD]}` },
      output: { S: uri },
      ...(bucket && key ? { outputBucket: { S: bucket }, outputKey: { S: key } } : {}),
    };
  });
  for (let i = 0; i < items.length; i += 25) {
    let requests = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    while (requests.length) {
      const { UnprocessedItems } = await engine.db.send(new BatchWriteItemCommand({ RequestItems: { [engine.table]: requests } }));
      requests = (UnprocessedItems?.[engine.table] ?? []) as typeof requests;
    }
  }
}

/** Rows one verify page evaluates, and pages one verify execution checks before continuing as a new one. */
export interface VerifyRequest {
  readonly pageSize: number;
  readonly pagesPerRun: number;
}

/** Starts the verify state machine for one campaign (what `verify` does where the engine has one). */
export async function startVerify(engine: Engine, name: string, request: VerifyRequest, now = new Date()): Promise<string> {
  if (!engine.verifyStateMachineArn) throw new Error('this engine has no verify state machine');
  const { spec } = await readStatus(engine.db, engine.table, name);
  if (!spec.outputPattern) throw new Error(`campaign "${name}" was started without --output; there is nothing to verify`);
  const { executionArn } = await engine.sfn.send(
    new StartExecutionCommand({
      stateMachineArn: engine.verifyStateMachineArn,
      name: `${name}-verify-${now.getTime()}`,
      input: JSON.stringify({ campaign: name, pageSize: request.pageSize, pagesPerRun: request.pagesPerRun }),
    }),
  );
  return executionArn!;
}

export function status(engine: Engine, name: string): Promise<CampaignStatus> {
  return readStatus(engine.db, engine.table, name);
}

/** Stops the running pass and marks the campaign cancelled. */
export async function cancelCampaign(engine: Engine, name: string, executionArn: string | undefined, now = new Date()): Promise<void> {
  await readStatus(engine.db, engine.table, name);
  if (executionArn) await engine.sfn.send(new StopExecutionCommand({ executionArn, error: 'Campaign.Cancelled', cause: 'cancelled by npm run campaign cancel' }));
  await setPhase(engine.db, engine.table, name, 'cancelled', now);
}

export interface RetryPass {
  /** Rows resubmitted in this pass. */
  readonly retried: number;
  /** Rows that reached the maximum attempts, or failed with an expected exit code, now abandoned. */
  readonly abandoned: number;
  readonly executionArn?: string;
  readonly attempt: number;
}

/**
 * One retry pass: failed and missing rows below the attempt limit go into a retry inventory (at
 * most `limit` of them, so a pass stays within Step Functions' quotas) that the same state machine
 * runs as the next attempt; rows at the limit become `abandoned`. Rows are found by a Query of the
 * campaign's partition, never a scan of the table.
 */
export async function retryCampaign(engine: Engine, name: string, options: { limit?: number } = {}): Promise<RetryPass> {
  const current = await readStatus(engine.db, engine.table, name);
  const spec = current.spec;
  const retry: string[] = [];
  const abandon: { id: string; state: string }[] = [];
  const retryStates = new Map<string, string>();
  let attempt = 1;
  let start: Record<string, AttributeValue> | undefined;
  const limit = options.limit ?? 100000;
  do {
    const page = await engine.db.send(
      new QueryCommand({
        TableName: engine.table,
        KeyConditionExpression: '#p = :c AND begins_with(#s, :row)',
        FilterExpression: '#state IN (:failed, :missing)',
        ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition, '#s': LEDGER_KEYS.sort, '#state': 'state' },
        ExpressionAttributeValues: { ':c': { S: name }, ':row': { S: ROW_PREFIX }, ':failed': { S: 'failed' }, ':missing': { S: 'missing' } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const id = item[LEDGER_KEYS.sort].S!.slice(ROW_PREFIX.length);
      const attempts = Number(item.attempts?.N ?? '0');
      attempt = Math.max(attempt, attempts + 1);
      if (attempts >= spec.limits.maxAttempts || expectedFailure(item.cause?.S, spec.job.expectedFailureExitCodes)) abandon.push({ id, state: item.state.S! });
      else if (retry.length < limit) {
        retry.push(id);
        retryStates.set(id, item.state.S!);
      }
    }
    start = page.LastEvaluatedKey;
  } while (start);

  for (const row of abandon) {
    await engine.db.send(
      new UpdateItemCommand({
        TableName: engine.table,
        Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}${row.id}` } },
        UpdateExpression: 'SET #state = :abandoned REMOVE retryable',
        ConditionExpression: '#state = :was',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':abandoned': { S: 'abandoned' }, ':was': { S: row.state } },
      }),
    );
    await engine.db.send(
      new UpdateItemCommand({
        TableName: engine.table,
        Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } },
        // `missing` is a DynamoDB reserved word.
        UpdateExpression: 'ADD abandoned :one, #was :minus',
        ExpressionAttributeNames: { '#was': row.state },
        ExpressionAttributeValues: { ':one': { N: '1' }, ':minus': { N: '-1' } },
      }),
    );
  }
  if (retry.length === 0) return { retried: 0, abandoned: abandon.length, attempt };

  // The retried rows go back to waiting (uncounted) now: the pass's MarkRunning moves a row to
  // running only from waiting (modules/campaign/definitions.ts ROW_TRANSITIONS).
  const requeued = new Set<string>();
  for (const id of retry) if (await requeueRow(engine, name, id, retryStates.get(id)!)) requeued.add(id);
  if (requeued.size === 0) return { retried: 0, abandoned: abandon.length, attempt };
  // CSV: the one inventory format every ItemReader (the emulator's too) reads.
  const key = `campaigns/${name}/retry-${attempt}.csv`;
  const rows = await inventoryRows(engine, spec, requeued);
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const csv = [columns, ...rows.map((r) => columns.map((c) => String(r[c] ?? '')))].map((fields) => fields.map(csvField).join(',')).join('\n') + '\n';
  await engine.s3.send(new PutObjectCommand({ Bucket: engine.bucket, Key: key, Body: csv }));
  await engine.db.send(
    new UpdateItemCommand({
      TableName: engine.table,
      Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } },
      UpdateExpression: 'SET phase = :running REMOVE finishedAt',
      ExpressionAttributeValues: { ':running': { S: 'running' } },
    }),
  );
  const executionArn = await startPass(engine, spec, { bucket: engine.bucket, key, format: 'csv' }, attempt, current.total);
  return { retried: requeued.size, abandoned: abandon.length, executionArn, attempt };
}

/**
 * failed or missing -> waiting, under the condition that the row is still in that state; only if
 * that update won does its counter go down (the same rule as the state machines' ROW_TRANSITIONS).
 */
async function requeueRow(engine: Engine, name: string, id: string, was: string): Promise<boolean> {
  try {
    await engine.db.send(
      new UpdateItemCommand({
        TableName: engine.table,
        Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}${id}` } },
        UpdateExpression: 'SET #state = :waiting REMOVE retryable',
        ConditionExpression: '#state = :was',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':waiting': { S: 'waiting' }, ':was': { S: was } },
      }),
    );
  } catch (e) {
    if (e instanceof ConditionalCheckFailedException) return false; // someone else moved it
    throw e;
  }
  await engine.db.send(
    new UpdateItemCommand({
      TableName: engine.table,
      Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } },
      // `missing` is a DynamoDB reserved word.
      UpdateExpression: 'ADD #was :minus',
      ExpressionAttributeNames: { '#was': was },
      ExpressionAttributeValues: { ':minus': { N: '-1' } },
    }),
  );
  return true;
}

/**
 * Whether a failure is an expected one (an exit code the job definition lists): those are never
 * retried. The cause is what Batch's .sync reports, a job description with Container.ExitCode.
 */
export function expectedFailure(cause: string | undefined, codes: readonly number[]): boolean {
  if (!cause || codes.length === 0) return false;
  try {
    const code = (JSON.parse(cause) as { Container?: { ExitCode?: unknown } }).Container?.ExitCode;
    return typeof code === 'number' && codes.includes(code);
  } catch {
    return false; // not a job description (a timeout, a throttle): retry it
  }
}

/** The inventory's own rows (all their fields) of the given ids, so a retried job sees the same item. */
async function inventoryRows(engine: Engine, spec: CampaignSpec, ids: ReadonlySet<string> | undefined): Promise<Record<string, string>[]> {
  const got = await engine.s3.send(new GetObjectCommand({ Bucket: spec.inventory.bucket, Key: spec.inventory.key }));
  const text = await got.Body!.transformToString();
  if (spec.inventory.format === 'csv') {
    const [header, ...records] = csvRecords(text, spec.inventory.key);
    const idColumn = header.indexOf(ID_FIELD);
    return records.filter((r) => !ids || ids.has(r[idColumn])).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
  }
  return text
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, string>)
    .filter((r) => !ids || ids.has(r[ID_FIELD]));
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export interface VerifyResult {
  /** Succeeded rows whose expected output was checked. */
  readonly checked: number;
  /** Ids whose output is missing; they are now `missing` and retry takes them. */
  readonly missing: readonly string[];
}

/**
 * The verify pass: every succeeded row's expected output (the campaign's --output pattern filled
 * from the row's inventory fields) must exist; a row whose output does not becomes `missing`.
 */
export async function verifyCampaign(engine: Engine, name: string, options: { concurrency?: number } = {}): Promise<VerifyResult> {
  const { spec } = await readStatus(engine.db, engine.table, name);
  if (!spec.outputPattern) throw new Error(`campaign "${name}" was started without --output; there is nothing to verify`);
  const rows = new Map((await inventoryRowsAll(engine, spec)).map((r) => [r[ID_FIELD], r]));
  const succeeded: string[] = [];
  for await (const row of ledgerRows(engine.db, engine.table, name)) if (row.state === 'succeeded') succeeded.push(row.id);
  const missing: string[] = [];
  const queue = [...succeeded];
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      const uri = expectedOutput(spec.outputPattern!, rows.get(id) ?? { [ID_FIELD]: id });
      const [, bucket, key] = /^s3:\/\/([^/]+)\/(.+)$/.exec(uri) ?? [];
      try {
        await engine.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
        await setOutput(engine, name, id, uri);
      } catch (e) {
        if ((e as { name?: string }).name !== 'NotFound' && (e as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode !== 404) throw e;
        missing.push(id);
        await markMissing(engine, name, id);
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 16 }, worker));
  return { checked: succeeded.length, missing: missing.sort() };
}

async function setOutput(engine: Engine, name: string, id: string, uri: string): Promise<void> {
  await engine.db.send(
    new UpdateItemCommand({
      TableName: engine.table,
      Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}${id}` } },
      UpdateExpression: 'SET #output = :o',
      ExpressionAttributeNames: { '#output': 'output' },
      ExpressionAttributeValues: { ':o': { S: uri } },
    }),
  );
}

/** succeeded -> missing, row and counters together, so the summary stays exact. */
async function markMissing(engine: Engine, name: string, id: string): Promise<void> {
  await engine.db.send(
    new TransactWriteItemsCommand({
      TransactItems: [
        {
          Update: {
            TableName: engine.table,
            Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: `${ROW_PREFIX}${id}` } },
            // `retryable`: the retry state machine's index (campaign-contract.ts RETRY_INDEX).
            UpdateExpression: 'SET #state = :missing, retryable = :campaign',
            ConditionExpression: '#state = :succeeded',
            ExpressionAttributeNames: { '#state': 'state' },
            ExpressionAttributeValues: { ':missing': { S: 'missing' }, ':succeeded': { S: 'succeeded' }, ':campaign': { S: name } },
          },
        },
        {
          Update: {
            TableName: engine.table,
            Key: { [LEDGER_KEYS.partition]: { S: name }, [LEDGER_KEYS.sort]: { S: SUMMARY_ITEM } },
            UpdateExpression: 'ADD #missing :one, succeeded :minus',
            ExpressionAttributeNames: { '#missing': 'missing' },
            ExpressionAttributeValues: { ':one': { N: '1' }, ':minus': { N: '-1' } },
          },
        },
      ],
    }),
  );
}

async function inventoryRowsAll(engine: Engine, spec: CampaignSpec): Promise<Record<string, string>[]> {
  return inventoryRows(engine, spec, undefined);
}
