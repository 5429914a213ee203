import { InvalidArgumentError } from '@instr/core';
import { binarize, type Matrix, type MatrixInput, toMatrix, toPair } from './input.js';
import { type MetricWarning, type WarningHandler, type ZeroDivision, zeroDivisionValue } from './warnings.js';

/**
 * Per-class confusion counts of binarised predictions. All arrays have one entry per class.
 * @example
 * ```ts
 * const { tp, fp, fn, tn } = confusionCounts(yTrue, yPred);
 * ```
 */
export interface ConfusionCounts {
  readonly tp: Float64Array;
  readonly fp: Float64Array;
  readonly fn: Float64Array;
  readonly tn: Float64Array;
}

/**
 * Per-class true/false positive/negative counts (the numbers behind {@link multilabelConfusionMatrix}).
 * @example
 * ```ts
 * const { tp, fp } = confusionCounts([[1, 0], [1, 1]], [[1, 1], [0, 1]]);
 * // tp = [1, 1], fp = [0, 1]
 * ```
 */
export function confusionCounts(yTrue: MatrixInput, yPred: MatrixInput): ConfusionCounts {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  return countsOf(t, p);
}

/** @internal counts on validated matrices. */
export function countsOf(t: Matrix, p: Matrix): ConfusionCounts {
  const k = t.cols;
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  const tn = new Float64Array(k);
  const td = t.data;
  const pd = p.data;
  for (let i = 0; i < td.length; i++) {
    const c = i % k;
    const a = td[i]!;
    const b = pd[i]!;
    if (a === 1) {
      if (b === 1) tp[c]!++;
      else fn[c]!++;
    } else if (b === 1) fp[c]!++;
    else tn[c]!++;
  }
  return { tp, fp, fn, tn };
}

/**
 * scikit-learn's `multilabel_confusion_matrix`: one 2x2 matrix per class, `[[tn, fp], [fn, tp]]`
 * (rows = true label 0/1, columns = predicted 0/1).
 * @example
 * ```ts
 * multilabelConfusionMatrix([[1, 0]], [[1, 1]]); // [[[0, 0], [0, 1]], [[0, 1], [0, 0]]]
 * ```
 */
export function multilabelConfusionMatrix(yTrue: MatrixInput, yPred: MatrixInput): number[][][] {
  const { tp, fp, fn, tn } = confusionCounts(yTrue, yPred);
  return Array.from(tp, (_, c) => [
    [tn[c]!, fp[c]!],
    [fn[c]!, tp[c]!],
  ]);
}

/**
 * Fraction of wrong labels over all (example, class) pairs — scikit-learn's `hamming_loss`.
 * @example
 * ```ts
 * hammingLoss([[1, 0], [0, 1]], [[1, 1], [0, 1]]); // 0.25
 * ```
 */
export function hammingLoss(yTrue: MatrixInput, yPred: MatrixInput): number {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  let wrong = 0;
  for (let i = 0; i < t.data.length; i++) if (t.data[i] !== p.data[i]) wrong++;
  return wrong / t.data.length;
}

/**
 * `1 − hammingLoss`: the fraction of correct labels, the reference competition's "hamming accuracy".
 * All-zero predictions score high when labels are sparse; report it next to F1.
 * @example
 * ```ts
 * hammingScore([[1, 0], [0, 1]], [[1, 1], [0, 1]]); // 0.75
 * ```
 */
export function hammingScore(yTrue: MatrixInput, yPred: MatrixInput): number {
  return 1 - hammingLoss(yTrue, yPred);
}

/**
 * Fraction of examples whose whole label vector is right — scikit-learn's multilabel `accuracy_score`.
 * @example
 * ```ts
 * subsetAccuracy([[1, 0], [0, 1]], [[1, 0], [1, 1]]); // 0.5
 * ```
 */
export function subsetAccuracy(yTrue: MatrixInput, yPred: MatrixInput): number {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  let ok = 0;
  const k = t.cols;
  for (let i = 0; i < t.rows; i++) {
    let same = true;
    for (let j = i * k; j < (i + 1) * k; j++) {
      if (t.data[j] !== p.data[j]) {
        same = false;
        break;
      }
    }
    if (same) ok++;
  }
  return ok / t.rows;
}

