/**
 * The harikiri function's environment, defined once: stacks/compute-stack.ts writes it, the
 * handler reads it (lambdas/shared/env.ts says how).
 */
import { environmentContract, list } from '../shared/env';

export const HARIKIRI_ENV = environmentContract('harikiri', {
  /** This environment's worker groups (`<VENUE>-<queue>`): the only ones harikiri shrinks. */
  groups: list('WORKER_GROUPS', { pattern: /^[^\s,]{1,255}$/, expected: 'autoscaling group name' }),
});
