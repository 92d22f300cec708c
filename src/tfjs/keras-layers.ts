// Keras image-augmentation layers for TF.js (issue 19): registered under the
// Keras class names, so a model exported by the tfjs converter with
// RandomFlip / RandomTranslation / RandomContrast / RandomBrightness /
// RandomCrop / RandomRotation / RandomZoom loads with tf.loadLayersModel once
// fastaug/tfjs is imported. Each layer is a thin shell over a fastaug op
// (flip, shift, contrast, brightness, crop, affine): active only in training (call(x, { training: true })),
// Keras's inference behaviour otherwise (identity; RandomCrop: the centred
// largest window of the target aspect ratio, resized).
//
// Randomness (README "Keras layers"): training call c of a layer (c counts
// that layer's training calls from 0, `calls`) runs its op with
// { seed: the layer's seed (null → 0), index: 0, epoch: c }: image k of the
// batch draws from counter (0, k, c, op stream). So a run is reproducible
// from the seeds alone, and each call draws afresh. This is not Keras's
// random stream: Keras draws from TF's generators, whose bits fastaug does
// not reproduce.
//
// Keras config fields reach a layer the way tfjs-layers hands them over:
// keys camelCased (height_factor → heightFactor) and string values too
// ('horizontal_and_vertical' → 'horizontalAndVertical'); getConfig returns
// them so, and tfjs writes them back in Keras's snake_case on save.
//
// RandomRotation and RandomZoom run fastaug's `affine` op. RandomRotation
// draws its angle through affine's own rotation draw (stream 19, word 0 of
// block 0: Keras's uniform angle in [lower, upper]·360°, about the centre
// ((w − 1)/2, (h − 1)/2), positive counter-clockwise, Keras's matrix).
// RandomZoom's Keras draw is the matrix entry itself (zoom z uniform in
// [1 + lower, 1 + upper], input x = z·x + cx·(1 − z)), which affine's zoom
// option (1/z, uniform in zoom) cannot express: it draws z from a stream of
// its own, LAYER_STREAM.randomZoom = 98 (word 0 the height's z, word 1 the
// width's), builds Keras's matrices in float64 and hands them to affine.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

import type { FlipMode } from '../ops/flip.js';
import type { Fill, Interpolation } from '../ops/shift.js';
import { checkOptionNames, integerInRange, invalidParameterError, isPlainObject } from '../validate.js';
import { uniformFromWord } from '../backends/js/random.js';
import { perSampleWords, readRange } from '../ops/batch.js';
import { seedKey } from '../ops/common.js';
import { affineTensor, brightnessTensor, contrastTensor, cropTensor, flipTensor, shiftTensor } from './ops.js';
import { LAYER_ARG_NAMES, LAYER_STREAM } from './layers.js';

type LayerArgs = NonNullable<ConstructorParameters<typeof layers.Layer>[0]>;
type ShapeArg = Parameters<layers.Layer['computeOutputShape']>[0];

/** The random options a layer hands its op for one training call. */
export interface LayerDraw {
  seed: number;
  index: number;
  epoch: number;
}

/** A Keras range: a number f (meaning [−f, f], or the layer's own reading) or [lo, hi]. */
export type KerasFactor = number | [number, number];

export interface KerasLayerArgs extends LayerArgs {
  /** Seed of the layer's draws: an integer >= 0, or null / undefined (Keras's None), taken as 0. */
  seed?: number | null;
  /** Keras 3 writes data_format; only 'channels_last' (or null) is supported. */
  dataFormat?: string | null;
}

/** Keras config fields accepted by every layer (camelCased, as tfjs-layers passes them). */
const KERAS_COMMON = ['seed', 'dataFormat'] as const;

