// Keras augmentation layers for TF.js (issue 19): a model.json as the tfjs
// converter writes it for a Keras 2 model with RandomFlip, RandomTranslation,
// RandomContrast, RandomBrightness, RandomRotation, RandomZoom and RandomCrop loads with the real
// tf.loadLayersModel (through tf.io.http, weights manifest and all), predicts
// with Keras's inference behaviour, trains with the layers active, and saves
// back the Keras config fields.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';

import { affineParams, philox4x32 } from '../src/index.js';
import {
  affineTensor, brightnessTensor, contrastTensor, cropTensor, flipTensor, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation,
  RandomTranslation, RandomZoom, randomZoomMatrices, shiftTensor,
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
  {
    class_name: 'RandomRotation',
    config: { name: 'random_rotation', trainable: true, dtype: 'float32', factor: 0.1, fill_mode: 'reflect', fill_value: 0.0, interpolation: 'bilinear', seed: 16 },
  },
  {
    class_name: 'RandomZoom',
    config: {
      name: 'random_zoom', trainable: true, dtype: 'float32', height_factor: [-0.2, 0.3], width_factor: null,
      fill_mode: 'nearest', fill_value: 0.0, interpolation: 'bilinear', seed: 17,
    },
  },
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

/**
 * Keras's zoom matrices written from its definition and the README's stream
 * layout (an independent expectation for RandomZoom): image k draws
 * philox (0, k, epoch, 98) with key (seed, 0); z = 1 + lo + (hi − lo)·U(w0)
 * (the width's from w1 unless tied); matrix [zx, 0, cx(1 − zx), 0, zy, cy(1 − zy)].
 */
function kerasZoomMatrices(n: number, seed: number, epoch: number, height: [number, number], width: [number, number] | null = null): number[][] {
  return Array.from({ length: n }, (_, k) => {
    const words = philox4x32([0, k, epoch, 98], [seed, 0]);
    const u = (w: number): number => ((w >>> 9) + 0.5) / 2 ** 23;
    const zy = 1 + height[0] + (height[1] - height[0]) * u(words[0]!);
    const zx = width === null ? zy : 1 + width[0] + (width[1] - width[0]) * u(words[1]!);
    return [zx, 0, ((W - 1) / 2) * (1 - zx), 0, zy, ((H - 1) / 2) * (1 - zy)];
  });
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
    expect(KERAS_LAYERS.map((l) => byName(l.config.name).getClassName())).toEqual(['RandomFlip', 'RandomTranslation', 'RandomContrast', 'RandomBrightness', 'RandomRotation', 'RandomZoom', 'RandomCrop']);
    expect((byName('random_rotation') as RandomRotation).degrees).toEqual([-36, 36]);
    expect((byName('random_zoom') as RandomZoom).heightFactor).toEqual([-0.2, 0.3]);
    expect((byName('random_zoom') as RandomZoom).widthFactor).toBeNull();
    expect((byName('random_flip') as RandomFlip).mode).toBe('horizontal_and_vertical');
    expect((byName('random_translation') as RandomTranslation).heightFactor).toEqual([-0.25, 0.25]);
    expect((byName('random_translation') as RandomTranslation).fillMode).toBe('wrap');
    expect((byName('random_contrast') as RandomContrast).factorRange).toEqual([0.7, 1.5]);
    expect((byName('random_brightness') as RandomBrightness).deltaRange).toEqual([-51, 51]);
    expect(model.outputs[0]!.shape).toEqual([null, 2]);

    // inference: identity through flip / translation / contrast / brightness / rotation / zoom; RandomCrop's smart
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
    const rotation = byName('random_rotation') as RandomRotation;
    const zoom = byName('random_zoom') as RandomZoom;
    const crop = byName('random_crop') as RandomCrop;
    const all = [flip, translation, contrast, brightness, rotation, zoom, crop];
    const chain = (input: tf.Tensor): tf.Tensor[] => {
      const outs: tf.Tensor[] = [];
      let t = input;
      for (const layer of all) {
        t = layer.apply(t, { training: true }) as tf.Tensor;
        outs.push(t);
      }
      return outs;
    };
    const [f0, t0, c0, b0, o0, z0, r0] = chain(x);
    const at = (seed: number, epoch: number): { seed: number; index: number; epoch: number } => ({ seed, index: 0, epoch });
    const direct = [
      flipTensor(x, { mode: 'horizontal_and_vertical', p: 0.5, ...at(11, 0) }),
    ];
    direct.push(shiftTensor(direct[0]!, { y: [-0.25, 0.25], x: [-0.1, 0.3], fill: 'wrap', fillValue: 0, interpolation: 'bilinear', ...at(12, 0) }));
    direct.push(contrastTensor(direct[1]!, { factor: [0.7, 1.5], clip: [0, 255], ...at(13, 0) }));
    direct.push(brightnessTensor(direct[2]!, { delta: [-51, 51], clip: [0, 255], ...at(14, 0) }));
    direct.push(affineTensor(direct[3]!, { rotation: [-36, 36], fill: 'reflect', fillValue: 0, interpolation: 'bilinear', ...at(16, 0) }));
    direct.push(affineTensor(direct[4]!, { matrix: kerasZoomMatrices(3, 17, 0, [-0.2, 0.3]), fill: 'nearest', fillValue: 0, interpolation: 'bilinear' }));
    direct.push(cropTensor(direct[5]!, { height: 4, width: 4, ...at(15, 0) }));
    [f0, t0, c0, b0, o0, z0, r0].forEach((t, i) => expect([...t!.dataSync()]).toEqual([...direct[i]!.dataSync()]));
    expect(r0!.shape).toEqual([3, 4, 4, C]);
    // the training outputs differ from inference (identity / smart resize)
    expect([...f0!.dataSync()]).not.toEqual([...x.dataSync()]);
    expect([...r0!.dataSync()]).not.toEqual([...(crop.apply(z0!) as tf.Tensor).dataSync()]);
    expect([...o0!.dataSync()]).not.toEqual([...b0!.dataSync()]);
    expect([...z0!.dataSync()]).not.toEqual([...o0!.dataSync()]);
    // a second training call draws afresh (epoch 1)
    const again = flip.apply(x, { training: true }) as tf.Tensor;
    expect([...again.dataSync()]).toEqual([...flipTensor(x, { mode: 'horizontal_and_vertical', ...at(11, 1) }).dataSync()]);
    expect(flip.calls).toBe(2);

    // fit: 6 samples in batches of 2 for 2 epochs: 6 training calls of every layer
    for (const layer of all) layer.calls = 0;
    model.compile({ optimizer: tf.train.sgd(0.01), loss: 'categoricalCrossentropy' });
    const history = await model.fit(images(6), tf.oneHot(tf.tensor1d([0, 1, 0, 1, 1, 0], 'int32'), 2), { epochs: 2, batchSize: 2, shuffle: false, verbose: 0 });
    expect(history.history.loss).toHaveLength(2);
    expect(history.history.loss!.every((v) => Number.isFinite(v as number))).toBe(true);
    for (const layer of all) expect(layer.calls).toBe(6);
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

  it('RandomRotation: a quarter turn is counter-clockwise; the matrix is Keras\'s rotation matrix about the centre', () => {
    // factor [0.25, 0.25]: 90° exactly; output (y, x) reads input (row x, column 2 − y): the right column becomes the top row
    const img = tf.tensor4d(Float32Array.from({ length: 9 }, (_, i) => i), [1, 3, 3, 1]);
    const quarter = new RandomRotation({ factor: [0.25, 0.25], seed: 2 });
    expect([...(quarter.apply(img, { training: true }) as tf.Tensor).dataSync()]).toEqual([2, 5, 8, 1, 4, 7, 0, 3, 6]);
    expect([...(new RandomRotation({ factor: [-0.25, -0.25] }).apply(img, { training: true }) as tf.Tensor).dataSync()]).toEqual([6, 3, 0, 7, 4, 1, 8, 5, 2]);
    // Keras 2's get_rotation_matrix: [cos, −sin, x_off, sin, cos, y_off], x_off = ((w − 1) − (cos(w − 1) − sin(h − 1)))/2,
    // y_off = ((h − 1) − (sin(w − 1) + cos(h − 1)))/2, angle = drawn degrees in radians
    const layer = new RandomRotation({ factor: 0.2, seed: 9 });
    const batch = { data: new Float32Array(5 * H * W * C), shape: [5, H, W, C] as [number, number, number, number] };
    const p = affineParams(batch, { rotation: layer.degrees, ...layer.drawFor(3) });
    for (let k = 0; k < 5; k += 1) {
      const a = (p.rotation[k]! * Math.PI) / 180;
      expect(Math.abs(p.rotation[k]!)).toBeLessThanOrEqual(72);
      const keras = [Math.cos(a), -Math.sin(a), ((W - 1) - (Math.cos(a) * (W - 1) - Math.sin(a) * (H - 1))) / 2,
        Math.sin(a), Math.cos(a), ((H - 1) - (Math.sin(a) * (W - 1) + Math.cos(a) * (H - 1))) / 2];
      keras.forEach((v, j) => expect(Math.abs(p.matrix[6 * k + j]! - v)).toBeLessThan(1e-12));
    }
    // and the layer's training output is that affine
    layer.calls = 3;
    const x = images(5);
    expect([...(layer.apply(x, { training: true }) as tf.Tensor).dataSync()]).toEqual([...affineTensor(x, { rotation: [-72, 72], ...layer.drawFor(3) }).dataSync()]);
  });

  it('RandomRotation: Keras 3.8+\'s rule (angle in degrees, centre 0.5·(size − 1), output-to-input matrix) on a hand case and on drawn angles', () => {
    // Keras 3.8+ with scale 1, no shear or translation: a0 = cos, a1 = −sin, a2 = cx − cx·a0 − cy·a1,
    // b0 = sin, b1 = cos, b2 = cy − cx·b0 − cy·b1, cx = 0.5·(w − 1), cy = 0.5·(h − 1); output (x, y) reads
    // input (a0·x + a1·y + a2, b0·x + b1·y + b2). +90° on h = 3, w = 5 (cx = 2, cy = 1): input (3 − y, x − 1),
    // every coordinate a whole pixel; columns x = 0 and x = 4 read rows −1 and 3: the constant fill.
    const img = tf.tensor4d(Float32Array.from({ length: 15 }, (_, i) => 10 * Math.floor(i / 5) + (i % 5)), [1, 3, 5, 1]);
    const ccw = new RandomRotation({ factor: [0.25, 0.25], fillMode: 'constant', fillValue: 99 });
    expect([...(ccw.apply(img, { training: true }) as tf.Tensor).dataSync()]).toEqual([
      99, 3, 13, 23, 99,
      99, 2, 12, 22, 99,
      99, 1, 11, 21, 99,
    ]);
    // −90° (a2 = 1, b2 = 3): output (x, y) reads input column y + 1, row 3 − x (clockwise)
    const cw = new RandomRotation({ factor: [-0.25, -0.25], fillMode: 'constant', fillValue: 99 });
    expect([...(cw.apply(img, { training: true }) as tf.Tensor).dataSync()]).toEqual([
      99, 21, 11, 1, 99,
      99, 22, 12, 2, 99,
      99, 23, 13, 3, 99,
    ]);
    // drawn angles on a non-square image: fastaug's matrix is Keras 3.8+'s (and Keras 2's) to 1e-12
    for (const [h, w] of [[H, W], [7, 4]] as const) {
      const layer = new RandomRotation({ factor: 0.3, seed: 11 });
      const p = affineParams({ data: new Float32Array(4 * h * w), shape: [4, h, w, 1] }, { rotation: layer.degrees, ...layer.drawFor(2) });
      const [cx, cy] = [0.5 * (w - 1), 0.5 * (h - 1)];
      for (let k = 0; k < 4; k += 1) {
        const a = (p.rotation[k]! * Math.PI) / 180;
        const [a0, a1, b0, b1] = [Math.cos(a), -Math.sin(a), Math.sin(a), Math.cos(a)];
        const keras3 = [a0, a1, cx - cx * a0 - cy * a1, b0, b1, cy - cx * b0 - cy * b1];
        keras3.forEach((v, j) => expect(Math.abs(p.matrix[6 * k + j]! - v)).toBeLessThan(1e-12));
      }
    }
  });

  it('RandomZoom: positive factors zoom out; Keras fill modes on a hand case; per-axis draws from stream 98', () => {
    // z = 2 (factor [1, 1]) on a 1 × 4 row a b c d = 0 10 20 30: input x = 2x − 1.5 → −1.5, 0.5, 2.5, 4.5
    const row = tf.tensor4d([0, 10, 20, 30], [1, 1, 4, 1]);
    const zoomOut = (fillMode: string, fillValue = 0): number[] =>
      [...(new RandomZoom({ heightFactor: [1, 1], fillMode, fillValue }).apply(row, { training: true }) as tf.Tensor).dataSync()];
    // reflect (d c b a | a b c d | d c b a): −1.5 is halfway between b (−2) and a (−1); 4.5 between d (4) and c (5)
    expect(zoomOut('reflect')).toEqual([5, 5, 25, 25]);
    // wrap (a b c d | a b c d): −2 → c, −1 → d; 4 → a, 5 → b
    expect(zoomOut('wrap')).toEqual([25, 5, 25, 5]);
    expect(zoomOut('nearest')).toEqual([0, 5, 25, 30]);
    expect(zoomOut('constant', 7)).toEqual([7, 5, 25, 7]);
    // negative zooms in: z = 0.5 on 0 10 20 30 reads x/2 + 0.75 → 0.75, 1.25, 1.75, 2.25
    expect([...(new RandomZoom({ heightFactor: [-0.5, -0.5] }).apply(row, { training: true }) as tf.Tensor).dataSync()]).toEqual([7.5, 12.5, 17.5, 22.5]);

    // the draws: tied (width_factor null) and per axis, equal to Keras's matrices written from the stream layout
    const tied = randomZoomMatrices(4, H, W, [-0.2, 0.3], null, { seed: 5, index: 0, epoch: 2 });
    expect([...tied.matrix].map((v) => +v.toPrecision(15))).toEqual(kerasZoomMatrices(4, 5, 2, [-0.2, 0.3]).flat().map((v) => +v.toPrecision(15)));
    expect([...tied.zoomX]).toEqual([...tied.zoomY]);
    const free = randomZoomMatrices(4, H, W, [-0.2, 0.3], [0.1, 0.4], { seed: 5, index: 0, epoch: 2 });
    expect([...free.matrix].map((v) => +v.toPrecision(15))).toEqual(kerasZoomMatrices(4, 5, 2, [-0.2, 0.3], [0.1, 0.4]).flat().map((v) => +v.toPrecision(15)));
    // uniform in [1 + lo, 1 + hi]: 4000 draws span it, mean near the middle (sd of the mean 0.0023)
    const many = randomZoomMatrices(4000, H, W, [-0.2, 0.3], [0.1, 0.4], { seed: 1, index: 0, epoch: 0 });
    const mean = (a: Float64Array): number => a.reduce((s, v) => s + v, 0) / a.length;
    expect(Math.min(...many.zoomY)).toBeGreaterThanOrEqual(0.8);
    expect(Math.max(...many.zoomY)).toBeLessThanOrEqual(1.3);
    expect(Math.abs(mean(many.zoomY) - 1.05)).toBeLessThan(0.01);
    expect(Math.abs(mean(many.zoomX) - 1.25)).toBeLessThan(0.01);
    // the layer's output is affine with those matrices
    const layer = new RandomZoom({ heightFactor: 0.3, widthFactor: [0.1, 0.4], fillMode: 'constant', fillValue: 3, interpolation: 'nearest', seed: 5 });
    const x = images(4);
    layer.calls = 2;
    const expected = affineTensor(x, { matrix: kerasZoomMatrices(4, 5, 2, [-0.3, 0.3], [0.1, 0.4]), fill: 'constant', fillValue: 3, interpolation: 'nearest' });
    expect([...(layer.apply(x, { training: true }) as tf.Tensor).dataSync()]).toEqual([...expected.dataSync()]);
  });

  it('RandomRotation / RandomZoom check their Keras fields', () => {
    expect(new RandomRotation({ factor: [0.3, -0.1] }).factor).toEqual([-0.1, 0.3]);
    expect(new RandomZoom({ heightFactor: -0.2 }).heightFactor).toEqual([-0.2, 0.2]);
    expect(() => new RandomRotation({ factor: 'x' as never })).toThrow(TypeError);
    expect(() => new RandomRotation({ factor: 0.1, fillMode: 'mirror' })).toThrow("for fill_mode but received 'mirror'");
    expect(() => new RandomZoom({ heightFactor: 1.5 })).toThrow(RangeError);
    expect(() => new RandomZoom({ heightFactor: 0.1, widthFactor: [-2, 0] })).toThrow('for width_factor');
    expect(() => new RandomZoom({ heightFactor: 0.1, interpolation: 'bicubic' })).toThrow("for interpolation but received 'bicubic'");
    expect(() => new RandomZoom({ heightFactor: 0.1, zoom: 1 } as never)).toThrow("Unknown option 'zoom' for RandomZoom");
    expect(new RandomZoom({ heightFactor: 0.1 }).getConfig()).toMatchObject({ heightFactor: 0.1, widthFactor: null, fillMode: 'reflect', interpolation: 'bilinear', fillValue: 0 });
  });

  it('each layer at inference leaves the input as it is and leaks no tensor', () => {
    const x = images(2);
    const before = tf.memory().numTensors;
    for (const layer of [new RandomFlip(), new RandomTranslation({ heightFactor: 0.1, widthFactor: 0.1 }), new RandomContrast({ factor: 0.2 }), new RandomBrightness({ factor: 0.2 }),
      new RandomRotation({ factor: 0.1 }), new RandomZoom({ heightFactor: 0.2 })]) {
      const y = layer.apply(x) as tf.Tensor;
      expect([...y.dataSync()]).toEqual([...x.dataSync()]);
      y.dispose();
      const z = layer.apply(x, { training: true }) as tf.Tensor;
      z.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
