// A synthetic, deterministic ImpactReport for testing the report writers.
// It is built the way a real study builds one: per-run predictions are drawn
// first (from a seeded generator and a planted effect per condition), and
// every accuracy, interval and p-value is then computed from them, so the
// numbers agree with each other and with the predictions in the file.
// The statistics here are a test helper's (t intervals, exact sign-flip,
// Holm; the bootstrap interval is a normal approximation that adds the
// test-set sampling error), not the library's.
import {
  IMPACT_SCHEMA,
  type Comparison,
  type ConditionInfo,
  type ConditionSummary,
  type CorruptionFamilyInfo,
  type Estimate,
  type ImpactReport,
  type RunRecord,
  type TestSetInfo,
} from '../../src/impact/types.js';
import { testRng } from './rng.js';

export interface SyntheticOptions {
  /** number of seeds (default 5) */
  seeds?: number;
  /** use only the first k conditions (default all 10; the first is the baseline) */
  conditions?: number;
  /** test images (default 1000) */
  testN?: number;
  /** give class names (default true) */
  classNames?: boolean;
  /** make one run fail (default true): its seed's block is then incomplete */
  failure?: boolean;
  /** generator seed (default 1) */
  seed?: number;
  /** stretch every condition name to 18 characters (for layout tests) */
  longNames?: boolean;
}

const CLASS_NAMES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'];

const FAMILIES: CorruptionFamilyInfo[] = [
  { name: 'shift', description: 'integer shift in a random direction, constant fill', severities: ['2 px', '4 px', '6 px'], heldOut: false },
  { name: 'gaussian-noise', description: 'additive gaussian noise', severities: ['σ 0.06', 'σ 0.12', 'σ 0.24'], heldOut: false },
  { name: 'salt-pepper', description: 'salt and pepper noise', severities: ['3 %', '6 %', '12 %'], heldOut: false },
  { name: 'rotation', description: 'rotation about the centre, bilinear', severities: ['10°', '20°', '30°'], heldOut: true },
  { name: 'blur', description: 'box blur', severities: ['3×3', '5×5', '7×7'], heldOut: true },
  { name: 'contrast', description: 'contrast reduced towards the mean', severities: ['× 0.6', '× 0.4', '× 0.2'], heldOut: true },
  { name: 'occlusion', description: 'a random grey square', severities: ['6 px', '10 px', '14 px'], heldOut: true },
  { name: 'pixelate', description: 'down- then up-sampling', severities: ['÷ 2', '÷ 3', '÷ 4'], heldOut: true },
];

/** planted effects: clean accuracy change, gain on seen families, loss multiplier, affinity */
interface Plan {
  info: ConditionInfo;
  clean: number;
  gain: number;
  lossRatio: number;
  affinity?: number;
}

const PLANS: Plan[] = [
  { info: { name: 'baseline', description: 'no augmentation', changes: [], trainsOn: [] }, clean: 0, gain: 0, lossRatio: 1 },
  { info: { name: 'shift-int', description: 'integer shift, up to ±10 % of the size', changes: ['images'], trainsOn: ['shift'] }, clean: -0.035, gain: 0.3, lossRatio: 1.9, affinity: 0.62 },
  { info: { name: 'shift-subpixel', description: 'subpixel bilinear shift, up to ±10 %', changes: ['images'], trainsOn: ['shift'] }, clean: -0.03, gain: 0.28, lossRatio: 1.8, affinity: 0.66 },
  { info: { name: 'gaussian-input', description: 'gaussian input noise, σ in [0, 40] levels', changes: ['images'], trainsOn: ['gaussian-noise'] }, clean: -0.006, gain: 0.12, lossRatio: 1.15, affinity: 0.95 },
  { info: { name: 'salt-pepper', description: 'salt and pepper, amount in [0, 0.08]', changes: ['images'], trainsOn: ['salt-pepper'] }, clean: -0.004, gain: 0.1, lossRatio: 1.12, affinity: 0.97 },
  { info: { name: 'hidden-noise', description: 'GaussianNoise layer (σ 0.5) on the hidden units', changes: ['model'], trainsOn: [] }, clean: -0.003, gain: 0.01, lossRatio: 1.3 },
  { info: { name: 'gaussian-dropout', description: 'GaussianDropout layer (rate 0.3) on the hidden units', changes: ['model'], trainsOn: [] }, clean: -0.005, gain: 0.015, lossRatio: 1.25 },
  { info: { name: 'label-smoothing', description: 'label smoothing, ε 0.1', changes: ['labels'], trainsOn: [] }, clean: 0.002, gain: 0.005, lossRatio: 1.7 },
  { info: { name: 'label-flips', description: 'symmetric label flips, p 0.1', changes: ['labels'], trainsOn: [] }, clean: -0.012, gain: 0, lossRatio: 2.4 },
  { info: { name: 'pipeline', description: 'subpixel shift ±8 %, then gaussian and salt and pepper noise; label smoothing ε 0.05', changes: ['images', 'labels'], trainsOn: ['shift', 'gaussian-noise', 'salt-pepper'] }, clean: -0.028, gain: 0.26, lossRatio: 2.1, affinity: 0.6 },
];

