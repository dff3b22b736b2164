/**
 * The harikiri function's environment, defined once: the construct that wires the function and
 * the handler that reads it both import this (no runtime dependencies, so synthesis stays light).
 */
export const HARIKIRI_ENV = {
  /** Comma-separated names of this environment's worker groups (`<VENUE>-<queue>`). */
  groups: 'WORKER_GROUPS',
} as const;

/** The variable's value for a list of group names. */
export const workerGroupsValue = (groups: readonly string[]): string => groups.join(',');
