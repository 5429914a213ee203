import { InvalidArgumentError } from '@instr/core';
import { checkInt, checkPositive, checkSignal, xlog2x } from './validate.js';
import { RealFFTPlan } from '../spectral/index.js';

/**
 * Options of {@link permutationEntropy} and {@link svdEntropy} (antropy's defaults).
 * @example
 * ```ts
 * permutationEntropy(y, { order: 4, delay: 2, normalize: true });
 * ```
 */
export interface EmbeddingEntropyOptions {
  /** Embedding dimension (antropy `order`). Default 3. */
  order?: number;
  /** Delay between embedded samples (antropy `delay`). Default 1. */
  delay?: number;
  /** Divide by the maximum entropy so the result lies in [0, 1] (antropy `normalize`). Default false, as antropy. */
  normalize?: boolean;
}

function embeddingParams(fn: string, x: ArrayLike<number>, options: EmbeddingEntropyOptions) {
  const order = options.order ?? 3;
  const delay = options.delay ?? 1;
  checkInt(fn, 'order', order, 2, 12);
  checkInt(fn, 'delay', delay, 1);
  // antropy requires order * delay <= len(x); one embedded vector needs (order - 1) * delay + 1 samples.
  checkSignal(fn, x, order * delay, 'x');
  return { order, delay, rows: x.length - (order - 1) * delay, normalize: options.normalize ?? false };
}

/**
 * Permutation entropy (Bandt & Pompe 2002), as `antropy.perm_entropy`.
 *
 * Each embedded vector `[x[i], x[i+delay], …, x[i+(order-1)·delay]]` is mapped to the permutation that
 * sorts it (ties keep index order, like NumPy's argsort on short rows); the result is the Shannon entropy
 * in bits of the permutation histogram, divided by `log2(order!)` when `normalize` is set.
 *
 * @example
 * ```ts
 * permutationEntropy([4, 7, 9, 10, 6, 11, 3], { order: 2 }); // 0.9183 (antropy's docstring)
 * permutationEntropy(signal, { normalize: true });            // in [0, 1]
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link ShapeError} if it is shorter than
 *   `order·delay`, {@link NonFiniteError} for NaN/Infinity, {@link InvalidArgumentError} for bad options.
 */
export function permutationEntropy(x: ArrayLike<number>, options: EmbeddingEntropyOptions = {}): number {
  const { order, delay, rows, normalize } = embeddingParams('permutationEntropy', x, options);
  let space = 1;
  for (let k = 0; k < order; k++) space *= order;
  const dense = space <= 1 << 20 ? new Float64Array(space) : null;
  const counts = new Map<number, number>();
  const idx = new Int32Array(order);
  const vals = new Float64Array(order);
  const mult = new Float64Array(order);
  for (let k = 0, m = 1; k < order; k++, m *= order) mult[k] = m;
  for (let i = 0; i < rows; i++) {
    for (let k = 0; k < order; k++) {
      vals[k] = x[i + k * delay]!;
      idx[k] = k;
    }
    // Stable insertion sort of the indices by value.
    for (let a = 1; a < order; a++) {
      const id = idx[a]!;
      const v = vals[id]!;
      let b = a - 1;
      while (b >= 0 && vals[idx[b]!]! > v) {
        idx[b + 1] = idx[b]!;
        b--;
      }
      idx[b + 1] = id;
    }
    let hash = 0;
    for (let k = 0; k < order; k++) hash += idx[k]! * mult[k]!;
    if (dense) dense[hash]!++;
    else counts.set(hash, (counts.get(hash) ?? 0) + 1);
  }
  let pe = 0;
  if (dense) {
    for (const c of dense) pe -= xlog2x(c / rows);
  } else {
    for (const c of counts.values()) pe -= xlog2x(c / rows);
  }
  if (normalize) {
    let fact = 1;
    for (let k = 2; k <= order; k++) fact *= k;
    pe /= Math.log2(fact);
  }
  return pe;
}

/**
 * SVD entropy, as `antropy.svd_entropy`: the Shannon entropy (bits) of the singular values of the
 * delay-embedding matrix, normalised to sum to one; divided by `log2(order)` when `normalize` is set.
 * The singular values are the square roots of the eigenvalues of the `order × order` Gram matrix, computed
 * in float64 (antropy also embeds into a float64 matrix).
 *
 * @example
 * ```ts
 * svdEntropy([4, 7, 9, 10, 6, 11, 3], { order: 2 });      // 0.76189 (antropy's docstring)
 * svdEntropy(signal, { order: 3, normalize: true });
 * ```
 * @throws {@link InvalidAudioError}, {@link ShapeError}, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   as {@link permutationEntropy}.
 */
