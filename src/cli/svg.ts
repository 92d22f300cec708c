// Minimal SVG bar charts for reports: groups of bars with optional interval
// whiskers, linear or log scale. No dependencies; text is escaped.

export interface Bar {
  label: string;
  value: number;
  /** Interval whisker (absolute values), drawn when both are finite. */
  lo?: number;
  hi?: number;
  color?: string;
}

export interface BarGroup {
  label: string;
  bars: Bar[];
}

export interface BarChartOptions {
  title: string;
  unit: string;
  groups: BarGroup[];
  log?: boolean;
  /** Lowest value on the axis (linear scale); default 0. */
  min?: number;
}

const PALETTE = ['#3b6ea5', '#e08a2e', '#5a9e4b', '#b84a4a', '#7d5ba6', '#8c6d31', '#4aa3a3', '#999999'];

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

export function barChart(o: BarChartOptions): string {
  const barWidth = 18;
  const gap = 26;
  const left = 70;
  const top = 40;
  const plotHeight = 260;
  const labels = [...new Set(o.groups.flatMap((g) => g.bars.map((b) => b.label)))];
  const colorOf = (b: Bar): string => b.color ?? PALETTE[labels.indexOf(b.label) % PALETTE.length]!;
  const values = o.groups.flatMap((g) => g.bars.flatMap((b) => [b.value, b.hi ?? b.value])).filter((v) => Number.isFinite(v) && (!o.log || v > 0));
  const maxValue = Math.max(...values, o.log ? 1 : 0);
  const minValue = o.log ? Math.min(...values.filter((v) => v > 0)) / 2 : (o.min ?? 0);
  const y = (v: number): number => {
    const f = o.log ? (Math.log(v) - Math.log(minValue)) / (Math.log(maxValue * 1.1) - Math.log(minValue)) : (v - minValue) / (maxValue * 1.05 - minValue);
    return top + plotHeight * (1 - Math.max(0, Math.min(1, f)));
  };
  const groupWidth = (g: BarGroup): number => g.bars.length * barWidth + gap;
  const longest = Math.max(...o.groups.map((g) => g.label.length));
  const width = Math.max(left + o.groups.reduce((a, g) => a + groupWidth(g), 0) + 170, left + 20 + o.title.length * 9);
  const height = top + plotHeight + 30 + Math.ceil(longest * 4.2);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${left}" y="22" font-size="14" font-weight="bold">${escapeXml(o.title)}</text>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${top + plotHeight}" stroke="#333"/>`,
    `<line x1="${left}" y1="${top + plotHeight}" x2="${width - 150}" y2="${top + plotHeight}" stroke="#333"/>`,
    `<text transform="translate(16 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">${escapeXml(o.unit)}</text>`,
  ];
  const ticks = o.log
    ? Array.from({ length: 12 }, (_, i) => 10 ** (Math.floor(Math.log10(minValue)) + i)).filter((v) => v >= minValue && v <= maxValue * 1.1)
    : Array.from({ length: 6 }, (_, i) => minValue + ((maxValue * 1.05 - minValue) * i) / 5);
  for (const t of ticks) {
    parts.push(`<line x1="${left - 4}" y1="${y(t)}" x2="${width - 150}" y2="${y(t)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${escapeXml(formatTick(t))}</text>`);
  }
  let x = left + gap / 2;
  for (const g of o.groups) {
    for (const b of g.bars) {
      if (Number.isFinite(b.value)) {
        const top0 = y(b.value);
        parts.push(`<rect x="${x}" y="${top0}" width="${barWidth - 2}" height="${top + plotHeight - top0}" fill="${colorOf(b)}"><title>${escapeXml(`${g.label} · ${b.label}: ${b.value}`)}</title></rect>`);
        if (b.lo !== undefined && b.hi !== undefined && Number.isFinite(b.lo) && Number.isFinite(b.hi)) {
          const cx = x + (barWidth - 2) / 2;
          parts.push(`<path d="M${cx} ${y(b.hi)}V${y(b.lo)}M${cx - 4} ${y(b.hi)}h8M${cx - 4} ${y(b.lo)}h8" stroke="#222" fill="none"/>`);
        }
      }
      x += barWidth;
    }
    const center = x - (g.bars.length * barWidth) / 2;
    parts.push(`<text transform="translate(${center} ${top + plotHeight + 12}) rotate(35)" text-anchor="start">${escapeXml(g.label)}</text>`);
    x += gap;
  }
  labels.forEach((label, i) => {
    const ly = top + 14 * i;
    parts.push(`<rect x="${width - 140}" y="${ly}" width="10" height="10" fill="${PALETTE[i % PALETTE.length]}"/>`);
    parts.push(`<text x="${width - 125}" y="${ly + 9}">${escapeXml(label)}</text>`);
  });
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}

function formatTick(v: number): string {
  const a = Math.abs(v);
  if (a >= 1e9) return `${+(v / 1e9).toPrecision(3)}G`;
  if (a >= 1e6) return `${+(v / 1e6).toPrecision(3)}M`;
  if (a >= 1e3) return `${+(v / 1e3).toPrecision(3)}k`;
  return `${+v.toPrecision(3)}`;
}