function kerasArgs<T extends object>(layer: string, args: unknown, own: readonly string[]): T {
  if (!isPlainObject(args)) throw invalidParameterError(`${layer} args`, `an object { ${own.join(', ')}, … }`, args);
  const checked = checkOptionNames<T>(layer, args, [...own, ...KERAS_COMMON, ...LAYER_ARG_NAMES]) as T & { dataFormat?: unknown };
  const format = checked.dataFormat;
  if (format !== undefined && format !== null && format !== 'channelsLast' && format !== 'channels_last') {
    throw invalidParameterError('data_format', "'channels_last' (fastaug's layers take NHWC tensors)", format, 'range');
  }
  return checked;
}

/** A string option that tfjs may have camelCased: 'horizontal_and_vertical' and 'horizontalAndVertical' are one value. */
function snake(value: unknown): unknown {
  return typeof value === 'string' ? value.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : value;
}

/**
 * A Keras factor as [lo, hi]: a number f is [−f, f] when `symmetric`, else
 * [f, f]; each end within [min, max].
 */
export function kerasRange(name: string, value: unknown, symmetric: boolean, min: number, max: number): [number, number] {
  const expected = `a number${symmetric ? ' f >= 0 (meaning [-f, f])' : ''} or [lower, upper] with lower <= upper, within [${min}, ${max}]`;
  return readRange(name, value, symmetric, min, max, expected);
}

const FILL_MODES = ['reflect', 'wrap', 'constant', 'nearest'] as const;
export type KerasFillMode = (typeof FILL_MODES)[number];

/** Keras fill_mode → fastaug fill (the same rule under the same name; README table). */
export const KERAS_FILL: Readonly<Record<KerasFillMode, Fill>> = { reflect: 'reflect', wrap: 'wrap', constant: 'constant', nearest: 'nearest' };

/** fill_mode, interpolation and fill_value, checked (defaults as Keras: 'reflect', 'bilinear', 0). */
export function fillArgs(o: { fillMode?: unknown; interpolation?: unknown; fillValue?: unknown }): { fillMode: KerasFillMode; interpolation: Interpolation; fillValue: number } {
  const fillMode = o.fillMode === undefined ? 'reflect' : o.fillMode;
  if (typeof fillMode !== 'string' || !(FILL_MODES as readonly string[]).includes(fillMode)) {
    throw invalidParameterError('fill_mode', "'reflect', 'wrap', 'constant' or 'nearest'", fillMode);
  }
  const interpolation = o.interpolation === undefined ? 'bilinear' : o.interpolation;
  if (interpolation !== 'bilinear' && interpolation !== 'nearest') throw invalidParameterError('interpolation', "'bilinear' or 'nearest'", interpolation);
  const fillValue = o.fillValue === undefined || o.fillValue === null ? 0 : o.fillValue;
  if (typeof fillValue !== 'number' || !Number.isFinite(fillValue)) throw invalidParameterError('fill_value', 'a finite number', fillValue);
  return { fillMode: fillMode as KerasFillMode, interpolation, fillValue };
}

/** value_range: [lo, hi] with lo < hi (default [0, 255], as Keras). */
function valueRangeArg(value: unknown): [number, number] {
  if (value === undefined || value === null) return [0, 255];
  if (!Array.isArray(value) || value.length !== 2 || typeof value[0] !== 'number' || typeof value[1] !== 'number') {
    throw invalidParameterError('value_range', '[low, high] of two finite numbers with low < high', value);
  }
  const [lo, hi] = value as [number, number];
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || !(lo < hi)) throw invalidParameterError('value_range', '[low, high] of two finite numbers with low < high', value, 'range');
  return [lo, hi];
}

/** Runs `fn` on a rank-4 NHWC tensor; a rank-3 (unbatched) input is one image. */
function onBatch(x: tf.Tensor, fn: (batch: tf.Tensor) => tf.Tensor): tf.Tensor {
  if (x.rank === 4) return fn(x);
  if (x.rank !== 3) throw invalidParameterError('inputs.rank', '3 (one image, HWC) or 4 (a batch, NHWC)', x.rank, 'range');
  return tf.tidy(() => {
    const batch = tf.expandDims(x, 0);
    const y = fn(batch);
    return tf.squeeze(y, [0]);
  });
}

