import { InvalidArgumentError } from '@instr/core';
import { sortFloat64 } from './sort.js';
import { type ConfusionCounts, nanMean, sum } from './classification.js';
import { Matrix, type MatrixInput, toPair } from './input.js';

/**
 * A metric computed from per-class confusion counts (higher is better). It is called with counts of all
 * classes for a global search, and with one class's counts (arrays of length 1) for a per-class search.
 * @example
 * ```ts
 * findBestThreshold(yTrue, yScore, { metric: ({ tp, fp }) => tp.reduce((a, b) => a + b, 0) - 0.5 * fp.reduce((a, b) => a + b, 0) });
 * ```
 */
export type CountMetric = (counts: ConfusionCounts) => number;

/**
 * A metric computed from labels and 0/1 predictions (slower: it sees whole matrices at every threshold).
 * @example
 * ```ts
 * findBestThreshold(yTrue, yScore, { metric: { predictions: (t, p) => f1Score(t, p, { average: 'samples', zeroDivision: 0 }) } });
 * ```
 */
export type PredictionMetric = (yTrue: Matrix, yPred: Matrix) => number;

/**
 * Built-in objectives, all with zero-division 0:
 * `'f1'` (macro F1, the reference's choice), `'f1-micro'`, `'f1-weighted'`, `'precision'` and `'recall'`
 * (macro), `'hamming'` (hamming score), `'balanced-accuracy'` (macro mean of TPR and TNR).
 * @example
 * ```ts
 * findBestThreshold(yTrue, yScore, { metric: 'f1-micro' });
 * ```
 */
export type ThresholdMetricName =
  | 'f1'
  | 'f1-micro'
  | 'f1-weighted'
  | 'precision'
  | 'recall'
  | 'hamming'
  | 'balanced-accuracy';

/**
 * What a threshold search maximises.
 * @example
 * ```ts
 * findBestThresholdsPerClass(yTrue, yScore, { metric: 'balanced-accuracy' });
 * ```
 */
export type ThresholdMetric = ThresholdMetricName | CountMetric | { predictions: PredictionMetric };

/**
 * Options of {@link findBestThreshold} and {@link findBestThresholdsPerClass}.
 * @example
 * ```ts
 * findBestThreshold(yTrue, yScore, { coarse: 101, fine: 0, range: [0.05, 0.95] });
 * ```
 */
export interface ThresholdSearchOptions {
  /** Objective (default `'f1'`, macro F1 as the reference). */
  metric?: ThresholdMetric;
  /** Coarse grid size, evenly spaced over `range` (default 1000, the reference's). */
  coarse?: number;
  /** Fine grid size around the best coarse threshold (default 1000; 0 disables the refinement). */
  fine?: number;
  /** Half-width of the fine window (default 0.1, the reference's); the window is clipped to `range`. */
  window?: number;
  /** Search range (default [0, 1]). */
  range?: readonly [number, number];
}

/**
 * One searched grid: thresholds and the metric at each.
 * @example
 * ```ts
 * const { thresholds, scores } = findBestThreshold(yTrue, yScore).curve;
 * ```
 */
export interface ThresholdCurve {
  thresholds: Float64Array;
  scores: Float64Array;
}

/**
 * Result of a global search.
 * @example
 * ```ts
 * const { threshold, score } = findBestThreshold(yTrue, yScore);
 * ```
 */
export interface ThresholdSearchResult {
  /** The best threshold (first maximum of the coarse grid, replaced by the fine grid's only if strictly better). */
  threshold: number;
  /** The metric at that threshold. */
  score: number;
  /** The coarse grid. */
  curve: ThresholdCurve;
  /** The fine grid (empty when `fine` is 0). */
  fineCurve: ThresholdCurve;
}

/**
 * Result of a per-class search.
 * @example
 * ```ts
 * const { thresholds, scores } = findBestThresholdsPerClass(yTrue, yScore);
 * ```
 */
export interface PerClassThresholdResult {
  /** One threshold per class (the values, not grid indices — the reference stored indices). */
  thresholds: Float64Array;
  /** The per-class metric at each class's threshold. */
  scores: Float64Array;
  /** Each class's search. */
  perClass: ThresholdSearchResult[];
}

