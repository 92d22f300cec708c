// The impact report's statistics: known answers (hand-computed, or from
// scipy 1.17 printed once and pasted here), references written from the
// definitions, and a coverage simulation of the whole design: seeds and test
// images as crossed random factors, paired runs with common random numbers.
import { describe, expect, it } from 'vitest';

import {
  chiSquareQuantile, expectedCalibrationError, holm, negativeLogLikelihood, pairedT, signFlipP, studentTCdf, tInterval, tQuantile,
  twoLevelBootstrap,
} from '../src/impact/stats.js';
import { randomNormal, randomUniform } from '../src/index.js';

describe('tQuantile', () => {
  it('matches scipy.stats.t.ppf, for integer and real df', () => {
    const cases: Array<[p: number, df: number, q: number]> = [
      [0.975, 1, 12.706204736174694],
      [0.975, 2.5, 3.5746548420036817],
      [0.975, 4, 2.7764451051977934],
      [0.975, 7.3, 2.345066736547703],
      [0.995, 3, 5.840909309733355],
      [0.9, 12.5, 1.3530668727547326],
      [0.025, 30, -2.042272456301238],
      [1e-8, 3, -479.5250695797382],
      [0.975, 1e4, 1.960201239890626],
      [0.975, 1e9, 1.959963986912325],
    ];
    for (const [p, df, q] of cases) expect(tQuantile(p, df)).toBeCloseTo(q, 7);
  });
  it('inverts the cdf and is odd around 1/2', () => {
    for (const df of [1.5, 3, 9.7, 200]) {
      for (const p of [0.001, 0.2, 0.6, 0.99]) {
        expect(studentTCdf(tQuantile(p, df), df)).toBeCloseTo(p, 12);
        expect(tQuantile(1 - p, df)).toBeCloseTo(-tQuantile(p, df), 9);
      }
    }
    expect(tQuantile(0.5, 4)).toBe(0);
    expect(tQuantile(1, 4)).toBe(Infinity);
    expect(tQuantile(0.9, 0)).toBeNaN();
  });
});

describe('chiSquareQuantile', () => {
  it('matches scipy.stats.chi2.ppf', () => {
    const cases: Array<[p: number, df: number, q: number]> = [
      [0.25, 1, 0.10153104426762156],
      [0.25, 2, 0.5753641449035618],
      [0.25, 4, 1.9225575262295542],
      [0.25, 19, 14.561996731420228],
      [0.975, 3, 9.348403604496148],
      [0.01, 50, 29.706682698841284],
      [0.5, 0.5, 0.0873476047057468],
    ];
    for (const [p, df, q] of cases) expect(chiSquareQuantile(p, df) / q).toBeCloseTo(1, 10);
  });
});

describe('tInterval and pairedT', () => {
  it('mean ± t·s/√n by hand', () => {
    // 0.80, 0.82, 0.84: mean 0.82, s = 0.02, t_{0.975, 2} = 4.302652729749464
    const r = tInterval([0.8, 0.82, 0.84]);
    const half = (4.302652729749464 * 0.02) / Math.sqrt(3);
    expect(r.n).toBe(3);
    expect(r.mean).toBeCloseTo(0.82, 12);
    expect(r.lo).toBeCloseTo(0.82 - half, 10);
    expect(r.hi).toBeCloseTo(0.82 + half, 10);
    expect(tInterval([0.5])).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5, n: 1 });
  });
  it('matches scipy.stats.ttest_1samp on five seeds', () => {
    // d = [.012, −.004, .020, .008, .016]: mean .0104, s = .00920869154657707, p = .0649859103421206
    const r = pairedT([0.012, -0.004, 0.02, 0.008, 0.016]);
    expect(r.mean).toBeCloseTo(0.0104, 14);
    expect(r.df).toBe(4);
    expect(r.p).toBeCloseTo(0.0649859103421206, 10);
    expect(r.lo).toBeCloseTo(-0.0010341007639480867, 10);
    expect(r.hi).toBeCloseTo(0.021834100763948087, 10);
  });
  it('keeps the precision of small p-values (scipy: 2·t.sf(10, 4) = 0.000562003622715991)', () => {
    // d = 1 ∓ x, 1, 1, 1: s = x/√2, se = x/√10, so x = √10/10 gives t = 10
    const x = Math.sqrt(10) / 10;
    const r = pairedT([1 - x, 1, 1, 1, 1 + x]);
    expect(r.p / 0.000562003622715991).toBeCloseTo(1, 9);
  });
  it('p < 1 − level exactly when the interval excludes 0', () => {
    const samples = [[0.01, 0.03, 0.02], [-0.01, 0.03, 0.02, 0.0], [0.004, 0.006, 0.001, 0.009, -0.001], [0.5, -0.2]];
    for (const d of samples) {
      const r = pairedT(d);
      expect(r.p < 0.05).toBe(r.lo > 0 || r.hi < 0);
    }
  });
  it('degenerate inputs: equal differences, one seed', () => {
    expect(pairedT([0, 0, 0])).toEqual({ mean: 0, lo: 0, hi: 0, p: 1, df: 2 });
    expect(pairedT([0.1, 0.1, 0.1, 0.1])).toMatchObject({ lo: pairedT([0.1, 0.1, 0.1, 0.1]).mean, p: 0, df: 3 });
    expect(pairedT([0.3])).toEqual({ mean: 0.3, lo: 0.3, hi: 0.3, p: 1, df: 0 });
  });
});

