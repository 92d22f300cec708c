// The impact report writers on a synthetic report: the markdown holds the
// tables and the fixture's numbers, every SVG is well-formed XML (checked by
// python3's parser) with titles, round ticks, honest axis origins and one
// class="mark" per datum, the HTML loads nothing from the network, and
// writeImpactReport writes every file.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { beforeAll, describe, expect, it } from 'vitest';

import {
  affinityDiversityScatter,
  allCharts,
  htmlReport,
  markdownReport,
  niceTicks,
  terminalSummary,
  writeImpactReport,
} from '../src/impact/report/index.js';
import type { Comparison, ImpactReport } from '../src/impact/types.js';
import { syntheticReport } from './helpers/impact-fixture.js';
import { tempDir } from './helpers/tempdir.js';

const report = syntheticReport();
const dir = tempDir('fastaug-impact-report-');

/** Independent formatting: fixed decimals, a true minus sign, no "−0". */
const f = (v: number, d: number): string => {
  const t = v.toFixed(d);
  return Number(t) === 0 ? t.replace('-', '') : t.replace('-', '−');
};
const rowOf = (md: string, table: string, condition: string): string => {
  const start = md.indexOf(`## ${table}`);
  expect(start, table).toBeGreaterThanOrEqual(0);
  const end = md.indexOf('\n## ', start + 3);
  const line = md
    .slice(start, end < 0 ? undefined : end)
    .split('\n')
    .find((l) => l.startsWith(`| ${condition} |`));
  expect(line, `${table}: row ${condition}`).toBeDefined();
  return line!;
};
const nonBaseline = report.summary.filter((s) => s.deltaClean !== null);