/**
 * The base of every Keras augmentation layer here: seed, the training call
 * counter, the training / inference switch, config round trip. A subclass
 * gives augment() (training), kerasConfig() (its Keras fields), and, when
 * Keras does something other than identity at inference, infer() and
 * computeOutputShape().
 */
export abstract class KerasAugmentationLayer extends layers.Layer {
  /** The seed as configured (null: Keras's None), written back by getConfig. */
  readonly seed: number | null;
  /** Training calls so far: the next one draws epoch `calls` (settable, e.g. to resume a run). */
  calls = 0;
  /** The dtype written to the config (tfjs-layers keeps one only for a layer with an input shape). */
  private readonly kerasDtype: string;

  protected constructor(args: KerasLayerArgs) {
    const { seed, dataFormat: _format, ...base } = args;
    super(base);
    this.kerasDtype = base.dtype ?? base.inputDType ?? 'float32';
    this.seed = seed === undefined || seed === null ? null : integerInRange('seed', seed, 0, Number.MAX_SAFE_INTEGER);
  }

  /** Rebuilds a layer from its config (tfjs-layers adds its class registry as `customObjects`: not an arg). */
  static override fromConfig<T extends serialization.Serializable>(cls: serialization.SerializableConstructor<T>, config: serialization.ConfigDict): T {
    const { customObjects: _registry, ...args } = config;
    return new cls(args);
  }

  /** The op's random options for training call `call`: image k draws counter (0, k, call, op stream). */
  drawFor(call: number): LayerDraw {
    return { seed: this.seed ?? 0, index: 0, epoch: call % 2 ** 32 };
  }

  protected abstract augment(x: tf.Tensor, at: LayerDraw): tf.Tensor;

  /** Inference: identity (a copy), as every Keras augmentation layer but RandomCrop. */
  protected infer(x: tf.Tensor): tf.Tensor {
    return tf.clone(x);
  }

  protected abstract kerasConfig(): serialization.ConfigDict;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs?.training !== true) return onBatch(x, (b) => this.infer(b));
    const at = this.drawFor(this.calls);
    this.calls += 1;
    return onBatch(x, (b) => this.augment(b, at));
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }

  override getConfig(): serialization.ConfigDict {
    // Keras writes every layer's dtype; tfjs-layers only an input layer's
    return { ...super.getConfig(), dtype: this.kerasDtype, ...this.kerasConfig(), seed: this.seed };
  }
}

export interface RandomFlipArgs extends KerasLayerArgs {
  /** 'horizontal', 'vertical' or 'horizontal_and_vertical' (default, as Keras). */
  mode?: string;
}

/** Keras RandomFlip: each image flips along each axis of `mode` with probability 1/2 (fastaug flip, p 0.5). */
export class RandomFlip extends KerasAugmentationLayer {
  static className = 'RandomFlip';
  readonly mode: FlipMode;

  constructor(args: RandomFlipArgs = {}) {
    const o = kerasArgs<RandomFlipArgs>('RandomFlip', args, ['mode']);
    super(o);
    const mode = o.mode === undefined ? 'horizontal_and_vertical' : snake(o.mode);
    if (mode !== 'horizontal' && mode !== 'vertical' && mode !== 'horizontal_and_vertical') {
      throw invalidParameterError('mode', "'horizontal', 'vertical' or 'horizontal_and_vertical'", o.mode);
    }
    this.mode = mode;
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    return flipTensor(x, { mode: this.mode, p: 0.5, ...at });
  }

  protected kerasConfig(): serialization.ConfigDict {
    // tfjs writes string values back snake_cased: horizontalAndVertical → horizontal_and_vertical
    return { mode: this.mode === 'horizontal_and_vertical' ? 'horizontalAndVertical' : this.mode };
  }
}