/**
 * The reference's global coarse-to-fine threshold search, done correctly: score `yScore >= t` on
 * `coarse` evenly spaced thresholds in `range`, take the first maximum, then search `fine` thresholds in
 * `[t − window, t + window]` clipped to `range`. Count-based objectives use each class's sorted positive
 * and negative scores, so a grid point costs O(classes · log examples) instead of a pass over the data.
 *
 * @example
 * ```ts
 * const { threshold, score, curve } = findBestThreshold(yTrue, yScore); // macro F1
 * const best = findBestThreshold(yTrue, yScore, { metric: 'f1-micro', fine: 0 });
 * ```
 */
export function findBestThreshold(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: ThresholdSearchOptions = {},
): ThresholdSearchResult {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const evalAt = scorer(t, s, options.metric ?? 'f1', null);
  return search(evalAt, options);
}

/**
 * Per-class thresholds: the same coarse-to-fine search run for each class on its own, maximising the
 * objective computed from that class's counts (F1 of the class by default). Fixes the reference's
 * `find_best_threshold_per_class`, which returned grid indices instead of thresholds.
 *
 * @example
 * ```ts
 * const { thresholds } = findBestThresholdsPerClass(yTrue, yScore);
 * const decisions = predict(yScore, thresholds);
 * ```
 */
export function findBestThresholdsPerClass(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: ThresholdSearchOptions = {},
): PerClassThresholdResult {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  const perClass: ThresholdSearchResult[] = [];
  for (let c = 0; c < t.cols; c++) {
    const tc = new Matrix(t.column(c), t.rows, 1);
    const sc = new Matrix(s.column(c), s.rows, 1);
    perClass.push(search(scorer(tc, sc, options.metric ?? 'f1', c), options));
  }
  return {
    thresholds: Float64Array.from(perClass, (r) => r.threshold),
    scores: Float64Array.from(perClass, (r) => r.score),
    perClass,
  };
}

/**
 * numpy.linspace(start, stop, num).
 * @example
 * ```ts
 * linspace(0, 1, 5); // [0, 0.25, 0.5, 0.75, 1]
 * ```
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

function search(evalAt: (thr: number) => number, options: ThresholdSearchOptions): ThresholdSearchResult {
  const coarse = options.coarse ?? 1000;
  const fine = options.fine ?? 1000;
  const window = options.window ?? 0.1;
  const [lo, hi] = options.range ?? [0, 1];
  if (!Number.isInteger(coarse) || coarse < 1 || !Number.isInteger(fine) || fine < 0) {
    throw new InvalidArgumentError(
      `coarse must be an integer >= 1 and fine >= 0; got ${coarse} and ${fine}.`,
      {
        details: { key: 'coarse', actual: [coarse, fine] },
      },
    );
  }
  if (!(hi >= lo) || !Number.isFinite(lo) || !Number.isFinite(hi) || !(window >= 0)) {
    throw new InvalidArgumentError(
      `range must be finite [low, high] with low <= high and window >= 0; got [${lo}, ${hi}], ${window}.`,
      {
        details: { key: 'range', actual: [lo, hi, window] },
      },
    );
  }
  const grid = linspace(lo, hi, coarse);
  const scores = grid.map(evalAt);
  let best = argmax(scores);
  let threshold = grid[best]!;
  let score = scores[best]!;
  let fineCurve: ThresholdCurve = { thresholds: new Float64Array(0), scores: new Float64Array(0) };
  if (fine > 0) {
    const fGrid = linspace(Math.max(lo, threshold - window), Math.min(hi, threshold + window), fine);
    const fScores = fGrid.map(evalAt);
    fineCurve = { thresholds: fGrid, scores: fScores };
    best = argmax(fScores);
    if (fScores[best]! > score) {
      score = fScores[best]!;
      threshold = fGrid[best]!;
    }
  }
  return { threshold, score, curve: { thresholds: grid, scores }, fineCurve };
}

function argmax(a: Float64Array): number {
  let best = 0;
  for (let i = 1; i < a.length; i++)
    if (a[i]! > a[best]! || (Number.isNaN(a[best]!) && !Number.isNaN(a[i]!))) best = i;
  return best;
}

/** Returns a function scoring a threshold, using sorted per-class scores for count metrics. */
function scorer(t: Matrix, s: Matrix, metric: ThresholdMetric, _cls: number | null): (thr: number) => number {
  if (typeof metric === 'object' && metric !== null && 'predictions' in metric) {
    const fn = metric.predictions;
    const pred = new Float64Array(s.data.length);
    const pm = new Matrix(pred, s.rows, s.cols);
    return (thr) => {
      for (let i = 0; i < pred.length; i++) pred[i] = s.data[i]! >= thr ? 1 : 0;
      return fn(t, pm);
    };
  }
  const countMetric = typeof metric === 'function' ? metric : builtin(metric);
  const k = t.cols;
  // one pass over the data: each class's positive and negative scores, then sorted
  const nPos = new Int32Array(k);
  for (let i = 0; i < t.data.length; i++) if (t.data[i] === 1) nPos[i % k]!++;
  const pos = Array.from(nPos, (np) => new Float64Array(np));
  const neg = Array.from(nPos, (np) => new Float64Array(t.rows - np));
  const pi = new Int32Array(k);
  const ni = new Int32Array(k);
  for (let i = 0; i < t.data.length; i++) {
    const c = i % k;
    if (t.data[i] === 1) pos[c]![pi[c]!++] = s.data[i]!;
    else neg[c]![ni[c]!++] = s.data[i]!;
  }
  for (let c = 0; c < k; c++) {
    sortFloat64(pos[c]!);
    sortFloat64(neg[c]!);
  }
  const tp = new Float64Array(k);
  const fp = new Float64Array(k);
  const fn = new Float64Array(k);
  const tn = new Float64Array(k);
  const counts: ConfusionCounts = { tp, fp, fn, tn };
  return (thr) => {
    for (let c = 0; c < k; c++) {
      const p = pos[c]!;
      const q = neg[c]!;
      const pBelow = lowerBound(p, thr);
      const qBelow = lowerBound(q, thr);
      tp[c] = p.length - pBelow;
      fn[c] = pBelow;
      fp[c] = q.length - qBelow;
      tn[c] = qBelow;
    }
    return countMetric(counts);
  };
}

