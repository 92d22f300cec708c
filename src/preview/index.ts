// preview(): a labelled PNG of what augmentations do to a batch — a title,
// one column per transformation headed by its op and parameters, one row
// per sample labelled with its dataset index. Used by `fastaug preview`.
import { PNG } from 'pngjs';

import { checkBatch, type Batch, type CheckedBatch } from '../ops/batch.js';
import { Pipeline, type PipelineStep } from '../pipeline.js';
import { checkOptionNames, finiteNumber, integerInRange, invalidParameterError, isPlainObject } from '../validate.js';
import { ADVANCE, drawText, GLYPH_HEIGHT, textWidth, wrap, type Canvas } from './font.js';

/** A column of the preview: one pipeline step (run alone), or a whole Pipeline. */
export type PreviewColumn = PipelineStep | Pipeline;

export interface PreviewOptions {
  /** Pixel magnification, an integer 1…32 (default 4). */
  scale?: number;
  /** Seed of the single-step columns (default: the pipeline's seed when `augment` is a Pipeline, else 0); a Pipeline column keeps its own. */
  seed?: number | bigint;
  /** Dataset index of the batch's first sample (default 0). */
  index?: number;
  /** Epoch (default 0). */
  epoch?: number;
  /** The title line (default: 'fastaug preview · seed S · epoch E'); '' for none. */
  title?: string;
  /** One label per row (default '#<dataset index>'). */
  rowLabels?: string[];
  /** float32 batches: the values drawn as black and as white (default [0, 1]). */
  range?: [number, number];
}

const INK: [number, number, number] = [20, 20, 20];
const PAD = 8;
const GAP = 6;
const LINE = GLYPH_HEIGHT + 3;

/** A value as a label shows it: ranges as lo…hi. */
function formatValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(formatValue).join('…');
  if (typeof value === 'number') return String(Number(value.toPrecision(6)));
  // a oneOf / someOf group's steps: their ops
  if (isPlainObject(value) && typeof value.op === 'string') return value.op;
  return String(value);
}

/** A step's op and parameters, as its column header says them. */
export function stepLabel(step: { op: string; options?: Readonly<Record<string, unknown>>; p?: number }): string {
  const params = Object.entries(step.options ?? {}).map(([k, v]) => `${k}=${formatValue(v)}`);
  if (step.p !== undefined && step.p !== 1) params.push(`p=${formatValue(step.p)}`);
  return [step.op, ...params].join(' ');
}

function pipelineLabel(pipeline: Pipeline): string {
  return `pipeline seed=${pipeline.seed}: ${pipeline.steps.map((s) => s.op).join(' → ')}`;
}

interface Column { label: string; batch: Batch }

/**
 * A pipeline's images, run on the batch with made-up labels when its steps
 * need labels: row i one-hot for class i mod K, K the steps' numClasses or
 * else n (mixup and cutmix then show
 * the partners' pixels), or class i mod numClasses for flipLabels; a
 * label-only step (flipLabels, labelSmoothing) leaves the pictures as they are.
 */
function runForPreview(pipeline: Pipeline, batch: Batch, at: { index: number; epoch: number }): Batch {
  const needs = pipeline.needsLabels();
  if (needs === undefined) return pipeline.run(batch, at);
  const n = batch.shape[0];
  const given = labelClasses(pipeline.steps);
  const k = given.length > 0 ? Math.max(...given) : Math.max(2, n);
  const labels = needs === 'classes' ? Int32Array.from({ length: n }, (_, i) => i % k) : Float32Array.from({ length: n * k }, (_, j) => (j % k === Math.floor(j / k) % k ? 1 : 0));
  return pipeline.run({ images: batch, labels }, at).images;
}

/** The numClasses options of steps (and of groups' steps): made-up labels must fit every one. */
function labelClasses(steps: ReadonlyArray<{ op: string; options?: Readonly<Record<string, unknown>> }>): number[] {
  return steps.flatMap((s) => {
    const inner = s.options?.steps;
    if (Array.isArray(inner)) return labelClasses(inner as Array<{ op: string; options?: Record<string, unknown> }>);
    return typeof s.options?.numClasses === 'number' ? [s.options.numClasses] : [];
  });
}

