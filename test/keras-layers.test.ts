// Keras augmentation layers for TF.js (issue 19): a model.json as the tfjs
// converter writes it for a Keras 2 model with RandomFlip, RandomTranslation,
// RandomContrast, RandomBrightness and RandomCrop loads with the real
// tf.loadLayersModel (through tf.io.http, weights manifest and all), predicts
// with Keras's inference behaviour, trains with the layers active, and saves
// back the Keras config fields.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import {
  brightnessTensor, contrastTensor, cropTensor, flipTensor, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomTranslation, shiftTensor,
} from '../src/tfjs/index.js';

const H = 6;
const W = 8;
const C = 3;

/** The layers' Keras configs as Keras 2.15 writes them (snake_case keys and values). */
const KERAS_LAYERS = [
  { class_name: 'RandomFlip', config: { name: 'random_flip', trainable: true, dtype: 'float32', mode: 'horizontal_and_vertical', seed: 11 } },
  {
    class_name: 'RandomTranslation',
    config: {
      name: 'random_translation', trainable: true, dtype: 'float32', height_factor: 0.25, width_factor: [-0.1, 0.3],
      fill_mode: 'wrap', fill_value: 0.0, interpolation: 'bilinear', seed: 12,
    },
  },
  { class_name: 'RandomContrast', config: { name: 'random_contrast', trainable: true, dtype: 'float32', factor: [0.3, 0.5], seed: 13 } },
  { class_name: 'RandomBrightness', config: { name: 'random_brightness', trainable: true, dtype: 'float32', factor: 0.2, value_range: [0, 255], seed: 14 } },
  { class_name: 'RandomCrop', config: { name: 'random_crop', trainable: true, dtype: 'float32', height: 4, width: 4, seed: 15 } },
];

function modelJson(): Record<string, unknown> {
  return {
    format: 'layers-model',
    generatedBy: 'keras v2.15.0',
    convertedBy: 'TensorFlow.js Converter v4.22.0',
    modelTopology: {
      keras_version: '2.15.0',
      backend: 'tensorflow',
      model_config: {
        class_name: 'Sequential',
        config: {
          name: 'sequential',
          layers: [
            { class_name: 'InputLayer', config: { batch_input_shape: [null, H, W, C], dtype: 'float32', sparse: false, ragged: false, name: 'input_1' } },
            ...KERAS_LAYERS,
            { class_name: 'Flatten', config: { name: 'flatten', trainable: true, dtype: 'float32', data_format: 'channels_last' } },
            {
              class_name: 'Dense',
              config: {
                name: 'dense', trainable: true, dtype: 'float32', units: 2, activation: 'softmax', use_bias: true,
                kernel_initializer: { class_name: 'GlorotUniform', config: { seed: null } }, bias_initializer: { class_name: 'Zeros', config: {} },
                kernel_regularizer: null, bias_regularizer: null, activity_regularizer: null, kernel_constraint: null, bias_constraint: null,
              },
            },
          ],
        },
      },
    },
    weightsManifest: [{
      paths: ['group1-shard1of1.bin'],
      weights: [{ name: 'dense/kernel', shape: [4 * 4 * C, 2], dtype: 'float32' }, { name: 'dense/bias', shape: [2], dtype: 'float32' }],
    }],
  };
}

const KERNEL = Float32Array.from({ length: 4 * 4 * C * 2 }, (_, i) => Math.fround(Math.sin(i) / 10));
const BIAS = Float32Array.of(0.25, -0.25);

/** A fetch serving model.json and its weights shard, as a web server would. */
function serve(json: Record<string, unknown>): (input: string | URL | Request) => Promise<Response> {
  const shard = new Uint8Array(4 * (KERNEL.length + BIAS.length));
  shard.set(new Uint8Array(KERNEL.buffer), 0);
  shard.set(new Uint8Array(BIAS.buffer), 4 * KERNEL.length);
  return async (input: string | URL | Request) => {
    const path = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (path.endsWith('model.json')) return new Response(JSON.stringify(json), { headers: { 'content-type': 'application/json' } });
    if (path.endsWith('group1-shard1of1.bin')) return new Response(shard);
    return new Response('not found', { status: 404 });
  };
}

