import { InvalidArgumentError, Tensor } from '@instr/core';
import { checkFinite, describe } from './util.js';

/**
 * Options of {@link normalize}; defaults equal `librosa.util.normalize`'s.
 *
 * @example
 * ```ts
 * normalize(S, { norm: Number.POSITIVE_INFINITY, axis: 0, threshold: 1e-10, fill: null });
 * ```
 */
export interface NormalizeArrayOptions {
  /** `Infinity` (max |x|, default), `-Infinity` (min |x|), `0` (count of non-zeros), any p > 0, or `null` (no-op). */
  norm?: number | null;
  /** Axis along which norms are taken (negative counts from the end). Default 0. */
  axis?: number;
  /** Norms below this are "small". Default: the dtype's smallest normal number (librosa's `tiny`). Must be > 0. */
  threshold?: number;
  /**
   * What to do with slices whose norm is small: `null` (default) leaves them unchanged, `true` fills them
   * with the unit-norm constant (p > 0 or ∞ only), `false` sets them to zero.
   */
  fill?: boolean | null;
}

const TINY32 = 1.1754943508222875e-38;
const TINY64 = 2.2250738585072014e-308;

/**
 * Scales slices of an array to unit norm, like `librosa.util.normalize(S, norm=np.inf, axis=0,
 * threshold=None, fill=None)`. Accepts a float tensor of any rank or a 1-D Float32Array/Float64Array and
 * returns the same kind (new storage, same dtype).
 *
 * @throws {@link InvalidArgumentError} for an invalid norm, axis or threshold, or `fill: true` with norm 0 / −∞;
 *   {@link NonFiniteError} for NaN/±Infinity input.
 * @example
 * ```ts
 * const peak1 = normalize(y);                         // signal scaled to max |y| = 1
 * const cols = normalize(melSpec, { norm: 2, axis: 0 }); // each frame to unit L2 norm
 * ```
 */
export function normalize<T extends Tensor<'float32'> | Tensor<'float64'> | Float32Array | Float64Array>(
  S: T,
  options: NormalizeArrayOptions = {},
): T {
  const fn = 'normalize';
  let data: Float32Array | Float64Array;
  let dims: readonly number[];
  if (S instanceof Tensor && (S.dtype === 'float32' || S.dtype === 'float64')) {
    data = S.data as Float32Array | Float64Array;
    dims = S.dims;
  } else if (S instanceof Float32Array || S instanceof Float64Array) {
    data = S;
    dims = [S.length];
  } else {
    throw new InvalidArgumentError(
      `${fn}: expected a float tensor or Float32Array/Float64Array, got ${describe(S)}.`,
      {
        details: { key: 'S', actual: describe(S) },
      },
    );
  }
  const is64 = data instanceof Float64Array;
  const norm = options.norm === undefined ? Number.POSITIVE_INFINITY : options.norm;
  const out = is64 ? new Float64Array(data.length) : new Float32Array(data.length);
  const wrap = (): T => (S instanceof Tensor ? new Tensor(S.dtype, out as never, dims) : out) as unknown as T;
  if (norm === null) {
    out.set(data);
    return wrap();
  }
  if (typeof norm !== 'number' || Number.isNaN(norm) || (norm < 0 && norm !== Number.NEGATIVE_INFINITY)) {
    throw new InvalidArgumentError(
      `${fn}: unsupported norm ${String(norm)}; use Infinity, -Infinity, 0 or p > 0.`,
      {
        details: { key: 'norm', actual: norm },
      },
    );
  }
  const threshold = options.threshold ?? (is64 ? TINY64 : TINY32);
  if (!(threshold > 0) || !Number.isFinite(threshold)) {
    throw new InvalidArgumentError(`${fn}: threshold must be a finite number > 0, got ${threshold}.`, {
      details: { key: 'threshold', actual: threshold },
    });
  }
  const fill = options.fill ?? null;
  if (fill === true && (norm === 0 || norm === Number.NEGATIVE_INFINITY)) {
    throw new InvalidArgumentError(`${fn}: fill: true is not defined for norm ${norm}.`, {
      details: { key: 'fill' },
    });
  }
  const rank = dims.length;
  const axisRaw = options.axis ?? 0;
  const axis = axisRaw < 0 ? axisRaw + rank : axisRaw;
  if (!Number.isInteger(axisRaw) || axis < 0 || axis >= rank) {
    throw new InvalidArgumentError(`${fn}: axis ${axisRaw} is out of range for rank ${rank}.`, {
      details: { key: 'axis', expected: `[-${rank}, ${rank})`, actual: axisRaw },
    });
  }
  checkFinite(data, fn, 'S');
  const len = dims[axis]!;
  let inner = 1;
  for (let i = axis + 1; i < rank; i++) inner *= dims[i]!;
  const outer = len === 0 ? 0 : data.length / (len * inner);
  const fillValue = norm === Number.POSITIVE_INFINITY ? 1 : len ** (-1 / norm);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let length: number;
      if (norm === Number.POSITIVE_INFINITY) {
        length = 0;
        for (let k = 0; k < len; k++) length = Math.max(length, Math.abs(data[base + k * inner]!));
      } else if (norm === Number.NEGATIVE_INFINITY) {
        length = Number.POSITIVE_INFINITY;
        for (let k = 0; k < len; k++) length = Math.min(length, Math.abs(data[base + k * inner]!));
      } else if (norm === 0) {
        length = 0;
        for (let k = 0; k < len; k++) if (data[base + k * inner] !== 0) length++;
      } else {
        let acc = 0;
        for (let k = 0; k < len; k++) acc += Math.abs(data[base + k * inner]!) ** norm;
        length = acc ** (1 / norm);
      }
      const small = length < threshold;
      for (let k = 0; k < len; k++) {
        const idx = base + k * inner;
        if (!small) out[idx] = data[idx]! / length;
        else if (fill === null) out[idx] = data[idx]!;
        else if (fill) out[idx] = fillValue;
        else out[idx] = 0;
      }
    }
  }
  return wrap();
}
