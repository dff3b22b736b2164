/**
 * The cnes-batcher function's environment, defined once: modules/messaging/message-lambdas.ts
 * writes it, the handler reads it (lambdas/shared/env.ts says how).
 */
import { environmentContract, integer, keyPrefix, required } from '../shared/env';

/** The batcher runs one at a time: two overlapping runs could list the same archive. */
export const CNES_BATCHER_RESERVED_CONCURRENCY = 1;

/** Archives one CNM-S lists when MAX_ARCHIVES_PER_CNM_S is unset (CNES reads one file per poll). */
export const DEFAULT_MAX_ARCHIVES_PER_CNM_S = 1000;

export const CNES_BATCHER_ENV = environmentContract('cnes-batcher', {
  /** The archive bucket, whose `outgoing/` archives are listed. */
  archiveBucket: required('ARCHIVE_BUCKET'),
  outgoingPrefix: keyPrefix('OUTGOING_PREFIX'),
  /** The messages bucket: the CNM-S files for CNES and the batcher's ledger. */
  messagesBucket: required('MESSAGES_BUCKET'),
  cnmSPrefix: keyPrefix('CNM_S_PREFIX'),
  /** The ledger of archives already announced. */
  statePrefix: keyPrefix('STATE_PREFIX'),
  /** The CNM version the messages declare (cnm.version). */
  cnmVersion: required('CNM_VERSION'),
  /** The messages' provider: the venue. */
  provider: required('PROVIDER'),
  /** The messages' collection. */
  collection: required('COLLECTION'),
  /** A backlog is announced in several CNM-S of at most this many archives. */
  maxArchivesPerCnmS: integer('MAX_ARCHIVES_PER_CNM_S', { fallback: DEFAULT_MAX_ARCHIVES_PER_CNM_S, min: 1, max: 100_000 }),
});
