/** Everything of `@instr/infer` that is the same in Node and browsers. */
export { type Aggregation, aggregateWindows } from './aggregate.js';
export {
  type ClassificationResult,
  Classifier,
  type ClassifyOptions,
  type InstrumentScore,
  resolveThresholds,
  type TimelineEntry,
} from './classifier.js';
export { classifyEnsemble, type EnsembleMember } from './ensemble.js';
export { type FeatureWindows, featureWindows } from './features.js';
export { classifierFromBytes, type LoadOptions } from './load.js';
export { readModelMetadata, readOnnxMetadataProps } from './onnx-metadata.js';
export type { OrtRuntime } from './runtime.js';
export { StreamingClassifier, type StreamingOptions, type StreamingUpdate } from './streaming.js';
