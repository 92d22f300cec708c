// Pixel shifts: the workloads W1, W2, W7.
import { W1, ramp, size } from '../data.mjs';

const W7 = [1024, 28, 28, 1];
const FILLS = ['constant', 'nearest', 'wrap', 'reflect', 'mirror'];

/**
 * n offsets spread evenly over [−limit, limit] (a low-discrepancy sequence,
 * so images differ and both edges are exercised), whole pixels unless subpixel.
 */
function spreadOffsets(n, limit, step, subpixel) {
  return Array.from({ length: n }, (_, i) => {
    const v = (2 * ((i * step) % 1) - 1) * limit;
    return subpixel ? v : Math.round(v);
  });
}

const shiftCase = ({ id, name, shape, Type, opts, layout }) => ({
  id,
  family: 'shift',
  name,
  bytes: size(shape) * Type.BYTES_PER_ELEMENT,
  items: size(shape) / shape[3],
  unit: 'pixels',
  setup: () => {
    const batch = { data: ramp(Type, size(shape)), shape, ...(layout === undefined ? {} : { layout }) };
    // integer per-image offsets (W1) or subpixel ones (W2), the same every run
    // offsets in [−4, 4] (W1, W2), or spread over ±spread of the size
    const { subpixelOffsets, spread, ...rest } = opts;
    const [dx, dy] = spread === undefined
      ? [
          Array.from({ length: shape[0] }, (_, i) => subpixelOffsets ? ((i % 9) - 4) * 1.37 : (i % 9) - 4),
          Array.from({ length: shape[0] }, (_, i) => subpixelOffsets ? ((i % 7) - 3) * 0.83 : (i % 7) - 3),
        ]
      : [spreadOffsets(shape[0], spread * shape[2], 0.618034, subpixelOffsets), spreadOffsets(shape[0], spread * shape[1], 0.414214, subpixelOffsets)];
    const given = rest.x === undefined ? { dx, dy } : {};
    return { batch, opts: { ...rest, ...given }, out: new Type(size(shape)) };
  },
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.shift(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.shiftAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

/**
 * Every fill in one case (issue 20's js goal: an integer shift at ±20 % in
 * ≤ 5× memcpy whatever the fill): one run shifts the batch once with each
 * fill; `calls` makes the worker report the time per call, so × memcpy is
 * the mean over the fills against a memcpy of one batch.
 */
const everyFillCase = ({ id, name, Type }) => {
  const one = shiftCase({ id, name, shape: W1, Type, opts: { spread: 0.2 } });
  return {
    ...one,
    calls: FILLS.length,
    run: (fastaug, ctx, threads) => {
      const results = FILLS.map((fill) => one.run(fastaug, { ...ctx, opts: { ...ctx.opts, fill } }, threads));
      return threads === 1 ? undefined : Promise.all(results);
    },
  };
};

export default [
  shiftCase({ id: 'W1', name: 'shift uint8 64x224x224x3, integer offsets, constant fill', shape: W1, Type: Uint8Array, opts: { fill: 'constant' } }),
  shiftCase({ id: 'W2', name: 'shift float32 64x224x224x3, subpixel bilinear, reflect', shape: W1, Type: Float32Array, opts: { fill: 'reflect', subpixelOffsets: true } }),
  shiftCase({ id: 'W7', name: 'shift uint8 1024x28x28x1, drawn integer offsets, reflect', shape: W7, Type: Uint8Array, opts: { fill: 'reflect', x: 0.1, y: 0.1, subpixel: false, seed: 1 } }),
  // integer shifts at realistic offsets (Keras RandomTranslation 0.1 and 0.2:
  // ±22 and ±45 px on 224), every fill, both dtypes: I<percent>-<dtype>-<fill>
  ...[10, 20].flatMap((percent) => ['u8', 'f32'].flatMap((dtype) => FILLS.map((fill) => shiftCase({
    id: `I${percent}-${dtype}-${fill}`,
    name: `shift ${dtype === 'u8' ? 'uint8' : 'float32'} 64x224x224x3, integer offsets ±${percent} %, ${fill}`,
    shape: W1, Type: dtype === 'u8' ? Uint8Array : Float32Array, opts: { fill, spread: percent / 100 },
  })))),
  // bilinear at ±10 % (the W2 offsets, [−22, 22]): B10-<dtype>
  shiftCase({ id: 'B10-f32', name: 'shift float32 64x224x224x3, subpixel bilinear ±10 %, reflect', shape: W1, Type: Float32Array, opts: { fill: 'reflect', spread: 0.1, subpixelOffsets: true } }),
  // speed round 2 (issue 20): small offsets in float32 and other fills, NCHW,
  // and small images with given offsets (the kernel alone) or drawn ones
  shiftCase({ id: 'H1', name: 'shift float32 64x224x224x3, integer offsets [-4, 4], constant', shape: W1, Type: Float32Array, opts: { fill: 'constant' } }),
  shiftCase({ id: 'H2', name: 'shift uint8 64x224x224x3, integer offsets [-4, 4], reflect', shape: W1, Type: Uint8Array, opts: { fill: 'reflect' } }),
  shiftCase({ id: 'H3', name: 'shift uint8 64x224x224x3 NCHW, integer offsets ±10 %, reflect', shape: W1, Type: Uint8Array, layout: 'NCHW', opts: { fill: 'reflect', spread: 0.1 } }),
  shiftCase({ id: 'H4', name: 'shift uint8 1024x28x28x1, given integer offsets ±10 %, constant', shape: W7, Type: Uint8Array, opts: { fill: 'constant', spread: 0.1 } }),
  shiftCase({ id: 'H5', name: 'shift uint8 1024x28x28x1, drawn integer offsets, constant', shape: W7, Type: Uint8Array, opts: { fill: 'constant', x: 0.1, y: 0.1, subpixel: false, seed: 1 } }),
  shiftCase({ id: 'B10-u8', name: 'shift uint8 64x224x224x3, subpixel bilinear ±10 %, reflect', shape: W1, Type: Uint8Array, opts: { fill: 'reflect', spread: 0.1, subpixelOffsets: true } }),
  // issue 20's js goal, every fill at once (J1 uint8, J2 float32)
  everyFillCase({ id: 'J1', name: 'shift uint8 64x224x224x3, integer offsets ±20 %, each of the 5 fills', Type: Uint8Array }),
  everyFillCase({ id: 'J2', name: 'shift float32 64x224x224x3, integer offsets ±20 %, each of the 5 fills', Type: Float32Array }),
];