/** baseline accuracy per family and severity */
const BASE_FAMILY: Record<string, number[]> = {
  shift: [0.6, 0.32, 0.16],
  'gaussian-noise': [0.83, 0.78, 0.62],
  'salt-pepper': [0.82, 0.77, 0.64],
  rotation: [0.78, 0.6, 0.42],
  blur: [0.8, 0.7, 0.58],
  contrast: [0.8, 0.66, 0.4],
  occlusion: [0.76, 0.66, 0.55],
  pixelate: [0.83, 0.78, 0.7],
};
const BASE_CLEAN = 0.845;
const CLASS_OFFSET = [0.0, 0.12, -0.06, 0.05, -0.07, 0.1, -0.25, 0.09, 0.12, 0.08];

export function syntheticReport(options: SyntheticOptions = {}): ImpactReport {
  const nSeeds = options.seeds ?? 5;
  const stretch = (n: string): string => (options.longNames ? `${n}-${'wide'.repeat(5)}`.slice(0, 18) : n);
  const plans = PLANS.slice(0, Math.max(1, options.conditions ?? PLANS.length)).map((p) => ({ ...p, info: { ...p.info, name: stretch(p.info.name) } }));
  const testN = options.testN ?? 1000;
  const numClasses = 10;
  const rng = testRng(options.seed ?? 1);
  const gauss = (): number => {
    const u = Math.max(rng.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng.next());
  };
  const seeds = Array.from({ length: nSeeds }, (_, i) => i + 1);
  const labels = Uint8Array.from({ length: testN }, (_, i) => i % numClasses);
  for (let i = testN - 1; i > 0; i -= 1) {
    const j = rng.int(0, i);
    [labels[i], labels[j]] = [labels[j]!, labels[i]!];
  }
  const imageConditions = plans.filter((p) => p.info.changes.includes('images'));
  const testSets: TestSetInfo[] = [
    { id: 'clean', kind: 'clean' },
    ...FAMILIES.flatMap((f) => f.severities.map((label, s): TestSetInfo => ({ id: `${f.name}/${s + 1}`, kind: 'corruption', family: f.name, severity: s + 1, label }))),
    { id: 'consistency', kind: 'consistency', label: '1-pixel shifts' },
    ...imageConditions.map((p): TestSetInfo => ({ id: `augmented:${p.info.name}`, kind: 'augmented', label: p.info.name })),
  ];

  // a per-seed "model quality" shared by every condition of that seed: the paired design's point
  const seedQuality = seeds.map(() => 0.012 * gauss());
  const draw = (p: number): Uint8Array => {
    const out = new Uint8Array(testN);
    for (let i = 0; i < testN; i += 1) {
      const y = labels[i]!;
      const pc = Math.min(0.995, Math.max(0.02, p + CLASS_OFFSET[y]! * Math.min(1, p)));
      out[i] = rng.next() < pc ? y : (y + 1 + rng.int(0, numClasses - 2)) % numClasses;
    }
    return out;
  };

  const failed = (options.failure ?? true) && plans.length > 1 && nSeeds > 1 ? { condition: plans[Math.min(8, plans.length - 1)]!.info.name, seed: seeds[nSeeds - 1]! } : null;
  const runs: RunRecord[] = [];
  let worker = 0;
  for (const seed of seeds) {
    for (const plan of plans) {
      worker = (worker + 1) % 2;
      const name = plan.info.name;
      if (failed && failed.condition === name && failed.seed === seed) {
        runs.push({ condition: name, seed, status: 'failed', error: 'worker 1 exited with code 134 (heap out of memory) during epoch 2', epochs: [], predictions: {}, seconds: 41.3, worker });
        continue;
      }
      const q = seedQuality[seed - 1]! + 0.004 * gauss();
      const cleanP = BASE_CLEAN + plan.clean + q;
      const predictions: Record<string, string> = {};
      const clean = draw(cleanP);
      predictions.clean = b64(clean);
      for (const f of FAMILIES) {
        const gain = plan.info.trainsOn.includes(f.name) ? plan.gain : f.heldOut ? plan.gain * 0.15 : plan.gain * 0.1;
        BASE_FAMILY[f.name]!.forEach((base, s) => {
          const p = base + q + plan.clean + gain * (1 - base) * (0.6 + 0.2 * s);
          predictions[`${f.name}/${s + 1}`] = b64(draw(p));
        });
      }
      // 1-pixel shifts: the clean prediction, changed for a share of the images
      const flip = Math.max(0.01, (name.startsWith('shift') || name.startsWith('pipeline') ? 0.035 : 0.11) + 0.005 * gauss());
      predictions.consistency = b64(clean.map((c) => (rng.next() < flip ? (c + 1 + rng.int(0, numClasses - 2)) % numClasses : c)));
      if (plan.info.changes.length === 0) {
        for (const ic of imageConditions) predictions[`augmented:${ic.info.name}`] = b64(draw(cleanP * (ic.affinity! + 0.01 * gauss())));
      }
      const trueP = new Float32Array(testN);
      const top = new Float32Array(testN);
      const smooth = name.startsWith('label-') ? 0.12 : 0;
      for (let i = 0; i < testN; i += 1) {
        const correct = clean[i] === labels[i];
        const conf = Math.min(0.999, Math.max(0.15, (correct ? 0.88 : 0.62) - smooth + 0.1 * gauss()));
        top[i] = conf;
        trueP[i] = correct ? conf : Math.max(0.005, (1 - conf) * rng.next());
      }
      const augmentSeconds = plan.info.changes.includes('images') ? 0.08 + 0.02 * plan.gain * 10 : plan.info.changes.includes('labels') ? 0.01 : 0;
      const trainSeconds = 2.4 + (plan.info.changes.includes('model') ? 0.3 : 0);
      const finalLoss = 0.42 * plan.lossRatio * (1 + 0.03 * gauss());
      runs.push({
        condition: name,
        seed,
        status: 'ok',
        epochs: [
          { loss: finalLoss * 1.55, accuracy: cleanP - 0.045 + 0.006 * gauss(), augmentSeconds, trainSeconds: trainSeconds + 0.1 * rng.next() },
          { loss: finalLoss, accuracy: accuracy(clean, labels), augmentSeconds, trainSeconds: trainSeconds + 0.1 * rng.next() },
        ],
        predictions,
        cleanProbabilities: { trueClass: b64(trueP), top: b64(top) },
        seconds: 2 * (trainSeconds + augmentSeconds) + 3.1,
        worker,
      });
    }
  }

  const completeSeeds = seeds.filter((s) => plans.every((p) => runs.some((r) => r.condition === p.info.name && r.seed === s && r.status === 'ok')));
  const run = (c: string, s: number): RunRecord => runs.find((r) => r.condition === c && r.seed === s)!;
  const accCache = new Map<string, number>();
  const acc = (c: string, s: number, set: string): number => {
    const key = `${c}\u0000${s}\u0000${set}`;
    let a = accCache.get(key);
    if (a === undefined) accCache.set(key, (a = accuracy(fromB64(run(c, s).predictions[set]!), labels)));
    return a;
  };
  const per = (f: (s: number) => number): number[] => completeSeeds.map(f);
  const level = 0.95;
  const base = plans[0]!.info.name;
  const comparisons: Comparison[] = [];
  const compare = (condition: string, metric: string, perSeed: number[], nullValue: number, testSe: number | null): Comparison => {
    const c = comparison(condition, metric, perSeed, nullValue, level, testSe);
    comparisons.push(c);
    return c;
  };
  const errSum = (c: string, s: number, fam: string, minusClean: boolean): number =>
    [1, 2, 3].reduce((a, sev) => a + (1 - acc(c, s, `${fam}/${sev}`)) - (minusClean ? 1 - acc(c, s, 'clean') : 0), 0);

  const summary: ConditionSummary[] = plans.map((plan) => {
    const name = plan.info.name;
    const isBase = name === base;
    const clean = per((s) => acc(name, s, 'clean'));
    const baseClean = per((s) => acc(base, s, 'clean'));
    const corruptions: ConditionSummary['corruptions'] = {};
    for (const f of FAMILIES) {
      const accuracyPer = [1, 2, 3].map((sev) => per((s) => acc(name, s, `${f.name}/${sev}`)));
      const famMean = per((s) => [1, 2, 3].reduce((a, sev) => a + acc(name, s, `${f.name}/${sev}`), 0) / 3);
      const baseMean = per((s) => [1, 2, 3].reduce((a, sev) => a + acc(base, s, `${f.name}/${sev}`), 0) / 3);
      corruptions[f.name] = {
        accuracy: accuracyPer.map((v) => estimate(v, level)),
        ce: isBase ? null : estimate(per((s) => errSum(name, s, f.name, false) / errSum(base, s, f.name, false)), level),
        rce: isBase ? null : estimate(per((s) => errSum(name, s, f.name, true) / errSum(base, s, f.name, true)), level),
        delta: isBase ? null : compare(name, `family:${f.name}`, famMean.map((v, i) => v - baseMean[i]!), 0, Math.sqrt((2 * 0.7 * 0.3) / (3 * testN))),
      };
    }
    const mceOf = (fams: string[]): number[] => per((s) => fams.reduce((a, f) => a + errSum(name, s, f, false) / errSum(base, s, f, false), 0) / fams.length);
    const heldOut = FAMILIES.filter((f) => f.heldOut).map((f) => f.name);
    const classAcc = (c: string, s: number): number[] => perClassAccuracy(fromB64(run(c, s).predictions.clean!), labels, numClasses);
    const perClassAcc = Array.from({ length: numClasses }, (_, k) => estimate(per((s) => classAcc(name, s)[k]!), level));
    const perClassDelta = isBase ? null : Array.from({ length: numClasses }, (_, k) => estimate(per((s) => classAcc(name, s)[k]! - classAcc(base, s)[k]!), level));
    const worstK = perClassDelta ? perClassDelta.reduce((w, e, k) => (e.mean < perClassDelta[w]!.mean ? k : w), 0) : -1;
    const okRuns = completeSeeds.map((s) => run(name, s));
    const epochs = okRuns[0]!.epochs.length;
    const cal = okRuns.map((r) => calibration(fromB64(r.predictions.clean!), labels, r.cleanProbabilities!));
    return {
      condition: name,
      n: completeSeeds.length,
      clean: estimate(clean, level),
      deltaClean: isBase ? null : compare(name, 'clean', clean.map((v, i) => v - baseClean[i]!), 0, Math.sqrt((2 * 0.85 * 0.15) / testN)),
      curve: Array.from({ length: epochs }, (_, e) => estimate(okRuns.map((r) => r.epochs[e]!.accuracy), level)),
      loss: Array.from({ length: epochs }, (_, e) => estimate(okRuns.map((r) => r.epochs[e]!.loss), level)),
      corruptions,
      mce: {
        seen: isBase || plan.info.trainsOn.length === 0 ? null : compare(name, 'mCE:seen', mceOf(plan.info.trainsOn), 1, null),
        heldOut: isBase ? null : compare(name, 'mCE:held-out', mceOf(heldOut), 1, null),
      },
      rmceHeldOut: isBase ? null : estimate(per((s) => heldOut.reduce((a, f) => a + errSum(name, s, f, true) / errSum(base, s, f, true), 0) / heldOut.length), level),
      affinity: plan.info.changes.includes('images') ? estimate(per((s) => acc(base, s, `augmented:${name}`) / acc(base, s, 'clean')), level) : null,
      diversity: isBase ? null : estimate(per((s) => run(name, s).epochs.at(-1)!.loss / run(base, s).epochs.at(-1)!.loss), level),
      perClass: { accuracy: perClassAcc, delta: perClassDelta, worst: perClassDelta ? { class: worstK, delta: perClassDelta[worstK]!.mean } : null },
      calibration: { ece: estimate(cal.map((c) => c.ece), level), nll: estimate(cal.map((c) => c.nll), level) },
      flipRate: estimate(okRuns.map((r) => flipRate(fromB64(r.predictions.clean!), fromB64(r.predictions.consistency!))), level),
      cost: {
        augmentSecondsPerEpoch: mean(okRuns.flatMap((r) => r.epochs.map((e) => e.augmentSeconds))),
        trainSecondsPerEpoch: mean(okRuns.flatMap((r) => r.epochs.map((e) => e.trainSeconds))),
      },
    };
  });
  holm(comparisons, level);

  const runSeconds = runs.reduce((a, r) => a + r.seconds, 0);
  return {
    schema: IMPACT_SCHEMA,
    created: '2026-12-05T08:00:00.000Z',
    versions: { fastaug: '0.1.0', tfjs: '4.22.0', tfjsBackend: 'wasm', node: 'v20.20.2' },
    settings: {
      data: 'fashion-mnist (synthetic fixture)',
      model: 'MLP 784-128-10 (ReLU, softmax), 101 770 parameters, Adam 1e-3, categorical cross-entropy',
      train: { n: 6000, shape: [28, 28, 1] },
      test: { n: testN },
      numClasses,
      ...(options.classNames ?? true ? { classNames: CLASS_NAMES } : {}),
      epochs: 2,
      batchSize: 64,
      seeds,
      level,
      bootstrap: { replicates: 2000, seed: 7 },
      workers: 2,
    },
    testLabels: b64(labels),
    testSets,
    families: FAMILIES.map((f) => ({ ...f, severities: [...f.severities] })),
    conditions: plans.map((p) => ({ ...p.info, changes: [...p.info.changes], trainsOn: [...p.info.trainsOn] })),
    runs,
    completeSeeds,
    summary,
    comparisons,
    timing: { wallSeconds: Math.round(runSeconds / 2 + 12), runSeconds: Math.round(runSeconds * 10) / 10, workers: 2 },
  };
}

