// The bad-input battery (issue 21, "Keep it checked"): bad values from a few
// tables (wrong types, NaN, ±∞, −0, huge, negative and fractional sizes,
// shape/length mismatches, getters, Proxies, detached, resizable and shared
// buffers, odd views, hostile JSON for Pipeline.fromJSON) put in every
// argument of every op. Each case must throw (…Async: reject with) a
// TypeError or RangeError whose message names the argument, on the js
// backend and on the native one. The test counts the cases and prints the figure.
import { describe, expect, it, vi } from 'vitest';

import type { Backend } from '../src/backends/backend.js';

// ops call activeBackend(); here it returns the backend under test
const active = vi.hoisted(() => ({ backend: undefined as Backend | undefined }));
vi.mock('../src/backends/select.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/backends/select.js')>();
  return { ...original, activeBackend: (): Backend => active.backend ?? original.activeBackend() };
});

import * as fastaug from '../src/index.js';
import { loadNative } from '../src/backends/native.js';
import { backendName, jsReference, nativeBackends } from './helpers/backends.js';

const { Pipeline } = fastaug;
const addon = loadNative().addon;

// ---- bad values ----------------------------------------------------------------

interface Bad {
  label: string;
  /** A fresh value per call (some cases detach or resize what they are given). */
  make: () => unknown;
  /** Only meaningful with the addon loaded (it compares the addresses of two SharedArrayBuffers). */
  needsAddon?: boolean;
}

const v = (label: string, value: unknown): Bad => ({ label, make: () => value });
const fresh = (label: string, make: () => unknown): Bad => ({ label, make });