/**
 * How per-class values are combined, as scikit-learn's `average`:
 * - `'micro'`: pool the counts of all classes;
 * - `'macro'`: unweighted mean over classes;
 * - `'weighted'`: mean weighted by each class's support (number of true positives labels);
 * - `'samples'`: compute per example, then average over examples;
 * - `'none'`: no averaging; one value per class (scikit-learn's `average=None`).
 * @example
 * ```ts
 * f1Score(yTrue, yPred, { average: 'weighted' });
 * ```
 */
export type Average = 'micro' | 'macro' | 'weighted' | 'samples' | 'none';

/**
 * The value type of an averaged metric: a number, or one value per class for `'none'`.
 * @example
 * ```ts
 * const perClass: Averaged<'none'> = f1Score(yTrue, yPred, { average: 'none' }); // Float64Array
 * ```
 */
export type Averaged<A extends Average> = A extends 'none' ? Float64Array : number;

/**
 * Options of the precision / recall / F-score family.
 * @example
 * ```ts
 * precisionRecallFscoreSupport(yTrue, yPred, { average: 'micro', beta: 2, zeroDivision: Number.NaN });
 * ```
 */
export interface PrfOptions<A extends Average = Average> {
  /** Averaging (default `'macro'`; scikit-learn's default `'binary'` does not apply to multi-label data). */
  average?: A;
  /** F-beta's beta: recall is `beta` times as important as precision (default 1 → F1). */
  beta?: number;
  /** Value for 0/0 (default `'warn'`: 0 plus a warning), as scikit-learn's `zero_division`. */
  zeroDivision?: ZeroDivision;
  /** Receives a warning for each ill-defined value when `zeroDivision` is `'warn'`. */
  onWarning?: WarningHandler;
}

/**
 * Result of {@link precisionRecallFscoreSupport}.
 * @example
 * ```ts
 * const { precision, recall, fScore, support, warnings } = precisionRecallFscoreSupport(yTrue, yPred);
 * ```
 */
export interface PrfResult<A extends Average = Average> {
  precision: Averaged<A>;
  recall: Averaged<A>;
  fScore: Averaged<A>;
  /** Positive labels per class (always per class, unlike scikit-learn which drops it when averaging). */
  support: Float64Array;
  /** Ill-defined values met (only filled when `zeroDivision` is `'warn'`). */
  warnings: MetricWarning[];
}

/**
 * Precision, recall, F-beta and support — scikit-learn's `precision_recall_fscore_support` for
 * multi-label indicator matrices, with the same `average` and `zero_division` behaviour (scikit-learn
 * 1.2; `zeroDivision: NaN` as in ≥ 1.3: NaN values are left out of averages). F-beta is computed from
 * counts, `(1+β²)·tp / ((1+β²)·tp + β²·fn + fp)`, so it is 0/0 only when a class has no true and no
 * predicted labels.
 *
 * @example
 * ```ts
 * const r = precisionRecallFscoreSupport([[1, 0], [1, 1]], [[1, 1], [0, 1]], { average: 'none' });
 * r.precision; // Float64Array [1, 0.5]
 * r.recall;    // Float64Array [0.5, 1]
 * ```
 */
export function precisionRecallFscoreSupport<A extends Average = 'macro'>(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: PrfOptions<A> = {},
): PrfResult<A> {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  return prfFromMatrices(t, p, options);
}

/** @internal */
export function prfFromMatrices<A extends Average>(
  t: Matrix,
  p: Matrix,
  options: PrfOptions<A>,
): PrfResult<A> {
  const average = (options.average ?? 'macro') as Average;
  checkAverage(average);
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) {
    throw new InvalidArgumentError(`beta must be >= 0; got ${beta}.`, {
      details: { key: 'beta', actual: beta },
    });
  }
  zeroDivisionValue(options.zeroDivision);
  const warn = options.zeroDivision === undefined || options.zeroDivision === 'warn';
  const counts = countsOf(t, p);
  if (average === 'samples') {
    const support = Float64Array.from(counts.tp, (tp, c) => tp + counts.fn[c]!);
    const warnings: MetricWarning[] = [];
    const per = perExampleFromMatrices(t, p, beta, options.zeroDivision);
    if (warn) {
      reportIllDefined(per.tp, per.pred, per.truth, 'example', (w) => {
        warnings.push(w);
        options.onWarning?.(w);
      });
    }
    const out = {
      precision: nanMean(per.precision),
      recall: nanMean(per.recall),
      fScore: nanMean(per.fScore),
      support,
      warnings,
    };
    return out as unknown as PrfResult<A>;
  }
  return prfFromCounts(counts, { ...options, average: average as A, beta });
}

