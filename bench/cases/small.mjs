// Small images (the Fashion-MNIST batch, 1024x28x28x1) and single calls on
// one 28x28 image, where per-image and per-call costs (validation, dispatch)
// dominate. Ratios: S1 and S2 against randomNormal of the same length (S0),
// C1–C3 against a randomNormal call of one image's length (C0).
import { ramp, size } from '../data.mjs';

const SMALL = [1024, 28, 28, 1];
const ONE = [1, 28, 28, 1];

const normals = (id, shape, vs) => ({
  id, family: 'small', name: `randomNormal ${size(shape)} floats (as many as ${shape.join('x')})`,
  bytes: size(shape) * 4, items: size(shape), unit: 'normals', oneThread: shape[0] === 1, vs,
  setup: () => ({ out: new Float32Array(size(shape)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.randomNormal(ctx.out.length, { seed: 1, out: ctx.out }) : fastaug.randomNormalAsync(ctx.out.length, { seed: 1, out: ctx.out, threads }),
});

const imageCase = ({ id, name, shape, Type, op, opts, vs }) => ({
  id, family: 'small', name, vs,
  bytes: size(shape) * Type.BYTES_PER_ELEMENT, items: size(shape), unit: 'elements', oneThread: shape[0] === 1,
  setup: () => ({ batch: { data: ramp(Type, size(shape)), shape }, out: new Type(size(shape)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug[op](ctx.batch, { ...opts, out: ctx.out }) : fastaug[`${op}Async`](ctx.batch, { ...opts, out: ctx.out, threads }),
});

export default [
  normals('S0', SMALL),
  imageCase({ id: 'S1', name: 'gaussianNoise uint8 1024x28x28x1, std 10', shape: SMALL, Type: Uint8Array, op: 'gaussianNoise', opts: { std: 10, seed: 1 }, vs: 'S0' }),
  imageCase({ id: 'S2', name: 'gaussianNoise float32 1024x28x28x1, std 0.1', shape: SMALL, Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1, seed: 1 }, vs: 'S0' }),
  normals('C0', ONE),
  imageCase({ id: 'C1', name: 'gaussianNoise uint8, one 28x28 image, std 10', shape: ONE, Type: Uint8Array, op: 'gaussianNoise', opts: { std: 10, seed: 1, index: 7 }, vs: 'C0' }),
  imageCase({ id: 'C2', name: 'gaussianNoise float32, one 28x28 image, std 0.1', shape: ONE, Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1, seed: 1, index: 7 }, vs: 'C0' }),
  imageCase({ id: 'C3', name: 'shift uint8, one 28x28 image, drawn integer offsets, reflect', shape: ONE, Type: Uint8Array, op: 'shift', opts: { x: 0.1, y: 0.1, subpixel: false, fill: 'reflect', seed: 1, index: 7 }, vs: 'C0' }),
];
