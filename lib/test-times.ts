/**
 * Where a full jest run records its wall time and slowest suites (test/support/summary-reporter.js
 * writes it), for `npm run bench` to report.
 */
import { join } from 'node:path';

export const TEST_TIMES_FILE = join(__dirname, '..', '.build', 'test-times.json');

export interface TestTimes {
  /** When the run ended (ISO 8601). */
  readonly at: string;
  /** Wall time of the whole run. */
  readonly seconds: number;
  readonly tests: { readonly passed: number; readonly failed: number; readonly skipped: number };
  readonly suites: number;
  /** The ten slowest suites, slowest first: path relative to the repository, wall seconds. */
  readonly slowest: ReadonlyArray<{ readonly suite: string; readonly seconds: number }>;
}
