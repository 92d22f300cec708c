// The impact report's charts: pure functions from an ImpactReport to an SVG
// string (no DOM, no dependencies). Conventions shared by every chart:
//  - a title, a subtitle naming the seeds, the data and the model, and a
//    title on each axis (class "axis-title");
//  - value axes on round ticks (1, 2 or 5 × 10^k; class "tick", data-value)
//    whose domain holds the value of no effect (0 for Δ, 1 for ratios);
//  - every data mark is an element with class "mark", one per datum, so a
//    test can count them; legends and axes never carry that class;
//  - one colour per condition across all charts, the baseline in black and
//    drawn thicker.
import type { Comparison, ConditionSummary, Estimate, ImpactReport } from '../types.js';

// ---------------------------------------------------------------- helpers

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export interface Ticks {
  min: number;
  max: number;
  step: number;
  values: number[];
}

/** Round ticks (step 1, 2 or 5 × 10^k) covering [lo, hi], about `target` intervals. */
export function niceTicks(lo: number, hi: number, target = 5): Ticks {
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) return niceTicks(0, 1, target);
  if (hi < lo) [lo, hi] = [hi, lo];
  if (hi - lo < 1e-12) {
    const pad = Math.abs(lo) > 1e-12 ? Math.abs(lo) * 0.1 : 1;
    lo -= pad;
    hi += pad;
  }
  const rough = (hi - lo) / Math.max(1, target);
  const pow = 10 ** Math.floor(Math.log10(rough));
  const f = rough / pow;
  const step = (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * pow;
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const round = (v: number): number => Number(v.toFixed(decimals + 1));
  const first = Math.floor(lo / step + 1e-9);
  const last = Math.ceil(hi / step - 1e-9);
  const values: number[] = [];
  for (let k = first; k <= last; k += 1) values.push(round(k * step));
  return { min: values[0]!, max: values[values.length - 1]!, step, values };
}

/** A tick label with just the decimals its step needs. */
export function formatTick(v: number, step: number): string {
  const decimals = Math.max(0, -Math.floor(Math.log10(step) + 1e-9));
  const s = v.toFixed(decimals);
  return s.startsWith('-') && Number(s) !== 0 ? `−${s.slice(1)}` : s.replace(/^-/, '');
}

/** Rough rendered width of sans-serif text (a little generous, so labels never collide). */
export function textWidth(text: string, size = 11): number {
  return text.length * size * 0.6;
}

function truncate(text: string, width: number, size: number): string {
  const max = Math.floor(width / (size * 0.6));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

const num = (v: number): string => (Number.isFinite(v) ? String(Math.round(v * 10) / 10) : '0');

const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#b8860b', '#b07aa1', '#ff7f9f', '#9c755f', '#6b6ecf', '#17becf', '#8c564b'];

function colours(report: ImpactReport): (name: string) => string {
  const baseline = baselineName(report);
  const others = report.summary.map((s) => s.condition).filter((n) => n !== baseline);
  return (name) => (name === baseline ? '#000000' : PALETTE[Math.max(0, others.indexOf(name)) % PALETTE.length]!);
}

function baselineName(report: ImpactReport): string {
  return report.summary.find((s) => s.deltaClean === null)?.condition ?? report.summary[0]?.condition ?? 'baseline';
}

function seedsText(report: ImpactReport): string {
  const n = report.completeSeeds.length;
  const all = report.settings.seeds.length;
  return n === all ? `${n} seeds` : `${n} of ${all} seeds (complete blocks)`;
}

function svgOpen(width: number, height: number, id: string): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" class="fastaug-chart" data-chart="${id}" width="${Math.ceil(width)}" height="${Math.ceil(height)}" viewBox="0 0 ${Math.ceil(width)} ${Math.ceil(height)}" font-family="system-ui, -apple-system, 'Segoe UI', Helvetica, Arial, sans-serif" font-size="11" fill="#222">`;
}

const HEADER = 78;

