// fastaug/impact end to end: a user's own model and data (not 28×28, not 10
// classes) from code, worker-count invariance, resume after a budgeted stop,
// the saved file recomputing every statistic, and bad input.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';

import { Pipeline } from '../src/index.js';
import { analyzeStudy, measureImpact, writeImpactReport, type ImpactReport, type MeasureImpactOptions } from '../src/impact/index.js';
import { tempDir } from './helpers/tempdir.js';

const [H, W, C, K] = [12, 10, 3, 3];

/** n images of 12×10×3 in 3 classes: class k brightens a 4-row band at rows 4k…4k+3 in channel k, with texture; a shift of a pixel or two keeps it learnable. */
function toyData(n: number, offset: number): { xs: { data: Uint8Array; shape: [number, number, number, number] }; ys: Uint8Array } {
  const data = new Uint8Array(n * H * W * C);
  const ys = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = (i + offset) % K;
    ys[i] = k;
    for (let y = 0; y < H; y += 1) {
      for (let x = 0; x < W; x += 1) {
        for (let c = 0; c < C; c += 1) {
          const inBand = y >= 4 * k && y < 4 * k + 4;
          data[((i * H + y) * W + x) * C + c] = (inBand && c === k ? 170 : 20) + ((i * 31 + y * 7 + x * 3 + c) % 60);
        }
      }
    }
  }
  return { xs: { data, shape: [n, H, W, C] }, ys };
}

const train = toyData(240, 0);
const test = toyData(90, 1);

/** The user's model: flattens the images itself (rank-4 input), seeded initializers. */
const model = ({ seed }: { seed: number }): tf.LayersModel => {
  const m = tf.sequential();
  m.add(tf.layers.flatten({ inputShape: [H, W, C] }));
  m.add(tf.layers.dense({ units: 16, activation: 'relu', kernelInitializer: tf.initializers.glorotUniform({ seed }) }));
  m.add(tf.layers.dense({ units: K, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }) }));
  m.compile({ optimizer: tf.train.adam(0.01), loss: 'categoricalCrossentropy' });
  return m;
};

const base = (extra: Partial<MeasureImpactOptions> = {}): MeasureImpactOptions => ({
  model,
  train,
  test,
  conditions: {
    shift: new Pipeline([{ op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } }], { seed: 3 }),
    smooth: { labels: { smooth: 0.1 } },
  },
  seeds: 3,
  epochs: 2,
  batchSize: 32,
  workers: 1,
  bootstrap: { replicates: 200 },
  ...extra,
});

/** The runs without what may differ between equal studies: timings and which worker ran them. */
const measured = (r: ImpactReport) => r.runs.map((run) => ({ ...run, seconds: 0, worker: 0, epochs: run.epochs.map((e) => ({ ...e, augmentSeconds: 0, trainSeconds: 0 })) }));

/** The summaries less the measured seconds of augmentation and training. */
const withoutCost = (r: ImpactReport) => r.summary.map((s) => ({ ...s, cost: null }));

