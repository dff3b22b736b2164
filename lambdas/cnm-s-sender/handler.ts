/**
 * CNM-S to the DAAC: an archive placed under `outgoing/<collection>/` in the archive bucket
 * reaches this handler as an S3 event, and one CNM-S announcing it is put on the DAAC's Kinesis
 * stream (written through a role the DAAC grants, when STREAM_ROLE_ARN is set).
 */
import { KinesisClient, PutRecordCommand } from '@aws-sdk/client-kinesis';
import { HeadObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { archiveFile, cnmTime, deterministicIdentifier, productNameOf, type CnmNotification } from '../shared/cnm';
import type { Env } from '../shared/env';
import { BadInputError } from '../shared/errors';
import { lazy } from '../shared/lazy';
import { runtimeDeps } from '../shared/runtime';
import type { S3ObjectEvent } from '../shared/s3-event';
import { isFolderMarker } from '../shared/s3-object';
import { forEachS3Object } from '../shared/s3-event-handler';
import { createSqsHandler, type RecordContext, type SqsHandlerDeps } from '../shared/sqs-batch';
import { CNM_S_SENDER_ENV, STREAM_ARN } from './contract';

export interface CnmSSenderConfig {
  readonly archiveBucket: string;
  readonly outgoingPrefix: string;
  readonly streamArn: string;
  readonly streamRoleArn?: string;
  readonly cnmVersion: string;
  readonly provider: string;
  readonly idempotencyTable: string;
}

/** The function's configuration, through its contract (the construct writes the same one). */
export function readConfig(env: Env): CnmSSenderConfig {
  return CNM_S_SENDER_ENV.read(env);
}

export interface CnmSSenderDeps extends SqsHandlerDeps {
  readonly config: CnmSSenderConfig;
  readonly s3: S3Client;
  readonly kinesis: KinesisClient;
}

const MESSAGE_EXPECTED = 'an S3 event for an archive outgoing/<collection>/<file> in the archive bucket, and the stream accepting the CNM-S';

/** The CNM-S for one archive. The identifier depends on bucket, key and ETag only. */
export function archiveNotification(config: CnmSSenderConfig, collection: string, key: string, size: number, eTag: string, now: Date): CnmNotification {
  const file = archiveFile(config.archiveBucket, key, size);
  return {
    version: config.cnmVersion,
    provider: config.provider,
    submissionTime: cnmTime(now),
    collection,
    identifier: deterministicIdentifier(config.archiveBucket, key, eTag),
    product: { name: productNameOf(file.name), files: [file] },
  };
}

export function createHandler(deps: () => CnmSSenderDeps) {
  return createSqsHandler('cnm-s-sender', MESSAGE_EXPECTED, deps, forEachS3Object(handleArchive));
}

async function handleArchive({ deps: d, store, leaseMs }: RecordContext<CnmSSenderDeps>, messageId: string, object: S3ObjectEvent): Promise<void> {
  const { config } = d;
  const { bucket, key } = object;
  const expected = `an archive s3://${config.archiveBucket}/${config.outgoingPrefix}<collection>/<file>`;
  if (bucket !== config.archiveBucket) throw new BadInputError(`the event is for bucket ${bucket}`, expected);
  if (isFolderMarker(key)) {
    // The data stack's own `outgoing/` marker (re-written by a deploy after the notification
    // exists) or a console folder: an empty object ending in "/", not an archive.
    d.logger.log('info', 'folder marker ignored: not an archive', { messageId, key });
    return;
  }
  if (!key.startsWith(config.outgoingPrefix)) throw new BadInputError(`the key ${JSON.stringify(key)} is outside ${config.outgoingPrefix}`, expected);
  const path = key.slice(config.outgoingPrefix.length);
  const parts = path.split('/');
  if (parts.length !== 2 || parts[0] === '' || parts[1] === '') {
    throw new BadInputError(`the key ${JSON.stringify(key)} is not <prefix><collection>/<file>`, expected);
  }
  const outcome = await store.once(`s3://${bucket}/${key}#${object.sequencer}`, leaseMs, async () => {
    let { size, eTag } = object;
    if (size === undefined || eTag === undefined) {
      const head = await d.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
      size ??= head.ContentLength ?? 0;
      eTag ??= (head.ETag ?? '').replace(/"/g, '');
    }
    const message = archiveNotification(config, parts[0], key, size, eTag, new Date(d.now()));
    const put = await d.kinesis.send(
      new PutRecordCommand({ StreamARN: config.streamArn, PartitionKey: message.identifier, Data: Buffer.from(JSON.stringify(message)) }),
    );
    return { identifier: message.identifier, product: message.product.name, shardId: put.ShardId ?? null, sequenceNumber: put.SequenceNumber ?? null };
  });
  d.logger.log('info', outcome.duplicate ? 'archive already announced; duplicate skipped' : 'CNM-S sent', { messageId, bucket, key, ...outcome.result });
}

/** The role session's name, which the DAAC sees in CloudTrail. */
export const STREAM_ROLE_SESSION = 'pcm-cnm-s-sender';

/**
 * The Kinesis client: HTTP/1.1 (the default client speaks HTTP/2, which PutRecord does not need
 * and the emulator does not speak), in the stream's region, with the DAAC's role if one is set.
 * The role's credentials come from `fromTemporaryCredentials` (an AssumeRole per call); the client
 * caches what it returns and assumes the role again 5 minutes before the credentials expire
 * (the SDK's memoized identity provider), so a warm container makes one AssumeRole an hour.
 */
export function streamClient(config: CnmSSenderConfig): KinesisClient {
  const region = STREAM_ARN.exec(config.streamArn)![1];
  return new KinesisClient({
    region,
    requestHandler: new NodeHttpHandler(),
    credentials: config.streamRoleArn
      ? fromTemporaryCredentials({ params: { RoleArn: config.streamRoleArn, RoleSessionName: STREAM_ROLE_SESSION, DurationSeconds: 3600 } })
      : undefined,
  });
}

const fromEnvironment = lazy((): CnmSSenderDeps => {
  const config = readConfig(process.env);
  return { ...runtimeDeps(config), kinesis: streamClient(config) };
});

export const handler = createHandler(fromEnvironment);
