// Seeded noise layers for hidden units: active only in training, the noise
// treated as a constant (so the gradient reaches the input through it
// unchanged), serializable, reproducible run to run. Each training call
// draws a fresh sample: call c uses epoch c of the layer's seed.
import * as tf from '@tensorflow/tfjs-core';
import { serialization } from '@tensorflow/tfjs-core';
import { layers } from '@tensorflow/tfjs-layers';
import type { Kwargs } from '@tensorflow/tfjs-layers/dist/types';

import { normalsOfStream } from '../ops/random.js';
import { checkOptionNames, integerInRange, invalidParameterError, isPlainObject, numberInRange } from '../validate.js';

type LayerArgs = ConstructorParameters<typeof layers.Layer>[0];
type ShapeArg = Parameters<layers.Layer['computeOutputShape']>[0];

export interface GaussianNoiseArgs extends NonNullable<LayerArgs> {
  /** Standard deviation of the additive noise, ≥ 0. */
  stddev: number;
  /** Seed of the layer's noise stream (integer ≥ 0, default 0). */
  seed?: number;
}

export interface GaussianDropoutArgs extends NonNullable<LayerArgs> {
  /** Drop probability in [0, 1): the noise is N(1, rate / (1 − rate)). */
  rate: number;
  /** Seed of the layer's noise stream (integer ≥ 0, default 0). */
  seed?: number;
}

/** Stream ids of the layers' noise (documented in README). */
export const LAYER_STREAM = { gaussianNoise: 96, gaussianDropout: 97, randomZoom: 98 } as const;

/** The base Layer's own argument names (tfjs-layers LayerArgs), accepted by every layer here. */
export const LAYER_ARG_NAMES = ['inputShape', 'batchInputShape', 'batchSize', 'dtype', 'name', 'trainable', 'weights', 'inputDType'] as const;

/**
 * A layer's args must be an object whose keys are all known (as for every
 * fastaug op): tfjs-layers itself ignores unknown keys, so `{ stddev: 1,
 * sed: 2 }` would silently run with seed 0.
 */
function layerArgs<T extends object>(layer: string, args: unknown, own: readonly string[]): T {
  if (!isPlainObject(args)) throw invalidParameterError(`${layer} args`, `an object { ${own.join(', ')}, … }`, args);
  return checkOptionNames<T>(layer, args, [...own, ...LAYER_ARG_NAMES]) as T;
}

/** Standard normals for one call, as a tensor of `shape` (not tracked for gradients). */
function normalTensor(shape: number[], seed: number, call: number, stream: number, mean: number, std: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(normalsOfStream(size, seed, 0, call % 2 ** 32, stream, mean, std), shape, 'float32');
}

abstract class SeededNoiseLayer extends layers.Layer {
  protected readonly seed: number;
  protected calls = 0;

  protected constructor(args: LayerArgs & { seed?: number }) {
    super(args);
    this.seed = args?.seed === undefined ? 0 : integerInRange('seed', args.seed, 0, Number.MAX_SAFE_INTEGER);
    this.supportsMasking = true;
  }

  /**
   * Rebuilds a layer from its getConfig() when a model is loaded. tfjs-layers
   * adds its registry of classes to the config as `customObjects`, which is
   * not an arg of ours.
   */
  static override fromConfig<T extends serialization.Serializable>(cls: serialization.SerializableConstructor<T>, config: serialization.ConfigDict): T {
    const { customObjects: _registry, ...args } = config;
    return new cls(args);
  }

  protected abstract noisy(x: tf.Tensor, call: number): tf.Tensor;

  override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Kwargs): tf.Tensor {
    const x = Array.isArray(inputs) ? inputs[0]! : inputs;
    if (kwargs.training !== true) return tf.clone(x);
    const call = this.calls;
    this.calls += 1;
    return this.noisy(x, call);
  }

  override computeOutputShape(inputShape: ShapeArg): ShapeArg {
    return inputShape;
  }
}

/** x + N(0, stddev²) in training; identity in inference. */
export class GaussianNoise extends SeededNoiseLayer {
  static className = 'FastaugGaussianNoise';
  readonly stddev: number;

  constructor(args: GaussianNoiseArgs) {
    super(layerArgs<GaussianNoiseArgs>('GaussianNoise', args, ['stddev', 'seed']));
    this.stddev = numberInRange('stddev', args.stddev, 0, Number.MAX_VALUE, 'a finite number >= 0');
  }

  protected noisy(x: tf.Tensor, call: number): tf.Tensor {
    return tf.tidy(() => tf.add(x, normalTensor(x.shape, this.seed, call, LAYER_STREAM.gaussianNoise, 0, this.stddev)));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), stddev: this.stddev, seed: this.seed };
  }
}

/** x · N(1, rate / (1 − rate)) in training; identity in inference. */
export class GaussianDropout extends SeededNoiseLayer {
  static className = 'FastaugGaussianDropout';
  readonly rate: number;

  constructor(args: GaussianDropoutArgs) {
    super(layerArgs<GaussianDropoutArgs>('GaussianDropout', args, ['rate', 'seed']));
    this.rate = numberInRange('rate', args.rate, 0, 1 - Number.EPSILON, 'a number in [0, 1)');
  }

  protected noisy(x: tf.Tensor, call: number): tf.Tensor {
    const std = Math.sqrt(this.rate / (1 - this.rate));
    return tf.tidy(() => tf.mul(x, normalTensor(x.shape, this.seed, call, LAYER_STREAM.gaussianDropout, 1, std)));
  }

  override getConfig(): serialization.ConfigDict {
    return { ...super.getConfig(), rate: this.rate, seed: this.seed };
  }
}

serialization.registerClass(GaussianNoise);
serialization.registerClass(GaussianDropout);