function columnsOf(batch: Batch, augment: unknown, seed: number | bigint | undefined, at: { index: number; epoch: number }): Column[] {
  const entries: unknown[] = augment instanceof Pipeline
    ? [...augment.steps.map((s) => ({ op: s.op, options: s.options, p: s.p })), augment]
    : Array.isArray(augment)
      ? augment
      : (() => { throw invalidParameterError('augment', 'a Pipeline or an array of pipeline steps and Pipelines', augment); })();
  const stepSeed = seed ?? (augment instanceof Pipeline ? augment.seed : 0);
  const columns: Column[] = [{ label: 'original', batch }];
  entries.forEach((entry, k) => {
    if (entry instanceof Pipeline) {
      columns.push({ label: pipelineLabel(entry), batch: runForPreview(entry, batch, at) });
      return;
    }
    if (!isPlainObject(entry)) throw invalidParameterError(`augment[${k}]`, 'a pipeline step { op, options?, p? } or a Pipeline', entry);
    let single: Pipeline;
    try {
      single = new Pipeline([entry as unknown as PipelineStep], { seed: stepSeed });
    } catch (error) {
      // name the column, not the one-step pipeline made for it
      (error as Error).message = (error as Error).message.replace(/steps\[0\]/g, `augment[${k}]`);
      throw error;
    }
    columns.push({ label: stepLabel(single.steps[0]!), batch: runForPreview(single, batch, at) });
  });
  return columns;
}

/** Pixel `(y, x)` of image `i` as RGB levels 0–255. */
function pixelReader(b: CheckedBatch, range: [number, number]): (i: number, y: number, x: number, ch: number) => number {
  const { data, h, w, c, layout } = b;
  const [lo, hi] = range;
  const level = data instanceof Uint8Array
    ? (v: number) => v
    : (v: number) => Math.min(255, Math.max(0, Math.round(((v - lo) / (hi - lo)) * 255)) || 0);
  const channel = (ch: number) => (c === 1 ? 0 : ch);
  return layout === 'NHWC'
    ? (i, y, x, ch) => level(data[((i * h + y) * w + x) * c + channel(ch)]!)
    : (i, y, x, ch) => level(data[((i * c + channel(ch)) * h + y) * w + x]!);
}

/** Largest preview: each side, and in all (2^25 pixels: 128 MiB of RGBA, a few seconds to encode). */
export const MAX_PREVIEW_SIDE = 16384;
export const MAX_PREVIEW_PIXELS = 2 ** 25;

/**
 * Refuses, before any work, a grid larger than a preview may be: its image
 * cells alone (labels only add to them) of `columns` columns at `scale`.
 * The error names `flag`, what the caller controls the size with.
 */
export function checkPreviewSize(shape: readonly number[], columns: number, scale: number, flag: string): void {
  const [n = 0, h = 0, w = 0] = shape;
  const width = columns * (w * scale + GAP) - GAP + 2 * PAD;
  const height = n * (h * scale + GAP) - GAP + 2 * PAD;
  if (!(width <= MAX_PREVIEW_SIDE && height <= MAX_PREVIEW_SIDE && width * height <= MAX_PREVIEW_PIXELS)) {
    throw new RangeError(`${flag} ${scale} makes a preview of at least ${width}×${height} pixels from ${n} images of ${w}×${h}; the largest is ${MAX_PREVIEW_SIDE} pixels a side and 2^25 in all: `
      + `use a smaller ${flag}, fewer images or smaller ones`);
  }
}

/**
 * A PNG (bytes) showing `batch` and what each transformation does to it:
 * the original, then one column per step of `augment` (each run alone) and
 * per Pipeline (run whole), headed by its op and parameters; one row per
 * sample. A Pipeline alone gives a column per step and one for the whole.
 * Images of 1, 3 or 4 channels (alpha ignored), uint8 or float32.
 */
