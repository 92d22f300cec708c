// The impact report's data model: what `measureImpact` returns and
// `impact.json` holds (schema IMPACT_SCHEMA, documented in docs/impact-schema.md).
// Everything a statistic needs is kept: per-run metrics and per-image
// predictions, so any number in the report can be recomputed from the file.

export const IMPACT_SCHEMA = 'fastaug-impact/2';

/** A point estimate with its 95 % interval [lo, hi] (lo = hi = mean when n < 2). */
export interface Estimate {
  mean: number;
  lo: number;
  hi: number;
  /** number of seeds (paired blocks) it is computed from */
  n: number;
}

/**
 * One comparison of a condition with the same-seed baseline. The estimate is
 * the mean over seeds of the paired difference (condition − baseline) of a
 * per-seed statistic; for ratios (CE, mCE) it is the mean ratio and `null`
 * hypothesis value is 1 instead of 0.
 */
export interface Comparison {
  condition: string;
  /** 'clean' (Δ accuracy on the clean test set), 'family:<name>' (Δ accuracy averaged over that family's severities), 'mCE:seen', 'mCE:held-out' */
  metric: string;
  /** the value of no effect: 0 for differences, 1 for CE ratios */
  nullValue: number;
  /** mean over seeds */
  estimate: number;
  /** per-seed values, in the order of report.settings.seeds (complete blocks only) */
  perSeed: number[];
  /** paired t interval over seeds and its two-sided p-value */
  pairedT: { lo: number; hi: number; p: number; df: number };
  /** exact two-sided sign-flip (randomization) p-value over seeds; its floor is 2 / 2^n */
  signFlipP: number;
  /** two-level bootstrap (seeds, then test images) interval, including test-set sampling error; null for ratio metrics */
  bootstrap: { lo: number; hi: number } | null;
  /** Holm-adjusted paired-t p-value over every comparison in the report */
  holmP: number;
  /** holmP < 1 − level */
  significant: boolean;
}

export interface TestSetInfo {
  /** 'clean', '<family>/<severity index 1…>', 'consistency' (1-pixel shifts), 'augmented:<condition>' */
  id: string;
  kind: 'clean' | 'corruption' | 'consistency' | 'augmented';
  family?: string;
  /** 1-based severity */
  severity?: number;
  /** human-readable parameter, e.g. 'σ 0.12 of range' */
  label?: string;
}

export interface CorruptionFamilyInfo {
  name: string;
  description: string;
  /** labels of the severities, mildest first */
  severities: string[];
  /** true when no default training condition uses this family (MNIST-C style held-out set) */
  heldOut: boolean;
}

export interface ConditionInfo {
  name: string;
  description: string;
  changes: Array<'images' | 'labels' | 'model'>;
  /** corruption families this condition trains on (its "seen" families) */
  trainsOn: string[];
}

export interface EpochRecord {
  /** mean training loss over the epoch's batches (Keras history) */
  loss: number;
  /** clean test accuracy after this epoch */
  accuracy: number;
  /** seconds spent augmenting (images + labels) for this epoch */
  augmentSeconds: number;
  /** seconds spent in model.fit for this epoch */
  trainSeconds: number;
}

export interface RunRecord {
  condition: string;
  seed: number;
  status: 'ok' | 'failed';
  /** why a failed run failed */
  error?: string;
  epochs: EpochRecord[];
  /**
   * predicted class per test image for every test set the run evaluated,
   * base64 of a Uint8Array (numClasses ≤ 256) or little-endian Uint16Array
   */
  predictions: Record<string, string>;
  /** clean test set: base64 little-endian Float32Array of p(true class) and of max p, per image */
  cleanProbabilities?: { trueClass: string; top: string };
  /** wall seconds of the run, and which worker ran it */
  seconds: number;
  worker: number;
  /** queue studies: the worker process that ran it, '<host name>:<pid>' (worker numbers them in order of first result) */
  host?: string;
}

export interface ConditionSummary {
  condition: string;
  /** seeds with a successful run in a complete block */
  n: number;
  clean: Estimate;
  /** Δ clean accuracy vs baseline; null for the baseline */
  deltaClean: Comparison | null;
  /** clean accuracy after each epoch (training curve) */
  curve: Estimate[];
  /** final training loss per epoch (mean over seeds) */
  loss: Estimate[];
  corruptions: Record<string, {
    /** accuracy per severity */
    accuracy: Estimate[];
    /** CE_c = Σ_sev E / Σ_sev E_base (same seed); null for the baseline */
    ce: Estimate | null;
    /** rCE_c = Σ_sev (E − E_clean) / Σ_sev (E_base − E_base,clean); null for the baseline */
    rce: Estimate | null;
    /** Δ accuracy averaged over severities vs baseline; null for the baseline */
    delta: Comparison | null;
  }>;
  /** mean CE over this condition's seen families (null when it trains on none) and over the held-out families */
  mce: { seen: Comparison | null; heldOut: Comparison | null };
  /** relative mCE over the held-out families */
  rmceHeldOut: Estimate | null;
  /** acc(baseline model, test set augmented by this condition) / acc(baseline model, clean); null unless the condition changes images */
  affinity: Estimate | null;
  /** final training loss with this condition / the baseline's, same seed; null for the baseline */
  diversity: Estimate | null;
  /** per-class accuracy, and Δ vs baseline per class (null for the baseline) */
  perClass: { accuracy: Estimate[]; delta: Estimate[] | null; worst: { class: number; delta: number } | null };
  calibration: { ece: Estimate; nll: Estimate };
  /** share of test images whose predicted class changes under a 1-pixel shift */
  flipRate: Estimate;
  cost: { augmentSecondsPerEpoch: number; trainSecondsPerEpoch: number };
}

export interface ImpactReport {
  schema: typeof IMPACT_SCHEMA;
  created: string;
  versions: { fastaug: string; tfjs: string; tfjsBackend: string; node: string };
  settings: {
    /** description of the data, e.g. a path or 'arrays' */
    data: string;
    /** a one-line description of the model (layers, parameters, optimizer, loss) */
    model: string;
    train: { n: number; shape: [number, number, number] };
    test: { n: number };
    numClasses: number;
    classNames?: string[];
    epochs: number;
    batchSize: number;
    seeds: number[];
    level: number;
    bootstrap: { replicates: number; seed: number };
    workers: number;
  };
  /** test labels, base64 as in predictions */
  testLabels: string;
  testSets: TestSetInfo[];
  families: CorruptionFamilyInfo[];
  conditions: ConditionInfo[];
  runs: RunRecord[];
  /** seeds whose block (every condition) completed */
  completeSeeds: number[];
  summary: ConditionSummary[];
  /** every comparison the report makes, Holm-corrected together */
  comparisons: Comparison[];
  timing: { wallSeconds: number; runSeconds: number; workers: number };
}
