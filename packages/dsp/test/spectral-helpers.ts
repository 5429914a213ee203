import { Tensor } from '@instr/core';
import { librosaFixture } from '@instr/test-utils';
import { expect } from 'vitest';

/** librosa golden fixtures (shared/fixtures/librosa), via @instr/test-utils. */
export { librosaFixture };

/** Input signal of a librosa fixture set as Float32Array plus its rate. */
export const INPUTS = [
  { name: 'sig_a', sr: 22050 },
  { name: 'sig_b', sr: 44100 },
  { name: 'real_violin', sr: 22050 },
  { name: 'real_flute', sr: 22050 },
  { name: 'real_voice', sr: 16000 },
] as const;

export function loadInput(name: string, sr: number): Float32Array {
  return librosaFixture(`${name}__input__sr${sr}`).data as Float32Array;
}

/** Max |a − b| relative to max |ref|; asserts shapes match. */
export function relErr(actual: Tensor | ArrayLike<number>, ref: Tensor, dims?: readonly number[]): number {
  if (actual instanceof Tensor) expect(actual.dims).toEqual(dims ?? ref.dims);
  const a = actual instanceof Tensor ? actual.data : actual;
  const r = ref.data as ArrayLike<number>;
  expect(a.length).toBe(r.length);
  let peak = 0;
  let err = 0;
  for (let i = 0; i < r.length; i++) {
    peak = Math.max(peak, Math.abs(r[i]!));
    err = Math.max(err, Math.abs(Number(a[i]) - r[i]!));
  }
  return peak === 0 ? err : err / peak;
}

export function maxAbsErr(actual: ArrayLike<number>, ref: ArrayLike<number>): number {
  expect(actual.length).toBe(ref.length);
  let err = 0;
  for (let i = 0; i < ref.length; i++) err = Math.max(err, Math.abs(Number(actual[i]) - Number(ref[i])));
  return err;
}
