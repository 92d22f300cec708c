// From runs to the report's numbers. Everything here reads only what
// impact.json saves (per-image predictions, per-epoch records), so
// `analyzeStudy(JSON.parse(file))` recomputes every statistic.
//
// Comparisons are paired: condition c at seed s against the baseline at the
// same seed, on the same test images. A comparison uses the seeds where both
// runs succeeded.
import { expectedCalibrationError, holm, negativeLogLikelihood, pairedT, signFlipP, tInterval, twoLevelBootstrap } from './stats.js';
import type { Comparison, ConditionSummary, Estimate, ImpactReport, RunRecord } from './types.js';

export type StudyResults = Omit<ImpactReport, 'summary' | 'comparisons' | 'completeSeeds'>;

function decodeClasses(base64: string, numClasses: number): Uint8Array | Uint16Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new Uint8Array(bytes);  // aligned
  return numClasses <= 256 ? copy : new Uint16Array(copy.buffer, 0, copy.byteLength / 2);
}

function decodeFloats(base64: string): Float32Array {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  return new Float32Array(bytes.buffer, 0, bytes.byteLength / 4);
}

/** The decoded runs of a study: correct[set][i] per run. */
class Outcomes {
  private readonly cache = new Map<string, Uint8Array>();
  private readonly predictions = new Map<string, Uint8Array | Uint16Array>();
  readonly labels: Uint8Array | Uint16Array;

  constructor(private readonly results: StudyResults, private readonly byKey: Map<string, RunRecord>) {
    this.labels = decodeClasses(results.testLabels, results.settings.numClasses);
  }

  run(condition: string, seed: number): RunRecord | undefined {
    const r = this.byKey.get(`${condition}/${seed}`);
    return r?.status === 'ok' ? r : undefined;
  }

  predicted(condition: string, seed: number, set: string): Uint8Array | Uint16Array {
    const key = `${condition}/${seed}/${set}`;
    let p = this.predictions.get(key);
    if (!p) {
      const encoded = this.run(condition, seed)?.predictions[set];
      if (encoded === undefined) throw new Error(`impact results: no predictions of ${condition} seed ${seed} on ${set}`);
      p = decodeClasses(encoded, this.results.settings.numClasses);
      this.predictions.set(key, p);
    }
    return p;
  }

  correct(condition: string, seed: number, set: string): Uint8Array {
    const key = `${condition}/${seed}/${set}`;
    let c = this.cache.get(key);
    if (!c) {
      const p = this.predicted(condition, seed, set);
      c = new Uint8Array(p.length);
      for (let i = 0; i < p.length; i += 1) c[i] = p[i] === this.labels[i] ? 1 : 0;
      this.cache.set(key, c);
    }
    return c;
  }

  accuracy(condition: string, seed: number, set: string): number {
    const c = this.correct(condition, seed, set);
    let sum = 0;
    for (let i = 0; i < c.length; i += 1) sum += c[i]!;
    return sum / c.length;
  }
}

const estimate = (values: number[], level: number): Estimate => {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: NaN, lo: NaN, hi: NaN, n: 0 };
  const t = tInterval(finite, level);
  return { mean: t.mean, lo: t.lo, hi: t.hi, n: t.n };
};
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

interface Context { results: StudyResults; outcomes: Outcomes; level: number }

/** A paired comparison; `perImage(seed)` gives the per-image differences for the bootstrap (omitted for ratio metrics). */
function compare(ctx: Context, condition: string, metric: string, seeds: number[], perSeed: number[], nullValue: number,
  perImage?: (seed: number) => Float64Array): Comparison {
  // a ratio is undefined where the baseline made no error: such seeds are left out of the test (p NaN, Holm 1, when fewer than 2 remain)
  const centred = perSeed.filter(Number.isFinite).map((v) => v - nullValue);
  const t = centred.length >= 2 ? pairedT(centred, ctx.level) : { lo: NaN, hi: NaN, p: NaN, df: 0 };
  const { replicates, seed } = ctx.results.settings.bootstrap;
  const boot = perImage && seeds.length >= 2 ? twoLevelBootstrap(seeds.map(perImage), { replicates, seed, level: ctx.level }) : null;
  return {
    condition, metric, nullValue,
    estimate: centred.length > 0 ? mean(centred) + nullValue : NaN,
    perSeed,
    pairedT: { lo: t.lo + nullValue, hi: t.hi + nullValue, p: t.p, df: t.df },
    signFlipP: centred.length > 0 ? signFlipP(centred) : NaN,
    bootstrap: boot ? { lo: boot.lo, hi: boot.hi } : null,
    holmP: NaN,
    significant: false,
  };
}