/** The definition, written out: every sign vector, |Σ ± d| ≥ |Σ d| (integers, so exact). */
function signFlipReference(d: readonly number[]): number {
  const observed = Math.abs(d.reduce((a, b) => a + b, 0));
  let count = 0;
  for (let mask = 0; mask < 2 ** d.length; mask += 1) {
    const sum = d.reduce((a, v, j) => a + ((mask >> j) & 1 ? -v : v), 0);
    if (Math.abs(sum) >= observed) count += 1;
  }
  return count / 2 ** d.length;
}

describe('signFlipP', () => {
  it('five positive differences reach the floor 2/2^5', () => {
    expect(signFlipP([1, 2, 3, 4, 5])).toBe(2 / 32);
    expect(signFlipP([0.3, 0.1, 0.2, 0.5, 0.4])).toBe(2 / 32);
  });
  it('by hand: d = 1, −2, 3, 4, 5', () => {
    // Σ = 11 of Σ|d| = 15; flipping a set F of |d| gives 15 − 2ΣF, and |15 − 2ΣF| ≥ 11
    // for ΣF ≤ 2 ({}, {1}, {2}) or ΣF ≥ 13 (their complements): 6 of 32
    expect(signFlipP([1, -2, 3, 4, 5])).toBe(6 / 32);
  });
  it('float ties count: d = .1, .2, .3, −.4 (exact enumeration in fractions: 14 of 16)', () => {
    // in floats Σd = 0.20000000000000007 while 0.1 − 0.2 + 0.3 − 0.4 rounds to −0.20000000000000004
    expect(signFlipP([0.1, 0.2, 0.3, -0.4])).toBe(14 / 16);
  });
  it('agrees with the brute-force definition on integer vectors, odd and even n', () => {
    const u = randomUniform(200, { seed: 11 });
    for (const n of [1, 2, 7, 10, 13]) {
      const d = Array.from({ length: n }, (_, j) => Math.floor(u[n * 13 + j]! * 21) - 8);
      expect(signFlipP(d)).toBe(signFlipReference(d));
    }
  });
  it('no evidence when every difference is 0; exact at n = 24 in well under a second', () => {
    expect(signFlipP([0, 0, 0])).toBe(1);
    expect(signFlipP([])).toBe(1);
    expect(signFlipP(Array.from({ length: 24 }, () => 0.01))).toBe(2 / 2 ** 24);
    expect(() => signFlipP(new Array<number>(41).fill(1))).toThrow(RangeError);
  });
});

describe('holm', () => {
  it('by hand, in input order', () => {
    // sorted .005·4 = .02, .01·3 = .03, .03·2 = .06, .04·1 = .04 → running max .06
    const adjusted = holm([0.01, 0.04, 0.03, 0.005]);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => expect(adjusted[i]).toBeCloseTo(v, 15));
  });
  it('is capped at 1, monotone in the raw p-values, and treats NaN as 1', () => {
    expect(holm([0.5, 0.6])).toEqual([1, 1]);
    expect(holm([0.03, 0.02])).toEqual([0.04, 0.04]);
    expect(holm([NaN, 0.01])).toEqual([1, 0.02]);
    expect(holm([])).toEqual([]);
  });
});

