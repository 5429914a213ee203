import { InvalidArgumentError, InvalidAudioError, NonFiniteError, ShapeError } from '@instr/core';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  hjorthParameters,
  permutationEntropy,
  spectralEntropy,
  svdEntropy,
  welchPsd,
} from '../src/features/index.js';
import { featuresJson, featuresNpy, librosaNpy } from './features-helpers.js';

type EntropyGolden = Record<string, Record<string, number>>;
const golden = featuresJson<EntropyGolden>('entropy.json');

function check(name: string, x: Float32Array) {
  const g = golden[name]!;
  expect(permutationEntropy(x, { normalize: true })).toBeCloseTo(g.perm_entropy_o3_norm!, 12);
  expect(permutationEntropy(x, { order: 4, delay: 2 })).toBeCloseTo(g.perm_entropy_o4_d2!, 12);
  // scipy's Welch runs in float32 for float32 input: agreement to ~1e-7 relative.
  expect(spectralEntropy(x, 22050, { normalize: true })).toBeCloseTo(g.spectral_entropy_norm!, 6);
  expect(spectralEntropy(Float64Array.from(x), 22050)).toBeCloseTo(g.spectral_entropy_f64!, 10);
  expect(svdEntropy(x, { normalize: true })).toBeCloseTo(g.svd_entropy_o3_norm!, 8);
  expect(svdEntropy(x, { order: 5, delay: 3 })).toBeCloseTo(g.svd_entropy_o5_d3!, 8);
  const h = hjorthParameters(x);
  expect(h.mobility).toBeCloseTo(g.hjorth_mobility_f64!, 10);
  expect(h.complexity).toBeCloseTo(g.hjorth_complexity_f64!, 8);
  // antropy on float32 input accumulates in float32
  expect(Math.abs(h.mobility - g.hjorth_mobility!) / g.hjorth_mobility!).toBeLessThan(1e-5);
  expect(Math.abs(h.complexity - g.hjorth_complexity!) / g.hjorth_complexity!).toBeLessThan(1e-5);
}

describe('entropies and Hjorth parameters (antropy definitions)', () => {
  it("reproduces antropy's docstring examples", () => {
    const x = [4, 7, 9, 10, 6, 11, 3];
    const d = golden.docstring!;
    expect(permutationEntropy(x, { order: 2 })).toBeCloseTo(d.perm_entropy_o2!, 14);
    expect(permutationEntropy(x, { normalize: true })).toBeCloseTo(d.perm_entropy_o3_norm!, 14);
    expect(svdEntropy(x, { order: 2 })).toBeCloseTo(d.svd_entropy_o2!, 13);
    expect(svdEntropy(x, { order: 3, normalize: true })).toBeCloseTo(d.svd_entropy_o3_norm!, 13);
  });

  for (const name of ['tone', 'noise', 'short', 'steps']) {
    it(`matches the numpy/scipy reference on "${name}"`, () => {
      check(name, featuresNpy(`inputs_${name}.npy`).data as Float32Array);
    });
  }

  describe.skipIf(!sharedDir)('shared librosa inputs (needs ../shared)', () => {
    for (const [name, sr] of [
      ['sig_a', 22050],
      ['real_violin', 22050],
      ['real_flute', 22050],
      ['real_voice', 16000],
    ] as const) {
      it(name, () => check(name, librosaNpy(`${name}__input__sr${sr}`).data as Float32Array));
    }
  });

  it('edge cases: monotonic signal has zero permutation entropy, Welch shortens nperseg', () => {
    const ramp = Float32Array.from({ length: 100 }, (_, i) => i);
    expect(permutationEntropy(ramp)).toBe(0);
    const { psd, freqs } = welchPsd(
      new Float32Array(100).map((_, i) => Math.sin(i)),
      1000,
    );
    expect(psd.length).toBe(51);
    expect(freqs[50]).toBe(500);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => permutationEntropy(new Float32Array(0))).toThrow(InvalidAudioError);
    expect(() => permutationEntropy([1, 2])).toThrow(ShapeError);
    expect(() => permutationEntropy([1, Number.NaN, 2, 3])).toThrow(NonFiniteError);
    expect(() => permutationEntropy([1, 2, 3, 4], { order: 1 })).toThrow(InvalidArgumentError);
    expect(() => svdEntropy([1, 2, 3, 4, 5], { delay: 0 })).toThrow(InvalidArgumentError);
    expect(() => spectralEntropy([1, 2, 3], 0)).toThrow(InvalidArgumentError);
    expect(() => spectralEntropy([1, Number.POSITIVE_INFINITY], 100)).toThrow(NonFiniteError);
    expect(() => welchPsd([1, 2, 3, 4], 100, { nperseg: 4, noverlap: 4 })).toThrow(InvalidArgumentError);
    expect(() => hjorthParameters([1, 2])).toThrow(ShapeError);
  });
});