describe('measureImpact on the caller\'s own model and data', () => {
  let serial: ImpactReport;

  it('runs every condition × seed, reports each metric, and learns the toy task', async () => {
    serial = await measureImpact(base());
    expect(serial.runs.map((r) => `${r.condition}/${r.seed}`)).toEqual(['baseline/1', 'shift/1', 'smooth/1', 'baseline/2', 'shift/2', 'smooth/2', 'baseline/3', 'shift/3', 'smooth/3']);
    expect(serial.runs.every((r) => r.status === 'ok')).toBe(true);
    expect(serial.completeSeeds).toEqual([1, 2, 3]);
    expect(serial.settings).toMatchObject({ numClasses: K, train: { n: 240, shape: [H, W, C] }, test: { n: 90 }, seeds: [1, 2, 3], epochs: 2 });
    const [baseline, shift, smooth] = serial.summary;
    expect(baseline!.clean.mean).toBeGreaterThan(0.8);
    expect(baseline!.deltaClean).toBeNull();
    expect(shift!.deltaClean!.perSeed).toHaveLength(3);
    // the paired difference is the mean of per-seed differences of the runs' own accuracies
    const acc = (cond: string, seed: number) => serial.summary.find((s) => s.condition === cond) && serial.runs.find((r) => r.condition === cond && r.seed === seed)!.epochs[1]!.accuracy;
    expect(shift!.deltaClean!.estimate).toBeCloseTo([1, 2, 3].reduce((a, s) => a + acc('shift', s)! - acc('baseline', s)!, 0) / 3, 12);
    // the shift condition trains on the shift family (inferred from its Pipeline); smoothing on none
    expect(serial.conditions.find((c) => c.name === 'shift')!.trainsOn).toEqual(['shift']);
    expect(shift!.mce.seen!.metric).toBe('mCE:seen');
    expect(smooth!.mce.seen).toBeNull();
    expect(shift!.affinity!.mean).toBeGreaterThan(0);
    expect(smooth!.affinity).toBeNull();
    expect(serial.families.filter((f) => f.heldOut).length).toBeGreaterThanOrEqual(4);
    for (const s of serial.summary) {
      expect(s.curve).toHaveLength(2);
      expect(s.perClass.accuracy).toHaveLength(K);
      expect(s.flipRate.mean).toBeGreaterThanOrEqual(0);
      expect(s.calibration.nll.mean).toBeGreaterThan(0);
      expect(Object.keys(s.corruptions)).toEqual(serial.families.map((f) => f.name));
    }
    // Holm over every comparison: adjusted p ≥ raw p, significance follows it
    expect(serial.comparisons.length).toBe(2 * (1 + serial.families.length) + 3);  // Δclean and Δ per family for both; mCE seen for shift, held-out for both
    for (const c of serial.comparisons) {
      if (Number.isNaN(c.pairedT.p)) expect(c.holmP).toBe(1);  // a CE ratio where the baseline made no error: not testable
      else expect(c.holmP).toBeGreaterThanOrEqual(c.pairedT.p - 1e-15);
      expect(c.significant).toBe(c.holmP < 0.05);
    }
  });

  it('2 workers give the same runs as 1', async () => {
    const parallel = await measureImpact(base({ workers: 2 }));
    expect(parallel.settings.workers).toBe(2);
    expect(new Set(parallel.runs.map((r) => r.worker))).toEqual(new Set([0, 1]));
    expect(measured(parallel)).toEqual(measured(serial));
    expect(withoutCost(parallel)).toEqual(withoutCost(serial));
  });

  it('impact.json holds everything: analyzeStudy on the saved file gives the same report', () => {
    const dir = tempDir('fastaug-impact-json-');
    writeImpactReport(serial, dir);
    const saved = JSON.parse(readFileSync(path.join(dir, 'impact.json'), 'utf8')) as ImpactReport;
    const again = analyzeStudy({ ...saved, summary: undefined, comparisons: undefined, completeSeeds: undefined } as never);
    expect(JSON.parse(JSON.stringify(again.summary))).toEqual(saved.summary);
    expect(JSON.parse(JSON.stringify(again.comparisons))).toEqual(saved.comparisons);
    for (const f of ['impact.md', 'impact.html', 'forest.svg', 'severity.svg']) expect(existsSync(path.join(dir, f))).toBe(true);
  });

  it('a budgeted study stops at a complete seed block; resume finishes it with the same numbers', async () => {
    const dir = tempDir('fastaug-impact-resume-');
    const checkpoint = path.join(dir, 'checkpoint.json');
    const cut = await measureImpact(base({ budget: 1e-3, checkpoint }));
    expect(cut.runs.map((r) => r.seed)).toEqual([1, 1, 1]);
    expect(cut.completeSeeds).toEqual([1]);
    const seen: number[] = [];
    const resumed = await measureImpact(base({ checkpoint, resume: true, onProgress: (p) => seen.push(p.done) }));
    expect(seen[0]).toBe(3);  // the saved block is not run again
    expect(measured(resumed)).toEqual(measured(serial));
    expect(withoutCost(resumed)).toEqual(withoutCost(serial));
    await expect(measureImpact(base({ checkpoint, resume: true, epochs: 1 }))).rejects.toThrow(/checkpoint .* is from another study/);
  });
});