/**
 * @internal Precision/recall/F-beta from per-class counts for every average except `'samples'`
 * (shared by the one-shot functions and {@link ConfusionAccumulator}, so both give identical numbers).
 */
export function prfFromCounts<A extends Average>(
  counts: ConfusionCounts,
  options: PrfOptions<A>,
): PrfResult<A> {
  const average = (options.average ?? 'macro') as Average;
  const beta = options.beta ?? 1;
  const zdv = zeroDivisionValue(options.zeroDivision);
  const warn = options.zeroDivision === undefined || options.zeroDivision === 'warn';
  const support = Float64Array.from(counts.tp, (tp, c) => tp + counts.fn[c]!);
  const warnings: MetricWarning[] = [];
  const emit = (w: MetricWarning) => {
    warnings.push(w);
    options.onWarning?.(w);
  };
  let tp = counts.tp;
  let pred = Float64Array.from(counts.tp, (v, c) => v + counts.fp[c]!);
  let truth = support;
  if (average === 'micro') {
    tp = Float64Array.of(sum(tp));
    pred = Float64Array.of(sum(pred));
    truth = Float64Array.of(sum(truth));
  }
  const { precision, recall, fScore } = prfDivide(tp, pred, truth, beta, zdv);
  if (warn) reportIllDefined(tp, pred, truth, average === 'micro' ? 'all' : 'class', emit);

  if (average === 'none') return { precision, recall, fScore, support, warnings } as unknown as PrfResult<A>;
  if (average === 'micro') {
    return {
      precision: precision[0]!,
      recall: recall[0]!,
      fScore: fScore[0]!,
      support,
      warnings,
    } as unknown as PrfResult<A>;
  }
  if (average === 'weighted') {
    const totalTrue = sum(truth);
    if (totalTrue === 0) {
      // scikit-learn 1.2: no positive labels at all.
      const z = options.zeroDivision === 1 ? 1 : Number.isNaN(zdv) ? Number.NaN : 0;
      const anyPred = sum(pred) > 0;
      return {
        precision: anyPred ? 0 : z,
        recall: z,
        fScore: anyPred ? 0 : z,
        support,
        warnings,
      } as unknown as PrfResult<A>;
    }
    return {
      precision: nanAverage(precision, truth),
      recall: nanAverage(recall, truth),
      fScore: nanAverage(fScore, truth),
      support,
      warnings,
    } as unknown as PrfResult<A>;
  }
  return {
    precision: nanMean(precision),
    recall: nanMean(recall),
    fScore: nanMean(fScore),
    support,
    warnings,
  } as unknown as PrfResult<A>;
}

function checkAverage(average: string): void {
  if (!['micro', 'macro', 'weighted', 'samples', 'none'].includes(average)) {
    throw new InvalidArgumentError(
      `average must be 'micro', 'macro', 'weighted', 'samples' or 'none'; got '${average}'.`,
      {
        details: {
          key: 'average',
          expected: ['micro', 'macro', 'weighted', 'samples', 'none'],
          actual: average,
        },
      },
    );
  }
}

