/** An environment with `count` worker queues in all, for measuring how synthesis grows with them. */
import type { EnvironmentConfig } from '../config-generator/schema';

export function withWorkerQueues(config: EnvironmentConfig, count: number): EnvironmentConfig {
  const [first] = config.workers.queues;
  // The configured queues stay (the staging area and CNM-R jobs name them); generated ones fill up.
  const extra = Array.from({ length: Math.max(0, count - config.workers.queues.length) }, (_, i) => ({
    ...first,
    name: `bench-queue-${String(i + 1).padStart(4, '0')}`,
  }));
  return { ...config, workers: { queues: [...config.workers.queues, ...extra] } };
}