export interface RandomTranslationArgs extends KerasLayerArgs {
  /** Vertical shift as a fraction of the height: f (meaning [−f, f]) or [lower, upper], within [−1, 1]; positive moves content down. */
  heightFactor: KerasFactor;
  /** Horizontal shift as a fraction of the width; positive moves content right. */
  widthFactor: KerasFactor;
  /** 'reflect' (default), 'wrap', 'constant' or 'nearest': fastaug's fill of the same name. */
  fillMode?: string;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: string;
  /** Value for fill_mode 'constant' (default 0). */
  fillValue?: number;
}

/** Keras RandomTranslation: fastaug shift with x = width_factor, y = height_factor (drawn per image, subpixel). */
export class RandomTranslation extends KerasAugmentationLayer {
  static className = 'RandomTranslation';
  readonly heightFactor: [number, number];
  readonly widthFactor: [number, number];
  readonly fillMode: KerasFillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly given: { heightFactor: KerasFactor; widthFactor: KerasFactor };

  constructor(args: RandomTranslationArgs) {
    const o = kerasArgs<RandomTranslationArgs>('RandomTranslation', args, ['heightFactor', 'widthFactor', 'fillMode', 'interpolation', 'fillValue']);
    super(o);
    this.heightFactor = kerasRange('height_factor', o.heightFactor, true, -1, 1);
    this.widthFactor = kerasRange('width_factor', o.widthFactor, true, -1, 1);
    this.given = { heightFactor: structuredClone(o.heightFactor!), widthFactor: structuredClone(o.widthFactor!) };
    ({ fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue } = fillArgs(o));
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    return shiftTensor(x, { x: this.widthFactor, y: this.heightFactor, fill: KERAS_FILL[this.fillMode], fillValue: this.fillValue, interpolation: this.interpolation, ...at });
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { ...this.given, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}

export interface RandomContrastArgs extends KerasLayerArgs {
  /** f (meaning [1 − f, 1 + f]) or [lower, upper] (meaning [1 − lower, 1 + upper]); lower in [0, 1], upper >= 0. */
  factor: KerasFactor;
  /** Results are clipped to it (float32 data): default [0, 255] (Keras 2 clips to [0, 255]; Keras 3 has value_range). */
  valueRange?: [number, number];
}

/** Keras RandomContrast: fastaug contrast (per-channel mean) with factor drawn in [1 − lower, 1 + upper], clipped to value_range. */
export class RandomContrast extends KerasAugmentationLayer {
  static className = 'RandomContrast';
  /** The contrast factors' range, [1 − lower, 1 + upper]. */
  readonly factorRange: [number, number];
  readonly valueRange: [number, number];
  private readonly given: { factor: KerasFactor; valueRange?: [number, number] };

  constructor(args: RandomContrastArgs) {
    const o = kerasArgs<RandomContrastArgs>('RandomContrast', args, ['factor', 'valueRange']);
    super(o);
    // lower and upper are not ordered: (0.5, 0.2) is [0.5, 1.2]
    const expected = 'a number f in [0, 1] or [lower, upper] with lower in [0, 1] and upper >= 0 (the factor is drawn in [1 - lower, 1 + upper])';
    const pair: unknown = typeof o.factor === 'number' ? [o.factor, o.factor] : o.factor;
    if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'number' || typeof pair[1] !== 'number') throw invalidParameterError('factor', expected, o.factor);
    const [lower, upper] = pair as [number, number];
    if (!(lower >= 0 && lower <= 1) || !(upper >= 0 && Number.isFinite(upper))) throw invalidParameterError('factor', expected, o.factor, 'range');
    this.factorRange = [1 - lower, 1 + upper];
    this.valueRange = valueRangeArg(o.valueRange);
    this.given = { factor: structuredClone(o.factor), ...(o.valueRange === undefined || o.valueRange === null ? {} : { valueRange: [...this.valueRange] as [number, number] }) };
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    return contrastTensor(x, { factor: this.factorRange, ...(x.dtype === 'float32' ? { clip: this.valueRange } : {}), ...at });
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { ...this.given };
  }
}

export interface RandomBrightnessArgs extends KerasLayerArgs {
  /** f (meaning [−f, f]) or [lower, upper], within [−1, 1]: the delta as a fraction of value_range's span. */
  factor: KerasFactor;
  /** [low, high] of the input's values (default [0, 255]); results are clipped to it. */
  valueRange?: [number, number];
}

/** Keras RandomBrightness: fastaug brightness with delta drawn in [lower, upper] · (high − low), clipped to value_range. */
export class RandomBrightness extends KerasAugmentationLayer {
  static className = 'RandomBrightness';
  readonly factor: [number, number];
  readonly valueRange: [number, number];
  private readonly given: KerasFactor;

