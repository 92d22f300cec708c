// The report's tables as plain data (header + rows of text), built once and
// rendered by markdown.ts and html.ts, so that both show the same numbers.
// Units: accuracies in %, differences in percentage points (pp), ratios as
// ratios. A "*" after a value marks a comparison that is significant after
// Holm's correction over every comparison in the report.
import type { Comparison, Estimate, ImpactReport } from '../types.js';

export interface Table {
  id: string;
  title: string;
  /** one sentence under the title: what the numbers are */
  caption: string;
  header: string[];
  /** 'l' or 'r' per column */
  align: Array<'l' | 'r'>;
  rows: string[][];
}

/** A number with a true minus sign. */
export function fixed(v: number, digits: number): string {
  if (!Number.isFinite(v)) return '—';
  const s = v.toFixed(digits);
  return Number(s) === 0 ? s.replace(/^-/, '') : s.replace(/^-/, '−');
}

/** mean [lo, hi] of an estimate, scaled (100 for %). */
export function est(e: Estimate | null | undefined, digits: number, scale = 1): string {
  if (!e) return '—';
  if (e.n < 2 || e.lo === e.hi) return fixed(e.mean * scale, digits);
  return `${fixed(e.mean * scale, digits)} [${fixed(e.lo * scale, digits)}, ${fixed(e.hi * scale, digits)}]`;
}

/** A p-value: three decimals, or two significant digits in e-notation below 0.001. */
export function pValue(p: number): string {
  if (!Number.isFinite(p)) return '—';
  if (p >= 0.001) return p.toFixed(3);
  return p.toExponential(1).replace('e-', 'e−');
}

export const MARK = '*';

/** estimate [paired t lo, hi] of a comparison, with the significance mark. */
export function cmp(c: Comparison | null | undefined, digits: number, scale = 1): string {
  if (!c) return '—';
  return `${fixed(c.estimate * scale, digits)} [${fixed(c.pairedT.lo * scale, digits)}, ${fixed(c.pairedT.hi * scale, digits)}]${c.significant ? ` ${MARK}` : ''}`;
}

export function baselineOf(report: ImpactReport): string {
  return report.summary.find((s) => s.deltaClean === null)?.condition ?? report.summary[0]?.condition ?? 'baseline';
}

export function percentLevel(report: ImpactReport): string {
  return `${Math.round(report.settings.level * 100)} %`;
}

export function settingsLine(report: ImpactReport): string {
  const s = report.settings;
  const complete = report.completeSeeds.length === s.seeds.length ? `${s.seeds.length} seeds (${s.seeds.join(', ')})` : `${s.seeds.length} seeds (${s.seeds.join(', ')}), ${report.completeSeeds.length} complete (${report.completeSeeds.join(', ') || 'none'})`;
  return [
    `Model: ${s.model}`,
    `Data: ${s.data} (${s.train.n} training images ${s.train.shape.join('×')}, ${s.test.n} test images, ${s.numClasses} classes)`,
    `${s.epochs} epochs, batch ${s.batchSize}`,
    complete,
    `level ${percentLevel(report)}`,
    `bootstrap ${s.bootstrap.replicates} replicates (seed ${s.bootstrap.seed})`,
    `${s.workers} workers`,
  ].join(' · ');
}

export function versionsLine(report: ImpactReport): string {
  const v = report.versions;
  return `fastaug ${v.fastaug} · TensorFlow.js ${v.tfjs} (${v.tfjsBackend}) · Node ${v.node} · created ${report.created} · wall time ${fixed(report.timing.wallSeconds, 0)} s for ${fixed(report.timing.runSeconds, 0)} s of runs on ${report.timing.workers} workers`;
}

export function mainTable(report: ImpactReport): Table {
  const lv = percentLevel(report);
  return {
    id: 'main',
    title: 'Clean accuracy and robustness',
    caption: `Clean accuracy in % (mean [${lv} t interval] over seeds); Δ clean in percentage points vs the same-seed baseline with its paired t interval, the two-level bootstrap interval, the exact sign-flip p and the Holm-adjusted p; mCE as a ratio to the baseline (1 = no change, lower is better). ${MARK} = significant after Holm.`,
    header: ['condition', 'n', 'clean accuracy %', 'Δ clean pp [paired t]', 'bootstrap', 'sign-flip p', 'Holm p', 'sig.', 'mCE seen', 'mCE held-out'],
    align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l', 'r', 'r'],
    rows: report.summary.map((s) => {
      const d = s.deltaClean;
      return [
        s.condition,
        String(s.n),
        est(s.clean, 2, 100),
        d ? `${fixed(d.estimate * 100, 2)} [${fixed(d.pairedT.lo * 100, 2)}, ${fixed(d.pairedT.hi * 100, 2)}]` : '(reference)',
        d?.bootstrap ? `[${fixed(d.bootstrap.lo * 100, 2)}, ${fixed(d.bootstrap.hi * 100, 2)}]` : '—',
        d ? pValue(d.signFlipP) : '—',
        d ? pValue(d.holmP) : '—',
        d?.significant ? MARK : '',
        cmp(s.mce.seen, 3),
        cmp(s.mce.heldOut, 3),
      ];
    }),
  };
}

