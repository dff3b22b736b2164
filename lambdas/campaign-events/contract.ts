/**
 * The campaign-events function's environment, defined once: the construct that wires the function
 * (modules/campaign/campaign-events.ts) and the handler that reads it both import this (no runtime
 * dependencies, so synthesis stays light).
 */
export const CAMPAIGN_EVENTS_ENV = {
  /** The campaign ledger's DynamoDB table name. */
  table: 'LEDGER_TABLE',
} as const;

/** The event the rule sends: Batch's job state changes, at the two ends a ledger row records. */
export const BATCH_EVENT = { source: 'aws.batch', detailType: 'Batch Job State Change', statuses: ['SUCCEEDED', 'FAILED'] } as const;
