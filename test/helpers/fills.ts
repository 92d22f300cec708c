// The five fills of DESIGN §4, written out from their pictures: an
// independent expectation for every op that extends images (shift, crop).
import type { Fill } from '../../src/index.js';

export const FILLS: Fill[] = ['constant', 'nearest', 'reflect', 'mirror', 'wrap'];

/** The source index of position s on an axis of `size` under `fill`; −1 is the constant fill value. */
export function extensionIndex(s: number, size: number, fill: Fill): number {
  if (s >= 0 && s < size) return s;
  const forward = Array.from({ length: size }, (_, i) => i);
  const backward = [...forward].reverse();
  let period: number[];
  switch (fill) {
    case 'constant': return -1;
    case 'nearest': return s < 0 ? 0 : size - 1;
    case 'reflect': period = [...forward, ...backward]; break; // abcd dcba
    case 'mirror': period = size === 1 ? [0] : [...forward, ...backward.slice(1, -1)]; break; // abcd cb
    case 'wrap': period = forward; break;
  }
  const m = ((s % period.length) + period.length) % period.length;
  return period[m]!;
}