function familyHeader(report: ImpactReport): string[] {
  return report.families.map((f) => `${f.name} (${f.heldOut ? 'held-out' : 'seen'})`);
}

/** Accuracy per family, averaged over its severities (mean of the per-severity means). */
export function familyAccuracy(report: ImpactReport, condition: string, family: string): number {
  const acc = report.summary.find((s) => s.condition === condition)?.corruptions[family]?.accuracy ?? [];
  return acc.length === 0 ? NaN : acc.reduce((a, e) => a + e.mean, 0) / acc.length;
}

export function corruptionAccuracyTable(report: ImpactReport): Table {
  return {
    id: 'corruption-accuracy',
    title: 'Accuracy under corruption',
    caption: `Accuracy in % per corruption family, averaged over its ${Math.max(0, ...report.families.map((f) => f.severities.length))} severities; ${MARK} = the Δ vs the baseline (averaged over severities) is significant after Holm. "seen": some condition trains on this family; "held-out": none does.`,
    header: ['condition', 'clean', ...familyHeader(report)],
    align: ['l', 'r', ...report.families.map((): 'r' => 'r')],
    rows: report.summary.map((s) => [
      s.condition,
      fixed(s.clean.mean * 100, 1),
      ...report.families.map((f) => `${fixed(familyAccuracy(report, s.condition, f.name) * 100, 1)}${s.corruptions[f.name]?.delta?.significant ? ` ${MARK}` : ''}`),
    ]),
  };
}

export function corruptionErrorTable(report: ImpactReport): Table {
  return {
    id: 'corruption-error',
    title: 'Corruption error relative to the baseline',
    caption: 'CE / rCE per family (mean over seeds): CE = Σ errors ÷ the same-seed baseline\u2019s Σ errors over the severities; rCE the same for the errors minus the clean error. Below 1 is better than the baseline. Then mCE over the seen and held-out families and the relative mCE over the held-out ones.',
    header: ['condition', ...familyHeader(report), 'mCE seen', 'mCE held-out', 'rel. mCE held-out'],
    align: ['l', ...report.families.map((): 'r' => 'r'), 'r', 'r', 'r'],
    rows: report.summary.map((s) => [
      s.condition,
      ...report.families.map((f) => {
        const c = s.corruptions[f.name];
        return c?.ce ? `${fixed(c.ce.mean, 3)} / ${c.rce ? fixed(c.rce.mean, 3) : '—'}` : '—';
      }),
      s.mce.seen ? `${fixed(s.mce.seen.estimate, 3)}${s.mce.seen.significant ? ` ${MARK}` : ''}` : '—',
      s.mce.heldOut ? `${fixed(s.mce.heldOut.estimate, 3)}${s.mce.heldOut.significant ? ` ${MARK}` : ''}` : '—',
      s.rmceHeldOut ? fixed(s.rmceHeldOut.mean, 3) : '—',
    ]),
  };
}

export function affinityTable(report: ImpactReport): Table {
  const lv = percentLevel(report);
  return {
    id: 'affinity-diversity',
    title: 'Affinity and diversity',
    caption: `Affinity: the baseline model\u2019s accuracy on test images augmented by the condition ÷ its clean accuracy (1 = no distribution shift; defined only when the condition changes images). Diversity: the condition\u2019s final training loss ÷ the baseline\u2019s (1 = as easy to fit). Mean [${lv} t interval].`,
    header: ['condition', 'changes', 'affinity', 'diversity'],
    align: ['l', 'l', 'r', 'r'],
    rows: report.summary.map((s) => [s.condition, changesOf(report, s.condition), est(s.affinity, 3), est(s.diversity, 3)]),
  };
}

export function calibrationTable(report: ImpactReport): Table {
  const names = report.settings.classNames;
  const lv = percentLevel(report);
  return {
    id: 'calibration',
    title: 'Calibration, stability and the worst class',
    caption: `ECE (expected calibration error, %) and NLL (mean negative log-likelihood of the true class) on the clean test set; flip rate: % of test images whose predicted class changes under a 1-pixel shift; worst class: the class whose accuracy drops most vs the baseline (pp). Mean [${lv} t interval].`,
    header: ['condition', 'ECE %', 'NLL', 'flip rate %', 'worst class', 'worst Δ pp'],
    align: ['l', 'r', 'r', 'r', 'l', 'r'],
    rows: report.summary.map((s) => [
      s.condition,
      est(s.calibration.ece, 2, 100),
      est(s.calibration.nll, 3),
      est(s.flipRate, 2, 100),
      s.perClass.worst ? (names?.[s.perClass.worst.class] ?? String(s.perClass.worst.class)) : '—',
      s.perClass.worst ? fixed(s.perClass.worst.delta * 100, 2) : '—',
    ]),
  };
}