/** Per-image paired difference of correctness averaged over test sets. */
function imageDifferences(ctx: Context, condition: string, seed: number, sets: string[]): Float64Array {
  const n = ctx.outcomes.labels.length;
  const d = new Float64Array(n);
  for (const set of sets) {
    const a = ctx.outcomes.correct(condition, seed, set);
    const b = ctx.outcomes.correct('baseline', seed, set);
    for (let i = 0; i < n; i += 1) d[i]! += (a[i]! - b[i]!) / sets.length;
  }
  return d;
}

function perClassAccuracy(ctx: Context, condition: string, seed: number, numClasses: number): number[] {
  const correct = ctx.outcomes.correct(condition, seed, 'clean');
  const hits = new Float64Array(numClasses);
  const counts = new Float64Array(numClasses);
  ctx.outcomes.labels.forEach((label, i) => { counts[label]! += 1; hits[label]! += correct[i]!; });
  return Array.from(hits, (h, k) => (counts[k]! > 0 ? h / counts[k]! : NaN));
}

function summarizeCondition(ctx: Context, name: string, allSeeds: number[]): { summary: ConditionSummary; comparisons: Comparison[] } {
  const { results, outcomes, level } = ctx;
  const isBaseline = name === 'baseline';
  const info = results.conditions.find((c) => c.name === name)!;
  const seeds = allSeeds.filter((s) => outcomes.run(name, s) && outcomes.run('baseline', s));
  const runs = seeds.map((s) => outcomes.run(name, s)!);
  const bases = seeds.map((s) => outcomes.run('baseline', s)!);
  const comparisons: Comparison[] = [];
  const acc = (cond: string, set: string): number[] => seeds.map((s) => outcomes.accuracy(cond, s, set));
  const cleanAcc = acc(name, 'clean');
  const baseClean = acc('baseline', 'clean');

  const deltaClean = isBaseline ? null : compare(ctx, name, 'clean', seeds, cleanAcc.map((a, i) => a - baseClean[i]!), 0, (s) => imageDifferences(ctx, name, s, ['clean']));
  if (deltaClean) comparisons.push(deltaClean);

  const corruptions: ConditionSummary['corruptions'] = {};
  const ceBySeed = new Map<string, number[]>();
  const rceBySeed = new Map<string, number[]>();
  for (const family of results.families) {
    const sets = family.severities.map((_, i) => `${family.name}/${i + 1}`);
    const accuracy = sets.map((set) => estimate(acc(name, set), level));
    let ce: number[] | null = null;
    let rce: number[] | null = null;
    let delta: Comparison | null = null;
    if (!isBaseline) {
      ce = seeds.map((s) => sets.reduce((a, set) => a + 1 - outcomes.accuracy(name, s, set), 0) / sets.reduce((a, set) => a + 1 - outcomes.accuracy('baseline', s, set), 0));
      rce = seeds.map((s, i) => sets.reduce((a, set) => a + (1 - outcomes.accuracy(name, s, set)) - (1 - cleanAcc[i]!), 0)
        / sets.reduce((a, set) => a + (1 - outcomes.accuracy('baseline', s, set)) - (1 - baseClean[i]!), 0));
      ceBySeed.set(family.name, ce);
      rceBySeed.set(family.name, rce);
      const perSeed = seeds.map((s) => mean(sets.map((set) => outcomes.accuracy(name, s, set) - outcomes.accuracy('baseline', s, set))));
      delta = compare(ctx, name, `family:${family.name}`, seeds, perSeed, 0, (s) => imageDifferences(ctx, name, s, sets));
      comparisons.push(delta);
    }
    corruptions[family.name] = { accuracy, ce: ce ? estimate(ce, level) : null, rce: rce ? estimate(rce, level) : null, delta };
  }

  const meanOver = (by: Map<string, number[]>, names: string[]): number[] => seeds.map((_, i) => mean(names.map((f) => by.get(f)![i]!)));
  const seen = results.families.filter((f) => info.trainsOn.includes(f.name)).map((f) => f.name);
  const heldOut = results.families.filter((f) => f.heldOut).map((f) => f.name);
  const mce = {
    seen: !isBaseline && seen.length > 0 ? compare(ctx, name, 'mCE:seen', seeds, meanOver(ceBySeed, seen), 1) : null,
    heldOut: !isBaseline && heldOut.length > 0 ? compare(ctx, name, 'mCE:held-out', seeds, meanOver(ceBySeed, heldOut), 1) : null,
  };
  if (mce.seen) comparisons.push(mce.seen);
  if (mce.heldOut) comparisons.push(mce.heldOut);

  const epochs = results.settings.epochs;
  const curve = Array.from({ length: epochs }, (_, e) => estimate(runs.map((r) => r.epochs[e]?.accuracy ?? NaN), level));
  const loss = Array.from({ length: epochs }, (_, e) => estimate(runs.map((r) => r.epochs[e]?.loss ?? NaN), level));
  const finalLoss = (r: RunRecord): number => r.epochs[r.epochs.length - 1]?.loss ?? NaN;
  const augmented = `augmented:${name}`;
  const hasAugmentedSet = results.testSets.some((t) => t.id === augmented);

  const numClasses = results.settings.numClasses;
  const classAcc = seeds.map((s) => perClassAccuracy(ctx, name, s, numClasses));
  const baseClassAcc = seeds.map((s) => perClassAccuracy(ctx, 'baseline', s, numClasses));
  const classDelta = isBaseline ? null : Array.from({ length: numClasses }, (_, k) => estimate(seeds.map((_, i) => classAcc[i]![k]! - baseClassAcc[i]![k]!), level));
  const worstIndex = classDelta ? classDelta.reduce((w, d, k) => (d.mean < classDelta[w]!.mean ? k : w), 0) : -1;

  const calibration = runs.map((r, i) => {
    const probabilities = r.cleanProbabilities!;
    return {
      ece: expectedCalibrationError(decodeFloats(probabilities.top), outcomes.correct(name, seeds[i]!, 'clean')),
      nll: negativeLogLikelihood(decodeFloats(probabilities.trueClass)),
    };
  });
  const flipRates = seeds.map((s) => {
    const a = outcomes.predicted(name, s, 'clean');
    const b = outcomes.predicted(name, s, 'consistency');
    let flips = 0;
    for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) flips += 1;
    return flips / a.length;
  });
  const allRuns = results.runs.filter((r) => r.condition === name && r.status === 'ok');
  const perEpoch = (pick: (e: RunRecord['epochs'][number]) => number): number => mean(allRuns.flatMap((r) => r.epochs.map(pick)));

  const summary: ConditionSummary = {
    condition: name,
    n: seeds.length,
    clean: estimate(cleanAcc, level),
    deltaClean,
    curve,
    loss,
    corruptions,
    mce,
    rmceHeldOut: !isBaseline && heldOut.length > 0 ? estimate(meanOver(rceBySeed, heldOut), level) : null,
    affinity: hasAugmentedSet ? estimate(seeds.map((s, i) => outcomes.accuracy('baseline', s, augmented) / baseClean[i]!), level) : null,
    diversity: isBaseline ? null : estimate(runs.map((r, i) => finalLoss(r) / finalLoss(bases[i]!)), level),
    perClass: {
      accuracy: Array.from({ length: numClasses }, (_, k) => estimate(classAcc.map((a) => a[k]!), level)),
      delta: classDelta,
      worst: classDelta ? { class: worstIndex, delta: classDelta[worstIndex]!.mean } : null,
    },
    calibration: { ece: estimate(calibration.map((c) => c.ece), level), nll: estimate(calibration.map((c) => c.nll), level) },
    flipRate: estimate(flipRates, level),
    cost: { augmentSecondsPerEpoch: perEpoch((e) => e.augmentSeconds), trainSecondsPerEpoch: perEpoch((e) => e.trainSeconds) },
  };
  return { summary, comparisons };
}

/** Adds the summaries and the Holm-corrected comparisons to a study's runs. */
export function analyzeStudy(results: StudyResults): ImpactReport {
  const byKey = new Map(results.runs.map((r) => [`${r.condition}/${r.seed}`, r]));
  const ctx: Context = { results, outcomes: new Outcomes(results, byKey), level: results.settings.level };
  const seeds = results.settings.seeds;
  const completeSeeds = seeds.filter((s) => results.conditions.every((c) => ctx.outcomes.run(c.name, s)));
  const summary: ConditionSummary[] = [];
  const comparisons: Comparison[] = [];
  for (const c of results.conditions) {
    if (!seeds.some((s) => ctx.outcomes.run(c.name, s) && ctx.outcomes.run('baseline', s))) continue;  // nothing to summarize
    const r = summarizeCondition(ctx, c.name, seeds);
    summary.push(r.summary);
    comparisons.push(...r.comparisons);
  }
  const adjusted = holm(comparisons.map((c) => c.pairedT.p));
  comparisons.forEach((c, i) => {
    c.holmP = adjusted[i]!;
    c.significant = c.holmP < 1 - results.settings.level;
  });
  return { ...results, completeSeeds, summary, comparisons };
}
