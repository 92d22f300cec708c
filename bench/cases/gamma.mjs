// Gamma (issue 19): one element-wise pass, so memcpy is the yardstick.
// uint8 is a table lookup per element; float32 is the library's own float64
// power per element (a log and an exp2 polynomial: compute, not memory).
import { imageOpCase } from '../data.mjs';

// float32 inputs are the ramp's levels / 255, in [0, 1]
const gammaCase = (c) => imageOpCase({ ...c, op: 'gamma' });

export default [
  gammaCase({ id: 'M1', name: 'gamma uint8 64x224x224x3, drawn gamma [0.8, 1.25] (per-image tables)', Type: Uint8Array, opts: { seed: 1 } }),
  gammaCase({ id: 'M2', name: 'gamma float32 64x224x224x3 in [0, 1], drawn gamma [0.8, 1.25]', Type: Float32Array, opts: { seed: 1 } }),
];
