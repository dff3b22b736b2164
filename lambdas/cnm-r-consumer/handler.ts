/**
 * CNM-R responses, from two senders, through one queue:
 *  (a) the DAAC publishes a CNM-R to the PCM's SNS topic (raw delivery: the body is the CNM-R);
 *  (b) CNES writes CNM-R files under `cnm-r/` in the messages bucket (the body is an S3 event;
 *      the file holds one CNM-R or an array of them);
 *  (c) this handler's own records under `cnm-r/received/` come back as S3 events too (S3 filters
 *      take one prefix, and the record prefix sits inside `cnm-r/`): ignored, and so is the data
 *      stack's `cnm-r/` folder marker when a deploy re-writes it.
 * Each distinct response (see duplicateKey) is recorded (normalized) under the record prefix and
 * handed to a HySDS job, once.
 */
import { createHash } from 'node:crypto';
import type { SQSRecord } from 'aws-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CNM_R_EXPECTED, normalizeCnmResponse, type CnmResponse } from '../shared/cnm';
import type { Env } from '../shared/env';
import { BadInputError } from '../shared/errors';
import { isObject } from '../shared/json';
import { lazy } from '../shared/lazy';
import { runtimeDeps } from '../shared/runtime';
import { errorMessage } from '../shared/log';
import { submitJob, type JobSettings, type MozartOptions, type SubmitJob } from '../shared/mozart';
import { checkKeyLength, isFolderMarker, parseJsonObjectText, readObjectText } from '../shared/s3-object';
import { looksLikeS3Notification, type S3ObjectEvent } from '../shared/s3-event';
import { handleS3Notification } from '../shared/s3-event-handler';
import { createSqsHandler, parseJsonBody, type RecordContext, type SqsHandlerDeps } from '../shared/sqs-batch';
import { CNM_R_CONSUMER_ENV } from './contract';

export interface CnmRConsumerConfig {
  readonly messagesBucket: string;
  /** Where CNES writes its responses, e.g. `cnm-r/`. */
  readonly cnmRPrefix: string;
  /** Where this handler records responses, e.g. `cnm-r/received/`. */
  readonly recordPrefix: string;
  readonly job: JobSettings;
  readonly mozart: MozartOptions;
  readonly idempotencyTable: string;
}

/** The function's configuration, through its contract (the construct writes the same one). */
export function readConfig(env: Env): CnmRConsumerConfig {
  return CNM_R_CONSUMER_ENV.read(env);
}

export interface CnmRConsumerDeps extends SqsHandlerDeps {
  readonly config: CnmRConsumerConfig;
  readonly s3: S3Client;
  readonly submit: SubmitJob;
}

export type CnmSource = 'daac' | 'cnes';

const MESSAGE_EXPECTED = `${CNM_R_EXPECTED} from the DAAC, or an S3 event for a CNM-R file written by CNES; and Mozart accepting the job`;

/**
 * Cumulus's cnm-response task answers with this identifier when it crashed before it could read
 * the CNM-S: it names no product, so two of them are two different events, never duplicates.
 */
export const UNUSABLE_IDENTIFIERS: readonly string[] = ['Unknown/Missing identifier'];

export function hasUsableIdentifier(response: CnmResponse): boolean {
  const id = response.identifier.trim().toLowerCase();
  return !UNUSABLE_IDENTIFIERS.some((u) => u.toLowerCase() === id);
}

/** Canonical JSON: keys sorted at every level, so a re-serialized copy digests the same. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Where one delivery came from; only used to tell apart responses that carry no usable identifier. */
export interface Delivery {
  readonly source: CnmSource;
  /** The SQS message id (DAAC), or `<file key>#<sequencer>#<index in the file>` (CNES). */
  readonly id: string;
}

/**
 * The duplicate key of one response: a duplicate is the SAME response delivered again (SQS and SNS
 * deliver at least once, S3 may notify twice, CNES may rewrite a file), never another response that
 * happens to share identifier and status. So the key is
 *
 *   <source>#<identifier>#<status>#<product name or ->#<digest>
 *
 * where the digest is SHA-256 over the canonical JSON of the NORMALIZED response. Normalization
 * keeps only CNM fields (transport wrappers such as an SNS envelope's MessageId/Timestamp, or the
 * S3 key and sequencer of the CNES file holding it, are not part of it) and evens out what a
 * re-serialization changes (key order, "2024-05-01 10:03:00Z" vs "T", ingestionMetadata beside or
 * inside `response`). The digest therefore covers processCompleteTime, errorCode/errorMessage,
 * product name and files, ingestionMetadata:
 * - a second FAILURE for a re-sent product (the CNM-S identifier is bucket+key+ETag, so it repeats)
 *   has a new processCompleteTime and error: a new response, a new job;
 * - per-archive CNES answers to one batch (same identifier, one product each, or several SUCCESS
 *   files for one batch) differ by product: one job each;
 * - the same response twice is one job.
 * Identifier and status stay readable in the key for the person looking at the table; the store
 * hashes the whole key for the partition key.
 *
 * A response without a usable identifier (Cumulus's "Unknown/Missing identifier") also carries the
 * delivery (SQS message id, or CNES file, sequencer and position): its redeliveries are still
 * skipped, but two such responses with identical bodies (two crashes within one second, as Cumulus
 * writes times to the second) are each processed. The cost: should SNS itself deliver one publish
 * twice (rare, two SQS messages), that response runs twice; dropping a crash report is worse.
 */
export function duplicateKey(source: CnmSource, response: CnmResponse, delivery: Delivery): string {
  const digest = createHash('sha256').update(canonicalJson(response)).digest('hex');
  const product = typeof response.product?.name === 'string' ? response.product.name : '-';
  const base = `${source}#${response.identifier}#${response.response.status}#${product}#${digest}`;
  return hasUsableIdentifier(response) ? base : `${base}#delivery=${delivery.id}`;
}

