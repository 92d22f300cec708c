// Loads the Node-API addon with node-gyp-build (prebuilds/ first, then
// build/Release) and wraps it as a Backend bound to one ISA. If it cannot
// load, loadNative() says why instead of throwing.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

import nodeGypBuild from 'node-gyp-build';

import type { AffineRequest, Backend, BlurRequest, ColorRequest, ContrastRequest, CropRequest, EraseRequest, FlipRequest, GammaRequest, MixRequest, NoiseRequest, ResizedCropRequest, ShiftRequest, StreamRequest } from './backend.js';

type StreamFn = (
  isa: number, out: Float32Array, key0: number, key1: number, first: number,
  epoch: number, stream: number, offset: number, scale: number, async: boolean,
) => Promise<void> | undefined;

/** The addon's exports (native/addon.cc). */
export interface NativeAddon {
  isas(): string[];
  version: string;
  philox4x32(counter: Uint32Array, key: Uint32Array, out: Uint32Array): void;
  perSampleWords(out: Uint32Array, key0: number, key1: number, index: number, epoch: number, stream: number): void;
  drawnShiftPixels(
    kx: Int32Array, ky: Int32Array, count: number, key0: number, key1: number, index: number, epoch: number, stream: number,
    loX: number, spanX: number, width: number, loY: number, spanY: number, height: number,
  ): number;
  randomUniform: StreamFn;
  randomNormal: StreamFn;
  shift(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    fill: number, fillValue: number, kx: Int32Array, ky: Int32Array, wx1: Float32Array, wx0: Float32Array, wy1: Float32Array, wy0: Float32Array,
    first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  noise(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean, perChannel: boolean,
    kind: number, key0: number, key1: number, epoch: number, stream: number, firstSample: number, offset: Float32Array, scale: Float32Array,
    clip: boolean, clipLo: number, clipHi: number, pepperBelow: Uint32Array, saltBelow: Uint32Array, pepperValue: number, saltValue: number,
    begin: number, end: number, async: boolean,
  ): Promise<void> | undefined;
  gaussianDropout(isa: number, x: Float32Array, out: Float32Array, key0: number, key1: number, first: number, epoch: number, stream: number, offset: number, scale: number, async: boolean): Promise<void> | undefined;
  dropoutMask(isa: number, out: Float32Array, key0: number, key1: number, first: number, epoch: number, stream: number, rate: number, keepValue: number, async: boolean): Promise<void> | undefined;
  flip(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    horizontal: Uint8Array, vertical: Uint8Array, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  crop(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    outH: number, outW: number, fill: number, fillValue: number, top: Int32Array, left: Int32Array, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  resizedCrop(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean, outH: number, outW: number,
    x0: Int32Array, x1: Int32Array, wx0: Float32Array, wx1: Float32Array, y0: Int32Array, y1: Int32Array, wy0: Float32Array, wy1: Float32Array,
    first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  colorAffine(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    scale: Float32Array, offset: Float32Array, clip: boolean, clipLo: number, clipHi: number, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  channelSums(
    isa: number, src: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean, sums: Float64Array, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  contrast(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    scale: Float32Array, offset: Float32Array, sums: Float64Array, perChannel: boolean, clip: boolean, clipLo: number, clipHi: number,
    first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  affine(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    fill: number, fillValue: number, nearest: boolean, matrix: Float64Array, translate: Uint8Array,
    kx: Int32Array, ky: Int32Array, wx1: Float32Array, wx0: Float32Array, wy1: Float32Array, wy0: Float32Array, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  blur(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean,
    fill: number, fillValue: number, radius: Int32Array, weights: Float32Array, stride: number, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  mix(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean, n: number, paste: boolean,
    partner: Int32Array, wa: Float32Array, wb: Float32Array, top: Int32Array, left: Int32Array, height: Int32Array, width: Int32Array,
    first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  gamma(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number,
    lut: Uint8Array, gamma: Float32Array, clip: boolean, clipLo: number, clipHi: number, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  erase(
    isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, h: number, w: number, c: number, nchw: boolean, boxes: number,
    top: Int32Array, left: Int32Array, height: Int32Array, width: Int32Array, noise: boolean, values: Float32Array,
    key0: number, key1: number, epoch: number, stream: number, firstSample: number, first: number, count: number, async: boolean,
  ): Promise<void> | undefined;
  /** Until runJobs or dropJobs, synchronous kernel calls queue their work instead of running it. */
  beginJobs(): void;
  /** Runs the queued work on the calling thread and up to `helpers` addon threads; returns when all has run. */
  runJobs(helpers: number): void;
  dropJobs(): void;
  /** How two arrays' bytes relate in memory (by address): 0 disjoint, 1 the same first byte, 2 any other overlap. */
  memoryOverlap(a: ArrayBufferView, b: ArrayBufferView): number;
}

export type NativeLoad = { addon: NativeAddon; error?: undefined } | { addon?: undefined; error: string };

/** The package root: the nearest directory above this file with fastaug's package.json. */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, 'package.json');
    if (existsSync(manifest) && (JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string }).name === 'fastaug') return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`fastaug: no package.json above ${__dirname}`);
    dir = parent;
  }
}

/** Every function the TypeScript side calls on the addon. */
export const ADDON_FUNCTIONS = ['isas', 'philox4x32', 'perSampleWords', 'randomUniform', 'randomNormal', 'shift', 'noise', 'gaussianDropout', 'dropoutMask', 'memoryOverlap', 'flip', 'crop', 'affine', 'colorAffine', 'channelSums', 'contrast', 'blur', 'mix', 'gamma', 'erase', 'resizedCrop', 'beginJobs', 'runJobs', 'dropJobs', 'drawnShiftPixels'] as const;

/**
 * Why a loaded addon cannot serve this package (a stale build or prebuild
 * from another version), or undefined when it can.
 */
export function addonMismatch(addon: unknown, version: string): string | undefined {
  if (typeof addon !== 'object' || addon === null) return 'it exports nothing';
  const table = addon as Record<string, unknown>;
  const missing = ADDON_FUNCTIONS.filter((name) => typeof table[name] !== 'function');
  if (table.version !== version) return `it is from fastaug ${String(table.version)}, this is ${version}`;
  if (missing.length > 0) return `it lacks ${missing.join(', ')}`;
  return undefined;
}

function packageVersion(root: string): string {
  return (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string }).version;
}

const NEEDS = 'needs g++, make, python3 and Node headers';

/** The prebuilt addons the npm package ships (scripts/prebuild.mjs). */
export const PREBUILT_FOR = ['linux-x64', 'linux-arm64'] as const;

/**
 * How to get an addon for the fastaug at `root`. The package ships
 * prebuilds for PREBUILT_FOR (glibc), which load without any build; elsewhere
 * (or where a prebuild does not load) it is compiled from source.
 * `npm run build:native` exists only in fastaug's own checkout, so a copy
 * installed under a project's node_modules is rebuilt through npm (which
 * runs its install script, and from npm 12 only once the project has
 * approved it).
 */
export function buildAdvice(root: string): string {
  return root.split(path.sep).includes('node_modules')
    ? `fastaug ships prebuilt addons for ${PREBUILT_FOR.join(' and ')} (glibc); where none loads, compile one from your project with 'npm rebuild fastaug' (${NEEDS}; npm 12 and later run it only once approved: 'npm install-scripts approve fastaug')`
    : `build it with 'npm run build:native' (${NEEDS})`;
}

let loaded: NativeLoad | undefined;

export function loadNative(): NativeLoad {
  if (!loaded) {
    const explicit = process.env.FASTAUG_NATIVE_PATH;
    let root = __dirname;
    try {
      // FASTAUG_NATIVE_PATH: load this .node file instead (a cmake-js or sanitizer build).
      root = packageRoot();
      const addon: unknown = explicit ? require(path.resolve(explicit)) : nodeGypBuild(root);
      const mismatch = addonMismatch(addon, packageVersion(root));
      if (mismatch) {
        const file = explicit ?? (nodeGypBuild as unknown as { resolve(dir: string): string }).resolve(root);
        throw new Error(`${file} does not match this package: ${mismatch}`);
      }
      loaded = { addon: addon as NativeAddon };
    } catch (error) {
      const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
      loaded = {
        error: explicit
          ? `the addon ${path.resolve(explicit)} named by FASTAUG_NATIVE_PATH did not load (${reason})`
          : `the native addon did not load (${reason}); ${buildAdvice(root)}`,
      };
    }
  }
  return loaded;
}

/** A kernel's per-image parameter array. */
type ParamArray = Int32Array | Uint32Array | Float32Array | Float64Array | Uint8Array;

/**
 * V8 keeps a typed array of up to 64 bytes (a few per-image parameters of a
 * call on one image) on the JS heap, and moves it off the heap (a new
 * ArrayBuffer and backing store) the first time native code asks for its
 * memory: ~0.35 µs per array, 2 µs of a shift call on one 28×28 image. A
 * synchronous call passes copies of such arrays in this reused off-heap slab
 * instead. …Async calls (whose jobs read them after the call returns) and
 * calls queued by runTogether (run after later calls reused the slab) pass
 * the arrays themselves.
 */
const paramSlab = { buffer: new ArrayBuffer(4096), used: 0, on: false, queueing: false, slot: 0 };
const ON_HEAP_BYTES = 64;

/**
 * The slab's views, by position in the call's arguments: calls of one op
 * make the same views at the same places, so they are made once and kept
 * (a new view per argument cost ~0.05 µs and garbage).
 */
const slabViews: ParamArray[] = [];

/** Starts a kernel call: the slab is free again for a synchronous one. */
function startCall(async: boolean): void {
  paramSlab.on = !async && !paramSlab.queueing;
  paramSlab.used = 0;
  paramSlab.slot = 0;
}

/** `a`, or a copy of it in the slab (see paramSlab). */
function param<T extends ParamArray>(a: T): T {
  const bytes = a.byteLength;
  if (!paramSlab.on || bytes > ON_HEAP_BYTES || paramSlab.used + bytes > paramSlab.buffer.byteLength) return a;
  const Type = a.constructor as new (buffer: ArrayBuffer, byteOffset: number, length: number) => T;
  let view = slabViews[paramSlab.slot] as T | undefined;
  if (view === undefined || view.constructor !== Type || view.length !== a.length || view.byteOffset !== paramSlab.used) {
    view = new Type(paramSlab.buffer, paramSlab.used, a.length);
    slabViews[paramSlab.slot] = view;
  }
  view.set(a as never);
  paramSlab.slot += 1;
  paramSlab.used += (bytes + 7) & ~7;  // 8-byte aligned for the next Float64Array
  return view;
}

function streamCall(fn: StreamFn, isa: number, out: Float32Array, r: StreamRequest, async: boolean): Promise<void> | undefined {
  return fn(isa, out, r.key0, r.key1, r.first, r.epoch, r.stream, r.offset, r.scale, async);
}

function shiftCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: ShiftRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.shift(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.fill, r.fillValue, param(r.kx), param(r.ky), param(r.wx1), param(r.wx0), param(r.wy1), param(r.wy0), first, count, async);
}

function noiseCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: NoiseRequest, begin: number, end: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.noise(
    isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.perChannel, r.kind, r.key0, r.key1, r.epoch, r.stream, r.firstSample,
    param(r.offset), param(r.scale), r.clip, r.clipLo, r.clipHi, param(r.pepperBelow), param(r.saltBelow), r.pepperValue, r.saltValue, begin, end, async,
  );
}

function flipCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: FlipRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.flip(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', param(r.horizontal), param(r.vertical), first, count, async);
}

function cropCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: CropRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.crop(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.outH, r.outW, r.fill, r.fillValue, param(r.top), param(r.left), first, count, async);
}

function colorCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: ColorRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.colorAffine(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', param(r.scale), param(r.offset), r.clip, r.clipLo, r.clipHi, first, count, async);
}

function contrastCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: ContrastRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.contrast(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', param(r.scale), r.offset, r.sums, r.perChannel, r.clip, r.clipLo, r.clipHi, first, count, async);
}

function affineCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: AffineRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  const s = r.shift;
  startCall(async);
  return addon.affine(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.fill, r.fillValue, r.nearest, param(r.matrix), param(r.translate), param(s.kx), param(s.ky), param(s.wx1), param(s.wx0), param(s.wy1), param(s.wy0), first, count, async);
}

function blurCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: BlurRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.blur(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.fill, r.fillValue, param(r.radius), param(r.weights), r.stride, first, count, async);
}

function mixCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: MixRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  startCall(async);
  return addon.mix(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.n, r.paste, param(r.partner), param(r.wa), param(r.wb), param(r.top), param(r.left), param(r.height), param(r.width), first, count, async);
}

function gammaCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: GammaRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  return addon.gamma(isa, src, dst, r.h, r.w, r.c, r.lut, r.gamma, r.clip, r.clipLo, r.clipHi, first, count, async);
}

function eraseCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: EraseRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  return addon.erase(
    isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.count, r.top, r.left, r.height, r.width, r.noise, r.values,
    r.key0, r.key1, r.epoch, r.stream, r.firstSample, first, count, async,
  );
}

function resizedCropCall(addon: NativeAddon, isa: number, src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, r: ResizedCropRequest, first: number, count: number, async: boolean): Promise<void> | undefined {
  return addon.resizedCrop(isa, src, dst, r.h, r.w, r.c, r.layout === 'NCHW', r.outH, r.outW, r.x0, r.x1, r.wx0, r.wx1, r.y0, r.y1, r.wy0, r.wy1, first, count, async);
}

/** A Backend running the addon's kernels for the ISA `isa` (one of addon.isas()). */
export function nativeBackend(addon: NativeAddon, isa: string): Backend {
  const index = addon.isas().indexOf(isa);
  if (index < 0) throw new RangeError(`fastaug: ISA '${isa}' is not supported by this CPU (supported: ${addon.isas().join(', ')})`);
  return {
    name: 'native',
    isa,
    poolThreads: true,
    runTogether: (helpers, queue) => {
      addon.beginJobs();
      paramSlab.queueing = true;
      try {
        queue();
      } catch (error) {
        addon.dropJobs();
        throw error;
      } finally {
        paramSlab.queueing = false;
      }
      addon.runJobs(helpers);
    },
    philox4x32: (counter, key, out) => addon.philox4x32(counter, key, out),
    perSampleWords: (out, key0, key1, index, epoch, stream) => addon.perSampleWords(out, key0, key1, index, epoch, stream),
    drawnShiftPixels: (kx, ky, count, key0, key1, index, epoch, stream, loX, spanX, width, loY, spanY, height) =>
      addon.drawnShiftPixels(kx, ky, count, key0, key1, index, epoch, stream, loX, spanX, width, loY, spanY, height),
    randomUniform: (out, r) => void streamCall(addon.randomUniform, index, out, r, false),
    randomNormal: (out, r) => void streamCall(addon.randomNormal, index, out, r, false),
    randomUniformAsync: (out, r) => streamCall(addon.randomUniform, index, out, r, true)!,
    randomNormalAsync: (out, r) => streamCall(addon.randomNormal, index, out, r, true)!,
    shift: (src, dst, r, first, count) => void shiftCall(addon, index, src, dst, r, first, count, false),
    shiftAsync: (src, dst, r, first, count) => shiftCall(addon, index, src, dst, r, first, count, true)!,
    noise: (src, dst, r, begin, end) => void noiseCall(addon, index, src, dst, r, begin, end, false),
    noiseAsync: (src, dst, r, begin, end) => noiseCall(addon, index, src, dst, r, begin, end, true)!,
    gaussianDropout: (x, out, r) => void addon.gaussianDropout(index, x, out, r.key0, r.key1, r.first, r.epoch, r.stream, r.offset, r.scale, false),
    gaussianDropoutAsync: (x, out, r) => addon.gaussianDropout(index, x, out, r.key0, r.key1, r.first, r.epoch, r.stream, r.offset, r.scale, true)!,
    dropoutMask: (out, r, rate, keep) => void addon.dropoutMask(index, out, r.key0, r.key1, r.first, r.epoch, r.stream, rate, keep, false),
    flip: (src, dst, r, first, count) => void flipCall(addon, index, src, dst, r, first, count, false),
    flipAsync: (src, dst, r, first, count) => flipCall(addon, index, src, dst, r, first, count, true)!,
    crop: (src, dst, r, first, count) => void cropCall(addon, index, src, dst, r, first, count, false),
    cropAsync: (src, dst, r, first, count) => cropCall(addon, index, src, dst, r, first, count, true)!,
    affine: (src, dst, r, first, count) => void affineCall(addon, index, src, dst, r, first, count, false),
    affineAsync: (src, dst, r, first, count) => affineCall(addon, index, src, dst, r, first, count, true)!,
    colorAffine: (src, dst, r, first, count) => void colorCall(addon, index, src, dst, r, first, count, false),
    colorAffineAsync: (src, dst, r, first, count) => colorCall(addon, index, src, dst, r, first, count, true)!,
    channelSums: (src, r, sums, first, count) => void addon.channelSums(index, src, r.h, r.w, r.c, r.layout === 'NCHW', sums, first, count, false),
    channelSumsAsync: (src, r, sums, first, count) => addon.channelSums(index, src, r.h, r.w, r.c, r.layout === 'NCHW', sums, first, count, true)!,
    contrast: (src, dst, r, first, count) => void contrastCall(addon, index, src, dst, r, first, count, false),
    contrastAsync: (src, dst, r, first, count) => contrastCall(addon, index, src, dst, r, first, count, true)!,
    blur: (src, dst, r, first, count) => void blurCall(addon, index, src, dst, r, first, count, false),
    blurAsync: (src, dst, r, first, count) => blurCall(addon, index, src, dst, r, first, count, true)!,
    mix: (src, dst, r, first, count) => void mixCall(addon, index, src, dst, r, first, count, false),
    mixAsync: (src, dst, r, first, count) => mixCall(addon, index, src, dst, r, first, count, true)!,
    resizedCrop: (src, dst, r, first, count) => void resizedCropCall(addon, index, src, dst, r, first, count, false),
    resizedCropAsync: (src, dst, r, first, count) => resizedCropCall(addon, index, src, dst, r, first, count, true)!,
    gamma: (src, dst, r, first, count) => void gammaCall(addon, index, src, dst, r, first, count, false),
    gammaAsync: (src, dst, r, first, count) => gammaCall(addon, index, src, dst, r, first, count, true)!,
    erase: (src, dst, r, first, count) => void eraseCall(addon, index, src, dst, r, first, count, false),
    eraseAsync: (src, dst, r, first, count) => eraseCall(addon, index, src, dst, r, first, count, true)!,
  };
}
