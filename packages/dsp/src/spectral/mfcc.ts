import { InvalidArgumentError, Tensor } from '@instr/core';
import { powerToDb } from './db.js';
import { melSpectrogram, type MelSpectrogramOptions } from './mel.js';
import { checkFinite, checkInt, checkMatrix, checkPositive, describe, type Signal } from './util.js';

/**
 * Options of the DCT step of {@link mfcc}; defaults equal `librosa.feature.mfcc`'s.
 *
 * @example
 * ```ts
 * mfccFromLogMel(logMel, { nMfcc: 13, dctNorm: 'ortho', lifter: 22 });
 * ```
 */
export interface MfccDctOptions {
  /** Number of coefficients kept. Default 20. */
  nMfcc?: number;
  /** DCT type; only 2 is supported (librosa's default). */
  dctType?: 2;
  /** DCT normalisation (librosa's `norm`): `'ortho'` (default) or `null` (scipy's unnormalised DCT-II, `2·Σ x·cos`). */
  dctNorm?: 'ortho' | null;
  /** Cepstral liftering: coefficients × `1 + (L/2)·sin(π(k+1)/L)`. Default 0 (off). Must be ≥ 0. */
  lifter?: number;
}

/**
 * Options of {@link mfcc}: mel spectrogram + DCT + dB (`ref` 1, `amin` 1e-10, `topDb` 80 as librosa).
 * `norm` is the mel filterbank's (default `'slaney'`); the DCT's is `dctNorm` (librosa's `norm`, default `'ortho'`).
 * @example
 * ```ts
 * mfcc(y, { sampleRate: 16000, nMfcc: 20, nFft: 400, hopLength: 160, lifter: 0 });
 * ```
 */
export interface MfccOptions extends MelSpectrogramOptions, MfccDctOptions {
  /** `top_db` of the power→dB step. Default 80; `null` disables. */
  topDb?: number | null;
}

/** @internal DCT-II matrix [nOut, n], row k = basis k (scipy.fft.dct conventions). */
function dctMatrix(nOut: number, n: number, ortho: boolean): Float64Array {
  const m = new Float64Array(nOut * n);
  for (let k = 0; k < nOut; k++) {
    const scale = ortho ? (k === 0 ? Math.sqrt(1 / n) : Math.sqrt(2 / n)) : 2;
    for (let i = 0; i < n; i++) m[k * n + i] = scale * Math.cos((Math.PI * k * (2 * i + 1)) / (2 * n));
  }
  return m;
}

/**
 * MFCCs of a log-power mel spectrogram `S` (dB, `[nMels, frames]`), like `librosa.feature.mfcc(S=S, n_mfcc=20,
 * dct_type=2, norm='ortho', lifter=0)`: DCT-II along the mel axis, first `nMfcc` rows, optional liftering.
 * Returns float32 `[nMfcc, frames]`.
 * @throws {@link InvalidArgumentError} for nMfcc > nMels, an unsupported DCT type/norm or a negative lifter.
 * @example
 * ```ts
 * const C = mfccFromLogMel(logMelSpectrogram(y, { sampleRate: 22050 }), { nMfcc: 13 });
 * ```
 */
export function mfccFromLogMel(
  S: Tensor<'float32'> | Tensor<'float64'>,
  options: MfccDctOptions = {},
): Tensor<'float32'> {
  const fn = 'mfccFromLogMel';
  checkMatrix(S, fn);
  const [nMels, nFrames] = [S.dims[0]!, S.dims[1]!];
  const nMfcc = checkInt(options.nMfcc ?? 20, fn, 'nMfcc', 1);
  if (nMfcc > nMels) {
    throw new InvalidArgumentError(`${fn}: nMfcc ${nMfcc} exceeds the ${nMels} mel bands.`, {
      details: { key: 'nMfcc', expected: `≤ ${nMels}`, actual: nMfcc },
    });
  }
  if ((options.dctType ?? 2) !== 2) {
    throw new InvalidArgumentError(`${fn}: only dctType 2 is supported, got ${options.dctType}.`, {
      details: { key: 'dctType', expected: 2, actual: options.dctType },
    });
  }
  const norm = options.dctNorm === undefined ? 'ortho' : options.dctNorm;
  if (norm !== 'ortho' && norm !== null) {
    throw new InvalidArgumentError(
      `${fn}: dctNorm must be 'ortho' or null, got ${describe(norm)} ${String(norm)}.`,
      {
        details: { key: 'dctNorm', actual: norm },
      },
    );
  }
  const lifter = checkPositive(options.lifter ?? 0, fn, 'lifter', true);
  checkFinite(S.data, fn, 'S');
  const D = dctMatrix(nMfcc, nMels, norm === 'ortho');
  const out = new Float32Array(nMfcc * nFrames);
  const col = new Float64Array(nMels);
  const data = S.data;
  const lift = new Float64Array(nMfcc).fill(1);
  if (lifter > 0)
    for (let k = 0; k < nMfcc; k++) lift[k] = 1 + (lifter / 2) * Math.sin((Math.PI * (k + 1)) / lifter);
  for (let t = 0; t < nFrames; t++) {
    for (let i = 0; i < nMels; i++) col[i] = data[i * nFrames + t]!;
    for (let k = 0; k < nMfcc; k++) {
      let acc = 0;
      const row = k * nMels;
      for (let i = 0; i < nMels; i++) acc += D[row + i]! * col[i]!;
      out[k * nFrames + t] = acc * lift[k]!;
    }
  }
  return new Tensor('float32', out, [nMfcc, nFrames]);
}

