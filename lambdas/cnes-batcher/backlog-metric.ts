/**
 * The batcher's backlog metric, published as a CloudWatch Embedded Metric Format (EMF) log line:
 * CloudWatch Logs turns the line into a metric, so the function needs no cloudwatch:PutMetricData
 * permission and no extra request. The names here are the contract with the alarm
 * (modules/messaging/message-lambdas.ts imports them).
 */

export const BACKLOG_NAMESPACE = 'PCM/CnesBatcher';
export const BACKLOG_METRIC = 'Backlog';
/** The one dimension: the function's name, so every environment's batcher has its own series. */
export const BACKLOG_DIMENSION = 'FunctionName';

/** One EMF document: a JSON object on a line of its own. */
export function backlogMetricLine(functionName: string, backlog: number, timestampMs: number): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [{ Namespace: BACKLOG_NAMESPACE, Dimensions: [[BACKLOG_DIMENSION]], Metrics: [{ Name: BACKLOG_METRIC, Unit: 'Count' }] }],
    },
    [BACKLOG_DIMENSION]: functionName,
    [BACKLOG_METRIC]: backlog,
  });
}

/**
 * Writes straight to stdout: Lambda's Node runtime prefixes what `console.log` prints with a time,
 * request id and level, and CloudWatch extracts EMF only from a line that is JSON from its start
 * (the same reason aws-embedded-metrics writes through its own Console on process.stdout).
 */
export function writeMetricLine(line: string): void {
  process.stdout.write(`${line}\n`);
}
