import { InvalidArgumentError } from '@instr/core';
import { sortFloat64 } from './sort.js';
import { nanMean, sum } from './classification.js';
import { type Matrix, type MatrixInput, toMatrix, toPair } from './input.js';
import type { MetricWarning, WarningHandler } from './warnings.js';

/**
 * Cumulative counts at each distinct score, highest first (scikit-learn's `_binary_clf_curve`).
 * @example
 * ```ts
 * const { fps, tps, thresholds } = binaryClfCurve([0, 1, 1], [0.2, 0.9, 0.4]);
 * ```
 */
export interface BinaryClfCurve {
  /** False positives with score ≥ threshold. */
  fps: Float64Array;
  /** True positives with score ≥ threshold. */
  tps: Float64Array;
  /** Distinct scores in decreasing order. */
  thresholds: Float64Array;
}

/**
 * Counts of true and false positives at every distinct score (decreasing), as scikit-learn's
 * `_binary_clf_curve`. Sorting positives and negatives separately with the native numeric sort and merging
 * them is several times faster than an index sort with a comparator.
 * @example
 * ```ts
 * binaryClfCurve(Float64Array.of(0, 1, 1), Float64Array.of(0.1, 0.8, 0.4));
 * // thresholds [0.8, 0.4, 0.1], tps [1, 2, 2], fps [0, 0, 1]
 * ```
 */
export function binaryClfCurve(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): BinaryClfCurve {
  const n = yTrue.length;
  let np = 0;
  for (let i = 0; i < n; i++) if (yTrue[i] === 1) np++;
  const pos = new Float64Array(np);
  const neg = new Float64Array(n - np);
  for (let i = 0, a = 0, b = 0; i < n; i++) {
    if (yTrue[i] === 1) pos[a++] = yScore[i]!;
    else neg[b++] = yScore[i]!;
  }
  sortFloat64(pos);
  sortFloat64(neg);
  const fps = new Float64Array(n);
  const tps = new Float64Array(n);
  const thr = new Float64Array(n);
  let i = pos.length - 1;
  let j = neg.length - 1;
  let tp = 0;
  let fp = 0;
  let m = 0;
  while (i >= 0 || j >= 0) {
    const v = i < 0 ? neg[j]! : j < 0 ? pos[i]! : Math.max(pos[i]!, neg[j]!);
    while (i >= 0 && pos[i] === v) {
      tp++;
      i--;
    }
    while (j >= 0 && neg[j] === v) {
      fp++;
      j--;
    }
    fps[m] = fp;
    tps[m] = tp;
    thr[m] = v;
    m++;
  }
  return { fps: fps.slice(0, m), tps: tps.slice(0, m), thresholds: thr.slice(0, m) };
}

/**
 * A ROC curve: false and true positive rates per threshold (decreasing thresholds).
 * @example
 * ```ts
 * const { fpr, tpr, thresholds } = rocCurve(yTrueColumn, yScoreColumn);
 * ```
 */
export interface RocCurve {
  fpr: Float64Array;
  tpr: Float64Array;
  /** The first threshold is `+Infinity` (no example predicted positive), as scikit-learn ≥ 1.3. */
  thresholds: Float64Array;
}

/**
 * Options of {@link rocCurve}.
 * @example
 * ```ts
 * rocCurve(yTrueColumn, yScoreColumn, { dropIntermediate: false });
 * ```
 */
export interface RocCurveOptions {
  /** Drop thresholds that are collinear on the curve (default `true`, scikit-learn's default). */
  dropIntermediate?: boolean;
}

/**
 * ROC curve of one class — scikit-learn's `roc_curve` (ties collapse to one point; `dropIntermediate`
 * removes collinear points). Without positives (or negatives) the TPR (FPR) is NaN, as in scikit-learn.
 * @example
 * ```ts
 * const { fpr, tpr } = rocCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // fpr [0, 0, 0.5, 0.5, 1], tpr [0, 0.5, 0.5, 1, 1]
 * ```
 */