async function loadKerasModel(): Promise<tf.LayersModel> {
  return tf.loadLayersModel(tf.io.http('https://models.example/keras/model.json', { fetchFunc: serve(modelJson()) }));
}

function images(n: number): tf.Tensor4D {
  return tf.tensor4d(Float32Array.from({ length: n * H * W * C }, (_, i) => (i * 53) % 256), [n, H, W, C]);
}

for (const backend of ['cpu', 'wasm'] as const) describe(`Keras augmentation layers on the ${backend} backend`, () => {
  beforeAll(async () => {
    await tf.setBackend(backend);
    await tf.ready();
  });

  it('a Keras-exported model.json with the layers loads, predicts (Keras inference behaviour), trains, and saves its Keras fields back', async () => {
    const model = await loadKerasModel();
    const byName = (name: string): tf.layers.Layer => model.getLayer(name);
    expect(KERAS_LAYERS.map((l) => byName(l.config.name).getClassName())).toEqual(['RandomFlip', 'RandomTranslation', 'RandomContrast', 'RandomBrightness', 'RandomCrop']);
    expect((byName('random_flip') as RandomFlip).mode).toBe('horizontal_and_vertical');
    expect((byName('random_translation') as RandomTranslation).heightFactor).toEqual([-0.25, 0.25]);
    expect((byName('random_translation') as RandomTranslation).fillMode).toBe('wrap');
    expect((byName('random_contrast') as RandomContrast).factorRange).toEqual([0.7, 1.5]);
    expect((byName('random_brightness') as RandomBrightness).deltaRange).toEqual([-51, 51]);
    expect(model.outputs[0]!.shape).toEqual([null, 2]);

    // inference: identity through flip / translation / contrast / brightness; RandomCrop's smart
    // resize: the centred 6 × 6 window of the 6 × 8 image (left 1), resized bilinearly to 4 × 4
    const x = images(3);
    const predicted = model.predict(x) as tf.Tensor;
    const dense = byName('dense');
    const window = tf.slice(x, [0, 0, 1, 0], [3, 6, 6, C]);
    const expected = dense.apply(tf.reshape(tf.image.resizeBilinear(window, [4, 4], false, true), [3, 48])) as tf.Tensor;
    expect([...predicted.dataSync()]).toEqual([...expected.dataSync()]);
    for (const l of KERAS_LAYERS) expect((byName(l.config.name) as RandomFlip).calls).toBe(0);

    // training: each layer equals its op run directly with { seed, index: 0, epoch: call }
    const flip = byName('random_flip') as RandomFlip;
    const translation = byName('random_translation') as RandomTranslation;
    const contrast = byName('random_contrast') as RandomContrast;
    const brightness = byName('random_brightness') as RandomBrightness;
    const crop = byName('random_crop') as RandomCrop;
    const chain = (input: tf.Tensor): tf.Tensor[] => {
      const outs: tf.Tensor[] = [];
      let t = input;
      for (const layer of [flip, translation, contrast, brightness, crop]) {
        t = layer.apply(t, { training: true }) as tf.Tensor;
        outs.push(t);
      }
      return outs;
    };
    const [f0, t0, c0, b0, r0] = chain(x);
    const at = (seed: number, epoch: number): { seed: number; index: number; epoch: number } => ({ seed, index: 0, epoch });
    const direct = [
      flipTensor(x, { mode: 'horizontal_and_vertical', p: 0.5, ...at(11, 0) }),
    ];
    direct.push(shiftTensor(direct[0]!, { y: [-0.25, 0.25], x: [-0.1, 0.3], fill: 'wrap', fillValue: 0, interpolation: 'bilinear', ...at(12, 0) }));
    direct.push(contrastTensor(direct[1]!, { factor: [0.7, 1.5], clip: [0, 255], ...at(13, 0) }));
    direct.push(brightnessTensor(direct[2]!, { delta: [-51, 51], clip: [0, 255], ...at(14, 0) }));
    direct.push(cropTensor(direct[3]!, { height: 4, width: 4, ...at(15, 0) }));
    [f0, t0, c0, b0, r0].forEach((t, i) => expect([...t!.dataSync()]).toEqual([...direct[i]!.dataSync()]));
    expect(r0!.shape).toEqual([3, 4, 4, C]);
    // the training outputs differ from inference (identity / smart resize)
    expect([...f0!.dataSync()]).not.toEqual([...x.dataSync()]);
    expect([...r0!.dataSync()]).not.toEqual([...(crop.apply(b0!) as tf.Tensor).dataSync()]);
    // a second training call draws afresh (epoch 1)
    const again = flip.apply(x, { training: true }) as tf.Tensor;
    expect([...again.dataSync()]).toEqual([...flipTensor(x, { mode: 'horizontal_and_vertical', ...at(11, 1) }).dataSync()]);
    expect(flip.calls).toBe(2);

    // fit: 6 samples in batches of 2 for 2 epochs: 6 training calls of every layer
    for (const layer of [flip, translation, contrast, brightness, crop]) layer.calls = 0;
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const history = await model.fit(images(6), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.loss!.every((v) => Number.isFinite(v as number))).toBe(true);
    for (const layer of [flip, translation, contrast, brightness, crop]) expect(layer.calls).toBe(6);
    // training changed the dense weights; prediction still runs
    expect([...(dense.getWeights()[1]!).dataSync()]).not.toEqual([...BIAS]);

    // save: the Keras config fields go back snake_cased, as Keras reads them
    let saved: tf.io.ModelArtifacts | undefined;
    await model.save(tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }));
    const topology = saved!.modelTopology as { config: { layers: Array<{ class_name: string; config: Record<string, unknown> }> } };
    const layers = topology.config.layers.filter((l) => l.class_name.startsWith('Random'));
    layers.forEach((l, i) => {
      const original = KERAS_LAYERS[i]!;
      expect(l.class_name).toBe(original.class_name);
      for (const [key, value] of Object.entries(original.config)) expect([key, l.config[key]]).toEqual([key, value]);
    });
    const reloaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
    expect([...(reloaded.predict(x) as tf.Tensor).dataSync()]).toEqual([...(model.predict(x) as tf.Tensor).dataSync()]);
  });

  it('RandomCrop: inference is the identity on an image of the target size, and smart resize otherwise; a smaller image is resized in training too', () => {
    const crop = new RandomCrop({ height: 4, width: 4, seed: 1 });
    const same = tf.tensor4d(Float32Array.from({ length: 16 }, (_, i) => i), [1, 4, 4, 1]);
    expect([...(crop.apply(same) as tf.Tensor).dataSync()]).toEqual([...same.dataSync()]);
    // a tall 8 × 4 image: the centred 4 × 4 window from row 2
    const tall = tf.tensor4d(Float32Array.from({ length: 32 }, (_, i) => i), [1, 8, 4, 1]);
    expect(crop.window(8, 4)).toEqual([2, 0, 4, 4]);
    expect([...(crop.apply(tall) as tf.Tensor).dataSync()]).toEqual([...tf.slice(tall, [0, 2, 0, 0], [1, 4, 4, 1]).dataSync()]);
    // a smaller 2 × 2 image in training: resized (no random crop possible), as Keras
    const small = tf.tensor4d([0, 10, 20, 30], [1, 2, 2, 1]);
    const y = crop.apply(small, { training: true }) as tf.Tensor;
    expect([...y.dataSync()]).toEqual([...tf.image.resizeBilinear(small, [4, 4], false, true).dataSync()]);
    expect(crop.computeOutputShape([null, 9, 9, 3] as never)).toEqual([null, 4, 4, 3]);
  });

  it('an unbatched (rank 3) image works; int32 pixels stay int32', () => {
    const flip = new RandomFlip({ mode: 'horizontal', seed: 3 });
    const img = tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1], 'int32');
    let flipped: tf.Tensor | undefined;
    for (let i = 0; i < 8; i += 1) {
      const y = flip.apply(img, { training: true }) as tf.Tensor;
      expect(y.dtype).toBe('int32');
      if ([...y.dataSync()].join() === '3,2,1,6,5,4') flipped = y;
    }
    expect(flipped).toBeDefined();
    expect(() => flip.apply(tf.zeros([2, 2]), { training: true })).toThrow('Expected 3 (one image, HWC) or 4 (a batch, NHWC) for inputs.rank but received 2');
    // call() without kwargs is inference
    expect([...(flip.call(img, undefined as never) as tf.Tensor).dataSync()]).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('seeded layers reproduce; unseeded ones take seed 0; construction checks the Keras fields', () => {
    const x = images(4);
    const a = new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 7 }).apply(x, { training: true }) as tf.Tensor;
    const b = new RandomTranslation({ heightFactor: 0.2, widthFactor: 0.2, seed: 7 }).apply(x, { training: true }) as tf.Tensor;
    expect([...a.dataSync()]).toEqual([...b.dataSync()]);
    expect(new RandomFlip({ seed: null }).drawFor(5)).toEqual({ seed: 0, index: 0, epoch: 5 });
    expect(new RandomFlip().getConfig().seed).toBeNull();
    expect(new RandomFlip({ mode: 'horizontalAndVertical' }).mode).toBe('horizontal_and_vertical');

    expect(() => new RandomFlip({ mode: 'diagonal' })).toThrow("Expected 'horizontal', 'vertical' or 'horizontal_and_vertical' for mode but received 'diagonal'");
    expect(() => new RandomFlip({ mode: 'horizontal', sed: 1 } as never)).toThrow("Unknown option 'sed' for RandomFlip");
    expect(() => new RandomTranslation({ heightFactor: 1.5, widthFactor: 0 })).toThrow(RangeError);
    expect(() => new RandomTranslation({ heightFactor: 0.1, widthFactor: 0, fillMode: 'mirror' })).toThrow("Expected 'reflect', 'wrap', 'constant' or 'nearest' for fill_mode but received 'mirror'");
    expect(() => new RandomTranslation({ heightFactor: 0.1, widthFactor: 0, interpolation: 'bicubic' })).toThrow("for interpolation but received 'bicubic'");
    expect(() => new RandomContrast({ factor: 1.5 })).toThrow(RangeError);
    expect(new RandomContrast({ factor: [0.5, 2] }).factorRange).toEqual([0.5, 3]);
    expect(() => new RandomBrightness({ factor: [-2, 0] })).toThrow(RangeError);
    expect(() => new RandomBrightness({ factor: 0.1, valueRange: [1, 0] })).toThrow('for value_range');
    expect(() => new RandomCrop({ height: 0, width: 2 })).toThrow(RangeError);
    expect(() => new RandomFlip({ dataFormat: 'channels_first' })).toThrow("Expected 'channels_last' (fastaug's layers take NHWC tensors) for data_format");
    expect(new RandomBrightness({ factor: 0.5, valueRange: [0, 1] }).deltaRange).toEqual([-0.5, 0.5]);
    expect(new RandomBrightness({ factor: [0.2, -0.1] }).factor).toEqual([-0.1, 0.2]);
  });

  it('each layer at inference leaves the input as it is and leaks no tensor', () => {
    const x = images(2);
    const before = tf.memory().numTensors;
    for (const layer of [new RandomFlip(), new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }), new RandomContrast({ factor: 0.2 }), new RandomBrightness({ factor: 0.2 })]) {
      const y = layer.apply(x) as tf.Tensor;
      expect([...y.dataSync()]).toEqual([...x.dataSync()]);
      y.dispose();
      const z = layer.apply(x, { training: true }) as tf.Tensor;
      z.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
