/**
 * The CNES batcher: each run announces the archives added to `outgoing/` since the previous CNM-S,
 * in CNM-S files under `cnm-s/` in the messages bucket, each listing at most `maxArchivesPerCnmS`
 * archives; none when nothing is new. A run stops when its time budget is spent and the next run
 * resumes where it stopped, so any backlog (first enabling CNES on a full `outgoing/`) drains over
 * a bounded number of runs instead of blocking the batcher.
 *
 * CNES reads and then deletes what is under `cnm-s/`, so the batcher's memory lives elsewhere, under
 * the state prefix (which CNES cannot reach):
 *
 *   <state>listed/<archive key>#<etag>   ledger marker: this archive (this content) was announced
 *                                        (`listed/~sha256/<digest>` when that key would pass 1024 bytes)
 *   <state>open/<batch id>.json          a batch decided but not yet finished (at most one)
 *   <state>published/<batch id>.json     a finished batch, kept for the record
 *
 * One run: (0) list the ledger and outgoing/, once each; (1) finish the open batch, if any; (2) an
 * archive is new when it has no marker; then, oldest first, while the budget lasts: (3) write the
 * batch record (state open, its archives and its whole CNM-S); (4) write the CNM-S; (5) mark the
 * batch sent; (6) write its missing markers, several at a time; (7) record it published and remove
 * it from open/.
 *
 * The guarantee, whatever step a crash or the end of the budget interrupts (the next run starts at
 * (0) and resumes at (1)):
 * - never skipped: an archive leaves the "new" set only through a marker, and a marker is written
 *   only after the CNM-S that lists it (4 before 6);
 * - never in two different CNM-S: an archive is put in a batch only when it has no marker and no
 *   batch is open (a new batch is started only after the previous one's markers all exist); an open
 *   batch is finished with the CNM-S stored in its record: same identifier, same key, same bytes;
 * - completed writes are not redone: a batch marked sent does not write its CNM-S again, the
 *   markers the ledger listing shows are skipped, and a published record already there (one listing)
 *   is not rewritten, so a resumed batch writes only what is missing;
 * - at most one repeat of a CNM-S: a crash between (4) and (5) makes the next run write the same
 *   CNM-S again (CNES may have read and deleted the first, so its presence proves nothing). The
 *   identifier is CNES's duplicate key.
 * It relies on one run at a time: the construct sets reserved concurrency 1.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, paginateListObjectsV2, PutObjectCommand, type S3Client, type _Object } from '@aws-sdk/client-s3';
import { archiveFile, cnmTime, type CnmNotification } from '../shared/cnm';
import { DEFAULT_MAX_ARCHIVES_PER_CNM_S } from './contract';

export interface CnesBatcherConfig {
  readonly archiveBucket: string;
  readonly outgoingPrefix: string;
  readonly messagesBucket: string;
  readonly cnmSPrefix: string;
  readonly statePrefix: string;
  readonly cnmVersion: string;
  readonly provider: string;
  readonly collection: string;
  /** Archives listed in one CNM-S at most (CNES reads one file per poll). @default 1000 */
  readonly maxArchivesPerCnmS?: number;
  /** Ledger markers written at once. @default 16 */
  readonly markerConcurrency?: number;
  /**
   * Writes a run makes even when its budget is already spent (by listing a huge `outgoing/`, say),
   * so that every run makes progress; every write is crash-safe, and the handler's reserve covers
   * them. @default 16
   */
  readonly minWritesPerRun?: number;
}

export const DEFAULT_MARKER_CONCURRENCY = 16;
export const DEFAULT_MIN_WRITES_PER_RUN = 16;

export interface Archive {
  readonly key: string;
  /** Without quotes. */
  readonly eTag: string;
  readonly size: number;
}

interface ListedArchive extends Archive {
  readonly lastModified: number;
}

export interface BatchRecord {
  readonly id: string;
  readonly state: 'open' | 'sent';
  readonly createdAt: string;
  /** Where the CNM-S goes in the messages bucket. */
  readonly cnmKey: string;
  readonly archives: readonly Archive[];
  /** The CNM-S itself, so that finishing the batch later writes exactly the same message. */
  readonly message: CnmNotification;
}

export interface BatchSummary {
  readonly id: string;
  readonly cnmKey: string;
  readonly archives: number;
  /** False when the budget ended before its markers were all written: the next run finishes it. */
  readonly finished: boolean;
}