  constructor(args: RandomBrightnessArgs) {
    const o = kerasArgs<RandomBrightnessArgs>('RandomBrightness', args, ['factor', 'valueRange']);
    super(o);
    // Keras sorts a [lower, upper] pair: (0.2, -0.1) is [-0.1, 0.2]
    const pair = Array.isArray(o.factor) && o.factor.length === 2 && o.factor.every((v) => typeof v === 'number') ? [Math.min(...o.factor), Math.max(...o.factor)] : o.factor;
    this.factor = kerasRange('factor', pair, true, -1, 1);
    this.valueRange = valueRangeArg(o.valueRange);
    this.given = structuredClone(o.factor);
  }

  /** The delta's range in the data's units: [lower · span, upper · span] in float64. */
  get deltaRange(): [number, number] {
    const span = this.valueRange[1] - this.valueRange[0];
    return [this.factor[0] * span, this.factor[1] * span];
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    return brightnessTensor(x, { delta: this.deltaRange, ...(x.dtype === 'float32' ? { clip: this.valueRange } : {}), ...at });
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { factor: this.given, valueRange: [...this.valueRange] };
  }
}

export interface RandomCropArgs extends KerasLayerArgs {
  /** Output height (integer >= 1). */
  height: number;
  /** Output width (integer >= 1). */
  width: number;
}

/**
 * Keras RandomCrop. Training: a height × width window of each image at a
 * drawn offset (fastaug crop, offsets per image). Inference, and training on
 * an image smaller than the target: Keras 2.7+'s smart resize, the centred
 * largest window of the target aspect ratio, bilinearly resized to the
 * target (tf.image.resizeBilinear with half-pixel centres, as TF's resize).
 */
export class RandomCrop extends KerasAugmentationLayer {
  static className = 'RandomCrop';
  readonly height: number;
  readonly width: number;

  constructor(args: RandomCropArgs) {
    const o = kerasArgs<RandomCropArgs>('RandomCrop', args, ['height', 'width']);
    super(o);
    this.height = integerInRange('height', o.height, 1, 2 ** 31 - 1);
    this.width = integerInRange('width', o.width, 1, 2 ** 31 - 1);
  }

  /** The centred window smart resize takes from an h × w image: [top, left, height, width] (Keras's integer arithmetic). */
  window(h: number, w: number): [number, number, number, number] {
    const f = Math.fround;
    const cropH = Math.max(1, Math.min(h, Math.trunc(f(f(w * this.height) / this.width))));
    const cropW = Math.max(1, Math.min(w, Math.trunc(f(f(h * this.width) / this.height))));
    return [Math.trunc(f((h - cropH) / 2)), Math.trunc(f((w - cropW) / 2)), cropH, cropW];
  }

