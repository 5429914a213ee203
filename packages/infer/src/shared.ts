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
export { type FeatureWindows, featureWindows, type WindowSeconds } from './features.js';
export { classifierFromBytes, type LoadOptions } from './load.js';
export { readModelMetadata, readOnnxMetadataProps } from './onnx-metadata.js';
export type { OrtRuntime } from './runtime.js';
export { StreamingClassifier, type StreamingOptions, type StreamingUpdate } from './streaming.js';
/**
 * From `@instr/core`, so that the common case needs no second import: the audio type that `classify`
 * takes and its validating constructor, and the errors `@instr/infer` throws (every class has a static
 * `isInstance(error)` that works across duplicate package copies, unlike `instanceof`).
 */
export {
  type Audio,
  AudioDecodeError,
  ConfigError,
  createAudio,
  InstrError,
  type InstrErrorCode,
  type InstrErrorDetails,
  InvalidArgumentError,
  InvalidAudioError,
  IOError,
  ModelError,
  NonFiniteError,
  UnknownInstrumentError,
  UnsupportedFormatError,
} from '@instr/core';