export function svdEntropy(x: ArrayLike<number>, options: EmbeddingEntropyOptions = {}): number {
  const { order, delay, rows, normalize } = embeddingParams('svdEntropy', x, options);
  const sv = singularValues(x, order, delay, rows);
  let total = 0;
  for (const s of sv) total += s;
  if (total === 0) return 0;
  let h = 0;
  for (const s of sv) h -= xlog2x(s / total);
  return normalize ? h / Math.log2(order) : h;
}

/**
 * Singular values of the `rows × order` delay-embedding matrix by one-sided (Hestenes) Jacobi rotations
 * of its columns, which keeps full relative accuracy for the small singular values of smooth signals.
 */
function singularValues(x: ArrayLike<number>, order: number, delay: number, rows: number): number[] {
  const cols = Array.from({ length: order }, (_, k) => {
    const c = new Float64Array(rows);
    for (let i = 0; i < rows; i++) c[i] = x[i + k * delay]!;
    return c;
  });
  for (let sweep = 0; sweep < 60; sweep++) {
    let rotated = false;
    for (let p = 0; p < order - 1; p++) {
      for (let q = p + 1; q < order; q++) {
        const cp = cols[p]!;
        const cq = cols[q]!;
        let alpha = 0;
        let beta = 0;
        let gamma = 0;
        for (let i = 0; i < rows; i++) {
          alpha += cp[i]! * cp[i]!;
          beta += cq[i]! * cq[i]!;
          gamma += cp[i]! * cq[i]!;
        }
        if (gamma === 0 || Math.abs(gamma) <= 1e-15 * Math.sqrt(alpha * beta)) continue;
        rotated = true;
        const zeta = (beta - alpha) / (2 * gamma);
        const t = (zeta >= 0 ? 1 : -1) / (Math.abs(zeta) + Math.sqrt(1 + zeta * zeta));
        const c = 1 / Math.sqrt(1 + t * t);
        const s = c * t;
        for (let i = 0; i < rows; i++) {
          const a = cp[i]!;
          const b = cq[i]!;
          cp[i] = c * a - s * b;
          cq[i] = s * a + c * b;
        }
      }
    }
    if (!rotated) break;
  }
  return cols.map((c) => {
    let s = 0;
    for (let i = 0; i < rows; i++) s += c[i]! * c[i]!;
    return Math.sqrt(s);
  });
}

/**
 * Options of {@link welchPsd} and {@link spectralEntropy}. Defaults are `scipy.signal.welch`'s.
 * @example
 * ```ts
 * welchPsd(y, 22050, { nperseg: 512, noverlap: 384 });
 * ```
 */
export interface WelchOptions {
  /** Segment length. Default 256 (scipy's default), shortened to the signal length for shorter signals. */
  nperseg?: number;
  /** Overlap between segments. Default `floor(nperseg / 2)`. */
  noverlap?: number;
}

/**
 * Result of {@link welchPsd}.
 * @example
 * ```ts
 * const { freqs, psd } = welchPsd(y, 22050);
 * ```
 */
export interface WelchResult {
  /** Frequencies in Hz of the `nperseg/2 + 1` one-sided bins. */
  freqs: Float64Array;
  /** Power spectral density (V²/Hz), one-sided, averaged over segments with the mean. */
  psd: Float64Array;
}

/**
 * Welch power spectral density with `scipy.signal.welch`'s defaults: periodic Hann window, 50 % overlap,
 * per-segment mean removal (`detrend='constant'`), one-sided density scaling, mean over segments.
 * Computed in float64 (scipy computes in float32 for float32 input; differences are ~1e-7 relative).
 *
 * @example
 * ```ts
 * const { freqs, psd } = welchPsd(signal, 22050); // 129 bins
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for a bad rate, `nperseg` or `noverlap`.
 */