describe('markdownReport', () => {
  const md = markdownReport(report);

  it('states the settings and the statistics', () => {
    expect(md.startsWith('# fastaug impact report\n')).toBe(true);
    for (const text of [report.settings.model, report.settings.data, '6000 training images', '1000 test images', '2 epochs', '5 seeds (1, 2, 3, 4, 5), 4 complete (1, 2, 3, 4)', 'level 95 %', '2 workers']) {
      expect(md).toContain(text);
    }
    const how = md.slice(md.indexOf('## How to read this'));
    for (const text of ['Paired design', 'paired t', 'sign-flip p is exact', 'all 2^4 sign patterns', 'two-level bootstrap', 'test images within each seed', `Holm p adjusts the paired t p-values for all ${report.comparisons.length} comparisons`]) {
      expect(how).toContain(text);
    }
  });

  it('has every table, each with one row per condition and consistent columns', () => {
    for (const title of ['Clean accuracy and robustness', 'Accuracy under corruption', 'Corruption error relative to the baseline', 'Affinity and diversity', 'Calibration, stability and the worst class', 'Cost', 'Failed runs', 'Conditions', 'Corruption families']) {
      expect(md).toContain(`## ${title}\n`);
    }
    const blocks = md.split('\n\n').filter((b) => b.startsWith('| ')).map((b) => b.trim());
    expect(blocks.length).toBe(9);
    for (const block of blocks) {
      const cols = block.split('\n').map((l) => l.split(/(?<!\\)\|/).length);
      expect(new Set(cols).size, block.split('\n')[0]).toBe(1);
    }
    for (const s of report.summary) rowOf(md, 'Clean accuracy and robustness', s.condition);
  });

  it('shows clean accuracy, Δ clean with paired t and bootstrap intervals, p-values and the mark', () => {
    for (const s of report.summary) {
      const row = rowOf(md, 'Clean accuracy and robustness', s.condition);
      expect(row).toContain(`${f(s.clean.mean * 100, 2)} [${f(s.clean.lo * 100, 2)}, ${f(s.clean.hi * 100, 2)}]`);
      const d = s.deltaClean;
      if (!d) continue;
      expect(row).toContain(`${f(d.estimate * 100, 2)} [${f(d.pairedT.lo * 100, 2)}, ${f(d.pairedT.hi * 100, 2)}]`);
      expect(row).toContain(`[${f(d.bootstrap!.lo * 100, 2)}, ${f(d.bootstrap!.hi * 100, 2)}]`);
      expect(row).toContain(` ${d.signFlipP.toFixed(3)} `);
      const cells = row.split(/(?<!\\)\|/).map((c) => c.trim());
      expect(cells[8], s.condition).toBe(d.significant ? '\\*' : '');
      expect(cells[10]).toContain(f(s.mce.heldOut!.estimate, 3));
      expect(cells[9]).toBe(s.mce.seen ? `${f(s.mce.seen.estimate, 3)} [${f(s.mce.seen.pairedT.lo, 3)}, ${f(s.mce.seen.pairedT.hi, 3)}]${s.mce.seen.significant ? ' \\*' : ''}` : '—');
    }
    // the fixture has both kinds
    expect(nonBaseline.some((s) => s.deltaClean!.significant)).toBe(true);
    expect(nonBaseline.some((s) => !s.deltaClean!.significant)).toBe(true);
  });

  it('shows the corruption accuracies averaged over severities, CE and rCE', () => {
    for (const s of report.summary) {
      const accRow = rowOf(md, 'Accuracy under corruption', s.condition).split('|').map((c) => c.trim());
      const ceRow = rowOf(md, 'Corruption error relative to the baseline', s.condition).split('|').map((c) => c.trim());
      report.families.forEach((fam, i) => {
        const c = s.corruptions[fam.name]!;
        const mean = c.accuracy.reduce((a, e) => a + e.mean, 0) / c.accuracy.length;
        expect(accRow[3 + i]).toBe(`${f(mean * 100, 1)}${c.delta?.significant ? ' \\*' : ''}`);
        expect(ceRow[2 + i]).toBe(c.ce ? `${f(c.ce.mean, 3)} / ${f(c.rce!.mean, 3)}` : '—');
      });
    }
    expect(md).toContain('| shift (seen) |');
    expect(md).toContain('| rotation (held-out) |');
  });

  it('shows affinity, diversity, calibration, flip rate, the worst class and the cost', () => {
    for (const s of report.summary) {
      const ad = rowOf(md, 'Affinity and diversity', s.condition);
      if (s.affinity) expect(ad).toContain(`${f(s.affinity.mean, 3)} [${f(s.affinity.lo, 3)}, ${f(s.affinity.hi, 3)}]`);
      if (s.diversity) expect(ad).toContain(f(s.diversity.mean, 3));
      const cal = rowOf(md, 'Calibration, stability and the worst class', s.condition);
      expect(cal).toContain(f(s.calibration.ece.mean * 100, 2));
      expect(cal).toContain(f(s.calibration.nll.mean, 3));
      expect(cal).toContain(f(s.flipRate.mean * 100, 2));
      if (s.perClass.worst) {
        expect(cal).toContain(`| ${report.settings.classNames![s.perClass.worst.class]!.replace('/', '/')} | ${f(s.perClass.worst.delta * 100, 2)} |`);
      }
      const cost = rowOf(md, 'Cost', s.condition);
      expect(cost).toContain(f(s.cost.augmentSecondsPerEpoch, 3));
      expect(cost).toContain(f(s.cost.trainSecondsPerEpoch, 2));
    }
  });

  it('lists failed runs with their reasons, and leaves the section out when none failed', () => {
    const failed = report.runs.filter((r) => r.status === 'failed');
    expect(failed.length).toBe(1);
    const row = rowOf(md, 'Failed runs', failed[0]!.condition);
    expect(row).toContain(failed[0]!.error!);
    expect(row).toContain(`| ${failed[0]!.seed} |`);
    expect(markdownReport(syntheticReport({ failure: false, testN: 200 }))).not.toContain('## Failed runs');
  });
});

// ---------------------------------------------------------------- SVG

interface Parsed {
  ok: boolean;
  error?: string;
  root?: string;
  marks: number;
  significant: number;
  titles: number;
  subtitles: string[];
  axisTitles: string[];
  axes: Array<{ axis: string; min: number; max: number; ticks: number[] }>;
  nullLines: number[];
  legend: { min: number; max: number; ticks: number[] } | null;
  text: string;
}

