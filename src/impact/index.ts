// fastaug/impact: measure what each augmentation does to a model, with
// intervals that are tested by simulation (README "Measuring impact").
// TensorFlow.js is loaded lazily, when a study starts.
export { measureImpact } from './measure.js';
export type { ImpactProgress, MeasureImpactOptions } from './measure.js';
export type { QueueOptions } from './queue.js';
export { startImpactWorker } from './queue-worker.js';
export type { ImpactWorkerOptions } from './queue-worker.js';
export { analyzeStudy } from './analyze.js';
export type { Condition, ConditionSpec, ImageAugmenter, LabelAugmenter, ModelFactory } from './conditions.js';
export { consistencyShift, corruptionFamily, DEFAULT_CORRUPTIONS } from './corruptions.js';
export type { CorruptionContext, CorruptionFamily, CorruptionSeverity } from './corruptions.js';
export type { StudyData } from './data.js';
export { IMPACT_SCHEMA } from './types.js';
export type * from './types.js';
export * from './report/index.js';
