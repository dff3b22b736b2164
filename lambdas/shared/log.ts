/**
 * Structured logs: one JSON object per line (level, message, fields), which CloudWatch Logs
 * Insights can query field by field. Callers pass only what is safe to log: keys and ids, never
 * secrets or whole signal files.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Readonly<Record<string, unknown>>;

export interface Logger {
  log(level: LogLevel, message: string, fields?: LogFields): void;
}

/** The Lambda runtime sends console output to the function's log group. */
export const consoleLogger: Logger = {
  log(level, message, fields = {}) {
    const line = JSON.stringify({ level, message, ...fields });
    if (level === 'error') console.error(line);
    else if (level === 'warn') console.warn(line);
    else console.log(line);
  },
};

/** The message of anything thrown, without its stack (one line per log entry). */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
