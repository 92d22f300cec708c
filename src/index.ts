// fastaug: fast, reproducible, measurable dataset augmentation.
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { packageRoot } from './backends/native.js';
import { currentSelection } from './backends/select.js';
import { defaultThreads } from './ops/common.js';

export { philox4x32, randomNormal, randomNormalAsync, randomUniform, randomUniformAsync } from './ops/random.js';
export type { RandomNormalOptions, RandomUniformOptions } from './ops/random.js';
export type { AsyncOptions, RandomOptions } from './ops/common.js';
export { STREAM } from './streams.js';
export { shift, shiftAsync, shiftOffsets } from './ops/shift.js';
export type { Fill, Interpolation, ShiftOffsets, ShiftOptions } from './ops/shift.js';
export type { Batch, Layout, Range, Shape } from './ops/batch.js';
export { flip, flipAsync, flipDecisions } from './ops/flip.js';
export type { FlipDecisions, FlipMode, FlipOptions } from './ops/flip.js';
export { crop, cropAsync, cropOffsets } from './ops/crop.js';
export { affine, affineAsync, affineParams } from './ops/affine.js';
export { resizedCrop, resizedCropAsync, resizedCropParams } from './ops/resized-crop.js';
export type { ResizedCropOptions, ResizedCropParams } from './ops/resized-crop.js';
export type { AffineOptions, AffineParams } from './ops/affine.js';
export type { CropOffsets, CropOptions } from './ops/crop.js';
export { gaussianBlur, gaussianBlurAsync, gaussianBlurParams } from './ops/blur.js';
export type { GaussianBlurOptions, GaussianBlurParams } from './ops/blur.js';
export { brightness, brightnessAsync, brightnessParams, contrast, contrastAsync, contrastParams } from './ops/color.js';
export { cutmix, cutmixAsync, cutmixParams, mixup, mixupAsync, mixupParams } from './ops/mix.js';
export type { CutmixOptions, CutmixParams, MixBoxes, MixResult, MixupOptions, MixupParams } from './ops/mix.js';
export type { BrightnessOptions, BrightnessParams, ContrastOptions, ContrastParams } from './ops/color.js';
export { gamma, gammaAsync, gammaParams } from './ops/gamma.js';
export type { GammaOptions, GammaParams } from './ops/gamma.js';
export { erase, eraseAsync, eraseParams } from './ops/erase.js';
export type { EraseBoxes, EraseOptions, EraseParams } from './ops/erase.js';
export {
  gaussianNoise, gaussianNoiseAsync, saltAndPepper, saltAndPepperAsync, speckleNoise, speckleNoiseAsync, uniformNoise, uniformNoiseAsync,
} from './ops/noise.js';
export type { GaussianNoiseOptions, SaltAndPepperOptions, SpeckleNoiseOptions, UniformNoiseOptions } from './ops/noise.js';
export { dropoutMask, gaussianDropout, gaussianDropoutAsync } from './ops/hidden.js';
export type { DropoutMaskOptions, GaussianDropoutOptions } from './ops/hidden.js';
export { flipLabels, labelSmoothing } from './ops/labels.js';
export { oneOf, Pipeline, PIPELINE_STREAM, someOf } from './pipeline.js';
export { preview } from './preview/index.js';
export type { PreviewColumn, PreviewOptions } from './preview/index.js';
export type { GroupOp, LabelledBatch, LabelledResult, OneOfStep, PipelineJSON, PipelineLabels, PipelineOp, PipelineStep, ResolvedStep, SomeOfStep, RunOptions, SampleRecord, StepOptions, StepRecord } from './pipeline.js';
export type { FlipLabelsOptions, LabelArray, LabelSmoothingOptions } from './ops/labels.js';

export interface BackendInfo {
  /** Which implementation runs the ops. */
  backend: 'native' | 'js';
  /** ISA of the native kernels in use ('js' for the TypeScript backend). */
  isa: string;
  /** ISAs this CPU supports in the addon, widest first (empty without it). */
  isas: string[];
  /** Default thread count of …Async ops. */
  threads: number;
  /** Package version. */
  version: string;
  /** Why the native backend is not in use, when it is not. */
  nativeUnavailable?: string;
}

/** Which backend and ISA run the ops, and why not native when it is not. */
export function backendInfo(): BackendInfo {
  const s = currentSelection();
  const info: BackendInfo = {
    backend: s.backend.name,
    isa: s.backend.isa,
    isas: s.isas,
    threads: defaultThreads(),
    version: packageVersion(),
  };
  if (s.nativeUnavailable !== undefined) info.nativeUnavailable = s.nativeUnavailable;
  return info;
}

let version: string | undefined;
function packageVersion(): string {
  version ??= (JSON.parse(readFileSync(path.join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
  return version;
}
