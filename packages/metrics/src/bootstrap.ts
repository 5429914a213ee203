import { InvalidArgumentError, Rng, type Seed } from '@instr/core';
import { type Matrix, type MatrixInput, toMatrix } from './input.js';

/**
 * Options of {@link bootstrap}.
 * @example
 * ```ts
 * bootstrap(yTrue, yScore, (t, s) => f1Score(t, predict(s)), { nResamples: 500, confidence: 0.9, seed: 7 });
 * ```
 */
export interface BootstrapOptions {
  /** Number of resamples (default 1000). */
  nResamples?: number;
  /** Confidence level of the interval (default 0.95). */
  confidence?: number;
  /** Seed or {@link Rng} (default 0): the same seed gives the same interval. */
  seed?: Seed;
  /** Called after each resample with (done, total). */
  onProgress?: (done: number, total: number) => void;
}

/**
 * Result of {@link bootstrap}.
 * @example
 * ```ts
 * const { estimate, low, high } = bootstrap(yTrue, yScore, (t, s) => rocAucScore(t, s));
 * ```
 */
export interface BootstrapResult {
  /** The metric on the full data. */
  estimate: number;
  /** Lower percentile bound. */
  low: number;
  /** Upper percentile bound. */
  high: number;
  confidence: number;
  /** Metric value of each resample (NaN where the metric was undefined on it). */
  samples: Float64Array;
  /** Resamples whose value was NaN (left out of the percentiles). */
  undefinedCount: number;
}

/**
 * Percentile bootstrap confidence interval of any metric: resample examples (rows) with replacement,
 * recompute the metric, take the (1 ± confidence)/2 percentiles (numpy's linear interpolation).
 * `yScore` may be scores or 0/1 predictions; the metric receives the resampled validated matrices.
 *
 * @example
 * ```ts
 * const ci = bootstrap(yTrue, yScore, (t, s) => rocAucScore(t, s), { seed: 1, nResamples: 500 });
 * console.log(`${ci.estimate} [${ci.low}, ${ci.high}]`);
 * ```
 */
export function bootstrap(
  yTrue: MatrixInput,
  yScore: MatrixInput,
  metric: (yTrue: Matrix, yScore: Matrix) => number,
  options: BootstrapOptions = {},
): BootstrapResult {
  const t = toMatrix(yTrue, 'yTrue', 'labels');
  const s = toMatrix(yScore, 'yScore', 'scores');
  if (t.rows !== s.rows) {
    throw new InvalidArgumentError(`yTrue has ${t.rows} examples but yScore has ${s.rows}.`, {
      details: { expected: t.rows, actual: s.rows },
    });
  }
  const nResamples = options.nResamples ?? 1000;
  const confidence = options.confidence ?? 0.95;
  if (!Number.isInteger(nResamples) || nResamples < 1) {
    throw new InvalidArgumentError(`nResamples must be a positive integer; got ${nResamples}.`, {
      details: { key: 'nResamples', actual: nResamples },
    });
  }
  if (!(confidence > 0 && confidence < 1)) {
    throw new InvalidArgumentError(`confidence must be in (0, 1); got ${confidence}.`, {
      details: { key: 'confidence', actual: confidence },
    });
  }
  const rng = Rng.from(options.seed ?? 0);
  const n = t.rows;
  const samples = new Float64Array(nResamples);
  const idx = new Uint32Array(n);
  for (let r = 0; r < nResamples; r++) {
    for (let i = 0; i < n; i++) idx[i] = rng.int(0, n - 1);
    samples[r] = metric(t.takeRows(idx), s.takeRows(idx));
    options.onProgress?.(r + 1, nResamples);
  }
  const valid = samples.filter((v) => !Number.isNaN(v)).sort();
  const alpha = (1 - confidence) / 2;
  return {
    estimate: metric(t, s),
    low: percentile(valid, alpha),
    high: percentile(valid, 1 - alpha),
    confidence,
    samples,
    undefinedCount: nResamples - valid.length,
  };
}

/**
 * Quantile `q` in [0, 1] of ascending `sorted` values with linear interpolation (numpy's default).
 * @example
 * ```ts
 * percentile(Float64Array.of(1, 2, 3, 4), 0.5); // 2.5
 * ```
 */
export function percentile(sorted: ArrayLike<number>, q: number): number {
  const n = sorted.length;
  if (n === 0) return Number.NaN;
  const pos = q * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(n - 1, lo + 1);
  const f = pos - lo;
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * f;
}
