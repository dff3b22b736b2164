/**
 * An SQS record holding an S3 event (raw SNS delivery), handled object by object. S3's test
 * event, sent when a notification is configured, is acknowledged and ignored.
 */
import type { SQSRecord } from 'aws-lambda';
import { parseS3Notification, S3_EVENT_EXPECTED, type S3ObjectEvent } from './s3-event';
import { parseJsonBody, type RecordContext, type SqsHandlerDeps } from './sqs-batch';

export type S3ObjectHandler<D extends SqsHandlerDeps> = (context: RecordContext<D>, messageId: string, object: S3ObjectEvent) => Promise<void>;

/** A message whose body is an S3 event. */
export function forEachS3Object<D extends SqsHandlerDeps>(handleObject: S3ObjectHandler<D>) {
  return async (context: RecordContext<D>, record: SQSRecord): Promise<void> =>
    handleS3Notification(context, record.messageId, parseJsonBody(record.body, S3_EVENT_EXPECTED), handleObject);
}

/** An S3 event already parsed (a queue that also carries other messages tells them apart first). */
export async function handleS3Notification<D extends SqsHandlerDeps>(context: RecordContext<D>, messageId: string, body: unknown, handleObject: S3ObjectHandler<D>): Promise<void> {
  const notification = parseS3Notification(body);
  if (notification.kind === 'test') {
    context.deps.logger.log('info', 'S3 test event ignored', { messageId });
    return;
  }
  for (const object of notification.records) await handleObject(context, messageId, object);
}
