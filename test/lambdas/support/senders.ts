/**
 * Messages built the way the real senders build them (not hand-written fixtures), so the handlers
 * are tried on what partners actually send.
 *
 * Cumulus (the DAAC side), cnm-response task:
 * - the CNM-R is a deep copy of the CNM-S it answers, with `response` added
 *   (`{status}`, or `{status, errorCode, errorMessage}` on FAILURE);
 * - `receivedTime` and `processCompleteTime` are written with Python's "%Y-%m-%d %H:%M:%SZ"
 *   (a space, whole seconds, a Z), whatever the CNM-S used;
 * - on SUCCESS, `ingestionMetadata` (catalogId, catalogUrl) sits at the TOP level, beside `response`;
 * - on FAILURE, `product` is removed;
 * - when the workflow crashes before it read the CNM-S, the identifier is "Unknown/Missing identifier".
 *
 * CNES (assumed interface, see the notes): it answers a batch CNM-S (one identifier, many archive
 * files) per archive: each answer is a CNM-R with the batch's identifier and a `product` naming one
 * archive (its name and its one file); a file under `cnm-r/` holds one answer or an array of them,
 * and CNES may write several files for one batch (as it works through the archives).
 */
import type { CnmNotification } from '../../../lambdas/shared/cnm';

/** Python's time.strftime("%Y-%m-%d %H:%M:%SZ") on a UTC time. */
export function cumulusTime(date: Date): string {
  return date.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

export interface CumulusOutcome {
  readonly status: 'SUCCESS' | 'FAILURE';
  /** When Cumulus received the CNM-S and finished with it. */
  readonly received: Date;
  readonly completed: Date;
  readonly errorCode?: string;
  readonly errorMessage?: string;
  /** CMR's answer on SUCCESS. */
  readonly catalogId?: string;
}

/** Cumulus's CNM-R for a CNM-S. */
export function cumulusResponse(cnmS: CnmNotification | Record<string, unknown>, outcome: CumulusOutcome): Record<string, unknown> {
  const copy = structuredClone(cnmS) as Record<string, unknown>;
  copy.receivedTime = cumulusTime(outcome.received);
  copy.processCompleteTime = cumulusTime(outcome.completed);
  if (outcome.status === 'SUCCESS') {
    copy.response = { status: 'SUCCESS' };
    if (outcome.catalogId) copy.ingestionMetadata = { catalogId: outcome.catalogId, catalogUrl: `https://cmr.earthdata.nasa.gov/search/concepts/${outcome.catalogId}.json` };
  } else {
    copy.response = { status: 'FAILURE', errorCode: outcome.errorCode ?? 'PROCESSING_ERROR', errorMessage: outcome.errorMessage ?? 'workflow failed' };
    delete copy.product;
  }
  return copy;
}

/** What Cumulus publishes when its workflow crashed before reading the message. */
export function cumulusCrashResponse(errorMessage: string, at: Date): Record<string, unknown> {
  return {
    identifier: 'Unknown/Missing identifier',
    version: '1.6.0',
    submissionTime: cumulusTime(at),
    receivedTime: cumulusTime(at),
    processCompleteTime: cumulusTime(at),
    response: { status: 'FAILURE', errorCode: 'PROCESSING_ERROR', errorMessage },
  };
}

export interface CnesAnswer {
  /** The archive's file name, as listed in the batch's product.files. */
  readonly file: string;
  readonly status: 'SUCCESS' | 'FAILURE';
  readonly errorMessage?: string;
}

/** CNES's per-archive answers to a batch CNM-S. */
export function cnesAnswers(batch: CnmNotification, answers: readonly CnesAnswer[], at: Date): Record<string, unknown>[] {
  return answers.map(({ file, status, errorMessage }) => {
    const listed = batch.product.files.find((f) => f.name === file);
    if (!listed) throw new Error(`test bug: ${file} is not in batch ${batch.identifier}`);
    return {
      version: batch.version,
      provider: 'CNES',
      collection: batch.collection,
      identifier: batch.identifier,
      submissionTime: batch.submissionTime,
      receivedTime: at.toISOString(),
      processCompleteTime: at.toISOString(),
      product: { name: file, files: [listed] },
      response: status === 'SUCCESS' ? { status } : { status, errorCode: 'TRANSFER_ERROR', errorMessage: errorMessage ?? 'copy failed' },
    };
  });
}
