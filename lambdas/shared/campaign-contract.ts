/**
 * What the campaign's parts agree on, defined once: the ledger's layout (the table in
 * modules/campaign, the state machines' DynamoDB tasks, the campaign-events Lambda and the
 * command's library, lib/campaign/ledger.ts), the inventory formats the state machine reads, and
 * the environment each Batch array child gets. It lives beside the Lambdas because the
 * campaign-events function is its lowest reader; it has no dependencies.
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

/** The phases of a campaign, on the summary item. */
export const CAMPAIGN_PHASES = ['running', 'finished', 'stopped', 'cancelled'] as const;
export type CampaignPhase = (typeof CAMPAIGN_PHASES)[number];

/**
 * The conditional transitions of a ledger row, shared by the campaign state machine
 * (modules/campaign/definitions.ts) and the Batch-event Lambda (lambdas/campaign-events) so that both writers move a row the same way. A writer first updates
 * the row under `condition`; only the writer whose update won then changes the summary's counters
 * (`counters`, a plain ADD). So the summary counts every row once, whichever of the state machine
 * and the Batch events comes first, and a redelivered event or chunk changes nothing.
 *
 * Why not one TransactWriteItems of row and summary: every row's transaction would include the one
 * summary item, and DynamoDB cancels concurrent transactions on the same item
 * (TransactionConflict): with 40 rows a chunk and many chunks at once, most would be cancelled and
 * retried. A single-item ADD never conflicts. The cost: a writer that dies between its two updates
 * (a stopped execution) leaves one row uncounted; status would show it as waiting.
 */
export const ROW_TRANSITIONS = {
  // A row not yet written (absent: waiting) or put back to waiting by a retry, for a later attempt
  // than it last ran: a redelivered chunk of the same attempt does not count it twice.
  running: {
    condition: '(attribute_not_exists(#state) OR #state = :waiting) AND (attribute_not_exists(attempts) OR attempts < :attempt)',
    conditionValues: { ':waiting': 'waiting' },
    counters: 'ADD running :one',
  },
  // Only the attempt that is running ends it: a late event of an earlier attempt changes nothing.
  succeeded: { condition: '#state = :running AND attempts = :attempt', conditionValues: { ':running': 'running' }, counters: 'ADD running :minus, succeeded :one' },
  failed: { condition: '#state = :running AND attempts = :attempt', conditionValues: { ':running': 'running' }, counters: 'ADD running :minus, failed :one' },
} as const;
export type TransitionTo = keyof typeof ROW_TRANSITIONS;

/** The counter values every transition's `counters` expression uses. */
export const COUNTER_VALUES = { ':one': '1', ':minus': '-1' } as const;

/**
 * DynamoDB's throttling errors in both spellings Step Functions uses: `DynamoDB.<Code>` from the
 * optimized integration, `DynamoDb.<Exception>` from the AWS SDK integration (check PCM-SFN-4).
 */
const THROTTLE_CODES = ['ProvisionedThroughputExceededException', 'ThrottlingException', 'RequestLimitExceeded'];
export const DYNAMODB_THROTTLES: readonly string[] = [...THROTTLE_CODES.map((c) => `DynamoDB.${c}`), ...THROTTLE_CODES.map((c) => `DynamoDb.${c.endsWith('Exception') ? c : `${c}Exception`}`)];

/** How an inventory object is read: the state machine has one Map per format. */
export const INVENTORY_FORMATS = ['csv', 'jsonl', 'manifest'] as const;
export type InventoryFormat = (typeof INVENTORY_FORMATS)[number];

/**
 * Environment variables of each Batch array child: the chunk's item ids as a JSON list (the child
 * takes entry AWS_BATCH_JOB_ARRAY_INDEX), the campaign's name and the pass's attempt number (which
 * the Batch-event Lambda reads back from the job-state event to move the row of this attempt only).
 */
export const CAMPAIGN_JOB_ENV = { items: 'PCM_CAMPAIGN_ITEMS', campaign: 'PCM_CAMPAIGN', attempt: 'PCM_CAMPAIGN_ATTEMPT' } as const;
