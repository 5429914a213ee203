import { InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import { harmonicPercussive, hpss, medianFilter, softMask } from '../src/features/index.js';
import { expectClosePeak, featuresNpy, librosaNpy } from './features-helpers.js';

/** |STFT| in float32 from a complex64 fixture stored as [..., 2]. */
function magnitude(name: string): Tensor<'float32'> {
  const c = librosaNpy(name);
  const [bins, frames] = c.dims as [number, number];
  const d = c.data as Float32Array;
  const out = new Float32Array(bins * frames);
  for (let i = 0; i < out.length; i++) out[i] = Math.hypot(d[2 * i]!, d[2 * i + 1]!);
  return new Tensor('float32', out, [bins, frames]);
}

/** Brute-force scipy.ndimage.median_filter(mode='reflect') along one axis, for checking. */
function naiveMedian(S: Tensor<'float64'>, axis: 0 | 1, size: number): Float64Array {
  const [rows, cols] = S.dims as [number, number];
  const out = new Float64Array(rows * cols);
  const refl = (i: number, n: number) => {
    if (n === 1) return 0;
    let j = ((i % (2 * n)) + 2 * n) % (2 * n);
    if (j >= n) j = 2 * n - 1 - j;
    return j;
  };
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const w: number[] = [];
      for (let k = -Math.floor(size / 2); k < size - Math.floor(size / 2); k++) {
        w.push(axis === 1 ? S.data[r * cols + refl(c + k, cols)]! : S.data[refl(r + k, rows) * cols + c]!);
      }
      w.sort((a, b) => a - b);
      out[r * cols + c] = w[Math.floor(size / 2)]!;
    }
  }
  return out;
}

describe('median filter and HPSS', () => {
  it('median filter equals a brute-force reflect-mode median (odd, even, longer than the axis)', () => {
    let seed = 7;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return (seed / 2 ** 31) * 10;
    };
    const S = new Tensor(
      'float64',
      Float64Array.from({ length: 9 * 13 }, () => Math.round(rand())),
      [9, 13],
    );
    for (const axis of [0, 1] as const) {
      for (const size of [1, 2, 3, 4, 7, 31]) {
        expect(Array.from(medianFilter(S, { axis, size }).data)).toEqual(
          Array.from(naiveMedian(S, axis, size)),
        );
      }
    }
  });

  it('matches scipy median_filter + librosa softmask on a small |STFT| (committed golden)', () => {
    const S = featuresNpy('hpss_input__tone_nfft128_hop64.npy') as Tensor<'float32'>;
    const { harmonic, percussive } = hpss(S);
    expectClosePeak(
      harmonic.data,
      featuresNpy('hpss_harmonic__tone_nfft128_hop64.npy').data as Float32Array,
      1e-6,
    );
    expectClosePeak(
      percussive.data,
      featuresNpy('hpss_percussive__tone_nfft128_hop64.npy').data as Float32Array,
      1e-6,
    );
  });

  describe.skipIf(!sharedDir)('librosa goldens (needs ../shared)', () => {
    it('matches librosa.decompose.hpss on sig_a (kernel 31, power 2, margin 1)', () => {
      const S = magnitude('sig_a__stft__nfft2048_hop512_hann_center_constant');
      const { harmonic, percussive } = hpss(S);
      const h = librosaNpy('sig_a__hpss_harmonic__absstft-nfft2048-hop512-constant_kernel31');
      const p = librosaNpy('sig_a__hpss_percussive__absstft-nfft2048-hop512-constant_kernel31');
      const eh = expectClosePeak(harmonic.data, h.data as Float32Array, 1e-6);
      const ep = expectClosePeak(percussive.data, p.data as Float32Array, 1e-6);
      console.log(
        `hpss sig_a: harmonic ${eh.toExponential(2)}, percussive ${ep.toExponential(2)} (max|diff|/peak)`,
      );
    });
  });

  it('masks sum to one with margin 1 and leave a residual with margin > 1', () => {
    const S = new Tensor(
      'float32',
      Float32Array.from({ length: 40 * 50 }, (_, i) => Math.abs(Math.sin(i * 0.37))),
      [40, 50],
    );
    const m = hpss(S, { mask: true, kernelSize: [9, 5] });
    for (let i = 0; i < S.size; i++) expect(m.harmonic.data[i]! + m.percussive.data[i]!).toBeCloseTo(1, 6);
    const r = hpss(S, { mask: true, margin: 3 });
    let below = 0;
    for (let i = 0; i < S.size; i++) if (r.harmonic.data[i]! + r.percussive.data[i]! < 0.999) below++;
    expect(below).toBeGreaterThan(0);
    const zeros = softMask(Tensor.zeros('float32', [2, 2]), Tensor.zeros('float32', [2, 2]), {
      splitZeros: true,
    });
    expect(Array.from(zeros.data)).toEqual([0.5, 0.5, 0.5, 0.5]);
  });

  it('rejects bad input with typed errors', () => {
    const S = Tensor.zeros('float32', [4, 4]);
    expect(() => hpss(Tensor.zeros('float32', [4]))).toThrow(ShapeError);
    expect(() => hpss(S, { margin: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => hpss(S, { kernelSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => hpss(S, { power: 0 })).toThrow(InvalidArgumentError);
    expect(() => hpss(Tensor.from('float32', [1, Number.NaN, 1, 1], [2, 2]))).toThrow(/non-finite/);
    expect(() => softMask(Tensor.from('float32', [-1], [1, 1]), Tensor.zeros('float32', [1, 1]))).toThrow(
      InvalidArgumentError,
    );
    expect(() => medianFilter(S, { axis: 2 as 0, size: 3 })).toThrow(InvalidArgumentError);
  });
});

describe('harmonicPercussive (librosa.effects.hpss)', () => {
  it('splits a tone plus clicks into parts that sum to the input', () => {
    const sr = 22050;
    const y = new Float32Array(sr);
    for (let i = 0; i < y.length; i++) y[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / sr);
    for (let c = 2000; c < y.length; c += 5000) y[c]! += 0.9;
    const { harmonic, percussive } = harmonicPercussive(y);
    expect(harmonic.length).toBe(y.length);
    let worst = 0;
    for (let i = 0; i < y.length; i++)
      worst = Math.max(worst, Math.abs(harmonic[i]! + percussive[i]! - y[i]!));
    expect(worst).toBeLessThan(1e-5);
    // the clicks go to the percussive part, the tone to the harmonic part
    expect(Math.abs(percussive[7000]!)).toBeGreaterThan(0.5);
    let toneH = 0;
    let toneP = 0;
    for (let i = 9000; i < 11000; i++) {
      toneH += harmonic[i]! ** 2;
      toneP += percussive[i]! ** 2;
    }
    expect(toneH).toBeGreaterThan(20 * toneP);
  });

  it('rejects bad input', () => {
    expect(() => harmonicPercussive(new Float32Array(0))).toThrow(InvalidArgumentError);
    expect(() => harmonicPercussive(new Float32Array(4096), { margin: 0 })).toThrow(InvalidArgumentError);
  });
});
