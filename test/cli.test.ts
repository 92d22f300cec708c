// The CLI commands end to end on a tiny synthetic IDX dataset written by the
// test: impact's report structure and reproducibility, and the preview grid.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { runImpact, summarize, CONDITIONS, CORRUPTIONS, type ImpactReport } from '../src/cli/impact.js';
import { renderPreview, TRANSFORMS } from '../src/cli/preview.js';
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

describe('fastaug impact', () => {
  const dir = tempDir('fastaug-impact-');
  writeDataset(dir, 'train', 300);
  writeDataset(dir, 't10k', 100);
  const conditions = ['baseline', 'shift-int', 'hidden-noise', 'label-flips'];
  const options = (out: string) => ({ data: dir, out, quick: true, seeds: 2, train: 300, test: 100, epochs: 1, backend: 'wasm' as const, conditions, progress: false });

  it('writes a complete report, and the same seed gives the same numbers', async () => {
    const a = await runImpact(options(path.join(dir, 'a')));
    const b = await runImpact(options(path.join(dir, 'b')));
    expect(a.runs.map((r) => r.clean)).toEqual(b.runs.map((r) => r.clean));
    expect(a.summary).toEqual(b.summary);
    expect(a.summary.map((s) => s.condition)).toEqual(conditions);
    expect(a.runs).toHaveLength(conditions.length * 2);
    for (const s of a.summary) {
      expect(Object.keys(s.corrupted)).toEqual(CORRUPTIONS.map((c) => c.name));
      expect(s.clean.n).toBe(2);
      expect(s.clean.mean).toBeGreaterThanOrEqual(0);
      expect(s.clean.mean).toBeLessThanOrEqual(1);
      expect(s.vsBaseline === null).toBe(s.condition === 'baseline');
    }
    const json = JSON.parse(readFileSync(path.join(dir, 'a', 'impact.json'), 'utf8')) as ImpactReport;
    expect(json.settings).toMatchObject({ train: 300, test: 100, epochs: 1, seeds: [1, 2], tfjsBackend: 'wasm' });
    const md = readFileSync(path.join(dir, 'a', 'impact.md'), 'utf8');
    expect(md).toContain('| condition | clean accuracy | vs baseline | robustness |');
    for (const c of conditions) expect(md).toContain(`| ${c} |`);
    expect(readFileSync(path.join(dir, 'a', 'impact.svg'), 'utf8')).toMatch(/^<svg [^>]*>[\s\S]*<\/svg>\n$/);
  }, 120_000);

  it('summarize computes the intervals from the runs', () => {
    const runs = [0.5, 0.6, 0.7].map((clean, i) => ({ condition: 'baseline', seed: i, clean, corrupted: Object.fromEntries(CORRUPTIONS.map((c) => [c.name, clean / 2])) }));
    const [s] = summarize(runs, [CONDITIONS[0]!]);
    expect(s!.clean.mean).toBeCloseTo(0.6, 12);
    expect(s!.clean.halfWidth).toBeCloseTo((4.302653 * 0.1) / Math.sqrt(3), 5);
    expect(s!.robustness.mean).toBeCloseTo(0.3, 12);
  });

  it('names the dataset package when the data is missing, and rejects unknown conditions', async () => {
    await expect(runImpact({ ...options(dir), data: path.join(dir, 'missing') })).rejects.toThrow('pass --data');
    // the model is fixed at 784 inputs and 10 classes: other datasets fail before any training
    const small = path.join(dir, 'small');
    mkdirSync(small, { recursive: true });
    for (const split of ['train', 't10k'] as const) {
      writeFileSync(path.join(small, `${split}-images-idx3-ubyte`), idx([2, 16, 16], new Uint8Array(2 * 256)));
      writeFileSync(path.join(small, `${split}-labels-idx1-ubyte`), idx([2], Uint8Array.of(0, 1)));
    }
    await expect(runImpact({ ...options(dir), data: small })).rejects.toThrow(`fastaug impact's model takes 28×28 images (MNIST-style); ${small} has 16×16`);
    const many = path.join(dir, 'many');
    mkdirSync(many, { recursive: true });
    for (const split of ['train', 't10k'] as const) {
      writeFileSync(path.join(many, `${split}-images-idx3-ubyte`), idx([2, 28, 28], new Uint8Array(2 * 784)));
      writeFileSync(path.join(many, `${split}-labels-idx1-ubyte`), idx([2], Uint8Array.of(3, 12)));
    }
    await expect(runImpact({ ...options(dir), data: many })).rejects.toThrow(`fastaug impact's model has 10 classes; ${many} has label 12`);
    const empty = path.join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    for (const split of ['train', 't10k'] as const) {
      writeFileSync(path.join(empty, `${split}-images-idx3-ubyte`), idx([0, 28, 28], new Uint8Array(0)));
      writeFileSync(path.join(empty, `${split}-labels-idx1-ubyte`), idx([0], new Uint8Array(0)));
    }
    await expect(runImpact({ ...options(dir), data: empty })).rejects.toThrow(`${empty}: the train split has no images`);
    await expect(runImpact({ ...options(dir), conditions: ['mixup'] })).rejects.toThrow('unknown condition mixup');
  });

  it('the CLI prints the table and exits non-zero with a message on bad input', () => {
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const out = execFileSync(process.execPath, [cli, 'impact', '--data', dir, '--out', path.join(dir, 'c'), '--seeds', '2', '--train', '100', '--test', '50', '--epochs', '1', '--conditions', 'baseline'], { encoding: 'utf8' });
    expect(out).toContain('condition');
    expect(out).toContain('baseline');
    expect(() => execFileSync(process.execPath, [cli, 'impact', '--seeds', 'x'], { encoding: 'utf8', stdio: 'pipe' })).toThrow("--seeds takes a whole number >= 1, not 'x'");
    // --out is made before the data is even read (so before any training): a
    // bad one fails first, even with a --data that would fail too
    const file = path.join(dir, 'a-file');
    writeFileSync(file, '');
    expect(() => execFileSync(process.execPath, [cli, 'impact', '--data', path.join(dir, 'missing'), '--out', path.join(file, 'sub')], { encoding: 'utf8', stdio: 'pipe' })).toThrow('ENOTDIR');
  }, 60_000);
});