/** Number of values < x in ascending `a`. */
function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * The built-in count objectives of {@link ThresholdMetricName} as functions, for reuse and composition.
 * @example
 * ```ts
 * const f1 = countMetric('f1');
 * f1({ tp: Float64Array.of(1), fp: Float64Array.of(1), fn: Float64Array.of(0), tn: Float64Array.of(2) }); // 2/3
 * ```
 */
export function countMetric(name: ThresholdMetricName): CountMetric {
  return builtin(name);
}

function builtin(name: ThresholdMetricName): CountMetric {
  const f1c = (tp: number, fp: number, fn: number) =>
    2 * tp + fp + fn === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
  switch (name) {
    case 'f1':
      return ({ tp, fp, fn }) => mean(tp.length, (c) => f1c(tp[c]!, fp[c]!, fn[c]!));
    case 'f1-micro':
      return ({ tp, fp, fn }) => f1c(sum(tp), sum(fp), sum(fn));
    case 'f1-weighted':
      return ({ tp, fp, fn }) => {
        let acc = 0;
        let w = 0;
        for (let c = 0; c < tp.length; c++) {
          const support = tp[c]! + fn[c]!;
          acc += support * f1c(tp[c]!, fp[c]!, fn[c]!);
          w += support;
        }
        return w === 0 ? 0 : acc / w;
      };
    case 'precision':
      return ({ tp, fp }) => mean(tp.length, (c) => (tp[c]! + fp[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fp[c]!)));
    case 'recall':
      return ({ tp, fn }) => mean(tp.length, (c) => (tp[c]! + fn[c]! === 0 ? 0 : tp[c]! / (tp[c]! + fn[c]!)));
    case 'hamming':
      return ({ tp, fp, fn, tn }) => {
        const right = sum(tp) + sum(tn);
        return right / (right + sum(fp) + sum(fn));
      };
    case 'balanced-accuracy':
      return ({ tp, fp, fn, tn }) =>
        nanMean(
          Float64Array.from(tp, (_, c) => {
            const tpr = tp[c]! + fn[c]! === 0 ? Number.NaN : tp[c]! / (tp[c]! + fn[c]!);
            const tnr = tn[c]! + fp[c]! === 0 ? Number.NaN : tn[c]! / (tn[c]! + fp[c]!);
            return nanMean([tpr, tnr]);
          }),
        );
    default:
      throw new InvalidArgumentError(
        `Unknown threshold metric '${String(name)}'; use 'f1', 'f1-micro', 'f1-weighted', 'precision', 'recall', 'hamming', 'balanced-accuracy' or a function.`,
        { details: { key: 'metric', actual: name } },
      );
  }
}

function mean(n: number, f: (c: number) => number): number {
  let s = 0;
  for (let c = 0; c < n; c++) s += f(c);
  return s / n;
}
