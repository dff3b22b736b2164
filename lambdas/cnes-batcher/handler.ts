/**
 * The CNES batcher's Lambda entry point, run on an EventBridge schedule (reserved concurrency 1).
 * A failed run throws: Lambda retries the asynchronous invocation a bounded number of times, then
 * sends it to the on-failure destination; the next scheduled run finishes what was left open.
 */
import type { ScheduledEvent } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import { prefixValue, requiredString, type Env } from '../shared/env';
import { lazy } from '../shared/lazy';
import { consoleLogger, errorMessage, type Logger } from '../shared/log';
import { CnesBatcher, type CnesBatcherConfig, type RunSummary } from './batcher';

export function readConfig(env: Env): CnesBatcherConfig {
  return {
    archiveBucket: requiredString(env, 'ARCHIVE_BUCKET'),
    outgoingPrefix: prefixValue(env, 'OUTGOING_PREFIX'),
    messagesBucket: requiredString(env, 'MESSAGES_BUCKET'),
    cnmSPrefix: prefixValue(env, 'CNM_S_PREFIX'),
    statePrefix: prefixValue(env, 'STATE_PREFIX'),
    cnmVersion: requiredString(env, 'CNM_VERSION'),
    provider: requiredString(env, 'PROVIDER'),
    collection: requiredString(env, 'COLLECTION'),
  };
}

export interface CnesBatcherDeps {
  readonly batcher: CnesBatcher;
  readonly logger: Logger;
}

export function createHandler(deps: () => CnesBatcherDeps) {
  return async (event?: Partial<ScheduledEvent>): Promise<RunSummary> => {
    let d: CnesBatcherDeps;
    try {
      d = deps();
    } catch (error) {
      consoleLogger.log('error', 'configuration error', { error: errorMessage(error) });
      throw error;
    }
    try {
      const summary = await d.batcher.run();
      d.logger.log('info', summary.batch ? 'CNM-S written for CNES' : 'nothing new for CNES', { eventId: event?.id, ...summary });
      return summary;
    } catch (error) {
      d.logger.log('error', 'batch run failed; the next run finishes what this one left open', {
        eventId: event?.id,
        error: errorMessage(error),
        expected: 'the archive bucket listable and the messages bucket writable under the CNM-S and state prefixes',
      });
      throw error;
    }
  };
}

const fromEnvironment = lazy((): CnesBatcherDeps => ({ batcher: new CnesBatcher(readConfig(process.env), new S3Client({})), logger: consoleLogger }));

export const handler = createHandler(fromEnvironment);