/** Parse SVG files with python3's XML parser and describe what they hold. */
function parseSvgs(files: string[]): Parsed[] {
  const script = String.raw`
import json, sys, xml.etree.ElementTree as ET
NS = '{http://www.w3.org/2000/svg}'
out = []
for path in sys.argv[1:]:
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as e:
        out.append({'ok': False, 'error': str(e)}); continue
    cls = lambda el: (el.get('class') or '').split()
    txt = lambda el: ''.join(el.itertext())
    els = list(root.iter())
    axes = []
    for g in els:
        if 'axis' in cls(g):
            ticks = [float(t.get('data-value')) for t in g.iter() if 'tick' in cls(t)]
            axes.append({'axis': g.get('data-axis'), 'min': float(g.get('data-min')), 'max': float(g.get('data-max')), 'ticks': ticks})
    legend = None
    for g in els:
        if 'legend' in cls(g) and g.get('data-min') is not None:
            legend = {'min': float(g.get('data-min')), 'max': float(g.get('data-max')), 'ticks': [float(t.get('data-value')) for t in g.iter() if 'tick' in cls(t)]}
    out.append({
        'ok': True,
        'root': root.tag,
        'marks': sum(1 for e in els if 'mark' in cls(e)),
        'significant': sum(1 for e in els if 'mark' in cls(e) and 'significant' in cls(e)),
        'titles': sum(1 for e in els if 'chart-title' in cls(e)),
        'subtitles': [txt(e) for e in els if 'chart-subtitle' in cls(e)],
        'axisTitles': [txt(e) for e in els if 'axis-title' in cls(e)],
        'axes': axes,
        'nullLines': [float(e.get('data-value')) for e in els if 'null-line' in cls(e) and e.get('data-value') is not None],
        'legend': legend,
        'text': ' '.join(txt(e) for e in els if e.tag == NS + 'text'),
    })
print(json.dumps(out))
`;
  return JSON.parse(execFileSync('python3', ['-c', script, ...files], { encoding: 'utf8' })) as Parsed[];
}

/** True when consecutive ticks step by 1, 2 or 5 × 10^k and every tick is a multiple of the step. */
function roundTicks(ticks: number[]): boolean {
  if (ticks.length < 2) return true;
  const step = ticks[1]! - ticks[0]!;
  const k = Math.floor(Math.log10(step) + 1e-9);
  const mantissa = step / 10 ** k;
  if (![1, 2, 5].some((m) => Math.abs(mantissa - m) < 1e-6)) return false;
  return ticks.every((t, i) => Math.abs(t - ticks[0]! - i * step) < step * 1e-6 && Math.abs(t / step - Math.round(t / step)) < 1e-6);
}

