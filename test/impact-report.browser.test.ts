// The HTML report in a real browser: Debian's chromium, driven by
// puppeteer-core. The page must load from a file:// URL with no console
// error, no page error and no request that fails or leaves the file system;
// every chart must render its marks with real sizes and no two of its text
// labels may overlap (also with 18-character condition names). A full-page
// screenshot goes to test-artifacts/impact-report.png for a human to look at.
// Without /usr/bin/chromium the tests are skipped, except under CI, where
// that is a failure (.ci/run installs it).
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import type { Browser, Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { writeImpactReport } from '../src/impact/report/index.js';
import { syntheticReport } from './helpers/impact-fixture.js';
import { tempDir } from './helpers/tempdir.js';

// The page's DOM, as far as these tests use it (the project compiles without lib "dom").
interface Box {
  left: number;
  right: number;
  top: number;
  bottom: number;
  width: number;
  height: number;
}
interface El {
  textContent: string | null;
  open?: boolean;
  offsetHeight?: number;
  getBoundingClientRect(): Box;
  getAttribute(name: string): string | null;
  querySelector(selector: string): El | null;
  querySelectorAll(selector: string): Iterable<El>;
}
declare const document: { querySelector(selector: string): El | null };

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
const CHARTS = ['forest', 'severity', 'affinity-diversity', 'per-class', 'training'] as const;

if (!haveChromium && !process.env.CI) {
  console.warn(`impact-report.browser.test: ${CHROMIUM} is missing, so the browser tests are skipped (apt-get install chromium to run them; under CI they fail instead)`);
}

it('has a browser to test with under CI', () => {
  if (process.env.CI) expect(existsSync(CHROMIUM), `${CHROMIUM} is missing: .ci/run should have installed the chromium package`).toBe(true);
});

interface PageProblems {
  console: string[];
  errors: string[];
  failed: string[];
  external: string[];
}

describe.skipIf(!haveChromium)('the HTML report in chromium', () => {
  const dir = tempDir('fastaug-impact-browser-');
  let browser: Browser;

  beforeAll(async () => {
    const puppeteer = (await import('puppeteer-core')).default;
    // the browser gets the environment less the sanitizer run's preload (libasan in a browser that was not built with it)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !['LD_PRELOAD', 'ASAN_OPTIONS', 'UBSAN_OPTIONS'].includes(k))) as Record<string, string>;
    browser = await puppeteer.launch({ executablePath: CHROMIUM, headless: true, env, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterAll(async () => {
    await browser?.close();
  });

  async function open(name: string, options: Parameters<typeof syntheticReport>[0]): Promise<{ page: Page; problems: PageProblems; report: ReturnType<typeof syntheticReport> }> {
    const report = syntheticReport(options);
    writeImpactReport(report, path.join(dir, name));
    const page = await browser.newPage();
    await page.setViewport({ width: 1400, height: 900 });
    const problems: PageProblems = { console: [], errors: [], failed: [], external: [] };
    page.on('console', (m) => {
      if (m.type() === 'error') problems.console.push(m.text());
    });
    page.on('pageerror', (e) => problems.errors.push(String(e)));
    page.on('requestfailed', (r) => problems.failed.push(`${r.url()}: ${r.failure()?.errorText}`));
    page.on('request', (r) => {
      if (!r.url().startsWith('file:')) problems.external.push(r.url());
    });
    await page.goto(pathToFileURL(path.join(dir, name, 'impact.html')).href, { waitUntil: 'load' });
    return { page, problems, report };
  }

  /** Per chart: marks, marks without a size, the svg's size, and the pairs of text labels that overlap. */
  function inspect(page: Page): Promise<Record<string, { marks: number; empty: number; width: number; height: number; overlaps: string[] }>> {
    return page.evaluate((charts: readonly string[]) => {
      const out: Record<string, { marks: number; empty: number; width: number; height: number; overlaps: string[] }> = {};
      for (const id of charts) {
        const svg = document.querySelector(`#chart-${id} svg`);
        if (!svg) continue;
        const box = svg.getBoundingClientRect();
        const marks = [...svg.querySelectorAll('.mark')];
        const empty = marks.filter((m) => {
          const r = m.getBoundingClientRect();
          return !(r.width > 0 || r.height > 0);
        }).length;
        const texts = [...svg.querySelectorAll('text')]
          .map((t) => ({ text: t.textContent ?? '', r: t.getBoundingClientRect(), rotated: /rotate\(/.test(t.getAttribute('transform') ?? '') }))
          .filter((t) => t.text.trim() !== '' && t.r.width > 0);
        const overlaps: string[] = [];
        for (let i = 0; i < texts.length; i += 1) {
          for (let j = i + 1; j < texts.length; j += 1) {
            const a = texts[i]!.r;
            const b = texts[j]!.r;
            const w = Math.min(a.right, b.right) - Math.max(a.left, b.left);
            const h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
            // glyph boxes include line spacing: count an overlap only when it is more than a sliver;
            // two rotated labels have slanted boxes, and the chart spaces them by their slant
            if (texts[i]!.rotated && texts[j]!.rotated) continue;
            if (w > 1 && h > 3) overlaps.push(`"${texts[i]!.text}" × "${texts[j]!.text}"`);
          }
          const t = texts[i]!.r;
          if (t.left < box.left - 0.5 || t.right > box.right + 0.5 || t.top < box.top - 0.5 || t.bottom > box.bottom + 0.5) overlaps.push(`"${texts[i]!.text}" outside the chart`);
        }
        out[id] = { marks: marks.length, empty, width: box.width, height: box.height, overlaps };
      }
      return out;
    }, CHARTS);
  }

  it('renders every chart with its marks, without errors or network requests, and saves a screenshot', async () => {
    const { page, problems, report } = await open('fixture', {});
    const base = report.summary.filter((s) => s.deltaClean !== null);
    const expected: Record<(typeof CHARTS)[number], number> = {
      forest: base.flatMap((s) => [s.deltaClean, s.mce.seen, s.mce.heldOut]).filter((c) => c !== null).length,
      severity: report.summary.length * report.families.length,
      'affinity-diversity': report.summary.filter((s) => s.affinity && s.diversity).length,
      'per-class': base.length * report.settings.numClasses,
      training: report.summary.length,
    };
    const charts = await inspect(page);
    for (const id of CHARTS) {
      const c = charts[id];
      expect(c, id).toBeDefined();
      expect(c!.marks, id).toBeGreaterThan(0);
      expect(c!.marks, id).toBe(expected[id]);
      expect(c!.empty, `${id}: marks without a size`).toBe(0);
      expect(c!.width, id).toBeGreaterThan(300);
      expect(c!.height, id).toBeGreaterThan(200);
      expect(c!.overlaps, id).toEqual([]);
    }
    // the method opens
    await page.click('#method > summary');
    expect(await page.evaluate(() => {
      const d = document.querySelector('#method');
      return d?.open === true && (d.querySelector('p')?.offsetHeight ?? 0) > 0;
    })).toBe(true);
    mkdirSync('test-artifacts', { recursive: true });
    await page.screenshot({ path: 'test-artifacts/impact-report.png', fullPage: true });
    expect(problems).toEqual({ console: [], errors: [], failed: [], external: [] });
    await page.close();
  });

  it('keeps text apart with 18-character condition names', async () => {
    const { page, problems } = await open('long-names', { longNames: true, testN: 200 });
    const charts = await inspect(page);
    for (const id of CHARTS) expect(charts[id]!.overlaps, id).toEqual([]);
    expect(problems).toEqual({ console: [], errors: [], failed: [], external: [] });
    await page.close();
  });
});
