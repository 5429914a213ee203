import { readFileSync } from 'node:fs';
import { readNpy, type Tensor } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  amplitudeToDb,
  delta,
  type DeltaMode,
  melSpectrogram,
  mfccFromLogMel,
  powerToDb,
  rfft,
  spectrogram,
} from '../src/spectral/index.js';
import { maxAbsErr, relErr } from './spectral-helpers.js';

/** Goldens from scripts/gen_spectral_torch.py (torchaudio 0.13, scipy 1.10, numpy 1.24), committed. */
function fixture(name: string): Tensor {
  return readNpy(new Uint8Array(readFileSync(new URL(`./fixtures/spectral/${name}.npy`, import.meta.url))));
}

const y = fixture('input_sr22050').data as Float32Array;

describe('torchaudio parity', () => {
  for (const pad of ['reflect', 'constant'] as const) {
    it(`MelSpectrogram(norm='slaney', mel_scale='slaney', pad_mode='${pad}')`, () => {
      const want = fixture(`torch_melspec_nfft1024_hop256_mels64_${pad}`);
      const got = melSpectrogram(y, {
        sampleRate: 22050,
        nFft: 1024,
        hopLength: 256,
        nMels: 64,
        padMode: pad,
      });
      expect(relErr(got, want)).toBeLessThan(1e-5);
    });
    it(`AmplitudeToDB(stype='power', top_db=80) (${pad})`, () => {
      const M = fixture(`torch_melspec_nfft1024_hop256_mels64_${pad}`) as Tensor<'float32'>;
      const want = fixture(`torch_power_to_db_${pad}`);
      expect(maxAbsErr(powerToDb(M).data, want.data as Float32Array)).toBeLessThan(0.01);
    });
  }
  it('Spectrogram(power=1) and AmplitudeToDB(stype="magnitude") with amin 1e-10', () => {
    const want = fixture('torch_magnitude_nfft512_hop256_reflect');
    const got = spectrogram(y.subarray(0, 8192), { nFft: 512, hopLength: 256, padMode: 'reflect' });
    expect(relErr(got, want)).toBeLessThan(1e-5);
    const db = fixture('torch_amplitude_to_db_magnitude');
    expect(
      maxAbsErr(amplitudeToDb(want as Tensor<'float32'>, { amin: 1e-10 }).data, db.data as Float32Array),
    ).toBeLessThan(0.01);
  });
});

describe('scipy parity', () => {
  const D = fixture('delta_input') as Tensor<'float32'>;
  const cases: [number, number, DeltaMode][] = [];
  for (const order of [1, 2]) {
    cases.push([5, order, 'interp']);
    for (const mode of ['interp', 'nearest', 'mirror', 'constant', 'wrap'] as const)
      cases.push([9, order, mode]);
  }
  for (const [width, order, mode] of cases) {
    it(`delta width ${width} order ${order} mode ${mode} = savgol_filter`, () => {
      const want = fixture(`delta_w${width}_o${order}_${mode}`);
      expect(maxAbsErr(delta(D, { width, order, mode }).data, want.data as Float32Array)).toBeLessThan(1e-5);
    });
  }
  for (const n of [1031, 2310, 4097, 6615]) {
    it(`rfft of length ${n} = numpy.fft.rfft`, () => {
      const x = fixture(`rfft_input_${n}`).data as Float32Array;
      const want = fixture(`rfft_${n}`).data as Float64Array;
      const bins = Math.floor(n / 2) + 1;
      const { re, im } = rfft(x);
      expect(maxAbsErr(re, want.subarray(0, bins))).toBeLessThan(1e-10);
      expect(maxAbsErr(im, want.subarray(bins))).toBeLessThan(1e-10);
    });
  }
  it('DCT-II ortho and unnormalised = scipy.fft.dct', () => {
    const v = fixture('dct_input').data as Float64Array;
    const S = { dims: [128, 1] } as const;
    const T = fixture('dct_input').reshape(S.dims) as Tensor<'float64'>;
    const ortho = mfccFromLogMel(T, { nMfcc: 128 });
    expect(maxAbsErr(ortho.data, fixture('dct_ortho').data as Float64Array)).toBeLessThan(1e-4);
    const none = mfccFromLogMel(T, { nMfcc: 128, dctNorm: null });
    expect(maxAbsErr(none.data, fixture('dct_none').data as Float64Array)).toBeLessThan(1e-3);
    expect(v.length).toBe(128);
  });
});
