// The pure-TypeScript backend: used where the addon cannot load, or when
// FASTAUG_BACKEND=js. Async calls run on the main thread as jobs of small
// units (src/slices.ts): a few thousand elements, or a piece of one image
// row, so that a turn gives the event loop back after a few milliseconds
// even for one huge image.
import type { Backend, NoiseRequest, StreamRequest } from '../backend.js';
import { runInSlices, UNIT_ELEMENTS } from '../../slices.js';
import * as random from './random.js';
import * as noise from './noise.js';
import { shiftImages, shiftPieces } from './shift.js';
import { flipImages, flipPieces } from './flip.js';
import { cropImages, cropPieces } from './crop.js';
import { resizedCropImages, resizedCropPieces } from './resized-crop.js';
import { affineImages, affinePieces } from './affine.js';
import { blurImages, blurPieces } from './blur.js';
import { mixImages, mixPieces } from './mix.js';
import { gammaImages, gammaPieces } from './gamma.js';
import { eraseImages, erasePieces } from './erase.js';
import { channelSumPieces, channelSums, colorAffineImages, colorAffinePieces, contrastImages, contrastPieces } from './color.js';

function* streamUnits(out: Float32Array, req: StreamRequest, kernel: (o: Float32Array, r: StreamRequest) => void): Generator<void> {
  for (let start = 0; start < out.length; start += UNIT_ELEMENTS) {
    kernel(out.subarray(start, start + UNIT_ELEMENTS), { ...req, first: req.first + start });
    yield;
  }
}

/** Positions per unit: about UNIT_ELEMENTS elements, whole pixels for NCHW per-channel ranges. */
function noiseUnit(req: NoiseRequest): number {
  if (!req.perChannel) return Math.max(1, Math.floor(UNIT_ELEMENTS / req.c));
  return req.layout === 'NCHW' ? Math.ceil(UNIT_ELEMENTS / req.c) * req.c : UNIT_ELEMENTS;
}

function* noiseUnits(src: Uint8Array | Float32Array, dst: Uint8Array | Float32Array, req: NoiseRequest, begin: number, end: number): Generator<void> {
  const step = noiseUnit(req);
  for (let start = begin; start < end; start = Math.min(end, start + step)) {
    noise.noiseRange(req, src, dst, start, Math.min(end, start + step));
    yield;
  }
}

function* dropoutUnits(x: Float32Array, out: Float32Array, req: StreamRequest): Generator<void> {
  for (let start = 0; start < x.length; start += UNIT_ELEMENTS) {
    noise.gaussianDropout(x.subarray(start, start + UNIT_ELEMENTS), out.subarray(start, start + UNIT_ELEMENTS), { ...req, first: req.first + start });
    yield;
  }
}

export const jsBackend: Backend = {
  name: 'js',
  isa: 'js',
  poolThreads: false,
  runTogether: (_helpers, queue) => queue(),
  philox4x32: random.philox4x32,
  perSampleWords: random.perSampleWords,
  randomUniform: random.randomUniform,
  randomNormal: random.randomNormal,
  randomUniformAsync: (out, req) => runInSlices(streamUnits(out, req, random.randomUniform)),
  randomNormalAsync: (out, req) => runInSlices(streamUnits(out, req, random.randomNormal)),
  shift: (src, dst, req, first, count) => shiftImages(req, src, dst, first, count),
  shiftAsync: (src, dst, req, first, count) => runInSlices(shiftPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  noise: (src, dst, req, begin, end) => noise.noiseRange(req, src, dst, begin, end),
  noiseAsync: (src, dst, req, begin, end) => runInSlices(noiseUnits(src, dst, req, begin, end)),
  gaussianDropout: noise.gaussianDropout,
  gaussianDropoutAsync: (x, out, req) => runInSlices(dropoutUnits(x, out, req)),
  dropoutMask: noise.dropoutMask,
  flip: (src, dst, req, first, count) => flipImages(req, src, dst, first, count),
  flipAsync: (src, dst, req, first, count) => runInSlices(flipPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  crop: (src, dst, req, first, count) => cropImages(req, src, dst, first, count),
  cropAsync: (src, dst, req, first, count) => runInSlices(cropPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  affine: (src, dst, req, first, count) => affineImages(req, src, dst, first, count),
  affineAsync: (src, dst, req, first, count) => runInSlices(affinePieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  colorAffine: (src, dst, req, first, count) => colorAffineImages(req, src, dst, first, count),
  colorAffineAsync: (src, dst, req, first, count) => runInSlices(colorAffinePieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  channelSums: (src, req, sums, first, count) => channelSums(req, src, sums, first, count),
  channelSumsAsync: (src, req, sums, first, count) => runInSlices(channelSumPieces(req, src, sums, first, count, UNIT_ELEMENTS)),
  contrast: (src, dst, req, first, count) => contrastImages(req, src, dst, first, count),
  contrastAsync: (src, dst, req, first, count) => runInSlices(contrastPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  blur: (src, dst, req, first, count) => blurImages(req, src, dst, first, count),
  blurAsync: (src, dst, req, first, count) => runInSlices(blurPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  resizedCrop: (src, dst, req, first, count) => resizedCropImages(req, src, dst, first, count),
  resizedCropAsync: (src, dst, req, first, count) => runInSlices(resizedCropPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  mix: (src, dst, req, first, count) => mixImages(req, src, dst, first, count),
  mixAsync: (src, dst, req, first, count) => runInSlices(mixPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  gamma: (src, dst, req, first, count) => gammaImages(req, src, dst, first, count),
  gammaAsync: (src, dst, req, first, count) => runInSlices(gammaPieces(req, src, dst, first, count, UNIT_ELEMENTS)),
  erase: (src, dst, req, first, count) => eraseImages(req, src, dst, first, count),
  eraseAsync: (src, dst, req, first, count) => runInSlices(erasePieces(req, src, dst, first, count, UNIT_ELEMENTS)),
};
