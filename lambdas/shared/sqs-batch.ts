/**
 * Runs an SQS batch record by record and reports the failed ones (the event source mapping has
 * `ReportBatchItemFailures`), so that one bad message is retried and parked in the DLQ without
 * re-running the good ones beside it.
 */
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BadInputError, expectationOf } from './errors';
import { IdempotencyStore, leaseFor } from './idempotency';
import { consoleLogger, errorMessage, invocationLogger, type Logger } from './log';

export type RecordWork = (record: SQSRecord) => Promise<void>;

/**
 * `expected` describes a good message for the log line of an error that does not say it itself
 * (an SDK error, say).
 */
export async function processSqsBatch(event: SQSEvent, work: RecordWork, logger: Logger, expected: string): Promise<SQSBatchResponse> {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  // One at a time: batches are small, and Mozart is not hit by a burst from one invocation.
  for (const record of event.Records ?? []) {
    try {
      await work(record);
    } catch (error) {
      logger.log('error', 'message failed; it will be retried, then moved to the dead-letter queue', {
        messageId: record.messageId,
        receiveCount: Number(record.attributes?.ApproximateReceiveCount ?? 0) || undefined,
        error: errorMessage(error),
        kind: error instanceof Error ? error.name : typeof error,
        expected: expectationOf(error) ?? expected,
      });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

/** Parses a message body as JSON, or says what was expected. */
export function parseJsonBody(body: string, expected: string): unknown {
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new BadInputError(`the message body is not JSON (${errorMessage(error)}; starts with ${JSON.stringify(body.slice(0, 80))})`, expected);
  }
}

/** What every SQS handler has: a logger, the idempotency table and a clock. */
export interface SqsHandlerDeps {
  readonly logger: Logger;
  readonly dynamodb: DynamoDBClient;
  readonly idempotencyTable: string;
  readonly now: () => number;
}

export interface RecordContext<D> {
  readonly deps: D;
  readonly store: IdempotencyStore;
  /** The idempotency lease: outlasts this invocation. */
  readonly leaseMs: number;
}

/**
 * An SQS Lambda handler: collaborators made on first use (a configuration error is logged and
 * fails the whole batch, which then reaches the DLQ), records processed one by one, every log
 * line carrying the invocation's request id.
 */
export function createSqsHandler<D extends SqsHandlerDeps>(
  scope: string,
  expected: string,
  deps: () => D,
  work: (context: RecordContext<D>, record: SQSRecord) => Promise<void>,
) {
  return async (event: SQSEvent, lambdaContext?: Context): Promise<SQSBatchResponse> => {
    let d: D;
    try {
      const made = deps();
      d = { ...made, logger: invocationLogger(made.logger, lambdaContext) };
    } catch (error) {
      invocationLogger(consoleLogger, lambdaContext).log('error', 'configuration error; the whole batch fails', { error: errorMessage(error), messages: (event.Records ?? []).length });
      throw error;
    }
    const store = new IdempotencyStore({ client: d.dynamodb, table: d.idempotencyTable, scope, now: d.now });
    const context: RecordContext<D> = { deps: d, store, leaseMs: leaseFor(lambdaContext) };
    return processSqsBatch(event, (record) => work(context, record), d.logger, expected);
  };
}