function b64(a: ArrayBufferView): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}
function fromB64(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'base64'));
}
function f32(s: string): Float32Array {
  const b = Buffer.from(s, 'base64');
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function accuracy(pred: Uint8Array, labels: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < labels.length; i += 1) if (pred[i] === labels[i]) c += 1;
  return c / labels.length;
}
function perClassAccuracy(pred: Uint8Array, labels: Uint8Array, k: number): number[] {
  const hit = new Array<number>(k).fill(0);
  const all = new Array<number>(k).fill(0);
  labels.forEach((y, i) => {
    all[y] = all[y]! + 1;
    if (pred[i] === y) hit[y] = hit[y]! + 1;
  });
  return hit.map((h, i) => h / Math.max(1, all[i]!));
}
function flipRate(clean: Uint8Array, shifted: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < clean.length; i += 1) if (clean[i] !== shifted[i]) c += 1;
  return c / clean.length;
}
function calibration(pred: Uint8Array, labels: Uint8Array, probs: { trueClass: string; top: string }): { ece: number; nll: number } {
  const pt = f32(probs.trueClass);
  const top = f32(probs.top);
  const bins = Array.from({ length: 15 }, () => ({ n: 0, conf: 0, hit: 0 }));
  let nll = 0;
  for (let i = 0; i < labels.length; i += 1) {
    nll -= Math.log(Math.max(1e-7, pt[i]!));
    const b = bins[Math.min(14, Math.floor(top[i]! * 15))]!;
    b.n += 1;
    b.conf += top[i]!;
    b.hit += pred[i] === labels[i] ? 1 : 0;
  }
  const ece = bins.reduce((a, b) => a + (b.n ? Math.abs(b.hit - b.conf) : 0), 0) / labels.length;
  return { ece, nll: nll / labels.length };
}
function mean(v: number[]): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}
function sd(v: number[]): number {
  const m = mean(v);
  return Math.sqrt(v.reduce((a, b) => a + (b - m) ** 2, 0) / Math.max(1, v.length - 1));
}
function estimate(v: number[], level: number): Estimate {
  const m = mean(v);
  if (v.length < 2) return { mean: m, lo: m, hi: m, n: v.length };
  const h = tQuantile(1 - (1 - level) / 2, v.length - 1) * (sd(v) / Math.sqrt(v.length));
  return { mean: m, lo: m - h, hi: m + h, n: v.length };
}
function comparison(condition: string, metric: string, perSeed: number[], nullValue: number, level: number, testSe: number | null): Comparison {
  const n = perSeed.length;
  const m = mean(perSeed);
  const se = sd(perSeed) / Math.sqrt(n);
  const df = n - 1;
  const h = tQuantile(1 - (1 - level) / 2, df) * se;
  const t = se > 0 ? (m - nullValue) / se : Infinity;
  const p = Number.isFinite(t) ? 2 * (1 - tCdf(Math.abs(t), df)) : 0;
  // exact sign flip over all 2^n sign patterns of the centred per-seed values
  const d = perSeed.map((v) => v - nullValue);
  const observed = Math.abs(mean(d));
  let extreme = 0;
  for (let mask = 0; mask < 2 ** n; mask += 1) {
    const s = d.reduce((a, v, i) => a + (mask & (1 << i) ? -v : v), 0) / n;
    if (Math.abs(s) >= observed - 1e-12) extreme += 1;
  }
  // the same test images under both models: the paired difference has about half the unpaired sampling error
  const z = 1.959964;
  const bootHalf = testSe === null ? 0 : 1.05 * Math.sqrt((z * se) ** 2 + ((z * testSe) / 2) ** 2);
  const boot = testSe === null ? null : { lo: m - bootHalf, hi: m + bootHalf };
  return { condition, metric, nullValue, estimate: m, perSeed, pairedT: { lo: m - h, hi: m + h, p: Math.min(1, p), df }, signFlipP: extreme / 2 ** n, bootstrap: boot, holmP: 1, significant: false };
}
function holm(cs: Comparison[], level: number): void {
  const order = cs.map((c, i) => i).sort((a, b) => cs[a]!.pairedT.p - cs[b]!.pairedT.p);
  let running = 0;
  order.forEach((idx, rank) => {
    running = Math.max(running, Math.min(1, (cs.length - rank) * cs[idx]!.pairedT.p));
    cs[idx]!.holmP = running;
    cs[idx]!.significant = running < 1 - level;
  });
}

