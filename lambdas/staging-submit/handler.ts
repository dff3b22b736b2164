/**
 * The staging area (HySDS, seed 000): a signal file `<staged file>.met.json` created under
 * `staging_area/` in the dataset bucket reaches this handler as an S3 event (S3 -> SNS -> SQS),
 * and the handler submits the configured HySDS job with the signal file's metadata.
 */
import type { S3Client } from '@aws-sdk/client-s3';
import type { Env } from '../shared/env';
import { BadInputError } from '../shared/errors';
import { isObject } from '../shared/json';
import { lazy } from '../shared/lazy';
import { runtimeDeps } from '../shared/runtime';
import { submitJob, type JobSettings, type MozartOptions, type SubmitJob } from '../shared/mozart';
import { isFolderMarker, parseJsonObjectText, readObjectText } from '../shared/s3-object';
import type { S3ObjectEvent } from '../shared/s3-event';
import { forEachS3Object } from '../shared/s3-event-handler';
import { createSqsHandler, type RecordContext, type SqsHandlerDeps } from '../shared/sqs-batch';
import { STAGING_SUBMIT_ENV } from './contract';

export interface StagingSubmitConfig {
  readonly datasetBucket: string;
  readonly prefix: string;
  readonly suffix: string;
  readonly job: JobSettings;
  readonly mozart: MozartOptions;
  readonly idempotencyTable: string;
}

/** The function's configuration, through its contract (the construct writes the same one). */
export function readConfig(env: Env): StagingSubmitConfig {
  return STAGING_SUBMIT_ENV.read(env);
}

export interface StagingSubmitDeps extends SqsHandlerDeps {
  readonly config: StagingSubmitConfig;
  readonly s3: S3Client;
  readonly submit: SubmitJob;
}

/** What the job gets: the HySDS staging-area contract. */
export interface StagingJobParams {
  readonly id: string;
  readonly data_url: string;
  readonly data_file: string;
  readonly metadata: Record<string, unknown>;
}

const MESSAGE_EXPECTED = 'an S3 event for a signal file under the staging prefix, readable, holding a JSON object, and Mozart accepting its job';
const SIGNAL_EXPECTED = 'a signal file holding one JSON object (its "id", if a string, names the dataset), or nothing at all (no metadata)';

export function stagingJobParams(bucket: string, key: string, suffix: string, metadata: Record<string, unknown>): StagingJobParams {
  const dataKey = key.slice(0, -suffix.length);
  const dataFile = dataKey.slice(dataKey.lastIndexOf('/') + 1);
  const id = typeof metadata.id === 'string' && metadata.id.trim() !== '' ? metadata.id : dataFile;
  return { id, data_url: `s3://${bucket}/${dataKey}`, data_file: dataFile, metadata };
}

/** The handler with its collaborators given (tests) or made from the environment (Lambda). */
export function createHandler(deps: () => StagingSubmitDeps) {
  return createSqsHandler('staging-submit', MESSAGE_EXPECTED, deps, forEachS3Object(handleSignal));
}

async function handleSignal({ deps: d, store, leaseMs }: RecordContext<StagingSubmitDeps>, messageId: string, object: S3ObjectEvent): Promise<void> {
  const { config } = d;
  const { bucket, key } = object;
  const expected = `a signal file s3://${config.datasetBucket}/${config.prefix}<name>${config.suffix}`;
  if (bucket !== config.datasetBucket) throw new BadInputError(`the event is for bucket ${bucket}`, expected);
  if (isFolderMarker(key)) {
    // The data stack's `staging_area/` marker, or a console folder: nothing was staged.
    d.logger.log('info', 'folder marker ignored: not a signal file', { messageId, key });
    return;
  }
  if (!key.startsWith(config.prefix) || !key.endsWith(config.suffix) || key.length <= config.prefix.length + config.suffix.length) {
    throw new BadInputError(`the key ${JSON.stringify(key)} is not a signal file`, expected);
  }
  // The sequencer tells a second delivery of one event (same) from a re-upload (new event, new job).
  const outcome = await store.once(`s3://${bucket}/${key}#${object.sequencer}`, leaseMs, async () => {
    const text = await readObjectText(d.s3, bucket, key);
    // `touch x.met.json` is a natural way to signal: an empty (or blank) file means no metadata.
    const content = text.trim() === '' ? {} : parseJsonObjectText(text, bucket, key, SIGNAL_EXPECTED);
    if (!isObject(content)) {
      const found = Array.isArray(content) ? 'an array' : content === null ? 'null' : typeof content;
      throw new BadInputError(`the signal file s3://${bucket}/${key} holds ${found}, not a JSON object`, SIGNAL_EXPECTED);
    }
    const params = stagingJobParams(bucket, key, config.suffix, content);
    const jobId = await d.submit(config.mozart, {
      ...config.job,
      tags: [params.id],
      params: { ...params },
      name: `job-${config.job.type}-${params.id}`,
    });
    return { jobId, id: params.id };
  });
  d.logger.log('info', outcome.duplicate ? 'signal file already submitted; duplicate skipped' : 'job submitted', {
    messageId,
    bucket,
    key,
    sequencer: object.sequencer,
    ...outcome.result,
  });
}

const fromEnvironment = lazy((): StagingSubmitDeps => ({ ...runtimeDeps(readConfig(process.env)), submit: submitJob }));

export const handler = createHandler(fromEnvironment);