export function preview(batch: Batch, augment: Pipeline | PreviewColumn[], options?: PreviewOptions): Buffer {
  const b = checkBatch(batch);
  const o = checkOptionNames<PreviewOptions>('preview', options, ['scale', 'seed', 'index', 'epoch', 'title', 'rowLabels', 'range']);
  if (b.c !== 1 && b.c !== 3 && b.c !== 4) throw invalidParameterError('batch.shape[3]', '1, 3 or 4 channels', b.c, 'range');
  const scale = o.scale === undefined ? 4 : integerInRange('scale', o.scale, 1, 32);
  const index = o.index ?? 0;
  const epoch = o.epoch ?? 0;
  if (o.title !== undefined && typeof o.title !== 'string') throw invalidParameterError('title', 'a string', o.title);
  if (o.rowLabels !== undefined && (!Array.isArray(o.rowLabels) || o.rowLabels.length !== b.n || !o.rowLabels.every((l) => typeof l === 'string'))) {
    throw invalidParameterError('rowLabels', `an array of ${b.n} strings (one per sample)`, o.rowLabels);
  }
  let range: [number, number] = [0, 1];
  if (o.range !== undefined) {
    if (!Array.isArray(o.range) || o.range.length !== 2) throw invalidParameterError('range', 'an array [lo, hi]', o.range);
    range = [finiteNumber('range[0]', o.range[0]), finiteNumber('range[1]', o.range[1])];
    if (!(range[0] < range[1])) throw invalidParameterError('range', '[lo, hi] with lo < hi', o.range, 'range');
  }
  checkPreviewSize([b.n, b.h, b.w], 1 + (augment instanceof Pipeline ? augment.steps.length + 1 : Array.isArray(augment) ? augment.length : 0), scale, 'scale');
  const columns = columnsOf(batch, augment, o.seed, { index, epoch });
  // a crop step changes the image size: cells fit the largest image, each drawn at its own size
  const cells = columns.map((column) => checkBatch(column.batch));
  const [cellRows, cellColumns] = [Math.max(b.h, ...cells.map((cell) => cell.h)), Math.max(b.w, ...cells.map((cell) => cell.w))];
  checkPreviewSize([b.n, cellRows, cellColumns], columns.length, scale, 'scale');
  const title = o.title ?? `fastaug preview · seed ${String(o.seed ?? (augment instanceof Pipeline ? augment.seed : 0))} · epoch ${epoch}`;
  const rowLabels = (o.rowLabels ?? Array.from({ length: b.n }, (_, i) => `#${index + i}`)).map((l) => [...l].slice(0, 16).join(''));

  const cellW = cellColumns * scale;
  const cellH = cellRows * scale;
  const headers = columns.map((c) => wrap(c.label, Math.max(1, Math.floor((cellW + 1) / ADVANCE))));
  const headerH = Math.max(...headers.map((lines) => lines.length)) * LINE;
  const titleH = title === '' ? 0 : 2 * GLYPH_HEIGHT + PAD;
  const labelW = Math.max(0, ...rowLabels.map((l) => textWidth(l, 1))) + GAP;
  const x0 = PAD + labelW;
  const y0 = PAD + titleH + headerH + 2;
  const width = Math.max(x0 + columns.length * (cellW + GAP) - GAP + PAD, PAD + textWidth(title, 2) + PAD);
  const height = y0 + b.n * (cellH + GAP) - (b.n > 0 ? GAP : 0) + PAD;
  const png = new PNG({ width, height });
  png.data.fill(255);
  const canvas: Canvas = { width, height, data: png.data };

  if (title !== '') drawText(canvas, title, PAD, PAD, 2, INK);
  headers.forEach((lines, col) => lines.forEach((line, k) => drawText(canvas, line, x0 + col * (cellW + GAP), PAD + titleH + k * LINE, 1, INK)));
  rowLabels.forEach((label, i) => drawText(canvas, label, PAD, y0 + i * (cellH + GAP) + Math.floor((cellH - GLYPH_HEIGHT) / 2), 1, INK));
  cells.forEach((cell, col) => {
    const read = pixelReader(cell, range);
    for (let i = 0; i < b.n; i += 1) {
      for (let y = 0; y < cell.h * scale; y += 1) {
        for (let x = 0; x < cell.w * scale; x += 1) {
          const at = ((y0 + i * (cellH + GAP) + y) * width + x0 + col * (cellW + GAP) + x) * 4;
          for (let ch = 0; ch < 3; ch += 1) png.data[at + ch] = read(i, Math.floor(y / scale), Math.floor(x / scale), ch);
        }
      }
    }
  });
  return PNG.sync.write(png);
}
