// The ops a Pipeline can run, one entry per op in STEPS: how a step runs on
// a batch (images and, for label steps, labels), what it records per sample,
// how replay redoes one sample from its record, and the pipeline's own
// restrictions on its options. The engine (src/pipeline.ts) knows no op by
// name: a new op becomes a pipeline step by adding one entry here (and its
// options type to PipelineStep in pipeline.ts).
import type { LabelArray } from './ops/labels.js';
import { flipLabels, labelSmoothing } from './ops/labels.js';
import { cutmix, cutmixAsync, cutmixParams, mixup, mixupAsync, mixupParams, type MixResult } from './ops/mix.js';
import { noisePlan } from './ops/noise.js';
import * as noise from './ops/noise.js';
import { shift, shiftAsync, shiftOffsets } from './ops/shift.js';
import { flip, flipAsync, flipDecisions } from './ops/flip.js';
import { affine, affineAsync, affineParams, type AffineOptions } from './ops/affine.js';
import { gaussianBlur, gaussianBlurAsync, gaussianBlurParams, type GaussianBlurOptions } from './ops/blur.js';
import { crop, cropAsync, cropOffsets, cropProbe, type CropOptions } from './ops/crop.js';
import { brightness, brightnessAsync, brightnessParams, contrast, contrastAsync, contrastParams, type ContrastOptions } from './ops/color.js';
import { gamma, gammaAsync, gammaParams, MAX_GAMMA, MIN_GAMMA, type GammaOptions } from './ops/gamma.js';
import { erase, eraseAsync, eraseParams, type EraseOptions } from './ops/erase.js';
import { resizedCrop, resizedCropAsync, resizedCropParams, type ResizedCropOptions } from './ops/resized-crop.js';
import type { Batch } from './ops/batch.js';
import { invalidParameterError } from './validate.js';

/** Labels a pipeline batch may carry: integer classes (one per sample) or Float32Array rows (n × K, one-hot or soft). */
export type PipelineLabels = LabelArray | Float32Array;

/** What a step works on: the images, and the labels when the batch has them. */
export interface StepState {
  images: Batch;
  labels?: PipelineLabels;
}

type Options = Record<string, unknown>;
type Params = Record<string, number>;

export interface StepKind {
  /** The labels the step needs: none, integer classes (one per sample), or Float32Array rows (n × K). */
  readonly labels: 'none' | 'classes' | 'rows';
  /** Why the step may not be in a oneOf / someOf group; undefined: it may. */
  readonly notInGroup?: string;
  /** The step's p must be 1 (why), for a step that changes the image size. */
  readonly alwaysApplies?: string;
  /** The image size after the step, for one that changes it (crop). */
  readonly outputSize?: (options: Readonly<Options>) => [number, number];
  /** Replay redoes a sample together with its partner's state (mixup, cutmix): the record names the partner by its dataset index, params.partnerIndex. */
  readonly mixes?: boolean;
  run(state: StepState, options: Options): StepState;
  runAsync(state: StepState, options: Options): Promise<StepState>;
  /** What the step draws for each sample of the batch (its records' params). */
  record(state: StepState, options: Options): Params[];
  /** A state the op's own option checks run on when the pipeline is built. */
  probe(options: Readonly<Options>): StepState;
  /** The pipeline's own restrictions on the step's options (per-image lists do not fit batches of every size, nor JSON). */
  checkOptions?(at: string, options: Readonly<Options>): void;
  /** Checks what replay takes from one sample's record of the step (params of an applied step). */
  checkRecord?(at: string, params: Readonly<Options>, applied: boolean): void;
  /** The options that redo one sample from its recorded params (drawn options replaced by the values drawn). */
  replayOptions?(options: Options, params: Params): Options;
  /** Redoes one sample (a batch of one) that mixes with `partner` (its state before the step), from its recorded params. */
  replayMix?(own: StepState, partner: StepState | undefined, options: Options, params: Params): StepState;
}

/** A tiny float32 batch of one 2×2 image with `c` channels that every op's option checks can run on. */
const tinyImages = (c = 1): Batch => ({ data: new Float32Array(4 * c), shape: [1, 2, 2, c] });