/** A revoked Proxy: every operation on it throws. */
function revoked(): object {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

/** A typed array whose buffer has been transferred away (length 0 now). */
function detached<T extends ArrayBufferView>(array: T): T {
  structuredClone(array.buffer, { transfer: [array.buffer as ArrayBuffer] });
  return array;
}

/** A typed array with an own `length` property that lies. */
function fakeLength<T extends ArrayBufferView>(array: T, length: number): T {
  Object.defineProperty(array, 'length', { value: length });
  return array;
}

const Resizable = ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer;

class Options {
  constructor(readonly seed = 1) {}
}

const NOT_NUMBERS: Bad[] = [
  v('null', null), v("'1'", '1'), v("'x'", 'x'), v('true', true), v('{}', {}), v('[]', []), v('[1]', [1]), v('1n', 1n), v('a Symbol', Symbol('s')),
  v('a function', () => 1), v('new Number(1)', new Number(1)), v('a Date', new Date(0)), fresh('a revoked Proxy', revoked),
];
const NON_FINITE: Bad[] = [v('NaN', NaN), v('Infinity', Infinity), v('-Infinity', -Infinity)];
const FRACTIONS: Bad[] = [v('0.5', 0.5), v('1 + 2^-52', 1 + 2 ** -52), v('Number.MIN_VALUE', Number.MIN_VALUE)];
const NEGATIVES: Bad[] = [v('-1', -1), v('-(2^53)', -(2 ** 53)), v('-Number.MAX_VALUE', -Number.MAX_VALUE)];
const HUGE: Bad[] = [v('2^53', 2 ** 53), v('2^64', 2 ** 64), v('1e300', 1e300)];

/** Not a number, not finite, or a finite number outside [min, max] (or not an integer). */
function badIntegers(max: number, min = 0): Bad[] {
  const out = [...NOT_NUMBERS, ...NON_FINITE, ...FRACTIONS, ...NEGATIVES, v(`${max} + 1`, max + 1)];
  if (min > 0) out.push(v('0', 0), v('-0', -0));
  if (max < 2 ** 53) out.push(...HUGE.filter((b) => (b.make() as number) > max + 1));
  return out;
}
const badNumbers = (): Bad[] => [...NOT_NUMBERS, ...NON_FINITE];
const badBooleans: Bad[] = [v('1', 1), v("'true'", 'true'), v('null', null), v('new Boolean(true)', new Boolean(true))];
const badSeeds: Bad[] = [
  ...badIntegers(Number.MAX_SAFE_INTEGER).filter((b) => b.label !== '1n'), v('-1n', -1n), v('2n ** 64n', 2n ** 64n), v('-(2n ** 64n)', -(2n ** 64n)),
];

/** Options objects that are no plain object, or not one whose keys can be read. */
const badOptionObjects: Bad[] = [
  v('null', null), v('1', 1), v("'x'", 'x'), v('[]', []), v('a Map', new Map()), v('a class instance', new Options()),
  v('an object with a prototype', Object.create({ seed: 1 })), fresh('a revoked Proxy', revoked),
  fresh('a Proxy whose ownKeys throws', () => new Proxy({}, { ownKeys: () => { throw new Error('no keys'); } })),
  fresh('a Proxy whose getPrototypeOf throws', () => new Proxy({}, { getPrototypeOf: () => { throw new Error('no prototype'); } })),
];

/** Values that are no typed array at all (or not one by their internal slots), for an argument expecting `Type` (or one of `alsoValid`). */
function notTypedArrays(Type: typeof Uint8Array | typeof Float32Array | typeof Int32Array, length: number, alsoValid: readonly string[] = []): Bad[] {
  const valid = [Type.name, ...alsoValid];
  const others = [Int8Array, Uint8Array, Uint8ClampedArray, Int16Array, Uint16Array, Int32Array, Uint32Array, Float32Array, Float64Array] as const;
  return [
    v('null', null), v('undefined', undefined), v("'abcd'", 'abcd'), v(`array(${length})`, Array.from({ length }, () => 1)), v(`{ length: ${length} }`, { length }),
    v('an ArrayBuffer', new ArrayBuffer(length * Type.BYTES_PER_ELEMENT)), v('a DataView', new DataView(new ArrayBuffer(length * Type.BYTES_PER_ELEMENT))),
    ...others.filter((T) => !valid.includes(T.name)).map((T) => fresh(`${T.name}(${length})`, () => new T(length))),
    fresh(`BigInt64Array(${length})`, () => new BigInt64Array(length)),
    fresh(`a Proxy around ${Type.name}(${length})`, () => new Proxy(new Type(length), {})),
    fresh(`Object.create(${Type.name}.prototype)`, () => Object.create(Type.prototype)),
    fresh('a revoked Proxy', revoked),
  ];
}

/** Typed arrays of the right type whose real length is wrong. */
function wrongLengths(Type: typeof Uint8Array | typeof Float32Array | typeof Int32Array | typeof Uint16Array, length: number): Bad[] {
  return [
    fresh(`${Type.name}(${length - 1})`, () => new Type(length - 1)), fresh(`${Type.name}(${length + 1})`, () => new Type(length + 1)),
    fresh(`${Type.name}(0)`, () => new Type(0)),
    fresh(`a detached ${Type.name}(${length})`, () => detached(new Type(length))),
    fresh(`${Type.name}(${length - 1}) claiming length ${length}`, () => fakeLength(new Type(length - 1), length)),
    fresh(`subarray(1) of ${Type.name}(${length})`, () => new Type(length).subarray(1)),
    fresh(`${Type.name} of ${length + 1} on a SharedArrayBuffer`, () => new Type(new SharedArrayBuffer((length + 1) * Type.BYTES_PER_ELEMENT) as unknown as ArrayBuffer)),
  ];
}

// ---- cases -------------------------------------------------------------------

interface Case {
  /** `<call> <argument> = <bad value>`: unique. */
  key: string;
  /** What the message must name. */
  name: string;
  /** Whether the function is an …Async one (it must reject, not throw). */
  isAsync: boolean;
  needsAddon: boolean;
  run: () => unknown;
}

const cases: Case[] = [];

/** One argument site: `place(value)` calls the op with `value` in it. */
function site(call: string, name: string, bads: readonly Bad[], place: (value: unknown) => unknown, isAsync = call.includes('Async')): void {
  for (const bad of bads) {
    cases.push({ key: `${call} ${name} = ${bad.label}`, name, isAsync, needsAddon: bad.needsAddon === true, run: () => place(bad.make()) });
  }
}

/** One option of an op, set plainly, and (for the first few values) through a getter and through a Proxy. */
function optionSite(call: string, option: string, bads: readonly Bad[], invoke: (options: unknown) => unknown, base: Record<string, unknown> = {}, name = option): void {
  site(call, name, bads, (value) => invoke({ ...base, [option]: value }));
  site(`${call} (getter)`, name, bads.slice(0, 3), (value) => invoke(Object.defineProperty({ ...base }, option, { get: () => value, enumerable: true })));
  site(`${call} (Proxy)`, name, bads.slice(0, 2), (value) => invoke(new Proxy({ ...base, [option]: value }, {})));
}

type ImageCall = (batch: unknown, options: unknown) => unknown;

const N = 2;
const H = 2;
const W = 3;
const C = 2;
const SIZE = N * H * W * C;
const batchOf = (data: unknown = new Uint8Array(SIZE)): Record<string, unknown> => ({ data, shape: [N, H, W, C] });
const floatBatch = (): Record<string, unknown> => batchOf(new Float32Array(SIZE));

/** Bad batches: the object, its data, shape, each dimension, layout. */
function batchSites(call: string, invoke: (batch: unknown) => unknown): void {
  site(call, 'batch', [
    v('null', null), v('undefined', undefined), v('1', 1), v('[]', []), v('a Map', new Map()), v('a class instance', new Options()),
    fresh('a revoked Proxy', revoked), fresh('an object with a prototype', () => Object.create(batchOf())),
  ], invoke);
  site(call, 'batch.data', [...notTypedArrays(Uint8Array, SIZE, ['Float32Array']), ...wrongLengths(Uint8Array, SIZE)], (data) => invoke({ data, shape: [N, H, W, C] }));
  site(call, 'batch.data', wrongLengths(Float32Array, SIZE).slice(0, 4), (data) => invoke({ data, shape: [N, H, W, C] }));
  site(call, 'batch.shape', [
    v('null', null), v("'2,2,3,2'", '2,2,3,2'), v('Int32Array [2, 2, 3, 2]', Int32Array.of(N, H, W, C)), v('[2, 2, 3]', [N, H, W]), v('[2, 2, 3, 2, 1]', [N, H, W, C, 1]),
    v('[]', []), v('{ 0: 2, 1: 2, 2: 3, 3: 2, length: 4 }', { 0: N, 1: H, 2: W, 3: C, length: 4 }),
  ], (shape) => invoke({ data: new Uint8Array(SIZE), shape }));
  site(call, 'batch.shape', [v('[1, 2^20, 2^20, 2^20]', [1, 2 ** 20, 2 ** 20, 2 ** 20])], (shape) => invoke({ data: new Uint8Array(SIZE), shape }));
  const dims = [N, H, W, C];
  for (let i = 0; i < 4; i += 1) {
    site(call, `batch.shape[${i}]`, badIntegers(2 ** 32 - 1, i === 0 ? 0 : 1), (value) => invoke({ data: new Uint8Array(SIZE), shape: dims.map((d, j) => (j === i ? value : d)) }));
  }
  site(call, 'batch.data', [v('shape [2, 2, 3, 3]', [N, H, W, 3]), v('shape [3, 2, 3, 2]', [3, H, W, C]), v('shape [0, 2, 3, 2]', [0, H, W, C])],
    (shape) => invoke({ data: new Uint8Array(SIZE), shape }));
  site(call, 'batch.layout', [v("'nhwc'", 'nhwc'), v("'HWC'", 'HWC'), v("''", ''), v('null', null), v('1', 1), v("['NHWC']", ['NHWC']), v("new String('NHWC')", new String('NHWC'))],
    (layout) => invoke({ ...batchOf(), layout }));
}

/** `out` for an image op on a uint8 batch: wrong type, wrong length, overlapping memory. */
function imageOutSites(call: string, invoke: ImageCall, base: Record<string, unknown>, inPlace: boolean): void {
  site(call, 'out', [...notTypedArrays(Uint8Array, SIZE).filter((b) => b.label !== 'undefined'), ...wrongLengths(Uint8Array, SIZE)], (out) => invoke(batchOf(), { ...base, out }));
  const overlapping: Bad[] = [
    fresh('a view one byte into batch.data\'s buffer', () => 'partial'),
    fresh('the same memory through a second SharedArrayBuffer, one byte on', () => 'twin-partial'),
  ];
  if (!inPlace) overlapping.push(fresh('batch.data itself', () => 'same'), fresh('batch.data through a second SharedArrayBuffer', () => 'twin-same'));
  for (const bad of overlapping) {
    const twin = bad.label.includes('SharedArrayBuffer');
    cases.push({
      key: `${call} out = ${bad.label}`, name: 'out', isAsync: call.includes('Async'), needsAddon: twin,
      run: () => {
        const how = bad.make() as string;
        const buffer = twin ? new SharedArrayBuffer(SIZE + 1) : new ArrayBuffer(SIZE + 1);
        const data = new Uint8Array(buffer, 0, SIZE);
        const other = twin ? structuredClone(buffer) : buffer;
        const out = new Uint8Array(other, how.endsWith('partial') ? 1 : 0, SIZE);
        return invoke(batchOf(data), { ...base, out });
      },
    });
  }
}

/** Random options (seed, index, epoch) of an op on a batch of N images, or of an element stream of `length` elements. */
function randomSites(call: string, invoke: (options: unknown) => unknown, base: Record<string, unknown>, maxIndex: number): void {
  optionSite(call, 'seed', badSeeds, invoke, base);
  optionSite(call, 'index', badIntegers(maxIndex), invoke, base);
  optionSite(call, 'epoch', badIntegers(2 ** 32 - 1), invoke, base);
}

function optionObjectSites(call: string, op: string, invoke: (options: unknown) => unknown, base: Record<string, unknown>): void {
  site(call, `${op} options`, badOptionObjects, invoke);
  site(call, 'sed', [v("{ sed: 1 }", 'sed')], (key) => invoke({ ...base, [key as string]: 1 }));
  site(call, 'Seed', [v("{ Seed: 1 }", 'Seed')], (key) => invoke({ ...base, [key as string]: 1 }));
}

const threadSites = (call: string, invoke: (options: unknown) => unknown, base: Record<string, unknown>): void =>
  optionSite(call, 'threads', badIntegers(256, 1), invoke, base);

// shift and shiftAsync
for (const [call, shiftOp] of [['shift', fastaug.shift], ['shiftAsync', fastaug.shiftAsync]] as const) {
  const invoke = (options: unknown): unknown => (shiftOp as ImageCall)(batchOf(), options);
  const onFloat = (options: unknown): unknown => (shiftOp as ImageCall)(floatBatch(), options);
  batchSites(call, (batch) => (shiftOp as ImageCall)(batch, { dx: 1 }));
  optionObjectSites(call, call, invoke, { dx: 1 });
  imageOutSites(call, shiftOp as ImageCall, { dx: 1 }, false);
  randomSites(call, invoke, { x: 0.1 }, 2 ** 32 - N);
  const offsets = [...badNumbers(), v('2^30 + 1', 2 ** 30 + 1), v('-(2^30) - 1', -(2 ** 30) - 1), v('1e300', 1e300), v('[1] (n = 2)', [1]), v('[1, 2, 3] (n = 2)', [1, 2, 3])];
  optionSite(call, 'dx', offsets.filter((b) => b.label !== '[1]'), invoke);
  optionSite(call, 'dy', offsets.filter((b) => b.label !== '[1]'), invoke);
  site(call, 'dx[1]', [v("[0, 'x']", [0, 'x']), v('[0, NaN]', [0, NaN]), v('[0, Infinity]', [0, Infinity]), v('[0, 2^31]', [0, 2 ** 31]), v('[0, null]', [0, null]), v('Float64Array [0, NaN]', Float64Array.of(0, NaN))],
    (dx) => invoke({ dx }));
  const ranges = [
    ...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-0.1', -0.1), v('[1]', [1]), v('[0, 1, 2]', [0, 1, 2]), v('[0.5, -0.5]', [0.5, -0.5]), v('[NaN, 0]', [NaN, 0]),
    v("['0', 1]", ['0', 1]), v('[0, Infinity]', [0, Infinity]), v('2^30 (pixels beyond 2^30)', 2 ** 30), v('[0, 1e300]', [0, 1e300]),
  ];
  optionSite(call, 'x', ranges, invoke);
  optionSite(call, 'y', ranges, invoke);
  site(call, 'dx', [v('{ dx: 1, x: 0.1 }', { dx: 1, x: 0.1 }), v('{ dy: [1, 2], y: 0 }', { dy: [1, 2], y: 0 })], invoke);
  optionSite(call, 'subpixel', badBooleans, invoke, { x: 0.1 });
  optionSite(call, 'interpolation', [v("'cubic'", 'cubic'), v("'Nearest'", 'Nearest'), v('null', null), v('1', 1), v("['nearest']", ['nearest'])], invoke);
  optionSite(call, 'fill', [v("'zero'", 'zero'), v("'CONSTANT'", 'CONSTANT'), v("'toString'", 'toString'), v("'__proto__'", '__proto__'), v('null', null), v('0', 0)], invoke);
  optionSite(call, 'fillValue', [...badNumbers(), v('256', 256), v('-1', -1), v('0.5', 0.5), v('-0.5', -0.5)], invoke, { fill: 'constant' });
  optionSite(`${call} (float32)`, 'fillValue', [...NON_FINITE, v('1e39 (∞ in float32)', 1e39), v("'0'", '0')], onFloat, { fill: 'constant' });
  if (call === 'shiftAsync') threadSites(call, invoke, { dx: 1 });
}

// gaussianBlur and gaussianBlurAsync
for (const [call, blurOp] of [['gaussianBlur', fastaug.gaussianBlur], ['gaussianBlurAsync', fastaug.gaussianBlurAsync]] as const) {
  const invoke = (options: unknown): unknown => (blurOp as ImageCall)(batchOf(), options);
  const onFloat = (options: unknown): unknown => (blurOp as ImageCall)(floatBatch(), options);
  batchSites(call, (batch) => (blurOp as ImageCall)(batch, { sigma: 1 }));
  optionObjectSites(call, call, invoke, { sigma: 1 });
  imageOutSites(call, blurOp as ImageCall, { sigma: 1 }, false);
  randomSites(call, invoke, { sigma: [0.5, 1] }, 2 ** 32 - N);
  const sigmas = [
    ...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-0.1', -0.1), v('500.5', 500.5), v('[1]', [1]), v('[0, 1, 2]', [0, 1, 2]), v('[2, 1]', [2, 1]),
    v('[NaN, 0]', [NaN, 0]), v("['0', 1]", ['0', 1]), v('[0, 501]', [0, 501]),
  ];
  optionSite(call, 'sigma', sigmas, invoke);
  optionSite(call, 'sigmas', [v('1', 1), v("'1'", '1'), v('[1] (n = 2)', [1]), v('[1, 2, 3] (n = 2)', [1, 2, 3]), v('null', null)], invoke);
  site(call, 'sigmas[1]', [v('[1, NaN]', [1, NaN]), v('[1, -1]', [1, -1]), v("[1, '1']", [1, '1']), v('[1, 1e9]', [1, 1e9])], (sigmas) => invoke({ sigmas }));
  site(call, 'sigma', [v('{ sigma: 1, sigmas: [1, 1] }', { sigma: 1, sigmas: [1, 1] })], invoke);
  optionSite(call, 'radius', badIntegers(1500), invoke, { sigma: 1 });
  optionSite(call, 'fill', [v("'zero'", 'zero'), v("'CONSTANT'", 'CONSTANT'), v("'toString'", 'toString'), v('null', null), v('0', 0)], invoke);
  optionSite(call, 'fillValue', [...badNumbers(), v('256', 256), v('-1', -1), v('0.5', 0.5)], invoke, { fill: 'constant' });
  optionSite(`${call} (float32)`, 'fillValue', [...NON_FINITE, v('1e39 (∞ in float32)', 1e39)], onFloat, { fill: 'constant' });
  if (call === 'gaussianBlurAsync') threadSites(call, invoke, { sigma: 1 });
}

// gamma and gammaAsync
for (const [call, gammaOp] of [['gamma', fastaug.gamma], ['gammaAsync', fastaug.gammaAsync]] as const) {
  const invoke = (options: unknown): unknown => (gammaOp as ImageCall)(batchOf(), options);
  const onFloat = (options: unknown): unknown => (gammaOp as ImageCall)(floatBatch(), options);
  batchSites(call, (batch) => (gammaOp as ImageCall)(batch, { gamma: 2 }));
  optionObjectSites(call, call, invoke, { gamma: 2 });
  imageOutSites(call, gammaOp as ImageCall, { gamma: 2 }, true);
  randomSites(call, invoke, { gamma: [0.5, 2] }, 2 ** 32 - N);
  const gammas = [
    ...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('0', 0), v('-1', -1), v('0.0009', 0.0009), v('1000.5', 1000.5), v('[1]', [1]), v('[0, 1, 2]', [0, 1, 2]),
    v('[2, 1]', [2, 1]), v('[NaN, 1]', [NaN, 1]), v("['1', 2]", ['1', 2]), v('[0, 2]', [0, 2]),
  ];
  optionSite(call, 'gamma', gammas, invoke);
  optionSite(call, 'gammas', [v('1', 1), v("'1'", '1'), v('[1] (n = 2)', [1]), v('[1, 2, 3] (n = 2)', [1, 2, 3]), v('null', null)], invoke);
  site(call, 'gammas[1]', [v('[1, NaN]', [1, NaN]), v('[1, -1]', [1, -1]), v("[1, '1']", [1, '1']), v('[1, 1e9]', [1, 1e9]), v('[1, 0]', [1, 0])], (gammas) => invoke({ gammas }));
  site(call, 'gamma', [v('{ gamma: 1, gammas: [1, 1] }', { gamma: 1, gammas: [1, 1] })], invoke);
  optionSite(call, 'clip', [v('[0, 1] on uint8', [0, 1])], invoke);
  optionSite(`${call} (float32)`, 'clip', [v('[1, 0]', [1, 0]), v('[NaN, 1]', [NaN, 1]), v('1', 1), v('[0]', [0]), v("['0', 1]", ['0', 1])], onFloat);
  if (call === 'gammaAsync') threadSites(call, invoke, { gamma: 2 });
}

// erase and eraseAsync
for (const [call, eraseOp] of [['erase', fastaug.erase], ['eraseAsync', fastaug.eraseAsync]] as const) {
  const invoke = (options: unknown): unknown => (eraseOp as ImageCall)(batchOf(), options);
  const onFloat = (options: unknown): unknown => (eraseOp as ImageCall)(floatBatch(), options);
  batchSites(call, (batch) => (eraseOp as ImageCall)(batch, { p: 1 }));
  optionObjectSites(call, call, invoke, { p: 1 });
  imageOutSites(call, eraseOp as ImageCall, { p: 1 }, true);
  randomSites(call, invoke, { p: 0.5 }, 2 ** 32 - N);
  optionSite(call, 'p', [...badNumbers(), v('-0.1', -0.1), v('1.5', 1.5)], invoke);
  optionSite(call, 'count', badIntegers(64, 1), invoke);
  const ranges = [
    ...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-0.1', -0.1), v('[1]', [1]), v('[0, 1, 2]', [0, 1, 2]), v('[0.5, 0.1]', [0.5, 0.1]), v('[NaN, 1]', [NaN, 1]),
    v("['0', 1]", ['0', 1]),
  ];
  optionSite(call, 'area', [...ranges, v('1.5', 1.5), v('[0.5, 2]', [0.5, 2])], invoke);
  optionSite(call, 'ratio', [...ranges, v('0', 0), v('[0, 1]', [0, 1]), v('[1, 1e4]', [1, 1e4])], invoke);
  const values = [
    v('256', 256), v('-1', -1), v('0.5', 0.5), v('NaN', NaN), v("'random'", 'random'), v('null', null), v('{}', {}), v('[1] (c = 2)', [1]), v('[1, 2, 3] (c = 2)', [1, 2, 3]), v('true', true),
  ];
  optionSite(call, 'value', values, invoke);
  site(call, 'value[1]', [v('[1, 256]', [1, 256]), v("[1, 'x']", [1, 'x']), v('[1, -1]', [1, -1]), v('[1, null]', [1, null])], (value) => invoke({ value }));
  optionSite(`${call} (float32)`, 'value', [...NON_FINITE, v('1e39 (∞ in float32)', 1e39), v("'0'", '0')], onFloat);
  const box = (over: Record<string, unknown>): Record<string, unknown> => ({ top: [0, 0], left: [0, 0], height: [1, 1], width: [1, 1], ...over });
  optionSite(call, 'boxes', [v('1', 1), v('null', null), v('[]', []), v("'boxes'", 'boxes')], invoke);
  site(call, 'boxes.top', [v('missing', box({ top: undefined })), v('[0] (n = 2)', box({ top: [0] })), v("'00'", box({ top: '00' }))], (boxes) => invoke({ boxes }));
  site(call, 'boxes.height[0]', [v('3 (h = 2)', box({ height: [3, 1] })), v('-1', box({ height: [-1, 1] })), v('0.5', box({ height: [0.5, 1] }))], (boxes) => invoke({ boxes }));
  site(call, 'boxes.width[1]', [v('3 at left 1 (w = 3)', box({ left: [0, 1], width: [1, 3] })), v('NaN', box({ width: [1, NaN] }))], (boxes) => invoke({ boxes }));
  site(call, 'p', [v('{ p: 1, boxes }', { p: 1, boxes: box({}) })], invoke);
  if (call === 'eraseAsync') threadSites(call, invoke, { p: 1 });
}

// resizedCrop and resizedCropAsync (size [H, W]: the output has the input's length, so the out battery applies)
for (const [call, resizeOp] of [['resizedCrop', fastaug.resizedCrop], ['resizedCropAsync', fastaug.resizedCropAsync]] as const) {
  const base = { size: [H, W] };
  const invoke = (options: unknown): unknown => (resizeOp as ImageCall)(batchOf(), options);
  batchSites(call, (batch) => (resizeOp as ImageCall)(batch, base));
  optionObjectSites(call, call, invoke, base);
  imageOutSites(call, resizeOp as ImageCall, base, false);
  randomSites(call, invoke, base, 2 ** 32 - N);
  optionSite(call, 'size', [...badIntegers(2 ** 31 - 1, 1).filter((b) => !['[]', '[1]'].includes(b.label)), v('[1]', [1]), v('[1, 2, 3]', [1, 2, 3]), v('[]', [])], invoke, {});
  site(call, 'size', [v('missing', undefined)], (size) => invoke({ size }));
  site(call, 'size[1]', [v('[2, 0]', [2, 0]), v('[2, 1.5]', [2, 1.5]), v("[2, '2']", [2, '2']), v('[2, NaN]', [2, NaN])], (size) => invoke({ size }));
  site(call, 'size', [v('[65536, 65536] (too large)', [65536, 65536])], (size) => invoke({ size }));
  const fractions = [...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('0.5', 0.5), v('[1]', [1]), v('[0.5, 0.2]', [0.5, 0.2]), v('[0, 1]', [0, 1]), v('[NaN, 1]', [NaN, 1])];
  optionSite(call, 'scale', [...fractions, v('[0.5, 1.5]', [0.5, 1.5])], invoke, base);
  optionSite(call, 'ratio', [...fractions, v('[-1, 1]', [-1, 1]), v('[1, Infinity]', [1, Infinity])], invoke, base);
  optionSite(call, 'boxes', [v('1', 1), v("'0'", '0'), v('null', null), v('[0, 0, 1]', [0, 0, 1]), v('[[0, 0, 1, 1]] (n = 2)', [[0, 0, 1, 1]]), v('7 numbers', [0, 0, 1, 1, 0, 0, 1])], invoke, base);
  site(call, 'boxes[2]', [v('[0, 0, 3, 1] (taller than the image)', [0, 0, 3, 1]), v('[0, 0, 0, 1]', [0, 0, 0, 1]), v('[0, 0, NaN, 1]', [0, 0, NaN, 1])], (boxes) => invoke({ ...base, boxes }));
  site(call, 'boxes[1][1]', [v('[[0, 0, 1, 1], [0, -1, 1, 1]]', [[0, 0, 1, 1], [0, -1, 1, 1]]), v("[[0, 0, 1, 1], [0, '0', 1, 1]]", [[0, 0, 1, 1], [0, '0', 1, 1]])], (boxes) => invoke({ ...base, boxes }));
  site(call, 'boxes', [v('{ boxes, scale }', { ...base, boxes: [0, 0, 1, 1], scale: [0.5, 1] })], invoke);
  if (call === 'resizedCropAsync') threadSites(call, invoke, base);
}

// affine and affineAsync
for (const [call, affineOp] of [['affine', fastaug.affine], ['affineAsync', fastaug.affineAsync]] as const) {
  const invoke = (options: unknown): unknown => (affineOp as ImageCall)(batchOf(), options);
  const onFloat = (options: unknown): unknown => (affineOp as ImageCall)(floatBatch(), options);
  batchSites(call, (batch) => (affineOp as ImageCall)(batch, { rotation: 10 }));
  optionObjectSites(call, call, invoke, { rotation: 10 });
  imageOutSites(call, affineOp as ImageCall, { rotation: 10 }, false);
  randomSites(call, invoke, { rotation: 10 }, 2 ** 32 - N);
  const ranges = [...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-1', -1), v('[2, 1]', [2, 1]), v('[1]', [1]), v('[NaN, 0]', [NaN, 0]), v("['0', 1]", ['0', 1])];
  optionSite(call, 'rotation', ranges, invoke);
  optionSite(call, 'shear', [...ranges, v('80.5 (|shear| <= 80)', 80.5), v('[-90, 0]', [-90, 0])], invoke);
  optionSite(call, 'x', [...ranges, v('1e30 (beyond 2^30 pixels)', 1e30)], invoke);
  optionSite(call, 'y', [...ranges, v('[0, 1e30] (beyond 2^30 pixels)', [0, 1e30])], invoke);
  const zooms = [...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('1 (f < 1)', 1), v('-0.1', -0.1), v('[0, 1] (lo > 0)', [0, 1]), v('[2, 1]', [2, 1]), v('[1e-30, 1e-30] (matrices beyond 2^30)', [1e-30, 1e-30])];
  optionSite(call, 'zoom', zooms, invoke);
  optionSite(call, 'zoomX', zooms, invoke);
  optionSite(call, 'zoomY', zooms, invoke);
  site(call, 'zoom', [v('{ zoom: 0.1, zoomX: 0.1 }', { zoom: 0.1, zoomX: 0.1 })], invoke);
  site(call, 'matrix', [
    v('null', null), v("'x'", 'x'), v('1', 1), v('[1, 0, 0] (6 numbers, n of 6 or 6n)', [1, 0, 0]), v('{ rotation: 1 } as well', 'both'),
  ], (matrix) => invoke(matrix === 'both' ? { matrix: [1, 0, 0, 0, 1, 0], rotation: 1 } : { matrix }));
  site(call, 'matrix[1]', [v("'0'", '0'), v('NaN', NaN), v('2^31', 2 ** 31), v('null', null)], (m1) => invoke({ matrix: [1, m1, 0, 0, 1, 0] }));
  site(call, 'matrix[1]', [v('[1, 0] (not 6)', [1, 0]), v("'x'", 'x')], (row) => invoke({ matrix: [[1, 0, 0, 0, 1, 0], row] }));
  site(call, 'matrix[0][5]', [v('Infinity', Infinity), v("'0'", '0')], (m5) => invoke({ matrix: [[1, 0, 0, 0, 1, m5], [1, 0, 0, 0, 1, 0]] }));
  optionSite(call, 'interpolation', [v("'cubic'", 'cubic'), v("'Nearest'", 'Nearest'), v('null', null), v('1', 1)], invoke);
  optionSite(call, 'fill', [v("'zero'", 'zero'), v("'CONSTANT'", 'CONSTANT'), v("'toString'", 'toString'), v('null', null), v('0', 0)], invoke);
  optionSite(call, 'fillValue', [...badNumbers(), v('256', 256), v('-1', -1), v('0.5', 0.5)], invoke, { fill: 'constant' });
  optionSite(`${call} (float32)`, 'fillValue', [...NON_FINITE, v('1e39 (∞ in float32)', 1e39)], onFloat, { fill: 'constant' });
  if (call === 'affineAsync') threadSites(call, invoke, { rotation: 10 });
}

// mixup, cutmix and their Async twins: a batch and its Float32Array labels
for (const call of ['mixup', 'mixupAsync', 'cutmix', 'cutmixAsync'] as const) {
  const fn = fastaug[call] as (batch: unknown, labels: unknown, options?: unknown) => unknown;
  const K = 3;
  const rows = (): Float32Array => Float32Array.of(1, 0, 0, 0, 1, 0);
  const invoke = (options: unknown): unknown => fn(batchOf(), rows(), options);
  const isCutmix = call.startsWith('cutmix');
  if (!call.endsWith('Async')) batchSites(call, (batch) => fn(batch, rows()));
  else site(call, 'batch.data', notTypedArrays(Uint8Array, SIZE, ['Float32Array']).slice(0, 6), (data) => fn({ data, shape: [N, H, W, C] }, rows()));
  site(call, 'labels', [...notTypedArrays(Float32Array, N * K), ...wrongLengths(Float32Array, N * K).filter((b) => !b.label.startsWith('Float32Array(0)') && !b.label.includes('SharedArrayBuffer')).slice(0, 3)],
    (labels) => fn(batchOf(), labels));
  site(call, 'labels', [fresh('Float32Array(6) with numClasses 2 (n × 2 = 4)', () => rows())], (labels) => fn(batchOf(), labels, { numClasses: 2 }));
  optionObjectSites(call, call, invoke, {});
  imageOutSites(call, (batch, options) => fn(batch, rows(), options), {}, false);
  randomSites(call, invoke, {}, 2 ** 32 - N);
  optionSite(call, 'alpha', [...badNumbers(), v('0', 0), v('-1', -1), v('1e7 (at most 1e6)', 1e7)], invoke);
  optionSite(call, 'lambda', [...NOT_NUMBERS.filter((b) => !['[]', '[1]'].includes(b.label)), ...NON_FINITE, v('-0.1', -0.1), v('1.5', 1.5), v('[0.5] (n = 2)', [0.5])], invoke);
  site(call, 'lambda[1]', [v('[0.5, 2]', [0.5, 2]), v("[0.5, '0.5']", [0.5, '0.5']), v('[0.5, NaN]', [0.5, NaN])], (lambda) => invoke({ lambda }));
  optionSite(call, 'partner', [v('1', 1), v('null', null), v('[0] (n = 2)', [0]), v("'01'", '01')], invoke);
  site(call, 'partner[1]', [v('[1, 2] (n = 2)', [1, 2]), v('[1, -1]', [1, -1]), v('[1, 0.5]', [1, 0.5]), v("[1, '0']", [1, '0'])], (partner) => invoke({ partner }));
  optionSite(call, 'numClasses', [...badIntegers(2 ** 31 - 1, 1)], invoke);
  site(call, 'labelsOut', [
    ...notTypedArrays(Float32Array, N * K).filter((b) => b.label !== 'undefined'), ...wrongLengths(Float32Array, N * K).slice(0, 2),
  ], (labelsOut) => invoke({ labelsOut }));
  site(call, 'labelsOut', [fresh('labels itself', () => 'self')], () => {
    const y = rows();
    return fn(batchOf(), y, { labelsOut: y });
  });
  if (isCutmix) {
    const box = { top: [0, 0], left: [0, 0], height: [1, 1], width: [1, 1] };
    optionSite(call, 'box', [v('null', null), v('1', 1), v('[]', []), v("'box'", 'box')], invoke);
    site(call, 'box.top', [v('missing', undefined), v('[0] (n = 2)', [0]), v('1', 1)], (top) => invoke({ box: { ...box, top } }));
    site(call, 'box.height[0]', [v('[3, 1] (beyond the image)', [3, 1]), v('[-1, 1]', [-1, 1]), v('[0.5, 1]', [0.5, 1])], (height) => invoke({ box: { ...box, height } }));
    site(call, 'box.width[1]', [v('[1, 4] (beyond the image)', [1, 4])], (width) => invoke({ box: { ...box, width } }));
    site(call, 'lambda', [v('0.5 with a box', 0.5)], (lambda) => invoke({ box, lambda }));
  } else {
    site(call, 'box', [v('{ box } (cutmix only)', 'box')], (key) => invoke({ [key as string]: {} }));
  }
  if (call.endsWith('Async')) threadSites(call, invoke, {});
  else site(call, 'threads', [v('{ threads: 2 } (only the Async twin has a pool)', 'threads')], (key) => invoke({ [key as string]: 2 }));
}

// noise ops, sync and async
const NOISE_BASE = { gaussianNoise: { std: 1 }, uniformNoise: { low: 0, high: 1 }, speckleNoise: { std: 0.1 }, saltAndPepper: { amount: 0.1 } } as const;
for (const op of ['gaussianNoise', 'uniformNoise', 'speckleNoise', 'saltAndPepper'] as const) {
  for (const call of [op, `${op}Async`] as const) {
    const fn = fastaug[call] as ImageCall;
    const base = NOISE_BASE[op];
    const invoke = (options: unknown): unknown => fn(batchOf(), options);
    const onFloat = (options: unknown): unknown => fn(floatBatch(), options);
    const isAsync = call !== op;
    // the whole batch battery once per op, on its sync form; the async forms share its code, so a sample
    if (!isAsync) batchSites(call, (batch) => fn(batch, base));
    else site(call, 'batch.data', notTypedArrays(Uint8Array, SIZE, ['Float32Array']).slice(0, 6), (data) => fn({ data, shape: [N, H, W, C] }, base));
    if (isAsync) site(call, 'batch.data', [fresh('Uint8Array on a resizable ArrayBuffer', () => new Uint8Array(new Resizable(SIZE, { maxByteLength: 2 * SIZE })))], (data) => fn({ data, shape: [N, H, W, C] }, base));
    optionObjectSites(call, call, invoke, base);
    site(call, `${call} options`, [v('undefined (required)', undefined)], invoke);
    imageOutSites(call, fn, base, true);
    randomSites(call, invoke, base, 2 ** 32 - N);
    optionSite(call, 'perChannel', badBooleans, invoke, base);
    if (op === 'gaussianNoise' || op === 'speckleNoise') {
      const stds = [...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-1', -1), v('-Number.MIN_VALUE', -Number.MIN_VALUE), v('[2, 1]', [2, 1]), v('[-1, 1]', [-1, 1]), v('[1]', [1]), v('[NaN, 1]', [NaN, 1])];
      optionSite(call, 'std', stds, invoke, {});
      site(call, 'std', [v('missing', undefined)], (std) => invoke({ std, seed: 1 }));
    }
    if (op === 'gaussianNoise') optionSite(call, 'mean', badNumbers(), invoke, base);
    if (op === 'uniformNoise') {
      optionSite(call, 'low', badNumbers(), invoke, { high: 1 });
      optionSite(call, 'high', [...badNumbers(), v('-1 (< low 0)', -1)], invoke, { low: 0 });
      site(call, 'high', [v('3.4e38 with low -3.4e38 (span ∞ in float32)', 3.4e38)], (high) => invoke({ low: -3.4e38, high }));
    }
    if (op === 'saltAndPepper') {
      optionSite(call, 'amount', [...NOT_NUMBERS.filter((b) => b.label !== '[1]'), ...NON_FINITE, v('-0.1', -0.1), v('1.1', 1.1), v('[0.5, 0.2]', [0.5, 0.2]), v('[0, 2]', [0, 2])], invoke, {});
      optionSite(call, 'saltRatio', [...badNumbers(), v('-0.1', -0.1), v('1.5', 1.5)], invoke, base);
      optionSite(call, 'min', [v('0 (uint8)', 0)], invoke, base);
      optionSite(call, 'max', [v('255 (uint8)', 255)], invoke, base);
      optionSite(`${call} (float32)`, 'min', badNumbers(), onFloat, base);
      optionSite(`${call} (float32)`, 'max', badNumbers(), onFloat, base);
    } else {
      optionSite(call, 'clip', [v('[0, 255] (uint8)', [0, 255])], invoke, base);
      optionSite(`${call} (float32)`, 'clip', [
        v('[1, 0]', [1, 0]), v('[NaN, 1]', [NaN, 1]), v('[0, Infinity]', [0, Infinity]), v('[0]', [0]), v('[0, 1, 2]', [0, 1, 2]), v("['0', 1]", ['0', 1]), v('0', 0), v('null', null),
        v('Float32Array [0, 1]', Float32Array.of(0, 1)),
      ], onFloat, base);
    }
    if (isAsync) threadSites(call, invoke, base);
  }
}

// element streams
for (const call of ['randomUniform', 'randomNormal', 'randomUniformAsync', 'randomNormalAsync'] as const) {
  const fn = fastaug[call] as (length: unknown, options?: unknown) => unknown;
  const invoke = (options: unknown): unknown => fn(8, options);
  site(call, `${call.replace('Async', '')} length`, badIntegers(2 ** 32), (length) => fn(length));
  optionObjectSites(call, call, invoke, {});
  randomSites(call, invoke, {}, Number.MAX_SAFE_INTEGER - 8);
  site(call, 'out', [...notTypedArrays(Float32Array, 8).filter((b) => b.label !== 'undefined'), ...wrongLengths(Float32Array, 8)], (out) => invoke({ out }));
  if (call.startsWith('randomUniform')) {
    optionSite(call, 'low', badNumbers(), invoke);
    optionSite(call, 'high', [...badNumbers(), v('-1 (< low 0)', -1)], invoke);
    site(call, 'high', [v('(default 1) < low 2', 2)], (low) => invoke({ low }));
  } else {
    optionSite(call, 'mean', [...badNumbers(), v('1e39 (∞ in float32)', 1e39)], invoke);
    optionSite(call, 'std', [...badNumbers(), v('-1', -1), v('1e39 (∞ in float32)', 1e39)], invoke);
  }
  if (call.endsWith('Async')) {
    threadSites(call, invoke, {});
    site(call, 'out', [fresh('Float32Array on a resizable ArrayBuffer', () => new Float32Array(new Resizable(32, { maxByteLength: 64 })))], (out) => invoke({ out }));
  }
}

// hidden units
for (const call of ['gaussianDropout', 'gaussianDropoutAsync'] as const) {
  const fn = fastaug[call] as (x: unknown, options: unknown) => unknown;
  const x = (): Float32Array => new Float32Array(8);
  const invoke = (options: unknown): unknown => fn(x(), options);
  site(call, 'x', notTypedArrays(Float32Array, 8), (value) => fn(value, { rate: 0.5 }));
  optionObjectSites(call, call, invoke, { rate: 0.5 });
  randomSites(call, invoke, { rate: 0.5 }, Number.MAX_SAFE_INTEGER - 8);
  optionSite(call, 'rate', [...badNumbers(), v('1', 1), v('1.5', 1.5), v('-0.1', -0.1), v('-Number.MIN_VALUE', -Number.MIN_VALUE)], invoke);
  site(call, 'out', [...notTypedArrays(Float32Array, 8).filter((b) => b.label !== 'undefined'), ...wrongLengths(Float32Array, 8)], (out) => invoke({ rate: 0.5, out }));
  site(call, 'out', [fresh('a view one element into x\'s buffer', () => 0)], () => {
    const buffer = new ArrayBuffer(9 * 4);
    return fn(new Float32Array(buffer, 0, 8), { rate: 0.5, out: new Float32Array(buffer, 4, 8) });
  });
  if (call.endsWith('Async')) threadSites(call, invoke, { rate: 0.5 });
}
{
  const invoke = (options: unknown): unknown => fastaug.dropoutMask(8, options as never);
  site('dropoutMask', 'dropoutMask length', badIntegers(2 ** 32), (length) => fastaug.dropoutMask(length as number, { rate: 0.5 }));
  optionObjectSites('dropoutMask', 'dropoutMask', invoke, { rate: 0.5 });
  site('dropoutMask', 'rate', [v('missing', undefined)], (rate) => invoke({ rate }));
  optionSite('dropoutMask', 'rate', [...badNumbers(), v('1', 1), v('-0.5', -0.5)], invoke);
  site('dropoutMask', 'out', wrongLengths(Float32Array, 8), (out) => invoke({ rate: 0.5, out }));
}

// labels
{
  const smooth = (options: unknown): unknown => fastaug.labelSmoothing(new Float32Array(12), options as never);
  const base = { numClasses: 3, epsilon: 0.1 };
  site('labelSmoothing', 'oneHot', notTypedArrays(Float32Array, 12), (oneHot) => fastaug.labelSmoothing(oneHot as Float32Array, base));
  site('labelSmoothing', 'oneHot', [fresh('Float32Array(10) for 3 classes', () => new Float32Array(10)), fresh('Float32Array(11) claiming 12', () => fakeLength(new Float32Array(11), 12))],
    (oneHot) => fastaug.labelSmoothing(oneHot as Float32Array, base));
  optionObjectSites('labelSmoothing', 'labelSmoothing', smooth, base);
  optionSite('labelSmoothing', 'numClasses', badIntegers(2 ** 31 - 1, 2).concat(v('1', 1)), smooth, { epsilon: 0.1 });
  optionSite('labelSmoothing', 'epsilon', [...badNumbers(), v('-0.1', -0.1), v('1.1', 1.1)], smooth, { numClasses: 3 });
  site('labelSmoothing', 'out', [...notTypedArrays(Float32Array, 12).filter((b) => b.label !== 'undefined'), ...wrongLengths(Float32Array, 12)], (out) => smooth({ ...base, out }));

  const labels = (): Int32Array => Int32Array.of(0, 1, 2, 1);
  const flip = (options: unknown): unknown => fastaug.flipLabels(labels(), options as never);
  const flipBase = { p: 0.5, numClasses: 3 };
  site('flipLabels', 'labels', notTypedArrays(Int32Array, 4, ['Uint8Array', 'Uint16Array']), (value) => fastaug.flipLabels(value as Int32Array, flipBase));
  site('flipLabels', 'labels[1]', [v('Int32Array [0, 3]', Int32Array.of(0, 3)), v('Int32Array [0, -1]', Int32Array.of(0, -1)), v('Uint16Array [0, 70]', Uint16Array.of(0, 70))],
    (value) => fastaug.flipLabels(value as Int32Array, flipBase));
  optionObjectSites('flipLabels', 'flipLabels', flip, flipBase);
  randomSites('flipLabels', flip, flipBase, 2 ** 32 - 4);
  optionSite('flipLabels', 'p', [...badNumbers(), v('-0.1', -0.1), v('1.1', 1.1)], flip, { numClasses: 3 });
  optionSite('flipLabels', 'numClasses', badIntegers(2 ** 31 - 1, 2).concat(v('1', 1)), flip, { p: 0.5 });
  site('flipLabels', 'numClasses', [v('257 for Uint8Array labels', 257)], (k) => fastaug.flipLabels(Uint8Array.of(0, 1), { p: 0.5, numClasses: k as number }));
  site('flipLabels', 'out', [
    fresh('Uint8Array(4) for Int32Array labels', () => new Uint8Array(4)), fresh('Float32Array(4)', () => new Float32Array(4)), ...wrongLengths(Int32Array, 4),
  ], (out) => flip({ ...flipBase, out }));
  site('philox4x32', 'counter', [
    v('null', null), v("'abcd'", 'abcd'), v('[1, 2, 3]', [1, 2, 3]), v('[1, 2, 3, 4, 5]', [1, 2, 3, 4, 5]), v('1', 1), fresh('a revoked Proxy', revoked),
  ], (counter) => fastaug.philox4x32(counter as number[], [0, 0]));
  site('philox4x32', 'counter[3]', badIntegers(2 ** 32 - 1), (w) => fastaug.philox4x32([0, 0, 0, w as number], [0, 0]));
  site('philox4x32', 'key', [v('null', null), v('[1]', [1]), v('[1, 2, 3]', [1, 2, 3])], (key) => fastaug.philox4x32([0, 0, 0, 0], key as number[]));
  site('philox4x32', 'key[0]', [v('-1', -1), v('2^32', 2 ** 32), v('0.5', 0.5), v('NaN', NaN), v("'0'", '0')], (w) => fastaug.philox4x32([0, 0, 0, 0], [w as number, 0]));
}

// Pipeline: construction, run, runAsync, replay, fromJSON
{
  const make = (steps: unknown, options?: unknown): unknown => new Pipeline(steps as never, options as never);
  site('new Pipeline', 'steps', [v('null', null), v('{}', {}), v("'shift'", 'shift'), v('1', 1), fresh('a revoked Proxy', revoked)], (steps) => make(steps));
  site('new Pipeline', 'steps[0]', [v('null', null), v('1', 1), v("'shift'", 'shift'), v('[]', []), v('a class instance', new Options())], (step) => make([step]));
  site('new Pipeline', 'steps[1].op', [v("'rotate'", 'rotate'), v("'__proto__'", '__proto__'), v("'constructor'", 'constructor'), v("'toString'", 'toString'), v('1', 1), v('null', null), v('missing', undefined)],
    (op) => make([{ op: 'shift', options: { dx: 1 } }, { op }]));
  site('new Pipeline', 'steps[0].p', [...badNumbers(), v('-0.1', -0.1), v('1.1', 1.1)], (p) => make([{ op: 'shift', options: { dx: 1 }, p }]));
  site('new Pipeline', 'steps[0].options', [v('null', null), v('1', 1), v('[]', []), v('a class instance', new Options()), fresh('a Proxy (cannot be copied)', () => new Proxy({ dx: 1 }, {}))],
    (options) => make([{ op: 'shift', options }]));
  site('new Pipeline', 'steps[0].options.dx', [v('[1, 2]', [1, 2]), v('[1]', [1]), v('Float64Array [1]', Float64Array.of(1)), v("'1'", '1')], (dx) => make([{ op: 'shift', options: { dx } }]));
  site('new Pipeline', 'extra', [v('{ op, extra }', 'extra')], (key) => make([{ op: 'shift', [key as string]: 1 }]));
  for (const reserved of ['seed', 'index', 'epoch', 'out', 'threads']) {
    site('new Pipeline', `'${reserved}'`, [v(`options.${reserved}`, 1)], (value) => make([{ op: 'gaussianNoise', options: { std: 1, [reserved]: value } }]));
  }
  // each op's own checks, run at construction, prefixed with the step
  for (const [op, option, value] of [
    ['shift', 'x', 'a'], ['shift', 'fill', 'zero'], ['shift', 'interpolation', 1], ['gaussianNoise', 'std', -1], ['gaussianNoise', 'mean', NaN],
    ['uniformNoise', 'high', -1], ['speckleNoise', 'clip', [1, 0]], ['saltAndPepper', 'amount', 2], ['saltAndPepper', 'saltRatio', -1], ['saltAndPepper', 'sed', 1],
  ] as const) {
    const base = op === 'shift' ? {} : NOISE_BASE[op];
    site(`new Pipeline ${op}`, option, [v(String(value), value)], (x) => make([{ op, options: { ...base, [option]: x } }]));
  }
  site('new Pipeline', 'Pipeline options', [v('null', null), v('1', 1), v('a class instance', new Options()), fresh('a revoked Proxy', revoked)], (options) => make([], options));
  site('new Pipeline', 'sed', [v('{ sed: 1 }', 'sed')], (key) => make([], { [key as string]: 1 }));
  site('new Pipeline', 'seed', badSeeds, (seed) => make([], { seed }));

  const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.2 }, p: 0.5 }, { op: 'gaussianNoise', options: { std: [1, 5] } }], { seed: 3 });
  batchSites('Pipeline.run', (batch) => pipeline.run(batch as never));
  site('Pipeline.runAsync', 'batch.data', notTypedArrays(Uint8Array, SIZE, ['Float32Array']).slice(0, 8), (data) => pipeline.runAsync({ data, shape: [N, H, W, C] } as never));
  for (const [call, run] of [['Pipeline.run', (o: unknown) => pipeline.run(batchOf() as never, o as never)], ['Pipeline.runAsync', (o: unknown) => pipeline.runAsync(batchOf() as never, o as never)]] as const) {
    site(call, `${call} options`, badOptionObjects, run);
    site(call, 'record', badBooleans.concat(v("'yes'", 'yes')), (record) => run({ record }));
    optionSite(call, 'index', badIntegers(2 ** 32 - N), run);
    optionSite(call, 'epoch', badIntegers(2 ** 32 - 1), run);
    site(call, 'seed', [v('{ seed: 1 }', 'seed')], (key) => run({ [key as string]: 1 }));
  }
  site('Pipeline.run', 'threads', [v('{ threads: 2 } (only runAsync has a pool)', 'threads')], (key) => pipeline.run(batchOf() as never, { [key as string]: 2 } as never));
  threadSites('Pipeline.runAsync', (o) => pipeline.runAsync(batchOf() as never, o as never), {});

  const records = (): Array<Record<string, unknown>> => pipeline.run(batchOf() as never, { record: true }).records as never;
  const replay = (r: unknown): unknown => pipeline.replay(batchOf() as never, r as never);
  site('Pipeline.replay', 'records', [
    v('null', null), v('{}', {}), v('[]', []), v("'[]'", '[]'), fresh('one record for two images', () => records().slice(0, 1)), fresh('three records for two images', () => [...records(), records()[0]]),
    fresh('records holding a function', () => [{ ...records()[0], f: () => 1 }, records()[1]]), fresh('records holding a Symbol', () => [Symbol('r'), records()[1]]),
  ], replay);
  const withRecord = (change: (r: Record<string, unknown>) => void): (() => unknown) => () => {
    const r = records();
    change(r[0]!);
    return r;
  };
  const step = (r: Record<string, unknown>, i: number): Record<string, unknown> => (r.steps as Array<Record<string, unknown>>)[i]!;
  site('Pipeline.replay', 'records[0]', [v('null', null), v('1', 1), v("'x'", 'x')], (value) => replay([value, records()[1]]));
  site('Pipeline.replay', 'records[0]', [
    fresh('steps missing', withRecord((r) => delete r.steps)), fresh('one step of two', withRecord((r) => (r.steps as unknown[]).pop())),
    fresh("steps 'x'", withRecord((r) => { r.steps = 'x'; })),
  ], replay);
  site('Pipeline.replay', 'records[0].index', [v('-1', -1), v('2^32', 2 ** 32), v('0.5', 0.5), v("'0'", '0'), v('missing', undefined)],
    (index) => replay(withRecord((r) => { r.index = index; })()));
  site('Pipeline.replay', 'records[0].epoch', [v('-1', -1), v('NaN', NaN), v('null', null)], (epoch) => replay(withRecord((r) => { r.epoch = epoch; })()));
  site('Pipeline.replay', 'records[0].steps[0]', [v('null', null), v("'shift'", 'shift'), v('[]', [])], (s) => replay(withRecord((r) => { (r.steps as unknown[])[0] = s; })()));
  site('Pipeline.replay', 'records[0].steps[0].op', [v("'gaussianNoise'", 'gaussianNoise'), v('missing', undefined)], (op) => replay(withRecord((r) => { step(r, 0).op = op; })()));
  site('Pipeline.replay', 'records[0].steps[1].applied', [v("'yes'", 'yes'), v('1', 1), v('missing', undefined)], (a) => replay(withRecord((r) => { step(r, 1).applied = a; })()));
  site('Pipeline.replay', 'records[0].steps[1].params', [v('null', null), v('[]', []), v('missing', undefined)], (p) => replay(withRecord((r) => { step(r, 1).params = p; })()));
  site('Pipeline.replay', 'records[0].steps[0].params.dx', [v('NaN', NaN), v('Infinity', Infinity), v("'1'", '1'), v('missing', undefined)],
    (dx) => replay(withRecord((r) => { Object.assign(step(r, 0), { applied: true, params: { dx, dy: 0 } }); })()));

  // batches with labels, label steps
  const labelled = new Pipeline([{ op: 'mixup', p: 0.5 }, { op: 'labelSmoothing', options: { numClasses: 3, epsilon: 0.1 } }], { seed: 3 });
  const classesPipeline = new Pipeline([{ op: 'flipLabels', options: { p: 0.5, numClasses: 3 } }], { seed: 3 });
  for (const [call, run] of [['Pipeline.run', (b: unknown) => labelled.run(b as never)], ['Pipeline.runAsync', (b: unknown) => labelled.runAsync(b as never)]] as const) {
    site(call, 'labels', [
      v('missing', undefined), v('null', null), v('array(6)', [1, 0, 0, 0, 1, 0]), fresh('Float64Array(6)', () => new Float64Array(6)), fresh('Int32Array(2) (classes for a rows step)', () => new Int32Array(2)),
      fresh('Float32Array(7) (not n × K)', () => new Float32Array(7)), fresh('Float32Array(8) (4 wide for numClasses 3)', () => new Float32Array(8)), fresh('Float32Array(0)', () => new Float32Array(0)),
    ], (labels) => run({ images: batchOf(), labels }));
    site(call, 'images', [v('null', null), v('1', 1)], (images) => run({ images, labels: new Float32Array(6) }));
    site(call, 'extra', [v('{ images, labels, extra }', 'extra')], (key) => run({ images: batchOf(), labels: new Float32Array(6), [key as string]: 1 }));
  }
  site('Pipeline.run', 'labels', [v('missing (a batch without labels)', 'none')], () => labelled.run(batchOf() as never));
  site('Pipeline.run (flipLabels)', 'labels', [
    fresh('Float32Array(2) (rows for a classes step)', () => new Float32Array(2)), fresh('Int32Array(3) (n = 2)', () => new Int32Array(3))
  ], (labels) => classesPipeline.run({ images: batchOf(), labels } as never));
  site('Pipeline.run (flipLabels)', 'labels[1]', [fresh('Int32Array [0, 3] (numClasses 3)', () => Int32Array.of(0, 3))], (labels) => classesPipeline.run({ images: batchOf(), labels } as never));
  site('Pipeline.replay', 'labels', [v('missing', undefined), fresh('Float32Array(7)', () => new Float32Array(7))],
    (labels) => labelled.replay({ images: batchOf(), labels } as never, labelled.run({ images: batchOf() as never, labels: new Float32Array(6) }, { record: true }).records));
  site('new Pipeline', 'labels', [v('flipLabels with mixup (classes and rows)', 'both')], () => make([{ op: 'flipLabels', options: { p: 0.1, numClasses: 3 } }, { op: 'mixup' }]));
  site('new Pipeline', 'steps[0].options.lambda', [v('[0.5, 0.5]', [0.5, 0.5]), v("'0.5'", '0.5')], (lambda) => make([{ op: 'mixup', options: { lambda } }]));
  site('new Pipeline', 'steps[0].options.partner', [v('[1, 0]', [1, 0])], (partner) => make([{ op: 'mixup', options: { partner } }]));
  site('new Pipeline', 'steps[0].options.box', [v('{}', {})], (box) => make([{ op: 'cutmix', options: { box } }]));
  site('new Pipeline', 'steps[0].options.matrix', [v('[[1, 0, 0, 0, 1, 0]]', [[1, 0, 0, 0, 1, 0]]), v("'x'", 'x')], (matrix) => make([{ op: 'affine', options: { matrix } }]));
  site('new Pipeline', 'steps[0].options.sigmas', [v('[1, 1]', [1, 1])], (sigmas) => make([{ op: 'gaussianBlur', options: { sigmas } }]));
  site('new Pipeline', "'labelsOut'", [v('options.labelsOut', new Float32Array(6))], (labelsOut) => make([{ op: 'mixup', options: { labelsOut } }]));
  for (const [op, option, value, base] of [
    ['affine', 'rotation', 'a', {}], ['affine', 'zoom', 1, {}], ['gaussianBlur', 'sigma', -1, {}], ['mixup', 'alpha', 0, {}], ['cutmix', 'numClasses', 0.5, {}],
    ['labelSmoothing', 'epsilon', 2, { numClasses: 3 }], ['flipLabels', 'p', 2, { numClasses: 3 }], ['flipLabels', 'numClasses', 1, { p: 0.5 }],
  ] as const) {
    site(`new Pipeline ${op}`, option, [v(String(value), value)], (x) => make([{ op, options: { ...base, [option]: x } }]));
  }

  const fromJSON = (json: unknown): unknown => Pipeline.fromJSON(json);
  const steps = (list: unknown[]): string => JSON.stringify({ seed: '1', steps: list });
  site('Pipeline.fromJSON', 'json', [
    v('null', null), v('1', 1), v('[]', []), v('a Map', new Map()), v('a Pipeline', new Pipeline([])), fresh('a revoked Proxy', revoked),
    v("''", ''), v("'{'", '{'), v("'null'", 'null'), v("'[]'", '[]'), v("'1'", '1'), v('\'"x"\'', '"x"'), v("'{}'", '{}'), v('seed only', '{"seed":"1"}'), v('steps only', '{"steps":[]}'),
    v('seed a number', '{"seed":1,"steps":[]}'), v('seed "-1"', '{"seed":"-1","steps":[]}'), v('seed "1.5"', '{"seed":"1.5","steps":[]}'), v('seed "0x10"', '{"seed":"0x10","steps":[]}'),
    v('seed " 1"', '{"seed":" 1","steps":[]}'), v('seed ""', '{"seed":"","steps":[]}'), v('seed a bigint', { seed: 1n, steps: [] }), v('steps an object', '{"seed":"1","steps":{}}'),
    v('steps a string', '{"seed":"1","steps":"shift"}'), v('10 000 nested arrays', '['.repeat(10_000) + ']'.repeat(10_000)),
    v('trailing comma', '{"seed":"1","steps":[],}'), v('NaN literal', '{"seed":"1","steps":[{"op":"shift","p":NaN}]}'),
  ], fromJSON);
  site('Pipeline.fromJSON', 'extra', [v('an extra field', '{"seed":"1","steps":[],"extra":1}')], fromJSON);
  site('Pipeline.fromJSON', '__proto__', [v('a __proto__ field', '{"seed":"1","steps":[],"__proto__":{"x":1}}')], fromJSON);
  site('Pipeline.fromJSON', 'seed', [v('seed 2^64', '{"seed":"18446744073709551616","steps":[]}'), v('seed 10^40', `{"seed":"1${'0'.repeat(40)}","steps":[]}`)], fromJSON);
  site('Pipeline.fromJSON', 'steps[0]', [v('[null]', steps([null])), v('[1]', steps([1])), v('[[]]', steps([[]]))], fromJSON);
  site('Pipeline.fromJSON', 'steps[0].op', [v('op "rotate"', steps([{ op: 'rotate' }])), v('op "__proto__"', steps([{ op: '__proto__' }])), v('op "hasOwnProperty"', steps([{ op: 'hasOwnProperty' }])), v('no op', steps([{}]))], fromJSON);
  site('Pipeline.fromJSON', 'steps[0].p', [v('p 2', steps([{ op: 'shift', p: 2 }])), v('p "0.5"', steps([{ op: 'shift', p: '0.5' }])), v('p null', steps([{ op: 'shift', p: null }])), v('p 1e400', '{"seed":"1","steps":[{"op":"shift","p":1e400}]}')], fromJSON);
  site('Pipeline.fromJSON', 'steps[0].options', [v('options null', steps([{ op: 'shift', options: null }])), v('options []', steps([{ op: 'shift', options: [] }])), v('options "x"', steps([{ op: 'shift', options: 'x' }]))], fromJSON);
  site('Pipeline.fromJSON', 'steps[0].options.dx', [v('dx [1, 2]', steps([{ op: 'shift', options: { dx: [1, 2] } }])), v('dx {"0": 1}', steps([{ op: 'shift', options: { dx: { 0: 1 } } }]))], fromJSON);
  site('Pipeline.fromJSON', 'std', [v('gaussianNoise without std', steps([{ op: 'gaussianNoise', options: {} }])), v('std -1', steps([{ op: 'gaussianNoise', options: { std: -1 } }])), v('std 1e400', '{"seed":"1","steps":[{"op":"gaussianNoise","options":{"std":1e400}}]}')], fromJSON);
  site('Pipeline.fromJSON', "'seed'", [v('a step seed', steps([{ op: 'shift', options: { seed: 1 } }]))], fromJSON);
  site('Pipeline.fromJSON', 'q', [v('a step field q', steps([{ op: 'shift', q: 1 }]))], fromJSON);
  site('Pipeline.fromJSON', '__proto__', [v('a step option __proto__', '{"seed":"1","steps":[{"op":"shift","options":{"__proto__":{"dx":1}}}]}')], fromJSON);
}

