// The impact report as one self-contained HTML page: inline CSS, the charts
// as inline SVG, the tables of tables.ts, and the method in a <details>.
// Nothing is loaded from anywhere: no scripts, fonts, images or styles.
import type { ImpactReport } from '../types.js';
import { allCharts, escapeXml } from './charts.js';
import {
  affinityTable,
  calibrationTable,
  conditionsTable,
  corruptionAccuracyTable,
  corruptionErrorTable,
  costTable,
  failedRunsTable,
  familiesTable,
  mainTable,
  MARK,
  methodParagraphs,
  settingsLine,
  versionsLine,
  type Table,
} from './tables.js';

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #222; margin: 0; background: #fafafa; }
main { max-width: 1380px; margin: 0 auto; padding: 20px 28px 40px; }
h1 { font-size: 24px; margin: 0 0 8px; }
h2 { font-size: 18px; margin: 32px 0 6px; padding-top: 8px; border-top: 1px solid #ddd; }
h3 { font-size: 15px; margin: 20px 0 4px; }
p.settings, p.versions { margin: 4px 0; color: #444; }
p.versions { font-size: 12px; color: #666; }
p.caption { margin: 2px 0 8px; color: #555; font-size: 13px; max-width: 1100px; }
nav { margin: 12px 0; font-size: 13px; }
nav a { margin-right: 14px; color: #2a5d9f; text-decoration: none; }
nav a:hover { text-decoration: underline; }
.table-wrap { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; font-size: 13px; background: #fff; font-variant-numeric: tabular-nums; }
th, td { padding: 4px 9px; border-bottom: 1px solid #e3e3e3; white-space: nowrap; }
thead th { background: #f0f2f5; font-weight: 600; border-bottom: 2px solid #cfd4da; vertical-align: bottom; }
tbody th { background: #fff; font-weight: 600; }
td.r, th.r { text-align: right; }
td.l, th.l { text-align: left; }
tr:hover td { background: #f5f8fc; }
td.significant { background: #fff5d6; font-weight: 600; }
td.reason { white-space: normal; max-width: 640px; }
figure { margin: 14px 0 6px; background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; padding: 6px; display: inline-block; max-width: calc(100% - 14px); overflow-x: auto; }
figure svg { display: block; max-width: 100%; height: auto; }
figcaption { font-size: 12px; color: #666; margin: 4px 6px 2px; }
details { margin: 24px 0; background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 8px 14px; }
details > summary { cursor: pointer; font-weight: 600; font-size: 16px; }
details p { max-width: 1000px; }
.failed h2 { color: #9b1c1c; }
`;

function htmlTable(t: Table): string {
  const cls = (i: number): string => (t.align[i] === 'r' ? 'r' : 'l');
  // "family (held-out)" headers on two lines, so wide tables fit
  const head = `<tr>${t.header.map((h, i) => `<th class="${cls(i)}" scope="col">${escapeXml(h).replace(/ \((seen|held-out)\)$/, '<br>($1)')}</th>`).join('')}</tr>`;
  const body = t.rows
    .map((r) => {
      const cells = r.map((c, i) => {
        const significant = c === MARK || c.endsWith(` ${MARK}`);
        const extra = significant ? ' significant' : t.id === 'failed' && i === r.length - 1 ? ' reason' : '';
        const text = escapeXml(c);
        return i === 0 ? `<th class="l${extra}" scope="row">${text}</th>` : `<td class="${cls(i)}${extra}"${significant ? ' title="significant after Holm"' : ''}>${text}</td>`;
      });
      return `<tr>${cells.join('')}</tr>`;
    })
    .join('\n');
  return `<div class="table-wrap"><table id="table-${escapeXml(t.id)}">\n<thead>${head}</thead>\n<tbody>\n${body}\n</tbody></table></div>`;
}

/** A table with its title (left out when the section already has that title) and caption. */
function tableSection(t: Table, sectionTitle = ''): string {
  const title = t.title === sectionTitle ? '' : `<h3>${escapeXml(t.title)}</h3>\n`;
  return `${title}<p class="caption">${escapeXml(t.caption)}</p>\n${htmlTable(t)}`;
}

/** An SVG for inline use: no XML namespace attribute (HTML knows <svg>). */
function inlineSvg(svg: string): string {
  return svg.replace(/ xmlns="http:\/\/www\.w3\.org\/2000\/svg"/, '').trim();
}

function figure(id: string, svg: string, caption: string): string {
  return `<figure id="chart-${id}">\n${inlineSvg(svg)}\n<figcaption>${escapeXml(caption)}</figcaption>\n</figure>`;
}

export function htmlReport(report: ImpactReport): string {
  const charts = allCharts(report);
  const failed = failedRunsTable(report);
  const sections: Array<[string, string, string]> = [
    ['summary', 'Summary', [
      tableSection(mainTable(report)),
      figure('forest', charts.forest, 'Each row: one condition vs the same-seed baseline. Hover a mark for its numbers.'),
    ].join('\n')],
    ['corruptions', 'Corruptions', [
      figure('severity', charts.severity, 'Accuracy at severity 0 (the clean test set) to the strongest severity; the baseline in black.'),
      tableSection(corruptionAccuracyTable(report)),
      tableSection(corruptionErrorTable(report)),
    ].join('\n')],
    ['affinity', 'Affinity and diversity', [
      figure('affinity-diversity', charts['affinity-diversity'], 'Image augmentations only: labels and model changes have no affinity.'),
      tableSection(affinityTable(report), 'Affinity and diversity'),
    ].join('\n')],
    ['classes', 'Per class, calibration and stability', [
      figure('per-class', charts['per-class'], 'Δ per-class accuracy vs the baseline, in percentage points.'),
      tableSection(calibrationTable(report)),
    ].join('\n')],
    ['training', 'Training and cost', [
      figure('training', charts.training, 'Clean test accuracy after each epoch.'),
      tableSection(costTable(report)),
    ].join('\n')],
  ];
  if (failed) sections.push(['failed', 'Failed runs', tableSection(failed, 'Failed runs')]);
  const method = [
    '<details id="method">',
    '<summary>Method: how to read this report</summary>',
    ...methodParagraphs(report).map((p) => `<p>${escapeXml(p)}</p>`),
    tableSection(conditionsTable(report)),
    tableSection(familiesTable(report)),
    '</details>',
  ].join('\n');
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>fastaug impact report — ${escapeXml(report.settings.data)}</title>`,
    `<style>${CSS}</style>`,
    '</head>',
    '<body>',
    '<main>',
    '<h1>fastaug impact report</h1>',
    `<p class="settings">${escapeXml(settingsLine(report))}</p>`,
    `<p class="versions">${escapeXml(versionsLine(report))}</p>`,
    `<nav>${sections.map(([id, title]) => `<a href="#${id}">${escapeXml(title)}</a>`).join('')}<a href="#method">Method</a></nav>`,
    ...sections.map(([id, title, body]) => `<section id="${id}"${id === 'failed' ? ' class="failed"' : ''}>\n<h2>${escapeXml(title)}</h2>\n${body}\n</section>`),
    method,
    '</main>',
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