/**
 * Mel-frequency cepstral coefficients of a signal, like `librosa.feature.mfcc(y=y, sr=…, n_mfcc=20, dct_type=2,
 * norm='ortho', lifter=0, **melspectrogram defaults)`: `power_to_db(melspectrogram, ref=1, amin=1e-10,
 * top_db=80)` then a DCT-II. Returns float32 `[nMfcc, frames]`.
 * @example
 * ```ts
 * const C = mfcc(y, { sampleRate: 16000, nFft: 400, hopLength: 160, nMfcc: 20 });
 * ```
 */
export function mfcc(y: Signal, options: MfccOptions): Tensor<'float32'> {
  const M = melSpectrogram(y, options);
  const S = powerToDb(M, { ref: 1, amin: 1e-10, topDb: options.topDb === undefined ? 80 : options.topDb });
  return mfccFromLogMel(S, options);
}

/**
 * Edge handling of {@link delta}: scipy.signal.savgol_filter modes.
 *
 * @example
 * ```ts
 * delta(C, { mode: 'nearest' satisfies DeltaMode });
 * ```
 */
export type DeltaMode = 'interp' | 'mirror' | 'nearest' | 'constant' | 'wrap';

/**
 * Options of {@link delta}; defaults equal `librosa.feature.delta`'s.
 *
 * @example
 * ```ts
 * delta(C, { width: 9, order: 2, mode: 'interp' }); // acceleration
 * ```
 */
export interface DeltaOptions {
  /** Odd window length ≥ 3. Default 9. */
  width?: number;
  /** Derivative order ≥ 1. Default 1. */
  order?: number;
  /** Axis to differentiate along (negative from the end). Default −1 (frames). */
  axis?: number;
  /** Edge mode. Default `'interp'` (polynomial fit to the first/last `width` points). */
  mode?: DeltaMode;
}

/** Solves the small symmetric system A·x = b in place (Gaussian elimination with partial pivoting). */
function solve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const a = A.slice();
  const x = b.slice();
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(a[r * n + c]!) > Math.abs(a[piv * n + c]!)) piv = r;
    if (piv !== c) {
      for (let k = 0; k < n; k++) [a[c * n + k], a[piv * n + k]] = [a[piv * n + k]!, a[c * n + k]!];
      [x[c], x[piv]] = [x[piv]!, x[c]!];
    }
    for (let r = c + 1; r < n; r++) {
      const f = a[r * n + c]! / a[c * n + c]!;
      for (let k = c; k < n; k++) a[r * n + k]! -= f * a[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= a[r * n + k]! * x[k]!;
    x[r] = s / a[r * n + r]!;
  }
  return x;
}

/**
 * Weights w (length `width`) such that Σ w[j]·x[j] is the `deriv`-th derivative at position `t` of the degree
 * `polyorder` least-squares polynomial through x[0..width−1] (Savitzky–Golay).
 */
function savgolWeights(width: number, polyorder: number, deriv: number, t: number): Float64Array {
  const P = polyorder + 1;
  const c = (width - 1) / 2;
  const AtA = new Float64Array(P * P);
  for (let j = 0; j < width; j++) {
    const u = j - c;
    for (let p = 0; p < P; p++) for (let q = 0; q < P; q++) AtA[p * P + q]! += u ** (p + q);
  }
  // d-th derivative of Σ β_p u^p at u = t − c: Σ β_p · p!/(p−d)! · u^{p−d}
  const e = new Float64Array(P);
  const u0 = t - c;
  for (let p = deriv; p < P; p++) {
    let f = 1;
    for (let k = 0; k < deriv; k++) f *= p - k;
    e[p] = f * u0 ** (p - deriv);
  }
  // w_j = Σ_p [(AᵀA)⁻¹ e]_p · u_j^p
  const z = solve(AtA, e, P);
  const w = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const u = j - c;
    let s = 0;
    for (let p = 0; p < P; p++) s += z[p]! * u ** p;
    w[j] = s;
  }
  return w;
}

