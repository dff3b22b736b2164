/**
 * Structured logs: one JSON object per line (timestamp, level, message, the invocation's request
 * id and function name, then the caller's fields), which CloudWatch Logs Insights can query field
 * by field, and which ties every line to one invocation (`filter requestId = "..."`). Callers pass
 * only what is safe to log: keys and ids, never secrets or whole signal files.
 *
 * Hand-written rather than Powertools' Logger: the kit installs no Lambda-only package, and this is
 * all of Powertools' logger the handlers use (one JSON object per line, with the request id).
 */
import type { Context } from 'aws-lambda';
import type { Env } from './env';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/** The Lambda runtime sends console output to the function's log group. */
export const consoleLogger: Logger = {
  log(level, message, fields = {}) {
    const timestamp = new Date().toISOString();
    // The line's own keys come first and cannot be overwritten by a field of the same name (a
    // repeated key keeps its first place in the object and takes its last value).
    const line = JSON.stringify(Object.assign({ timestamp, level, message }, fields, { timestamp, level, message }));
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  },
};

/** The part of Lambda's context a log line names. */
export type InvocationIds = Partial<Pick<Context, 'awsRequestId' | 'functionName'>>;

/**
 * The logger of one invocation: every line carries its `requestId` (Lambda's `awsRequestId`) and
 * `functionName` (the context's, else AWS_LAMBDA_FUNCTION_NAME). Made at each handler's entry
 * point, since the loggers in the cached collaborators outlive the invocation. The invocation's
 * ids win over a caller's field of the same name.
 */
export function invocationLogger(logger: Logger, context: InvocationIds | undefined, env: Env = process.env): Logger {
  const ids: Record<string, string> = {};
  if (context?.awsRequestId) ids.requestId = context.awsRequestId;
  const functionName = context?.functionName || env.AWS_LAMBDA_FUNCTION_NAME;
  if (functionName) ids.functionName = functionName;
  return { log: (level, message, fields = {}) => logger.log(level, message, { ...ids, ...fields, ...ids }) };
}

/** The message of anything thrown, without its stack (one line per log entry). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
