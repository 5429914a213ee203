/**
 * The training input pipeline: log-mel features by a `FeatureSpec`, cropping / windowing, dataset mixing
 * and augmentation in worker threads, batched and deterministic per (seed, epoch). Node-only.
 */
export * from './features.js';
export * from './pipeline.js';
export type {
  AugmentFactoryContext,
  AugmentModuleSpec,
  MixSpec,
  PipelineAugmentations,
} from './processor.js';
export * from './statistics.js';
