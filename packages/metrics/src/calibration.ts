import { InvalidArgumentError } from '@instr/core';
import { type Matrix, type MatrixInput, toPair } from './input.js';

/**
 * One equal-width bin of a reliability diagram.
 * @example
 * ```ts
 * for (const b of calibration(yTrue, yScore).bins) console.log(b.lower, b.upper, b.count, b.fractionPositive);
 * ```
 */
export interface ReliabilityBin {
  /** Lower edge (exclusive, except for the first bin). */
  lower: number;
  /** Upper edge (inclusive). */
  upper: number;
  /** Number of (example, class) scores in the bin. */
  count: number;
  /** Mean predicted probability in the bin (NaN when empty). */
  meanPredicted: number;
  /** Fraction of positives in the bin (NaN when empty). */
  fractionPositive: number;
}

/**
 * Result of {@link calibration}.
 * @example
 * ```ts
 * const { ece, mce, perClass } = calibration(yTrue, yScore, { perClass: true });
 * ```
 */
export interface CalibrationResult {
  /** Expected calibration error: Σ (count_b / N) · |fractionPositive_b − meanPredicted_b|. */
  ece: number;
  /** Maximum calibration error over non-empty bins. */
  mce: number;
  /** All bins, empty ones included. */
  bins: ReliabilityBin[];
  /** Per-class ECE (each class's scores binned on their own), when `perClass` was asked for. */
  perClass?: Float64Array;
}

/**
 * Options of {@link calibration}.
 * @example
 * ```ts
 * calibration(yTrue, yScore, { nBins: 15 });
 * ```
 */
export interface CalibrationOptions {
  /** Number of equal-width bins over [0, 1] (default 10). */
  nBins?: number;
  /** Also compute one ECE per class (default false). */
  perClass?: boolean;
}

/**
 * Calibration of probability scores over all (example, class) pairs: equal-width bins over [0, 1] with
 * scikit-learn's `calibration_curve(strategy='uniform')` bin assignment (a score on an inner edge goes to
 * the lower bin), the expected and maximum calibration errors, and the bins of a reliability diagram.
 *
 * @throws {@link InvalidArgumentError} when a score is outside [0, 1] (apply a sigmoid first) or nBins < 1.
 * @example
 * ```ts
 * const { ece, bins } = calibration([[1, 0], [0, 1]], [[0.9, 0.2], [0.3, 0.6]], { nBins: 5 });
 * ```
 */
export function calibration(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  options: CalibrationOptions = {},
): CalibrationResult {
  const [t, s] = toPair(yTrue, yScore, 'scores');
  return calibrationOf(t, s, options);
}

/** @internal */
export function calibrationOf(t: Matrix, s: Matrix, options: CalibrationOptions = {}): CalibrationResult {
  const nBins = options.nBins ?? 10;
  if (!Number.isInteger(nBins) || nBins < 1) {
    throw new InvalidArgumentError(`nBins must be a positive integer; got ${nBins}.`, {
      details: { key: 'nBins', actual: nBins },
    });
  }
  for (let i = 0; i < s.data.length; i++) {
    const v = s.data[i]!;
    if (v < 0 || v > 1) {
      throw new InvalidArgumentError(
        `yScore[${Math.floor(i / s.cols)}][${i % s.cols}] is ${v}; calibration needs probabilities in [0, 1] (apply a sigmoid to logits).`,
        { details: { key: 'yScore', expected: [0, 1], actual: v } },
      );
    }
  }
  const k = t.cols;
  const perClass = options.perClass ?? false;
  // One pass: bin index of every score, accumulated overall and (optionally) per class.
  const step = 1 / nBins;
  const inner = Float64Array.from({ length: nBins - 1 }, (_, i) => (i + 1) * step);
  const groups = perClass ? k + 1 : 1;
  const count = new Float64Array(groups * nBins);
  const sumP = new Float64Array(groups * nBins);
  const sumT = new Float64Array(groups * nBins);
  for (let i = 0; i < s.data.length; i++) {
    const p = s.data[i]!;
    // numpy: edges = linspace(0, 1, nBins + 1); bin = searchsorted(inner edges, p, side='left')
    let lo = 0;
    let hi = inner.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (inner[mid]! < p) lo = mid + 1;
      else hi = mid;
    }
    const y = t.data[i]!;
    count[lo]!++;
    sumP[lo]! += p;
    sumT[lo]! += y;
    if (perClass) {
      const g = (1 + (i % k)) * nBins + lo;
      count[g]!++;
      sumP[g]! += p;
      sumT[g]! += y;
    }
  }
  const result = finish(count, sumP, sumT, 0, nBins, step);
  if (perClass) {
    result.perClass = Float64Array.from(
      { length: k },
      (_, c) => finish(count, sumP, sumT, (c + 1) * nBins, nBins, step).ece,
    );
  }
  return result;
}

function finish(
  count: Float64Array,
  sumP: Float64Array,
  sumT: Float64Array,
  off: number,
  nBins: number,
  step: number,
): CalibrationResult {
  let n = 0;
  for (let b = 0; b < nBins; b++) n += count[off + b]!;
  const bins: ReliabilityBin[] = [];
  let ece = 0;
  let mce = 0;
  for (let b = 0; b < nBins; b++) {
    const c = count[off + b]!;
    const meanPredicted = c > 0 ? sumP[off + b]! / c : Number.NaN;
    const fractionPositive = c > 0 ? sumT[off + b]! / c : Number.NaN;
    bins.push({
      lower: b * step,
      upper: b === nBins - 1 ? 1 : (b + 1) * step,
      count: c,
      meanPredicted,
      fractionPositive,
    });
    if (c > 0) {
      const gap = Math.abs(fractionPositive - meanPredicted);
      ece += (c / n) * gap;
      if (gap > mce) mce = gap;
    }
  }
  return { ece, mce, bins };
}
