/**
 * Synthesis without cdktf's per-token stack traces.
 *
 * cdktf 0.21 captures a full, unlimited-depth stack trace (formatted to strings) for every token it
 * creates (Intrinsic, Lazy, complex attribute references), whatever the App's `stackTraces`
 * option says: that option only covers annotations. The traces are read in one place only, the
 * message of an error thrown when a token cannot be resolved; they never reach the synthesized
 * JSON. Capturing them was a quarter of the app's CPU time (npm run bench, issue 15).
 *
 * `PCM_TOKEN_STACK_TRACES=1` keeps them, for the day a token error needs its creation stack.
 */

/** Set to 1 to keep cdktf's token creation stacks (slow; only for debugging a token error). */
export const TOKEN_STACK_TRACES_VARIABLE = 'PCM_TOKEN_STACK_TRACES';

interface StackTraceModule {
  captureStackTrace: (below?: unknown) => string[];
}

/**
 * The module every cdktf token calls, through its exports object at each call
 * (`(0, stack_trace_1.captureStackTrace)()`), so replacing the export reaches every caller.
 * A plain `require`: a namespace import would be a read-only copy.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the mutable exports object, which an import would not give (see above)
const stackTraces = require('cdktf/lib/tokens/private/stack-trace') as StackTraceModule;

const noTrace = (): string[] => [];

/** Whether this cdktf has the capture function where this module replaces it (a test checks it). */
export function tokenStackTracesReplaceable(): boolean {
  return typeof stackTraces.captureStackTrace === 'function';
}

/** Runs `work` (building and synthesizing an app) with token stack traces off, then restores them. */
export function withoutTokenStackTraces<T>(work: () => T, env: NodeJS.ProcessEnv = process.env): T {
  if (env[TOKEN_STACK_TRACES_VARIABLE] === '1' || !tokenStackTracesReplaceable()) return work();
  const original = stackTraces.captureStackTrace;
  stackTraces.captureStackTrace = noTrace;
  try {
    return work();
  } finally {
    stackTraces.captureStackTrace = original;
  }
}
