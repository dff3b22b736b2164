/** The benchmark's verdicts: medians, and telling linear growth from quadratic. */
import { growth, median } from '../../bench/stats';
import { withWorkerQueues } from '../../bench/queues';
import { fixtureConfig } from '../support/fixtures';

describe('bench statistics', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(() => median([])).toThrow('median of nothing');
  });

  it('calls constant cost per queue linear, and cost per queue that grows with the count not', () => {
    const linear = growth([[10, 1100], [100, 1900], [1000, 9900]]);
    expect(linear.marginal).toEqual([800 / 90, 8000 / 900]);
    expect(linear.linear).toBe(true);
    // Every worker carrying every queue: cost ~ n^2.
    const quadratic = growth([10, 100, 1000].map((n) => [n, 1000 + 0.05 * n * n] as const));
    expect(quadratic.ratio).toBeGreaterThan(9);
    expect(quadratic.linear).toBe(false);
  });

  it('fills an environment up to the asked number of queues, keeping the configured ones', () => {
    const dev = fixtureConfig('dev');
    const big = withWorkerQueues(dev, 100);
    expect(big.workers.queues).toHaveLength(100);
    expect(big.workers.queues.slice(0, dev.workers.queues.length)).toEqual(dev.workers.queues);
    expect(new Set(big.workers.queues.map((q) => q.name)).size).toBe(100);
  });
});
