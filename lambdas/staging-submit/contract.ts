/**
 * The staging-submit function's environment, defined once: modules/messaging/message-lambdas.ts
 * writes it, the handler reads it (lambdas/shared/env.ts says how).
 */
import { environmentContract, keyPrefix, required } from '../shared/env';
import { JOB_ENV, MOZART_ENV } from '../shared/mozart-contract';

export const STAGING_SUBMIT_ENV = environmentContract('staging-submit', {
  mozart: MOZART_ENV,
  /** The dataset bucket, whose staging area the function watches. */
  datasetBucket: required('DATASET_BUCKET'),
  /** The staging area's key prefix (stagingArea.prefix), e.g. `staging_area/`. */
  prefix: keyPrefix('STAGING_PREFIX'),
  /** The signal file's suffix (stagingArea.suffix), stripped to find the data file. */
  suffix: required('STAGING_SUFFIX'),
  job: JOB_ENV,
  /** Remembers the signal files already submitted. */
  idempotencyTable: required('IDEMPOTENCY_TABLE'),
});
