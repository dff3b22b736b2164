/**
 * Lambda runtimes that AWS still lets us create functions on. AWS deprecates a runtime, then
 * blocks creating functions on it, then blocks updating them; moto knows none of this, so a
 * stack that deploys to the emulator can still be refused by AWS.
 */
import { violation, type RuleCheck } from '../rule';

export interface RuntimeDates {
  /** Security patches end. */
  readonly deprecated: string;
  /** CreateFunction refused from this day. */
  readonly blockCreate: string;
  /** UpdateFunctionCode refused from this day. */
  readonly blockUpdate: string;
}

/**
 * AWS's Lambda runtime deprecation table (docs: "Lambda runtimes", "Runtime deprecation") for
 * the runtimes a Node.js kit could name. A runtime missing here is refused: the rule cannot
 * vouch for it. Update the table when AWS announces new dates.
 */
export const RUNTIME_DATES: Readonly<Record<string, RuntimeDates>> = {
  'nodejs16.x': { deprecated: '2024-06-12', blockCreate: '2025-09-01', blockUpdate: '2025-10-01' },
  'nodejs18.x': { deprecated: '2025-09-01', blockCreate: '2026-03-09', blockUpdate: '2026-04-08' },
  'nodejs20.x': { deprecated: '2026-04-30', blockCreate: '2026-08-31', blockUpdate: '2026-09-30' },
  'nodejs22.x': { deprecated: '2027-04-30', blockCreate: '2027-06-01', blockUpdate: '2027-07-01' },
};

const todayUtc = () => new Date().toISOString().slice(0, 10);

/** Every function names a runtime in the table that AWS has not yet deprecated. */
export const lambdaRuntime: RuleCheck = ({ stack, today = todayUtc() }) =>
  stack.ofType('aws_lambda_function').flatMap((fn) => {
    const runtime = fn.values.runtime;
    if (typeof runtime !== 'string') return [violation(fn, `runtime cannot be read (${JSON.stringify(runtime)})`)];
    const dates = RUNTIME_DATES[runtime];
    if (!dates) return [violation(fn, `runtime ${runtime} is not in the rule's table of supported runtimes (${Object.keys(RUNTIME_DATES).join(', ')})`)];
    if (today >= dates.blockCreate) return [violation(fn, `runtime ${runtime}: AWS refuses to create functions on it since ${dates.blockCreate}`)];
    if (today >= dates.deprecated) return [violation(fn, `runtime ${runtime} is deprecated since ${dates.deprecated}; creating functions is blocked from ${dates.blockCreate}`)];
    return [];
  });
