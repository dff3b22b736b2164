/**
 * The CNES batcher's Lambda entry point, run on an EventBridge schedule (reserved concurrency 1).
 * A run works until its time budget (the invocation's remaining time, less a reserve) is spent and
 * leaves the rest to the next run. A failed run throws: Lambda retries the asynchronous invocation
 * a bounded number of times, then sends it to the on-failure destination; the next scheduled run
 * resumes what was left open. Each run logs the backlog as an EMF metric line.
 */
import type { Context, ScheduledEvent } from 'aws-lambda';
import { S3Client } from '@aws-sdk/client-s3';
import type { Env } from '../shared/env';
import { lazy } from '../shared/lazy';
import { consoleLogger, errorMessage, invocationLogger, type InvocationIds, type Logger } from '../shared/log';
import { backlogMetricLine, writeMetricLine } from './backlog-metric';
import { CnesBatcher, type CnesBatcherConfig, type RunSummary, type TimeLeft } from './batcher';
import { CNES_BATCHER_ENV } from './contract';

/** The function's configuration, through its contract (the construct writes the same one). */
export function readConfig(env: Env): CnesBatcherConfig {
  return CNES_BATCHER_ENV.read(env);
}

export interface CnesBatcherDeps {
  readonly batcher: CnesBatcher;
  readonly logger: Logger;
  /** Names the metric's series. @default AWS_LAMBDA_FUNCTION_NAME */
  readonly functionName?: string;
  readonly now?: () => number;
  /** Where the metric line goes. @default stdout, unprefixed */
  readonly emitMetric?: (line: string) => void;
}

/**
 * The run's budget: what the invocation has left, less a reserve for the writes in flight when it
 * ends, the last log line and clock skew (a fifth of the time, at least 5 s). Without a Lambda
 * context (a test, a manual call) the run is unbounded.
 */
export function budgetFrom(context: Pick<Context, 'getRemainingTimeInMillis'> | undefined): TimeLeft {
  if (!context?.getRemainingTimeInMillis) return () => Infinity;
  const reserve = Math.max(5000, context.getRemainingTimeInMillis() / 5);
  return () => context.getRemainingTimeInMillis() - reserve;
}

export function createHandler(deps: () => CnesBatcherDeps) {
  return async (event?: Partial<ScheduledEvent>, context?: Pick<Context, 'getRemainingTimeInMillis'> & InvocationIds): Promise<RunSummary> => {
    let d: CnesBatcherDeps;
    try {
      const made = deps();
      d = { ...made, logger: invocationLogger(made.logger, context) };
    } catch (error) {
      invocationLogger(consoleLogger, context).log('error', 'configuration error', { error: errorMessage(error) });
      throw error;
    }
    try {
      const summary = await d.batcher.run(budgetFrom(context));
      const message = summary.outOfTime
        ? 'time budget spent; the next run resumes the backlog'
        : summary.batches.length > 0 || summary.resumed.length > 0
          ? 'CNM-S written for CNES'
          : 'nothing new for CNES';
      d.logger.log(summary.outOfTime ? 'warn' : 'info', message, { eventId: event?.id, ...summary });
      (d.emitMetric ?? writeMetricLine)(backlogMetricLine(d.functionName ?? process.env.AWS_LAMBDA_FUNCTION_NAME ?? 'cnes-batcher', summary.backlog, (d.now ?? Date.now)()));
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
