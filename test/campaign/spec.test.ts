/** Campaign start requests and inventories: every bad input named before anything starts. */
import type { EnvironmentConfig } from '../../config-generator/schema';
import { InventoryError, parseInventoryUri, summarizeInventory } from '../../lib/campaign/inventory';
import { CampaignInputError, DEFAULT_LIMITS, expectedOutput, resolveCampaign, type StartRequest } from '../../lib/campaign/spec';
import { fixtureConfig } from '../support/fixtures';

const bulk = fixtureConfig('bulk');
const enabled: EnvironmentConfig = { ...bulk, campaigns: { enabled: true, defaults: { chunkSize: 50 } } };
// The fixture's bulk (like the example) enables campaigns with the kit's defaults; this one has no engine.
const disabled: EnvironmentConfig = { ...bulk, campaigns: undefined };
const job = bulk.batch.jobDefinitions[0].name;
const queue = bulk.batch.jobQueues[0].name;
const good: StartRequest = { name: 'reproc-2026', inventory: 's3://pcm-bulk-dataset-1/inv/granules.csv', job };

function problems(config: EnvironmentConfig, request: StartRequest): readonly string[] {
  try {
    resolveCampaign(config, request);
  } catch (e) {
    if (e instanceof CampaignInputError) return e.problems;
    throw e;
  }
  throw new Error('resolveCampaign accepted the request');
}

