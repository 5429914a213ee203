import { InvalidArgumentError, InvalidAudioError, NonFiniteError, ShapeError } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { scalogram, waveletFilters, waveletScales } from '../src/features/index.js';
import { setForceJsKernel } from '../src/signal/kernel.js';
import { expectClosePeak, featuresNpy } from './features-helpers.js';

const tone = () => featuresNpy('inputs_tone.npy').data as Float32Array;

describe('wavelet scalogram (reference WaveletConv, scipy goldens)', () => {
  it('log-spaced scales from timeResolution·minSf to timeResolution·maxSf', () => {
    const s = waveletScales();
    expect(s.length).toBe(128);
    expect(s[0]).toBeCloseTo(0.00256, 15);
    expect(s[127]).toBeCloseTo(0.512, 14);
  });

  for (const form of ['gaussian', 'dog', 'ricker'] as const) {
    it(`${form} filters match scipy (every 32nd row)`, () => {
      const ref = featuresNpy(`wavelet_filters_${form}.npy`);
      const bank = waveletFilters({ wavelet: form });
      const rows = bank.dims[0]!;
      const k = bank.dims[1]!;
      for (let r = 0, g = 0; r < rows; r += 32, g++) {
        const ours = bank.data.subarray(r * k, (r + 1) * k);
        const theirs = (ref.data as Float32Array).subarray(g * k, (g + 1) * k);
        expectClosePeak(ours, theirs, 1e-6);
      }
    });

    it(`${form} scalogram matches the float64 |W·frames| golden`, () => {
      const ref = featuresNpy(`scalogram_${form}__tone.npy`);
      const S = scalogram(tone(), { wavelet: form });
      expect(S.dims).toEqual(ref.dims);
      const err = expectClosePeak(S.data, ref.data as Float32Array, 1e-5);
      console.log(`scalogram ${form}: max|diff|/peak ${err.toExponential(2)}`);
    });
  }

  it('the plain-JavaScript path (no WebAssembly SIMD) gives the same scalogram', () => {
    setForceJsKernel(true);
    try {
      const ref = featuresNpy('scalogram_gaussian__tone.npy');
      expectClosePeak(scalogram(tone()).data, ref.data as Float32Array, 1e-6);
    } finally {
      setForceJsKernel(false);
    }
  });

  it('non-default parameters', () => {
    const ref = featuresNpy('scalogram_gaussian_s16_k512_tr0p064_st128__noise.npy');
    const S = scalogram(featuresNpy('inputs_noise.npy').data as Float32Array, {
      nScales: 16,
      kernelSize: 512,
      timeResolution: 0.064,
      stride: 128,
    });
    expect(S.dims).toEqual(ref.dims);
    expectClosePeak(S.data, ref.data as Float32Array, 1e-5);
  });

  it('center: true pads so frames line up with a centred STFT', () => {
    const y = tone();
    const C = scalogram(y, { center: true });
    expect(C.dims).toEqual([128, 1 + Math.floor(y.length / 512)]);
    const S = scalogram(y);
    // centred frame j + 2 covers the same samples as unpadded frame j (kernel 2048 = 4 strides)
    for (const r of [0, 40, 127]) expect(C.get(r, 5)).toBeCloseTo(S.get(r, 3), 6);
    expect(scalogram(new Float32Array(100), { center: true }).dims).toEqual([128, 1]);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => scalogram(new Float32Array(0))).toThrow(InvalidAudioError);
    expect(() => scalogram(new Float32Array(1000))).toThrow(ShapeError);
    expect(() =>
      scalogram(Float32Array.from({ length: 3000 }, (_, i) => (i === 7 ? Number.NaN : 0))),
    ).toThrow(NonFiniteError);
    expect(() => scalogram(new Float32Array(4096), { wavelet: 'morlet' as 'dog' })).toThrow(
      InvalidArgumentError,
    );
    expect(() => scalogram(new Float32Array(4096), { stride: 0 })).toThrow(InvalidArgumentError);
    expect(() => waveletFilters({ nScales: 0 })).toThrow(InvalidArgumentError);
    expect(() => waveletFilters({ minSf: -1 })).toThrow(InvalidArgumentError);
    expect(() => waveletFilters({ wavelet: 'ricker', minSf: 1e-5 })).toThrow(/Ricker width/);
  });
});
