// Noise: the workloads W3, W4, W6 on 64x224x224x3 (and W3 with one
// draw per pixel, P1, and in the NCHW layout, L1; Q1-Q3 the other layouts
// and draw counts), and uniform, speckle and
// gaussianDropout on 16.7 M floats. A case with `vs` is also reported as a
// ratio to that case (the generator alone for as many normals: bench/cases/random.mjs).
const IMAGES = [64, 224, 224, 3];

const N = 1 << 24;

function imageCase({ id, name, Type, op, opts, shape = IMAGES, layout = 'NHWC', vs }) {
  const size = shape.reduce((a, b) => a * b, 1);
  return {
    id, family: 'noise', name, vs,
    bytes: size * Type.BYTES_PER_ELEMENT,
    items: size, unit: 'elements',
    setup: () => ({ batch: { data: new Type(size).map((_, i) => (Type === Uint8Array ? (i * 7) & 255 : ((i * 7) & 255) / 255)), shape, layout }, out: new Type(size) }),
    run: (fastaug, ctx, threads) =>
      threads === 1 ? fastaug[op](ctx.batch, { ...opts, out: ctx.out }) : fastaug[`${op}Async`](ctx.batch, { ...opts, out: ctx.out, threads }),
  };
}

export default [
  imageCase({ id: 'W3', name: 'gaussianNoise float32 64x224x224x3, std 0.1', Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1 }, vs: 'G3' }),
  imageCase({ id: 'W4', name: 'gaussianNoise uint8 64x224x224x3, std 10', Type: Uint8Array, op: 'gaussianNoise', opts: { std: 10 }, vs: 'G3' }),
  imageCase({ id: 'W6', name: 'saltAndPepper uint8 64x224x224x3, 5 %', Type: Uint8Array, op: 'saltAndPepper', opts: { amount: 0.05 } }),
  imageCase({ id: 'P1', name: 'gaussianNoise float32 64x224x224x3, std 0.1, one draw per pixel', Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1, perChannel: false }, vs: 'G3' }),
  imageCase({ id: 'L1', name: 'gaussianNoise float32 64x224x224x3 in NCHW, std 0.1', Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1 }, layout: 'NCHW', vs: 'G3' }),
  // the layouts and draw counts of issue 20's goal beyond W3 / W4: NCHW one draw per pixel, NCHW uint8, NHWC uint8 one draw per pixel
  imageCase({ id: 'Q1', name: 'gaussianNoise float32 64x224x224x3 in NCHW, std 0.1, one draw per pixel', Type: Float32Array, op: 'gaussianNoise', opts: { std: 0.1, perChannel: false }, layout: 'NCHW', vs: 'G1' }),
  imageCase({ id: 'Q2', name: 'gaussianNoise uint8 64x224x224x3 in NCHW, std 10', Type: Uint8Array, op: 'gaussianNoise', opts: { std: 10 }, layout: 'NCHW', vs: 'G3' }),
  imageCase({ id: 'Q3', name: 'gaussianNoise uint8 64x224x224x3, std 10, one draw per pixel', Type: Uint8Array, op: 'gaussianNoise', opts: { std: 10, perChannel: false }, vs: 'G1' }),
  imageCase({ id: 'N1', name: 'uniformNoise float32, 16.7 M elements', Type: Float32Array, op: 'uniformNoise', opts: { low: -0.1, high: 0.1 }, shape: [1, 4096, 4096, 1] }),
  imageCase({ id: 'N2', name: 'speckleNoise float32, 16.7 M elements', Type: Float32Array, op: 'speckleNoise', opts: { std: 0.1 }, shape: [1, 4096, 4096, 1] }),
  {
    id: 'N3', family: 'noise', name: 'gaussianDropout, 16.7 M floats, rate 0.2',
    bytes: N * 4, items: N, unit: 'elements',
    setup: () => ({ x: new Float32Array(N).fill(1), out: new Float32Array(N) }),
    run: (fastaug, ctx, threads) =>
      threads === 1 ? fastaug.gaussianDropout(ctx.x, { rate: 0.2, out: ctx.out }) : fastaug.gaussianDropoutAsync(ctx.x, { rate: 0.2, out: ctx.out, threads }),
  },
];

