// Stream ids (DESIGN §3): the fourth Philox counter word of every draw. Each
// op and purpose has its own; no two share one. Public: listed in README.md.
export const STREAM = {
  randomUniform: 1,
  randomNormal: 2,
  /** shift: per-image offsets (words 0 and 1 of block 0) */
  shift: 16,
  /** flip: per-image decisions (word 0 horizontal, word 1 vertical of block 0) */
  flip: 17,
  /** crop: per-image offsets (word 0 top, word 1 left of block 0) */
  crop: 18,
  /** erase: block 0 word 0 the apply decision; box j, attempt t: block 1 + 10·j + t (w0 area, w1 aspect ratio, w2 top, w3 left) */
  eraseParams: 21,
  /** erase with value 'noise': the fill of position j (NHWC element index within the image) is word j of the per-sample stream */
  eraseNoise: 22,
  /** affine: per-image parameters (block 0: w0 rotation, w1 zoomX or zoom, w2 zoomY, w3 shear; block 1: w0 x, w1 y) */
  affine: 19,
  /** resizedCrop: per-image boxes (block t = attempt t of 10: w0 area, w1 log aspect ratio, w2 top, w3 left) */
  resizedCrop: 20,
  gaussianNoise: 32,
  gaussianNoiseParams: 33,
  uniformNoise: 34,
  speckleNoise: 36,
  speckleNoiseParams: 37,
  saltAndPepper: 38,
  saltAndPepperParams: 39,
  gaussianDropout: 40,
  dropoutMask: 41,
  flipLabels: 42,
  /** mixup: block 0 word 0 the partner; blocks 1, 2, 3, … the Beta(α, α) draw (src/ops/mix.ts) */
  mixupParams: 43,
  /** cutmix: block 0 word 0 the partner, words 1 and 2 the box centre; blocks 1, 2, … the Beta(α, α) draw */
  cutmixParams: 44,
  /** brightness: per-image factor (word 0) and delta (word 1) of block 0 */
  brightnessParams: 48,
  /** contrast: per-image factor (word 0 of block 0) */
  contrastParams: 49,
  /** gaussianBlur: per-image sigma (word 0 of block 0) */
  gaussianBlurParams: 50,
  /** gamma: per-image gamma (word 0 of block 0, log-uniform) */
  gammaParams: 51,
} as const;
