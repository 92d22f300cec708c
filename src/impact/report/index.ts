// The impact report writers: markdown, a self-contained HTML page, SVG charts,
// a terminal summary, and writeImpactReport to put them all in a directory.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import type { ImpactReport } from '../types.js';
import { allCharts } from './charts.js';
import { htmlReport } from './html.js';
import { markdownReport } from './markdown.js';

export { affinityDiversityScatter, allCharts, forestComparisons, forestPlot, niceTicks, perClassHeatmap, severityCurves, trainingCurves } from './charts.js';
export { htmlReport } from './html.js';
export { markdownReport, type MarkdownOptions } from './markdown.js';
export { terminalSummary } from './terminal.js';

/**
 * JSON with two-space indentation where arrays of numbers or strings stay on
 * one line, as does every string (the base64 predictions), so the file stays
 * readable and diffable.
 */
export function impactJson(report: ImpactReport): string {
  const write = (v: unknown, indent: string): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v) ?? 'null';
    const inner = `${indent}  `;
    if (Array.isArray(v)) {
      if (v.length === 0) return '[]';
      if (v.every((x) => x === null || typeof x !== 'object')) return `[${v.map((x) => JSON.stringify(x) ?? 'null').join(', ')}]`;
      return `[\n${v.map((x) => `${inner}${write(x, inner)}`).join(',\n')}\n${indent}]`;
    }
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined);
    if (entries.length === 0) return '{}';
    return `{\n${entries.map(([k, x]) => `${inner}${JSON.stringify(k)}: ${write(x, inner)}`).join(',\n')}\n${indent}}`;
  };
  return `${write(report, '')}\n`;
}

/** Writes impact.json, impact.md, impact.html and one SVG per chart into `dir` (created if missing). */
export function writeImpactReport(report: ImpactReport, dir: string): { files: string[] } {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  const put = (name: string, text: string): void => {
    const file = path.join(dir, name);
    writeFileSync(file, text);
    files.push(file);
  };
  put('impact.json', impactJson(report));
  put('impact.md', markdownReport(report, { chartLinks: true }));
  put('impact.html', htmlReport(report));
  for (const [name, svg] of Object.entries(allCharts(report))) put(`${name}.svg`, svg);
  return { files };
}