  protected override infer(x: tf.Tensor): tf.Tensor {
    const [, h, w] = x.shape as number[];
    const [top, left, cropH, cropW] = this.window(h!, w!);
    if (cropH === this.height && cropW === this.width) {
      return cropTensor(x, { height: cropH, width: cropW, top, left });
    }
    return tf.tidy(() => {
      const window = tf.slice(x, [0, top, left, 0], [-1, cropH, cropW, -1]);
      const resized = tf.image.resizeBilinear(window as tf.Tensor4D, [this.height, this.width], false, true);
      // int32 pixels stay int32 pixels: rounded half to even (tf.round) and saturated
      return x.dtype === 'int32' ? tf.cast(tf.clipByValue(tf.round(resized), 0, 255), 'int32') : resized;
    });
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    const [, h, w] = x.shape as number[];
    if (h! < this.height || w! < this.width) return this.infer(x);
    return cropTensor(x, { height: this.height, width: this.width, ...at });
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    const shape = inputShape as Array<number | null>;
    return shape.length === 3 ? [this.height, this.width, shape[2]!] : [shape[0]!, this.height, this.width, shape[3]!];
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { height: this.height, width: this.width };
  }
}

/** A Keras factor pair as Keras 3 reads it: a number f is [−|f|, |f|], a pair is sorted; both ends within [min, max]. */
function sortedKerasRange(name: string, value: unknown, min: number, max: number): [number, number] {
  const isPair = Array.isArray(value) && value.length === 2 && value.every((v) => typeof v === 'number');
  const given = isPair ? [Math.min(...(value as number[])), Math.max(...(value as number[]))] : typeof value === 'number' && value < 0 ? -value : value;
  return kerasRange(name, given, true, min, max);
}

export interface RandomRotationArgs extends KerasLayerArgs {
  /** Fraction of a full turn: f (meaning [−f, f]) or [lower, upper]; the angle is drawn in [lower, upper]·360°, positive counter-clockwise. */
  factor: KerasFactor;
  /** 'reflect' (default), 'wrap', 'constant' or 'nearest': fastaug's fill of the same name. */
  fillMode?: string;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: string;
  /** Value for fill_mode 'constant' (default 0). */
  fillValue?: number;
}

/**
 * Keras RandomRotation: fastaug affine with rotation drawn per image in
 * [lower · 360, upper · 360] degrees (stream 19, word 0), about the image
 * centre; Keras's rotation matrix exactly (README "Keras layers").
 */
export class RandomRotation extends KerasAugmentationLayer {
  static className = 'RandomRotation';
  /** The factor as [lower, upper] fractions of a turn. */
  readonly factor: [number, number];
  readonly fillMode: KerasFillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly given: KerasFactor;

  constructor(args: RandomRotationArgs) {
    const o = kerasArgs<RandomRotationArgs>('RandomRotation', args, ['factor', 'fillMode', 'interpolation', 'fillValue']);
    super(o);
    // no bound in Keras; ±2^20 turns keeps the degrees exact enough and finite
    this.factor = sortedKerasRange('factor', o.factor, -(2 ** 20), 2 ** 20);
    this.given = structuredClone(o.factor);
    ({ fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue } = fillArgs(o));
  }