describe('charts', () => {
  const charts = allCharts(report);
  const names = Object.keys(charts) as Array<keyof typeof charts>;
  // variants: no class names, a baseline-only report, names that need escaping
  const plainHeatmap = allCharts(syntheticReport({ classNames: false, testN: 200 }))['per-class'];
  const only = syntheticReport({ conditions: 1, testN: 200 });
  const onlyCharts = Object.values(allCharts(only));
  const odd = syntheticReport({ testN: 200 });
  odd.settings.model = 'a <b> & "c"';
  odd.summary[1]!.condition = 'x<y & "z"';
  const oddCharts = Object.values(allCharts(odd));
  let parsed: Record<string, Parsed>;
  let plain: Parsed;
  let onlyParsed: Parsed[];
  let oddParsed: Parsed[];
  beforeAll(() => {
    // one python3 process for every file: it starts slowly on a busy machine
    const svgs = [...names.map((n) => charts[n]), plainHeatmap, ...onlyCharts, ...oddCharts];
    const result = parseSvgs(svgs.map((svg, i) => writeTo(`unit-${i}.svg`, svg)));
    parsed = Object.fromEntries(names.map((n, i) => [n, result[i]!]));
    plain = result[names.length]!;
    onlyParsed = result.slice(names.length + 1, names.length + 1 + onlyCharts.length);
    oddParsed = result.slice(names.length + 1 + onlyCharts.length);
  });

  it('are well-formed SVG with a title, a subtitle naming seeds, model and data, and titled axes', () => {
    for (const n of names) {
      const p = parsed[n]!;
      expect(p.ok, `${n}: ${p.error}`).toBe(true);
      expect(p.root).toBe('{http://www.w3.org/2000/svg}svg');
      expect(p.titles, n).toBe(1);
      const sub = p.subtitles.join(' ');
      expect(sub, n).toContain('4 of 5 seeds');
      expect(sub, n).toContain(report.settings.model);
      expect(sub, n).toContain(report.settings.data);
      expect(p.axisTitles.length, n).toBeGreaterThanOrEqual(2);
    }
  });

  it('draw one mark per datum', () => {
    const comparisons = nonBaseline.flatMap((s) => [s.deltaClean, s.mce.seen, s.mce.heldOut]).filter((c): c is Comparison => c !== null);
    expect(comparisons.length).toBe(9 + 5 + 9);
    expect(parsed.forest!.marks).toBe(comparisons.length);
    expect(parsed.forest!.significant).toBe(comparisons.filter((c) => c.significant).length);
    expect(parsed.forest!.significant).toBeGreaterThan(0);
    expect(parsed.severity!.marks).toBe(report.summary.length * report.families.length);
    expect(parsed['affinity-diversity']!.marks).toBe(report.summary.filter((s) => s.affinity && s.diversity).length);
    expect(parsed['affinity-diversity']!.marks).toBe(5);
    expect(parsed['per-class']!.marks).toBe(nonBaseline.length * report.settings.numClasses);
    expect(parsed.training!.marks).toBe(report.summary.length);
  });

  it('put every value axis on round ticks', () => {
    for (const n of names) {
      for (const a of parsed[n]!.axes) {
        expect(a.ticks.length, `${n} ${a.axis}`).toBeGreaterThanOrEqual(2);
        expect(roundTicks(a.ticks), `${n} ${a.axis}: ${a.ticks.join(', ')}`).toBe(true);
        expect(a.ticks[0]).toBeCloseTo(a.min, 9);
        expect(a.ticks.at(-1)).toBeCloseTo(a.max, 9);
      }
    }
    expect(roundTicks(parsed['per-class']!.legend!.ticks)).toBe(true);
    expect(roundTicks([0, 0.25, 0.5])).toBe(false);
    expect(roundTicks([0.2, 0.4, 0.6])).toBe(true);
    expect(roundTicks([0.1, 0.3, 0.5])).toBe(false);
    expect(roundTicks([1, 4, 7])).toBe(false);
  });

  it('keep the value of no effect on the axis, and accuracy within 0–100 %', () => {
    const forestX = parsed.forest!.axes.filter((a) => a.axis === 'x');
    expect(forestX.length).toBe(3);
    expect(parsed.forest!.nullLines).toEqual([0, 1, 1]);
    forestX.forEach((a, i) => {
      const nullValue = parsed.forest!.nullLines[i]!;
      expect(a.min).toBeLessThanOrEqual(nullValue);
      expect(a.max).toBeGreaterThanOrEqual(nullValue);
    });
    for (const n of ['severity', 'training'] as const) {
      for (const a of parsed[n]!.axes.filter((x) => x.axis === 'y')) {
        expect(a.min).toBeGreaterThanOrEqual(0);
        expect(a.max).toBeLessThanOrEqual(100);
      }
    }
    // severity: x from clean (0) to the strongest severity, every panel on the same y scale
    const sevX = parsed.severity!.axes.filter((a) => a.axis === 'x');
    expect(sevX.length).toBe(report.families.length);
    for (const a of sevX) expect(a.ticks).toEqual([0, 1, 2, 3]);
    expect(new Set(parsed.severity!.axes.filter((a) => a.axis === 'y').map((a) => `${a.min}-${a.max}`)).size).toBe(1);
    for (const a of parsed['affinity-diversity']!.axes) {
      expect(a.min).toBeLessThanOrEqual(1);
      expect(a.max).toBeGreaterThanOrEqual(1);
    }
    const legend = parsed['per-class']!.legend!;
    expect(legend.min).toBe(-legend.max);
    expect(legend.ticks).toContain(0);
    const maxDelta = Math.max(...nonBaseline.flatMap((s) => s.perClass.delta!.map((e) => Math.abs(e.mean * 100))));
    expect(legend.max).toBeGreaterThanOrEqual(maxDelta);
  });

  it('name the classes in the heatmap, or number them when no names are given', () => {
    for (const name of report.settings.classNames!) expect(parsed['per-class']!.text).toContain(name.replace('/', '/'));
    expect(plain.ok).toBe(true);
    expect(plain.text).toContain('class (index)');
    expect(plain.text).not.toContain('Trouser');
  });

  it('explain an empty scatter instead of drawing one, and survive a baseline-only report', () => {
    for (const p of onlyParsed) expect(p.ok, p.error).toBe(true);
    expect(onlyParsed[2]!.marks).toBe(0);
    expect(onlyParsed[2]!.text).toContain('not defined');
    expect(affinityDiversityScatter(only)).toBe(onlyCharts[2]);
    for (const svg of onlyCharts) expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('escape names and never emit NaN', () => {
    for (const svg of oddCharts) {
      expect(svg).not.toContain('<b>');
      expect(svg).not.toMatch(/NaN|Infinity|undefined/);
    }
    for (const p of oddParsed) expect(p.ok, p.error).toBe(true);
  });
});

function writeTo(name: string, text: string): string {
  const file = path.join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('niceTicks', () => {
  it('covers the range with 1, 2 or 5 × 10^k steps', () => {
    for (const [lo, hi] of [[0, 1], [-6.6, 0.5], [0.95, 1.15], [15.2, 86.3], [0.001, 0.0093], [-3, -2.9], [5, 5], [0, 1234]] as const) {
      const t = niceTicks(lo, hi, 5);
      expect(t.min).toBeLessThanOrEqual(Math.min(lo, hi));
      expect(t.max).toBeGreaterThanOrEqual(Math.max(lo, hi));
      expect(roundTicks(t.values), `${lo}..${hi}: ${t.values.join(', ')}`).toBe(true);
      expect(t.values.length).toBeGreaterThanOrEqual(2);
      expect(t.values.length).toBeLessThanOrEqual(12);
    }
    expect(niceTicks(0, 1, 5).values).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(-6.6, 0.5, 4).values).toEqual([-8, -6, -4, -2, 0, 2]);
  });
});

// ---------------------------------------------------------------- HTML, terminal, files

describe('htmlReport', () => {
  const html = htmlReport(report);

  it('is one self-contained page: nothing from the network, no scripts', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html).not.toMatch(/https?:\/\//);
    expect(html).not.toMatch(/\ssrc\s*=/i);
    expect(html).not.toMatch(/<script|<link|<iframe|<img|@import|url\(/i);
    for (const m of html.matchAll(/\shref\s*=\s*"([^"]*)"/gi)) expect(m[1]!.startsWith('#'), m[1]).toBe(true);
  });

  it('holds every chart inline, every table and a collapsible method', () => {
    for (const id of ['forest', 'severity', 'affinity-diversity', 'per-class', 'training']) {
      expect(html).toContain(`<figure id="chart-${id}">`);
      expect(html).toContain(`data-chart="${id}"`);
    }
    for (const id of ['main', 'corruption-accuracy', 'corruption-error', 'affinity-diversity', 'calibration', 'cost', 'failed', 'conditions', 'families']) {
      expect(html).toContain(`<table id="table-${id}">`);
    }
    expect(html).toMatch(/<details id="method">\s*<summary>/);
    expect(html).toContain('two-level bootstrap');
    expect((html.match(/class="mark/g) ?? []).length).toBe(23 + 80 + 5 + 90 + 10);
    // table rows all as wide as their header
    for (const table of html.match(/<table[\s\S]*?<\/table>/g)!) {
      const widths = table.match(/<tr>[\s\S]*?<\/tr>/g)!.map((tr) => (tr.match(/<t[hd][\s>]/g) ?? []).length);
      expect(new Set(widths).size).toBe(1);
    }
    const main = html.slice(html.indexOf('<table id="table-main">'));
    const significant = nonBaseline.find((s) => s.deltaClean!.significant)!;
    expect(main).toContain(`${f(significant.deltaClean!.estimate * 100, 2)} [`);
  });

  it('escapes what it is given', () => {
    const odd = syntheticReport({ testN: 200 });
    odd.settings.data = '<script>alert(1)</script>';
    const page = htmlReport(odd);
    expect(page).not.toContain('<script>');
    expect(page).toContain('&lt;script&gt;');
  });
});

describe('terminalSummary', () => {
  it('is an aligned table with Δ clean, its interval and the mark', () => {
    const text = terminalSummary(report);
    const lines = text.split('\n');
    const table = lines.slice(0, 2 + report.summary.length);
    expect(table[0]).toMatch(/^condition\s+clean %\s+Δ clean pp \[95 % CI\]\s+mCE held-out\s+flip %$/);
    // the columns end at the same place on every line
    const ends = (l: string): number => [...l].length;
    for (const l of table.slice(1)) expect(ends(l)).toBe(ends(table[0]!));
    for (const s of report.summary) {
      const line = table.find((l) => l.startsWith(`${s.condition} `))!;
      expect(line).toContain(f(s.clean.mean * 100, 2));
      expect(line).toContain(f(s.flipRate.mean * 100, 1));
      if (s.deltaClean) {
        const d = s.deltaClean;
        expect(line).toContain(`${f(d.estimate * 100, 2)} [${f(d.pairedT.lo * 100, 2)}, ${f(d.pairedT.hi * 100, 2)}]${d.significant ? ' *' : '  '}`);
        expect(line).toContain(f(s.mce.heldOut!.estimate, 3));
      }
    }
    expect(text).toContain('1 failed run: label-flips seed 5');
  });
});

describe('writeImpactReport', () => {
  it('writes the JSON, markdown, HTML and five SVGs into a new directory', () => {
    const out = path.join(dir, 'nested', 'report');
    const { files } = writeImpactReport(report, out);
    expect(files.map((f2) => path.basename(f2)).sort()).toEqual(
      ['affinity-diversity.svg', 'forest.svg', 'impact.html', 'impact.json', 'impact.md', 'per-class.svg', 'severity.svg', 'training.svg'].sort(),
    );
    for (const file of files) expect(existsSync(file)).toBe(true);
    const json = readFileSync(path.join(out, 'impact.json'), 'utf8');
    expect(JSON.parse(json) as ImpactReport).toEqual(JSON.parse(JSON.stringify(report)));
    // every base64 string whole on its own line
    const run = report.runs.find((r) => r.status === 'ok')!;
    expect(json.split('\n')).toContain(`      "predictions": {`);
    expect(json).toContain(`"clean": "${run.predictions.clean}"`);
    expect(json).toContain(`"testLabels": "${report.testLabels}"`);
    expect(json).toMatch(/"seeds": \[1, 2, 3, 4, 5\]/);
    const md = readFileSync(path.join(out, 'impact.md'), 'utf8');
    expect(md).toBe(markdownReport(report, { chartLinks: true }));
    // the markdown links each chart file written beside it, and only those
    const links = [...md.matchAll(/!\[[^\]]*\]\(([^)]+)\)/g)].map((m) => m[1]);
    expect(links.sort()).toEqual(['affinity-diversity.svg', 'forest.svg', 'per-class.svg', 'severity.svg', 'training.svg']);
    expect(markdownReport(report)).not.toContain('.svg)');
    expect(readFileSync(path.join(out, 'forest.svg'), 'utf8')).toBe(allCharts(report).forest);
  });
});
