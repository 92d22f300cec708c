// The impact report as markdown: settings, the tables of tables.ts, failed
// runs and a short "how to read this".
import type { ImpactReport } from '../types.js';
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
  methodParagraphs,
  settingsLine,
  versionsLine,
  type Table,
} from './tables.js';

/** A cell's text made safe inside a markdown table row. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\*/g, '\\*').replace(/_/g, '\\_').replace(/\r?\n/g, ' ');
}

export function markdownTable(t: Table): string {
  const lines = [
    `| ${t.header.map(cell).join(' | ')} |`,
    `|${t.align.map((a) => (a === 'r' ? '---:' : ':---')).join('|')}|`,
    ...t.rows.map((r) => `| ${r.map(cell).join(' | ')} |`),
  ];
  return lines.join('\n');
}

function section(t: Table, chart?: [string, string]): string {
  const image = chart ? `\n![${chart[1]}](${chart[0]}.svg)\n` : '';
  return `## ${t.title}\n\n${t.caption}\n\n${markdownTable(t)}\n${image}`;
}

export interface MarkdownOptions {
  /** link the chart files that writeImpactReport puts beside impact.md (forest.svg, …); default false */
  chartLinks?: boolean;
}

export function markdownReport(report: ImpactReport, options: MarkdownOptions = {}): string {
  const failed = failedRunsTable(report);
  const chart = (file: string, alt: string): [string, string] | undefined => (options.chartLinks ? [file, alt] : undefined);
  const parts = [
    '# fastaug impact report\n',
    `${settingsLine(report)}.\n`,
    `${versionsLine(report)}.\n`,
    section(mainTable(report), chart('forest', 'Δ clean accuracy and mCE vs the baseline, with intervals')),
    section(corruptionAccuracyTable(report), chart('severity', 'accuracy by corruption severity')),
    section(corruptionErrorTable(report)),
    section(affinityTable(report), chart('affinity-diversity', 'affinity vs diversity')),
    section(calibrationTable(report), chart('per-class', 'Δ per-class accuracy vs the baseline')),
    section(costTable(report), chart('training', 'clean accuracy per epoch')),
    ...(failed ? [section(failed)] : []),
    '## How to read this\n',
    methodParagraphs(report).join('\n\n') + '\n',
    section(conditionsTable(report)),
    section(familiesTable(report)),
  ];
  return parts.join('\n');
}
