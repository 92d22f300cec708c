// The pure-TypeScript backend: used where the addon cannot load, or when
// FASTAUG_BACKEND=js. Async calls run in slices on the main thread and yield
// to the event loop between slices, so timers and I/O keep running.
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';

import type { Backend, NoiseRequest, StreamRequest } from '../backend.js';
import * as random from './random.js';
import * as noise from './noise.js';
import { shiftImages } from './shift.js';

/** Elements per slice before yielding: a few milliseconds of work. */
const SLICE = 1 << 16;

async function inSlices(out: Float32Array, req: StreamRequest, kernel: (o: Float32Array, r: StreamRequest) => void): Promise<void> {
  for (let start = 0; start < out.length; start += SLICE) {
    await yieldToEventLoop();
    kernel(out.subarray(start, start + SLICE), { ...req, first: req.first + start });
  }
}

/** Positions per async slice: whole pixels for NCHW per-channel ranges. */
function noiseSliceAlign(req: NoiseRequest): number {
  return req.perChannel && req.layout === 'NCHW' ? Math.ceil(SLICE / req.c) * req.c : SLICE;
}

/** Image ops: one image per slice, yielding to the event loop in between. */
async function imagesInSlices(first: number, count: number, image: (i: number) => void): Promise<void> {
  for (let i = first; i < first + count; i += 1) {
    await yieldToEventLoop();
    image(i);
  }
}

export const jsBackend: Backend = {
  name: 'js',
  isa: 'js',
  philox4x32: random.philox4x32,
  randomUniform: random.randomUniform,
  randomNormal: random.randomNormal,
  randomUniformAsync: (out, req) => inSlices(out, req, random.randomUniform),
  randomNormalAsync: (out, req) => inSlices(out, req, random.randomNormal),
  shift: (src, dst, req, first, count) => shiftImages(req, src, dst, first, count),
  shiftAsync: (src, dst, req, first, count) => imagesInSlices(first, count, (i) => shiftImages(req, src, dst, i, 1)),
  noise: (src, dst, req, begin, end) => noise.noiseRange(req, src, dst, begin, end),
  noiseAsync: async (src, dst, req, begin, end) => {
    const step = noiseSliceAlign(req);
    for (let start = begin; start < end; start = Math.min(end, start + step)) {
      await yieldToEventLoop();
      noise.noiseRange(req, src, dst, start, Math.min(end, start + step));
    }
  },
  gaussianDropout: noise.gaussianDropout,
  gaussianDropoutAsync: async (x, out, req) => {
    for (let start = 0; start < x.length; start += SLICE) {
      await yieldToEventLoop();
      noise.gaussianDropout(x.subarray(start, start + SLICE), out.subarray(start, start + SLICE), { ...req, first: req.first + start });
    }
  },
  dropoutMask: noise.dropoutMask,
};