  /** The angle range in degrees handed to affine's rotation. */
  get degrees(): [number, number] {
    return [this.factor[0] * 360, this.factor[1] * 360];
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    return affineTensor(x, { rotation: this.degrees, fill: KERAS_FILL[this.fillMode], fillValue: this.fillValue, interpolation: this.interpolation, ...at });
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { factor: this.given, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}

export interface RandomZoomArgs extends KerasLayerArgs {
  /** Vertical zoom: f (meaning [−f, f]) or [lower, upper] within [−1, 1]; z drawn in [1 + lower, 1 + upper]; positive zooms out (content shrinks). */
  heightFactor: KerasFactor;
  /** Horizontal zoom likewise; null / undefined (default): the height's draw, aspect ratio kept. */
  widthFactor?: KerasFactor | null;
  /** 'reflect' (default), 'wrap', 'constant' or 'nearest': fastaug's fill of the same name. */
  fillMode?: string;
  /** 'bilinear' (default) or 'nearest'. */
  interpolation?: string;
  /** Value for fill_mode 'constant' (default 0). */
  fillValue?: number;
}

/**
 * Keras's zoom matrices for one training call: image k draws counter
 * (0, index + k, epoch, LAYER_STREAM.randomZoom), zy = (1 + lower_h) +
 * (upper_h − lower_h)·U(w0), zx likewise from w1 (or zx = zy when `width`
 * is null), all in float64; its output-to-input matrix is
 * [zx, 0, cx·(1 − zx), 0, zy, cy·(1 − zy)] with cx = (w − 1)/2, cy = (h − 1)/2.
 */
export function randomZoomMatrices(n: number, h: number, w: number, height: [number, number], width: [number, number] | null, at: LayerDraw): { zoomX: Float64Array; zoomY: Float64Array; matrix: Float64Array } {
  const words = perSampleWords(n, seedKey(at.seed), at.index, at.epoch, LAYER_STREAM.randomZoom);
  const zoomX = new Float64Array(n);
  const zoomY = new Float64Array(n);
  const matrix = new Float64Array(6 * n);
  const draw = (range: [number, number], word: number): number => (1 + range[0]) + (range[1] - range[0]) * uniformFromWord(word);
  const cx = (w - 1) / 2;
  const cy = (h - 1) / 2;
  for (let k = 0; k < n; k += 1) {
    const zy = draw(height, words[4 * k]!);
    const zx = width === null ? zy : draw(width, words[4 * k + 1]!);
    zoomX[k] = zx;
    zoomY[k] = zy;
    matrix.set([zx, 0, cx * (1 - zx), 0, zy, cy * (1 - zy)], 6 * k);
  }
  return { zoomX, zoomY, matrix };
}

/**
 * Keras RandomZoom: zoom factors drawn per image from stream 98 (Keras's
 * draw: the matrix entry z in [1 + lower, 1 + upper], positive = zoom out),
 * Keras's zoom matrix about the centre, run by fastaug affine with the
 * matrices given.
 */
export class RandomZoom extends KerasAugmentationLayer {
  static className = 'RandomZoom';
  readonly heightFactor: [number, number];
  /** null: the width takes the height's zoom. */
  readonly widthFactor: [number, number] | null;
  readonly fillMode: KerasFillMode;
  readonly interpolation: Interpolation;
  readonly fillValue: number;
  private readonly given: { heightFactor: KerasFactor; widthFactor: KerasFactor | null };

  constructor(args: RandomZoomArgs) {
    const o = kerasArgs<RandomZoomArgs>('RandomZoom', args, ['heightFactor', 'widthFactor', 'fillMode', 'interpolation', 'fillValue']);
    super(o);
    this.heightFactor = sortedKerasRange('height_factor', o.heightFactor, -1, 1);
    this.widthFactor = o.widthFactor === undefined || o.widthFactor === null ? null : sortedKerasRange('width_factor', o.widthFactor, -1, 1);
    this.given = { heightFactor: structuredClone(o.heightFactor), widthFactor: o.widthFactor === undefined ? null : structuredClone(o.widthFactor) };
    ({ fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue } = fillArgs(o));
  }

  protected augment(x: tf.Tensor, at: LayerDraw): tf.Tensor {
    const [n, h, w] = x.shape as number[];
    const { matrix } = randomZoomMatrices(n!, h!, w!, this.heightFactor, this.widthFactor, at);
    return affineTensor(x, { matrix, fill: KERAS_FILL[this.fillMode], fillValue: this.fillValue, interpolation: this.interpolation });
  }

  protected kerasConfig(): serialization.ConfigDict {
    return { ...this.given, fillMode: this.fillMode, interpolation: this.interpolation, fillValue: this.fillValue };
  }
}

serialization.registerClass(RandomFlip);
serialization.registerClass(RandomTranslation);
serialization.registerClass(RandomContrast);
serialization.registerClass(RandomBrightness);
serialization.registerClass(RandomCrop);
serialization.registerClass(RandomRotation);
serialization.registerClass(RandomZoom);