describe('calibration', () => {
  it('ECE by hand with 4 bins', () => {
    // bin [.75, 1]: 1.0 and .875, accuracy .5, confidence .9375 → 2/4 · .4375
    // bin [.5, .75): .625 and .5625, accuracy .5, confidence .59375 → 2/4 · .09375
    const top = Float32Array.of(1, 0.875, 0.625, 0.5625);
    expect(expectedCalibrationError(top, Uint8Array.of(1, 0, 1, 0), 4)).toBeCloseTo(0.265625, 12);
  });
  it('ECE is 0 when accuracy equals confidence in every bin', () => {
    const top = Float32Array.of(0.75, 0.75, 0.75, 0.75, 0.5, 0.5);
    expect(expectedCalibrationError(top, Uint8Array.of(1, 1, 0, 1, 1, 0))).toBe(0);
  });
  it('NLL by hand, with the 1e-7 floor', () => {
    expect(negativeLogLikelihood(Float32Array.of(1, 0.5, 0))).toBeCloseTo((Math.LN2 + 7 * Math.LN10) / 3, 12);
  });
});

// ------------------------------------------------------------------ bootstrap

function rows(values: number[][]): Float64Array[] {
  return values.map((r) => Float64Array.from(r));
}

describe('twoLevelBootstrap', () => {
  it('is reproducible, and the seed changes only the Monte-Carlo noise', () => {
    const d = rows([[1, 0, 0, -1, 1, 0], [0, 0, 1, 0, 1, 0], [1, 1, 0, 0, 1, -1]]);
    expect(twoLevelBootstrap(d, { seed: 3 })).toEqual(twoLevelBootstrap(d, { seed: 3 }));
    const a = twoLevelBootstrap(d, { seed: 3, replicates: 4000 });
    const b = twoLevelBootstrap(d, { seed: 4, replicates: 4000 });
    expect(a.se).not.toBe(b.se);
    expect(a.se / b.se).toBeCloseTo(1, 1);
  });
  it('with no image effect and no interaction it is the paired t interval over seeds', () => {
    // d[s][i] = c_s: the image part is 0, se = s_c / √S on S − 1 df
    const c = [0.01, 0.03, -0.005, 0.02, 0.012];
    const r = twoLevelBootstrap(c.map((v) => new Float64Array(50).fill(v)), { replicates: 8000 });
    const t = pairedT(c);
    expect(r.df).toBeCloseTo(4, 12);
    expect(r.mean).toBeCloseTo(t.mean, 12);
    expect((r.hi - r.lo) / (t.hi - t.lo)).toBeCloseTo(1, 1);
  });
  it('an additive design d = c_s + e_i: se² = s²_c/S + (N−1)/N · s²_e/N and the Satterthwaite df', () => {
    const c = [0.02, -0.01, 0.0, 0.03];
    const e = Array.from({ length: 40 }, (_, i) => ((i * 37) % 11) / 10 - 0.5);
    const S = c.length;
    const N = e.length;
    const variance = (v: number[]): number => {
      const m = v.reduce((a, b) => a + b, 0) / v.length;
      return v.reduce((a, x) => a + (x - m) ** 2, 0) / (v.length - 1);
    };
    const v1 = variance(c) / S;
    const v2 = ((N - 1) / N) * variance(e) / N;
    const r = twoLevelBootstrap(c.map((cs) => Float64Array.from(e, (ei) => cs + ei)), { replicates: 20000 });
    expect(r.se / Math.sqrt(v1 + v2)).toBeCloseTo(1, 1);
    // df at the upper quartile bound of the seed variance: χ²_{3, 0.25} = 1.2125329030456686 (scipy)
    const v1Bound = (v1 * (S - 1)) / 1.2125329030456686;
    expect(r.df / ((v1Bound + v2) ** 2 / (v1Bound ** 2 / (S - 1) + v2 ** 2 / (N - 1)))).toBeCloseTo(1, 1);
  });
  it('degenerate inputs: one seed, no spread', () => {
    const one = twoLevelBootstrap(rows([[1, 0, 1, 1]]));
    expect(one).toMatchObject({ mean: 0.75, lo: 0.75, hi: 0.75 });
    expect(one.se).toBeNaN();
    expect(twoLevelBootstrap(rows([[0.5, 0.5], [0.5, 0.5], [0.5, 0.5]]))).toEqual({ mean: 0.5, lo: 0.5, hi: 0.5, se: 0, df: 2 });
    expect(() => twoLevelBootstrap(rows([[1, 0], [1]]))).toThrow(RangeError);
  });
  it('prints its time for S = 5, N = 2000, B = 2000 (not asserted: timings on a shared machine are noise)', () => {
    const u = randomUniform(5 * 2000, { seed: 5 });
    const d = Array.from({ length: 5 }, (_, s) => Float64Array.from(u.subarray(s * 2000, (s + 1) * 2000), (v) => Math.round(2 * v - 1)));
    twoLevelBootstrap(d);
    const start = performance.now();
    for (let k = 0; k < 5; k += 1) twoLevelBootstrap(d, { seed: k });
    console.log(`twoLevelBootstrap S=5 N=2000 B=2000: ${((performance.now() - start) / 5).toFixed(1)} ms per call`);
  });
});

