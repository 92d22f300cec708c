// fastaug preview: a PNG grid, one row per sample, one column per
// transformation, so a user can see what each op does.
import { readFileSync, writeFileSync } from 'node:fs';

import { PNG } from 'pngjs';

import { DEFAULT_DATA_DIR, loadImageDataset } from '../data/idx.js';
import { gaussianNoise, Pipeline, saltAndPepper, shift, speckleNoise, uniformNoise, type Batch } from '../index.js';

export interface PreviewOptions {
  data: string;
  images?: string[];
  samples: number;
  scale: number;
  seed: number;
  out: string;
}

/** The columns of the grid. */
export const TRANSFORMS: Array<{ name: string; apply: (b: Batch, seed: number) => Batch }> = [
  { name: 'original', apply: (b) => b },
  { name: 'shift (integer, ±15 %, constant)', apply: (b, seed) => shift(b, { x: 0.15, y: 0.15, subpixel: false, fill: 'constant', seed }) },
  { name: 'shift (subpixel, ±15 %, reflect)', apply: (b, seed) => shift(b, { x: 0.15, y: 0.15, fill: 'reflect', seed }) },
  { name: 'gaussian σ 30', apply: (b, seed) => gaussianNoise(b, { std: 30, seed }) },
  { name: 'uniform ±40', apply: (b, seed) => uniformNoise(b, { low: -40, high: 40, seed }) },
  { name: 'speckle σ 0.3', apply: (b, seed) => speckleNoise(b, { std: 0.3, seed }) },
  { name: 'salt & pepper 8 %', apply: (b, seed) => saltAndPepper(b, { amount: 0.08, seed }) },
  {
    name: 'pipeline',
    apply: (b, seed) => new Pipeline([
      { op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } },
      { op: 'gaussianNoise', options: { std: [5, 25] } },
      { op: 'saltAndPepper', options: { amount: 0.03 }, p: 0.5 },
    ], { seed }).run(b),
  },
];

/** A PNG file, or an error that names it (pngjs's own messages do not). */
function readPng(file: string): PNG {
  try {
    return PNG.sync.read(readFileSync(file));
  } catch (error) {
    throw new Error(`${file}: not a readable PNG (${(error as Error).message})`);
  }
}

/** Images as one uint8 batch: Fashion-MNIST test images, or PNG files (RGB, all the size of the first). */
function loadSamples(o: PreviewOptions): Batch {
  if (o.images && o.images.length > 0) {
    const pngs = o.images.map(readPng);
    const { width, height } = pngs[0]!;
    if (width === 0 || height === 0) throw new Error(`${o.images[0]}: an image of ${width}×${height} pixels; expected at least 1×1`);
    const data = new Uint8Array(pngs.length * height * width * 3);
    pngs.forEach((png, i) => {
      if (png.width !== width || png.height !== height) throw new Error(`${o.images![i]}: ${png.width}×${png.height}, but the first image is ${width}×${height}`);
      for (let p = 0; p < width * height; p += 1) for (let ch = 0; ch < 3; ch += 1) data[(i * width * height + p) * 3 + ch] = png.data[p * 4 + ch]!;
    });
    return { data, shape: [pngs.length, height, width, 3] };
  }
  const test = loadImageDataset(o.data, 't10k');
  const n = Math.min(o.samples, test.n);
  return { data: test.images.slice(0, n * test.h * test.w), shape: [n, test.h, test.w, 1] };
}

/** Largest preview: each side, and in all (2^25 pixels: 128 MiB of RGBA, a few seconds to encode). */
export const MAX_PREVIEW_SIDE = 16384;
export const MAX_PREVIEW_PIXELS = 2 ** 25;
const GAP = 2;

/** The grid's size in pixels, or an error naming the flags that set it when it is larger than a preview may be. */
function previewSize(n: number, h: number, w: number, scale: number): { width: number; height: number } {
  const width = TRANSFORMS.length * (w * scale + GAP) + GAP;
  const height = n * (h * scale + GAP) + GAP;
  if (!(width <= MAX_PREVIEW_SIDE && height <= MAX_PREVIEW_SIDE && width * height <= MAX_PREVIEW_PIXELS)) {
    throw new RangeError(
      `--scale ${scale} makes a preview of ${width}×${height} pixels from ${n} images of ${w}×${h}; the largest is ${MAX_PREVIEW_SIDE} pixels a side and 2^25 in all: `
      + 'use a smaller --scale, fewer images (--samples) or smaller ones',
    );
  }
  return { width, height };
}

export function renderPreview(o: PreviewOptions): { rows: number; columns: number } {
  const samples = loadSamples(o);
  const [n, h, w, c] = samples.shape;
  // before any work: a large image or --scale would take minutes and gigabytes
  const size = previewSize(n, h, w, o.scale);
  const columns = TRANSFORMS.map((t) => t.apply(samples, o.seed).data);
  const gap = GAP;
  const cellW = w * o.scale;
  const cellH = h * o.scale;
  const png = new PNG(size);
  png.data.fill(255);
  for (let col = 0; col < TRANSFORMS.length; col += 1) {
    for (let i = 0; i < n; i += 1) {
      for (let y = 0; y < cellH; y += 1) {
        for (let x = 0; x < cellW; x += 1) {
          const src = ((i * h + Math.floor(y / o.scale)) * w + Math.floor(x / o.scale)) * c;
          const px = gap + col * (cellW + gap) + x;
          const py = gap + i * (cellH + gap) + y;
          const at = (py * png.width + px) * 4;
          for (let ch = 0; ch < 3; ch += 1) png.data[at + ch] = columns[col]![src + (c === 1 ? 0 : ch)]!;
          png.data[at + 3] = 255;
        }
      }
    }
  }
  writeFileSync(o.out, PNG.sync.write(png));
  return { rows: n, columns: TRANSFORMS.length };
}

export { DEFAULT_DATA_DIR };