export function rocCurve(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
  options: RocCurveOptions = {},
): RocCurve {
  const [t, s] = vectorPair(yTrue, yScore);
  return rocFromCurve(binaryClfCurve(t, s), options.dropIntermediate ?? true);
}

/** @internal */
export function rocFromCurve(curve: BinaryClfCurve, dropIntermediate: boolean): RocCurve {
  let { fps, tps, thresholds } = curve;
  const m = fps.length;
  if (dropIntermediate && m > 2) {
    const keep: number[] = [0];
    for (let i = 1; i < m - 1; i++) {
      const d2f = fps[i + 1]! - 2 * fps[i]! + fps[i - 1]!;
      const d2t = tps[i + 1]! - 2 * tps[i]! + tps[i - 1]!;
      if (d2f !== 0 || d2t !== 0) keep.push(i);
    }
    keep.push(m - 1);
    fps = Float64Array.from(keep, (i) => fps[i]!);
    tps = Float64Array.from(keep, (i) => tps[i]!);
    thresholds = Float64Array.from(keep, (i) => thresholds[i]!);
  }
  const len = fps.length + 1;
  const fpr = new Float64Array(len);
  const tpr = new Float64Array(len);
  const thr = new Float64Array(len);
  thr[0] = Number.POSITIVE_INFINITY;
  const nNeg = fps[fps.length - 1]!;
  const nPos = tps[tps.length - 1]!;
  for (let i = 1; i < len; i++) {
    fpr[i] = nNeg > 0 ? fps[i - 1]! / nNeg : Number.NaN;
    tpr[i] = nPos > 0 ? tps[i - 1]! / nPos : Number.NaN;
    thr[i] = thresholds[i - 1]!;
  }
  if (!(nNeg > 0)) fpr[0] = Number.NaN;
  if (!(nPos > 0)) tpr[0] = Number.NaN;
  return { fpr, tpr, thresholds: thr };
}

/**
 * Area under a curve by the trapezoidal rule — scikit-learn's `auc` (x must be monotonic).
 * @example
 * ```ts
 * auc([0, 0.5, 1], [0, 1, 1]); // 0.75
 * ```
 */
export function auc(x: ArrayLike<number>, y: ArrayLike<number>): number {
  if (x.length !== y.length || x.length < 2) {
    throw new InvalidArgumentError(
      `auc needs two arrays of equal length >= 2; got ${x.length} and ${y.length}.`,
      {
        details: { expected: '>= 2 equal lengths', actual: [x.length, y.length] },
      },
    );
  }
  let inc = true;
  let dec = true;
  for (let i = 1; i < x.length; i++) {
    if (x[i]! < x[i - 1]!) inc = false;
    if (x[i]! > x[i - 1]!) dec = false;
  }
  if (!inc && !dec) throw new InvalidArgumentError('auc: x is neither increasing nor decreasing.');
  let area = 0;
  for (let i = 1; i < x.length; i++) area += ((x[i]! - x[i - 1]!) * (y[i]! + y[i - 1]!)) / 2;
  return dec && !inc ? -area : area;
}

/**
 * The area under a ROC curve, or NaN when only one label value is present.
 * @example
 * ```ts
 * rocAucBinary([0, 1, 1], [0.2, 0.9, 0.4]); // 1
 * ```
 */
export function rocAucBinary(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  const curve = binaryClfCurve(yTrue, yScore);
  const nPos = curve.tps[curve.tps.length - 1]!;
  const nNeg = curve.fps[curve.fps.length - 1]!;
  if (nPos === 0 || nNeg === 0) return Number.NaN;
  const roc = rocFromCurve(curve, true);
  return auc(roc.fpr, roc.tpr);
}

/**
 * A precision-recall curve: recall decreasing to 0, precision ending with 1 (scikit-learn's layout).
 * @example
 * ```ts
 * const { precision, recall } = precisionRecallCurve(yTrueColumn, yScoreColumn);
 * ```
 */
export interface PrecisionRecallCurve {
  precision: Float64Array;
  recall: Float64Array;
  /** Increasing distinct scores; one fewer than precision/recall. */
  thresholds: Float64Array;
}