describe('resolveCampaign', () => {
  it('takes limits from the flags, then the environment defaults, then the kit defaults', () => {
    const spec = resolveCampaign(enabled, { ...good, concurrency: '25' });
    expect(spec).toEqual({
      name: 'reproc-2026',
      inventory: { bucket: 'pcm-bulk-dataset-1', key: 'inv/granules.csv', format: 'csv' },
      job: { kind: 'batch', definition: job, queue, expectedFailureExitCodes: bulk.batch.jobDefinitions[0].expectedFailureExitCodes },
      limits: { ...DEFAULT_LIMITS, chunkSize: 50, concurrency: 25 },
    });
  });

  it('fails where the environment has no campaign engine, naming the file and field', () => {
    expect(problems(disabled, good)).toEqual(['environments/bulk.yaml: campaigns.enabled is not true, so this environment has no campaign engine; set it and deploy']);
  });

  it('fails on a job that is not in the config, listing the ones that are', () => {
    expect(problems(enabled, { ...good, job: 'nope' })).toEqual([
      `--job nope: not a job definition in environments/bulk.yaml (batch.jobDefinitions: ${bulk.batch.jobDefinitions.map((d) => d.name).join(', ')}); a HySDS job is given as job-<type>:<release>`,
    ]);
    expect(problems(enabled, { ...good, queue: 'elsewhere' })[0]).toMatch(/^--queue elsewhere: not a job queue in environments\/bulk.yaml \(batch.jobQueues: /);
  });

  it('resolves a HySDS job-<type>:<release> on a worker queue, the first one unless --queue names another', () => {
    const workerQueues = bulk.workers.queues.map((q) => q.name);
    expect(resolveCampaign(enabled, { ...good, job: 'job-l2_proc:4.1.0' }).job).toEqual({ kind: 'hysds', type: 'l2_proc', release: '4.1.0', queue: workerQueues[0], expectedFailureExitCodes: [] });
    const last = workerQueues[workerQueues.length - 1];
    expect(resolveCampaign(enabled, { ...good, job: 'job-l2_proc:4.1.0', queue: last }).job).toMatchObject({ kind: 'hysds', queue: last });
  });

  it('fails on a malformed HySDS job, a queue that is not a worker queue, and a chunk over what one submit invocation takes', () => {
    const workerQueues = bulk.workers.queues.map((q) => q.name).join(', ');
    expect(problems(enabled, { ...good, job: 'job-l2_proc' })).toEqual([
      '--job job-l2_proc: expected a HySDS job as job-<type>:<release>, e.g. job-l2_proc:4.1.0 (type and release: letters, digits, ".", "_" or "-")',
    ]);
    expect(problems(enabled, { ...good, job: 'l2_proc:4.1.0' })[0]).toMatch(/^--job l2_proc:4.1.0: expected a HySDS job as job-<type>:<release>/);
    // A Batch queue is not a HySDS queue: a job-<type>:<release> runs on a verdi worker fleet.
    expect(problems(enabled, { ...good, job: 'job-l2_proc:4.1.0', queue: queue })).toEqual([
      `--queue ${queue}: not a HySDS worker queue in environments/bulk.yaml (workers.queues: ${workerQueues}); a job-<type>:<release> runs on a worker queue`,
    ]);
    expect(problems(enabled, { ...good, job: 'job-l2_proc:4.1.0', chunk: '501' })).toEqual([
      '--chunk 501: expected at most 500 for a HySDS job (one campaign-submit invocation submits at most that many rows to Mozart)',
    ]);
    const noWorkers = { ...enabled, workers: { queues: [] } };
    expect(problems(noWorkers, { ...good, job: 'job-l2_proc:4.1.0' })).toEqual(['environments/bulk.yaml: workers.queues is empty; a HySDS campaign needs a worker queue for --queue']);
  });

  it('fails on every limit out of range at once, with the range and its reason', () => {
    expect(problems(enabled, { ...good, chunk: '1', concurrency: '0', tolerate: '101', attempts: 'three' })).toEqual([
      '--chunk 1: expected a whole number from 2 to 10000 (an AWS Batch array job has 2 to 10000 children)',
      '--concurrency 0: expected a whole number from 1 to 10000 (the Distributed Map limit)',
      '--tolerate 101: expected a whole number from 0 to 100 (a percentage)',
      '--attempts three: expected a whole number from 1 to 10 (the kit bounds retries)',
    ]);
  });

  it('fails on missing flags and a bad name or inventory address, all reported together', () => {
    expect(problems(enabled, {})).toEqual([
      '--name is required',
      '--inventory is required: s3://<bucket>/<key> of a csv, jsonl, manifest object',
      `--job is required: a Batch job definition of environments/bulk.yaml (batch.jobDefinitions: ${bulk.batch.jobDefinitions.map((d) => d.name).join(', ')}) or a HySDS job-<type>:<release>`,
    ]);
    expect(problems(enabled, { ...good, name: 'Bad Name', inventory: 's3://b/x.parquet' })).toEqual([
      '--name "Bad Name": expected 1 to 48 lowercase letters, digits and dashes, starting with a letter or digit',
      'inventory s3://b/x.parquet: expected s3://<bucket>/<key>',
    ]);
    expect(problems(enabled, { ...good, inventory: 's3://bucket-1/x.parquet' })).toEqual(['inventory s3://bucket-1/x.parquet: the key must end in .csv, .jsonl, .ndjson or manifest.json (an S3 Inventory manifest)']);
  });

  it('fills an output pattern from the item, and fails on a pattern without a field', () => {
    const spec = resolveCampaign(enabled, { ...good, output: 's3://out-bucket/l2/{id}.h5' });
    expect(expectedOutput(spec.outputPattern!, { id: 'G1' })).toBe('s3://out-bucket/l2/G1.h5');
    expect(problems(enabled, { ...good, output: 's3://out-bucket/l2/fixed.h5' })[0]).toMatch(/^--output s3:\/\/out-bucket\/l2\/fixed.h5: expected .* with at least one \{field\}/);
  });
});

describe('inventories', () => {
  const csv = parseInventoryUri('s3://bucket-1/i.csv');
  const jsonl = parseInventoryUri('s3://bucket-1/i.jsonl');
  const error = (text: string, location = csv): string => {
    try {
      summarizeInventory(text, location);
    } catch (e) {
      if (e instanceof InventoryError) return e.message;
      throw e;
    }
    throw new Error('accepted');
  };

  it('reads a CSV with quoted fields, CRLF and a header, and a JSON-lines file', () => {
    expect(summarizeInventory('id,url\r\na,"s3://x/a,1"\r\n"b","say ""hi"""\r\n', csv)).toEqual({ count: 2, fields: ['id', 'url'], ids: ['a', 'b'] });
    expect(summarizeInventory('{"id":"a","n":1}\n{"id":"b"}\n', jsonl)).toEqual({ count: 2, fields: ['id'], ids: ['a', 'b'] });
    expect(parseInventoryUri('s3://bucket-1/inv/manifest.json').format).toBe('manifest');
  });

  it('fails naming the row of a malformed CSV line (the header is row 1)', () => {
    expect(error('id,url\na,x\nb\n')).toBe('inventory s3://bucket-1/i.csv row 3: 1 fields where the header has 2');
    expect(error('id,url\na,x\nb,y\na,z\n')).toBe('inventory s3://bucket-1/i.csv row 4: id "a" repeats row 2');
    expect(error('url\nx\n')).toBe('inventory s3://bucket-1/i.csv row 1: the header (url) has no "id" column');
    expect(error('id,url\na,"x\n')).toMatch(/row 3: a quoted field is never closed/);
    expect(error('id,url\n')).toBe('inventory s3://bucket-1/i.csv: a header and no items');
  });

  it('fails naming the line of a malformed JSON-lines row', () => {
    expect(error('{"id":"a"}\n{"id":\n', jsonl)).toBe('inventory s3://bucket-1/i.jsonl row 2: not a JSON object (one object per line)');
    expect(error('{"id":"a"}\n{"name":"b"}\n', jsonl)).toBe('inventory s3://bucket-1/i.jsonl row 2: no string "id" field');
  });
});