/** @internal */
export function reportIllDefined(
  tp: ArrayLike<number>,
  pred: ArrayLike<number>,
  truth: ArrayLike<number>,
  axis: MetricWarning['axis'],
  emit: (w: MetricWarning) => void,
): void {
  const noPred: number[] = [];
  const noTrue: number[] = [];
  const neither: number[] = [];
  for (let c = 0; c < tp.length; c++) {
    if (pred[c] === 0) noPred.push(c);
    if (truth[c] === 0) noTrue.push(c);
    if (pred[c] === 0 && truth[c] === 0) neither.push(c);
  }
  const what = axis === 'example' ? 'examples' : axis === 'class' ? 'classes' : 'labels';
  if (noPred.length) {
    emit({
      metric: 'precision',
      axis,
      indices: noPred,
      message: `Precision is ill-defined and set to 0 for ${noPred.length} ${what} with no predicted positives.`,
    });
  }
  if (noTrue.length) {
    emit({
      metric: 'recall',
      axis,
      indices: noTrue,
      message: `Recall is ill-defined and set to 0 for ${noTrue.length} ${what} with no true positives labels.`,
    });
  }
  if (neither.length) {
    emit({
      metric: 'f-score',
      axis,
      indices: neither,
      message: `F-score is ill-defined and set to 0 for ${neither.length} ${what} with no true nor predicted labels.`,
    });
  }
}

function prfDivide(
  tp: Float64Array,
  pred: Float64Array,
  truth: Float64Array,
  beta: number,
  zdv: number,
): { precision: Float64Array; recall: Float64Array; fScore: Float64Array } {
  const n = tp.length;
  const precision = new Float64Array(n);
  const recall = new Float64Array(n);
  const fScore = new Float64Array(n);
  const b2 = beta * beta;
  for (let c = 0; c < n; c++) {
    precision[c] = pred[c] === 0 ? zdv : tp[c]! / pred[c]!;
    recall[c] = truth[c] === 0 ? zdv : tp[c]! / truth[c]!;
    if (beta === Number.POSITIVE_INFINITY) fScore[c] = recall[c]!;
    else if (beta === 0) fScore[c] = precision[c]!;
    else {
      const denom = b2 * truth[c]! + pred[c]!;
      fScore[c] = denom === 0 ? zdv : ((1 + b2) * tp[c]!) / denom;
    }
  }
  return { precision, recall, fScore };
}

/**
 * Per-example precision, recall, F-beta and hamming values (see {@link perExampleMetrics}).
 * @example
 * ```ts
 * const { fScore, jaccard, truth } = perExampleMetrics(yTrue, yPred);
 * ```
 */
export interface PerExampleMetrics {
  precision: Float64Array;
  recall: Float64Array;
  /** F-beta (F1 by default). */
  fScore: Float64Array;
  /** Fraction of this example's labels that are right. */
  hammingScore: Float64Array;
  /** Intersection over union of true and predicted label sets (0/0 → zeroDivision value). */
  jaccard: Float64Array;
  /** 1 where every label is right. */
  exactMatch: Float64Array;
  /** Number of true labels. */
  truth: Float64Array;
  /** Number of predicted labels. */
  pred: Float64Array;
  /** Number of correctly predicted labels. */
  tp: Float64Array;
}

/**
 * Metric values per example, for distributions and histograms: the values that `average: 'samples'`
 * averages (the reference computed them by transposing y so each file acted as a class).
 *
 * @example
 * ```ts
 * const { fScore } = perExampleMetrics([[1, 0, 1]], [[1, 1, 0]]); // fScore[0] = 0.5
 * ```
 */
export function perExampleMetrics(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: { beta?: number; zeroDivision?: ZeroDivision } = {},
): PerExampleMetrics {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  return perExampleFromMatrices(t, p, options.beta ?? 1, options.zeroDivision);
}

/** @internal */
export function perExampleFromMatrices(
  t: Matrix,
  p: Matrix,
  beta: number,
  zd: ZeroDivision | undefined,
): PerExampleMetrics {
  const zdv = zeroDivisionValue(zd);
  const n = t.rows;
  const k = t.cols;
  const tp = new Float64Array(n);
  const pred = new Float64Array(n);
  const truth = new Float64Array(n);
  const correct = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let a = 0;
    let b = 0;
    let c = 0;
    let ok = 0;
    for (let j = i * k; j < (i + 1) * k; j++) {
      const y = t.data[j]!;
      const q = p.data[j]!;
      if (y === 1 && q === 1) a++;
      b += q;
      c += y;
      if (y === q) ok++;
    }
    tp[i] = a;
    pred[i] = b;
    truth[i] = c;
    correct[i] = ok;
  }
  const { precision, recall, fScore } = prfDivide(tp, pred, truth, beta, zdv);
  const hamming = Float64Array.from(correct, (v) => v / k);
  const jaccard = Float64Array.from(tp, (v, i) => {
    const union = pred[i]! + truth[i]! - v;
    return union === 0 ? zdv : v / union;
  });
  const exactMatch = Float64Array.from(correct, (v) => (v === k ? 1 : 0));
  return { precision, recall, fScore, hammingScore: hamming, jaccard, exactMatch, truth, pred, tp };
}

