import { toPair, type MatrixInput } from './input.js';

/**
 * Result of {@link pairConfusion}. All matrices are `[classes][classes]`, indexed `[trueClass][predictedClass]`.
 * @example
 * ```ts
 * const { rates, confusions, pairs } = pairConfusion(yTrue, yPred);
 * ```
 */
export interface PairConfusion {
  /**
   * `coPredicted[a][b]`: examples where `a` is true and `b` is predicted (whether or not `b` is also true).
   * The diagonal is each class's true positives.
   */
  coPredicted: number[][];
  /**
   * `confusions[a][b]` (a ≠ b): examples where `a` is true, `b` is predicted, and `b` is **not** true —
   * the false positives of `b` that occur while `a` plays ("`b` is predicted when `a` is true"). The
   * diagonal holds each class's missed examples (`a` true, not predicted), i.e. false negatives.
   */
  confusions: number[][];
  /**
   * `rates[a][b]` = `confusions[a][b] / support[a]`: the fraction of examples containing `a` on which
   * `b` is falsely predicted; the diagonal is the miss rate `1 − recall[a]`. NaN when `a` has no positives.
   */
  rates: number[][];
  /** Positive labels per true class. */
  support: number[];
  /**
   * The reference system's per-pair 2x2 matrices: `pairs[a][b]` is scikit-learn's
   * `confusion_matrix(yTrue[:, a], yPred[:, b])`, `[[tn, fp], [fn, tp]]` with rows = is `a` true,
   * columns = is `b` predicted. (The reference passed the arguments the wrong way round; this does not.)
   */
  pairs: number[][][][];
}

/**
 * Instrument-pair confusion for multi-label predictions: which instrument is predicted when another one
 * is true. Multi-label data has no single "confused with" class per example, so this counts, for every
 * ordered pair (a, b), the examples where `a` is present and `b` is predicted although absent. A high
 * `rates[cel][vio]` means the model hears a violin in pieces with a cello that have none.
 *
 * @example
 * ```ts
 * const pc = pairConfusion([[1, 0], [1, 0], [0, 1]], [[1, 1], [1, 0], [0, 1]]);
 * pc.confusions[0][1]; // 1: class 1 falsely predicted once while class 0 was true
 * pc.rates[0][1];      // 0.5
 * ```
 */
export function pairConfusion(yTrue: MatrixInput, yPred: MatrixInput): PairConfusion {
  const [t, p] = toPair(yTrue, yPred, 'labels');
  const k = t.cols;
  const zeros = () => Array.from({ length: k }, () => new Array<number>(k).fill(0));
  const coPredicted = zeros();
  const confusions = zeros();
  const trueAndNotPred = zeros(); // a true, b not predicted
  const support = new Array<number>(k).fill(0);
  const predCount = new Array<number>(k).fill(0);
  // joint counts: a true & b predicted, and totals
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    for (let b = 0; b < k; b++) if (p.data[o + b] === 1) predCount[b]!++;
    for (let a = 0; a < k; a++) {
      if (t.data[o + a] !== 1) continue;
      support[a]!++;
      for (let b = 0; b < k; b++) {
        const pb = p.data[o + b] === 1;
        if (pb) {
          coPredicted[a]![b]!++;
          if (a !== b && t.data[o + b] !== 1) confusions[a]![b]!++;
        } else trueAndNotPred[a]![b]!++;
      }
    }
  }
  for (let a = 0; a < k; a++) confusions[a]![a] = support[a]! - coPredicted[a]![a]!;
  const n = t.rows;
  const rates = confusions.map((row, a) => row.map((v) => (support[a]! > 0 ? v / support[a]! : Number.NaN)));
  const pairs = coPredicted.map((row, a) =>
    row.map((tp, b) => {
      const fn = trueAndNotPred[a]![b]!;
      const fp = predCount[b]! - tp;
      const tn = n - tp - fn - fp;
      return [
        [tn, fp],
        [fn, tp],
      ];
    }),
  );
  return { coPredicted, confusions, rates, support, pairs };
}
