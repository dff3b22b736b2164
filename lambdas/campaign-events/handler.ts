/**
 * Campaign events: keeps the campaign ledger current from AWS Batch's job state changes, beside
 * the campaign state machine's own writes (issue 13: "kept current from Batch job state-change
 * events and from the submit results").
 *
 * A campaign chunk is one Batch array job; its children carry the chunk's row ids, the campaign
 * and the attempt in their environment (lib/campaign/execution.ts CAMPAIGN_JOB_ENV), and Batch's
 * event repeats that environment. Child `<job>:<i>` works on row `ids[i]` (a plain job, a chunk of
 * one, on `ids[0]`). The handler applies the same conditional transition as the state machine
 * (lambdas/shared/campaign-contract.ts ROW_TRANSITIONS): the row moves from running (this attempt) to
 * succeeded or failed, and only if that update won do the summary's counters change. So the same
 * event twice, or an event after the state machine already marked the row, changes nothing.
 *
 * Ignored (logged): the parent of an array job (its children are the rows; the state machine
 * records the chunk), and jobs that are not a campaign's (the rule matches the campaign queues,
 * which other jobs may share).
 */
import { ConditionalCheckFailedException, DynamoDBClient, UpdateItemCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { CAMPAIGN_JOB_ENV, COUNTER_VALUES, LEDGER_KEYS, ROW_PREFIX, ROW_TRANSITIONS, SUMMARY_ITEM } from '../shared/campaign-contract';
import type { Env } from '../shared/env';
import { consoleLogger, invocationLogger, type Logger } from '../shared/log';
import { CAMPAIGN_EVENTS_ENV } from './contract';

/** The part of Batch's job-state event the handler reads (the job's description, camelCase). */
export interface BatchJobDetail {
  readonly jobId: string;
  readonly jobName?: string;
  readonly jobQueue?: string;
  readonly status: string;
  readonly statusReason?: string;
  readonly stoppedAt?: number;
  readonly arrayProperties?: { readonly index?: number; readonly size?: number };
  readonly container?: { readonly exitCode?: number; readonly reason?: string; readonly environment?: readonly { readonly name: string; readonly value: string }[] };
}
export type BatchJobEvent = EventBridgeEvent<'Batch Job State Change', BatchJobDetail>;

export interface CampaignEventsDeps {
  readonly db: DynamoDBClient;
  readonly table: string;
  readonly logger: Logger;
}

export function campaignEventsDepsFrom(env: Env): CampaignEventsDeps {
  return { db: new DynamoDBClient({}), table: CAMPAIGN_EVENTS_ENV.read(env).table, logger: consoleLogger };
}

export type Outcome = 'moved' | 'already-moved' | 'not-a-row';

/** The ledger row of a job-state event, or why there is none. */
export function rowOfEvent(detail: BatchJobDetail): { campaign: string; id: string; attempt: number; to: 'succeeded' | 'failed' } | { skip: string } {
  if (detail.status !== 'SUCCEEDED' && detail.status !== 'FAILED') return { skip: `status ${detail.status} ends no row` };
  const env = new Map((detail.container?.environment ?? []).map((v) => [v.name, v.value]));
  const campaign = env.get(CAMPAIGN_JOB_ENV.campaign);
  const items = env.get(CAMPAIGN_JOB_ENV.items);
  const attempt = Number(env.get(CAMPAIGN_JOB_ENV.attempt));
  if (!campaign || !items) return { skip: 'not a campaign job (no campaign environment)' };
  if (!Number.isInteger(attempt) || attempt < 1) return { skip: `${CAMPAIGN_JOB_ENV.attempt} is "${env.get(CAMPAIGN_JOB_ENV.attempt)}", not an attempt number` };
  const array = detail.arrayProperties;
  // The parent of an array job has a size and no index: the state machine records the chunk.
  if (array?.size !== undefined && array.index === undefined) return { skip: 'the parent of an array job' };
  const index = array?.index ?? 0;
  let ids: unknown;
  try {
    ids = JSON.parse(items) as unknown;
  } catch {
    return { skip: `${CAMPAIGN_JOB_ENV.items} is not JSON` };
  }
  const id = Array.isArray(ids) ? (ids[index] as unknown) : undefined;
  if (typeof id !== 'string') return { skip: `${CAMPAIGN_JOB_ENV.items} has no entry ${index}` };
  return { campaign, id, attempt, to: detail.status === 'SUCCEEDED' ? 'succeeded' : 'failed' };
}

/** One event: the child's row moves (conditionally), and the summary counts it if it did. */
export async function recordJobState(deps: CampaignEventsDeps, event: BatchJobEvent): Promise<Outcome> {
  const detail = event.detail;
  const row = rowOfEvent(detail);
  if ('skip' in row) {
    deps.logger.log('info', 'event ignored', { jobId: detail.jobId, reason: row.skip });
    return 'not-a-row';
  }
  const transition = ROW_TRANSITIONS[row.to];
  const finishedAt = new Date(detail.stoppedAt ?? Date.parse(event.time)).toISOString();
  // A failure's cause in the shape Step Functions' .sync reports (PascalCase), which the retry
  // state machine reads the exit code from.
  const cause = JSON.stringify({ Status: detail.status, StatusReason: detail.statusReason, Container: { ExitCode: detail.container?.exitCode, Reason: detail.container?.reason } });
  const set: { expression: string; names: Record<string, string>; values: Record<string, AttributeValue> } =
    row.to === 'succeeded'
      ? { expression: 'finishedAt = :now, jobId = :job', names: {}, values: { ':now': { S: finishedAt }, ':job': { S: detail.jobId } } }
      : {
          expression: 'finishedAt = :now, jobId = :job, #error = :error, cause = :cause, retryable = :campaign',
          names: { '#error': 'error' },
          values: { ':now': { S: finishedAt }, ':job': { S: detail.jobId }, ':error': { S: 'Batch.JobFailed' }, ':cause': { S: cause }, ':campaign': { S: row.campaign } },
        };
  const conditionValues = Object.fromEntries(Object.entries(transition.conditionValues).map(([k, v]) => [k, { S: v }]));
  try {
    await deps.db.send(
      new UpdateItemCommand({
        TableName: deps.table,
        Key: key(row.campaign, `${ROW_PREFIX}${row.id}`),
        UpdateExpression: `SET #state = :state, ${set.expression}`,
        ConditionExpression: transition.condition,
        ExpressionAttributeNames: { '#state': 'state', ...set.names },
        ExpressionAttributeValues: { ':state': { S: row.to }, ':attempt': { N: String(row.attempt) }, ...conditionValues, ...set.values },
      }),
    );
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
    deps.logger.log('info', 'row already moved (by the state machine or an earlier delivery); nothing to count', { campaign: row.campaign, id: row.id, jobId: detail.jobId });
    return 'already-moved';
  }
  const counterValues = Object.fromEntries(Object.entries(COUNTER_VALUES).filter(([k]) => transition.counters.includes(k)).map(([k, v]) => [k, { N: v }]));
  await deps.db.send(new UpdateItemCommand({ TableName: deps.table, Key: key(row.campaign, SUMMARY_ITEM), UpdateExpression: transition.counters, ExpressionAttributeValues: counterValues }));
  deps.logger.log('info', `row ${row.to}`, { campaign: row.campaign, id: row.id, jobId: detail.jobId, attempt: row.attempt });
  return 'moved';
}

const key = (campaign: string, item: string): Record<string, AttributeValue> => ({ [LEDGER_KEYS.partition]: { S: campaign }, [LEDGER_KEYS.sort]: { S: item } });

let cached: CampaignEventsDeps | undefined;

/** EventBridge invokes asynchronously: a thrown error is retried by Lambda, then goes to the DLQ. */
export async function handler(event: BatchJobEvent, context?: Context): Promise<Outcome> {
  cached ??= campaignEventsDepsFrom(process.env);
  return recordJobState({ ...cached, logger: invocationLogger(cached.logger, context) }, event);
}