/** Title and three subtitle lines (seeds and design, data, model); the chart's body starts at y = HEADER. */
function header(report: ImpactReport, width: number, title: string): string[] {
  const s = report.settings;
  const lines = [
    `${seedsText(report)} · level ${Math.round(s.level * 100)} % · ${s.epochs} epochs, batch ${s.batchSize} · ${s.train.n} train / ${s.test.n} test images`,
    `data: ${s.data}`,
    `model: ${s.model}`,
  ];
  return [
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text class="chart-title" x="12" y="22" font-size="15" font-weight="600">${escapeXml(truncate(title, width - 24, 15))}</text>`,
    ...lines.map((l, i) => `<text class="chart-subtitle" x="12" y="${39 + 14 * i}" font-size="11" fill="#555">${escapeXml(truncate(l, width - 24, 11))}</text>`),
  ];
}

interface Scale {
  (v: number): number;
  ticks: Ticks;
}

function linear(ticks: Ticks, from: number, to: number): Scale {
  const f = ((v: number) => from + ((v - ticks.min) / (ticks.max - ticks.min || 1)) * (to - from)) as Scale;
  f.ticks = ticks;
  return f;
}

/** x axis with grid lines, tick labels and a title below. */
function xAxis(x: Scale, top: number, bottom: number, title: string, opts: { labels?: (v: number) => string; grid?: boolean } = {}): string[] {
  const t = x.ticks;
  const out = [`<g class="axis" data-axis="x" data-min="${t.min}" data-max="${t.max}">`];
  for (const v of t.values) {
    const px = num(x(v));
    if (opts.grid !== false) out.push(`<line x1="${px}" y1="${num(top)}" x2="${px}" y2="${num(bottom)}" stroke="#e6e6e6"/>`);
    out.push(`<line x1="${px}" y1="${num(bottom)}" x2="${px}" y2="${num(bottom + 4)}" stroke="#666"/>`);
    out.push(`<text class="tick" data-value="${v}" x="${px}" y="${num(bottom + 15)}" text-anchor="middle" fill="#444">${escapeXml(opts.labels ? opts.labels(v) : formatTick(v, t.step))}</text>`);
  }
  out.push(`<line x1="${num(x(t.min))}" y1="${num(bottom)}" x2="${num(x(t.max))}" y2="${num(bottom)}" stroke="#666"/>`);
  out.push(`<text class="axis-title" x="${num((x(t.min) + x(t.max)) / 2)}" y="${num(bottom + 31)}" text-anchor="middle" font-size="11.5">${escapeXml(title)}</text>`);
  out.push('</g>');
  return out;
}

/** y axis with grid lines, tick labels and a rotated title at `titleX`. */
function yAxis(y: Scale, left: number, right: number, title: string | null, titleX: number): string[] {
  const t = y.ticks;
  const out = [`<g class="axis" data-axis="y" data-min="${t.min}" data-max="${t.max}">`];
  for (const v of t.values) {
    const py = num(y(v));
    out.push(`<line x1="${num(left)}" y1="${py}" x2="${num(right)}" y2="${py}" stroke="#e6e6e6"/>`);
    out.push(`<text class="tick" data-value="${v}" x="${num(left - 5)}" y="${num(y(v) + 4)}" text-anchor="end" fill="#444">${escapeXml(formatTick(v, t.step))}</text>`);
  }
  out.push(`<line x1="${num(left)}" y1="${num(y(t.min))}" x2="${num(left)}" y2="${num(y(t.max))}" stroke="#666"/>`);
  if (title !== null) out.push(`<text class="axis-title" transform="translate(${num(titleX)} ${num((y(t.min) + y(t.max)) / 2)}) rotate(-90)" text-anchor="middle" font-size="11.5">${escapeXml(title)}</text>`);
  out.push('</g>');
  return out;
}

function legend(report: ImpactReport, names: string[], x: number, y: number, title = 'condition'): string[] {
  const colour = colours(report);
  const base = baselineName(report);
  const out = [`<g class="legend">`, `<text x="${num(x)}" y="${num(y)}" font-weight="600">${escapeXml(title)}</text>`];
  names.forEach((name, i) => {
    const ly = y + 16 + i * 17;
    out.push(`<line x1="${num(x)}" y1="${num(ly - 4)}" x2="${num(x + 20)}" y2="${num(ly - 4)}" stroke="${colour(name)}" stroke-width="${name === base ? 3 : 2}"/>`);
    out.push(`<text x="${num(x + 26)}" y="${num(ly)}"${name === base ? ' font-weight="600"' : ''}>${escapeXml(name)}</text>`);
  });
  out.push('</g>');
  return out;
}

function legendWidth(names: string[]): number {
  return Math.max(80, ...names.map((n) => textWidth(n) + 34));
}

const pct = (v: number): number => v * 100;
const fmt = (v: number, d = 2): string => {
  if (!Number.isFinite(v)) return '—';
  const t = v.toFixed(d);
  return Number(t) === 0 ? t.replace(/^-/, '') : t.replace(/^-/, '−');
};
const finite = (v: number[]): number[] => v.filter((x) => Number.isFinite(x));

// ---------------------------------------------------------------- forest plot

interface ForestMetric {
  metric: string;
  title: string;
  axis: string;
  scale: number;
  get: (s: ConditionSummary) => Comparison | null;
}

export const FOREST_METRICS: ForestMetric[] = [
  { metric: 'clean', title: 'Δ clean accuracy', axis: 'Δ accuracy (pp), better →', scale: 100, get: (s) => s.deltaClean },
  { metric: 'mCE:seen', title: 'mCE, seen families', axis: 'mCE (× baseline), ← better', scale: 1, get: (s) => s.mce.seen },
  { metric: 'mCE:held-out', title: 'mCE, held-out families', axis: 'mCE (× baseline), ← better', scale: 1, get: (s) => s.mce.heldOut },
];

/** The comparisons the forest plot draws, in drawing order (one mark each). */
export function forestComparisons(report: ImpactReport): Comparison[] {
  const base = baselineName(report);
  const rows = report.summary.filter((s) => s.condition !== base);
  return FOREST_METRICS.flatMap((m) => rows.map((s) => m.get(s)).filter((c): c is Comparison => c !== null));
}

/** Δ vs baseline with intervals, one panel per metric, one row per condition. */
export function forestPlot(report: ImpactReport): string {
  const base = baselineName(report);
  const rows = report.summary.filter((s) => s.condition !== base);
  const metrics = FOREST_METRICS.filter((m) => rows.some((s) => m.get(s) !== null));
  const colour = colours(report);
  const rowH = 26;
  const nameW = Math.max(60, ...rows.map((s) => textWidth(s.condition, 11.5)));
  const left = 34 + nameW + 14;
  const panelW = 240;
  const gap = 34;
  const top = HEADER + 34;
  const plotH = Math.max(1, rows.length) * rowH;
  const bottom = top + plotH;
  const width = Math.max(left + metrics.length * (panelW + gap) + 10, 620);
  const height = bottom + 48 + 40;
  const level = Math.round(report.settings.level * 100);
  const out = [svgOpen(width, height, 'forest'), ...header(report, width, `Effect of each condition vs the same-seed ${base}`)];
  out.push(`<text class="axis-title" transform="translate(16 ${num((top + bottom) / 2)}) rotate(-90)" text-anchor="middle" font-size="11.5">condition</text>`);
  rows.forEach((s, i) => {
    const cy = top + i * rowH + rowH / 2;
    if (i % 2 === 0) out.push(`<rect x="${num(left - nameW - 14)}" y="${num(cy - rowH / 2)}" width="${num(width - (left - nameW - 14) - 10)}" height="${rowH}" fill="#f6f7f9"/>`);
    out.push(`<text x="${num(left - 10)}" y="${num(cy + 4)}" text-anchor="end" font-size="11.5">${escapeXml(s.condition)}</text>`);
  });
  if (rows.length === 0) out.push(`<text x="${num(left)}" y="${num(top + 16)}" fill="#555">no condition other than the baseline has results</text>`);
  metrics.forEach((m, k) => {
    const x0 = left + k * (panelW + gap);
    const comps = rows.map((s) => m.get(s));
    const values = finite(
      comps.flatMap((c) => (c === null ? [] : [c.pairedT.lo, c.pairedT.hi, c.estimate, c.bootstrap?.lo ?? NaN, c.bootstrap?.hi ?? NaN].map((v) => v * m.scale))),
    );
    const nullValue = (comps.find((c) => c !== null)?.nullValue ?? 0) * m.scale;
    const x = linear(niceTicks(Math.min(nullValue, ...values), Math.max(nullValue, ...values), 4), x0, x0 + panelW);
    out.push(`<text x="${num(x0 + panelW / 2)}" y="${num(top - 12)}" text-anchor="middle" font-weight="600" font-size="12">${escapeXml(m.title)}</text>`);
    out.push(...xAxis(x, top, bottom, m.axis));
    out.push(`<line class="null-line" data-value="${nullValue}" x1="${num(x(nullValue))}" y1="${num(top - 4)}" x2="${num(x(nullValue))}" y2="${num(bottom)}" stroke="#333" stroke-dasharray="4 3"/>`);
    comps.forEach((c, i) => {
      if (c === null) return;
      const cy = top + i * rowH + rowH / 2;
      const col = colour(c.condition);
      const tip = `${c.condition} · ${c.metric}: ${fmt(c.estimate * m.scale)} [paired t ${fmt(c.pairedT.lo * m.scale)}, ${fmt(c.pairedT.hi * m.scale)}]${c.bootstrap ? ` [bootstrap ${fmt(c.bootstrap.lo * m.scale)}, ${fmt(c.bootstrap.hi * m.scale)}]` : ''} · sign-flip p ${fmt(c.signFlipP, 3)} · Holm p ${fmt(c.holmP, 3)}`;
      out.push(`<g class="mark${c.significant ? ' significant' : ''}" data-condition="${escapeXml(c.condition)}" data-metric="${escapeXml(c.metric)}"><title>${escapeXml(tip)}</title>`);
      out.push(`<line x1="${num(x(c.pairedT.lo * m.scale))}" y1="${num(cy)}" x2="${num(x(c.pairedT.hi * m.scale))}" y2="${num(cy)}" stroke="${col}" stroke-width="1.5"/>`);
      if (c.bootstrap) {
        const a = x(c.bootstrap.lo * m.scale);
        const b = x(c.bootstrap.hi * m.scale);
        out.push(`<rect x="${num(Math.min(a, b))}" y="${num(cy - 3.5)}" width="${num(Math.max(1, Math.abs(b - a)))}" height="7" rx="2" fill="${col}" fill-opacity="0.45"/>`);
      }
      out.push(`<circle cx="${num(x(c.estimate * m.scale))}" cy="${num(cy)}" r="4.5" fill="${c.significant ? col : '#ffffff'}" stroke="${col}" stroke-width="1.8"/>`);
      if (c.significant) out.push(`<text x="${num(x0 + panelW + 4)}" y="${num(cy + 4)}" font-weight="700" fill="${col}">*</text>`);
      out.push('</g>');
    });
  });
  const ly = bottom + 58;
  out.push('<g class="legend">');
  out.push(`<rect x="${num(left)}" y="${ly - 7}" width="26" height="7" rx="2" fill="#777" fill-opacity="0.45"/><line x1="${num(left - 6)}" y1="${ly - 3.5}" x2="${num(left + 32)}" y2="${ly - 3.5}" stroke="#777" stroke-width="1.5"/>`);
  out.push(`<text x="${num(left + 40)}" y="${ly}">thick bar: two-level bootstrap ${level} % interval (seeds and test images); thin line: paired t ${level} % interval over seeds</text>`);
  out.push(`<circle cx="${num(left + 6)}" cy="${ly + 14}" r="4.5" fill="#777" stroke="#777"/><circle cx="${num(left + 22)}" cy="${ly + 14}" r="4.5" fill="#fff" stroke="#777" stroke-width="1.8"/>`);
  out.push(`<text x="${num(left + 40)}" y="${ly + 18}">filled and * : significant after Holm over all ${report.comparisons.length} comparisons (p &lt; ${fmt(1 - report.settings.level, 2)}); hollow: not; dashed line: no effect</text>`);
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- severity curves

/** Accuracy vs severity (0 = clean), one panel per corruption family, one line per condition. */
export function severityCurves(report: ImpactReport): string {
  const families = report.families;
  const base = baselineName(report);
  const colour = colours(report);
  const names = report.summary.map((s) => s.condition);
  const cols = Math.min(4, Math.max(1, families.length));
  const rowsN = Math.max(1, Math.ceil(families.length / cols));
  const panelW = 190;
  const panelH = 140;
  const padL = 56;
  const padT = 26;
  const padB = 46;
  const gapX = 24;
  const cellW = padL + panelW + gapX;
  const cellH = padT + panelH + padB;
  const legendX = 12 + cols * cellW + 8;
  const width = legendX + legendWidth(names) + 10;
  const height = Math.max(HEADER + 8 + rowsN * cellH, HEADER + 40 + names.length * 17) + 6;
  const values = finite(report.summary.flatMap((s) => [pct(s.clean.mean), ...families.flatMap((f) => (s.corruptions[f.name]?.accuracy ?? []).map((e) => pct(e.mean)))]));
  const yTicks = niceTicks(Math.max(0, Math.min(...values)), Math.min(100, Math.max(...values)), 4);
  const out = [svgOpen(width, height, 'severity'), ...header(report, width, 'Accuracy under each corruption, by severity')];
  if (families.length === 0) out.push(`<text x="12" y="${HEADER + 20}" fill="#555">no corruption families were evaluated</text>`);
  families.forEach((f, k) => {
    const px = 12 + (k % cols) * cellW + padL;
    const py = HEADER + 8 + Math.floor(k / cols) * cellH + padT;
    const sev = f.severities.length;
    const x = linear({ min: 0, max: sev, step: 1, values: Array.from({ length: sev + 1 }, (_, i) => i) }, px, px + panelW);
    const y = linear(yTicks, py + panelH, py);
    out.push(`<g class="panel" data-family="${escapeXml(f.name)}">`);
    out.push(`<text x="${num(px)}" y="${num(py - 9)}" font-weight="600" font-size="12">${escapeXml(f.name)} <tspan font-weight="400" fill="${f.heldOut ? '#8a4b00' : '#2a6a2a'}">(${f.heldOut ? 'held-out' : 'seen'})</tspan></text>`);
    out.push(...yAxis(y, px, px + panelW, k % cols === 0 ? 'accuracy (%)' : null, px - 40));
    out.push(...xAxis(x, py, py + panelH, 'severity', { labels: (v) => (v === 0 ? 'clean' : String(v)), grid: false }));
    const order = [...report.summary].sort((a, b) => (a.condition === base ? 1 : 0) - (b.condition === base ? 1 : 0));
    for (const s of order) {
      const acc = s.corruptions[f.name]?.accuracy;
      if (!acc) continue;
      const pts = [s.clean, ...acc].map((e, i) => [x(i), y(pct(e.mean))] as const).filter(([, v]) => Number.isFinite(v));
      const isBase = s.condition === base;
      const tip = `${s.condition} · ${f.name}: ${[s.clean, ...acc].map((e, i) => `${i === 0 ? 'clean' : f.severities[i - 1]} ${fmt(pct(e.mean), 1)} %`).join(', ')}`;
      out.push(`<g class="mark" data-condition="${escapeXml(s.condition)}" data-family="${escapeXml(f.name)}"><title>${escapeXml(tip)}</title>`);
      out.push(`<polyline points="${pts.map(([a, b]) => `${num(a)},${num(b)}`).join(' ')}" fill="none" stroke="${colour(s.condition)}" stroke-width="${isBase ? 2.8 : 1.4}" stroke-opacity="${isBase ? 1 : 0.85}"/>`);
      for (const [a, b] of pts) out.push(`<circle cx="${num(a)}" cy="${num(b)}" r="${isBase ? 2.8 : 2}" fill="${colour(s.condition)}"/>`);
      out.push('</g>');
    }
    out.push('</g>');
  });
  out.push(...legend(report, names, legendX, HEADER + 24));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- affinity / diversity

export function affinityDiversityPoints(report: ImpactReport): Array<{ condition: string; affinity: Estimate; diversity: Estimate }> {
  return report.summary.flatMap((s) => (s.affinity && s.diversity ? [{ condition: s.condition, affinity: s.affinity, diversity: s.diversity }] : []));
}

/** Affinity (x) vs diversity (y), one labelled point per condition that changes images. */
export function affinityDiversityScatter(report: ImpactReport): string {
  const points = affinityDiversityPoints(report);
  const colour = colours(report);
  const plotW = 480;
  const plotH = 320;
  const left = 70;
  const top = HEADER + 16;
  const labelRoom = Math.max(40, ...points.map((p) => textWidth(p.condition) + 14));
  const width = Math.max(left + plotW + labelRoom + 10, 720);
  const height = top + plotH + 100;
  const out = [svgOpen(width, height, 'affinity-diversity'), ...header(report, width, 'Affinity and diversity of the image augmentations')];
  if (points.length === 0) {
    out.push(`<text x="12" y="${top + 16}" fill="#555">No condition changes the images, so affinity (the baseline model's accuracy on augmented test images) is not defined.</text>`);
    out.push(`<text class="axis-title" x="12" y="${top + 36}" fill="#555">x: affinity, y: diversity — nothing to plot.</text>`);
    out.push('</svg>');
    return `${out.join('\n')}\n`;
  }
  const xs = finite(points.flatMap((p) => [p.affinity.lo, p.affinity.hi, p.affinity.mean]));
  const ys = finite(points.flatMap((p) => [p.diversity.lo, p.diversity.hi, p.diversity.mean]));
  // a little room around the points, so that none sits on an axis
  const padded = (v: number[]): [number, number] => {
    const lo = Math.min(1, ...v);
    const hi = Math.max(1, ...v);
    return [lo - 0.04 * (hi - lo), hi + 0.04 * (hi - lo)];
  };
  const x = linear(niceTicks(...padded(xs), 5), left, left + plotW);
  const y = linear(niceTicks(...padded(ys), 5), top + plotH, top);
  out.push(...yAxis(y, left, left + plotW, 'diversity (final training loss ÷ baseline\u2019s)', 22));
  out.push(...xAxis(x, top, top + plotH, 'affinity (baseline model: augmented ÷ clean accuracy)'));
  out.push(`<line class="null-line" x1="${num(x(1))}" y1="${num(top)}" x2="${num(x(1))}" y2="${num(top + plotH)}" stroke="#333" stroke-dasharray="4 3"/>`);
  out.push(`<line class="null-line" x1="${num(left)}" y1="${num(y(1))}" x2="${num(left + plotW)}" y2="${num(y(1))}" stroke="#333" stroke-dasharray="4 3"/>`);
  // labels: right of the point, else left, else nudged down until free
  const placed: Array<{ x0: number; y0: number; x1: number; y1: number }> = [];
  const free = (b: { x0: number; y0: number; x1: number; y1: number }): boolean => placed.every((p) => b.x1 < p.x0 || b.x0 > p.x1 || b.y1 < p.y0 || b.y0 > p.y1);
  const sorted = [...points].sort((a, b) => b.diversity.mean - a.diversity.mean);
  for (const p of sorted) {
    const cx = x(p.affinity.mean);
    const cy = y(p.diversity.mean);
    placed.push({ x0: cx - 5, y0: cy - 5, x1: cx + 5, y1: cy + 5 });
  }
  for (const p of sorted) {
    const cx = x(p.affinity.mean);
    const cy = y(p.diversity.mean);
    const w = textWidth(p.condition);
    const col = colour(p.condition);
    const tip = `${p.condition}: affinity ${fmt(p.affinity.mean)} [${fmt(p.affinity.lo)}, ${fmt(p.affinity.hi)}], diversity ${fmt(p.diversity.mean)} [${fmt(p.diversity.lo)}, ${fmt(p.diversity.hi)}]`;
    out.push(`<g class="mark" data-condition="${escapeXml(p.condition)}"><title>${escapeXml(tip)}</title>`);
    out.push(`<line x1="${num(x(p.affinity.lo))}" y1="${num(cy)}" x2="${num(x(p.affinity.hi))}" y2="${num(cy)}" stroke="${col}" stroke-opacity="0.6"/>`);
    out.push(`<line x1="${num(cx)}" y1="${num(y(p.diversity.lo))}" x2="${num(cx)}" y2="${num(y(p.diversity.hi))}" stroke="${col}" stroke-opacity="0.6"/>`);
    out.push(`<circle cx="${num(cx)}" cy="${num(cy)}" r="5" fill="${col}" stroke="#fff"/>`);
    let label = { x0: cx + 8, y0: cy - 8, x1: cx + 8 + w, y1: cy + 5 };
    const candidates = [label, { x0: cx - 8 - w, y0: cy - 8, x1: cx - 8, y1: cy + 5 }, { x0: cx - w / 2, y0: cy - 21, x1: cx + w / 2, y1: cy - 8 }, { x0: cx - w / 2, y0: cy + 8, x1: cx + w / 2, y1: cy + 21 }];
    const found = candidates.find((b) => free(b) && b.x1 < width - 4 && b.x0 > left + 2 && b.y0 > top && b.y1 < top + plotH - 2);
    if (found) label = found;
    else {
      for (let dy = 14; dy < 200; dy += 14) {
        const b = { ...label, y0: label.y0 + dy, y1: label.y1 + dy };
        if (free(b)) {
          label = b;
          out.push(`<line x1="${num(cx + 4)}" y1="${num(cy + 3)}" x2="${num(b.x0)}" y2="${num(b.y1 - 4)}" stroke="#999"/>`);
          break;
        }
      }
    }
    placed.push(label);
    out.push(`<text x="${num(label.x0)}" y="${num(label.y1 - 3)}">${escapeXml(p.condition)}</text>`);
    out.push('</g>');
  }
  const notes = [
    'Affinity 1: the augmented images look like clean ones to the baseline model; lower: a larger distribution shift.',
    'Diversity 1: as easy to fit as the clean data; higher: harder. Dashed lines: the baseline (1).',
    `Whiskers: ${Math.round(report.settings.level * 100)} % t intervals over seeds. Conditions that do not change images have no affinity.`,
  ];
  notes.forEach((n, i) => out.push(`<text x="12" y="${num(top + plotH + 56 + 14 * i)}" fill="#555">${escapeXml(n)}</text>`));
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- per-class heatmap

const NEG = [178, 24, 43];
const MID = [247, 247, 247];
const POS = [33, 102, 172];

/** Diverging red (worse) – white – blue (better) colour for v in [−m, m]. */
export function divergingColour(v: number, m: number): string {
  const t = Math.max(-1, Math.min(1, m > 0 ? v / m : 0));
  const end = t < 0 ? NEG : POS;
  const a = Math.abs(t);
  const c = MID.map((mid, i) => Math.round(mid + (end[i]! - mid) * a));
  return `#${c.map((v2) => v2.toString(16).padStart(2, '0')).join('')}`;
}

/** Rows = conditions, columns = classes, cell = Δ per-class accuracy vs baseline (pp). */
export function perClassHeatmap(report: ImpactReport): string {
  const base = report.summary.find((s) => s.condition === baselineName(report));
  const rows = report.summary.filter((s) => s.perClass.delta !== null);
  const k = report.settings.numClasses;
  const classLabel = (i: number): string => report.settings.classNames?.[i] ?? String(i);
  const labels = Array.from({ length: k }, (_, i) => classLabel(i));
  const cellW = 50;
  const cellH = 24;
  const rotate = labels.some((l) => textWidth(l) > cellW - 4);
  const labelH = rotate ? Math.max(...labels.map((l) => textWidth(l))) * 0.64 + 14 : 18;
  const nameW = Math.max(60, ...rows.map((s) => textWidth(s.condition, 11.5)));
  const left = 34 + nameW + 12;
  const top = HEADER + 40;
  const gridW = k * cellW;
  const gridH = Math.max(1, rows.length) * cellH;
  const width = Math.max(left + gridW + (rotate ? 70 : 20), 560);
  const legendY = top + gridH + labelH + 42;
  const height = legendY + 50;
  const values = finite(rows.flatMap((s) => s.perClass.delta!.map((e) => pct(e.mean))));
  const m = niceTicks(0, Math.max(0.1, ...values.map(Math.abs)), 2).max;
  const out = [svgOpen(width, height, 'per-class'), ...header(report, width, 'Per-class accuracy change vs the baseline')];
  if (base) {
    out.push(`<text x="${num(left - 8)}" y="${num(top - 8)}" text-anchor="end" fill="#555" font-style="italic">baseline accuracy %</text>`);
    base.perClass.accuracy.forEach((e, i) => out.push(`<text x="${num(left + i * cellW + cellW / 2)}" y="${num(top - 8)}" text-anchor="middle" fill="#555" font-style="italic">${fmt(pct(e.mean), 1)}</text>`));
  }
  out.push(`<text class="axis-title" transform="translate(16 ${num(top + gridH / 2)}) rotate(-90)" text-anchor="middle" font-size="11.5">condition</text>`);
  if (rows.length === 0) out.push(`<text x="${num(left)}" y="${num(top + 16)}" fill="#555">no condition other than the baseline has results</text>`);
  rows.forEach((s, r) => {
    const cy = top + r * cellH;
    out.push(`<text x="${num(left - 8)}" y="${num(cy + cellH / 2 + 4)}" text-anchor="end" font-size="11.5">${escapeXml(s.condition)}</text>`);
    s.perClass.delta!.forEach((e, c) => {
      const v = pct(e.mean);
      const cx = left + c * cellW;
      const worst = s.perClass.worst?.class === c;
      const tip = `${s.condition} · ${classLabel(c)}: Δ ${fmt(v, 1)} pp [${fmt(pct(e.lo), 1)}, ${fmt(pct(e.hi), 1)}]${worst ? ' (worst class)' : ''}`;
      out.push(`<g class="mark" data-condition="${escapeXml(s.condition)}" data-class="${c}"><title>${escapeXml(tip)}</title>`);
      out.push(`<rect x="${num(cx)}" y="${num(cy)}" width="${cellW}" height="${cellH}" fill="${Number.isFinite(v) ? divergingColour(v, m) : '#dddddd'}" stroke="${worst ? '#000' : '#fff'}" stroke-width="${worst ? 2 : 1}"/>`);
      out.push(`<text x="${num(cx + cellW / 2)}" y="${num(cy + cellH / 2 + 4)}" text-anchor="middle" font-size="10.5" fill="${Math.abs(v) / m > 0.55 ? '#fff' : '#222'}">${Number.isFinite(v) ? fmt(v, 1) : '—'}</text>`);
      out.push('</g>');
    });
  });
  const ly = top + gridH + 14;
  labels.forEach((l, c) => {
    const cx = left + c * cellW + cellW / 2;
    out.push(
      rotate
        ? `<text transform="translate(${num(cx - 4)} ${num(ly)}) rotate(35)" text-anchor="start">${escapeXml(l)}</text>`
        : `<text x="${num(cx)}" y="${num(ly)}" text-anchor="middle">${escapeXml(l)}</text>`,
    );
  });
  out.push(`<text class="axis-title" x="${num(left + gridW / 2)}" y="${num(top + gridH + labelH + 16)}" text-anchor="middle" font-size="11.5">class${report.settings.classNames ? '' : ' (index)'}</text>`);
  // legend: a stepped colour bar from −m to +m
  const lw = Math.min(300, gridW);
  const lx = left;
  const steps = 21;
  out.push(`<g class="legend" data-min="${-m}" data-max="${m}">`);
  out.push(`<text x="${num(lx)}" y="${num(legendY - 6)}">Δ accuracy vs baseline (pp); red worse, blue better; black outline: the condition's worst class</text>`);
  for (let i = 0; i < steps; i += 1) {
    const v = -m + (2 * m * (i + 0.5)) / steps;
    out.push(`<rect x="${num(lx + (i * lw) / steps)}" y="${num(legendY)}" width="${num(lw / steps + 0.5)}" height="10" fill="${divergingColour(v, m)}"/>`);
  }
  const lt = niceTicks(-m, m, 4);
  const lxs = linear({ ...lt, min: -m, max: m }, lx, lx + lw);
  for (const v of lt.values.filter((t) => t >= -m - 1e-9 && t <= m + 1e-9)) {
    out.push(`<line x1="${num(lxs(v))}" y1="${num(legendY + 10)}" x2="${num(lxs(v))}" y2="${num(legendY + 14)}" stroke="#666"/>`);
    out.push(`<text class="tick" data-value="${v}" x="${num(lxs(v))}" y="${num(legendY + 25)}" text-anchor="middle" fill="#444">${escapeXml(formatTick(v, lt.step))}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

// ---------------------------------------------------------------- training curves

/** Clean accuracy after each epoch, one line per condition with its interval band. */
export function trainingCurves(report: ImpactReport): string {
  const base = baselineName(report);
  const colour = colours(report);
  const names = report.summary.map((s) => s.condition);
  const epochs = Math.max(1, ...report.summary.map((s) => s.curve.length));
  const plotW = 440;
  const plotH = 280;
  const left = 64;
  const top = HEADER + 16;
  const legendX = left + plotW + 28;
  const width = legendX + legendWidth(names) + 10;
  const height = Math.max(top + plotH + 52, HEADER + 40 + names.length * 17);
  const values = finite(report.summary.flatMap((s) => s.curve.flatMap((e) => [pct(e.lo), pct(e.hi)])));
  const y = linear(niceTicks(Math.max(0, Math.min(...values)), Math.min(100, Math.max(...values)), 5), top + plotH, top);
  const xt: Ticks =
    epochs === 1
      ? { min: 0, max: 2, step: 1, values: [1] }
      : epochs <= 12
        ? { min: 1, max: epochs, step: 1, values: Array.from({ length: epochs }, (_, i) => i + 1) }
        : (() => {
            const t = niceTicks(1, epochs, 6);
            return { ...t, step: Math.max(1, t.step), values: t.values.filter((v) => v >= 1 && v <= epochs), min: 1, max: epochs };
          })();
  const x = linear(xt, left + 12, left + plotW - 12);
  const out = [svgOpen(width, height, 'training'), ...header(report, width, 'Clean test accuracy after each epoch')];
  out.push(...yAxis(y, left, left + plotW, 'clean accuracy (%)', 20));
  out.push(...xAxis(x, top, top + plotH, 'epoch'));
  const order = [...report.summary].sort((a, b) => (a.condition === base ? 1 : 0) - (b.condition === base ? 1 : 0));
  for (const s of order) {
    if (s.curve.length === 0) continue;
    const col = colour(s.condition);
    const isBase = s.condition === base;
    const up = s.curve.map((e, i) => `${num(x(i + 1))},${num(y(pct(e.hi)))}`);
    const down = s.curve.map((e, i) => `${num(x(i + 1))},${num(y(pct(e.lo)))}`).reverse();
    const tip = `${s.condition}: ${s.curve.map((e, i) => `epoch ${i + 1} ${fmt(pct(e.mean), 1)} % [${fmt(pct(e.lo), 1)}, ${fmt(pct(e.hi), 1)}]`).join('; ')}`;
    out.push(`<g class="mark" data-condition="${escapeXml(s.condition)}"><title>${escapeXml(tip)}</title>`);
    out.push(`<polygon points="${[...up, ...down].join(' ')}" fill="${col}" fill-opacity="${isBase ? 0.14 : 0.045}" stroke="none"/>`);
    out.push(`<polyline points="${s.curve.map((e, i) => `${num(x(i + 1))},${num(y(pct(e.mean)))}`).join(' ')}" fill="none" stroke="${col}" stroke-width="${isBase ? 2.8 : 1.5}"/>`);
    s.curve.forEach((e, i) => out.push(`<circle cx="${num(x(i + 1))}" cy="${num(y(pct(e.mean)))}" r="${isBase ? 3 : 2.3}" fill="${col}"/>`));
    out.push('</g>');
  }
  out.push(...legend(report, names, legendX, top + 6));
  out.push(`<text x="${num(legendX)}" y="${num(top + 6 + 16 + names.length * 17 + 10)}" fill="#555">bands: ${Math.round(report.settings.level * 100)} % t intervals</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Every chart of the report, keyed by the file name `writeImpactReport` gives it. */
export function allCharts(report: ImpactReport): Record<'forest' | 'severity' | 'affinity-diversity' | 'per-class' | 'training', string> {
  return {
    forest: forestPlot(report),
    severity: severityCurves(report),
    'affinity-diversity': affinityDiversityScatter(report),
    'per-class': perClassHeatmap(report),
    training: trainingCurves(report),
  };
}
