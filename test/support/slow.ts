/**
 * Tests that take the better part of an hour in moto_server on this machine kind run only when
 * PCM_SLOW_TESTS=1; otherwise they are skipped, and say so, so that CI stays within its limits.
 */
export const RUN_SLOW = process.env.PCM_SLOW_TESTS === '1';

export function slowTest(what: string): boolean {
  if (!RUN_SLOW) console.warn(`SKIPPED (slow): ${what}; run it with PCM_SLOW_TESTS=1`);
  return RUN_SLOW;
}
