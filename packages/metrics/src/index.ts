/**
 * @packageDocumentation
 * Multi-label metrics for instrument recognition: scikit-learn-compatible classification and ranking
 * metrics, lwlrap, calibration, bootstrap intervals, threshold search, streaming accumulators,
 * an `evaluate()` summary keyed by instrument, Vega-Lite plots and a self-contained HTML report.
 * Browser-safe; PNG export and file writing live in `@instr/metrics/node`.
 */
export * from './bootstrap.js';
export {
  type CalibrationOptions,
  type CalibrationResult,
  calibration,
  type ReliabilityBin,
} from './calibration.js';
export {
  type Average,
  type Averaged,
  type ConfusionCounts,
  confusionCounts,
  f1Score,
  fbetaScore,
  hammingLoss,
  hammingScore,
  multilabelConfusionMatrix,
  type PerExampleMetrics,
  perExampleMetrics,
  type PrfOptions,
  type PrfResult,
  precisionRecallFscoreSupport,
  precisionScore,
  predict,
  recallScore,
  subsetAccuracy,
} from './classification.js';
export {
  type ClassReport,
  type DatasetStats,
  datasetStats,
  defaultInstruments,
  type EvaluateOptions,
  type Evaluation,
  type EvaluationSummary,
  evaluate,
  flattenEvaluation,
} from './evaluate.js';
export { binarize, Matrix, type MatrixInput, type MatrixKind, toMatrix } from './input.js';
export * from './pairs.js';
export {
  auc,
  averagePrecisionScore,
  type BinaryClfCurve,
  binaryClfCurve,
  coverageError,
  labelRankingAveragePrecision,
  labelRankingLoss,
  type LwlrapOptions,
  type LwlrapResult,
  lwlrap,
  meanAveragePrecision,
  type PrecisionRecallCurve,
  precisionRecallCurve,
  type RankingAverage,
  type RankingOptions,
  type RocCurve,
  type RocCurveOptions,
  rocAucScore,
  rocCurve,
} from './ranking.js';
export * from './streaming.js';
export * from './threshold.js';
export type { MetricWarning, WarningHandler, ZeroDivision } from './warnings.js';
export * from './plots/charts.js';
export { renderSvg } from './plots/render.js';
export { type ReportOptions, renderReport, reportChartIds } from './plots/report.js';