type ImageOp = (batch: Batch, options: never) => Batch;
type ImageOpAsync = (batch: Batch, options: never) => Promise<Batch>;

/** An op on images only: the labels pass through. */
function imageStep(run: ImageOp, runAsync: ImageOpAsync, record: (batch: Batch, options: Options) => Params[], extra: Partial<StepKind> = {}): StepKind {
  return {
    labels: 'none',
    run: (s, o) => ({ images: run(s.images, o as never), labels: s.labels }),
    runAsync: async (s, o) => ({ images: await runAsync(s.images, o as never), labels: s.labels }),
    record: (s, o) => record(s.images, o),
    probe: () => ({ images: tinyImages() }),
    ...extra,
  };
}

/** Per-image parameter arrays as one record per image. */
function perImage(n: number, fields: Record<string, ArrayLike<number>>): Params[] {
  return Array.from({ length: n }, (_, i) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v[i]!])));
}

/** Options without those named (drawn options that replay replaces by recorded values). */
function without(options: Options, names: readonly string[]): Options {
  const copy = { ...options };
  for (const name of names) delete copy[name];
  return copy;
}

function requireNumberOption(at: string, options: Readonly<Options>, name: string, why: string): void {
  const v = options[name];
  if (v !== undefined && typeof v !== 'number') throw invalidParameterError(`${at}.options.${name}`, `a number (${why})`, v);
}

function forbidOption(at: string, options: Readonly<Options>, name: string, why: string): void {
  if (options[name] !== undefined) throw invalidParameterError(`${at}.options.${name}`, `no ${name} (${why})`, options[name]);
}

function recordedNumber(at: string, params: Readonly<Options>, name: string, expected: string, ok: (v: number) => boolean): void {
  const v = params[name];
  if (typeof v !== 'number') throw invalidParameterError(`${at}.params.${name}`, expected, v);
  if (!ok(v)) throw invalidParameterError(`${at}.params.${name}`, expected, v, 'range');
}

const isF32 = (v: number): boolean => Number.isFinite(v) && Math.fround(v) === v;

function noiseStep(op: 'gaussianNoise' | 'uniformNoise' | 'speckleNoise' | 'saltAndPepper', run: ImageOp, runAsync: ImageOpAsync): StepKind {
  return imageStep(run, runAsync, (batch, o) => {
    const plan = noisePlan(op, batch, o);
    const n = batch.shape[0];
    if (op === 'saltAndPepper') return perImage(n, { saltBelow: plan.saltBelow, pepperBelow: plan.pepperBelow });
    if (op === 'uniformNoise') return Array.from({ length: n }, () => ({ low: plan.offset[0]!, span: plan.scale[0]! }));
    return perImage(n, { std: plan.scale });
  });
}

// ---- label steps --------------------------------------------------------

/** A label op's options: the pipeline passes seed, index, epoch; labelSmoothing draws nothing and takes none of them. */
const OWN_RANDOM = ['seed', 'index', 'epoch', 'threads'];

function rowsOf(s: StepState): Float32Array {
  return s.labels as Float32Array;
}

/** labelSmoothing checks only that the length is a multiple of numClasses: a pipeline's rows must be exactly n × numClasses. */
function checkRowWidth(s: StepState, k: unknown): void {
  const n = s.images.shape[0];
  const length = s.labels!.length;
  if (typeof k === 'number' && length !== n * k) {
    throw invalidParameterError('labels', `a Float32Array of n × numClasses = ${n} × ${k} = ${n * k} values (rows of the batch's ${n} samples)`, s.labels, 'range');
  }
}

const labelSmoothingStep: StepKind = {
  labels: 'rows',
  run: (s, o) => {
    checkRowWidth(s, o.numClasses);
    return { images: s.images, labels: labelSmoothing(rowsOf(s), without(o, OWN_RANDOM) as never) };
  },
  runAsync: async (s, o) => labelSmoothingStep.run(s, o),
  // nothing drawn: the same smoothing for every sample
  record: (s) => Array.from({ length: s.images.shape[0] }, () => ({})),
  // an empty batch: its labels fit any numClasses
  probe: () => ({ images: { data: new Float32Array(0), shape: [0, 2, 2, 1] }, labels: new Float32Array(0) }),
};

