// A compact, aligned summary table for the CLI.
import type { ImpactReport } from '../types.js';
import { fixed, MARK, percentLevel } from './tables.js';

export function terminalSummary(report: ImpactReport): string {
  const lv = percentLevel(report);
  const header = ['condition', 'clean %', `Δ clean pp [${lv} CI]`, 'mCE held-out', 'flip %'];
  const rows = report.summary.map((s) => {
    const d = s.deltaClean;
    return [
      s.condition,
      fixed(s.clean.mean * 100, 2),
      d ? `${fixed(d.estimate * 100, 2)} [${fixed(d.pairedT.lo * 100, 2)}, ${fixed(d.pairedT.hi * 100, 2)}]${d.significant ? ` ${MARK}` : '  '}` : 'reference  ',
      s.mce.heldOut ? `${fixed(s.mce.heldOut.estimate, 3)}${s.mce.heldOut.significant ? ` ${MARK}` : '  '}` : '—  ',
      fixed(s.flipRate.mean * 100, 1),
    ];
  });
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => [...r[i]!].length)));
  const line = (r: string[]): string => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ').trimEnd();
  const failed = report.runs.filter((r) => r.status === 'failed');
  const notes = [
    `${report.completeSeeds.length} of ${report.settings.seeds.length} seeds complete; ${MARK} = significant after Holm over ${report.comparisons.length} comparisons (p < ${fixed(1 - report.settings.level, 2)}).`,
    ...(failed.length > 0 ? [`${failed.length} failed run${failed.length === 1 ? '' : 's'}: ${failed.map((r) => `${r.condition} seed ${r.seed} (${r.error ?? 'no reason recorded'})`).join('; ')}`] : []),
  ];
  return [line(header), widths.map((w) => '─'.repeat(w)).join('  '), ...rows.map(line), '', ...notes, ''].join('\n');
}
