// The CLI commands end to end on a tiny synthetic IDX dataset written by the
// test: the bench errors and the preview grid (impact: test/impact-cli.test.ts).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { previewColumns, renderPreview } from '../src/cli/preview.js';
import { tempDir } from './helpers/tempdir.js';

/** IDX bytes: magic 0 0 8 rank, big-endian dims, uint8 values. */
function idx(dims: number[], values: Uint8Array): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header.writeUInt8(8, 2);
  header.writeUInt8(dims.length, 3);
  dims.forEach((d, i) => header.writeUInt32BE(d, 4 + 4 * i));
  return Buffer.concat([header, Buffer.from(values)]);
}

/** 10 classes of 28×28 images: class k is a bright bar at row 2k, with a little texture. */
function writeDataset(dir: string, split: 'train' | 't10k', n: number): void {
  const images = new Uint8Array(n * 784);
  const labels = new Uint8Array(n);
  for (let i = 0; i < n; i += 1) {
    const k = i % 10;
    labels[i] = k;
    for (let x = 2; x < 26; x += 1) for (const y of [2 * k + 3, 2 * k + 4]) images[i * 784 + y * 28 + x] = 200 + ((i * 7 + x) % 50);
  }
  writeFileSync(path.join(dir, `${split}-images-idx3-ubyte.gz`), gzipSync(idx([n, 28, 28], images)));
  writeFileSync(path.join(dir, `${split}-labels-idx1-ubyte`), idx([n], labels));
}

