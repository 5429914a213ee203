import { InstrumentSet, ShapeError } from '@instr/core';
import { calibrationOf, type CalibrationResult } from './calibration.js';
import {
  countsOf,
  type PerExampleMetrics,
  nanMean,
  perExampleFromMatrices,
  prfFromCounts,
  reportIllDefined,
  sum,
} from './classification.js';
import { Matrix, type MatrixInput, thresholdVector, toPair } from './input.js';
import { type PairConfusion, pairConfusion } from './pairs.js';
import {
  apFromPr,
  binaryClfCurve,
  coverageError,
  labelRankingAveragePrecision,
  labelRankingLoss,
  lwlrap,
  type PrecisionRecallCurve,
  prFromCurve,
  type RocCurve,
  rocFromCurve,
  auc as trapezoid,
} from './ranking.js';
import type { MetricWarning, ZeroDivision } from './warnings.js';

/**
 * Everything known about one class, keyed by its instrument code in {@link Evaluation.perClass}.
 * @example
 * ```ts
 * const { name, f1, ap, auc, support } = evaluate(yTrue, yScore).perClass.cel;
 * ```
 */
export interface ClassReport {
  /** Index of the class (column). */
  index: number;
  /** Human-readable name from the {@link InstrumentSet}. */
  name: string;
  family: string;
  /** Decision threshold used for this class. */
  threshold: number;
  /** Positive labels. */
  support: number;
  /** Predicted positives at the threshold. */
  predicted: number;
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  f1: number;
  /** Fraction of this class's labels that are right. */
  accuracy: number;
  /** Average precision (NaN-free: 0 without positives). */
  ap: number;
  /** ROC AUC (NaN when the class has only one label value). */
  auc: number;
  /** Per-class lwlrap and its weight. */
  lwlrap: number;
  lwlrapWeight: number;
  /** Expected calibration error of this class's scores (NaN when scores are not probabilities). */
  ece: number;
}

/**
 * Summary numbers of an {@link Evaluation}.
 * @example
 * ```ts
 * const { f1, mAP, lwlrap, hammingScore } = evaluate(yTrue, yScore).summary;
 * ```
 */
export interface EvaluationSummary {
  hammingScore: number;
  hammingLoss: number;
  subsetAccuracy: number;
  precision: { micro: number; macro: number; weighted: number; samples: number };
  recall: { micro: number; macro: number; weighted: number; samples: number };
  f1: { micro: number; macro: number; weighted: number; samples: number };
  rocAuc: { micro: number; macro: number; weighted: number };
  averagePrecision: { micro: number; macro: number; weighted: number };
  /** Macro average precision. */
  mAP: number;
  lwlrap: number;
  labelRankingAveragePrecision: number;
  coverageError: number;
  labelRankingLoss: number;
  /** NaN when the scores are not probabilities in [0, 1]. */
  ece: number;
}

/**
 * Label statistics of the evaluated data (for distribution and co-occurrence plots).
 * @example
 * ```ts
 * const { positives, cooccurrence } = datasetStats(yTrue);
 * ```
 */
export interface DatasetStats {
  /** Positives per class. */
  positives: number[];
  /** `cooccurrence[a][b]`: examples with both a and b true (diagonal = positives). */
  cooccurrence: number[][];
  /** `labelsPerExample[m]`: examples with exactly m true labels. */
  labelsPerExample: number[];
}

/**
 * The result of {@link evaluate}: everything a report needs.
 * @example
 * ```ts
 * const ev: Evaluation = evaluate(yTrue, yScore, { thresholds: 0.31 });
 * ```
 */
export interface Evaluation {
  instruments: InstrumentSet;
  numExamples: number;
  numClasses: number;
  /** Per-class thresholds used for the decisions. */
  thresholds: number[];
  summary: EvaluationSummary;
  perClass: Record<string, ClassReport>;
  /** Per-example distributions at the thresholds (F1, precision, recall, hamming, jaccard, …). */
  perExample: PerExampleMetrics;
  confusion: {
    /** scikit-learn's multilabel_confusion_matrix: one `[[tn, fp], [fn, tp]]` per class. */
    perClass: number[][][];
    pairs: PairConfusion;
  };
  /** Per-class curves keyed by code (ROC with dropIntermediate, PR). */
  curves: { roc: Record<string, RocCurve>; pr: Record<string, PrecisionRecallCurve> };
  /** Reliability bins over all (example, class) pairs; undefined when scores are not in [0, 1]. */
  calibration?: CalibrationResult;
  dataset: DatasetStats;
  /** Ill-defined values met (zero divisions, undefined AUC), with class/example indices. */
  warnings: MetricWarning[];
}

