import { firstNonFinite, InvalidArgumentError, InvalidAudioError, NonFiniteError } from '@instr/core';

/** Internal argument checks of the signal utilities. */

/** A positive, finite number (a sample rate, a duration). */
export function checkPositive(
  fn: string,
  key: string,
  value: unknown,
  what = 'a positive, finite number',
): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new InvalidArgumentError(`${fn}: ${key} must be ${what}; got ${String(value)}.`, {
      details: { key, expected: what, actual: value },
    });
  }
  return value;
}

/** A positive integer (a length, a hop). */
export function checkPositiveInt(fn: string, key: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new InvalidArgumentError(`${fn}: ${key} must be a positive integer; got ${String(value)}.`, {
      details: { key, expected: 'integer >= 1', actual: value },
    });
  }
  return value;
}

/** A numeric array (typed or plain). */
export function checkArrayLike(fn: string, key: string, value: unknown): ArrayLike<number> {
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as ArrayLike<number>).length !== 'number' ||
    value instanceof BigInt64Array
  ) {
    throw new InvalidArgumentError(`${fn}: ${key} must be a Float32Array, Float64Array or number array.`, {
      details: { key, actual: value === null ? 'null' : typeof value },
    });
  }
  return value as ArrayLike<number>;
}

/** Throws a NonFiniteError naming the first NaN/Infinity of `x`, if any. */
export function checkFinite(fn: string, key: string, x: ArrayLike<number>, offset = 0): void {
  if (allFinite(x)) return;
  const bad = firstNonFinite(x);
  if (bad >= 0) {
    throw new NonFiniteError(
      `${fn}: ${key} has a non-finite sample (${x[bad]}) at index ${bad + offset}; remove NaN/Infinity first.`,
      { details: { key, index: bad + offset, actual: x[bad] } },
    );
  }
}

/** A non-empty numeric array without NaN/Infinity, as a Float32Array (copied only when not one already). */
export function checkSignal(fn: string, x: unknown, key = 'signal'): Float32Array {
  const arr = checkArrayLike(fn, key, x);
  if (arr.length === 0) {
    throw new InvalidAudioError(`${fn}: ${key} is empty; pass at least one sample.`, {
      details: { key, expected: '>= 1 sample', actual: 0 },
    });
  }
  checkFinite(fn, key, arr);
  return arr instanceof Float32Array ? arr : Float32Array.from(arr);
}

/**
 * True when every value is finite. A float64 sum of float32-range values cannot overflow, so it is
 * finite exactly when no value is NaN or ±Infinity; four accumulators keep the loop fast.
 */
export function allFinite(x: ArrayLike<number>): boolean {
  if (!(x instanceof Float32Array)) return firstNonFinite(x) < 0;
  let a = 0;
  let b = 0;
  let c = 0;
  let d = 0;
  const n = x.length - 3;
  let i = 0;
  for (; i < n; i += 4) {
    a += x[i]!;
    b += x[i + 1]!;
    c += x[i + 2]!;
    d += x[i + 3]!;
  }
  for (; i < x.length; i++) a += x[i]!;
  const s = a + b + c + d;
  return s - s === 0;
}