export function welchPsd(x: ArrayLike<number>, sampleRate: number, options: WelchOptions = {}): WelchResult {
  const fn = 'welchPsd';
  checkSignal(fn, x, 1, 'x');
  checkPositive(fn, 'sampleRate', sampleRate);
  let nperseg = options.nperseg ?? 256;
  checkInt(fn, 'nperseg', nperseg, 1);
  if (nperseg > x.length) nperseg = x.length;
  const noverlap = options.noverlap ?? Math.floor(nperseg / 2);
  checkInt(fn, 'noverlap', noverlap, 0);
  if (noverlap >= nperseg) {
    throw new InvalidArgumentError(
      `${fn}: noverlap (${noverlap}) must be smaller than nperseg (${nperseg}).`,
      {
        details: { key: 'noverlap', expected: `< ${nperseg}`, actual: noverlap },
      },
    );
  }
  const step = nperseg - noverlap;
  const nseg = Math.floor((x.length - noverlap) / step);
  const win = new Float64Array(nperseg);
  let winPow = 0;
  for (let i = 0; i < nperseg; i++) {
    win[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / nperseg);
    winPow += win[i]! * win[i]!;
  }
  const nbins = Math.floor(nperseg / 2) + 1;
  const psd = new Float64Array(nbins);
  const seg = new Float64Array(nperseg);
  const plan = new RealFFTPlan(nperseg);
  const re = new Float64Array(nbins);
  const im = new Float64Array(nbins);
  for (let s = 0; s < nseg; s++) {
    const start = s * step;
    let mean = 0;
    for (let i = 0; i < nperseg; i++) mean += x[start + i]!;
    mean /= nperseg;
    for (let i = 0; i < nperseg; i++) seg[i] = (x[start + i]! - mean) * win[i]!;
    plan.forward(seg, re, im);
    for (let k = 0; k < nbins; k++) psd[k]! += re[k]! * re[k]! + im[k]! * im[k]!;
  }
  const scale = 1 / (sampleRate * winPow * nseg);
  for (let k = 0; k < nbins; k++) psd[k]! *= scale;
  const last = nperseg % 2 === 0 ? nbins - 1 : nbins;
  for (let k = 1; k < last; k++) psd[k]! *= 2;
  const freqs = new Float64Array(nbins);
  for (let k = 0; k < nbins; k++) freqs[k] = (k * sampleRate) / nperseg;
  return { freqs, psd };
}

/**
 * Options of {@link spectralEntropy}.
 * @example
 * ```ts
 * spectralEntropy(y, 22050, { nperseg: 512, normalize: true });
 * ```
 */
export interface SpectralEntropyOptions extends WelchOptions {
  /** Divide by `log2(number of bins)` so the result lies in [0, 1]. Default false, as antropy. */
  normalize?: boolean;
}

/**
 * Spectral entropy with Welch's method, as `antropy.spectral_entropy(x, sf, method='welch')`: the
 * Shannon entropy (bits) of the Welch PSD normalised to sum to one.
 *
 * @example
 * ```ts
 * spectralEntropy(signal, 22050, { normalize: true }); // in [0, 1]
 * ```
 * @throws as {@link welchPsd}.
 */
export function spectralEntropy(
  x: ArrayLike<number>,
  sampleRate: number,
  options: SpectralEntropyOptions = {},
): number {
  const { psd } = welchPsd(x, sampleRate, options);
  let total = 0;
  for (const p of psd) total += p;
  if (!(total > 0)) return 0;
  let h = 0;
  for (const p of psd) h -= xlog2x(p / total);
  return options.normalize ? h / Math.log2(psd.length) : h;
}

/**
 * Hjorth parameters of a signal.
 * @example
 * ```ts
 * const { mobility, complexity }: HjorthParameters = hjorthParameters(y);
 * ```
 */
export interface HjorthParameters {
  /** `sqrt(var(x') / var(x))`. */
  mobility: number;
  /** `mobility(x') / mobility(x)`. */
  complexity: number;
}

/**
 * Hjorth mobility and complexity, as `antropy.hjorth_params`: with first and second differences `dx`,
 * `ddx` and population variances, mobility = `sqrt(var(dx)/var(x))`, complexity =
 * `sqrt(var(ddx)/var(dx)) / mobility`. Constant signals give NaN, as in antropy.
 *
 * @example
 * ```ts
 * const { mobility, complexity } = hjorthParameters(signal);
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link ShapeError} for fewer than 3 samples,
 *   {@link NonFiniteError} for NaN/Infinity.
 */
export function hjorthParameters(x: ArrayLike<number>): HjorthParameters {
  checkSignal('hjorthParameters', x, 3, 'x');
  const n = x.length;
  // Means first, then squared deviations: two passes over x, its differences computed on the fly.
  let m0 = 0;
  let m1 = 0;
  let m2 = 0;
  for (let i = 0; i < n; i++) m0 += x[i]!;
  for (let i = 0; i + 1 < n; i++) m1 += x[i + 1]! - x[i]!;
  for (let i = 0; i + 2 < n; i++) m2 += x[i + 2]! - 2 * x[i + 1]! + x[i]!;
  m0 /= n;
  m1 /= n - 1;
  m2 /= n - 2;
  let v0 = 0;
  let v1 = 0;
  let v2 = 0;
  for (let i = 0; i < n; i++) {
    const a = x[i]!;
    v0 += (a - m0) ** 2;
    if (i + 1 < n) {
      const d = x[i + 1]! - a;
      v1 += (d - m1) ** 2;
      if (i + 2 < n) v2 += (x[i + 2]! - 2 * x[i + 1]! + a - m2) ** 2;
    }
  }
  const varX = v0 / n;
  const varD = v1 / (n - 1);
  const varDD = v2 / (n - 2);
  const mobility = Math.sqrt(varD / varX);
  const complexity = Math.sqrt(varDD / varD) / mobility;
  return { mobility, complexity };
}