export interface RunSummary {
  /** A batch left open by an earlier run that this run finished. */
  readonly resumed: readonly string[];
  /** The batches this run started, oldest archives first. */
  readonly batches: readonly BatchSummary[];
  /** Archives in outgoing/ not yet in any CNM-S when the run ended (the metric `Backlog`). */
  readonly backlog: number;
  /** Whether the run stopped because its time budget was spent. */
  readonly outOfTime: boolean;
  /** S3 writes this run made. */
  readonly writes: number;
}

/**
 * How much time a run has left, in milliseconds; the batcher starts no write once it is at or
 * below zero. @default unlimited
 */
export type TimeLeft = () => number;

class OutOfTime extends Error {}

export class CnesBatcher {
  private writes = 0;
  private inFlight = 0;

  constructor(
    private readonly config: CnesBatcherConfig,
    private readonly s3: S3Client,
    private readonly now: () => number = Date.now,
  ) {}

  async run(budget: TimeLeft = () => Infinity): Promise<RunSummary> {
    this.writes = 0;
    const minWrites = this.config.minWritesPerRun ?? DEFAULT_MIN_WRITES_PER_RUN;
    const timeLeft: TimeLeft = () => (this.writes + this.inFlight < minWrites ? Infinity : budget());
    const resumed: string[] = [];
    const batches: BatchSummary[] = [];
    // Each listing once per run, the two side by side (an archive arriving after the listing
    // waits for the next run). `listed` grows as this run writes markers.
    const [ledger, archives] = await Promise.all([this.listKeys(this.config.messagesBucket, this.statePath('listed/')), this.listArchives()]);
    const listed = new Set(ledger);
    const unlisted = (batch?: BatchRecord) => {
      const inBatch = new Set(batch?.archives.map((a) => this.markerKey(a)));
      return archives.filter((a) => !listed.has(this.markerKey(a)) && !inBatch.has(this.markerKey(a)));
    };
    const summary = (backlog: number, outOfTime: boolean): RunSummary => ({ resumed, batches, backlog, outOfTime, writes: this.writes });

    for (const key of await this.listKeys(this.config.messagesBucket, this.statePath('open/'))) {
      const batch = JSON.parse(await this.read(this.config.messagesBucket, key)) as BatchRecord;
      if (!(await this.finish(batch, listed, timeLeft, true))) return summary(unlisted(batch).length, true);
      resumed.push(batch.id);
    }

    const fresh = unlisted();
    // Oldest first: a backlog drains in arrival order, and what came last waits least behind it.
    fresh.sort((a, b) => a.lastModified - b.lastModified || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const max = this.config.maxArchivesPerCnmS ?? DEFAULT_MAX_ARCHIVES_PER_CNM_S;
    let next = 0;
    while (next < fresh.length) {
      if (timeLeft() <= 0) return summary(fresh.length - next, true);
      const batch = this.newBatch(fresh.slice(next, next + max));
      next += batch.archives.length;
      await this.putJson(this.config.messagesBucket, this.openKey(batch.id), batch);
      const finished = await this.finish(batch, listed, timeLeft);
      batches.push({ id: batch.id, cnmKey: batch.cnmKey, archives: batch.archives.length, finished });
      if (!finished) return summary(fresh.length - next, true);
    }
    return summary(0, false);
  }

  /**
   * Steps 4 to 7 for a batch, skipping what is already done. False when the budget ended first
   * (the batch stays open and the next run resumes it).
   */
  private async finish(batch: BatchRecord, listed: Set<string>, timeLeft: TimeLeft, resumed = false): Promise<boolean> {
    const { messagesBucket } = this.config;
    if (batch.state === 'open') {
      await this.putJson(messagesBucket, batch.cnmKey, batch.message);
      await this.putJson(messagesBucket, this.openKey(batch.id), { ...batch, state: 'sent' });
    }
    const missing = batch.archives.map((archive) => this.markerKey(archive)).filter((key) => !listed.has(key));
    try {
      await this.forEachConcurrently(missing, async (key) => {
        if (timeLeft() <= 0) throw new OutOfTime();
        await this.put(messagesBucket, key, batch.id);
        listed.add(key);
      });
    } catch (error) {
      if (error instanceof OutOfTime) return false;
      throw error;
    }
    if (timeLeft() <= 0) return false;
    const published = this.statePath(`published/${batch.id}.json`);
    // A resumed batch may have stopped between (7)'s two writes: the record is not written twice.
    if (!(resumed && (await this.exists(messagesBucket, published)))) {
      await this.putJson(messagesBucket, published, { ...batch, state: 'sent' });
    }
    await this.delete(messagesBucket, this.openKey(batch.id));
    return true;
  }

  /** Runs `work` over `items`, `markerConcurrency` at a time; the first failure stops new work and is rethrown once the others settle. */
  private async forEachConcurrently(items: readonly string[], work: (item: string) => Promise<void>): Promise<void> {
    let index = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      while (failure === undefined && index < items.length) {
        const item = items[index++];
        try {
          await work(item);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    const concurrency = Math.max(1, this.config.markerConcurrency ?? DEFAULT_MARKER_CONCURRENCY);
    await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
    if (failure) throw failure.error;
  }

  private newBatch(archives: readonly Archive[]): BatchRecord {
    const now = new Date(this.now());
    const sorted = archives.map(({ key, eTag, size }) => ({ key, eTag, size })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Sortable by time, unique by content: two batches in one second cannot list the same archives.
    const digest = createHash('sha256').update(sorted.map((a) => `${a.key}#${a.eTag}`).join('\n')).digest('hex').slice(0, 12);
    const id = `${now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}-${digest}`;
    const cnmKey = `${this.config.cnmSPrefix}${id}.json`;
    const message: CnmNotification = {
      version: this.config.cnmVersion,
      provider: this.config.provider,
      submissionTime: cnmTime(now),
      collection: this.config.collection,
      identifier: id,
      product: { name: id, files: sorted.map((a) => archiveFile(this.config.archiveBucket, a.key, a.size)) },
    };
    return { id, state: 'open', createdAt: cnmTime(now), cnmKey, archives: sorted, message };
  }

  private async listArchives(): Promise<ListedArchive[]> {
    const archives: ListedArchive[] = [];
    for await (const object of this.objects(this.config.archiveBucket, this.config.outgoingPrefix)) {
      // A folder marker (the kit's own `outgoing/`, a console folder) is an empty object ending in "/": not an archive.
      if (!object.Key || object.Key.endsWith('/')) continue;
      archives.push({ key: object.Key, eTag: (object.ETag ?? '').replace(/"/g, ''), size: object.Size ?? 0, lastModified: object.LastModified?.getTime() ?? 0 });
    }
    return archives;
  }

  private async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const object of this.objects(bucket, prefix)) if (object.Key) keys.push(object.Key);
    return keys.sort();
  }

  /**
   * Every object under a prefix, page after page. Listings are whole, never cut by the budget: a
   * partial ledger would make announced archives look new (announced twice), so a run lists first
   * and `minWritesPerRun` keeps a run whose listing ate the budget making progress.
   * `stopOnSameToken`: an endpoint answering the same continuation token twice ends the listing
   * instead of looping on it.
   */
  private async *objects(bucket: string, prefix: string): AsyncGenerator<_Object> {
    for await (const page of paginateListObjectsV2({ client: this.s3, stopOnSameToken: true }, { Bucket: bucket, Prefix: prefix })) yield* page.Contents ?? [];
  }

  /**
   * Whether an object exists, by listing its exact key: a HEAD of a missing key answers 403, not
   * 404, unless the role may list the bucket unconditionally; this role lists only its prefix.
   */
  private async exists(bucket: string, key: string): Promise<boolean> {
    const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: key, MaxKeys: 1 }));
    return (page.Contents ?? []).some((object) => object.Key === key);
  }

  private async read(bucket: string, key: string): Promise<string> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }

  private async put(bucket: string, key: string, body: string, contentType?: string): Promise<void> {
    this.inFlight += 1;
    try {
      await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }));
      this.writes += 1;
    } finally {
      this.inFlight -= 1;
    }
  }

  private async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.put(bucket, key, JSON.stringify(value), 'application/json');
  }

  private async delete(bucket: string, key: string): Promise<void> {
    this.inFlight += 1;
    try {
      await this.s3.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
      this.writes += 1;
    } finally {
      this.inFlight -= 1;
    }
  }

  private statePath(rest: string): string {
    return `${this.config.statePrefix}${rest}`;
  }

  private openKey(id: string): string {
    return this.statePath(`open/${id}.json`);
  }

  /**
   * The ETag is part of the marker: the same key with new content is a new archive. An archive key
   * near S3's 1024-byte limit would make the marker key too long; such a marker is named by a
   * digest instead (computed the same way every run, so it is found again).
   */
  markerKey(archive: Archive): string {
    const readable = this.statePath(`listed/${archive.key}#${archive.eTag}`);
    if (Buffer.byteLength(readable, 'utf8') <= 1024) return readable;
    return this.statePath(`listed/~sha256/${createHash('sha256').update(`${archive.key}#${archive.eTag}`).digest('hex')}`);
  }
}