/**
 * Precision-recall curve of one class — scikit-learn's `precision_recall_curve` (1.2, no
 * `drop_intermediate`). Without positives, recall is 1 at every threshold, as in scikit-learn.
 * @example
 * ```ts
 * const { precision, recall, thresholds } = precisionRecallCurve([0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]);
 * // precision [0.5, 0.667, 0.5, 1, 1], recall [1, 1, 0.5, 0.5, 0], thresholds [0.1, 0.35, 0.4, 0.8]
 * ```
 */
export function precisionRecallCurve(
  yTrue: ArrayLike<number>,
  yScore: ArrayLike<number>,
): PrecisionRecallCurve {
  const [t, s] = vectorPair(yTrue, yScore);
  return prFromCurve(binaryClfCurve(t, s));
}

/** @internal */
export function prFromCurve(curve: BinaryClfCurve): PrecisionRecallCurve {
  const { fps, tps, thresholds } = curve;
  const m = tps.length;
  const nPos = tps[m - 1]!;
  const precision = new Float64Array(m + 1);
  const recall = new Float64Array(m + 1);
  const thr = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = m - 1 - i;
    const ps = tps[r]! + fps[r]!;
    precision[i] = ps !== 0 ? tps[r]! / ps : 0;
    recall[i] = nPos === 0 ? 1 : tps[r]! / nPos;
    thr[i] = thresholds[r]!;
  }
  precision[m] = 1;
  recall[m] = 0;
  return { precision, recall, thresholds: thr };
}

/**
 * Step-wise average precision of one class: `Σ (R_n − R_{n−1}) P_n` (scikit-learn's definition).
 * @example
 * ```ts
 * averagePrecisionBinary([0, 1, 1], [0.2, 0.9, 0.4]); // 1
 * ```
 */
export function averagePrecisionBinary(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): number {
  return apFromPr(prFromCurve(binaryClfCurve(yTrue, yScore)));
}

/** @internal */
export function apFromPr(pr: PrecisionRecallCurve): number {
  const { precision, recall } = pr;
  let s = 0;
  for (let i = 0; i < recall.length - 1; i++) s += (recall[i + 1]! - recall[i]!) * precision[i]!;
  return -s;
}

/**
 * Averaging for ranking metrics (see {@link Average}; `'samples'` scores each example's row).
 * @example
 * ```ts
 * averagePrecisionScore(yTrue, yScore, { average: 'samples' });
 * ```
 */
export type RankingAverage = 'micro' | 'macro' | 'weighted' | 'samples' | 'none';

/**
 * Options of {@link rocAucScore} and {@link averagePrecisionScore}.
 * @example
 * ```ts
 * rocAucScore(yTrue, yScore, { average: 'none', onWarning: (w) => console.warn(w.message) });
 * ```
 */
export interface RankingOptions<A extends RankingAverage = RankingAverage> {
  /** Default `'macro'` (scikit-learn's default). */
  average?: A;
  /** Receives a warning for each class (or example) whose value is undefined. */
  onWarning?: WarningHandler;
}

/**
 * ROC AUC for multi-label data — scikit-learn's `roc_auc_score` with the same averaging. One difference:
 * a class (or, for `'samples'`, an example) with only one label value has an undefined AUC; scikit-learn
 * raises, this returns NaN for it, leaves it out of `'macro'`/`'samples'` averages and reports a
 * {@link MetricWarning}. `'weighted'` weights by positives (classes without positives weigh 0).
 *
 * @example
 * ```ts
 * rocAucScore([[1, 0], [0, 1], [1, 1]], [[0.9, 0.3], [0.2, 0.8], [0.7, 0.6]]); // 1
 * rocAucScore(yTrue, yScore, { average: 'none' }); // Float64Array, one AUC per class
 * ```
 */
export function rocAucScore<A extends RankingAverage = 'macro'>(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: RankingOptions<A> = {},
): A extends 'none' ? Float64Array : number {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  return averageBinary(t, s, rocAucBinary, 'roc-auc', options) as A extends 'none' ? Float64Array : number;
}