const flipLabelsStep: StepKind = {
  labels: 'classes',
  run: (s, o) => ({ images: s.images, labels: flipLabels(s.labels as LabelArray, o as never) }),
  runAsync: async (s, o) => flipLabelsStep.run(s, o),
  // replay redraws the flip from the sample's stream (index, epoch): the record says what it drew
  record: (s, o) => {
    const before = s.labels as LabelArray;
    const after = flipLabels(before, o as never);
    return Array.from(after, (label, i) => ({ flipped: label === before[i] ? 0 : 1, label }));
  },
  probe: () => ({ images: tinyImages(), labels: new Int32Array(0) }),
};

/** Two single-sample states as one batch of two (replay of a mix: the sample and its partner). */
function pair(own: StepState, partner: StepState): StepState {
  const [a, b] = [own.images, partner.images];
  const data = a.data instanceof Uint8Array ? new Uint8Array(2 * a.data.length) : new Float32Array(2 * a.data.length);
  data.set(a.data, 0);
  data.set(b.data, a.data.length);
  const labels = new Float32Array(2 * own.labels!.length);
  labels.set(own.labels!, 0);
  labels.set(partner.labels!, own.labels!.length);
  return { images: { ...a, data, shape: [2, a.shape[1], a.shape[2], a.shape[3]] }, labels };
}

/** The first sample of a mix result, as a state of one. */
function firstOf(r: MixResult): StepState {
  const per = r.batch.data.length / r.batch.shape[0];
  const k = r.labels.length / r.batch.shape[0];
  return { images: { ...r.batch, data: r.batch.data.slice(0, per), shape: [1, r.batch.shape[1], r.batch.shape[2], r.batch.shape[3]] }, labels: r.labels.slice(0, k) };
}

function mixStep(op: 'mixup' | 'cutmix'): StepKind {
  const [run, runAsync, params] = op === 'mixup' ? [mixup, mixupAsync, mixupParams] : [cutmix, cutmixAsync, cutmixParams];
  const fromResult = (r: MixResult): StepState => ({ images: r.batch, labels: r.labels });
  return {
    labels: 'rows',
    mixes: true,
    run: (s, o) => fromResult(run(s.images, rowsOf(s), o as never)),
    runAsync: async (s, o) => fromResult(await runAsync(s.images, rowsOf(s), o as never)),
    record: (s, o) => {
      const p = params(s.images, rowsOf(s), o as never) as unknown as Record<string, Int32Array | Float32Array>;
      const index = (o.index as number | undefined) ?? 0;
      // partner: the batch position; partnerIndex: its dataset index (replay finds the partner by it)
      const fields: Record<string, ArrayLike<number>> = { partner: p.partner!, partnerIndex: Int32Array.from(p.partner!, (j) => index + j), lambda: p.lambda! };
      if (op === 'cutmix') for (const name of ['top', 'left', 'height', 'width']) fields[name] = p[name]!;
      return perImage(s.images.shape[0], fields);
    },
    // an empty batch: its labels fit any numClasses
    probe: () => ({ images: { data: new Float32Array(0), shape: [0, 2, 2, 1] }, labels: new Float32Array(0) }),
    checkOptions: (at, o) => {
      // a step's λ is one number for every sample: a per-image list would fit only batches of its length
      requireNumberOption(at, o, 'lambda', 'a step mixes every sample with the same given λ; per-image λ are not a pipeline option: leave it out to draw them');
      forbidOption(at, o, 'partner', 'partners are drawn per sample; given batch positions are not a pipeline option');
      if (op === 'cutmix') forbidOption(at, o, 'box', 'boxes are drawn per sample; per-image boxes are not a pipeline option');
    },
    checkRecord: (at, params, applied) => {
      if (!applied) return;
      recordedNumber(at, params, 'partnerIndex', 'the dataset index of the partner sample (an integer >= 0)', (v) => Number.isInteger(v) && v >= 0);
    },
    replayMix: (own, partner, o, params) => {
      const given = without(o, ['lambda', 'alpha']);
      const two = partner !== undefined;
      const state = two ? pair(own, partner) : own;
      const pick = (a: number, b: number): number[] => (two ? [a, b] : [a]);
      const options = op === 'mixup'
        ? { ...given, partner: pick(two ? 1 : 0, 0), lambda: pick(params.lambda!, 1) }
        : { ...given, partner: pick(two ? 1 : 0, 0), box: { top: pick(params.top!, 0), left: pick(params.left!, 0), height: pick(params.height!, 0), width: pick(params.width!, 0) } };
      return firstOf(run(state.images, rowsOf(state), options as never));
    },
  };
}