describe('fastaug bench', () => {
  it('an unknown case or family is one line naming what exists, not a stack trace', async () => {
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const r = spawnSync(process.execPath, [cli, 'bench', 'nosuch'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l.startsWith('fastaug:'));
    // the lists come from bench/cases/*.mjs, in file then declaration order
    const lib = (await import(pathToFileURL(path.resolve(__dirname, '../bench/lib.mjs')).href)) as { loadCases(): Promise<Array<{ id: string; family: string }>> };
    const cases = await lib.loadCases();
    expect(cases.map((c) => c.id)).toEqual(expect.arrayContaining(['W3', 'W4', 'W6', 'P1', 'L1', 'N1', 'N2', 'N3', 'R1', 'R2', 'W1', 'W2', 'W7']));
    expect(new Set(cases.map((c) => c.id)).size, 'case ids are distinct').toBe(cases.length);
    const families = [...new Set(cases.map((c) => c.family))].join(', ');
    expect(lines).toEqual([`fastaug: no bench case or family nosuch; families: ${families}; cases: ${cases.map((c) => c.id).join(', ')}`]);
    expect(r.stderr).not.toContain('    at ');
  });

  it('writes into --out under the current directory and prints the paths it wrote', () => {
    // the smallest case (0.8 MB), shortest sampling: a few seconds per variant
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const cwd = tempDir('fastaug-bench-');
    const results = path.resolve(__dirname, '../bench/results/shift.json');
    const before = existsSync(results) ? statSync(results).mtimeMs : undefined;
    // run from another directory: a relative FASTAUG_NATIVE_PATH (CI's cmake-js pass) is made absolute first
    const env = { ...process.env };
    if (env.FASTAUG_NATIVE_PATH) env.FASTAUG_NATIVE_PATH = path.resolve(env.FASTAUG_NATIVE_PATH);
    const r = spawnSync(process.execPath, [cli, 'bench', 'W7', '--quick', '--out', 'my results'], { cwd, env, encoding: 'utf8' });
    expect(r.status, `stderr:\n${r.stderr}`).toBe(0);
    const wrote = r.stdout.split('\n').filter((l) => l.startsWith('wrote '));
    expect(wrote).toEqual([`wrote ${path.join('my results', 'shift.json')}`, `wrote ${path.join('my results', 'shift.svg')}`]);
    const written = JSON.parse(readFileSync(path.join(cwd, 'my results', 'shift.json'), 'utf8')) as {
      cases: Array<{ id: string }>; host: { cpu?: string; family?: number; model?: number; flags: string[] }; rows: Array<{ variant: string; isa?: string }>;
    };
    expect(written.cases.map((c) => c.id)).toEqual(['W7']);
    // the proof: what CPU and ISA each figure was measured on
    expect(typeof written.host.cpu).toBe('string');
    if (process.platform === 'linux' && process.arch === 'x64') expect(Number.isInteger(written.host.family) && Number.isInteger(written.host.model)).toBe(true);
    for (const row of written.rows.filter((r) => r.variant !== 'memcpy')) expect(row.isa, row.variant).toBe(row.variant === 'js' ? 'js' : row.variant.slice('native/'.length));
    expect(readFileSync(path.join(cwd, 'my results', 'shift.svg'), 'utf8')).toContain('<svg');
    // nothing written into the package's own directory
    expect(existsSync(results) ? statSync(results).mtimeMs : undefined).toBe(before);
  }, 120_000);
});

describe('fastaug preview', () => {
  const dir = tempDir('fastaug-preview-');
  it('writes one row per sample and one column per transformation', () => {
    writeDataset(dir, 't10k', 20);
    const out = path.join(dir, 'p.png');
    expect(renderPreview({ data: dir, samples: 3, scale: 2, seed: 1, out })).toEqual({ rows: 3, columns: 1 + previewColumns(1).length });
    // three rows of 56-pixel cells and ten columns, with room for the labels (test/preview.test.ts checks the layout)
    const png = PNG.sync.read(readFileSync(out));
    expect(png.width).toBeGreaterThan(10 * 56);
    expect(png.height).toBeGreaterThan(3 * 56);
  });

  it('the CLI names a file that is not a PNG', () => {
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const bad = path.join(dir, 'not.png');
    writeFileSync(bad, 'not a png');
    expect(() => execFileSync(process.execPath, [cli, 'preview', bad, '--out', path.join(dir, 'x.png')], { encoding: 'utf8', stdio: 'pipe' })).toThrow(`fastaug: ${bad}: not a readable PNG (`);
  });

  it('names the file whose images have no pixels (an IDX with h = 0, a 0-wide PNG), not batch.shape', () => {
    const empty = path.join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    writeFileSync(path.join(empty, 't10k-images-idx3-ubyte'), idx([2, 0, 28], new Uint8Array(0)));
    writeFileSync(path.join(empty, 't10k-labels-idx1-ubyte'), idx([2], new Uint8Array(2)));
    const out = path.join(dir, 'empty.png');
    expect(() => renderPreview({ data: empty, samples: 2, scale: 1, seed: 1, out })).toThrow(`${path.join(empty, 't10k-images-idx3-ubyte')}: images of 0×28 pixels; expected at least 1×1`);
    const narrow = path.join(dir, 'narrow.png');
    writeFileSync(narrow, PNG.sync.write(new PNG({ width: 0, height: 5 })));
    expect(() => renderPreview({ data: dir, images: [narrow], samples: 1, scale: 1, seed: 1, out })).toThrow(`${narrow}: an image of 0×5 pixels; expected at least 1×1`);
  });

  it('caps the preview size before any work, with an error naming --scale', () => {
    writeDataset(dir, 't10k', 20);
    const out = path.join(dir, 'big.png');
    const columns = 1 + previewColumns(1).length;
    // the image cells alone: columns · (28 · 100 + 6) − 6 + 16 wide
    expect(() => renderPreview({ data: dir, samples: 1, scale: 100, seed: 1, out })).toThrow(new RangeError(
      `--scale 100 makes a preview of at least ${columns * 2806 + 10}×2816 pixels from 1 images of 28×28; the largest is 16384 pixels a side and 2^25 in all: use a smaller --scale, fewer images or smaller ones`));
    // a huge scale: no "size out of range" from pngjs, no null dereference
    expect(() => renderPreview({ data: dir, samples: 1, scale: 2 ** 40, seed: 1, out })).toThrow(/^--scale 1099511627776 makes a preview of /);
    // a large PNG at --scale 1
    const large = path.join(dir, 'large.png');
    writeFileSync(large, PNG.sync.write(new PNG({ width: 4000, height: 10 })));
    const started = Date.now();
    expect(() => renderPreview({ data: dir, images: [large], samples: 1, scale: 1, seed: 1, out })).toThrow(new RegExp(`^--scale 1 makes a preview of at least ${columns * 4006 + 10}×26 pixels from 1 images of 4000×10;`));
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('the CLI takes any seed the library takes, 0 (its default) included', () => {
    writeDataset(dir, 't10k', 20);
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const out = path.join(dir, 'seed0.png');
    expect(execFileSync(process.execPath, [cli, 'preview', '--data', dir, '--samples', '1', '--seed', '0', '--out', out], { encoding: 'utf8' })).toContain(`wrote ${out}: 1 samples`);
    expect(() => execFileSync(process.execPath, [cli, 'preview', '--data', dir, '--seed', '-1'], { encoding: 'utf8', stdio: 'pipe' })).toThrow("--seed takes a whole number >= 0, not '-1'");
  });
});
