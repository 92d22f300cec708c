// Hostile arguments (issue 21): arrays whose properties lie, options read
// through getters, Proxies. Each op either does its work on what it checked
// or fails with the one error shape naming the argument — on every backend.
import { describe, expect, it } from 'vitest';

import {
  flipLabels, gaussianDropout, gaussianNoise, gaussianNoiseAsync, labelSmoothing, Pipeline, randomNormal, randomNormalAsync, randomUniform, shift, shiftAsync, speckleNoise, type Batch,
} from '../src/index.js';
import { loadNative } from '../src/backends/native.js';
import { firstDifference } from './helpers/rng.js';

/** A typed array whose own `length` property says `fake`, whatever its real length. */
function withLength<T extends ArrayBufferView>(array: T, fake: number): T {
  Object.defineProperty(array, 'length', { value: fake });
  return array;
}

/** All the elements of a whole-buffer typed array, whatever its `length` property says. */
function real<T extends Uint8Array | Float32Array>(array: T): T {
  return (array instanceof Uint8Array ? new Uint8Array(array.buffer) : new Float32Array(array.buffer)) as T;
}

function pixels(n: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 37) % 256);
}

describe('a typed array with a fake own length', () => {
  it('is checked by its real length: 4 elements that claim 40 are 4', async () => {
    expect(() => randomNormal(40, { out: withLength(new Float32Array(4), 40) })).toThrow(new RangeError('Expected a Float32Array of length 40 for out but received Float32Array(4) of type Float32Array'));
    await expect(randomNormalAsync(40, { out: withLength(new Float32Array(4), 40) })).rejects.toThrow('Expected a Float32Array of length 40 for out but received Float32Array(4)');
    const data = withLength(pixels(4), 40);
    expect(() => shift({ data, shape: [1, 2, 2, 10] }, { dx: 1 })).toThrow(new RangeError('Expected a typed array of length n*h*w*c = 40 for batch.data but received Uint8Array(4) of type Uint8Array'));
    expect(() => gaussianNoise({ data: pixels(40), shape: [1, 2, 2, 10] }, { std: 1, out: withLength(new Uint8Array(4), 40) })).toThrow('Expected a Uint8Array of length 40 for out but received Uint8Array(4)');
    expect(() => gaussianDropout(withLength(new Float32Array(4), 40), { rate: 0.5, out: new Float32Array(40) })).toThrow('Expected a Float32Array of length 4 for out but received Float32Array(40)');
    expect(() => labelSmoothing(withLength(new Float32Array(4), 40), { numClasses: 8, epsilon: 0.1 })).toThrow('Expected a Float32Array whose length is a multiple of numClasses (8) for oneHot but received Float32Array(4)');
  });

  it('does all its real elements when it claims fewer, on every op family', () => {
    expect(firstDifference(real(randomUniform(40, { seed: 3, out: withLength(new Float32Array(40), 4) })), randomUniform(40, { seed: 3 }))).toBe(-1);
    const b: Batch = { data: pixels(40), shape: [1, 2, 2, 10] };
    const lying: Batch = { data: withLength(pixels(40), 4), shape: [1, 2, 2, 10] };
    expect(shift(lying, { dx: 1 }).data.length).toBe(40);
    expect(firstDifference(shift(lying, { dx: 1 }).data, shift(b, { dx: 1 }).data)).toBe(-1);
    expect(firstDifference(gaussianNoise(lying, { std: 9, seed: 2 }).data, gaussianNoise(b, { std: 9, seed: 2 }).data)).toBe(-1);
    const out = withLength(new Uint8Array(40), 4);
    expect(gaussianNoise(b, { std: 9, seed: 2, out }).data).toBe(out);
    expect(firstDifference(new Uint8Array(out.buffer), gaussianNoise(b, { std: 9, seed: 2 }).data)).toBe(-1);
    const x = Float32Array.from({ length: 40 }, (_, i) => i);
    expect(firstDifference(gaussianDropout(withLength(x.slice(), 4), { rate: 0.3, seed: 1 }), gaussianDropout(x, { rate: 0.3, seed: 1 }))).toBe(-1);
    expect(firstDifference(labelSmoothing(withLength(x.slice(), 4), { numClasses: 4, epsilon: 0.1 }), labelSmoothing(x, { numClasses: 4, epsilon: 0.1 }))).toBe(-1);
    const labels = Uint8Array.from({ length: 40 }, (_, i) => i % 5);
    expect(firstDifference(real(flipLabels(withLength(labels.slice(), 4), { p: 0.5, numClasses: 5, seed: 1 })), flipLabels(labels, { p: 0.5, numClasses: 5, seed: 1 }))).toBe(-1);
  });

  it('cannot hide an overlap behind a fake byteOffset', () => {
    const data = pixels(40);
    const out = new Uint8Array(data.buffer, 0, 40);
    Object.defineProperty(out, 'byteOffset', { value: 4096 });
    expect(() => shift({ data, shape: [1, 2, 2, 10] }, { dx: 1, out })).toThrow('Expected an array that does not overlap batch.data (this op cannot run in place) for out');
  });
});