/** A short tag of one response (its duplicate key's digest): names its record and its job. */
export function recordTag(dupKey: string): string {
  return createHash('sha256').update(dupKey).digest('hex').slice(0, 16);
}

/**
 * The record's key: readable (source, identifier, status) and one object per distinct response,
 * named by a digest of its duplicate key, so a later response never overwrites an earlier record
 * that a job was given. Refused when S3 would refuse it (a very long identifier).
 */
export function recordKey(recordPrefix: string, source: CnmSource, response: CnmResponse, dupKey: string): string {
  const key = `${recordPrefix}${source}/${encodeURIComponent(response.identifier)}/${response.response.status}-${recordTag(dupKey)}.json`;
  return checkKeyLength(key, `the record key for CNM-R ${JSON.stringify(response.identifier.slice(0, 80))}`, `an identifier short enough that ${recordPrefix}${source}/<URL-encoded identifier>/<status>-<digest>.json fits in 1024 bytes`);
}

export function createHandler(deps: () => CnmRConsumerDeps) {
  return createSqsHandler('cnm-r-consumer', MESSAGE_EXPECTED, deps, handleRecord);
}

async function handleRecord(context: RecordContext<CnmRConsumerDeps>, record: SQSRecord): Promise<void> {
  const body = parseJsonBody(record.body, MESSAGE_EXPECTED);
  if (!looksLikeS3Notification(body)) {
    if (isObject(body) && body.Type === 'Notification') {
      throw new BadInputError('the body is an SNS envelope: the subscription does not use raw message delivery', MESSAGE_EXPECTED);
    }
    await handleResponse(context, record.messageId, { source: 'daac', id: record.messageId }, normalizeCnmResponse(body));
    return;
  }
  await handleS3Notification(context, record.messageId, body, handleCnesFile);
}

async function handleCnesFile(context: RecordContext<CnmRConsumerDeps>, messageId: string, object: S3ObjectEvent): Promise<void> {
  const { config, logger, s3 } = context.deps;
  const { bucket, key } = object;
  const expected = `a CNM-R file s3://${config.messagesBucket}/${config.cnmRPrefix}<name>.json holding one CNM-R or an array of them`;
  if (bucket !== config.messagesBucket) throw new BadInputError(`the event is for bucket ${bucket}`, expected);
  if (key.startsWith(config.recordPrefix)) {
    logger.log('debug', 'own record ignored', { messageId, key });
    return;
  }
  if (isFolderMarker(key)) {
    // The data stack's `cnm-r/` marker (or a console folder), e.g. re-written by a deploy after the
    // notification exists: not a CNES file.
    logger.log('info', 'folder marker ignored: not a CNM-R file', { messageId, key });
    return;
  }
  if (!key.startsWith(config.cnmRPrefix)) throw new BadInputError(`the key ${JSON.stringify(key)} is outside ${config.cnmRPrefix}`, expected);
  const content = parseJsonObjectText(await readObjectText(s3, bucket, key), bucket, key, expected);
  const items = Array.isArray(content) ? content : [content];
  if (items.length === 0) throw new BadInputError(`s3://${bucket}/${key} holds an empty array`, expected);
  // The good responses of a file are processed even when one is bad; the bad ones fail the message
  // (its retries skip the good ones as duplicates) and it ends in the DLQ for a person.
  const problems: string[] = [];
  for (const [i, item] of items.entries()) {
    let response: CnmResponse;
    try {
      response = normalizeCnmResponse(item);
    } catch (error) {
      problems.push(`${items.length > 1 ? `[${i}] ` : ''}${errorMessage(error)}`);
      continue;
    }
    await handleResponse(context, messageId, { source: 'cnes', id: `${key}#${object.sequencer}#${i}` }, response, key);
  }
  if (problems.length > 0) throw new BadInputError(`s3://${bucket}/${key}: ${problems.join('; ')}`, CNM_R_EXPECTED);
}

async function handleResponse(context: RecordContext<CnmRConsumerDeps>, messageId: string, delivery: Delivery, response: CnmResponse, file?: string): Promise<void> {
  const { deps: d, store, leaseMs } = context;
  const { config } = d;
  const { source } = delivery;
  const status = response.response.status;
  const dupKey = duplicateKey(source, response, delivery);
  const key = recordKey(config.recordPrefix, source, response, dupKey);
  const outcome = await store.once(dupKey, leaseMs, async () => {
    await d.s3.send(
      new PutObjectCommand({ Bucket: config.messagesBucket, Key: key, Body: JSON.stringify(response, null, 2), ContentType: 'application/json' }),
    );
    const recordUrl = `s3://${config.messagesBucket}/${key}`;
    const jobId = await d.submit(config.mozart, {
      ...config.job,
      tags: [response.identifier, status.toLowerCase(), source],
      params: { id: response.identifier, status, source, record_url: recordUrl, response },
      // The tag makes the names of two responses for one identifier differ.
      name: `job-${config.job.type}-${source}-${response.identifier}-${status}-${recordTag(dupKey)}`,
    });
    return { jobId, recordUrl };
  });
  d.logger.log('info', outcome.duplicate ? 'CNM-R already processed; duplicate skipped' : 'CNM-R recorded and job submitted', {
    messageId,
    source,
    identifier: response.identifier,
    status,
    ...(typeof response.product?.name === 'string' ? { product: response.product.name } : {}),
    ...(file ? { file } : {}),
    ...outcome.result,
  });
}

const fromEnvironment = lazy((): CnmRConsumerDeps => ({ ...runtimeDeps(readConfig(process.env)), submit: submitJob }));

export const handler = createHandler(fromEnvironment);
