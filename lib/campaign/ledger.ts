/**
 * The campaign ledger in DynamoDB, seen from the command: create a campaign (refusing a second
 * one of the same name), read its status from the summary item alone (never a scan), and read
 * every row for a report. The state machines write the rows and the counters themselves.
 */
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand, QueryCommand, UpdateItemCommand, type AttributeValue, type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CAMPAIGN_INDEX, LEDGER_KEYS, ROW_PREFIX, SUMMARY_ITEM, type CampaignPhase, type RowState } from '../../lambdas/shared/campaign-contract';
import type { CampaignSpec } from './spec';

export class CampaignExistsError extends Error {
  override name = 'CampaignExistsError';
}
export class CampaignNotFoundError extends Error {
  override name = 'CampaignNotFoundError';
}

export interface CampaignStatus {
  readonly name: string;
  readonly phase: CampaignPhase;
  readonly total: number;
  readonly running: number;
  readonly succeeded: number;
  readonly failed: number;
  readonly missing: number;
  readonly abandoned: number;
  /** Not yet started: total less every counted state. */
  readonly waiting: number;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly spec: CampaignSpec;
  /** The last verify run's progress, when one ran (the verify state machine writes it). */
  readonly verify?: { readonly phase: 'running' | 'finished'; readonly checked: number; readonly at?: string };
}

const key = (campaign: string, item: string): Record<string, AttributeValue> => ({
  [LEDGER_KEYS.partition]: { S: campaign },
  [LEDGER_KEYS.sort]: { S: item },
});

/**
 * Writes the summary item of a new campaign; a campaign of the same name (in any phase) makes it
 * fail with CampaignExistsError, atomically, so two starts at once cannot both win.
 */
export async function createCampaign(db: DynamoDBClient, table: string, spec: CampaignSpec, total: number, now: Date, input?: object): Promise<void> {
  try {
    await db.send(
      new PutItemCommand({
        TableName: table,
        Item: {
          ...key(spec.name, SUMMARY_ITEM),
          phase: { S: 'running' },
          total: { N: String(total) },
          running: { N: '0' },
          succeeded: { N: '0' },
          failed: { N: '0' },
          missing: { N: '0' },
          abandoned: { N: '0' },
          startedAt: { S: now.toISOString() },
          spec: { S: JSON.stringify(spec) },
          // The first pass's execution input (deployed job names, limits): what the retry state machine starts later passes with.
          ...(input ? { input: { S: JSON.stringify(input) } } : {}),
        },
        ConditionExpression: 'attribute_not_exists(#p)',
        ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition },
      }),
    );
  } catch (e) {
    if (!(e instanceof ConditionalCheckFailedException)) throw e;
    const existing = await readStatus(db, table, spec.name);
    throw new CampaignExistsError(`a campaign named "${spec.name}" already exists (started ${existing.startedAt}, ${existing.phase}); choose another --name`);
  }
  // Listed in the index partition, where the scheduled retry finds every campaign.
  await db.send(new PutItemCommand({ TableName: table, Item: key(CAMPAIGN_INDEX, spec.name) }));
}

/** One GetItem of the summary item: the same cost for 10 rows or 10 million. */
export async function readStatus(db: DynamoDBClient, table: string, name: string): Promise<CampaignStatus> {
  const { Item } = await db.send(new GetItemCommand({ TableName: table, Key: key(name, SUMMARY_ITEM), ConsistentRead: true }));
  if (!Item) throw new CampaignNotFoundError(`no campaign named "${name}" in ${table}`);
  const n = (field: string) => Number(Item[field]?.N ?? '0');
  const counted = { running: n('running'), succeeded: n('succeeded'), failed: n('failed'), missing: n('missing'), abandoned: n('abandoned') };
  const total = n('total');
  return {
    name,
    phase: Item.phase.S as CampaignPhase,
    total,
    ...counted,
    waiting: Math.max(0, total - Object.values(counted).reduce((a, b) => a + b, 0)),
    startedAt: Item.startedAt.S!,
    ...(Item.finishedAt?.S ? { finishedAt: Item.finishedAt.S } : {}),
    spec: JSON.parse(Item.spec.S!) as CampaignSpec,
    ...(Item.verifyPhase?.S ? { verify: { phase: Item.verifyPhase.S as 'running' | 'finished', checked: n('verifyChecked'), ...(Item.verifiedAt?.S ? { at: Item.verifiedAt.S } : {}) } } : {}),
  };
}

