import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readNpy, type Tensor } from '@instr/core';
import { sharedPath } from '@instr/test-utils';
import { expect } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));

/** Path of a committed features fixture. */
export function featuresFixturePath(name: string): string {
  return join(here, 'fixtures', 'features', name);
}

/**
 * Reads a `.npy` file. The bytes are copied into a plain Uint8Array first: `readNpy` slices its input,
 * and a Node Buffer's `slice` is a view, which would make it read the payload from the file start.
 */
export function loadNpy(path: string): Tensor {
  return readNpy(new Uint8Array(readFileSync(path)));
}

/** Loads a committed features `.npy` fixture. */
export function featuresNpy(name: string): Tensor {
  return loadNpy(featuresFixturePath(name));
}

/** Loads a librosa golden from shared/fixtures/librosa (guard the caller with `sharedDir`). */
export function librosaNpy(name: string): Tensor {
  return loadNpy(sharedPath('fixtures', 'librosa', name.endsWith('.npy') ? name : `${name}.npy`));
}

/** Loads a committed features JSON fixture. */
export function featuresJson<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(featuresFixturePath(name), 'utf8')) as T;
}

/** max |a - b| / max |b|; both arrays must have equal length. */
export function relPeakError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let peak = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    peak = Math.max(peak, Math.abs(expected[i]!));
    worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  }
  return peak === 0 ? worst : worst / peak;
}

/** Asserts `max|a-b| <= tol * max|b|` and returns the measured ratio. */
export function expectClosePeak(actual: ArrayLike<number>, expected: ArrayLike<number>, tol = 1e-5): number {
  const err = relPeakError(actual, expected);
  expect(err, `max|diff|/peak = ${err.toExponential(2)} > ${tol}`).toBeLessThanOrEqual(tol);
  return err;
}
