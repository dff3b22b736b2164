/**
 * The CNES batcher: each run writes ONE CNM-S under `cnm-s/` in the messages bucket listing every
 * archive added to `outgoing/` since the previous CNM-S; none when nothing is new.
 *
 * CNES reads and then deletes what is under `cnm-s/`, so the batcher's memory lives elsewhere, under
 * the state prefix (which CNES cannot reach):
 *
 *   <state>listed/<archive key>#<etag>   ledger marker: this archive (this content) was announced
 *   <state>open/<batch id>.json          a batch decided but not yet finished (normally none)
 *   <state>published/<batch id>.json     a finished batch, kept for the record
 *
 * One run: (1) finish every open batch; (2) list outgoing/ and the ledger; an archive is new when
 * it has no marker; (3) write the batch record (state open, its archives and its whole CNM-S);
 * (4) write the CNM-S; (5) mark the batch sent; (6) write the markers; (7) record it published and
 * remove it from open/.
 *
 * The guarantee, whatever step a crash interrupts (the run fails; the next one starts at (1)):
 * - never skipped: an archive leaves the "new" set only through a marker, and a marker is written
 *   only after the CNM-S that lists it (4 before 6);
 * - never in two different CNM-S: an archive is put in a batch only when it has no marker and no
 *   batch is open (1 finishes open batches first, and their markers exist before anything new is
 *   listed); an open batch is finished with the CNM-S stored in its record: same identifier, same
 *   key, same bytes;
 * - at most one repeat of a CNM-S: a crash between (4) and (5) makes the next run write the same
 *   CNM-S again (CNES may have read and deleted the first). The identifier is CNES's duplicate key.
 * It relies on one run at a time: the construct sets reserved concurrency 1.
 */
import { createHash } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { archiveFile, cnmTime, type CnmNotification } from '../shared/cnm';

export interface CnesBatcherConfig {
  readonly archiveBucket: string;
  readonly outgoingPrefix: string;
  readonly messagesBucket: string;
  readonly cnmSPrefix: string;
  readonly statePrefix: string;
  readonly cnmVersion: string;
  readonly provider: string;
  readonly collection: string;
}

export interface Archive {
  readonly key: string;
  /** Without quotes. */
  readonly eTag: string;
  readonly size: number;
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

export interface RunSummary {
  /** Batches left open by an earlier run and finished by this one. */
  readonly finished: readonly string[];
  /** The batch this run started, if anything was new. */
  readonly batch?: { readonly id: string; readonly cnmKey: string; readonly archives: number };
}

export class CnesBatcher {
  constructor(
    private readonly config: CnesBatcherConfig,
    private readonly s3: S3Client,
    private readonly now: () => number = Date.now,
  ) {}

  async run(): Promise<RunSummary> {
    const finished: string[] = [];
    for (const key of await this.listKeys(this.config.messagesBucket, this.statePath('open/'))) {
      const batch = JSON.parse(await this.read(this.config.messagesBucket, key)) as BatchRecord;
      await this.finish(batch);
      finished.push(batch.id);
    }

    const listed = new Set(await this.listKeys(this.config.messagesBucket, this.statePath('listed/')));
    const fresh = (await this.listArchives()).filter((archive) => !listed.has(this.markerKey(archive)));
    if (fresh.length === 0) return { finished };

    const batch = this.newBatch(fresh);
    await this.putJson(this.config.messagesBucket, this.openKey(batch.id), batch);
    await this.finish(batch);
    return { finished, batch: { id: batch.id, cnmKey: batch.cnmKey, archives: fresh.length } };
  }

  /** Steps 4 to 7 for a batch; safe to repeat from any point. */
  private async finish(batch: BatchRecord): Promise<void> {
    const { messagesBucket } = this.config;
    if (batch.state === 'open') {
      await this.putJson(messagesBucket, batch.cnmKey, batch.message);
      await this.putJson(messagesBucket, this.openKey(batch.id), { ...batch, state: 'sent' });
    }
    for (const archive of batch.archives) {
      await this.s3.send(new PutObjectCommand({ Bucket: messagesBucket, Key: this.markerKey(archive), Body: batch.id }));
    }
    await this.putJson(messagesBucket, this.statePath(`published/${batch.id}.json`), { ...batch, state: 'sent' });
    await this.s3.send(new DeleteObjectCommand({ Bucket: messagesBucket, Key: this.openKey(batch.id) }));
  }

  private newBatch(archives: readonly Archive[]): BatchRecord {
    const now = new Date(this.now());
    const sorted = [...archives].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    // Sortable by time, unique by content: two runs in one second cannot list the same archives.
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

  private async listArchives(): Promise<Archive[]> {
    const archives: Archive[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: this.config.archiveBucket, Prefix: this.config.outgoingPrefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) {
        // A console "folder" is an empty object ending in "/": not an archive.
        if (!object.Key || object.Key.endsWith('/')) continue;
        archives.push({ key: object.Key, eTag: (object.ETag ?? '').replace(/"/g, ''), size: object.Size ?? 0 });
      }
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return archives;
  }

  private async listKeys(bucket: string, prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await this.s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
      for (const object of page.Contents ?? []) if (object.Key) keys.push(object.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }

  private async read(bucket: string, key: string): Promise<string> {
    const out = await this.s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
    return (await out.Body?.transformToString('utf-8')) ?? '';
  }

  private async putJson(bucket: string, key: string, value: unknown): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: JSON.stringify(value), ContentType: 'application/json' }));
  }

  private statePath(rest: string): string {
    return `${this.config.statePrefix}${rest}`;
  }

  private openKey(id: string): string {
    return this.statePath(`open/${id}.json`);
  }

  /** The ETag is part of the marker: the same key with new content is a new archive. */
  markerKey(archive: Archive): string {
    return this.statePath(`listed/${archive.key}#${archive.eTag}`);
  }
}
