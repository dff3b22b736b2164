/**
 * Run-once records in DynamoDB, in the AWS Lambda Powertools style: a conditional PutItem claims
 * a key (IN_PROGRESS, with a lease), the work runs, and the record becomes COMPLETED with its
 * result. SQS delivers at least once and S3 may notify twice, so this is what keeps one signal
 * file to one Mozart job.
 *
 * - COMPLETED: a duplicate; the work is skipped and the first result returned.
 * - IN_PROGRESS with a live lease: another invocation is on it; throw so the message is retried.
 * - IN_PROGRESS with an expired lease (its invocation died): taken over.
 * - The work fails: the claim is released at once so the retry need not wait out the lease.
 *
 * Table: partition key `id` (S), TTL attribute `expiresAt` (epoch seconds). DynamoDB deletes
 * expired items lazily (within days), so an expired record is treated as absent here too.
 */
import { randomUUID, createHash } from 'node:crypto';
import {
  ConditionalCheckFailedException,
  DeleteItemCommand,
  GetItemCommand,
  PutItemCommand,
  UpdateItemCommand,
  type AttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';

/** How long a record (and so duplicate detection) lasts. */
export const RECORD_DAYS = 30;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export interface IdempotencyStoreProps {
  readonly client: DynamoDBClient;
  readonly table: string;
  /** Separates handlers sharing the table, e.g. `staging-submit`. */
  readonly scope: string;
  /** Milliseconds since the epoch. @default Date.now */
  readonly now?: () => number;
}

export interface Outcome<T> {
  /** True when the work had already been done and was skipped. */
  readonly duplicate: boolean;
  readonly result: T;
}

export class IdempotencyInProgressError extends Error {
  readonly expected = 'no other invocation on the same work: the retry succeeds once the other finishes or its lease expires';
  constructor(key: string, leaseExpiresAt: number | undefined) {
    super(
      `another invocation is processing ${key}` +
        (leaseExpiresAt ? ` (its lease runs until ${new Date(leaseExpiresAt).toISOString()}); retry later` : '; retry later'),
    );
    this.name = 'IdempotencyInProgressError';
  }
}

const IN_PROGRESS = 'IN_PROGRESS';
const COMPLETED = 'COMPLETED';

export class IdempotencyStore {
  private readonly now: () => number;

  constructor(private readonly props: IdempotencyStoreProps) {
    this.now = props.now ?? Date.now;
  }

  /** The table's partition key for a key: hashed, because S3 keys and CNM identifiers can be long. */
  recordId(key: string): string {
    return `${this.props.scope}#${createHash('sha256').update(key).digest('hex')}`;
  }

  /**
   * Runs `work` unless `key` was already done. `leaseMs` must outlast the invocation (pass the
   * Lambda context's remaining time plus a margin): a shorter lease would let a retry run the
   * work while the first is still at it; a much longer one delays the retry of a crashed one.
   */
  async once<T extends JsonValue>(key: string, leaseMs: number, work: () => Promise<T>): Promise<Outcome<T>> {
    const { client, table } = this.props;
    const id = this.recordId(key);
    const token = randomUUID();
    const nowMs = this.now();
    try {
      await client.send(
        new PutItemCommand({
          TableName: table,
          Item: {
            id: { S: id },
            key: { S: key.slice(0, 2048) },
            status: { S: IN_PROGRESS },
            leaseToken: { S: token },
            leaseExpiresAt: { N: String(nowMs + leaseMs) },
            expiresAt: { N: String(Math.floor(nowMs / 1000) + RECORD_DAYS * 86400) },
          },
          ConditionExpression: 'attribute_not_exists(id) OR expiresAt < :nowSec OR (#status = :inProgress AND leaseExpiresAt < :nowMs)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':nowSec': { N: String(Math.floor(nowMs / 1000)) },
            ':nowMs': { N: String(nowMs) },
            ':inProgress': { S: IN_PROGRESS },
          },
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      const existing = error.Item ?? (await this.read(id));
      if (existing?.status?.S === COMPLETED) {
        return { duplicate: true, result: JSON.parse(existing.result?.S ?? 'null') as T };
      }
      throw new IdempotencyInProgressError(key, existing?.leaseExpiresAt?.N ? Number(existing.leaseExpiresAt.N) : undefined);
    }

    let result: T;
    try {
      result = await work();
    } catch (error) {
      // Release the claim (only ours: the token guards against deleting a successor's).
      await client
        .send(
          new DeleteItemCommand({
            TableName: table,
            Key: { id: { S: id } },
            ConditionExpression: 'leaseToken = :token',
            ExpressionAttributeValues: { ':token': { S: token } },
          }),
        )
        .catch(() => undefined); // the lease expires anyway; the work's error is the one to report
      throw error;
    }

    // If this write fails the error propagates: the record stays IN_PROGRESS until its lease
    // expires and a retry then redoes the work (Mozart's enable_dedup is the guard behind that).
    await client.send(
      new UpdateItemCommand({
        TableName: table,
        Key: { id: { S: id } },
        UpdateExpression: 'SET #status = :completed, #result = :result, completedAt = :at REMOVE leaseExpiresAt, leaseToken',
        ExpressionAttributeNames: { '#status': 'status', '#result': 'result' },
        ExpressionAttributeValues: {
          ':completed': { S: COMPLETED },
          ':result': { S: JSON.stringify(result) },
          ':at': { N: String(this.now()) },
        },
      }),
    );
    return { duplicate: false, result };
  }

  private async read(id: string): Promise<Record<string, AttributeValue> | undefined> {
    const out = await this.props.client.send(new GetItemCommand({ TableName: this.props.table, Key: { id: { S: id } }, ConsistentRead: true }));
    return out.Item;
  }
}

/** The lease for work done within one invocation: its remaining time plus a margin. */
export function leaseFor(context: { getRemainingTimeInMillis?: () => number } | undefined, fallbackMs = 15 * 60 * 1000): number {
  const remaining = context?.getRemainingTimeInMillis?.();
  // The margin covers clock skew between invocations; 15 min is Lambda's longest timeout.
  return (typeof remaining === 'number' && remaining > 0 ? remaining : fallbackMs) + 10_000;
}