// ---- the test --------------------------------------------------------------------

/** The part of a message before the value it quotes: the name must be there, not only in the echo of the bad value. */
function namesArgument(message: string, name: string): boolean {
  const head = message.split(' but received ')[0]!;
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s('])${escaped}($|[\\s)',;:])`).test(head);
}

async function outcome(c: Case): Promise<unknown> {
  let result: unknown;
  try {
    result = c.run();
  } catch (error) {
    return c.isAsync ? new Error(`threw synchronously instead of rejecting: ${String(error)}`) : error;
  }
  if (!c.isAsync) return new Error('did not throw');
  if (!(result instanceof Promise)) return new Error('returned no promise');
  try {
    await result;
  } catch (error) {
    return error;
  }
  return new Error('did not reject');
}

const runnable = cases.filter((c) => addon || !c.needsAddon);
const testedBackends = [jsReference, ...nativeBackends.slice(0, 1)];

describe('bad-input battery', () => {
  it('every case is a distinct input, and there are at least 300', () => {
    const keys = new Set(cases.map((c) => c.key));
    expect(cases.map((c) => c.key).filter((k, i, all) => all.indexOf(k) !== i)).toEqual([]);
    expect(keys.size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const sites = new Set(cases.map((c) => `${c.key.split(' = ')[0]}`));
    console.log(`bad-input battery: ${runnable.length} distinct bad inputs over ${sites.size} argument sites, each on ${testedBackends.map(backendName).join(' and ')}`
      + (runnable.length < cases.length ? ` (${cases.length - runnable.length} need the addon)` : ''));
  });

  for (const backend of testedBackends) {
    it(`each throws a TypeError or RangeError naming the argument on ${backendName(backend)}`, async () => {
      const failures: string[] = [];
      active.backend = backend;
      try {
        for (const c of runnable) {
          const error = await outcome(c);
          const message = error instanceof Error ? error.message : String(error);
          if (!(error instanceof TypeError || error instanceof RangeError)) failures.push(`${c.key}: ${error instanceof Error ? error.constructor.name : typeof error}: ${message}`);
          else if (!namesArgument(message, c.name)) failures.push(`${c.key}: does not name ${c.name}: ${message}`);
        }
      } finally {
        active.backend = undefined;
      }
      expect(failures).toEqual([]);
    });
  }
});