describe('fastaug bench', () => {
  it('an unknown case or family is one line naming what exists, not a stack trace', () => {
    const cli = path.resolve(__dirname, '../dist/cjs/cli/main.js');
    const r = spawnSync(process.execPath, [cli, 'bench', 'nosuch'], { encoding: 'utf8' });
    expect(r.status).toBe(1);
    const lines = r.stderr.split(/[\r\n]+/).map((l) => l.trim()).filter((l) => l.startsWith('fastaug:'));
    expect(lines).toEqual(['fastaug: no bench case or family nosuch; families: noise, random, shift; cases: W3, W4, W6, P1, L1, N1, N2, N3, R1, R2, W1, W2, W7']);
    expect(r.stderr).not.toContain('    at ');
  });
});

describe('fastaug preview', () => {
  const dir = tempDir('fastaug-preview-');
  it('writes one row per sample and one column per transformation', () => {
    writeDataset(dir, 't10k', 20);
    const out = path.join(dir, 'p.png');
    expect(renderPreview({ data: dir, samples: 3, scale: 2, seed: 1, out })).toEqual({ rows: 3, columns: TRANSFORMS.length });
    const png = PNG.sync.read(readFileSync(out));
    expect(png.width).toBe(TRANSFORMS.length * (56 + 2) + 2);
    expect(png.height).toBe(3 * (56 + 2) + 2);
    // the first column is the original image: its bright bar (class 0, rows 3–4) shows up magnified
    expect(png.data[((2 + 3 * 2) * png.width + 2 + 10) * 4]).toBeGreaterThan(150);
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
    // 8 columns of 28 · 100 + 2 pixels: 22 418 wide
    expect(() => renderPreview({ data: dir, samples: 1, scale: 100, seed: 1, out })).toThrow(new RangeError(
      `--scale 100 makes a preview of ${TRANSFORMS.length * 2802 + 2}×2804 pixels from 1 images of 28×28; the largest is 16384 pixels a side and 2^25 in all: use a smaller --scale, fewer images (--samples) or smaller ones`));
    // a huge scale: no "size out of range" from pngjs, no null dereference
    expect(() => renderPreview({ data: dir, samples: 1, scale: 2 ** 40, seed: 1, out })).toThrow(/^--scale 1099511627776 makes a preview of /);
    // a large PNG at --scale 1: 8 · 4002 pixels wide
    const large = path.join(dir, 'large.png');
    writeFileSync(large, PNG.sync.write(new PNG({ width: 4000, height: 10 })));
    const started = Date.now();
    expect(() => renderPreview({ data: dir, images: [large], samples: 1, scale: 1, seed: 1, out })).toThrow(/^--scale 1 makes a preview of 32018×14 pixels from 1 images of 4000×10;/);
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
