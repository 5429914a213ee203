import type { Tensor } from '@instr/core';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  chromaStft,
  estimateTuning,
  frame,
  mfcc,
  normalize,
  frameRms,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralFlatness,
  spectralRolloff,
  zeroCrossingRate,
  logMelSpectrogram,
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
      // Loaded lazily: describe bodies run even when the suite is skipped (no shared/).
      let cached: Float32Array | undefined;
      const Y = () => (cached ??= loadInput(name, sr));
      const settings = [
        ['nfft2048_hop512_hann_center_constant', { nFft: 2048, hopLength: 512, padMode: 'constant' }],
        ['nfft2048_hop512_hann_center_reflect', { nFft: 2048, hopLength: 512, padMode: 'reflect' }],
        ['nfft400_hop160_hann_center_constant', { nFft: 400, hopLength: 160, padMode: 'constant' }],
      ] as const;
      for (const [tag, opts] of settings) {
        it(`power ${tag}`, () => {
          const ref = librosaFixture(`${name}__power__${tag}`);
          expect(relErr(spectrogram(Y(), { ...opts, power: 2 }), ref)).toBeLessThan(TOL);
        });
        it.skipIf(!hasFixture(`${name}__stft__${tag}`))(`complex stft ${tag}`, () => {
          const ref = librosaFixture(`${name}__stft__${tag}`);
          const S = stft(Y(), opts);
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
          expect(relErr(melSpectrogram(Y(), { sampleRate: sr, ...opts }), ref)).toBeLessThan(TOL);
        });
      }
      it('melFromSpectrogram equals the fused path', () => {
        const P = spectrogram(Y(), { power: 2 });
        const ref = librosaFixture(`${name}__melspectrogram__nfft2048_hop512_mels128_slaney`);
        expect(relErr(melFromSpectrogram(P, { sampleRate: sr }), ref)).toBeLessThan(TOL);
      });
      for (const [tag, ref] of [
        ['ref1', 1],
        ['refmax', 'max'],
      ] as const) {
        it(`logMelSpectrogram (fused) vs power_to_db ${tag}`, () => {
          const want = librosaFixture(`${name}__power_to_db__melspec-default_${tag}_amin1e-10_topdb80`);
          const got = logMelSpectrogram(Y(), { sampleRate: sr, ref });
          expect(maxAbsErr(got.data, want.data as Float32Array)).toBeLessThan(0.01);
        });
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

describe.skipIf(!sharedDir)('librosa parity: features (needs shared/fixtures/librosa)', () => {
  for (const { name, sr } of INPUTS) {
    describe(name, () => {
      // Loaded lazily: describe bodies run even when the suite is skipped (no shared/).
      let cached: Float32Array | undefined;
      const Y = () => (cached ??= loadInput(name, sr));
      const fx = (tag: string) => librosaFixture(`${name}__${tag}`);
      it('mfcc 20 ortho', () => {
        expect(relErr(mfcc(Y(), { sampleRate: sr, nMfcc: 20 }), fx('mfcc__nmfcc20_dct2_ortho'))).toBeLessThan(
          TOL,
        );
      });
      it('mfcc 13 lifter 22', () => {
        const got = mfcc(Y(), { sampleRate: sr, nMfcc: 13, lifter: 22 });
        expect(relErr(got, fx('mfcc__nmfcc13_dct2_ortho_lifter22'))).toBeLessThan(TOL);
      });
      it('estimate_tuning', () => {
        const want = fx('estimate_tuning__powerstft-nfft2048-hop512-constant_bpo12').data[0] as number;
        const got = estimateTuning(spectrogram(Y(), { power: 2 }), { sampleRate: sr });
        expect(got).toBeCloseTo(want, 10);
      });
      it('chroma_stft tuning 0', () => {
        expect(
          relErr(chromaStft(Y(), { sampleRate: sr, tuning: 0 }), fx('chroma_stft__tuning0_nchroma12')),
        ).toBeLessThan(TOL);
      });
      it('chroma_stft estimated tuning', () => {
        expect(
          relErr(chromaStft(Y(), { sampleRate: sr }), fx('chroma_stft__tuningest_nchroma12')),
        ).toBeLessThan(TOL);
      });
      it('spectral centroid / bandwidth / rolloff', () => {
        expect(
          relErr(spectralCentroid(Y(), { sampleRate: sr }), fx('spectral_centroid__nfft2048_hop512')),
        ).toBeLessThan(TOL);
        expect(
          relErr(spectralBandwidth(Y(), { sampleRate: sr }), fx('spectral_bandwidth__nfft2048_hop512_p2')),
        ).toBeLessThan(TOL);
        expect(
          relErr(
            spectralRolloff(Y(), { sampleRate: sr }),
            fx('spectral_rolloff__nfft2048_hop512_rollpct0p85'),
          ),
        ).toBeLessThan(TOL);
      });
      it('spectral flatness', () => {
        expect(relErr(spectralFlatness(Y()), fx('spectral_flatness__nfft2048_hop512_power2'))).toBeLessThan(
          TOL,
        );
      });
      it('spectral contrast', () => {
        const want = fx('spectral_contrast__nfft2048_hop512_nbands6_fmin200');
        const got = spectralContrast(Y(), { sampleRate: sr });
        expect(got.dims).toEqual(want.dims);
        expect(maxAbsErr(got.data, want.data as Float64Array)).toBeLessThan(0.01);
      });
      it('zero crossing rate', () => {
        expect(
          maxAbsErr(
            zeroCrossingRate(Y()).data,
            fx('zero_crossing_rate__frame2048_hop512_center').data as Float64Array,
          ),
        ).toBe(0);
      });
      it('rms', () => {
        expect(relErr(frameRms(Y()), fx('rms__frame2048_hop512_center_constant'))).toBeLessThan(TOL);
      });
      it('normalize signal and mel', () => {
        expect(relErr(normalize(Y()), fx('normalize__signal_norminf'), [Y().length])).toBeLessThan(1e-6);
        const M = fx('melspectrogram__nfft2048_hop512_mels128_slaney') as Tensor<'float32'>;
        expect(
          relErr(
            normalize(M, { norm: Number.POSITIVE_INFINITY, axis: 0 }),
            fx('normalize__melspec-default_norminf_axis0'),
          ),
        ).toBeLessThan(1e-6);
      });
    });
  }
  it('frame (real_violin)', () => {
    const y = loadInput('real_violin', 22050);
    const want = librosaFixture('real_violin__frame__frame2048_hop512');
    expect(maxAbsErr(frame(y, { frameLength: 2048, hopLength: 512 }).data, want.data as Float32Array)).toBe(
      0,
    );
    expect(frame(y, { frameLength: 2048, hopLength: 512 }).dims).toEqual(want.dims);
  });
});
