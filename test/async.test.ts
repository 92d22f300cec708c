// …Async ops leave the event loop free: immediates keep running while a
// large request is in flight, on every backend.
import { describe, expect, it } from 'vitest';

import type { StreamRequest } from '../src/backends/backend.js';
import { randomNormalAsync } from '../src/index.js';
import { backendName, backends } from './helpers/backends.js';

async function ticksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const tick = (): void => {
    if (!running) return;
    ticks += 1;
    setImmediate(tick);
  };
  setImmediate(tick);
  await work();
  running = false;
  return ticks;
}

describe('event loop', () => {
  const request: StreamRequest = { key0: 1, key1: 0, first: 0, epoch: 0, stream: 2, offset: 0, scale: 1 };
  for (const backend of backends) {
    it(`keeps ticking during a large randomNormalAsync on ${backendName(backend)}`, async () => {
      // a synchronous implementation would finish before the first immediate
      const n = backend.name === 'js' ? 1 << 20 : 1 << 24;
      const out = new Float32Array(n);
      expect(await ticksDuring(() => backend.randomNormalAsync(out, request))).toBeGreaterThan(2);
      const reference = new Float32Array(n);
      backend.randomNormal(reference, request);
      expect(Buffer.compare(Buffer.from(out.buffer), Buffer.from(reference.buffer))).toBe(0);
    });
  }

  it('the public API returns a pending promise and keeps the loop running', async () => {
    expect(await ticksDuring(() => randomNormalAsync(1 << 24, { threads: 2 }))).toBeGreaterThan(2);
  });
});
