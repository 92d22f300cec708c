// Gaussian blur (issue 19): a vertical then a horizontal pass of 2r + 1 taps
// per element (sigma 1.5: radius 5, 11 taps each), so memcpy is the
// yardstick (the target: float32 sigma 1.5 <= 4x memcpy).
import { imageOpCase } from '../data.mjs';

const blurCase = (c) => imageOpCase({ ...c, op: 'gaussianBlur' });

export default [
  blurCase({ id: 'G10', name: 'gaussianBlur float32 64x224x224x3, sigma 1.5 (radius 5), mirror', Type: Float32Array, opts: { sigma: 1.5 } }),
  blurCase({ id: 'G11', name: 'gaussianBlur uint8 64x224x224x3, sigma 1.5 (radius 5), mirror', Type: Uint8Array, opts: { sigma: 1.5 } }),
];