function prfMetric<A extends Average>(
  which: 'precision' | 'recall' | 'fScore',
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: PrfOptions<A>,
): Averaged<A> {
  return precisionRecallFscoreSupport(yTrue, yPred, options)[which] as Averaged<A>;
}

/**
 * Precision `tp / (tp + fp)` — scikit-learn's `precision_score` (see {@link precisionRecallFscoreSupport}).
 * @example
 * ```ts
 * precisionScore([[1, 0], [1, 1]], [[1, 1], [0, 1]], { average: 'micro' }); // 2/3
 * ```
 */
export function precisionScore<A extends Average = 'macro'>(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: PrfOptions<A> = {},
): Averaged<A> {
  return prfMetric('precision', yTrue, yPred, options);
}

/**
 * Recall `tp / (tp + fn)` — scikit-learn's `recall_score`.
 * @example
 * ```ts
 * recallScore([[1, 0], [1, 1]], [[1, 1], [0, 1]], { average: 'none' }); // [0.5, 1]
 * ```
 */
export function recallScore<A extends Average = 'macro'>(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: PrfOptions<A> = {},
): Averaged<A> {
  return prfMetric('recall', yTrue, yPred, options);
}

/**
 * F1 — scikit-learn's `f1_score` (macro by default, like the reference's torchmetrics call).
 * @example
 * ```ts
 * f1Score([[1, 0], [1, 1]], [[1, 1], [0, 1]]); // macro F1 = (2/3 + 2/3) / 2
 * ```
 */
export function f1Score<A extends Average = 'macro'>(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  options: Omit<PrfOptions<A>, 'beta'> = {},
): Averaged<A> {
  return prfMetric('fScore', yTrue, yPred, { ...options, beta: 1 });
}

/**
 * F-beta — scikit-learn's `fbeta_score`.
 * @example
 * ```ts
 * fbetaScore([[1, 0], [1, 1]], [[1, 1], [0, 1]], 2, { average: 'micro' });
 * ```
 */
export function fbetaScore<A extends Average = 'macro'>(
  yTrue: MatrixInput,
  yPred: MatrixInput,
  beta: number,
  options: Omit<PrfOptions<A>, 'beta'> = {},
): Averaged<A> {
  return prfMetric('fScore', yTrue, yPred, { ...options, beta });
}

/**
 * Binarises `yScore` at `threshold` (scalar or per class, `score >= threshold`) and returns the 0/1 matrix
 * as nested arrays — a convenience for feeding probability outputs to the label metrics.
 * @example
 * ```ts
 * f1Score(yTrue, predict(yScore, 0.31));
 * ```
 */
export function predict(yScore: MatrixInput, threshold: number | ArrayLike<number> = 0.5): Matrix {
  return binarize(yScore, threshold);
}

/** Sequential sum (kept sequential so streaming and one-shot results are bit-identical). */
export function sum(a: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s;
}

/** Mean ignoring NaN (NaN when every value is NaN or the array is empty). */
export function nanMean(a: ArrayLike<number>): number {
  let s = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!Number.isNaN(v)) {
      s += v;
      n++;
    }
  }
  return n === 0 ? Number.NaN : s / n;
}

/** Weighted mean ignoring NaN values; falls back to the plain mean when the weights sum to 0. */
export function nanAverage(a: ArrayLike<number>, w: ArrayLike<number>): number {
  let s = 0;
  let ws = 0;
  let any = false;
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    if (!Number.isNaN(v)) {
      s += v * w[i]!;
      ws += w[i]!;
      any = true;
    }
  }
  if (!any) return Number.NaN;
  return ws === 0 ? nanMean(a) : s / ws;
}

/** Checked conversion used by functions that take labels only. */
export function labelsOf(y: MatrixInput, name = 'yTrue'): Matrix {
  return toMatrix(y, name, 'labels');
}
