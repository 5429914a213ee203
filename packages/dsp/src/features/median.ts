import { Tensor } from '@instr/core';
import { checkInt, checkMatrix } from './validate.js';

/** Index of `i` in a line of length `n` under scipy.ndimage's `mode='reflect'` (d c b a | a b c d | d c b a). */
function reflectIndex(i: number, n: number): number {
  if (n === 1) return 0;
  const period = 2 * n;
  let j = i % period;
  if (j < 0) j += period;
  return j < n ? j : period - 1 - j;
}

/**
 * Running median of one strided line, written to `out` (same strides). Window offsets are
 * `-floor(size/2) … size - floor(size/2) - 1` (scipy's origin 0) and the selected element is the one of
 * rank `floor(size/2)`, as `scipy.ndimage.median_filter` (so even sizes give the upper median).
 * A sorted window is kept up to date by binary search, O(size) per step.
 */
function medianLine(
  src: ArrayLike<number>,
  srcOffset: number,
  stride: number,
  n: number,
  size: number,
  out: Float32Array | Float64Array,
  outOffset: number,
  outStride: number,
  window: Float64Array,
): void {
  const left = Math.floor(size / 2);
  const at = (i: number) => src[srcOffset + reflectIndex(i, n) * stride]!;
  for (let k = 0; k < size; k++) window[k] = at(k - left);
  window.sort();
  const rank = Math.floor(size / 2);
  for (let i = 0; i < n; i++) {
    out[outOffset + i * outStride] = window[rank]!;
    if (i === n - 1) break;
    const leaving = at(i - left);
    const entering = at(i - left + size);
    if (leaving === entering) continue;
    // remove `leaving`
    let lo = 0;
    let hi = size - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (window[mid]! < leaving) lo = mid + 1;
      else hi = mid;
    }
    let pos = lo;
    // insert `entering`, shifting the elements between the two positions
    if (entering > leaving) {
      while (pos + 1 < size && window[pos + 1]! < entering) {
        window[pos] = window[pos + 1]!;
        pos++;
      }
    } else {
      while (pos > 0 && window[pos - 1]! > entering) {
        window[pos] = window[pos - 1]!;
        pos--;
      }
    }
    window[pos] = entering;
  }
}

/**
 * Options of {@link medianFilter}.
 * @example
 * ```ts
 * medianFilter(S, { axis: 0, size: 31 }); // along frequency
 * ```
 */
export interface MedianFilterOptions {
  /** Axis to filter along: 0 = bins (down the columns), 1 = frames (along the rows). */
  axis: 0 | 1;
  /** Window length, ≥ 1. */
  size: number;
}

/**
 * One-dimensional running median along one axis of a 2-D tensor, identical to
 * `scipy.ndimage.median_filter(S, size=(size, 1) or (1, size), mode='reflect')` (the filter librosa's
 * `decompose.hpss` uses). The output has the input's shape and dtype; medians are exact input values.
 *
 * @example
 * ```ts
 * const harmonicRef = medianFilter(S, { axis: 1, size: 31 }); // along time
 * ```
 * @throws {@link ShapeError} / {@link NonFiniteError} for a bad matrix, {@link InvalidArgumentError} for a bad size.
 */
export function medianFilter<D extends 'float32' | 'float64'>(
  S: Tensor<D>,
  options: MedianFilterOptions,
): Tensor<D> {
  const fn = 'medianFilter';
  checkMatrix(fn, S);
  checkInt(fn, 'size', options.size, 1);
  if (options.axis !== 0 && options.axis !== 1) {
    checkInt(fn, 'axis', options.axis as number, 0, 1);
  }
  const [rows, cols] = S.dims as [number, number];
  const out = Tensor.zeros(S.dtype, S.dims) as Tensor<D>;
  const src = S.data as Float32Array | Float64Array;
  const dst = out.data as Float32Array | Float64Array;
  const window = new Float64Array(options.size);
  if (options.axis === 1) {
    for (let r = 0; r < rows; r++) medianLine(src, r * cols, 1, cols, options.size, dst, r * cols, 1, window);
  } else {
    for (let c = 0; c < cols; c++) medianLine(src, c, cols, rows, options.size, dst, c, cols, window);
  }
  return out;
}