describe('out on a second SharedArrayBuffer object over the same memory', () => {
  // structuredClone(sab) is another SharedArrayBuffer object on the same bytes
  const addon = loadNative().addon;
  const shared = (bytes: number): [SharedArrayBuffer, SharedArrayBuffer] => {
    const sab = new SharedArrayBuffer(bytes);
    return [sab, structuredClone(sab)];
  };

  it.skipIf(!addon)('is an overlap when it overlaps (the addon compares addresses, whatever the backend)', () => {
    const [sab, twin] = shared(80);
    const data = new Uint8Array(sab, 0, 40);
    data.set(pixels(40));
    const batch: Batch = { data, shape: [1, 2, 2, 10] };
    const noInPlace = 'Expected an array that does not overlap batch.data (this op cannot run in place) for out';
    expect(() => shift(batch, { dx: 0.5, out: new Uint8Array(twin, 4, 40) })).toThrow(new RangeError(`${noInPlace} but received Uint8Array(40) of type Uint8Array`));
    expect(() => shift(batch, { x: 0.3, out: new Uint8Array(twin, 0, 40) })).toThrow(noInPlace);
    expect(() => gaussianNoise(batch, { std: 5, out: new Uint8Array(twin, 1, 40) })).toThrow(new RangeError('Expected batch.data itself or an array that does not overlap it for out but received Uint8Array(40) of type Uint8Array'));
    const x = new Float32Array(sab, 0, 8);
    expect(() => gaussianDropout(x, { rate: 0.5, out: new Float32Array(twin, 4, 8) })).toThrow('Expected x itself or an array that does not overlap it for out');
    expect(() => labelSmoothing(x, { numClasses: 2, epsilon: 0.1, out: new Float32Array(twin, 8, 8) })).toThrow('Expected oneHot itself or an array that does not overlap it for out');
    // nothing was written
    expect(firstDifference(data, pixels(40))).toBe(-1);
  });

  it.skipIf(!addon)('is in place when it starts at the same byte, and independent when disjoint', () => {
    const [sab, twin] = shared(80);
    const data = new Uint8Array(sab, 0, 40);
    data.set(pixels(40));
    const expected = gaussianNoise({ data: pixels(40), shape: [1, 2, 2, 10] }, { std: 5, seed: 1 }).data;
    const same = new Uint8Array(twin, 0, 40);
    expect(gaussianNoise({ data, shape: [1, 2, 2, 10] }, { std: 5, seed: 1, out: same }).data).toBe(same);
    expect(firstDifference(data, expected)).toBe(-1);
    data.set(pixels(40));
    const apart = new Uint8Array(twin, 40, 40);
    expect(firstDifference(shift({ data, shape: [1, 2, 2, 10] }, { dx: 1, out: apart }).data, shift({ data: pixels(40), shape: [1, 2, 2, 10] }, { dx: 1 }).data)).toBe(-1);
  });
});