/**
 * Options of {@link evaluate}.
 * @example
 * ```ts
 * evaluate(yTrue, yScore, { instruments: InstrumentSet.irmas(), thresholds: perClassThresholds, zeroDivision: 0 });
 * ```
 */
export interface EvaluateOptions {
  /** Class vocabulary (default: IRMAS when there are 11 classes, else `c0`, `c1`, …). */
  instruments?: InstrumentSet;
  /** Decision threshold, one number or one per class (default 0.5). */
  thresholds?: number | ArrayLike<number>;
  /** zero_division for precision/recall/F1 (default `'warn'` → 0 with a warning). */
  zeroDivision?: ZeroDivision;
  /** Calibration bins (default 10). */
  calibrationBins?: number;
}

/**
 * Evaluates multi-label scores against labels in one call: threshold metrics (hamming, subset accuracy,
 * precision / recall / F1 in every averaging), ranking metrics (ROC AUC, AP/mAP, lwlrap, LRAP, coverage,
 * ranking loss), per-class and per-example values, confusion matrices, curves, calibration and label
 * statistics, keyed by instrument code.
 *
 * @throws {@link ShapeError} when shapes differ or the instrument set has another number of classes.
 * @example
 * ```ts
 * const ev = evaluate(yTrue, yScore, { instruments: InstrumentSet.irmas(), thresholds: 0.31 });
 * ev.summary.f1.macro;
 * ev.perClass.cel; // { name: 'Cello', f1, precision, recall, ap, auc, support, … }
 * ```
 */
export function evaluate(yTrue: MatrixInput, yScore: MatrixInput, options: EvaluateOptions = {}): Evaluation {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  return evaluateMatrices(t, s, options);
}

