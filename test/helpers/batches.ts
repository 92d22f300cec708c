// Random image batches for conformance tests (values from the test's own
// generator, never the library's).
import type { Batch } from '../../src/index.js';
import type { testRng } from './rng.js';

export type Shape = [number, number, number, number];

/** uint8 levels 0…255, or float32 values in [−50, 50). */
export function randomBatch(rng: ReturnType<typeof testRng>, shape: Shape, dtype: 'uint8' | 'float32', layout: 'NHWC' | 'NCHW'): Batch {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = dtype === 'uint8' ? Uint8Array.from({ length: size }, () => rng.int(0, 255)) : Float32Array.from({ length: size }, () => (rng.next() - 0.5) * 100);
  return { data, shape, layout };
}