// ---- the table -------------------------------------------------------------

/** Every op a pipeline can run. Add a new op's entry here. */
export const STEPS = {
  shift: imageStep(shift, shiftAsync, (b, o) => {
    const { dx, dy } = shiftOffsets(b, o);
    return perImage(b.shape[0], { dx, dy });
  }, {
    // a step's offsets are one number for every image: a per-image list would
    // fit only batches of its length (and a typed array does not survive toJSON)
    checkOptions: (at, o) => {
      for (const name of ['dx', 'dy']) requireNumberOption(at, o, name, 'a step shifts every image by the same given offset; per-image offsets are not a pipeline option: use x, y to draw them');
    },
    checkRecord: (at, params, applied) => {
      // replay takes a shift's offsets from the record: both must be there
      if (applied) for (const name of ['dx', 'dy']) recordedNumber(at, params, name, 'a finite number (pixels)', Number.isFinite);
    },
    replayOptions: (o, r) => ({ ...without(o, ['x', 'y', 'subpixel']), dx: r.dx, dy: r.dy }),
  }),
  gaussianNoise: noiseStep('gaussianNoise', noise.gaussianNoise, noise.gaussianNoiseAsync),
  uniformNoise: noiseStep('uniformNoise', noise.uniformNoise, noise.uniformNoiseAsync),
  speckleNoise: noiseStep('speckleNoise', noise.speckleNoise, noise.speckleNoiseAsync),
  saltAndPepper: noiseStep('saltAndPepper', noise.saltAndPepper, noise.saltAndPepperAsync),
  flip: imageStep(flip, flipAsync, (b, o) => {
    const { horizontal, vertical } = flipDecisions(b, o);
    return perImage(b.shape[0], { horizontal, vertical });
  }, {
    // as for shift: given flips are one boolean for every image
    checkOptions: (at, o) => {
      for (const name of ['horizontal', 'vertical']) {
        const given = o[name];
        if (given !== undefined && typeof given !== 'boolean') {
          throw invalidParameterError(`${at}.options.${name}`, 'a boolean (a step flips every image the same way when given; per-image flips are not a pipeline option: use mode, p to draw them)', given);
        }
      }
    },
    checkRecord: (at, params, applied) => {
      if (!applied) return;
      for (const name of ['horizontal', 'vertical']) {
        const v = params[name];
        if (v !== 0 && v !== 1) throw invalidParameterError(`${at}.params.${name}`, '0 or 1 (whether the image flipped along that axis)', v, typeof v === 'number' ? 'range' : 'type');
      }
    },
    replayOptions: (o, r) => ({ ...without(o, ['mode', 'p']), horizontal: r.horizontal === 1, vertical: r.vertical === 1 }),
  }),
  crop: imageStep(crop, cropAsync, (b, o) => {
    const { top, left } = cropOffsets(b, o as unknown as CropOptions);
    return perImage(b.shape[0], { top, left });
  }, {
    notInGroup: 'a crop in a group would change the size of only the samples that chose it',
    alwaysApplies: 'it changes the image size, so it applies to every sample',
    outputSize: (o) => [o.height as number, o.width as number],
    // an empty batch of its output size, so that a padded crop of any size fits it
    probe: (o) => ({ images: cropProbe(o) }),
    checkOptions: (at, o) => {
      for (const name of ['top', 'left']) requireNumberOption(at, o, name, 'a step crops every image at the same given offset; per-image offsets are not a pipeline option: use padding to draw them');
    },
    checkRecord: (at, params, applied) => {
      if (!applied) throw invalidParameterError(`${at}.applied`, 'true (a crop step applies to every sample)', applied, 'range');
      for (const name of ['top', 'left']) recordedNumber(at, params, name, 'an integer with |value| <= 2^30 (pixels)', (v) => Number.isInteger(v) && Math.abs(v) <= 2 ** 30);
    },
    replayOptions: (o, r) => ({ ...without(o, ['padding']), top: r.top, left: r.left }),
  }),
  affine: imageStep(affine, affineAsync, (b, o) => {
    const a = affineParams(b, o as unknown as AffineOptions);
    const drawn = o.matrix === undefined;
    return Array.from({ length: b.shape[0] }, (_, i) => {
      const r: Params = drawn ? { rotation: a.rotation[i]!, zoomX: a.zoomX[i]!, zoomY: a.zoomY[i]!, shear: a.shear[i]!, dx: a.dx[i]!, dy: a.dy[i]! } : {};
      for (let j = 0; j < 6; j += 1) r[`m${j}`] = a.matrix[6 * i + j]!;
      return r;
    });
  }, {
    // as for shift: a given matrix is one [m0, …, m5] for every image
    checkOptions: (at, o) => {
      const given = o.matrix;
      if (given !== undefined && !(Array.isArray(given) && given.length === 6 && given.every((v) => typeof v === 'number'))) {
        throw invalidParameterError(`${at}.options.matrix`, 'an array of 6 numbers (a step warps every image by the same given matrix; per-image matrices are not a pipeline option: use rotation, zoom, shear, x, y to draw them)', given);
      }
    },
    // replay warps by the recorded matrix
    checkRecord: (at, params, applied) => {
      if (applied) for (let j = 0; j < 6; j += 1) recordedNumber(at, params, `m${j}`, 'a finite number with |value| <= 2^30 (a matrix entry)', (v) => Math.abs(v) <= 2 ** 30);
    },
    replayOptions: (o, r) => ({ ...without(o, ['rotation', 'zoom', 'zoomX', 'zoomY', 'shear', 'x', 'y']), matrix: [0, 1, 2, 3, 4, 5].map((j) => r[`m${j}`]) }),
  }),
  brightness: imageStep(brightness, brightnessAsync, (b, o) => {
    const { factor, delta } = brightnessParams(b, o);
    return perImage(b.shape[0], { factor, delta });
  }, {
    checkRecord: (at, params, applied) => {
      if (!applied) return;
      recordedNumber(at, params, 'factor', 'a finite float32 number >= 0', (v) => isF32(v) && v >= 0);
      recordedNumber(at, params, 'delta', 'a finite float32 number', isF32);
    },
    replayOptions: (o, r) => ({ ...o, factor: r.factor, delta: r.delta }),
  }),
  contrast: imageStep(contrast, contrastAsync, (b, o) => perImage(b.shape[0], { factor: contrastParams(b, o as unknown as ContrastOptions).factor }), {
    checkRecord: (at, params, applied) => {
      if (applied) recordedNumber(at, params, 'factor', 'a finite float32 number >= 0', (v) => isF32(v) && v >= 0);
    },
    replayOptions: (o, r) => ({ ...o, factor: r.factor }),
  }),
  gaussianBlur: imageStep(gaussianBlur, gaussianBlurAsync, (b, o) => {
    const { sigma, radius } = gaussianBlurParams(b, o as unknown as GaussianBlurOptions);
    return perImage(b.shape[0], { sigma, radius });
  }, {
    checkOptions: (at, o) => forbidOption(at, o, 'sigmas', 'per-image sigmas are not a pipeline option: use sigma, a number or [lo, hi] to draw'),
    checkRecord: (at, params, applied) => {
      if (applied) recordedNumber(at, params, 'sigma', 'a float32 number between 0 and 500', (v) => v >= 0 && v <= 500 && Math.fround(v) === v);
    },
    replayOptions: (o, r) => ({ ...o, sigma: r.sigma }),
  }),
  gamma: imageStep(gamma, gammaAsync, (b, o) => perImage(b.shape[0], { gamma: gammaParams(b, o as unknown as GammaOptions).gamma }), {
    checkOptions: (at, o) => forbidOption(at, o, 'gammas', 'per-image gammas are not a pipeline option: use gamma, a number or [lo, hi] to draw'),
    checkRecord: (at, params, applied) => {
      if (applied) recordedNumber(at, params, 'gamma', `a float32 number between ${MIN_GAMMA} and ${MAX_GAMMA}`, (v) => v >= MIN_GAMMA && v <= MAX_GAMMA && Math.fround(v) === v);
    },
    replayOptions: (o, r) => ({ ...o, gamma: r.gamma }),
  }),
  erase: imageStep(erase, eraseAsync, (b, o) => {
    const e = eraseParams(b, o as unknown as EraseOptions);
    const n = b.shape[0];
    const count = n === 0 ? 0 : e.top.length / n;
    return Array.from({ length: n }, (_, i) => {
      const r: Params = { erased: e.applied[i]! };
      for (let j = 0; j < count; j += 1) Object.assign(r, { [`top${j}`]: e.top[i * count + j]!, [`left${j}`]: e.left[i * count + j]!, [`height${j}`]: e.height[i * count + j]!, [`width${j}`]: e.width[i * count + j]! });
      return r;
    });
  }, {
    // as many channels as a per-channel fill value, so that the value's own check passes
    probe: (o) => {
      const value = o.value;
      return { images: tinyImages(Array.isArray(value) && value.length > 0 && value.length <= 4096 ? value.length : 1) };
    },
    checkOptions: (at, o) => forbidOption(at, o, 'boxes', 'per-image boxes are not a pipeline option: use p, count, area, ratio to draw them'),
    // replay fills the recorded boxes (erase checks that they lie inside the image)
    checkRecord: (at, params) => {
      for (const name of Object.keys(params).filter((k) => /^(top|left|height|width)\d+$/.test(k))) {
        recordedNumber(at, params, name, 'an integer >= 0 (pixels)', (x) => Number.isInteger(x) && x >= 0 && x <= 2 ** 32);
      }
    },
    replayOptions: (o, r) => {
      const count = (o.count as number | undefined) ?? 1;
      const field = (name: string): number[] => Array.from({ length: count }, (_, j) => r[`${name}${j}`]!);
      return { ...without(o, ['p', 'area', 'ratio']), boxes: { top: field('top'), left: field('left'), height: field('height'), width: field('width') } };
    },
  }),
  resizedCrop: imageStep(resizedCrop, resizedCropAsync, (b, o) => {
    const { top, left, height, width } = resizedCropParams(b, o as unknown as ResizedCropOptions);
    return perImage(b.shape[0], { top, left, height, width });
  }, {
    notInGroup: 'a resizedCrop in a group would change the size of only the samples that chose it',
    alwaysApplies: 'it changes the image size, so it applies to every sample',
    outputSize: (o) => {
      const size = o.size as number | [number, number];
      return typeof size === 'number' ? [size, size] : [size[0], size[1]];
    },
    checkOptions: (at, o) => forbidOption(at, o, 'boxes', 'per-image boxes are not a pipeline option: scale and ratio draw them; replay takes them from the records'),
    checkRecord: (at, params, applied) => {
      if (!applied) throw invalidParameterError(`${at}.applied`, 'true (a resizedCrop step applies to every sample)', applied, 'range');
      for (const name of ['top', 'left', 'height', 'width']) recordedNumber(at, params, name, 'an integer >= 0 (the box, in pixels)', (v) => Number.isInteger(v) && v >= 0 && v <= 2 ** 31);
    },
    replayOptions: (o, r) => ({ ...without(o, ['scale', 'ratio']), boxes: [r.top, r.left, r.height, r.width] }),
  }),
  flipLabels: flipLabelsStep,
  labelSmoothing: labelSmoothingStep,
  mixup: mixStep('mixup'),
  cutmix: mixStep('cutmix'),
} as const satisfies Record<string, StepKind>;

export type PipelineOp = keyof typeof STEPS;

export function stepKind(op: PipelineOp): StepKind {
  return STEPS[op];
}
