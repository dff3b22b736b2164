/**
 * The defaults of each kind of environment. A preset holds what a kind decides (sizes, fleets,
 * protection); what only the operator knows (accounts, network, release) is left out and asked
 * for by the wizard, whose questions may derive a default from earlier answers.
 */
import { isPlainObject } from './errors';
import type { EnvironmentKind } from './kinds';
import type { EnvironmentConfig, WorkerQueue } from './schema';

/** A config with any part left out; arrays are replaced whole, never merged item by item. */
export type PartialConfig = DeepPartial<EnvironmentConfig>;
type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

const queue = (name: string, instanceTypes: string[], max: number, onDemandPercentage = 0): WorkerQueue => ({
  name,
  instanceTypes,
  min: 0,
  max,
  onDemandPercentage,
  rootVolumeGiB: 50,
  dataVolumeGiB: name.includes('large') ? 500 : 100,
});

const SMALL_TYPES = ['m6i.large', 'm5.large', 'm5a.large'];
const LARGE_TYPES = ['c6i.4xlarge', 'c5.4xlarge', 'c5a.4xlarge'];

const core = (mozart: string, metrics: string, grq: string, factotum: string, disk: number) => ({
  mozart: { instanceType: mozart, rootVolumeGiB: disk },
  metrics: { instanceType: metrics, rootVolumeGiB: Math.max(50, disk / 2) },
  grq: { instanceType: grq, rootVolumeGiB: disk },
  factotum: { instanceType: factotum, rootVolumeGiB: disk },
});

const batch = (maxSpotVcpus: number, maxOnDemandVcpus: number, pipeline: string): EnvironmentConfig['batch'] => ({
  computeEnvironments: [
    { name: 'spot', market: 'spot', instanceTypes: ['optimal'], minVcpus: 0, maxVcpus: maxSpotVcpus },
    ...(maxOnDemandVcpus > 0
      ? [{ name: 'on-demand', market: 'on-demand' as const, instanceTypes: ['optimal'], minVcpus: 0, maxVcpus: maxOnDemandVcpus }]
      : []),
  ],
  jobQueues: [
    { name: pipeline, priority: 10, computeEnvironments: maxOnDemandVcpus > 0 ? ['spot', 'on-demand'] : ['spot'] },
  ],
  jobDefinitions: [
    { name: 'pge', container: 'pge', vcpus: 4, memoryMiB: 15000, timeoutSeconds: 21600, retryAttempts: 3, expectedFailureExitCodes: [3] },
  ],
});

/** The same across kinds. */
const common: PartialConfig = {
  project: 'pcm',
  cnm: { version: '1.6.0', responseJob: { jobType: 'process_cnm_response', queue: 'factotum-job_worker-small' } },
  stagingArea: { prefix: 'staging_area/', suffix: '.met.json', jobType: 'ingest_staged', queue: 'factotum-job_worker-small' },
  storage: {},
  tags: {},
};

const readWriteOps = (...grants: ['dataset' | 'archive', string[]][]) =>
  grants.map(([bucket, prefixes]) => ({ bucket, prefixes, access: 'read-write' as const }));

const PRESETS: Record<EnvironmentKind, PartialConfig> = {
  dev: {
    core: core('m6i.xlarge', 'm6i.large', 'r6i.large', 'm6i.large', 100),
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 4)] },
    batch: batch(64, 0, 'dev'),
    cnm: { daac: { cnmS: { stream: 'stand-in' } }, cnes: { batchIntervalMinutes: 15 } },
    protection: { deletionProtection: false },
  },
  int: {
    core: { ...core('m6i.2xlarge', 'm6i.xlarge', 'r6i.xlarge', 'm6i.xlarge', 200), ci: { instanceType: 'm6i.xlarge', rootVolumeGiB: 200 } },
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 10), queue('job_worker-large', LARGE_TYPES, 20)] },
    batch: batch(256, 32, 'int'),
    cnm: { daac: { cnmS: { stream: 'stand-in' } }, cnes: { batchIntervalMinutes: 15 } },
    protection: { deletionProtection: true },
  },
  ops: {
    core: { ...core('r6i.2xlarge', 'r6i.xlarge', 'r6i.2xlarge', 'm6i.2xlarge', 500), ci: { instanceType: 'm6i.xlarge', rootVolumeGiB: 200 } },
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 20, 10), queue('job_worker-large', LARGE_TYPES, 100, 10)] },
    batch: batch(1024, 128, 'ops'),
    cnm: { daac: { cnmS: { stream: 'external' } }, cnes: { batchIntervalMinutes: 15 } },
    protection: { deletionProtection: true },
  },
  forward: {
    core: core('r6i.2xlarge', 'r6i.xlarge', 'r6i.2xlarge', 'm6i.2xlarge', 500),
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 20, 20), queue('job_worker-large', LARGE_TYPES, 100, 20)] },
    batch: batch(1024, 128, 'forward'),
    storage: { sharedFrom: { environment: 'ops', grants: readWriteOps(['dataset', ['products/', 'staging_area/']], ['archive', ['outgoing/']]) } },
    cnm: { daac: { cnmS: { stream: 'external' } } },
    protection: { deletionProtection: true },
  },
  bulk: {
    core: core('r6i.4xlarge', 'r6i.xlarge', 'r6i.4xlarge', 'm6i.2xlarge', 1000),
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 200), queue('job_worker-large', LARGE_TYPES, 2000)] },
    batch: batch(16384, 0, 'bulk'),
    storage: { sharedFrom: { environment: 'ops', grants: readWriteOps(['dataset', ['products/']], ['archive', ['outgoing/']]) } },
    cnm: { daac: { cnmS: { stream: 'external' } } },
    protection: { deletionProtection: true },
  },
  adt: {
    core: core('m6i.xlarge', 'm6i.large', 'r6i.large', 'm6i.large', 100),
    workers: { queues: [queue('job_worker-small', SMALL_TYPES, 10)] },
    batch: batch(256, 0, 'adt'),
    storage: { sharedFrom: { environment: 'ops', grants: [{ bucket: 'dataset', prefixes: ['products/'], access: 'read' }] } },
    protection: { deletionProtection: false },
  },
};

/** The defaults of a kind (a fresh copy; callers may change it). */
export function presetFor(kind: EnvironmentKind): PartialConfig {
  return mergeConfig(structuredClone(common), structuredClone(PRESETS[kind]));
}

/** Deep-merges `overlay` onto `base`: objects field by field, arrays and scalars replaced. */
export function mergeConfig<T>(base: T, overlay: unknown): T {
  if (!isPlainObject(base) || !isPlainObject(overlay)) return (overlay === undefined ? base : overlay) as T;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(overlay)) {
    if (value !== undefined) out[key] = mergeConfig(out[key], value);
  }
  return out as T;
}
