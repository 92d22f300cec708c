// Gaussian blur (issue 19): a vertical then a horizontal pass of 2r + 1 taps
// per element (sigma 1.5: radius 5, 11 taps each), so memcpy is the
// yardstick (the target: float32 sigma 1.5 <= 4x memcpy).
import { W1, ramp, size } from '../data.mjs';

const blurCase = ({ id, name, Type, opts }) => ({
  id,
  family: 'gaussianBlur',
  name,
  bytes: size(W1) * Type.BYTES_PER_ELEMENT,
  items: size(W1) / W1[3],
  unit: 'pixels',
  setup: () => ({ batch: { data: ramp(Type, size(W1)), shape: W1 }, opts, out: new Type(size(W1)) }),
  run: (fastaug, ctx, threads) =>
    threads === 1 ? fastaug.gaussianBlur(ctx.batch, { ...ctx.opts, out: ctx.out }) : fastaug.gaussianBlurAsync(ctx.batch, { ...ctx.opts, out: ctx.out, threads }),
});

export default [
  blurCase({ id: 'G10', name: 'gaussianBlur float32 64x224x224x3, sigma 1.5 (radius 5), mirror', Type: Float32Array, opts: { sigma: 1.5 } }),
  blurCase({ id: 'G11', name: 'gaussianBlur uint8 64x224x224x3, sigma 1.5 (radius 5), mirror', Type: Uint8Array, opts: { sigma: 1.5 } }),
];
