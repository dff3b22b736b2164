/** Where `npm run demo` records its deploy times, for `npm run bench` to report. */
import { join } from 'node:path';

export const DEMO_TIMES_FILE = join(__dirname, '..', '.build', 'demo-times.json');

export interface DemoTimes {
  /** When the demo finished (ISO 8601). */
  readonly at: string;
  /** Environments deployed at once. */
  readonly parallel: number;
  readonly totalSeconds: number;
  readonly environments: Readonly<Record<string, { readonly seconds: number; readonly resources: number; readonly ok: boolean }>>;
}
