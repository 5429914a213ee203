import {
  firstNonFinite,
  InvalidArgumentError,
  InvalidAudioError,
  NonFiniteError,
  ShapeError,
  type Tensor,
} from '@instr/core';

/** Internal argument checks shared by the feature functions (not exported from the package). */

/** Throws unless `x` is a non-empty, finite, numeric array of at least `minLength` samples. */
export function checkSignal(fn: string, x: ArrayLike<number>, minLength = 1, name = 'signal'): void {
  if (x === null || typeof x !== 'object' || typeof x.length !== 'number') {
    throw new InvalidArgumentError(`${fn}: ${name} must be a Float32Array, Float64Array or number array.`, {
      details: { key: name, actual: x === null ? 'null' : typeof x },
    });
  }
  if (x.length === 0) {
    throw new InvalidAudioError(`${fn}: ${name} is empty; pass at least ${minLength} samples.`, {
      details: { key: name, expected: `>= ${minLength} samples`, actual: 0 },
    });
  }
  if (x.length < minLength) {
    throw new ShapeError(`${fn}: ${name} has ${x.length} samples; at least ${minLength} are needed.`, {
      details: { key: name, expected: `>= ${minLength} samples`, actual: x.length },
    });
  }
  const bad = firstNonFinite(x);
  if (bad >= 0) {
    throw new NonFiniteError(
      `${fn}: ${name} has a non-finite value (${x[bad]}) at index ${bad}; remove NaN/Infinity first.`,
      {
        details: { key: name, index: bad, actual: x[bad] },
      },
    );
  }
}

/** Throws unless `t` is a finite 2-D tensor with at least one row and one column. */
export function checkMatrix(fn: string, t: Tensor, name = 'S'): void {
  if (t === null || typeof t !== 'object' || !Array.isArray(t.dims) || !t.data) {
    throw new InvalidArgumentError(`${fn}: ${name} must be a 2-D Tensor [bins, frames].`, {
      details: { key: name },
    });
  }
  if (t.dims.length !== 2) {
    throw new ShapeError(`${fn}: ${name} must be 2-D [bins, frames], got shape [${t.dims.join(', ')}].`, {
      details: { key: name, expected: 'rank 2', actual: t.dims },
    });
  }
  if (t.size === 0) {
    throw new ShapeError(`${fn}: ${name} is empty (shape [${t.dims.join(', ')}]).`, {
      details: { key: name, actual: t.dims },
    });
  }
  if (t.dtype !== 'float32' && t.dtype !== 'float64') {
    throw new InvalidArgumentError(`${fn}: ${name} must be float32 or float64, got ${t.dtype}.`, {
      details: { key: name, expected: ['float32', 'float64'], actual: t.dtype },
    });
  }
  const bad = firstNonFinite(t.data as Float32Array);
  if (bad >= 0) {
    throw new NonFiniteError(`${fn}: ${name} has a non-finite value at flat index ${bad}.`, {
      details: { key: name, index: bad, actual: (t.data as Float32Array)[bad] },
    });
  }
}

/** Throws unless `v` is an integer in [min, max]. */
export function checkInt(
  fn: string,
  key: string,
  v: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): void {
  if (!Number.isInteger(v) || v < min || v > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `an integer >= ${min}` : `an integer in [${min}, ${max}]`;
    throw new InvalidArgumentError(`${fn}: ${key} must be ${range}, got ${v}.`, {
      details: { key, expected: range, actual: v },
    });
  }
}

/** Throws unless `v` is a finite number > 0 (or >= 0 when `allowZero`). */
export function checkPositive(fn: string, key: string, v: number, allowZero = false): void {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || (!allowZero && v === 0)) {
    const what = allowZero ? 'a finite number >= 0' : 'a finite number > 0';
    throw new InvalidArgumentError(`${fn}: ${key} must be ${what}, got ${v}.`, {
      details: { key, expected: what, actual: v },
    });
  }
}

/** Throws unless `v` is a finite number. */
export function checkFinite(fn: string, key: string, v: number): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${fn}: ${key} must be a finite number, got ${v}.`, {
      details: { key, expected: 'finite number', actual: v },
    });
  }
}

/** `x·log2(x)` with 0 for x = 0 (antropy's `_xlogx`). */
export function xlog2x(x: number): number {
  return x > 0 ? x * Math.log2(x) : 0;
}
