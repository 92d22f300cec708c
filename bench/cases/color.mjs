// Brightness and contrast (issue 19): one element-wise pass (contrast: a
// summing pass first), so memcpy is the yardstick (the target:
// <= 2x memcpy for uint8 and float32).
import { imageOpCase as colorCase } from '../data.mjs';

export default [
  colorCase({ id: 'B1', op: 'brightness', name: 'brightness uint8 64x224x224x3, drawn factor and delta', Type: Uint8Array, opts: { factor: [0.8, 1.2], delta: [-20, 20], seed: 1 } }),
  colorCase({ id: 'B2', op: 'brightness', name: 'brightness float32 64x224x224x3, drawn factor', Type: Float32Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
  colorCase({ id: 'K1', op: 'contrast', name: 'contrast uint8 64x224x224x3, drawn factor, per-channel means', Type: Uint8Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
  colorCase({ id: 'K2', op: 'contrast', name: 'contrast float32 64x224x224x3, drawn factor, per-channel means', Type: Float32Array, opts: { factor: [0.8, 1.2], seed: 1 } }),
];