describe('options and arrays are read once, before any check', () => {
  /** An object whose property `key` is a getter counting its reads and returning values[read - 1] (the last one after that). */
  function counting<T extends object>(base: T, key: string, values: unknown[]): { object: T; reads: () => number } {
    let reads = 0;
    Object.defineProperty(base, key, { enumerable: true, configurable: true, get: () => values[Math.min(reads++, values.length - 1)] });
    return { object: base, reads: () => reads };
  }

  it('clip[0] is read once: a getter cannot make the applied range lo > hi', () => {
    const data = Float32Array.from({ length: 40 }, (_, i) => i / 40 - 0.5);
    const clip = counting([0, 0.1] as [number, number], '0', [0, 0.9]);
    const result = gaussianNoise({ data, shape: [1, 2, 2, 10] }, { std: 0.5, seed: 1, clip: clip.object });
    expect(clip.reads()).toBe(1);
    expect(firstDifference(result.data, gaussianNoise({ data, shape: [1, 2, 2, 10] }, { std: 0.5, seed: 1, clip: [0, 0.1] }).data)).toBe(-1);
  });

  it('seed is read once: per-image std and the noise come from the same seed', () => {
    const b: Batch = { data: pixels(80), shape: [2, 2, 2, 10] };
    for (const op of [gaussianNoise, speckleNoise] as const) {
      const seed = counting({ std: [1, 30] as [number, number] }, 'seed', [5, 6]);
      const result = op(b, seed.object as never);
      expect(seed.reads()).toBe(1);
      expect(firstDifference(result.data, op(b, { std: [1, 30], seed: 5 }).data)).toBe(-1);
    }
    const stream = counting({ std: 2 }, 'seed', [5, 6]);
    expect(firstDifference(randomNormal(8, stream.object as never), randomNormal(8, { std: 2, seed: 5 }))).toBe(-1);
    expect(stream.reads()).toBe(1);
  });

  it('every field of a batch and of its shape is read once', () => {
    const batch = counting({ shape: [1, 2, 2, 10] }, 'data', [pixels(40), new Uint8Array(1)]);
    const shape = counting([1, 2, 2, 10], '3', [10, 1]);
    Object.defineProperty(batch.object, 'shape', { value: shape.object, enumerable: true });
    expect(shift(batch.object as unknown as Batch, { dx: 1 }).data.length).toBe(40);
    expect([batch.reads(), shape.reads()]).toEqual([1, 1]);
  });

  it('a getter that detaches batch.data while options are read gives a RangeError naming batch.data, not a short batch', async () => {
    for (const isAsync of [false, true]) {
      const data = pixels(40);
      const options = counting({ std: 3 }, 'seed', [1]);
      Object.defineProperty(options.object, 'seed', { enumerable: true, get: () => { structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] }); return 1; } });
      const call = async () => (isAsync ? gaussianNoiseAsync : gaussianNoise)({ data, shape: [1, 2, 2, 10] }, options.object as never);
      await expect(call()).rejects.toThrow(new RangeError('Expected a typed array of length n*h*w*c = 40 for batch.data but received Uint8Array(0) of type Uint8Array'));
    }
  });

  it('Pipeline.run reads its options once', () => {
    const pipeline = new Pipeline([{ op: 'gaussianNoise', options: { std: 4 } }], { seed: 1 });
    const b: Batch = { data: pixels(40), shape: [1, 2, 2, 10] };
    const record = counting({}, 'record', [true, 'no']);
    expect(pipeline.run(b, record.object as never).records).toHaveLength(1);
    expect(record.reads()).toBe(1);
  });

  it('an option Object.prototype gained is not read as given', () => {
    const b: Batch = { data: pixels(40), shape: [1, 2, 2, 10] };
    const plain = shift(b, { dx: 1 }).data;
    const noisy = gaussianNoise(b, { std: 5 }).data;
    const gained = { fill: 'constant', fillValue: 200, seed: 9, mean: 100 };
    for (const [key, value] of Object.entries(gained)) Object.defineProperty(Object.prototype, key, { value, configurable: true, writable: true });
    try {
      expect(firstDifference(shift(b, { dx: 1 }).data, plain)).toBe(-1);
      expect(firstDifference(gaussianNoise(b, { std: 5 }).data, noisy)).toBe(-1);
    } finally {
      for (const key of Object.keys(gained)) delete (Object.prototype as Record<string, unknown>)[key];
    }
    // the same values given as options do change the result, so the comparison above can fail
    expect(firstDifference(shift(b, { dx: 1, fill: 'constant', fillValue: 200 }).data, plain)).not.toBe(-1);
  });

  it("a getter's own error reaches the caller as it is; unknown names are errors also in options with a hidden class of their own", () => {
    const b: Batch = { data: pixels(40), shape: [1, 2, 2, 10] };
    const boom = new Error('boom');
    const options = Object.defineProperty({ dx: 1 }, 'fill', { enumerable: true, get: () => { throw boom; } });
    expect(() => shift(b, options)).toThrow(boom);
    // a spread followed by another key: on Node 20 each such object gets a hidden class of its own
    const defaults = { dx: 1, fill: 'wrap' } as const;
    for (let i = 0; i < 3; i += 1) {
      expect(() => shift(b, { ...defaults, index: i, fil: 'constant' } as never)).toThrow(new TypeError("Unknown option 'fil' for shift; expected one of: seed, index, epoch, dx, dy, x, y, subpixel, interpolation, fill, fillValue, out"));
      expect(firstDifference(shift(b, { ...defaults, index: i }).data, shift(b, { dx: 1, fill: 'wrap' }).data)).toBe(-1);
    }
  });
});

