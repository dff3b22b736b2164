/** Where `npm run demo` records its deploy times, for `npm run bench` to report. */
import { join } from 'node:path';

export const DEMO_TIMES_FILE = join(__dirname, '..', '.build', 'demo-times.json');

export interface DemoTimes {
  /** When the demo finished (ISO 8601). */
  readonly at: string;
  /** Environments deployed at once. */
  readonly parallel: number;
  /** The whole demo, the campaign included. */
  readonly totalSeconds: number;
  /** From the start to the last environment deployed. */
  readonly deploySeconds?: number;
  /** The campaign, which runs beside the deploys. */
  readonly campaignSeconds?: number;
  readonly environments: Readonly<Record<string, { readonly seconds: number; readonly resources: number; readonly ok: boolean }>>;
}