/**
 * Average precision (area under the step-wise PR curve) — scikit-learn's `average_precision_score` with
 * the same averaging. A class without positives scores 0, as in scikit-learn.
 * @example
 * ```ts
 * averagePrecisionScore([[1, 0], [0, 1]], [[0.9, 0.3], [0.2, 0.8]]); // 1
 * ```
 */
export function averagePrecisionScore<A extends RankingAverage = 'macro'>(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: RankingOptions<A> = {},
): A extends 'none' ? Float64Array : number {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  return averageBinary(t, s, averagePrecisionBinary, 'average-precision', options) as A extends 'none'
    ? Float64Array
    : number;
}

/**
 * Mean average precision: the macro average of per-class AP (what most multi-label papers call mAP).
 * @example
 * ```ts
 * meanAveragePrecision(yTrue, yScore);
 * ```
 */
export function meanAveragePrecision(yTrue: MatrixInput, yScore: MatrixInput): number {
  return averagePrecisionScore(yTrue, yScore, { average: 'macro' });
}

/** @internal scikit-learn's `_average_binary_score`. */
export function averageBinary(
  t: Matrix,
  s: Matrix,
  metric: (y: ArrayLike<number>, s: ArrayLike<number>) => number,
  name: string,
  options: RankingOptions,
): number | Float64Array {
  const average = options.average ?? 'macro';
  if (!['micro', 'macro', 'weighted', 'samples', 'none'].includes(average)) {
    throw new InvalidArgumentError(
      `average must be 'micro', 'macro', 'weighted', 'samples' or 'none'; got '${average}'.`,
      {
        details: { key: 'average', actual: average },
      },
    );
  }
  if (average === 'micro') {
    const v = metric(t.data, s.data);
    if (Number.isNaN(v)) warnUndefined(name, 'all', [0], options.onWarning);
    return v;
  }
  if (average === 'samples') {
    const scores = new Float64Array(t.rows);
    for (let i = 0; i < t.rows; i++) {
      scores[i] = metric(
        t.data.subarray(i * t.cols, (i + 1) * t.cols),
        s.data.subarray(i * s.cols, (i + 1) * s.cols),
      );
    }
    const bad = nanIndices(scores);
    if (bad.length) warnUndefined(name, 'example', bad, options.onWarning);
    return nanMean(scores);
  }
  const scores = new Float64Array(t.cols);
  for (let c = 0; c < t.cols; c++) scores[c] = metric(t.column(c), s.column(c));
  const bad = nanIndices(scores);
  if (bad.length) warnUndefined(name, 'class', bad, options.onWarning);
  if (average === 'none') return scores;
  if (average === 'weighted') {
    const w = new Float64Array(t.cols);
    for (let i = 0; i < t.data.length; i++) w[i % t.cols]! += t.data[i]!;
    const total = sum(w);
    if (Math.abs(total) <= 1e-8) return 0;
    let acc = 0;
    for (let c = 0; c < t.cols; c++) if (w[c]! !== 0) acc += scores[c]! * w[c]!;
    return acc / total;
  }
  return nanMean(scores);
}

function nanIndices(a: Float64Array): number[] {
  const out: number[] = [];
  a.forEach((v, i) => {
    if (Number.isNaN(v)) out.push(i);
  });
  return out;
}

function warnUndefined(
  name: string,
  axis: MetricWarning['axis'],
  indices: number[],
  onWarning?: WarningHandler,
): void {
  const what = axis === 'class' ? 'classes' : axis === 'example' ? 'examples' : 'the pooled labels';
  onWarning?.({
    metric: name,
    axis,
    indices,
    message: `${name} is undefined for ${axis === 'all' ? what : `${indices.length} ${what}`} with only one label value; left out of the average.`,
  });
}

/**
 * Options of {@link lwlrap}.
 * @example
 * ```ts
 * lwlrap(yTrue, yScore, { ties: 'pessimistic' });
 * ```
 */
export interface LwlrapOptions {
  /**
   * How tied scores are ranked. `'reference'` (default) reproduces the official DCASE 2019 / Kaggle
   * Freesound implementation, which sorts with numpy's stable argsort reversed: among equal scores the
   * higher class index ranks first. `'pessimistic'` ranks every tied class at the lowest position, as
   * scikit-learn's `label_ranking_average_precision_score` does.
   */
  ties?: 'reference' | 'pessimistic';
}