/** Sets the phase (cancel); the counters stay as the state machines left them. */
export async function setPhase(db: DynamoDBClient, table: string, name: string, phase: CampaignPhase, now: Date): Promise<void> {
  await db.send(
    new UpdateItemCommand({
      TableName: table,
      Key: key(name, SUMMARY_ITEM),
      UpdateExpression: 'SET phase = :p, finishedAt = :t',
      ConditionExpression: 'attribute_exists(#p)',
      ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition },
      ExpressionAttributeValues: { ':p': { S: phase }, ':t': { S: now.toISOString() } },
    }),
  );
}

export interface LedgerRow {
  readonly id: string;
  readonly state: RowState;
  readonly attempts: number;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  readonly jobId?: string;
  readonly output?: string;
  readonly error?: string;
}

/** Every row of a campaign, in id order, a page (1 MB) at a time. For reports, not for status. */
export async function* ledgerRows(db: DynamoDBClient, table: string, name: string): AsyncGenerator<LedgerRow> {
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: '#p = :c AND begins_with(#s, :row)',
        ExpressionAttributeNames: { '#p': LEDGER_KEYS.partition, '#s': LEDGER_KEYS.sort },
        ExpressionAttributeValues: { ':c': { S: name }, ':row': { S: ROW_PREFIX } },
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      yield {
        id: item[LEDGER_KEYS.sort].S!.slice(ROW_PREFIX.length),
        state: (item.state?.S ?? 'waiting') as RowState,
        attempts: Number(item.attempts?.N ?? '0'),
        ...(item.startedAt?.S ? { startedAt: item.startedAt.S } : {}),
        ...(item.finishedAt?.S ? { finishedAt: item.finishedAt.S } : {}),
        ...(item.jobId?.S ? { jobId: item.jobId.S } : {}),
        ...(item.output?.S ? { output: item.output.S } : {}),
        ...(item.error?.S ? { error: item.error.S } : {}),
      };
    }
    start = page.LastEvaluatedKey;
  } while (start);
}

export interface Progress {
  /** Rows that succeeded. */
  readonly done: number;
  readonly percent: number;
  /** Finished rows per minute since the start. */
  readonly perMinute: number;
  /** Seconds until every row is final at that rate; undefined before the first finishes. */
  readonly etaSeconds?: number;
}

export function progressOf(status: CampaignStatus, now: Date): Progress {
  const done = status.succeeded;
  const minutes = Math.max((now.getTime() - Date.parse(status.startedAt)) / 60000, 1 / 60);
  // Every row that has run to an end, well or not, counts toward the rate.
  const finished = done + status.failed + status.missing + status.abandoned;
  const perMinute = finished / minutes;
  const left = status.total - finished;
  return {
    done,
    percent: status.total ? (100 * done) / status.total : 0,
    perMinute,
    ...(perMinute > 0 ? { etaSeconds: Math.round((left / perMinute) * 60) } : {}),
  };
}

const REPORT_COLUMNS = ['id', 'state', 'attempts', 'startedAt', 'finishedAt', 'jobId', 'output', 'error'] as const;

function csvField(value: unknown): string {
  const text = value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A report of every row's outcome, as CSV (with a header) or JSON lines. */
export async function* reportLines(rows: AsyncIterable<LedgerRow> | Iterable<LedgerRow>, format: 'csv' | 'json'): AsyncGenerator<string> {
  if (format === 'csv') yield REPORT_COLUMNS.join(',');
  for await (const row of rows) {
    yield format === 'csv' ? REPORT_COLUMNS.map((c) => csvField(row[c])).join(',') : JSON.stringify(row);
  }
}
