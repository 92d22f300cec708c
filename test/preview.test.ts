// preview(): the PNG it returns holds every column's images, magnified, in
// order, one row per sample, under a title and labels; the font; errors.
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';

import { Pipeline, preview, type Batch, type PipelineStep } from '../src/index.js';
import { drawText, type Canvas } from '../src/preview/font.js';
import { stepLabel } from '../src/preview/index.js';
import { previewColumns } from '../src/cli/preview.js';
import { STEPS, type PipelineOp, type StepKind } from '../src/pipeline-steps.js';
import { testRng } from './helpers/rng.js';

/** The RGB levels of image i of an NHWC batch of 1 or 3 channels, magnified `scale` times, row by row. */
function magnified(b: Batch, i: number, scale: number): number[][] {
  const [, h, w, c] = b.shape;
  return Array.from({ length: h * scale }, (_, y) => Array.from({ length: w * scale * 3 }, (_, k) => {
    const x = Math.floor(k / 3);
    const v = b.data[((i * h + Math.floor(y / scale)) * w + Math.floor(x / scale)) * c + (c === 1 ? 0 : k % 3)]!;
    return b.data instanceof Float32Array ? Math.min(255, Math.max(0, Math.round(v * 255))) : v;
  }));
}

/** Every top-left corner at which `block` (rows of RGB levels) appears in the PNG. */
function find(png: PNG, block: number[][]): Array<[number, number]> {
  const found: Array<[number, number]> = [];
  const bw = block[0]!.length / 3;
  for (let y = 0; y + block.length <= png.height; y += 1) {
    for (let x = 0; x + bw <= png.width; x += 1) {
      const same = block.every((row, dy) => row.every((v, k) => png.data[((y + dy) * png.width + x + Math.floor(k / 3)) * 4 + (k % 3)] === v));
      if (same) found.push([x, y]);
    }
  }
  return found;
}

// two 4×5 images whose pixels all differ, so that a block is found only where it was drawn
const batch: Batch = { data: Uint8Array.from({ length: 2 * 4 * 5 }, (_, k) => 10 + 6 * k), shape: [2, 4, 5, 1] };

