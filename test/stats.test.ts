// Interval math of the impact report against hand-computed values.
import { describe, expect, it } from 'vitest';

import { differenceInterval, meanInterval, studentTCdf, studentTQuantile } from '../src/cli/stats.js';

describe('Student t', () => {
  it('quantiles match the printed tables', () => {
    // t_{0.975} for df = 1, 2, 4, 10, 30 (standard tables)
    for (const [df, q] of [[1, 12.706], [2, 4.303], [4, 2.776], [10, 2.228], [30, 2.042]] as const) {
      expect(studentTQuantile(0.975, df)).toBeCloseTo(q, 3);
    }
  });
  it('the cdf is symmetric and 1/2 at 0; df = 1 is the Cauchy distribution', () => {
    expect(studentTCdf(0, 5)).toBeCloseTo(0.5, 12);
    expect(studentTCdf(-1.3, 7) + studentTCdf(1.3, 7)).toBeCloseTo(1, 12);
    expect(studentTCdf(1, 1)).toBeCloseTo(0.5 + Math.atan(1) / Math.PI, 10);
  });
});

describe('intervals', () => {
  it('mean ± t·s/√n by hand', () => {
    // values 0.80, 0.82, 0.84: mean 0.82, s = 0.02, t_{0.975, 2} = 4.302653
    const r = meanInterval([0.8, 0.82, 0.84]);
    expect(r.mean).toBeCloseTo(0.82, 12);
    expect(r.halfWidth).toBeCloseTo((4.302653 * 0.02) / Math.sqrt(3), 5);
  });
  it('Welch difference by hand', () => {
    // a = 1, 2, 3 (var 1), b = 2, 4, 6 (var 4): se = sqrt(1/3 + 4/3), df = (5/3)^2 / ((1/9 + 16/9) / 2) = 50/17·… 
    const r = differenceInterval([1, 2, 3], [2, 4, 6]);
    const se = Math.sqrt(1 / 3 + 4 / 3);
    const df = (5 / 3) ** 2 / ((1 / 3) ** 2 / 2 + (4 / 3) ** 2 / 2);
    expect(r.mean).toBe(-2);
    expect(r.df).toBeCloseTo(df, 12);
    expect(r.halfWidth).toBeCloseTo(studentTQuantile(0.975, df) * se, 12);
    expect(df).toBeCloseTo(2.9412, 3);
  });
  it('one run has no interval', () => {
    expect(meanInterval([0.5]).halfWidth).toBeNaN();
  });
});
