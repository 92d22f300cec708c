// Keras image-augmentation layers for TF.js (issue 19): registered under the
// Keras class names, so a model exported by the tfjs converter with
// RandomFlip / RandomTranslation / RandomContrast / RandomBrightness /
// RandomCrop loads with tf.loadLayersModel once fastaug/tfjs is imported.
// Each layer is a thin shell over a fastaug op (flip, shift, contrast,
// brightness, crop): active only in training (call(x, { training: true })),
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
// Adding RandomRotation / RandomZoom on top of an `affine` op: subclass
// KerasAugmentationLayer like RandomTranslation below: the constructor reads
// `factor` (and for RandomZoom `height_factor`, `width_factor`) with
// kerasRange(), fillMode / interpolation / fillValue with fillArgs(); augment()
// calls affineTensor(x, { rotation / zoom ranges, fill, fillValue,
// interpolation, ...at }); kerasConfig() returns the fields; one
// serialization.registerClass line at the end of this file. Keras's meanings
// to map: RandomRotation `factor` is a fraction of a full turn (0.1 → ±36°,
// [lo, hi] as given; positive is counter-clockwise); RandomZoom
// `height_factor` f gives a zoom drawn in [1 + lo, 1 + hi] where positive
// zooms OUT (the image shrinks), `width_factor` null ties the width's zoom to
// the height's (one draw); take the bounds Keras checks from its source. Both default to fill_mode
// 'reflect', interpolation 'bilinear', fill_value 0, like RandomTranslation.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

import type { FlipMode } from '../ops/flip.js';
import type { Fill, Interpolation } from '../ops/shift.js';
import { checkOptionNames, integerInRange, invalidParameterError, isPlainObject } from '../validate.js';
import { brightnessTensor, contrastTensor, cropTensor, flipTensor, shiftTensor } from './ops.js';
import { LAYER_ARG_NAMES } from './layers.js';

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
  let lo: unknown;
  let hi: unknown;
  if (typeof value === 'number') {
    [lo, hi] = symmetric ? [-value, value] : [value, value];
  } else if (Array.isArray(value) && value.length === 2) {
    [lo, hi] = value;
  } else {
    throw invalidParameterError(name, expected, value);
  }
  if (typeof lo !== 'number' || typeof hi !== 'number') throw invalidParameterError(name, expected, value);
  if (!Number.isFinite(lo) || !Number.isFinite(hi) || lo > hi || lo < min || hi > max) throw invalidParameterError(name, expected, value, 'range');
  return [lo, hi];
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

serialization.registerClass(RandomFlip);
serialization.registerClass(RandomTranslation);
serialization.registerClass(RandomContrast);
serialization.registerClass(RandomBrightness);
serialization.registerClass(RandomCrop);