describe('errors that name the argument, whatever the value', () => {
  const b = (): Batch => ({ data: pixels(40), shape: [1, 2, 2, 10] });

  it('a Proxy around a typed array is not one: a TypeError naming it, not "called on incompatible receiver"', () => {
    expect(() => shift({ data: new Proxy(pixels(40), {}), shape: [1, 2, 2, 10] }, { dx: 1 })).toThrow(new TypeError('Expected a Uint8Array (or Buffer) or Float32Array for batch.data but received Uint8Array of type object'));
    expect(() => gaussianNoise(b(), { std: 1, out: new Proxy(new Uint8Array(40), {}) })).toThrow(new TypeError('Expected a Uint8Array like the batch data for out but received Uint8Array of type object'));
    expect(() => randomNormal(4, { out: new Proxy(new Float32Array(4), {}) })).toThrow(new TypeError('Expected a Float32Array for out but received Float32Array of type object'));
    expect(() => gaussianDropout(new Proxy(new Float32Array(4), {}), { rate: 0.5 })).toThrow('Expected a Float32Array of activations for x but received Float32Array of type object');
    expect(() => flipLabels(new Proxy(new Uint8Array(4), {}), { p: 0.5, numClasses: 2 })).toThrow('Expected an Int32Array, Uint8Array or Uint16Array for labels but received Uint8Array of type object');
  });

  it('a revoked Proxy as options, or a prototype whose constructor getter throws', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    revoke();
    expect(() => shift(b(), proxy)).toThrow(new TypeError('Expected a plain object for shift options but received object of type object'));
    expect(() => randomUniform(4, proxy)).toThrow(new TypeError('Expected a plain object for randomUniform options but received object of type object'));
    const hostile = Object.create({ get constructor(): never { throw new Error('boom'); } }) as object;
    expect(() => gaussianNoise(b(), hostile as never)).toThrow(new TypeError('Expected a plain object for gaussianNoise options but received object of type object'));
    expect(() => shift(hostile as never)).toThrow(new TypeError('Expected an object { data, shape, layout? } for batch but received object of type object'));
  });

  it('a step option the pipeline cannot copy is a TypeError naming steps[i].options, not a DOMException', () => {
    const make = () => new Pipeline([{ op: 'gaussianNoise', options: { std: new Proxy([1, 2], {}) as unknown as [number, number] } }]);
    expect(make).toThrow(TypeError);
    expect(make).toThrow(/^Expected options of plain data \(numbers, strings, booleans, arrays\), which the pipeline copies \(.*\) for steps\[0\]\.options but received Object of type object$/);
  });

  it('an out on a growable SharedArrayBuffer that grows during an async call keeps its result', async () => {
    // growable SharedArrayBuffers are ES2024, past this project's lib
    const gsab = new (SharedArrayBuffer as unknown as new (n: number, o: object) => SharedArrayBuffer & { grow(n: number): void })(40, { maxByteLength: 80 });
    const out = new Uint8Array(gsab);
    const pending = shiftAsync(b(), { dx: 1, out });
    gsab.grow(80);
    expect((await pending).data).toBe(out);
    expect(firstDifference(out.subarray(0, 40), shift(b(), { dx: 1 }).data)).toBe(-1);
  });
});

