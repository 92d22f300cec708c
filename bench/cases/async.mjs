// What an …Async call with threads: 1 costs over the sync call (the issue's
// goal: ≤ 5 % + 0.05 ms). Native …Async calls work on arrays on an ordinary
// ArrayBuffer in slices on the calling thread (the caller could transfer
// them between slices: src/ops/common.ts, runAsyncWork) and on
// SharedArrayBuffer arrays on the libuv pool, so each op is timed both ways. A1/A2 against W3 (sync, noise.mjs);
// A4/A5 against A3, a sync float32 bilinear shift like W2.
const IMAGES = [64, 224, 224, 3];
const LENGTH = IMAGES.reduce((a, b) => a * b, 1);

function floats(shared) {
  const data = shared ? new Float32Array(new SharedArrayBuffer(LENGTH * 4)) : new Float32Array(LENGTH);
  for (let i = 0; i < LENGTH; i += 1) data[i] = ((i * 7) & 255) / 255;
  return data;
}

const arrays = (shared) => () => ({ batch: { data: floats(shared), shape: IMAGES }, out: shared ? new Float32Array(new SharedArrayBuffer(LENGTH * 4)) : new Float32Array(LENGTH) });
const memory = (shared) => (shared ? 'SharedArrayBuffer arrays, on the pool' : 'ordinary arrays, in slices');
// per-image subpixel offsets like W2's
const dx = Array.from({ length: IMAGES[0] }, (_, i) => ((i % 9) - 4) * 1.37);
const dy = Array.from({ length: IMAGES[0] }, (_, i) => ((i % 7) - 3) * 0.83);
const SHIFT = { fill: 'reflect', dx, dy };

const asyncCase = ({ id, name, shared, call, vs }) => ({
  id, family: 'async', name: `${name}, ${memory(shared)}`, vs,
  bytes: LENGTH * 4, items: LENGTH, unit: 'elements', oneThread: true,
  setup: arrays(shared),
  run: (fastaug, ctx) => call(fastaug, ctx),
});

export default [
  asyncCase({ id: 'A1', name: 'gaussianNoiseAsync float32 64x224x224x3 threads: 1', shared: false, vs: 'W3', call: (f, c) => f.gaussianNoiseAsync(c.batch, { std: 0.1, out: c.out, threads: 1 }) }),
  asyncCase({ id: 'A2', name: 'gaussianNoiseAsync float32 64x224x224x3 threads: 1', shared: true, vs: 'W3', call: (f, c) => f.gaussianNoiseAsync(c.batch, { std: 0.1, out: c.out, threads: 1 }) }),
  asyncCase({ id: 'A3', name: 'shift float32 64x224x224x3 subpixel, reflect (sync)', shared: false, call: (f, c) => f.shift(c.batch, { ...SHIFT, out: c.out }) }),
  asyncCase({ id: 'A4', name: 'shiftAsync float32 64x224x224x3 subpixel, reflect, threads: 1', shared: false, vs: 'A3', call: (f, c) => f.shiftAsync(c.batch, { ...SHIFT, out: c.out, threads: 1 }) }),
  asyncCase({ id: 'A5', name: 'shiftAsync float32 64x224x224x3 subpixel, reflect, threads: 1', shared: true, vs: 'A3', call: (f, c) => f.shiftAsync(c.batch, { ...SHIFT, out: c.out, threads: 1 }) }),
];