// ------------------------------------------------------------ coverage simulation

/** Consecutive positions of the library's counter-based streams, so every draw of the simulation is fixed by one seed. */
class Draws {
  private uniformAt = 0;
  private normalAt = 0;
  constructor(private readonly seed: number) {}
  uniform(n: number): Float32Array {
    const out = randomUniform(n, { seed: this.seed, index: this.uniformAt });
    this.uniformAt += n;
    return out;
  }
  normal(n: number, std = 1): Float32Array {
    const out = randomNormal(n, { seed: this.seed, index: this.normalAt, std });
    this.normalAt += n;
    return out;
  }
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

/** z-grid and normal weights for E[f(Z)] by the trapezoid rule (exponentially accurate for smooth f). */
const Z_STEP = 0.2;
const Z_GRID = Array.from({ length: 81 }, (_, k) => (k - 40) * Z_STEP);
const Z_WEIGHTS = Z_GRID.map((z) => (Z_STEP * Math.exp(-z * z / 2)) / Math.sqrt(2 * Math.PI));

/** Accuracy averaged over infinitely many seeds: E[sigmoid(x + sd·Z)], the seed terms being normal. */
function seedAveragedAccuracy(x: number, sd: number): number {
  let sum = 0;
  for (let k = 0; k < Z_GRID.length; k += 1) sum += Z_WEIGHTS[k]! * sigmoid(x + sd * Z_GRID[k]!);
  return sum;
}

interface Scenario {
  name: string;
  /** baseline logit l_i ~ N(logitMean, logitSd²) */
  logitMean: number;
  logitSd: number;
  /** augmentation effect on the logit τ_i ~ N(effectMean, effectSd²): image-level heterogeneity */
  effectMean: number;
  effectSd: number;
  /** seed effect shared by both conditions (same initial weights and shuffle) */
  sharedSeedSd: number;
  /** seed × condition effect: what a different training trajectory does to each condition */
  conditionSeedSd: number;
  /** baseline draws 1 − u instead of u: negatively correlated pairs */
  antithetic: boolean;
  /** seeds S and test images N of each study */
  seeds: number;
  testImages: number;
}

interface Population {
  logit: Float64Array;
  effect: Float64Array;
  /** per image, the seed-averaged Δ accuracy (condition − baseline) */
  expectedDelta: Float64Array;
  /** the population Δ: expectation over seeds and the whole population */
  truth: number;
}

const POPULATION = 50_000;
const STUDIES = 1500;
const REPLICATES = 400;

function makePopulation(sc: Scenario, draws: Draws): Population {
  const zl = draws.normal(POPULATION);
  const ze = draws.normal(POPULATION);
  const logit = Float64Array.from(zl, (z) => sc.logitMean + sc.logitSd * z);
  const effect = Float64Array.from(ze, (z) => sc.effectMean + sc.effectSd * z);
  const seedSd = Math.hypot(sc.sharedSeedSd, sc.conditionSeedSd);
  const expectedDelta = logit.map((l, i) => seedAveragedAccuracy(l + effect[i]!, seedSd) - seedAveragedAccuracy(l, seedSd));
  return { logit, effect, expectedDelta, truth: expectedDelta.reduce((a, b) => a + b, 0) / POPULATION };
}

/** N distinct population indices: a partial Fisher–Yates shuffle. */
function drawTestSet(order: Uint32Array, n: number, draws: Draws): Uint32Array {
  const u = draws.uniform(n);
  for (let k = 0; k < n; k += 1) {
    const j = k + Math.floor(u[k]! * (POPULATION - k));
    const swap = order[k]!;
    order[k] = order[j]!;
    order[j] = swap;
  }
  return order.slice(0, n);
}

/** One study: S seeds × N images of paired differences, both conditions sharing the seed's u_{s,i}. */
function runStudy(sc: Scenario, pop: Population, images: Uint32Array, draws: Draws): Float64Array[] {
  const shared = draws.normal(sc.seeds, sc.sharedSeedSd);
  const base = draws.normal(sc.seeds, sc.conditionSeedSd);
  const cond = draws.normal(sc.seeds, sc.conditionSeedSd);
  return Array.from({ length: sc.seeds }, (_, s) => {
    const u = draws.uniform(images.length);
    return Float64Array.from(images, (img, i) => {
      const l = pop.logit[img]! + shared[s]!;
      const uBase = sc.antithetic ? 1 - u[i]! : u[i]!;
      const correctCond = u[i]! < sigmoid(l + pop.effect[img]! + cond[s]!) ? 1 : 0;
      const correctBase = uBase < sigmoid(l + base[s]!) ? 1 : 0;
      return correctCond - correctBase;
    });
  });
}

/** The naive interval: 2.5 % and 97.5 % percentiles of the mean of S resampled seed means. */
function percentileSeedBootstrap(perSeed: readonly number[], draws: Draws): { lo: number; hi: number } {
  const S = perSeed.length;
  const u = draws.uniform(REPLICATES * S);
  const means = new Float64Array(REPLICATES);
  for (let b = 0; b < REPLICATES; b += 1) {
    let sum = 0;
    for (let s = 0; s < S; s += 1) sum += perSeed[Math.floor(u[b * S + s]! * S)]!;
    means[b] = sum / S;
  }
  means.sort();
  return { lo: means[Math.floor(0.025 * REPLICATES)]!, hi: means[Math.ceil(0.975 * REPLICATES) - 1]! };
}

interface Coverage {
  /** paired t over seeds covers the Δ expected on the study's own test set */
  pairedTTestSet: number;
  /** … and the population Δ (it is not meant to: the naive reading) */
  pairedTPopulation: number;
  /** the naive percentile bootstrap over seeds covers the test-set Δ */
  percentileTestSet: number;
  /** the two-level bootstrap covers the population Δ */
  bootstrapPopulation: number;
  /** mean interval widths */
  pairedTWidth: number;
  bootstrapWidth: number;
}

function simulateCoverage(sc: Scenario, seed: number, studies = STUDIES): Coverage {
  const draws = new Draws(seed);
  const pop = makePopulation(sc, draws);
  const order = Uint32Array.from({ length: POPULATION }, (_, i) => i);
  const hits = { pairedTTestSet: 0, pairedTPopulation: 0, percentileTestSet: 0, bootstrapPopulation: 0, pairedTWidth: 0, bootstrapWidth: 0 };
  const covers = (r: { lo: number; hi: number }, truth: number): number => (r.lo <= truth && truth <= r.hi ? 1 : 0);
  for (let study = 0; study < studies; study += 1) {
    const images = drawTestSet(order, sc.testImages, draws);
    const testSetTruth = images.reduce((a, img) => a + pop.expectedDelta[img]!, 0) / sc.testImages;
    const perSeed = runStudy(sc, pop, images, draws);
    const seedMeans = perSeed.map((row) => row.reduce((a, b) => a + b, 0) / sc.testImages);
    const t = pairedT(seedMeans);
    const boot = twoLevelBootstrap(perSeed, { replicates: REPLICATES, seed: study });
    hits.pairedTTestSet += covers(t, testSetTruth);
    hits.pairedTPopulation += covers(t, pop.truth);
    hits.percentileTestSet += covers(percentileSeedBootstrap(seedMeans, draws), testSetTruth);
    hits.bootstrapPopulation += covers(boot, pop.truth);
    hits.pairedTWidth += t.hi - t.lo;
    hits.bootstrapWidth += boot.hi - boot.lo;
  }
  const result = Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, v / studies])) as unknown as Coverage;
  console.log(
    `${sc.name} (population Δ ${pop.truth.toFixed(4)}, ${studies} studies, S=${sc.seeds}, N=${sc.testImages}): ` +
    `paired t covers test-set Δ ${result.pairedTTestSet.toFixed(3)}, population Δ ${result.pairedTPopulation.toFixed(3)}; ` +
    `percentile seed bootstrap covers test-set Δ ${result.percentileTestSet.toFixed(3)}; ` +
    `two-level bootstrap covers population Δ ${result.bootstrapPopulation.toFixed(3)}; ` +
    `mean widths: paired t ${result.pairedTWidth.toFixed(4)}, bootstrap ${result.bootstrapWidth.toFixed(4)}`,
  );
  return result;
}