describe('measureImpact on bad input', () => {
  const small = (extra: Partial<MeasureImpactOptions>) => measureImpact(base({ seeds: 2, epochs: 1, ...extra }));

  it('names the argument before any training', async () => {
    await expect(small({ model: () => { throw new Error('no GPU'); } })).rejects.toThrow('model threw for seed 1: no GPU');
    await expect(small({ model: (() => ({ predict: 1 })) as never })).rejects.toThrow(/Expected a function returning a tf.LayersModel for model/);
    await expect(small({ model: ({ seed }) => { const m = model({ seed }); return Object.assign(m, { optimizer: undefined }); } })).rejects.toThrow(/compiled model/);
    const unseeded = (): tf.LayersModel => {
      const m = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [H, W, C] }), tf.layers.dense({ units: K, activation: 'softmax' })] });
      m.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
      return m;
    };
    await expect(small({ model: unseeded })).rejects.toThrow(/different initial weights for the same seed/);
    await expect(small({ test: { xs: test.xs, ys: test.ys.map((y) => y + 1) } })).rejects.toThrow('Expected test.ys in 0…2 (the model has 3 classes) but received 3');
    await expect(small({ test: { xs: test.xs, ys: test.ys.subarray(1) } })).rejects.toThrow('Expected 90 labels for test.ys');
    await expect(small({ train: { xs: { data: new Uint8Array(10 * 8 * 8 * 3), shape: [10, 8, 8, 3] }, ys: new Uint8Array(10) } })).rejects.toThrow(/Expected test images like the training images/);
    await expect(small({ conditions: { x: 3 as never } })).rejects.toThrow(/conditions.x.images/);
    await expect(small({ conditions: { baseline: { labels: { smooth: 0.1 } } } })).rejects.toThrow(/reserved/);
    await expect(small({ seeds: 0 })).rejects.toThrow(/seeds/);
    await expect(small({ sed: 1 } as never)).rejects.toThrow("Unknown option 'sed' for measureImpact");
    await expect(small({ conditions: { broken: () => { throw new Error('nope'); } } })).rejects.toThrow('conditions.broken threw on the test images: nope');
  });

  it('names each study setting that is out of range', async () => {
    const cases: Array<[Partial<MeasureImpactOptions>, string | RegExp]> = [
      [{ seeds: [] }, 'Expected a count ≥ 1 or a non-empty array of seeds for seeds'],
      [{ seeds: [1, 1] }, 'Expected distinct seeds but received [1, 1]'],
      [{ seeds: [1, -2] }, 'for seeds[1]'],
      [{ workers: 0 }, 'Expected an integer between 1 and 256 for workers'],
      [{ normalize: { scale: NaN, offset: 0 } }, 'Expected { scale, offset } (finite numbers) for normalize'],
      [{ level: 0.4 }, 'Expected a confidence level in (0.5, 1) for level but received 0.4'],
      [{ epochs: 0 }, 'Expected an integer between 1 and 10000 for epochs'],
      [{ batchSize: 1.5 }, 'for batchSize'],
      [{ budget: 0 }, 'Expected seconds > 0 for budget but received 0'],
      [{ bootstrap: { replicates: 10 } }, 'for bootstrap.replicates'],
      [{ bootstrap: { seed: -1 } }, 'for bootstrap.seed'],
    ];
    for (const [extra, message] of cases) await expect(small(extra), JSON.stringify(extra)).rejects.toThrow(message);
  });

  it('a run that fails (NaN loss, a throwing augmenter) is recorded with its reason; the others finish', async () => {
    const r = await measureImpact(base({
      seeds: 2,
      epochs: 2,
      conditions: {
        nan: { labels: (y) => y.fill(NaN) },
        // fine on the test images (the affinity set) and in epoch 0, broken from epoch 1
        broken: { images: (b, { epoch }) => { if (epoch === 1) throw new Error(`augmenter broke in epoch ${epoch}`); return b; } },
        fine: { labels: { flip: 0.05 } },
      },
    }));
    const failed = r.runs.filter((x) => x.status === 'failed');
    expect(failed.map((x) => `${x.condition}/${x.seed}`).sort()).toEqual(['broken/1', 'broken/2', 'nan/1', 'nan/2']);
    expect(failed.find((x) => x.condition === 'nan')!.error).toBe('the training loss became NaN in epoch 1');
    expect(failed.find((x) => x.condition === 'broken')!.error).toBe('augmenter broke in epoch 1');
    expect(failed.find((x) => x.condition === 'broken')!.epochs).toHaveLength(1);  // what it had measured is kept
    expect(r.summary.map((s) => s.condition)).toEqual(['baseline', 'fine']);
    expect(r.completeSeeds).toEqual([]);
  });
});
