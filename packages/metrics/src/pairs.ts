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
  const co = new Float64Array(k * k); // a true & b predicted
  const conf = new Float64Array(k * k); // a true & b predicted & b not true
  const supportF = new Float64Array(k);
  const predF = new Float64Array(k);
  const trueIdx = new Int32Array(k);
  for (let i = 0; i < t.rows; i++) {
    const o = i * k;
    let m = 0;
    for (let c = 0; c < k; c++) {
      if (p.data[o + c] === 1) predF[c]!++;
      if (t.data[o + c] === 1) trueIdx[m++] = c;
    }
    for (let j = 0; j < m; j++) {
      const a = trueIdx[j]!;
      supportF[a]!++;
      const row = a * k;
      for (let b = 0; b < k; b++) {
        if (p.data[o + b] !== 1) continue;
        co[row + b]!++;
        if (t.data[o + b] !== 1) conf[row + b]!++;
      }
    }
  }
  const support = Array.from(supportF);
  const predCount = Array.from(predF);
  const coPredicted = Array.from({ length: k }, (_, a) => Array.from(co.subarray(a * k, (a + 1) * k)));
  const confusions = Array.from({ length: k }, (_, a) => Array.from(conf.subarray(a * k, (a + 1) * k)));
  const trueAndNotPred = coPredicted.map((row, a) => row.map((v) => support[a]! - v));
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
