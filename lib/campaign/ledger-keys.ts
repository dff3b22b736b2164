/**
 * The ledger's layout, shared by the table (modules/campaign), the state machines' DynamoDB tasks
 * (modules/campaign/definitions.ts) and the command's library (lib/campaign/ledger.ts): one
 * definition, both ends.
 *
 * One partition per campaign: the summary item (sort key `#summary`, which sorts before every
 * row) holds the counts that status reads; each inventory row is an item `item#<id>`.
 */
export const LEDGER_KEYS = { partition: 'campaign', sort: 'item' } as const;
export const SUMMARY_ITEM = '#summary';
export const ROW_PREFIX = 'item#';

/**
 * The sparse index of rows a retry may take: a failed or missing row carries `retryable` (its
 * campaign's name), written by whatever makes it failed or missing and removed by whatever moves
 * it on, so the retry state machine finds them with one bounded Query, never a scan.
 */
export const RETRY_INDEX = 'retryable';
/** The partition listing every campaign (sort key: its name), for the scheduled retry. */
export const CAMPAIGN_INDEX = '#campaigns';

/** The states of a row. `missing`: succeeded, but verify found no output. */
export const ROW_STATES = ['waiting', 'running', 'succeeded', 'failed', 'missing', 'abandoned'] as const;
export type RowState = (typeof ROW_STATES)[number];

/** Counters on the summary item, one per state that is counted as it changes. */
export const SUMMARY_COUNTERS = {
  running: 'running',
  succeeded: 'succeeded',
  failed: 'failed',
  missing: 'missing',
  abandoned: 'abandoned',
} as const;

/** The phases of a campaign, on the summary item. */
export const CAMPAIGN_PHASES = ['running', 'finished', 'stopped', 'cancelled'] as const;
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];