/** 95 % within the simulation's error: 1500 studies give a binomial SD of 0.56 points. */
function expectNominal(coverage: number): void {
  expect(coverage).toBeGreaterThanOrEqual(0.93);
  expect(coverage).toBeLessThanOrEqual(0.97);
}

describe('coverage of the 95 % intervals (simulated studies with known truth)', () => {
  it('the truth: seed-averaged accuracy by quadrature agrees with its special cases and a Monte-Carlo average', () => {
    expect(seedAveragedAccuracy(0.7, 0)).toBeCloseTo(sigmoid(0.7), 12);
    expect(seedAveragedAccuracy(0, 0.8)).toBeCloseTo(0.5, 12);
    expect(seedAveragedAccuracy(1.2, 0.5) + seedAveragedAccuracy(-1.2, 0.5)).toBeCloseTo(1, 12);
    // 2e5 draws of sigmoid(1 + 0.5·Z): Monte-Carlo SD ≈ 0.1 / √2e5 ≈ 2.2e-4
    const z = randomNormal(200_000, { seed: 8 });
    const monteCarlo = z.reduce((a, v) => a + sigmoid(1 + 0.5 * v), 0) / z.length;
    expect(Math.abs(seedAveragedAccuracy(1, 0.5) - monteCarlo)).toBeLessThan(1e-3);
  });

  // accuracy ≈ 0.78 (logit 1.6 ± 1.2, images from easy to hard); an augmentation that helps
  // on average but hurts many images (τ = 0.6 ± 1.5 on the logit); seeds move both
  // conditions together (0.3) and each a little on its own (0.03). Here the test-set
  // sampling variance σβ²/N is about 1.15 × the seed variance (σα² + σγ²/N)/S
  // (numpy, 200 seeds × 20 000 images).
  const heterogeneous: Scenario = {
    name: 'heterogeneous effect', logitMean: 1.6, logitSd: 1.2, effectMean: 0.6, effectSd: 1.5,
    sharedSeedSd: 0.3, conditionSeedSd: 0.03, antithetic: false, seeds: 5, testImages: 500,
  };

  it('heterogeneous effect: both intervals cover their truth 93–97 %, and the naive readings fail', () => {
    const c = simulateCoverage(heterogeneous, 2026);
    expectNominal(c.pairedTTestSet);
    expectNominal(c.bootstrapPopulation);
    // the test can fail: a seeds-only interval read as a population claim, and percentiles over 5 seeds
    expect(c.pairedTPopulation).toBeLessThan(0.9);
    expect(c.percentileTestSet).toBeLessThan(0.9);
    // test-set sampling error is real width
    expect(c.bootstrapWidth).toBeGreaterThan(1.1 * c.pairedTWidth);
  }, 60_000);

  it('no seed × condition effect (b = 0): both cover 93–97 %', () => {
    const c = simulateCoverage({ ...heterogeneous, name: 'no seed × condition effect', conditionSeedSd: 0, effectSd: 0.5 }, 7);
    expectNominal(c.pairedTTestSet);
    expectNominal(c.bootstrapPopulation);
  }, 60_000);

  it('negatively correlated pairs (antithetic u): both cover 93–97 %', () => {
    const c = simulateCoverage({ ...heterogeneous, name: 'negatively correlated pairs', antithetic: true }, 99);
    expectNominal(c.pairedTTestSet);
    expectNominal(c.bootstrapPopulation);
  }, 60_000);

  it('few seeds (S = 3, N = 300): both cover 93–97 %', () => {
    const c = simulateCoverage({ ...heterogeneous, name: 'three seeds', seeds: 3, testImages: 300 }, 3, 1000);
    expectNominal(c.pairedTTestSet);
    expectNominal(c.bootstrapPopulation);
  }, 60_000);
});
