import type { Tensor } from '@instr/core';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  melFilterbank,
  melFromSpectrogram,
  melSpectrogram,
  powerToDb,
  spectrogram,
  stft,
} from '../src/spectral/index.js';
import { INPUTS, librosaFixture, loadInput, maxAbsErr, relErr } from './spectral-helpers.js';

const TOL = 1e-5;

describe.skipIf(!sharedDir)('librosa parity (needs shared/fixtures/librosa)', () => {
  describe('mel filterbanks', () => {
    const cases = [
      ['filters__mel__sr22050_nfft2048_mels128_slaney', { sampleRate: 22050, nFft: 2048, nMels: 128 }],
      [
        'filters__mel__sr22050_nfft2048_mels128_htk_normnone',
        { sampleRate: 22050, nFft: 2048, nMels: 128, htk: true, norm: null },
      ],
      ['filters__mel__sr22050_nfft400_mels128_slaney', { sampleRate: 22050, nFft: 400, nMels: 128 }],
      [
        'filters__mel__sr22050_nfft2048_mels64_fmin20_fmax11025_slaney',
        { sampleRate: 22050, nFft: 2048, nMels: 64, fmin: 20, fmax: 11025 },
      ],
      ['filters__mel__sr16000_nfft400_mels128_slaney', { sampleRate: 16000, nFft: 400, nMels: 128 }],
    ] as const;
    for (const [name, opts] of cases) {
      it(name, () => {
        const ref = librosaFixture(name);
        expect(relErr(melFilterbank(opts), ref)).toBeLessThan(1e-6);
      });
    }
  });

  for (const { name, sr } of INPUTS) {
    describe(name, () => {
      const y = loadInput(name, sr);
      const settings = [
        ['nfft2048_hop512_hann_center_constant', { nFft: 2048, hopLength: 512, padMode: 'constant' }],
        ['nfft2048_hop512_hann_center_reflect', { nFft: 2048, hopLength: 512, padMode: 'reflect' }],
        ['nfft400_hop160_hann_center_constant', { nFft: 400, hopLength: 160, padMode: 'constant' }],
      ] as const;
      for (const [tag, opts] of settings) {
        it(`power ${tag}`, () => {
          const ref = librosaFixture(`${name}__power__${tag}`);
          expect(relErr(spectrogram(y, { ...opts, power: 2 }), ref)).toBeLessThan(TOL);
        });
        it.skipIf(!hasFixture(`${name}__stft__${tag}`))(`complex stft ${tag}`, () => {
          const ref = librosaFixture(`${name}__stft__${tag}`);
          const S = stft(y, opts);
          const [bins, frames] = [ref.dims[0]!, ref.dims[1]!];
          expect(S.re.dims).toEqual([bins, frames]);
          const inter = new Float32Array(bins * frames * 2);
          for (let i = 0; i < bins * frames; i++) {
            inter[2 * i] = S.re.data[i]!;
            inter[2 * i + 1] = S.im.data[i]!;
          }
          let peak = 0;
          for (const v of ref.data as Float32Array) peak = Math.max(peak, Math.abs(v));
          expect(maxAbsErr(inter, ref.data as Float32Array) / peak).toBeLessThan(TOL);
        });
      }
      const mels = [
        ['nfft2048_hop512_mels128_slaney', { nFft: 2048, hopLength: 512, nMels: 128 }],
        [
          'nfft2048_hop512_mels128_htk_normnone',
          { nFft: 2048, hopLength: 512, nMels: 128, htk: true, norm: null },
        ],
        ['nfft400_hop160_mels128_slaney', { nFft: 400, hopLength: 160, nMels: 128 }],
        [
          'nfft2048_hop512_mels64_fmin20_fmax11025_slaney',
          { nFft: 2048, hopLength: 512, nMels: 64, fmin: 20, fmax: 11025, allowAboveNyquist: true },
        ],
      ] as const;
      for (const [tag, opts] of mels) {
        it(`melspectrogram ${tag}`, () => {
          const ref = librosaFixture(`${name}__melspectrogram__${tag}`);
          expect(relErr(melSpectrogram(y, { sampleRate: sr, ...opts }), ref)).toBeLessThan(TOL);
        });
      }
      it('melFromSpectrogram equals the fused path', () => {
        const P = spectrogram(y, { power: 2 });
        const ref = librosaFixture(`${name}__melspectrogram__nfft2048_hop512_mels128_slaney`);
        expect(relErr(melFromSpectrogram(P, { sampleRate: sr }), ref)).toBeLessThan(TOL);
      });
      for (const [tag, ref] of [
        ['ref1', 1],
        ['refmax', 'max'],
      ] as const) {
        it(`power_to_db ${tag}`, () => {
          const M = librosaFixture(`${name}__melspectrogram__nfft2048_hop512_mels128_slaney`);
          const want = librosaFixture(`${name}__power_to_db__melspec-default_${tag}_amin1e-10_topdb80`);
          const got = powerToDb(M as Tensor<'float32'>, { ref });
          expect(maxAbsErr(got.data, want.data as Float32Array)).toBeLessThan(0.01);
        });
      }
    });
  }
});

function hasFixture(name: string): boolean {
  try {
    librosaFixture(name);
    return true;
  } catch {
    return false;
  }
}
