// fastaug/data: the IDX reader (MNIST-style datasets, gzipped or not).
// Importing it loads neither the addon nor TensorFlow.js.
export { DEFAULT_DATA_DIR, loadImageDataset, parseIdx, readIdx as loadIdx } from './idx.js';
export type { IdxArray, ImageDataset } from './idx.js';