/** @internal */
export function evaluateMatrices(t: Matrix, s: Matrix, options: EvaluateOptions = {}): Evaluation {
  const k = t.cols;
  const n = t.rows;
  const instruments = options.instruments ?? defaultInstruments(k);
  if (instruments.size !== k) {
    throw new ShapeError(
      `The instrument set has ${instruments.size} classes but the data has ${k} columns.`,
      {
        details: { key: 'instruments', expected: k, actual: instruments.size },
      },
    );
  }
  const thr = thresholdVector(options.thresholds ?? 0.5, k);
  const predData = new Float64Array(s.data.length);
  for (let i = 0; i < predData.length; i++) predData[i] = s.data[i]! >= thr[i % k]! ? 1 : 0;
  const p = new Matrix(predData, n, k);
  const warnings: MetricWarning[] = [];
  const zeroDivision = options.zeroDivision ?? 'warn';
  const onWarning = (w: MetricWarning) => warnings.push(w);

  const counts = countsOf(t, p);
  const prfNone = prfFromCounts(counts, { average: 'none', zeroDivision, onWarning });
  const prfAvg = (average: 'micro' | 'macro' | 'weighted') =>
    prfFromCounts(counts, { average, zeroDivision });
  const micro = prfAvg('micro');
  const macro = prfAvg('macro');
  const weighted = prfAvg('weighted');
  const perExample = perExampleFromMatrices(t, p, 1, zeroDivision);
  if (zeroDivision === 'warn')
    reportIllDefined(perExample.tp, perExample.pred, perExample.truth, 'example', onWarning);
  const samples = {
    precision: nanMean(perExample.precision),
    recall: nanMean(perExample.recall),
    fScore: nanMean(perExample.fScore),
  };

  let wrong = 0;
  for (let i = 0; i < t.data.length; i++) if (t.data[i] !== p.data[i]) wrong++;

  // Curves, AUC and AP per class from one sort per class.
  const roc: Record<string, RocCurve> = {};
  const pr: Record<string, PrecisionRecallCurve> = {};
  const aucs = new Float64Array(k);
  const aps = new Float64Array(k);
  const codes = instruments.codes;
  for (let c = 0; c < k; c++) {
    const curve = binaryClfCurve(t.column(c), s.column(c));
    const r = rocFromCurve(curve, true);
    const nPos = curve.tps[curve.tps.length - 1]!;
    const nNeg = curve.fps[curve.fps.length - 1]!;
    aucs[c] = nPos > 0 && nNeg > 0 ? trapezoid(r.fpr, r.tpr) : Number.NaN;
    const prc = prFromCurve(curve);
    aps[c] = apFromPr(prc);
    roc[codes[c]!] = r;
    pr[codes[c]!] = prc;
  }
  const undefinedAuc = [...aucs.keys()].filter((c) => Number.isNaN(aucs[c]!));
  if (undefinedAuc.length) {
    warnings.push({
      metric: 'roc-auc',
      axis: 'class',
      indices: undefinedAuc,
      message: `ROC AUC is undefined for ${undefinedAuc.length} classes with only one label value (${undefinedAuc.map((c) => codes[c]).join(', ')}); left out of the macro average.`,
    });
  }
  const support = prfNone.support;
  const totalSupport = sum(support);
  const weightedOf = (v: Float64Array) => {
    if (totalSupport === 0) return 0;
    let acc = 0;
    for (let c = 0; c < k; c++) if (support[c]! !== 0) acc += v[c]! * support[c]!;
    return acc / totalSupport;
  };
  const nanMeanOf = nanMean;
  const lw = lwlrap(t, s);
  // micro averages: one curve over all (example, class) pairs serves both ROC AUC and AP
  const microCurve = binaryClfCurve(t.data, s.data);
  const microPos = microCurve.tps[microCurve.tps.length - 1]!;
  const microNeg = microCurve.fps[microCurve.fps.length - 1]!;
  let microAuc = Number.NaN;
  if (microPos > 0 && microNeg > 0) {
    const r = rocFromCurve(microCurve, true);
    microAuc = trapezoid(r.fpr, r.tpr);
  } else {
    warnings.push({
      metric: 'roc-auc',
      axis: 'all',
      indices: [0],
      message: 'Micro ROC AUC is undefined: the pooled labels have only one value.',
    });
  }
  let calibration: CalibrationResult | undefined;
  let inUnit = true;
  for (let i = 0; i < s.data.length; i++) if (s.data[i]! < 0 || s.data[i]! > 1) inUnit = false;
  if (inUnit) calibration = calibrationOf(t, s, { nBins: options.calibrationBins ?? 10, perClass: true });

  const perClass: Record<string, ClassReport> = {};
  instruments.instruments.forEach((inst, c) => {
    perClass[inst.code] = {
      index: c,
      name: inst.name,
      family: inst.family,
      threshold: thr[c]!,
      support: support[c]!,
      predicted: counts.tp[c]! + counts.fp[c]!,
      tp: counts.tp[c]!,
      fp: counts.fp[c]!,
      fn: counts.fn[c]!,
      tn: counts.tn[c]!,
      precision: (prfNone.precision as Float64Array)[c]!,
      recall: (prfNone.recall as Float64Array)[c]!,
      f1: (prfNone.fScore as Float64Array)[c]!,
      accuracy: (counts.tp[c]! + counts.tn[c]!) / n,
      ap: aps[c]!,
      auc: aucs[c]!,
      lwlrap: lw.perClass[c]!,
      lwlrapWeight: lw.weights[c]!,
      ece: calibration?.perClass?.[c] ?? Number.NaN,
    };
  });

  const pairs = pairConfusion(t, p);
  const labelsPerExample = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < n; i++) labelsPerExample[perExample.truth[i]!]!++;

  return {
    instruments,
    numExamples: n,
    numClasses: k,
    thresholds: Array.from(thr),
    summary: {
      hammingScore: 1 - wrong / t.data.length,
      hammingLoss: wrong / t.data.length,
      subsetAccuracy: sum(perExample.exactMatch) / n,
      precision: {
        micro: micro.precision,
        macro: macro.precision,
        weighted: weighted.precision,
        samples: samples.precision,
      },
      recall: {
        micro: micro.recall,
        macro: macro.recall,
        weighted: weighted.recall,
        samples: samples.recall,
      },
      f1: { micro: micro.fScore, macro: macro.fScore, weighted: weighted.fScore, samples: samples.fScore },
      rocAuc: {
        micro: microAuc,
        macro: nanMeanOf(aucs),
        weighted: weightedOf(aucs),
      },
      averagePrecision: {
        micro: apFromPr(prFromCurve(microCurve)),
        macro: nanMeanOf(aps),
        weighted: weightedOf(aps),
      },
      mAP: nanMeanOf(aps),
      lwlrap: lw.lwlrap,
      labelRankingAveragePrecision: labelRankingAveragePrecision(t, s),
      coverageError: coverageError(t, s),
      labelRankingLoss: labelRankingLoss(t, s),
      ece: calibration?.ece ?? Number.NaN,
    },
    perClass,
    perExample,
    confusion: {
      perClass: Array.from(counts.tp, (_, c) => [
        [counts.tn[c]!, counts.fp[c]!],
        [counts.fn[c]!, counts.tp[c]!],
      ]),
      pairs,
    },
    curves: { roc, pr },
    calibration,
    dataset: { positives: Array.from(support), cooccurrence: pairsCooccurrence(t), labelsPerExample },
    warnings,
  };
}