function extend(i: number, n: number, mode: DeltaMode): number {
  if (i >= 0 && i < n) return i;
  switch (mode) {
    case 'nearest':
      return i < 0 ? 0 : n - 1;
    case 'wrap':
      return ((i % n) + n) % n;
    case 'mirror': {
      if (n === 1) return 0;
      const period = 2 * (n - 1);
      let m = ((i % period) + period) % period;
      if (m >= n) m = period - m;
      return m;
    }
    default:
      return -1; // constant (zero)
  }
}

/**
 * Delta (derivative) features by Savitzky–Golay filtering, like `librosa.feature.delta(data, width=9, order=1,
 * axis=-1, mode='interp')` (= `scipy.signal.savgol_filter(data, width, deriv=order, polyorder=order, mode=…)`).
 * Same dtype and shape as `data`.
 * @throws {@link InvalidArgumentError} for an even or < 3 width, order < 1, or (mode `'interp'`) width larger
 *   than the axis, as librosa.
 * @example
 * ```ts
 * const C = mfcc(y, { sampleRate: 22050 });
 * const d1 = delta(C);             // first derivative along frames
 * const d2 = delta(C, { order: 2 });
 * ```
 */
export function delta<T extends Tensor<'float32'> | Tensor<'float64'>>(
  data: T,
  options: DeltaOptions = {},
): T {
  const fn = 'delta';
  if (!(data instanceof Tensor) || (data.dtype !== 'float32' && data.dtype !== 'float64') || data.rank < 1) {
    throw new InvalidArgumentError(`${fn}: expected a float32/float64 Tensor, got ${describe(data)}.`, {
      details: { key: 'data', actual: describe(data) },
    });
  }
  const width = checkInt(options.width ?? 9, fn, 'width', 3);
  if (width % 2 !== 1) {
    throw new InvalidArgumentError(`${fn}: width must be an odd integer ≥ 3, got ${width}.`, {
      details: { key: 'width', expected: 'odd ≥ 3', actual: width },
    });
  }
  const order = checkInt(options.order ?? 1, fn, 'order', 1);
  const mode = options.mode ?? 'interp';
  if (!['interp', 'mirror', 'nearest', 'constant', 'wrap'].includes(mode)) {
    throw new InvalidArgumentError(`${fn}: unknown mode "${String(mode)}".`, {
      details: { key: 'mode', actual: mode },
    });
  }
  const rank = data.rank;
  const axisRaw = options.axis ?? -1;
  const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
  if (!Number.isInteger(axisRaw) || axis < 0 || axis >= rank) {
    throw new InvalidArgumentError(`${fn}: axis ${axisRaw} is out of range for rank ${rank}.`, {
      details: { key: 'axis', actual: axisRaw },
    });
  }
  const n = data.dims[axis]!;
  if (mode === 'interp' && width > n) {
    throw new InvalidArgumentError(
      `${fn}: when mode='interp', width=${width} cannot exceed the axis length ${n}; use a smaller width or another mode.`,
      { details: { key: 'width', expected: `≤ ${n}`, actual: width } },
    );
  }
  if (order >= width) {
    throw new InvalidArgumentError(`${fn}: order ${order} must be less than width ${width}.`, {
      details: { key: 'order', expected: `< ${width}`, actual: order },
    });
  }
  const src = data.data as Float32Array | Float64Array;
  checkFinite(src, fn, 'data');
  const out = data.dtype === 'float64' ? new Float64Array(src.length) : new Float32Array(src.length);
  const h = (width - 1) / 2;
  const center = savgolWeights(width, order, order, h);
  const edges: Float64Array[] = [];
  if (mode === 'interp') for (let t = 0; t < width; t++) edges.push(savgolWeights(width, order, order, t));
  let inner = 1;
  for (let i = axis + 1; i < rank; i++) inner *= data.dims[i]!;
  const outer = n === 0 ? 0 : src.length / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let q = 0; q < inner; q++) {
      const base = o * n * inner + q;
      for (let i = 0; i < n; i++) {
        let acc = 0;
        if (mode === 'interp' && (i < h || i >= n - h)) {
          const start = i < h ? 0 : n - width;
          const w = edges[i - start]!;
          for (let j = 0; j < width; j++) acc += w[j]! * src[base + (start + j) * inner]!;
        } else if (i >= h && i < n - h) {
          for (let j = 0; j < width; j++) acc += center[j]! * src[base + (i - h + j) * inner]!;
        } else {
          for (let j = 0; j < width; j++) {
            const k = extend(i - h + j, n, mode);
            if (k >= 0) acc += center[j]! * src[base + k * inner]!;
          }
        }
        out[base + i * inner] = acc;
      }
    }
  }
  return new Tensor(data.dtype, out as never, data.dims) as T;
}