/** Student t CDF via the regularized incomplete beta function. */
function tCdf(t: number, df: number): number {
  const x = df / (df + t * t);
  const tail = 0.5 * betaInc(x, df / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}
function tQuantile(p: number, df: number): number {
  let lo = 0;
  let hi = 1000;
  for (let i = 0; i < 100; i += 1) {
    const mid = (lo + hi) / 2;
    if (tCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
function logGamma(x: number): number {
  const g = [76.18009172947146, -86.50532032941677, 24.01409824083091, -1.231739572450155, 0.1208650973866179e-2, -0.5395239384953e-5];
  let y = x;
  const tmp = x + 5.5 - (x + 0.5) * Math.log(x + 5.5);
  let ser = 1.000000000190015;
  for (const c of g) ser += c / ++y;
  return -tmp + Math.log((2.5066282746310005 * ser) / x);
}
function betaInc(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  if (x < (a + 1) / (a + b + 2)) return (front * betaCf(x, a, b)) / a;
  return 1 - (front * betaCf(1 - x, b, a)) / b;
}
function betaCf(x: number, a: number, b: number): number {
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = 1 / (Math.abs(d) < 1e-30 ? 1e-30 : d);
  let h = d;
  for (let m = 1; m <= 200; m += 1) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < 1e-30 ? 1e-30 : d);
    c = 1 + aa / c;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    d = 1 / (Math.abs(d) < 1e-30 ? 1e-30 : d);
    c = 1 + aa / c;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 3e-14) break;
  }
  return h;
}
