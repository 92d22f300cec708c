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

function section(t: Table): string {
  return `## ${t.title}\n\n${t.caption}\n\n${markdownTable(t)}\n`;
}

export function markdownReport(report: ImpactReport): string {
  const failed = failedRunsTable(report);
  const parts = [
    '# fastaug impact report\n',
    `${settingsLine(report)}.\n`,
    `${versionsLine(report)}.\n`,
    section(mainTable(report)),
    section(corruptionAccuracyTable(report)),
    section(corruptionErrorTable(report)),
    section(affinityTable(report)),
    section(calibrationTable(report)),
    section(costTable(report)),
    ...(failed ? [section(failed)] : []),
    '## How to read this\n',
    methodParagraphs(report).join('\n\n') + '\n',
    section(conditionsTable(report)),
    section(familiesTable(report)),
  ];
  return parts.join('\n');
}