describe('the addon names the arrays it is given', () => {
  // the facade checks every array first; these reach the addon directly, as a caller bypassing it would
  const addon = loadNative().addon;
  const perImage = () => [new Int32Array(1), new Int32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1), new Float32Array(1)] as const;

  it.skipIf(!addon)('a wrong type or a short array is an error naming batch.data, out or x', () => {
    const a = addon!;
    expect(() => a.randomNormal(0, new Uint8Array(4) as never, 0, 0, 0, 0, 2, 0, 1, false)).toThrow(new TypeError('fastaug native: Expected a Float32Array for out'));
    const shiftWith = (src: Uint8Array, dst: Uint8Array) => () => a.shift(0, src, dst, 2, 2, 10, false, 0, 0, ...perImage(), 0, 1, false);
    expect(shiftWith(new Uint8Array(4), new Uint8Array(40))).toThrow(new RangeError('fastaug native: Expected an array of at least 40 elements for batch.data but received 4'));
    expect(shiftWith(new Uint8Array(40), new Uint8Array(39))).toThrow(new RangeError('fastaug native: Expected an array of at least 40 elements for out but received 39'));
    expect(() => a.shift(0, new Uint8Array(40), new Float32Array(40) as never, 2, 2, 10, false, 0, 0, ...perImage(), 0, 1, false)).toThrow(new TypeError('fastaug native: Expected a Uint8Array for out'));
    expect(() => a.gaussianDropout(0, new Float32Array(8), new Float32Array(4), 0, 0, 0, 0, 40, 1, 1, false)).toThrow(new RangeError('fastaug native: Expected an array of at least 8 elements for out but received 4'));
    expect(() => a.gaussianDropout(0, [] as never, new Float32Array(4), 0, 0, 0, 0, 40, 1, 1, false)).toThrow(new TypeError('fastaug native: Expected a Float32Array for x'));
  });
});

describe('Pipeline.replay reads its records once, before any check', () => {
  const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.3 } }, { op: 'gaussianNoise', options: { std: 4 }, p: 0.5 }], { seed: 3 });

  it('a getter in a record is read once, and one that detaches batch.data is a RangeError naming batch.data', () => {
    const b: Batch = { data: pixels(40), shape: [1, 2, 2, 10] };
    const { records, data: expected } = pipeline.run(b, { record: true });
    let reads = 0;
    const step = { ...records[0]!.steps[0]! };
    Object.defineProperty(step, 'applied', { enumerable: true, get: () => { reads += 1; return reads === 1; } });
    const hostile = [{ ...records[0]!, steps: [step, records[0]!.steps[1]!] }];
    expect(firstDifference(pipeline.replay(b, hostile).data, expected)).toBe(-1);
    expect(reads).toBe(1);
    const data = pixels(40);
    const detaching = [{ ...records[0]!, get index() { structuredClone(data.buffer, { transfer: [data.buffer as ArrayBuffer] }); return 0; } }];
    expect(() => pipeline.replay({ data, shape: [1, 2, 2, 10] }, detaching)).toThrow(new RangeError('Expected a typed array of length n*h*w*c = 40 for batch.data but received Uint8Array(0) of type Uint8Array'));
    expect(() => pipeline.replay(b, [new Proxy(records[0]!, {})])).toThrow(/^Expected sample records of plain data, which replay copies \(.*\) for records but received array\(1\) of type array$/);
  });
});
