/**
 * The cnm-r-consumer function's environment, defined once: modules/messaging/message-lambdas.ts
 * writes it, the handler reads it (lambdas/shared/env.ts says how).
 */
import { environmentContract, keyPrefix, required } from '../shared/env';
import { JOB_ENV, MOZART_ENV } from '../shared/mozart-contract';

export const CNM_R_CONSUMER_ENV = environmentContract('cnm-r-consumer', {
  mozart: MOZART_ENV,
  /** The messages bucket, where CNES writes its responses and this function records them. */
  messagesBucket: required('MESSAGES_BUCKET'),
  /** Where CNES writes its responses, e.g. `cnm-r/`. */
  cnmRPrefix: keyPrefix('CNM_R_PREFIX'),
  /** Where this function records responses, e.g. `cnm-r/received/`. */
  recordPrefix: keyPrefix('RECORD_PREFIX'),
  job: JOB_ENV,
  /** Remembers the responses already handled. */
  idempotencyTable: required('IDEMPOTENCY_TABLE'),
}).withCheck(['cnmRPrefix', 'recordPrefix'], ({ cnmRPrefix, recordPrefix }) =>
  // Records around the responses would be read back as CNES responses: a loop.
  cnmRPrefix.startsWith(recordPrefix) ? `RECORD_PREFIX "${recordPrefix}" contains CNM_R_PREFIX "${cnmRPrefix}"; expected the record prefix inside or beside it, never around it` : undefined,
);
