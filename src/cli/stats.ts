// Interval statistics for the impact report: the mean of a few runs with a
// Student-t confidence interval, and the same for a difference of means
// (Welch). The Student-t functions live in src/impact/stats.ts.

import { tQuantile as studentTQuantile } from '../impact/stats.js';

export { incompleteBeta, studentTCdf, tQuantile as studentTQuantile } from '../impact/stats.js';

export interface Interval {
  mean: number;
  /** half-width of the interval: mean ± halfWidth */
  halfWidth: number;
  n: number;
}

export function mean(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

export function sampleVariance(values: readonly number[]): number {
  const m = mean(values);
  return values.reduce((a, v) => a + (v - m) ** 2, 0) / (values.length - 1);
}

/** mean ± t_{(1+level)/2, n−1} · s / √n. */
export function meanInterval(values: readonly number[], level = 0.95): Interval {
  const n = values.length;
  if (n < 2) return { mean: mean(values), halfWidth: NaN, n };
  const t = studentTQuantile((1 + level) / 2, n - 1);
  return { mean: mean(values), halfWidth: (t * Math.sqrt(sampleVariance(values))) / Math.sqrt(n), n };
}

/** Difference of means a − b with a Welch interval (unequal variances, Welch–Satterthwaite df). */
export function differenceInterval(a: readonly number[], b: readonly number[], level = 0.95): Interval & { df: number } {
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const se = Math.sqrt(va + vb);
  const df = se === 0 ? a.length + b.length - 2 : (va + vb) ** 2 / (va ** 2 / (a.length - 1) + vb ** 2 / (b.length - 1));
  const t = studentTQuantile((1 + level) / 2, df);
  return { mean: mean(a) - mean(b), halfWidth: t * se, n: Math.min(a.length, b.length), df };
}
