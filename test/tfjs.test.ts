// TF.js interop on the CPU and wasm backends (real TF.js, never a mock):
// tensors in and out, the noise layers, augmentDataset.
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import {
  brightness, contrast, erase, gamma, gaussianBlur, crop, flip, flipLabels, gaussianDropout, gaussianNoise, labelSmoothing, Pipeline, randomNormal, saltAndPepper, shift, speckleNoise, uniformNoise,
} from '../src/index.js';
import { normalsOfStream } from '../src/ops/random.js';
import {
  eraseTensor, gammaTensor, gaussianBlurTensor,
  augmentDataset, batchToTensor, brightnessTensor, contrastTensor, cropTensor, flipLabelsTensor, flipTensor, GaussianDropout, gaussianDropoutTensor, GaussianNoise, gaussianNoiseTensor, LAYER_STREAM,
  labelSmoothingTensor, pipelineTensor, randomNormalTensor, saltAndPepperTensor, shiftTensor, speckleNoiseTensor, tensorToBatch, uniformNoiseTensor,
} from '../src/tfjs/index.js';
import type { Batch } from '../src/ops/batch.js';

for (const backend of ['cpu', 'wasm'] as const) {
  describe(`on the ${backend} backend`, () => {
    beforeAll(async () => {
      await tf.setBackend(backend);
      await tf.ready();
    });
    afterAll(() => tf.disposeVariables());

    it('pipelineTensor names its pipeline argument when it is not one', () => {
      const t = tf.tensor4d([1], [1, 1, 1, 1]);
      expect(() => pipelineTensor({} as never, t)).toThrow(new TypeError('Expected a Pipeline for pipeline but received Object of type object'));
      expect(() => pipelineTensor(null as never, t)).toThrow(new TypeError('Expected a Pipeline for pipeline but received null of type null'));
      tf.dispose(t);
    });

    it('tensorToBatch takes only the layouts NHWC and NCHW (any other string was taken as NCHW)', () => {
      const t = tf.tensor4d([1], [1, 1, 1, 1]);
      expect(() => tensorToBatch(t, 'x' as never)).toThrow(new TypeError("Expected 'NHWC' or 'NCHW' for layout but received 'x' of type string"));
      expect(() => tensorToBatch(t, null as never)).toThrow("Expected 'NHWC' or 'NCHW' for layout but received null");
      expect(tensorToBatch(t, 'NCHW').layout).toBe('NCHW');
      tf.dispose(t);
    });

    it('maps int32 pixels to uint8, float32 to float32, and back', () => {
      const t = tf.tensor4d([0, 1, 254, 255], [1, 2, 2, 1], 'int32');
      const b = tensorToBatch(t);
      expect(b.data).toBeInstanceOf(Uint8Array);
      expect([...b.data]).toEqual([0, 1, 254, 255]);
      const back = batchToTensor(b, t);
      expect(back.dtype).toBe('int32');
      expect([...back.dataSync()]).toEqual([0, 1, 254, 255]);
      expect(tensorToBatch(tf.tensor4d([0.5], [1, 1, 1, 1])).data).toBeInstanceOf(Float32Array);
      expect(() => tensorToBatch(tf.tensor4d([256], [1, 1, 1, 1], 'int32'))).toThrow('Expected an int32 tensor of pixel values in [0, 255] for images but received 256');
      expect(() => tensorToBatch(tf.tensor4d([1], [1, 1, 1, 1], 'bool'))).toThrow(TypeError);
      expect(() => tensorToBatch(tf.tensor3d([1], [1, 1, 1]))).toThrow('Expected a rank-4 tensor for images.rank but received 3');
      tf.dispose([t, back]);
    });

    it('randomNormalTensor equals randomNormal and leaks nothing', () => {
      const before = tf.memory().numTensors;
      const t = randomNormalTensor([3, 5], { seed: 4 });
      expect([...t.dataSync()]).toEqual([...randomNormal(15, { seed: 4 })]);
      t.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('every op via tensors equals the typed-array result, and leaks no tensor', () => {
      const pixels = Int32Array.from({ length: 2 * 6 * 5 * 3 }, (_, i) => (i * 37) % 256);
      const images = tf.tensor4d(pixels, [2, 6, 5, 3], 'int32');
      const batch = { data: Uint8Array.from(pixels), shape: [2, 6, 5, 3] as [number, number, number, number] };
      // each call adds exactly its result tensor: nothing else is left behind
      const counted = (make: () => tf.Tensor): tf.Tensor => {
        const before = tf.memory().numTensors;
        const t = make();
        expect(tf.memory().numTensors).toBe(before + 1);
        return t;
      };
      const cases: Array<[tf.Tensor, Uint8Array | Float32Array]> = [
        [counted(() => shiftTensor(images, { dx: [1, -2], fill: 'wrap' })), shift(batch, { dx: [1, -2], fill: 'wrap' }).data],
        [counted(() => gaussianNoiseTensor(images, { std: 9, seed: 3 })), gaussianNoise(batch, { std: 9, seed: 3 }).data],
        [counted(() => gaussianBlurTensor(images, { sigma: [0.5, 2], seed: 3, fill: 'reflect' })), gaussianBlur(batch, { sigma: [0.5, 2], seed: 3, fill: 'reflect' }).data],
        [counted(() => gammaTensor(images, { gamma: [0.5, 2], seed: 3 })), gamma(batch, { gamma: [0.5, 2], seed: 3 }).data],
        [counted(() => eraseTensor(images, { p: 1, count: 2, value: 'noise', seed: 3 })), erase(batch, { p: 1, count: 2, value: 'noise', seed: 3 }).data],
        [counted(() => uniformNoiseTensor(images, { low: -4, high: 4 })), uniformNoise(batch, { low: -4, high: 4 }).data],
        [counted(() => speckleNoiseTensor(images, { std: 0.1 })), speckleNoise(batch, { std: 0.1 }).data],
        [counted(() => saltAndPepperTensor(images, { amount: 0.2 })), saltAndPepper(batch, { amount: 0.2 }).data],
        [counted(() => pipelineTensor(new Pipeline([{ op: 'shift', options: { x: 0.2 } }, { op: 'gaussianNoise', options: { std: 4 } }], { seed: 5 }), images, { index: 3 })),
          new Pipeline([{ op: 'shift', options: { x: 0.2 } }, { op: 'gaussianNoise', options: { std: 4 } }], { seed: 5 }).run(batch, { index: 3 }).data],
      ];
      for (const [t, expected] of cases) {
        expect(t.dtype).toBe('int32');
        expect(t.shape).toEqual([2, 6, 5, 3]);
        expect([...t.dataSync()]).toEqual([...expected]);
      }
      const x = tf.tensor1d([1, 2, 3, 4]);
      expect([...gaussianDropoutTensor(x, { rate: 0.3, seed: 1 }).dataSync()]).toEqual([...gaussianDropout(Float32Array.from([1, 2, 3, 4]), { rate: 0.3, seed: 1 })]);
      const hot = tf.tensor2d([1, 0, 0, 0, 0, 1], [2, 3]);
      expect([...labelSmoothingTensor(hot, { epsilon: 0.3 }).dataSync()]).toEqual([0.8, 0.1, 0.1, 0.1, 0.1, 0.8].map(Math.fround));
      const labels = tf.tensor1d([0, 1, 2, 3], 'int32');
      expect([...flipLabelsTensor(labels, { p: 0.5, numClasses: 4, seed: 2 }).dataSync()]).toEqual([...flipLabels(Int32Array.of(0, 1, 2, 3), { p: 0.5, numClasses: 4, seed: 2 })]);
      for (const [t] of cases) t.dispose();
      tf.dispose([images, x, hot, labels]);
    });

    it('flipTensor, cropTensor, brightnessTensor, contrastTensor equal the array ops (int32 pixels and float32); crop gives the output size', () => {
      const shape = [3, 5, 7, 2] as [number, number, number, number];
      const size = shape.reduce((a, b) => a * b, 1);
      const pixels = Int32Array.from({ length: size }, (_, i) => (i * 89 + 7) % 256);
      const floats = Float32Array.from({ length: size }, (_, i) => Math.fround(Math.cos(i) * 100));
      const at = { seed: 21, index: 4, epoch: 2 };
      for (const [t, data] of [[tf.tensor4d(pixels, shape, 'int32'), Uint8Array.from(pixels)], [tf.tensor4d(floats, shape), floats]] as const) {
        const batch = { data: data.slice(), shape };
        const before = tf.memory().numTensors;
        const results: Array<[tf.Tensor, Batch]> = [
          [flipTensor(t, { mode: 'horizontal_and_vertical', p: 0.5, ...at }), flip(batch, { mode: 'horizontal_and_vertical', p: 0.5, ...at })],
          [flipTensor(t, { horizontal: [true, false, true] }), flip(batch, { horizontal: [true, false, true] })],
          [cropTensor(t, { height: 4, width: 4, padding: 2, fill: 'reflect', ...at }), crop(batch, { height: 4, width: 4, padding: 2, fill: 'reflect', ...at })],
          [cropTensor(t, { height: 6, width: 3, top: -1, left: [0, 1, 4], fill: 'wrap' }), crop(batch, { height: 6, width: 3, top: -1, left: [0, 1, 4], fill: 'wrap' })],
          [brightnessTensor(t, { factor: [0.5, 1.5], delta: [-20, 20], ...at }), brightness(batch, { factor: [0.5, 1.5], delta: [-20, 20], ...at })],
          [contrastTensor(t, { factor: [0.2, 1.8], ...at }), contrast(batch, { factor: [0.2, 1.8], ...at })],
          [contrastTensor(t, { factor: 1.5, perChannel: false }), contrast(batch, { factor: 1.5, perChannel: false })],
        ];
        expect(tf.memory().numTensors).toBe(before + results.length);
        for (const [out, expected] of results) {
          expect(out.dtype).toBe(t.dtype);
          expect(out.shape).toEqual(expected.shape);
          expect([...out.dataSync()]).toEqual([...expected.data]);
        }
        // the input tensor is left as it was
        expect([...t.dataSync()]).toEqual([...data]);
        expect(results[2]![0].shape).toEqual([3, 4, 4, 2]);
        expect(results[3]![0].shape).toEqual([3, 6, 3, 2]);
        tf.dispose([t, ...results.map(([out]) => out)]);
      }
      const images = tf.zeros([1, 2, 2, 1]);
      expect(() => cropTensor(images, { height: 1, width: 1, out: new Float32Array(1) } as never)).toThrow("Unknown option 'out' for cropTensor");
      expect(() => flipTensor(images, { mode: 'diagonal' } as never)).toThrow("for mode but received 'diagonal'");
      images.dispose();
    });

    it('GaussianNoise: noise only in training, identity gradient, reproducible', () => {
      const layer = new GaussianNoise({ stddev: 0.5, seed: 9 });
      const x = tf.ones([2, 8]);
      const before = tf.memory().numTensors;
      const inference = layer.apply(x) as tf.Tensor;
      expect([...inference.dataSync()]).toEqual([...x.dataSync()]);
      const trained = layer.apply(x, { training: true }) as tf.Tensor;
      const expected = normalsOfStream(16, 9, 0, 0, LAYER_STREAM.gaussianNoise, 0, 0.5).map((v) => Math.fround(1 + v));
      expect([...trained.dataSync()]).toEqual([...expected]);
      // a second training call draws a fresh sample (epoch 1)
      const second = layer.apply(x, { training: true }) as tf.Tensor;
      expect([...second.dataSync()]).not.toEqual([...trained.dataSync()]);
      // the same seed in a new layer reproduces the first draw
      const again = new GaussianNoise({ stddev: 0.5, seed: 9 }).apply(x, { training: true }) as tf.Tensor;
      expect([...again.dataSync()]).toEqual([...trained.dataSync()]);
      const g = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
      expect([...g.dataSync()]).toEqual(new Array(16).fill(1));
      tf.dispose([inference, trained, second, again, g]);
      expect(tf.memory().numTensors).toBe(before);
      x.dispose();
    });

    it('GaussianDropout: multiplies by N(1, rate/(1 − rate)) in training; the gradient is that factor', () => {
      const layer = new GaussianDropout({ rate: 0.2, seed: 1 });
      const x = tf.fill([4, 4], 2);
      const factor = normalsOfStream(16, 1, 0, 0, LAYER_STREAM.gaussianDropout, 1, Math.sqrt(0.25));
      const y = layer.apply(x, { training: true }) as tf.Tensor;
      expect([...y.dataSync()]).toEqual([...factor].map((f) => Math.fround(2 * f)));
      const g = tf.grad((input: tf.Tensor) => tf.sum(layer.apply(input, { training: true }) as tf.Tensor))(x);
      const factor2 = normalsOfStream(16, 1, 0, 1, LAYER_STREAM.gaussianDropout, 1, Math.sqrt(0.25));
      expect([...g.dataSync()]).toEqual([...factor2]);
      expect([...(layer.apply(x) as tf.Tensor).dataSync()]).toEqual(new Array(16).fill(2));
      expect(() => new GaussianDropout({ rate: 1 })).toThrow('Expected a number in [0, 1) for rate but received 1');
      expect(() => new GaussianNoise({ stddev: -1 })).toThrow('Expected a finite number >= 0 for stddev but received -1');
    });

    it('unknown layer args and tensor-op options are errors, as for the typed-array ops', () => {
      expect(() => new GaussianNoise({ stddev: 1, sed: 2 } as never)).toThrow("Unknown option 'sed' for GaussianNoise; expected one of: stddev, seed, inputShape");
      expect(() => new GaussianDropout({ rate: 0.1, sed: 2 } as never)).toThrow("Unknown option 'sed' for GaussianDropout");
      expect(() => new GaussianNoise(undefined as never)).toThrow(TypeError);
      expect(() => new GaussianNoise(undefined as never)).toThrow('Expected an object { stddev, seed, … } for GaussianNoise args but received undefined');
      // the base layer's own args are accepted and reach it
      expect(new GaussianNoise({ stddev: 1, name: 'noisy', trainable: false }).name).toBe('noisy');

      const oneHot = tf.tensor2d([[1, 0], [0, 1]]);
      expect(() => labelSmoothingTensor(oneHot, { epsilon: 0.1, sed: 3 } as never)).toThrow("Unknown option 'sed' for labelSmoothingTensor; expected one of: epsilon");
      // numClasses comes from the tensor, so it is not an option here
      expect(() => labelSmoothingTensor(oneHot, { epsilon: 0.1, numClasses: 2 } as never)).toThrow("Unknown option 'numClasses' for labelSmoothingTensor");
      expect(() => labelSmoothingTensor(oneHot, undefined as never)).toThrow('for epsilon but received undefined');
      const intOneHot = tf.oneHot(tf.tensor1d([0, 1], 'int32'), 2);
      expect(() => labelSmoothingTensor(intOneHot, { epsilon: 0.1 })).toThrow("Expected 'float32' (cast tf.oneHot's int32 with tf.cast(t, 'float32')) for oneHot.dtype but received 'int32'");
      intOneHot.dispose();
      const images = tf.zeros([1, 2, 2, 1]);
      const before = tf.memory().numTensors;
      expect(() => gaussianNoiseTensor(images, { std: 1, out: new Float32Array(4) } as never)).toThrow("Unknown option 'out' for gaussianNoiseTensor");
      expect(() => randomNormalTensor([4], { out: new Float32Array(4) } as never)).toThrow("Unknown option 'out' for randomNormalTensor");
      expect(() => gaussianDropoutTensor(oneHot, { rate: 0.1, out: new Float32Array(4) } as never)).toThrow("Unknown option 'out' for gaussianDropoutTensor");
      expect(tf.memory().numTensors).toBe(before);
      tf.dispose([oneHot, images]);
    });

    it('a disposed tensor is a TypeError naming the argument', () => {
      const images = tf.zeros([1, 2, 2, 1]);
      const x = tf.zeros([4]);
      const labels = tf.tensor1d([0, 1], 'int32');
      const oneHot = tf.tensor2d([[1, 0]]);
      tf.dispose([images, x, labels, oneHot]);
      const message = (name: string): string => `Expected a tf.Tensor that is not disposed for ${name} but received Tensor`;
      expect(() => shiftTensor(images, { dx: 1 })).toThrow(TypeError);
      expect(() => shiftTensor(images, { dx: 1 })).toThrow(message('images'));
      expect(() => gaussianDropoutTensor(x, { rate: 0.1 })).toThrow(message('x'));
      expect(() => flipLabelsTensor(labels, { p: 0.1, numClasses: 2 })).toThrow(message('labels'));
      expect(() => labelSmoothingTensor(oneHot, { epsilon: 0.1 })).toThrow(message('oneHot'));
    });

    it('layers serialize with the model (save / loadLayersModel through memory)', async () => {
      const model = tf.sequential({
        layers: [
          tf.layers.dense({ inputShape: [4], units: 3 }),
          new GaussianNoise({ stddev: 0.3, seed: 5 }),
          new GaussianDropout({ rate: 0.1, seed: 6 }),
          tf.layers.dense({ units: 2 }),
        ],
      });
      let saved: tf.io.ModelArtifacts | undefined;
      await model.save(tf.io.withSaveHandler(async (artifacts) => {
        saved = artifacts;
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }));
      const loaded = await tf.loadLayersModel(tf.io.fromMemory(saved!));
      const names = loaded.layers.map((l) => l.getClassName());
      expect(names).toEqual(['Dense', 'FastaugGaussianNoise', 'FastaugGaussianDropout', 'Dense']);
      expect((loaded.layers[1] as GaussianNoise).stddev).toBe(0.3);
      expect((loaded.layers[2] as GaussianDropout).rate).toBe(0.1);
      const x = tf.ones([1, 4]);
      expect([...(loaded.predict(x) as tf.Tensor).dataSync()]).toEqual([...(model.predict(x) as tf.Tensor).dataSync()]);
    });

    it('augmentDataset counts sample indices across elements and epochs, and works with fitDataset', async () => {
      const seen: Array<[number, number, number]> = [];
      const augmenter = {
        run: (batch: Batch, at: { index: number; epoch: number }): Batch => {
          seen.push([at.index, at.epoch, batch.shape[0]]);
          return { ...batch, data: batch.data.map((v: number) => v + 1) as Batch['data'] };
        },
      };
      const xs = tf.data.array(Array.from({ length: 10 }, (_, i) => tf.fill([2, 2, 1], i))).batch(4);
      const ys = tf.data.array(Array.from({ length: 10 }, (_, i) => tf.oneHot(i % 2, 2))).batch(4);
      const ds = augmentDataset(tf.data.zip({ xs, ys }) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>, augmenter, { index: 100 });
      const first = await ds.toArray();
      expect(first.map((e) => e.xs.shape[0])).toEqual([4, 4, 2]);
      expect([...first[1]!.xs.dataSync()].slice(0, 4)).toEqual([5, 5, 5, 5]);
      await ds.toArray();
      expect(seen).toEqual([[100, 0, 4], [104, 0, 4], [108, 0, 2], [100, 1, 4], [104, 1, 4], [108, 1, 2]]);
      const model = tf.sequential({ layers: [tf.layers.flatten({ inputShape: [2, 2, 1] }), tf.layers.dense({ units: 2, activation: 'softmax' })] });
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      const history = await model.fitDataset(ds, { epochs: 2, verbose: 0 });
      expect(history.history.loss).toHaveLength(2);
      expect(seen.slice(6).map(([, epoch]) => epoch)).toEqual([2, 2, 2, 3, 3, 3]);
    });

    it('augmentDataset: an augmenter writing in place leaves the source intact; an identity label transform gives a live ys', async () => {
      // gaussianNoise in place on the batch it is given: the batch must be a copy of the tensor's data
      const inPlace = { run: (b: Batch, at: { index: number; epoch: number }): Batch => gaussianNoise(b, { std: 0.5, out: b.data, seed: 1, ...at }) };
      const source = tf.data.array([tf.ones([2, 2, 2, 1]), tf.ones([2, 2, 2, 1])]);
      const ys = tf.data.array([tf.tensor1d([0, 1]), tf.tensor1d([1, 0])]);
      const ds = augmentDataset(tf.data.zip({ xs: source, ys }) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>, inPlace, { labels: (y) => y });
      const epoch0 = await ds.toArray();
      const epoch1 = await ds.toArray();
      // epoch 1 starts from ones again: the same as noise of epoch 1 added to ones in one step
      const expected = gaussianNoise({ data: new Float32Array(8).fill(1), shape: [2, 2, 2, 1] }, { std: 0.5, seed: 1, index: 0, epoch: 1 }).data;
      expect([...epoch1[0]!.xs.dataSync()]).toEqual([...expected]);
      expect(epoch0[0]!.ys.isDisposed).toBe(false);
      expect([...epoch0[0]!.ys.dataSync()]).toEqual([0, 1]);
      tf.dispose([...epoch0, ...epoch1].flatMap((e) => [e.xs, e.ys]));
    });

    it('augmentDataset takes a plain function (batch, { index, epoch }) => batch, called as a Pipeline object is', async () => {
      const pipeline = new Pipeline([{ op: 'shift', options: { x: 0.3 } }, { op: 'gaussianNoise', options: { std: 20 } }], { seed: 9 });
      const images = Array.from({ length: 6 }, (_, i) => tf.tensor3d(Array.from({ length: 16 }, (_, k) => (i * 40 + k * 13) % 256), [4, 4, 1], 'int32'));
      const elements = () => tf.data.zip({ xs: tf.data.array(images).batch(4), ys: tf.data.array(images.map((_, i) => tf.scalar(i))).batch(4) }) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
      const calls: string[] = [];
      // no annotations: the parameters' types come from augmentDataset's signature (tsc checks this file strictly)
      const ds = augmentDataset(elements(), (batch, { index, epoch }) => {
        calls.push(`${index}/${epoch}/${batch.shape[0]}`);
        return pipeline.run(batch, { index, epoch });
      }, { index: 7 });
      const viaFunction = [...await ds.toArray(), ...await ds.toArray()];
      const viaObject = [...await augmentDataset(elements(), pipeline, { index: 7 }).toArray(), ...await augmentDataset(elements(), pipeline, { index: 7, epoch: 1 }).toArray()];
      expect(calls).toEqual(['7/0/4', '11/0/2', '7/1/4', '11/1/2']);
      expect(viaFunction.map((e) => [...e.xs.dataSync()])).toEqual(viaObject.map((e) => [...e.xs.dataSync()]));
      // and the augmentation did something: epoch 0 and epoch 1 differ
      expect([...viaFunction[0]!.xs.dataSync()]).not.toEqual([...viaFunction[2]!.xs.dataSync()]);
      tf.dispose([...images, ...viaFunction.flatMap((e) => [e.xs, e.ys]), ...viaObject.flatMap((e) => [e.xs, e.ys])]);
    });

    it('augmentDataset checks its options at once, and names a bad element; nothing leaks when the augmenter throws', async () => {
      const ds = tf.data.array([{ xs: tf.zeros([1, 2, 2, 1]), ys: tf.zeros([1]) }]) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
      const pass = { run: (b: Batch): Batch => b };
      expect(() => augmentDataset(ds, pass, { batched: 'no' as unknown as boolean })).toThrow("Expected a boolean for batched but received 'no'");
      expect(() => augmentDataset(ds, pass, { layout: 'nhwc' as 'NHWC' })).toThrow("Expected 'NHWC' or 'NCHW' for layout but received 'nhwc'");
      expect(() => augmentDataset(ds, pass, { labels: 5 as never })).toThrow('for labels but received 5');
      expect(() => augmentDataset(ds, { apply: pass.run } as never)).toThrow('Expected a Pipeline, an object with run(batch, { index, epoch }), or a function (batch, { index, epoch }) => batch for augmenter but received');
      const plain = tf.data.array([tf.zeros([1, 2, 2, 1])]) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
      await expect(augmentDataset(plain, pass).toArray()).rejects.toThrow('Expected an object { xs: tf.Tensor, ys: tf.Tensor } for dataset element 0');
      await expect(augmentDataset(ds, pass, { batched: false }).toArray()).rejects.toThrow('Expected a rank-3 tensor (one image: batched is false) for xs.rank but received 4');
      const single = tf.data.array([{ xs: tf.zeros([2, 2, 1]), ys: tf.zeros([1]) }]) as unknown as tf.data.Dataset<{ xs: tf.Tensor; ys: tf.Tensor }>;
      await expect(augmentDataset(single, pass).toArray()).rejects.toThrow('Expected a rank-4 tensor (a batch; for one image per element pass batched: false) for xs.rank but received 3');
      const before = tf.memory().numTensors;
      const failing = { run: (): Batch => { throw new RangeError('augmenter failed'); } };
      await expect(augmentDataset(ds, failing).toArray()).rejects.toThrow('augmenter failed');
      expect(tf.memory().numTensors).toBe(before);
    });
  });
}