export function costTable(report: ImpactReport): Table {
  return {
    id: 'cost',
    title: 'Cost',
    caption: 'Seconds per epoch spent augmenting (images and labels) and in model.fit, mean over runs; the last column is the augmentation\u2019s share of the epoch.',
    header: ['condition', 'augment s/epoch', 'train s/epoch', 'augment share %'],
    align: ['l', 'r', 'r', 'r'],
    rows: report.summary.map((s) => {
      const a = s.cost.augmentSecondsPerEpoch;
      const t = s.cost.trainSecondsPerEpoch;
      return [s.condition, fixed(a, 3), fixed(t, 2), a + t > 0 ? fixed((100 * a) / (a + t), 1) : '—'];
    }),
  };
}

export function conditionsTable(report: ImpactReport): Table {
  return {
    id: 'conditions',
    title: 'Conditions',
    caption: 'What each condition changes, and the corruption families it trains on (its "seen" families).',
    header: ['condition', 'changes', 'trains on', 'description'],
    align: ['l', 'l', 'l', 'l'],
    rows: report.conditions.map((c) => [c.name, c.changes.join(', ') || '—', c.trainsOn.join(', ') || '—', c.description]),
  };
}

export function familiesTable(report: ImpactReport): Table {
  return {
    id: 'families',
    title: 'Corruption families',
    caption: 'The corrupted test sets, mildest severity first.',
    header: ['family', 'set', 'severities', 'description'],
    align: ['l', 'l', 'l', 'l'],
    rows: report.families.map((f) => [f.name, f.heldOut ? 'held-out' : 'seen', f.severities.join(', '), f.description]),
  };
}

export function failedRunsTable(report: ImpactReport): Table | null {
  const failed = report.runs.filter((r) => r.status === 'failed');
  if (failed.length === 0) return null;
  return {
    id: 'failed',
    title: 'Failed runs',
    caption: `${failed.length} of ${report.runs.length} runs failed. A seed whose block lacks a run is left out of every comparison (complete seeds: ${report.completeSeeds.join(', ') || 'none'}).`,
    header: ['condition', 'seed', 'worker', 'seconds', 'reason'],
    align: ['l', 'r', 'r', 'r', 'l'],
    rows: failed.map((r) => [r.condition, String(r.seed), String(r.worker), fixed(r.seconds, 1), r.error ?? '(no reason recorded)']),
  };
}

function changesOf(report: ImpactReport, condition: string): string {
  return report.conditions.find((c) => c.name === condition)?.changes.join(', ') || '—';
}

/** The statistics, in words, for the "how to read this" section. */
export function methodParagraphs(report: ImpactReport): string[] {
  const s = report.settings;
  const n = report.completeSeeds.length;
  const lv = percentLevel(report);
  const floor = n > 0 ? 2 / 2 ** n : 1;
  return [
    `Paired design: every condition is trained with the same ${s.seeds.length} seeds as the baseline, and every effect is the mean over seeds of the per-seed difference condition − baseline (for CE and mCE: the per-seed ratio). Only seeds whose block of runs completed count (${n} here), so every comparison is paired.`,
    `Intervals: "paired t" is the ${lv} Student t interval over the ${n} per-seed differences (df = ${Math.max(0, n - 1)}); it covers the variation between training runs. "bootstrap" is a two-level bootstrap (${s.bootstrap.replicates} replicates: resample seeds, then test images within each seed), so it also includes the sampling error of the ${s.test.n}-image test set; it is usually the wider of the two.`,
    `Tests: the sign-flip p is exact — all 2^${n} sign patterns of the per-seed differences — so with ${n} seeds it can never be below ${pValue(floor)}. Holm p adjusts the paired t p-values for all ${report.comparisons.length} comparisons in this report together (every condition × clean, each family, mCE seen and held-out); "${MARK}" marks Holm p < ${fixed(1 - s.level, 2)}. With few seeds a real but small effect is often not significant: read the intervals, not only the marks.`,
    'mCE and CE are ratios to the baseline (1 = no change, below 1 = more robust); held-out families are corruptions that no condition trains on, so they measure robustness that was not trained for. Affinity and diversity follow Gontijo-Lopes et al. (2020); the flip rate is the share of test images whose prediction changes under a 1-pixel shift.',
  ];
}
