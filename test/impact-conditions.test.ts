// Study conditions (src/impact/conditions.ts): what each form of condition
// becomes, and each malformed condition named.
import { describe, expect, it } from 'vitest';

import { Pipeline, shift } from '../src/index.js';
import { oneHotOf, studyConditions } from '../src/impact/conditions.js';

describe('studyConditions', () => {
  it('puts the baseline first, describes each condition and turns each form into functions', () => {
    const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.1 }, p: 0.5 }, { op: 'gaussianNoise', options: { std: 3 } }], { seed: 1 });
    const list = studyConditions({
      piped: pipeline,
      object: { run: (b: never) => b },
      fn: { images: (b: never) => b, labels: (y: Float32Array) => y, trainsOn: ['noise'], description: 'mine' },
      smooth: { labels: { smooth: 0.1 } },
      flip: { labels: { flip: 0.2 } },
      model: { model: () => undefined as never },
    }, 3);
    expect(list.map((c) => c.name)).toEqual(['baseline', 'piped', 'object', 'fn', 'smooth', 'flip', 'model']);
    expect(list.map((c) => c.description)).toEqual([
      'no augmentation', 'Pipeline shift (p 0.5) → gaussianNoise', "images: the caller's augmenter", 'mine', 'label smoothing ε 0.1', 'label flips p 0.2', 'a model of its own',
    ]);
    expect(list.map((c) => c.changes)).toEqual([[], ['images'], ['images'], ['images', 'labels'], ['labels'], ['labels'], ['model']]);
    expect(list[3]!.trainsOn).toEqual(['noise']);
    // smoothing by hand: 1 · 0.9 + 0.1 / 3 and 0 · 0.9 + 0.1 / 3, in float32
    const smoothed = list[4]!.labels!(Float32Array.of(1, 0, 0), Int32Array.of(0), 1, 0);
    expect(Array.from(smoothed)).toEqual([Math.fround(Math.fround(0.9) + Math.fround(0.1 / 3)), Math.fround(0.1 / 3), Math.fround(0.1 / 3)]);
    // a flip gives one-hot rows of valid classes
    const flipped = list[5]!.labels!(oneHotOf([0, 1, 2, 1], 3), Int32Array.of(0, 1, 2, 1), 7, 0);
    for (let i = 0; i < 4; i += 1) expect(flipped.subarray(i * 3, i * 3 + 3).reduce((a, b) => a + b, 0)).toBe(1);
    // a Pipeline runs with the seed's own pipeline; a bare shift function gets seed, epoch, index
    const batch = { data: Uint8Array.from({ length: 2 * 4 * 4 }, (_, i) => i), shape: [2, 4, 4, 1] as [number, number, number, number] };
    expect(list[1]!.images!(batch, 1, 0).data).toEqual(list[1]!.images!(batch, 1, 0).data);
    const viaFn = studyConditions({ moved: (b: never, at: never) => shift(b, { ...(at as object), x: 0.2 }) }, 3)[1]!;
    expect(viaFn.images!(batch, 5, 2).data).toEqual(shift(batch, { x: 0.2, seed: 5, epoch: 2, index: 0 }).data);
  });

  it('names each malformed condition', () => {
    const cases: Array<[unknown, string]> = [
      [null, 'for conditions but received null'],
      [{ baseline: { labels: { smooth: 0.1 } } }, 'conditions.baseline is reserved'],
      [{ 'no spaces': { labels: { smooth: 0.1 } } }, "for conditions but received 'no spaces'"],
      [{ a: { labels: { smooth: 0.1 }, extra: 1 } }, "Unknown field 'extra' in conditions.a"],
      [{ a: { description: 'x' } }, 'conditions.a changes nothing'],
      [{ a: { model: 3 } }, 'for conditions.a.model'],
      [{ a: { labels: { smooth: 0.1 }, trainsOn: 'noise' } }, 'for conditions.a.trainsOn'],
      [{ a: { images: 3 } }, 'for conditions.a.images'],
      [{ a: { labels: { smooth: 0.1, flip: 0.1 } } }, 'for conditions.a.labels'],
      [{ a: { labels: { smooth: 2 } } }, 'for epsilon'],
      [{ a: { labels: { flip: -1 } } }, 'for p'],
    ];
    for (const [conditions, message] of cases) expect(() => studyConditions(conditions, 3), JSON.stringify(conditions)).toThrow(message);
  });
});