function pairsCooccurrence(t: Matrix): number[][] {
  const k = t.cols;
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    for (let a = 0; a < k; a++) {
      if (t.data[o + a] !== 1) continue;
      for (let b = 0; b < k; b++) if (t.data[o + b] === 1) m[a]![b]!++;
    }
  }
  return m;
}

/**
 * Label statistics of a dataset: positives per class, the co-occurrence matrix and the distribution of
 * labels per example (what {@link plotLabelDistribution} and {@link plotCooccurrence} draw).
 * @example
 * ```ts
 * datasetStats([[1, 1, 0], [0, 1, 0]]).cooccurrence[0][1]; // 1
 * ```
 */
export function datasetStats(yTrue: MatrixInput): DatasetStats {
  const [t] = toPair(yTrue, yTrue, 'labels');
  const k = t.cols;
  const positives = new Array<number>(k).fill(0);
  const labelsPerExample = new Array<number>(k + 1).fill(0);
  for (let i = 0; i < t.rows; i++) {
    let m = 0;
    for (let c = 0; c < k; c++) {
      if (t.data[i * k + c] === 1) {
        positives[c]!++;
        m++;
      }
    }
    labelsPerExample[m]!++;
  }
  return { positives, cooccurrence: pairsCooccurrence(t), labelsPerExample };
}

/**
 * IRMAS for 11 classes, else generic codes `c0…`.
 * @example
 * ```ts
 * defaultInstruments(3).codes; // ['c0', 'c1', 'c2']
 * ```
 */
export function defaultInstruments(k: number): InstrumentSet {
  return k === 11
    ? InstrumentSet.irmas()
    : InstrumentSet.custom(Array.from({ length: k }, (_, i) => ({ code: `c${i}` })));
}

/**
 * Flattens an {@link Evaluation} into `name → number` pairs for loggers, CSV rows and JSON APIs, in the
 * reference's key format: `{prefix}f1`, `{prefix}hamming_score`, … and per instrument
 * `instruments/{prefix}{Full name}_{metric}`.
 * @example
 * ```ts
 * flattenEvaluation(ev, { prefix: 'val/' });
 * // { 'val/f1': 0.54, 'val/f1_micro': 0.63, …, 'instruments/val/Cello_f1': 0.47, … }
 * ```
 */
export function flattenEvaluation(
  ev: Evaluation,
  options: { prefix?: string; perClass?: boolean } = {},
): Record<string, number> {
  const p = options.prefix ?? '';
  const s = ev.summary;
  const out: Record<string, number> = {
    [`${p}f1`]: s.f1.macro,
    [`${p}precision`]: s.precision.macro,
    [`${p}recall`]: s.recall.macro,
    [`${p}f1_micro`]: s.f1.micro,
    [`${p}f1_weighted`]: s.f1.weighted,
    [`${p}f1_samples`]: s.f1.samples,
    [`${p}hamming_score`]: s.hammingScore,
    [`${p}hamming_distance`]: s.hammingLoss,
    [`${p}subset_accuracy`]: s.subsetAccuracy,
    [`${p}roc_auc`]: s.rocAuc.macro,
    [`${p}roc_auc_micro`]: s.rocAuc.micro,
    [`${p}map`]: s.mAP,
    [`${p}ap_micro`]: s.averagePrecision.micro,
    [`${p}lwlrap`]: s.lwlrap,
    [`${p}lrap`]: s.labelRankingAveragePrecision,
    [`${p}coverage_error`]: s.coverageError,
    [`${p}label_ranking_loss`]: s.labelRankingLoss,
    [`${p}ece`]: s.ece,
  };
  if (options.perClass ?? true) {
    for (const r of Object.values(ev.perClass)) {
      for (const m of ['f1', 'precision', 'recall', 'accuracy', 'ap', 'auc', 'lwlrap'] as const) {
        out[`instruments/${p}${r.name}_${m}`] = r[m];
      }
    }
  }
  return out;
}
