// The study's data: images as a fastaug batch and labels as class indices,
// from typed arrays, TF.js tensors or a finite tf.data.Dataset.
import { invalidParameterError, isPlainObject } from '../validate.js';
import type { Batch } from '../ops/batch.js';

type Tensor = import('@tensorflow/tfjs').Tensor;

export interface ImageLabels {
  batch: Batch;
  /** class index per image */
  labels: Int32Array;
}

/** What `train` and `test` take: `{ xs, ys }` or a finite tf.data.Dataset of `{ xs, ys }` elements. */
export type StudyData =
  | { xs: Batch | Tensor; ys: ArrayLike<number> | Tensor }
  | { toArray(): Promise<Array<{ xs: Tensor; ys: Tensor }>> };

const isTensor = (v: unknown): v is Tensor => v !== null && typeof v === 'object' && typeof (v as Tensor).dataSync === 'function' && Array.isArray((v as Tensor).shape);

async function imagesOf(name: string, xs: unknown): Promise<Batch> {
  if (isTensor(xs)) {
    if (xs.rank !== 4) throw new RangeError(`Expected a rank-4 tensor [n, h, w, c] for ${name}.xs but received shape [${xs.shape.join(', ')}]`);
    const shape = xs.shape as [number, number, number, number];
    const values = await xs.data();
    if (xs.dtype === 'float32') return { data: new Float32Array(values as Float32Array), shape };
    if (xs.dtype === 'int32') {
      const data = new Uint8Array(values.length);
      for (let i = 0; i < values.length; i += 1) {
        const v = values[i]!;
        if (v < 0 || v > 255) throw new RangeError(`Expected int32 pixel values 0…255 for ${name}.xs but received ${v} at element ${i}`);
        data[i] = v;
      }
      return { data, shape };
    }
    throw new TypeError(`Expected a float32 or int32 tensor for ${name}.xs but received dtype ${xs.dtype}`);
  }
  if (!isPlainObject(xs) || !(xs.data instanceof Uint8Array || xs.data instanceof Float32Array) || !Array.isArray(xs.shape) || xs.shape.length !== 4) {
    throw invalidParameterError(`${name}.xs`, 'a batch { data: Uint8Array | Float32Array, shape: [n, h, w, c] } or a rank-4 tensor', xs);
  }
  if ((xs.layout ?? 'NHWC') !== 'NHWC') throw new TypeError(`Expected NHWC images for ${name}.xs (the model sees them as stored) but received layout ${String(xs.layout)}`);
  const shape = xs.shape.map(Number) as [number, number, number, number];
  if (!shape.every((d) => Number.isInteger(d) && d >= 1)) throw new RangeError(`Expected positive whole dimensions for ${name}.xs.shape but received [${shape.join(', ')}]`);
  if (xs.data.length !== shape.reduce((a, b) => a * b, 1)) {
    throw new RangeError(`Expected ${name}.xs.data of length ${shape.join('·')} = ${shape.reduce((a, b) => a * b, 1)} but received ${xs.data.length}`);
  }
  return { data: xs.data, shape };
}

async function labelsOf(name: string, ys: unknown, n: number): Promise<Int32Array> {
  let labels: Int32Array;
  if (isTensor(ys)) {
    const values = await ys.data();
    if (ys.rank === 2) {
      const k = ys.shape[1]!;
      labels = new Int32Array(ys.shape[0]!);
      for (let i = 0; i < labels.length; i += 1) {
        let best = 0;
        for (let c = 1; c < k; c += 1) if (values[i * k + c]! > values[i * k + best]!) best = c;
        labels[i] = best;
      }
    } else if (ys.rank === 1) labels = Int32Array.from(values as ArrayLike<number>);
    else throw new RangeError(`Expected class indices [n] or one-hot [n, classes] for ${name}.ys but received shape [${ys.shape.join(', ')}]`);
  } else if (ArrayBuffer.isView(ys) || Array.isArray(ys)) {
    const values = ys as ArrayLike<number>;
    labels = new Int32Array(values.length);
    for (let i = 0; i < values.length; i += 1) {
      const v = values[i]!;
      if (!Number.isInteger(v) || v < 0) throw new RangeError(`Expected class indices (whole numbers ≥ 0) for ${name}.ys but received ${v} at ${i}`);
      labels[i] = v;
    }
  } else {
    throw invalidParameterError(`${name}.ys`, 'class indices (a typed array or array) or a label tensor', ys);
  }
  if (labels.length !== n) throw new RangeError(`Expected ${n} labels for ${name}.ys (one per image of ${name}.xs) but received ${labels.length}`);
  return labels;
}

async function fromDataset(name: string, dataset: { toArray(): Promise<Array<{ xs: Tensor; ys: Tensor }>> }): Promise<ImageLabels> {
  const elements = await dataset.toArray();
  if (elements.length === 0) throw new RangeError(`Expected a non-empty dataset for ${name}`);
  const parts = await Promise.all(elements.map(async (e, i) => {
    if (!isPlainObject(e) || !isTensor(e.xs) || !isTensor(e.ys)) throw invalidParameterError(`${name} element ${i}`, '{ xs: Tensor, ys: Tensor }', e);
    const xs = e.xs.rank === 3 ? e.xs.expandDims(0) : e.xs;
    const ys = e.ys.rank === 0 || (e.xs.rank === 3 && e.ys.rank === 1) ? e.ys.reshape([1, ...e.ys.shape]) : e.ys;
    const batch = await imagesOf(name, xs);
    return { batch, labels: await labelsOf(name, ys.rank === 2 && ys.shape[1] === 1 ? ys.reshape([-1]) : ys, batch.shape[0]) };
  }));
  const [, h, w, c] = parts[0]!.batch.shape;
  const n = parts.reduce((a, p) => a + p.batch.shape[0], 0);
  const data = parts[0]!.batch.data instanceof Uint8Array ? new Uint8Array(n * h * w * c) : new Float32Array(n * h * w * c);
  const labels = new Int32Array(n);
  let at = 0;
  for (const p of parts) {
    if (p.batch.shape[1] !== h || p.batch.shape[2] !== w || p.batch.shape[3] !== c || p.batch.data.constructor !== data.constructor) {
      throw new RangeError(`Expected every element of ${name} to hold ${h}×${w}×${c} images of one dtype`);
    }
    data.set(p.batch.data, at * h * w * c);
    labels.set(p.labels, at);
    at += p.batch.shape[0];
  }
  return { batch: { data, shape: [n, h, w, c] }, labels };
}

export async function studyData(name: 'train' | 'test', value: unknown): Promise<ImageLabels> {
  if (value !== null && typeof value === 'object' && typeof (value as { toArray?: unknown }).toArray === 'function' && !('xs' in value)) {
    return fromDataset(name, value as { toArray(): Promise<Array<{ xs: Tensor; ys: Tensor }>> });
  }
  if (!isPlainObject(value)) throw invalidParameterError(name, '{ xs, ys } or a tf.data.Dataset of { xs, ys }', value);
  const batch = await imagesOf(name, value.xs);
  if (batch.shape[0] === 0) throw new RangeError(`Expected at least one image in ${name}.xs`);
  return { batch, labels: await labelsOf(name, value.ys, batch.shape[0]) };
}
