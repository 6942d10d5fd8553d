/** Statistics for the benchmark suite (unit-tested in tests/unit/bench-stats.test.ts). */

export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  const lowValue = sorted[low] as number;
  return lowValue + ((sorted[high] as number) - lowValue) * (rank - low);
}

export const median = (samples: readonly number[]) => percentile(samples, 50);

/** "1.00×" style ratio against a baseline, or "n/a" when either side is missing. */
export function ratio(value: number, baseline: number): string {
  if (!Number.isFinite(value) || !Number.isFinite(baseline) || baseline <= 0) return "n/a";
  return `${(value / baseline).toFixed(2)}×`;
}
