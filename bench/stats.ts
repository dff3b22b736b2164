/** The little statistics the benchmark needs. */

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of nothing');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export interface Growth {
  /** Cost of one more queue between consecutive sizes (ms or MiB per queue). */
  readonly marginal: readonly number[];
  /** Last marginal cost over the first: about 1 when growth is linear, about 10 per decade when quadratic. */
  readonly ratio: number;
  readonly linear: boolean;
}

/**
 * How a cost grows with size, from (size, cost) points in increasing size: linear when one more
 * queue costs no more at the largest size than at the smallest, within `tolerance`.
 */
export function growth(points: ReadonlyArray<readonly [number, number]>, tolerance = 1.5): Growth {
  const marginal = points.slice(1).map(([size, cost], i) => (cost - points[i][1]) / (size - points[i][0]));
  const ratio = marginal[marginal.length - 1] / Math.max(marginal[0], Number.EPSILON);
  return { marginal, ratio, linear: ratio <= tolerance };
}
