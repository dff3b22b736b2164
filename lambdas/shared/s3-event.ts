/**
 * S3 event notifications, as they arrive through SNS (raw message delivery) and SQS: the body is
 * the notification itself. Parsed into the few fields the handlers use.
 */
import { BadInputError } from './errors';
import { isObject } from './json';

export const S3_EVENT_EXPECTED = 'an S3 event notification: {"Records":[{"eventSource":"aws:s3","eventName":"ObjectCreated:*","s3":{"bucket":{"name":...},"object":{"key":...,"sequencer":...}}}]}';

export interface S3ObjectEvent {
  readonly eventName: string;
  readonly bucket: string;
  /** The object key, decoded (S3 URL-encodes keys in events, with "+" for a space). */
  readonly key: string;
  /** Orders events on one key; two deliveries of one event carry the same sequencer. */
  readonly sequencer: string;
  readonly size?: number;
  /** Without quotes, as S3 puts it in events. */
  readonly eTag?: string;
}

export type S3Notification = { readonly kind: 'test' } | { readonly kind: 'records'; readonly records: readonly S3ObjectEvent[] };

/** Decodes a key the way S3 encodes it in event notifications. */
export function decodeS3EventKey(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

/** Whether a parsed body looks like an S3 notification at all (as opposed to some other message). */
export function looksLikeS3Notification(body: unknown): boolean {
  return isObject(body) && (body.Event === 's3:TestEvent' || (Array.isArray(body.Records) && body.Records.some((r) => isObject(r) && r.eventSource === 'aws:s3')));
}

/**
 * The object-created records of a notification, or `test` for the s3:TestEvent S3 sends when a
 * notification is configured. Anything else is a BadInputError naming what is wrong.
 */
export function parseS3Notification(body: unknown): S3Notification {
  if (isObject(body) && body.Event === 's3:TestEvent') return { kind: 'test' };
  if (isObject(body) && body.Type === 'Notification' && typeof body.Message === 'string') {
    throw new BadInputError('the body is an SNS envelope: the subscription does not use raw message delivery', S3_EVENT_EXPECTED);
  }
  if (!isObject(body) || !Array.isArray(body.Records) || body.Records.length === 0) {
    throw new BadInputError('the body is not an S3 event notification (no Records)', S3_EVENT_EXPECTED);
  }
  const records = body.Records.map((record, i): S3ObjectEvent => {
    const where = `Records[${i}]`;
    if (!isObject(record) || record.eventSource !== 'aws:s3') throw new BadInputError(`${where} is not an S3 event record`, S3_EVENT_EXPECTED);
    const eventName = record.eventName;
    if (typeof eventName !== 'string' || !eventName.startsWith('ObjectCreated:')) {
      throw new BadInputError(`${where}.eventName is ${JSON.stringify(eventName)}; only object-created events are handled`, S3_EVENT_EXPECTED);
    }
    const s3 = isObject(record.s3) ? record.s3 : {};
    const bucket = isObject(s3.bucket) ? s3.bucket.name : undefined;
    const object = isObject(s3.object) ? s3.object : {};
    if (typeof bucket !== 'string' || bucket === '') throw new BadInputError(`${where}.s3.bucket.name is missing`, S3_EVENT_EXPECTED);
    if (typeof object.key !== 'string' || object.key === '') throw new BadInputError(`${where}.s3.object.key is missing`, S3_EVENT_EXPECTED);
    // S3 sends a sequencer with every object-created event; moto_server does not, so an event
    // without one is identified by its ETag and time, which a redelivery repeats just the same.
    const sequencer =
      typeof object.sequencer === 'string' && object.sequencer !== ''
        ? object.sequencer
        : typeof object.eTag === 'string' && typeof record.eventTime === 'string'
          ? `${object.eTag.replace(/"/g, '')}@${record.eventTime}`
          : undefined;
    if (sequencer === undefined) throw new BadInputError(`${where}.s3.object.sequencer is missing`, S3_EVENT_EXPECTED);
    let key: string;
    try {
      key = decodeS3EventKey(object.key);
    } catch {
      throw new BadInputError(`${where}.s3.object.key ${JSON.stringify(object.key)} is not a URL-encoded key`, S3_EVENT_EXPECTED);
    }
    return {
      eventName,
      bucket,
      key,
      sequencer,
      size: typeof object.size === 'number' ? object.size : undefined,
      eTag: typeof object.eTag === 'string' ? object.eTag.replace(/"/g, '') : undefined,
    };
  });
  return { kind: 'records', records };
}