/**
 * Result of {@link lwlrap}.
 * @example
 * ```ts
 * const { lwlrap: score, perClass, weights } = lwlrap(yTrue, yScore);
 * ```
 */
export interface LwlrapResult {
  /** Label-weighted label-ranking average precision (the Freesound Audio Tagging 2019 metric). */
  lwlrap: number;
  /** Per-class LRAP: mean precision at the rank of each positive label of the class (0 without positives). */
  perClass: Float64Array;
  /** Class weights: positives of the class / all positive labels (they sum to 1). */
  weights: Float64Array;
  /** Sum of per-label precisions per class (what a streaming accumulator keeps). */
  precisionSums: Float64Array;
  /** Positive labels per class. */
  positives: Float64Array;
}

/**
 * lwlrap, the Freesound Audio Tagging 2019 / DCASE 2019 Task 2 metric. For each example, rank the classes
 * by decreasing score; for each positive class at rank r, precision = (positives ranked at or above r) / r.
 * A class's score is the mean of its precisions over examples where it is positive, and lwlrap is the
 * mean over all positive labels (= Σ perClass × weight). Examples without positives contribute nothing.
 *
 * @example
 * ```ts
 * const r = lwlrap([[1, 0, 0], [0, 1, 1]], [[0.9, 0.5, 0.1], [0.9, 0.5, 0.1]]);
 * r.lwlrap;   // (1 + 1/2 + 2/3) / 3
 * r.perClass; // [1, 0.5, 0.667]
 * ```
 */
export function lwlrap(yTrue: MatrixInput, yScore: MatrixInput, options: LwlrapOptions = {}): LwlrapResult {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const k = t.cols;
  const sums = new Float64Array(k);
  const positives = new Float64Array(k);
  lwlrapAccumulate(t, s, sums, positives, options.ties ?? 'reference');
  return lwlrapFinish(sums, positives);
}

/** @internal adds the per-positive precisions of the rows of (t, s) to `sums` / `positives`. */
export function lwlrapAccumulate(
  t: Matrix,
  s: Matrix,
  sums: Float64Array,
  positives: Float64Array,
  ties: 'reference' | 'pessimistic',
): void {
  if (ties !== 'reference' && ties !== 'pessimistic') {
    throw new InvalidArgumentError(`ties must be 'reference' or 'pessimistic'; got '${String(ties)}'.`, {
      details: { key: 'ties', actual: ties },
    });
  }
  const k = t.cols;
  const posIdx = new Int32Array(k);
  const posRank = new Float64Array(k);
  const td = t.data;
  const sd = s.data;
  const pessimistic = ties === 'pessimistic';
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    // Only the ranks of the positive classes matter: rank(c) = 1 + classes ranked above c.
    let m = 0;
    for (let c = 0; c < k; c++) {
      if (td[o + c] !== 1) continue;
      const sc = sd[o + c]!;
      let r = 1;
      for (let l = 0; l < k; l++) {
        const sl = sd[o + l]!;
        if (sl > sc || (sl === sc && l !== c && (pessimistic || l > c))) r++;
      }
      posIdx[m] = c;
      posRank[m] = r;
      m++;
    }
    for (let a = 0; a < m; a++) {
      const ra = posRank[a]!;
      let hits = 0;
      for (let b = 0; b < m; b++) if (posRank[b]! <= ra) hits++;
      const c = posIdx[a]!;
      sums[c]! += hits / ra;
      positives[c]!++;
    }
  }
}

/** @internal */
export function lwlrapFinish(sums: Float64Array, positives: Float64Array): LwlrapResult {
  const total = sum(positives);
  const perClass = Float64Array.from(sums, (v, c) => v / Math.max(1, positives[c]!));
  const weights = Float64Array.from(positives, (p) => p / Math.max(1, total));
  let overall = 0;
  for (let c = 0; c < perClass.length; c++) overall += perClass[c]! * weights[c]!;
  return { lwlrap: overall, perClass, weights, precisionSums: sums.slice(), positives: positives.slice() };
}

