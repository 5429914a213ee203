/**
 * Datasets (IRMAS train/test layouts, CSV, plain folders, OpenMIC), statistics, cleaning, the disk cache,
 * group-aware stratified splits, leakage checks and samplers. Node-only (file system).
 */
export * from './cache.js';
export * from './clean.js';
export * from './csv.js';
export { concatDatasets, Dataset, type DatasetItem, type DatasetOptions } from './dataset.js';
export { AUDIO_EXTENSIONS, mapConcurrent, type Progress, type ProgressCallback } from './files.js';
export * from './irmas.js';
export * from './mix.js';
export * from './sampler.js';
export * from './split.js';
export * from './stats.js';
