/**
 * CNM-R responses, from two senders, through one queue:
 *  (a) the DAAC publishes a CNM-R to the PCM's SNS topic (raw delivery: the body is the CNM-R);
 *  (b) CNES writes CNM-R files under `cnm-r/` in the messages bucket (the body is an S3 event;
 *      the file holds one CNM-R or an array of them);
 *  (c) this handler's own records under `cnm-r/received/` come back as S3 events too (S3 filters
 *      take one prefix, and the record prefix sits inside `cnm-r/`): ignored.
 * Each response is recorded (normalized) under the record prefix and handed to a HySDS job.
 */
import type { SQSRecord } from 'aws-lambda';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { CNM_R_EXPECTED, normalizeCnmResponse, type CnmResponse } from '../shared/cnm';
import { prefixValue, requiredString, ConfigError, type Env } from '../shared/env';
import { BadInputError } from '../shared/errors';
import { lazy } from '../shared/lazy';
import { runtimeDeps } from '../shared/runtime';
import { errorMessage } from '../shared/log';
import { jobSettingsFromEnv, mozartOptionsFromEnv, submitJob, type JobSettings, type MozartOptions, type SubmitJob } from '../shared/mozart';
import { parseJsonObjectText, readObjectText } from '../shared/s3-object';
import { looksLikeS3Notification, parseS3Notification, type S3ObjectEvent } from '../shared/s3-event';
import { createSqsHandler, parseJsonBody, type RecordContext, type SqsHandlerDeps } from '../shared/sqs-batch';

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

export function readConfig(env: Env): CnmRConsumerConfig {
  const config = {
    messagesBucket: requiredString(env, 'MESSAGES_BUCKET'),
    cnmRPrefix: prefixValue(env, 'CNM_R_PREFIX'),
    recordPrefix: prefixValue(env, 'RECORD_PREFIX'),
    job: jobSettingsFromEnv(env),
    mozart: mozartOptionsFromEnv(env),
    idempotencyTable: requiredString(env, 'IDEMPOTENCY_TABLE'),
  };
  if (config.cnmRPrefix.startsWith(config.recordPrefix)) {
    // The records would then be read as CNES responses: a loop.
    throw new ConfigError(`RECORD_PREFIX "${config.recordPrefix}" contains CNM_R_PREFIX "${config.cnmRPrefix}"; expected the record prefix inside or beside it, never around it`);
  }
  return config;
}

export interface CnmRConsumerDeps extends SqsHandlerDeps {
  readonly config: CnmRConsumerConfig;
  readonly s3: S3Client;
  readonly submit: SubmitJob;
}

export type CnmSource = 'daac' | 'cnes';

const MESSAGE_EXPECTED = `${CNM_R_EXPECTED} from the DAAC, or an S3 event for a CNM-R file written by CNES; and Mozart accepting the job`;

/** The record's key: readable, and one object per source, identifier and status. */
export function recordKey(recordPrefix: string, source: CnmSource, response: CnmResponse): string {
  return `${recordPrefix}${source}/${encodeURIComponent(response.identifier)}.${response.response.status}.json`;
}

export function createHandler(deps: () => CnmRConsumerDeps) {
  return createSqsHandler('cnm-r-consumer', MESSAGE_EXPECTED, deps, handleRecord);
}

async function handleRecord(context: RecordContext<CnmRConsumerDeps>, record: SQSRecord): Promise<void> {
  const body = parseJsonBody(record.body, MESSAGE_EXPECTED);
  if (!looksLikeS3Notification(body)) {
    if (typeof body === 'object' && body !== null && (body as { Type?: unknown }).Type === 'Notification') {
      throw new BadInputError('the body is an SNS envelope: the subscription does not use raw message delivery', MESSAGE_EXPECTED);
    }
    await handleResponse(context, record.messageId, 'daac', normalizeCnmResponse(body));
    return;
  }
  const notification = parseS3Notification(body);
  if (notification.kind === 'test') {
    context.deps.logger.log('info', 'S3 test event ignored', { messageId: record.messageId });
    return;
  }
  for (const object of notification.records) await handleCnesFile(context, record.messageId, object);
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
    await handleResponse(context, messageId, 'cnes', response, key);
  }
  if (problems.length > 0) throw new BadInputError(`s3://${bucket}/${key}: ${problems.join('; ')}`, CNM_R_EXPECTED);
}

async function handleResponse(context: RecordContext<CnmRConsumerDeps>, messageId: string, source: CnmSource, response: CnmResponse, file?: string): Promise<void> {
  const { deps: d, store, leaseMs } = context;
  const { config } = d;
  const status = response.response.status;
  // Keyed on the status too: CNES may answer one batch with a SUCCESS and a FAILURE under the same
  // identifier (some archives copied, some not); both must reach HySDS, each exactly once.
  const outcome = await store.once(`${source}#${response.identifier}#${status}`, leaseMs, async () => {
    const key = recordKey(config.recordPrefix, source, response);
    await d.s3.send(
      new PutObjectCommand({ Bucket: config.messagesBucket, Key: key, Body: JSON.stringify(response, null, 2), ContentType: 'application/json' }),
    );
    const recordUrl = `s3://${config.messagesBucket}/${key}`;
    const jobId = await d.submit(config.mozart, {
      ...config.job,
      tags: [response.identifier, status.toLowerCase(), source],
      params: { id: response.identifier, status, source, record_url: recordUrl, response },
      name: `job-${config.job.type}-${source}-${response.identifier}-${status}`,
    });
    return { jobId, recordUrl };
  });
  d.logger.log('info', outcome.duplicate ? 'CNM-R already processed; duplicate skipped' : 'CNM-R recorded and job submitted', {
    messageId,
    source,
    identifier: response.identifier,
    status,
    ...(file ? { file } : {}),
    ...outcome.result,
  });
}

const fromEnvironment = lazy((): CnmRConsumerDeps => {
  const config = readConfig(process.env);
  return {
    config,
    ...runtimeDeps(config.idempotencyTable),
    submit: submitJob,
  };
});

export const handler = createHandler(fromEnvironment);
