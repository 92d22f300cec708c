// fastaug/tfjs: TensorFlow.js interop (DESIGN §6). Written against the
// tfjs-core Tensor API, so it works with whichever TF.js the caller has
// (@tensorflow/tfjs, -node, -backend-wasm): those are optional peers.
export { augmentDataset } from './dataset.js';
export type { AugmentAt, AugmentDatasetOptions, Augmenter, AugmentFunction } from './dataset.js';
export { GaussianDropout, GaussianNoise, LAYER_STREAM } from './layers.js';
export type { GaussianDropoutArgs, GaussianNoiseArgs } from './layers.js';
export { batchToTensor, tensorToBatch } from './tensors.js';
export {
  affineTensor, brightnessTensor, contrastTensor, cropTensor, cutmixTensor, eraseTensor, flipLabelsTensor, flipTensor, gammaTensor, gaussianBlurTensor, gaussianDropoutTensor, gaussianNoiseTensor, labelSmoothingTensor, mixupTensor, pipelineTensor, randomNormalTensor, resizedCropTensor,
  randomUniformTensor, saltAndPepperTensor, shiftTensor, speckleNoiseTensor, uniformNoiseTensor,
} from './ops.js';
export {
  fillArgs, KERAS_FILL, KerasAugmentationLayer, kerasRange, RandomBrightness, RandomContrast, RandomCrop, RandomFlip, RandomRotation, RandomTranslation, RandomZoom, randomZoomMatrices,
} from './keras-layers.js';
export type {
  KerasFactor, KerasFillMode, KerasLayerArgs, LayerDraw, RandomBrightnessArgs, RandomContrastArgs, RandomCropArgs, RandomFlipArgs, RandomRotationArgs, RandomTranslationArgs, RandomZoomArgs,
} from './keras-layers.js';
