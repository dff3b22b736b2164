/**
 * The campaign-events function's contract, defined once: its environment (written by
 * modules/campaign/campaign-events.ts, read by the handler; lambdas/shared/env.ts says how) and the
 * event its rule sends. No runtime dependencies, so synthesis stays light.
 */
import { environmentContract, required } from '../shared/env';

export const CAMPAIGN_EVENTS_ENV = environmentContract('campaign-events', {
  /** The campaign ledger's DynamoDB table name. */
  table: required('LEDGER_TABLE'),
});

/** The event the rule sends: Batch's job state changes, at the two ends a ledger row records. */
export const BATCH_EVENT = { source: 'aws.batch', detailType: 'Batch Job State Change', statuses: ['SUCCEEDED', 'FAILED'] } as const;
