/**
 * The cnm-s-sender function's environment, defined once: modules/messaging/message-lambdas.ts
 * writes it, the handler reads it (lambdas/shared/env.ts says how).
 */
import { environmentContract, keyPrefix, matching, optional, required } from '../shared/env';

/** A Kinesis stream ARN; the region is the stream's (the DAAC's stream may be in another). */
export const STREAM_ARN = /^arn:aws[a-z-]*:kinesis:([a-z0-9-]+):\d{12}:stream\/[A-Za-z0-9_.-]+$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/.+$/;

export const CNM_S_SENDER_ENV = environmentContract('cnm-s-sender', {
  /** The archive bucket, whose `outgoing/` archives are announced. */
  archiveBucket: required('ARCHIVE_BUCKET'),
  outgoingPrefix: keyPrefix('OUTGOING_PREFIX'),
  /** The DAAC's CNM-S stream, or the stand-in. */
  streamArn: required('STREAM_ARN', matching(STREAM_ARN, 'arn:aws:kinesis:<region>:<account>:stream/<name>')),
  /** The DAAC's role that may write its stream; unset for the stand-in, written directly. */
  streamRoleArn: optional('STREAM_ROLE_ARN', matching(ROLE_ARN, 'arn:aws:iam::<account>:role/<name>')),
  /** The CNM version the messages declare (cnm.version). */
  cnmVersion: required('CNM_VERSION'),
  /** The messages' provider: the venue. */
  provider: required('PROVIDER'),
  /** Remembers the archives already announced. */
  idempotencyTable: required('IDEMPOTENCY_TABLE'),
});
