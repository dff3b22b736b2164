/** AWS fixtures on moto_server for the handler tests: buckets, the idempotency table, events. */
import { randomUUID } from 'node:crypto';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { Logger, LogLevel } from '../../../lambdas/shared/log';

// The SDK warns under Node 20 about its 2027 releases; noise in test output.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

/** Points the SDK (AWS_ENDPOINT_URL and fake credentials) at moto for the rest of the file. */
export function useEmulator(env: NodeJS.ProcessEnv): void {
  Object.assign(process.env, env);
}

export async function createBucket(s3: S3Client, name: string): Promise<void> {
  await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: 'us-west-2' } }));
}

export async function putObject(s3: S3Client, bucket: string, key: string, body: string | Buffer): Promise<{ eTag: string; size: number }> {
  const out = await s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  return { eTag: (out.ETag ?? '').replace(/"/g, ''), size: Buffer.byteLength(body) };
}

export async function createIdempotencyTable(dynamodb: DynamoDBClient, name: string): Promise<void> {
  await dynamodb.send(
    new CreateTableCommand({
      TableName: name,
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }],
      BillingMode: 'PAY_PER_REQUEST',
    }),
  );
}

let sequence = 0;
/** A new, increasing S3 sequencer (one per distinct event). */
export function nextSequencer(): string {
  return (Date.now() * 1000 + ++sequence).toString(16).toUpperCase().padStart(16, '0');
}

/** The S3 event notification S3 sends for a created object; keys encoded as S3 encodes them. */
export function s3Event(bucket: string, key: string, options: { sequencer?: string; size?: number; eTag?: string; eventName?: string } = {}): object {
  const encoded = encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');
  return {
    Records: [
      {
        eventVersion: '2.1',
        eventSource: 'aws:s3',
        awsRegion: 'us-west-2',
        eventTime: new Date().toISOString(),
        eventName: options.eventName ?? 'ObjectCreated:Put',
        s3: {
          s3SchemaVersion: '1.0',
          configurationId: 'pcm',
          bucket: { name: bucket, arn: `arn:aws:s3:::${bucket}` },
          object: { key: encoded, size: options.size ?? 1, eTag: options.eTag ?? 'd41d8cd98f00b204e9800998ecf8427e', sequencer: options.sequencer ?? nextSequencer() },
        },
      },
    ],
  };
}

export const S3_TEST_EVENT = { Service: 'Amazon S3', Event: 's3:TestEvent', Time: '2024-01-01T00:00:00.000Z', Bucket: 'any', RequestId: 'r', HostId: 'h' };

/** An SQS record whose body is the given message (raw SNS delivery) or raw text. */
export function sqsRecord(body: object | string, messageId: string = randomUUID()): SQSRecord {
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: typeof body === 'string' ? body : JSON.stringify(body),
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'sns', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-west-2:123456789012:q',
    awsRegion: 'us-west-2',
  };
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

export interface LogLine {
  readonly level: LogLevel;
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

/** A logger that keeps its lines for assertions. */
export function capturingLogger(): Logger & { readonly lines: LogLine[]; errors(): LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    log: (level, message, fields = {}) => lines.push({ level, message, fields: { ...fields } }),
    errors: () => lines.filter((l) => l.level === 'error'),
  };
}

/** Lambda's context of one invocation, as the runtime passes it to a handler. */
export function lambdaContext(awsRequestId: string, functionName = 'pcm-test-function', remainingMs = 300_000): Context {
  const unused = () => {
    throw new Error('the handlers are async and never call the callback-style context methods');
  };
  return {
    awsRequestId,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:us-west-2:123456789012:function:${functionName}`,
    memoryLimitInMB: '256',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: '2026/11/30/[$LATEST]0123456789abcdef',
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => remainingMs,
    done: unused,
    fail: unused,
    succeed: unused,
  };
}

/** The JSON lines written through `console.log`/`warn`/`error` while `run` runs. */
export async function consoleLines<T>(run: () => Promise<T>): Promise<{ result?: T; error?: unknown; lines: Record<string, unknown>[] }> {
  const spies = (['log', 'warn', 'error'] as const).map((method) => jest.spyOn(console, method).mockImplementation(() => undefined));
  const lines: { order: number; text: string }[] = [];
  try {
    let result: T | undefined;
    let error: unknown;
    try {
      result = await run();
    } catch (e) {
      error = e;
    }
    for (const spy of spies) spy.mock.calls.forEach((call, i) => lines.push({ order: spy.mock.invocationCallOrder[i], text: String(call[0]) }));
    return { result, error, lines: lines.sort((a, b) => a.order - b.order).map((l) => JSON.parse(l.text) as Record<string, unknown>) };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
}

/** A unique name for this run (moto keeps state for the whole file). */
export function unique(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}
