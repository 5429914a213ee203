import { InvalidArgumentError, NonFiniteError, Tensor } from '@instr/core';

/**
 * A mono signal: float32 (as decoded audio is) or float64 samples.
 *
 * @example
 * ```ts
 * const y: Signal = new Float32Array(22050);
 * spectralCentroid(y, { sampleRate: 22050 });
 * ```
 */
export type Signal = Float32Array | Float64Array;

/** @internal Checks a signal is a non-empty typed array of finite samples. */
export function checkSignal(y: unknown, fn: string, minLength = 1): asserts y is Signal {
  if (!(y instanceof Float32Array || y instanceof Float64Array)) {
    throw new InvalidArgumentError(
      `${fn}: the signal must be a Float32Array or Float64Array, got ${describe(y)}.`,
      {
        details: { key: 'y', expected: 'Float32Array | Float64Array', actual: describe(y) },
      },
    );
  }
  if (y.length < minLength) {
    throw new InvalidArgumentError(
      `${fn}: the signal has ${y.length} samples; at least ${minLength} are needed. Pass a longer signal or pad it.`,
      { details: { key: 'y', expected: `length ≥ ${minLength}`, actual: y.length } },
    );
  }
  checkFinite(y, fn, 'y');
}

/** @internal Throws NonFiniteError at the first NaN/±Infinity. */
export function checkFinite(data: ArrayLike<number>, fn: string, key: string): void {
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v - v !== 0) {
      throw new NonFiniteError(
        `${fn}: ${key} has a non-finite value (${v}) at index ${i}; remove NaN/Infinity first.`,
        {
          details: { key, index: i, actual: v },
        },
      );
    }
  }
}

/** @internal Integer ≥ min. */
export function checkInt(value: number, fn: string, key: string, min = 1): number {
  if (!Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(`${fn}: ${key} must be an integer ≥ ${min}, got ${value}.`, {
      details: { key, expected: `integer ≥ ${min}`, actual: value },
    });
  }
  return value;
}

/** @internal Finite number > 0 (or ≥ 0 when allowZero). */
export function checkPositive(value: number, fn: string, key: string, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new InvalidArgumentError(
      `${fn}: ${key} must be a finite number ${allowZero ? '≥' : '>'} 0, got ${value}.`,
      {
        details: { key, expected: allowZero ? '≥ 0' : '> 0', actual: value },
      },
    );
  }
  return value;
}

/** @internal A sample rate: finite, > 0. */
export function checkSampleRate(sr: number | undefined, fn: string): number {
  if (sr === undefined) {
    throw new InvalidArgumentError(
      `${fn}: sampleRate is required (librosa's default 22050 is not assumed).`,
      {
        details: { key: 'sampleRate', expected: '> 0' },
      },
    );
  }
  return checkPositive(sr, fn, 'sampleRate');
}

/** @internal A rank-2 float tensor. */
export function checkMatrix(
  S: unknown,
  fn: string,
  key = 'S',
): asserts S is Tensor<'float32'> | Tensor<'float64'> {
  if (!(S instanceof Tensor) || (S.dtype !== 'float32' && S.dtype !== 'float64') || S.rank !== 2) {
    const actual = S instanceof Tensor ? `${S.dtype} [${S.dims.join(', ')}]` : describe(S);
    throw new InvalidArgumentError(
      `${fn}: ${key} must be a rank-2 float32/float64 Tensor [bins, frames], got ${actual}.`,
      {
        details: { key, expected: 'Tensor [bins, frames]', actual },
      },
    );
  }
}

export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

/**
 * @internal `dst[i] = 10·log10(max(floor, |src[i]|^(square ? 2 : 1))) − offset`; returns the maximum (before
 * rounding to dst's type). The one dB loop of the package, so every path gives identical values.
 */
export function dbValues(
  src: ArrayLike<number>,
  dst: Float32Array | Float64Array,
  floor: number,
  offset: number,
  square: boolean,
): number {
  const n = src.length;
  let max = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < n; i++) {
    let v = Math.abs(src[i]!);
    if (square) v *= v;
    const db = 10 * Math.log10(Math.max(v, floor)) - offset;
    dst[i] = db;
    if (db > max) max = db;
  }
  return max;
}

/** @internal Clips to `roundedMax − topDb` (the maximum as stored in `data`'s type). */
export function clipDb(data: Float32Array | Float64Array, max: number, topDb: number): void {
  const lo = (data instanceof Float32Array ? Math.fround(max) : max) - topDb;
  for (let i = 0; i < data.length; i++) if (data[i]! < lo) data[i] = lo;
}
