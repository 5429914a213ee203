/** Evaluation after training: predictions, thresholds, reports, ensembles. */
export * from './files.js';
export * from './predict.js';
export * from './report.js';