describe('preview', () => {
  it('draws the original, each step alone and each pipeline whole, in order, one row per sample', () => {
    const step = { op: 'gaussianNoise', options: { std: 30 } } as const;
    const pipeline = new Pipeline([{ op: 'shift', options: { dx: 1 } }, { op: 'uniformNoise', options: { low: -20, high: 20 } }], { seed: 3 });
    const at = { index: 2, epoch: 1 };
    const png = PNG.sync.read(preview(batch, [step, pipeline], { scale: 3, seed: 7, ...at }));
    const columns = [batch, new Pipeline([step], { seed: 7 }).run(batch, at), pipeline.run(batch, at)];
    const places = columns.map((column) => [0, 1].map((i) => find(png, magnified(column, i, 3))));
    for (const column of places) for (const row of column) expect(row).toHaveLength(1);
    const corner = (col: number, i: number) => places[col]![i]![0]!;
    for (let col = 0; col < 3; col += 1) {
      expect(corner(col, 1)[0]).toBe(corner(col, 0)[0]);                // a column's images one above the other
      expect(corner(col, 1)[1]).toBeGreaterThan(corner(col, 0)[1] + 11); // below, not overlapping (12 pixels high)
      if (col > 0) {
        expect(corner(col, 0)[1]).toBe(corner(0, 0)[1]);                   // a row's images side by side
        expect(corner(col, 0)[0]).toBeGreaterThan(corner(col - 1, 0)[0] + 14); // left to right, 15 pixels wide
      }
    }
    // labels above and left of the images: dark pixels there, on white
    const dark = (x0: number, y0: number, x1: number, y1: number) => {
      let count = 0;
      for (let y = y0; y < y1; y += 1) for (let x = x0; x < x1; x += 1) if (png.data[(y * png.width + x) * 4]! < 100) count += 1;
      return count;
    };
    expect(dark(0, 0, png.width, corner(0, 0)[1])).toBeGreaterThan(100);
    expect(dark(0, corner(0, 0)[1], corner(0, 0)[0], png.height)).toBeGreaterThan(10);
  });

  it('a Pipeline alone gives a column per step, seeded with the pipeline seed, and one for the whole', () => {
    const pipeline = new Pipeline([{ op: 'saltAndPepper', options: { amount: 0.3 } }, { op: 'gaussianNoise', options: { std: 9 } }], { seed: 11 });
    const png = PNG.sync.read(preview(batch, pipeline, { scale: 2 }));
    const columns = [batch, ...pipeline.steps.map((s) => new Pipeline([s as PipelineStep], { seed: 11 }).run(batch)), pipeline.run(batch)];
    const xs = columns.map((column) => find(png, magnified(column, 0, 2)).map(([x]) => x));
    for (const x of xs) expect(x).toHaveLength(1);
    expect(xs.map(([x]) => x)).toEqual([...xs.map(([x]) => x!)].sort((a, b) => a - b));
  });

  it('RGB in NCHW, and float32 through its display range', () => {
    const rgb: Batch = { data: Uint8Array.from({ length: 3 * 2 * 2 }, (_, k) => 40 + 15 * k), shape: [1, 2, 2, 3] };
    const nchw: Batch = { ...rgb, layout: 'NCHW', data: Uint8Array.from({ length: 12 }, (_, k) => rgb.data[(k % 4) * 3 + Math.floor(k / 4)]!) };
    expect(find(PNG.sync.read(preview(nchw, [], { scale: 4 })), magnified(rgb, 0, 4))).toHaveLength(1);
    const float: Batch = { data: Float32Array.from([0, 0.25, 0.5, 1]), shape: [1, 2, 2, 1] };
    expect(find(PNG.sync.read(preview(float, [], { scale: 4 })), magnified(float, 0, 4))).toHaveLength(1);
    // the same values as 0…2: half the levels
    const half: Batch = { data: Float32Array.from([0, 0.125, 0.25, 0.5]), shape: [1, 2, 2, 1] };
    expect(find(PNG.sync.read(preview(float, [], { scale: 4, range: [0, 2] })), magnified(half, 0, 4))).toHaveLength(1);
  });

  it('the title line: default, given, or none', () => {
    const height = (title?: string) => PNG.sync.read(preview(batch, [], title === undefined ? {} : { title })).height;
    // the title is drawn twice the font's 7 pixels high, plus 8 pixels of space
    expect(height()).toBe(height('') + 22);
    expect(height('my title')).toBe(height());
  });

  it('`fastaug preview` shows every op that changes pixels, each column the step run alone (mixup and cutmix on made-up one-hot labels)', () => {
    const columns = previewColumns(5);
    const ops = columns.filter((c): c is PipelineStep => !(c instanceof Pipeline)).map((c) => c.op);
    const pixelOps = (Object.keys(STEPS) as PipelineOp[]).filter((op) => STEPS[op].labels === 'none' || (STEPS[op] as StepKind).mixes);
    expect(pixelOps).toEqual(expect.arrayContaining(['affine', 'gaussianBlur', 'mixup', 'cutmix', 'flip', 'crop', 'brightness', 'contrast', 'shift', 'gaussianNoise']));
    for (const op of pixelOps) expect(ops).toContain(op);
    // three 24×24 images of distinct pixels (a block is found only where it was drawn)
    const rng = testRng(4);
    const images: Batch = { data: Uint8Array.from({ length: 3 * 24 * 24 }, () => rng.int(0, 255)), shape: [3, 24, 24, 1] };
    const png = PNG.sync.read(preview(images, columns, { scale: 1, seed: 5 }));
    const rows = Float32Array.from({ length: 9 }, (_, j) => (j % 3 === Math.floor(j / 3) ? 1 : 0));
    const xs = columns.map((column) => {
      const pipeline = column instanceof Pipeline ? column : new Pipeline([column], { seed: 5 });
      const result = pipeline.needsLabels() === 'rows' ? pipeline.run({ images, labels: rows }).images : pipeline.run(images);
      const found = [0, 1, 2].map((i) => find(png, magnified(result, i, 1)));
      for (const f of found) expect(f.length).toBeGreaterThanOrEqual(1);
      return Math.max(...found[0]!.map(([x]) => x));
    });
    // left to right in the order given (the last place each was found: an identity step would also match the original)
    expect(xs).toEqual([...xs].sort((a, b) => a - b));
  });

  it('labels a step with its op and parameters', () => {
    expect(stepLabel({ op: 'gaussianNoise', options: { std: [5, 25] }, p: 0.5 })).toBe('gaussianNoise std=5…25 p=0.5');
    expect(stepLabel({ op: 'shift', options: { x: 0.15, fill: 'constant', subpixel: false } })).toBe('shift x=0.15 fill=constant subpixel=false');
  });

  it('checks its arguments and names them', () => {
    expect(() => preview(batch, { op: 'shift' } as never)).toThrow('Expected a Pipeline or an array of pipeline steps and Pipelines for augment');
    expect(() => preview(batch, [{ op: 'shift', options: {} }, { op: 'blur' } as never])).toThrow('augment[1].op');
    expect(() => preview(batch, [{ op: 'gaussianNoise', options: { std: -1 } }])).toThrow(/^augment\[0\] \(gaussianNoise\): /);
    expect(() => preview(batch, [], { scale: 0 })).toThrow('Expected an integer between 1 and 32 for scale but received 0');
    expect(() => preview(batch, [], { rowLabels: ['a'] })).toThrow('Expected an array of 2 strings (one per sample) for rowLabels');
    expect(() => preview(batch, [], { range: [1, 1] })).toThrow('Expected [lo, hi] with lo < hi for range');
    expect(() => preview({ data: new Uint8Array(2 * 2 * 2), shape: [1, 2, 2, 2] }, [])).toThrow('Expected 1, 3 or 4 channels for batch.shape[3] but received 2');
    expect(() => preview(batch, [], { sed: 1 } as never)).toThrow("Unknown option 'sed' for preview");
  });
});

describe('the label font', () => {
  it("draws '1' as its 5×7 glyph, each font pixel scale × scale", () => {
    const glyph = ['..#..', '.##..', '..#..', '..#..', '..#..', '..#..', '.###.'];
    const canvas: Canvas = { width: 12, height: 16, data: new Uint8Array(12 * 16 * 4) };
    drawText(canvas, '1', 1, 1, 2, [255, 0, 0]);
    const drawn = Array.from({ length: 16 }, (_, y) => Array.from({ length: 12 }, (_, x) => (canvas.data[(y * 12 + x) * 4] === 255 ? '#' : '.')).join(''));
    const expected = Array.from({ length: 16 }, (_, y) => Array.from({ length: 12 }, (_, x) => {
      const [gx, gy] = [Math.floor((x - 1) / 2), Math.floor((y - 1) / 2)];
      return x >= 1 && y >= 1 && gy < 7 && gx < 5 && glyph[gy]![gx] === '#' ? '#' : '.';
    }).join(''));
    expect(drawn).toEqual(expected);
  });
});