/**
 * Label ranking average precision — scikit-learn's `label_ranking_average_precision_score` (ties ranked
 * pessimistically; examples whose labels are all 0 or all 1 score 1).
 * @example
 * ```ts
 * labelRankingAveragePrecision([[1, 0, 0], [0, 0, 1]], [[0.75, 0.5, 1], [1, 0.2, 0.1]]); // 0.4167
 * ```
 */
export function labelRankingAveragePrecision(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: { sampleWeight?: ArrayLike<number> } = {},
): number {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const k = t.cols;
  const w = options.sampleWeight;
  if (w && w.length !== t.rows) {
    throw new InvalidArgumentError(`sampleWeight has ${w.length} values for ${t.rows} examples.`, {
      details: { key: 'sampleWeight', expected: t.rows, actual: w.length },
    });
  }
  let out = 0;
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    let nRel = 0;
    for (let c = 0; c < k; c++) nRel += t.data[o + c]!;
    let aux = 1;
    if (nRel !== 0 && nRel !== k) {
      let acc = 0;
      for (let c = 0; c < k; c++) {
        if (t.data[o + c] !== 1) continue;
        const sc = s.data[o + c]!;
        let rank = 0;
        let l = 0;
        for (let m = 0; m < k; m++) {
          if (s.data[o + m]! >= sc) {
            rank++;
            if (t.data[o + m] === 1) l++;
          }
        }
        acc += l / rank;
      }
      aux = acc / nRel;
    }
    out += w ? aux * w[i]! : aux;
  }
  return w ? out / sum(w) : out / t.rows;
}

/**
 * Coverage error — scikit-learn's `coverage_error`: how far down the ranking one must go, on average, to
 * cover every true label (ties count pessimistically; examples without labels count 0).
 * @example
 * ```ts
 * coverageError([[1, 0, 0], [0, 0, 1]], [[0.75, 0.5, 1], [1, 0.2, 0.1]]); // 2.5
 * ```
 */
export function coverageError(yTrue: MatrixInput, yScore: MatrixInput): number {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const k = t.cols;
  let total = 0;
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    let min = Number.POSITIVE_INFINITY;
    let any = false;
    for (let c = 0; c < k; c++) {
      if (t.data[o + c] === 1) {
        any = true;
        if (s.data[o + c]! < min) min = s.data[o + c]!;
      }
    }
    if (!any) continue;
    let cov = 0;
    for (let c = 0; c < k; c++) if (s.data[o + c]! >= min) cov++;
    total += cov;
  }
  return total / t.rows;
}

/**
 * Label ranking loss — scikit-learn's `label_ranking_loss`: the fraction of (true, false) label pairs
 * ordered wrongly (ties count as wrong), averaged over examples.
 * @example
 * ```ts
 * labelRankingLoss([[1, 0, 0], [0, 0, 1]], [[0.75, 0.5, 1], [1, 0.2, 0.1]]); // 0.75
 * ```
 */
export function labelRankingLoss(yTrue: MatrixInput, yScore: MatrixInput): number {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const k = t.cols;
  let total = 0;
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    let nPos = 0;
    for (let c = 0; c < k; c++) nPos += t.data[o + c]!;
    if (nPos === 0 || nPos === k) continue;
    let wrong = 0;
    for (let a = 0; a < k; a++) {
      if (t.data[o + a] !== 1) continue;
      for (let b = 0; b < k; b++) if (t.data[o + b] !== 1 && s.data[o + b]! >= s.data[o + a]!) wrong++;
    }
    total += wrong / (nPos * (k - nPos));
  }
  return total / t.rows;
}

function vectorPair(yTrue: ArrayLike<number>, yScore: ArrayLike<number>): [Float64Array, Float64Array] {
  const [t, s] = toPair(
    toMatrix(Array.from(yTrue), 'yTrue', 'labels'),
    toMatrix(Array.from(yScore), 'yScore', 'scores'),
    'scores',
  );
  return [t.data, s.data];
}
