// fastaug preview: a labelled PNG grid (preview()), one row per sample, one
// column per transformation, so a user can see what each op does.
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

import { PNG } from 'pngjs';

import { DEFAULT_DATA_DIR, loadImageDataset } from '../data/idx.js';
import { Pipeline, type Batch } from '../index.js';
import { checkPreviewSize, preview, type PreviewColumn } from '../preview/index.js';

export interface PreviewOptions {
  data: string;
  images?: string[];
  samples: number;
  scale: number;
  seed: number;
  out: string;
}

/**
 * The columns after the original: every op alone, with settings chosen so
 * that its effect shows on a 28×28 image. The noises look different:
 * gaussian both ways around each pixel, so half of the black background
 * stays black; uniform only brightening, so all of it turns grey; speckle
 * multiplicative, so it stays black and the garment's texture breaks up.
 * gamma spans a wide range (darker and lighter mid-tones); erase puts a box
 * of noise on every image.
 * mixup and cutmix mix each sample with a partner from the same batch; the
 * label-only ops (flipLabels, labelSmoothing) change no pixels and have no
 * column. resizedCrop crops a quarter to 60 % of the image and scales it back
 * to the images' size. Then a whole pipeline.
 */
export function previewColumns(seed: number, size: [number, number] = [28, 28]): PreviewColumn[] {
  return [
    { op: 'shift', options: { x: 0.15, y: 0.15, subpixel: false, fill: 'constant' } },
    { op: 'shift', options: { x: 0.15, y: 0.15, fill: 'reflect' } },
    { op: 'flip', options: { mode: 'horizontal', p: 0.5 } },
    { op: 'crop', options: { height: 20, width: 20 } },
    // back to the images' own size, so that the column lines up with the others
    { op: 'resizedCrop', options: { size, scale: [0.25, 0.6] } },
    { op: 'affine', options: { rotation: 30, zoom: [0.8, 1.2], shear: 10, fill: 'constant' } },
    { op: 'brightness', options: { factor: [0.5, 1.5] } },
    { op: 'contrast', options: { factor: [0.3, 1.7] } },
    { op: 'gaussianBlur', options: { sigma: [0.5, 2] } },
    { op: 'gamma', options: { gamma: [0.4, 2.5] } },
    { op: 'erase', options: { p: 1, area: [0.1, 0.3], value: 'noise' } },
    { op: 'gaussianNoise', options: { std: 25 } },
    { op: 'uniformNoise', options: { low: 40, high: 100 } },
    { op: 'speckleNoise', options: { std: 0.5 } },
    { op: 'saltAndPepper', options: { amount: 0.08 } },
    { op: 'mixup', options: { alpha: 1 } },
    { op: 'cutmix', options: { alpha: 1 } },
    new Pipeline([
      { op: 'shift', options: { x: 0.1, y: 0.1, fill: 'constant' } },
      { op: 'gaussianNoise', options: { std: [5, 25] } },
      { op: 'saltAndPepper', options: { amount: 0.03 }, p: 0.5 },
    ], { seed }),
  ];
}

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

export function renderPreview(o: PreviewOptions): { rows: number; columns: number } {
  const samples = loadSamples(o);
  const columns = previewColumns(o.seed, [samples.shape[1], samples.shape[2]]);
  // before any work: a large image or --scale would take minutes and gigabytes
  checkPreviewSize(samples.shape, 1 + columns.length, o.scale, '--scale');
  const rowLabels = o.images && o.images.length > 0 ? o.images.map((f) => path.basename(f)) : undefined;
  writeFileSync(o.out, preview(samples, columns, { scale: o.scale, seed: o.seed, ...(rowLabels ? { rowLabels } : {}) }));
  return { rows: samples.shape[0], columns: 1 + columns.length };
}

export { DEFAULT_DATA_DIR };
