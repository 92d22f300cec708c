// fastaug/impact: measure what each augmentation does to a model, with
// intervals that are tested by simulation (README "Measuring impact").
// TensorFlow.js is loaded lazily, when a study starts.
export { IMPACT_SCHEMA } from './types.js';
export type * from './types.js';
