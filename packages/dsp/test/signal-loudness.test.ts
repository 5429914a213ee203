import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAudio, InvalidArgumentError, InvalidAudioError, NonFiniteError } from '@instr/core';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  decodeAudio,
  integratedLoudness,
  kWeightingCoefficients,
  normalizeLoudness,
  normalizePeak,
  normalizeRms,
  peakLevel,
  rmsLevel,
} from '../src/index.js';
import { tones, uniform } from './signal-helpers.js';

const here = dirname(fileURLToPath(import.meta.url));
const reference = JSON.parse(
  readFileSync(join(here, 'fixtures', 'signal', 'loudness_ffmpeg.json'), 'utf8'),
) as {
  files: { file: string; ebur128: number; ebur128_48k: number }[];
};

function sine(freq: number, amp: number, sr: number, seconds: number): Float32Array {
  return tones([{ freq, amp, phase: 0 }], sr, Math.round(sr * seconds));
}

function noise(n: number, amp: number, seed = 1): Float32Array {
  const rnd = uniform(seed);
  return Float32Array.from({ length: n }, () => amp * (2 * rnd() - 1));
}

describe('peak and rms', () => {
  it('measure signals and audio', () => {
    expect(peakLevel(Float32Array.of(0.1, -0.5, 0.25))).toBe(0.5);
    expect(peakLevel([0, 0])).toBe(0);
    expect(rmsLevel(Float32Array.of(1, -1, 1, -1))).toBe(1);
    expect(rmsLevel(createAudio(16000, [Float32Array.of(3, 3), Float32Array.of(0, 0)]))).toBeCloseTo(
      Math.sqrt(4.5),
      12,
    );
    expect(peakLevel(createAudio(16000, [Float32Array.of(0.1), Float32Array.of(-0.7)]))).toBeCloseTo(0.7, 6);
  });
  it('reject empty input and NaN', () => {
    expect(() => peakLevel(new Float32Array(0))).toThrow(InvalidAudioError);
    expect(() => rmsLevel([1, Number.NaN])).toThrow(NonFiniteError);
    expect(() => rmsLevel('x' as never)).toThrow(InvalidArgumentError);
  });
});

describe('integratedLoudness (EBU R128 / BS.1770-4)', () => {
  it('K-weighting at 48 kHz reproduces the coefficients of BS.1770', () => {
    const [shelf, hp] = kWeightingCoefficients(48000);
    const want = [1.53512485958697, -2.69169618940638, 1.19839281085285, -1.69065929318241, 0.73248077421585];
    for (const [i, v] of shelf.entries()) expect(v).toBeCloseTo(want[i]!, 10);
    expect(hp.slice(3)[0]).toBeCloseTo(-1.99004745483398, 10);
    expect(hp.slice(3)[1]).toBeCloseTo(0.99007225036621, 10);
  });

  it('a full-scale 997 Hz sine on one channel reads −3.01 LUFS at any rate', () => {
    for (const sr of [16000, 22050, 44100, 48000]) {
      expect(integratedLoudness(createAudio(sr, [sine(997, 1, sr, 3)]))).toBeCloseTo(-3.01, 1);
    }
    // Two identical channels add 3.01 LU.
    const s = sine(997, 0.5, 48000, 2);
    const mono = integratedLoudness(createAudio(48000, [s]));
    expect(integratedLoudness(createAudio(48000, [s, s])) - mono).toBeCloseTo(10 * Math.log10(2), 6);
    expect(integratedLoudness(createAudio(48000, [s, s]), { channelWeights: [1, 0] })).toBeCloseTo(mono, 9);
  });

  it('gates: silence and quiet parts do not lower the loudness', () => {
    const sr = 22050;
    const loud = noise(sr * 3, 0.3);
    const withSilence = new Float32Array(sr * 9);
    withSilence.set(loud, sr * 3);
    const a = integratedLoudness(createAudio(sr, [loud]));
    const b = integratedLoudness(createAudio(sr, [withSilence]));
    // Only the blocks straddling the edges (partly silent) pass the gates and differ.
    expect(Math.abs(a - b)).toBeLessThan(0.6);
    // A part 20 LU quieter is dropped by the relative gate.
    const mixed = new Float32Array(sr * 6);
    mixed.set(loud, 0);
    mixed.set(noise(sr * 3, 0.03, 2), sr * 3);
    expect(Math.abs(integratedLoudness(createAudio(sr, [mixed])) - a)).toBeLessThan(0.6);
    // Without gating the mean would be ~2.9 LU lower.
    expect(integratedLoudness(createAudio(sr, [mixed]))).toBeGreaterThan(a - 1);
  });

  it('is −Infinity (never NaN) for silence, < −70 LUFS or shorter than 400 ms', () => {
    expect(integratedLoudness(createAudio(16000, [new Float32Array(16000)]))).toBe(Number.NEGATIVE_INFINITY);
    expect(integratedLoudness(createAudio(16000, [sine(1000, 1e-5, 16000, 2)]))).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(integratedLoudness(createAudio(16000, [sine(1000, 1, 16000, 0.39)]))).toBe(
      Number.NEGATIVE_INFINITY,
    );
    expect(Number.isFinite(integratedLoudness(createAudio(16000, [sine(1000, 1, 16000, 0.4)])))).toBe(true);
  });

  it('rejects bad input', () => {
    expect(() => integratedLoudness({ sampleRate: 16000, channels: [new Float32Array(0)] })).toThrow(
      InvalidAudioError,
    );
    expect(() => integratedLoudness({ sampleRate: 0, channels: [new Float32Array(10)] })).toThrow(
      InvalidAudioError,
    );
    const bad = new Float32Array(10);
    bad[2] = Number.NaN;
    expect(() => integratedLoudness({ sampleRate: 16000, channels: [bad] })).toThrow(NonFiniteError);
    const a = createAudio(16000, [new Float32Array(10)]);
    expect(() => integratedLoudness(a, { channelWeights: [1, 1] })).toThrow(InvalidArgumentError);
    expect(() => integratedLoudness(a, { channelWeights: [-1] })).toThrow(InvalidArgumentError);
  });
});

describe.skipIf(!sharedDir)(
  "integratedLoudness matches FFmpeg's ebur128 on real files (needs shared/)",
  () => {
    it.each(reference.files.map((r) => [r.file, r.ebur128] as const))(
      '%s: %f LUFS within 0.1 LU',
      async (file, want) => {
        const audio = await decodeAudio(new Uint8Array(readFileSync(sharedPath('data', file))));
        const got = integratedLoudness(audio);
        expect(Math.abs(got - want)).toBeLessThan(0.1);
        // Measured: within 0.01 LU of ffmpeg at the native rate.
        expect(Math.abs(got - want)).toBeLessThan(0.02);
      },
    );
  },
);

describe('normalizers', () => {
  const sr = 22050;
  const x = noise(sr * 2, 0.2);
  it('normalizePeak scales to the target peak and keeps silence (librosa util.normalize)', () => {
    expect(peakLevel(normalizePeak(x))).toBeCloseTo(1, 6);
    expect(peakLevel(normalizePeak(x, 0.5))).toBeCloseTo(0.5, 6);
    const audio = normalizePeak(createAudio(sr, [x, Float32Array.from(x, (v) => v / 2)]));
    expect(audio.sampleRate).toBe(sr);
    expect(peakLevel(audio)).toBeCloseTo(1, 6);
    expect(normalizePeak(new Float32Array(4))).toEqual(new Float32Array(4));
    expect(() => normalizePeak(new Float32Array(4), 1, { onSilence: 'throw' })).toThrow(InvalidAudioError);
    expect(() => normalizePeak(x, 0)).toThrow(InvalidArgumentError);
  });
  it('normalizeRms reaches the target dBFS; silence is a typed error', () => {
    expect(20 * Math.log10(rmsLevel(normalizeRms(x, -20)))).toBeCloseTo(-20, 5);
    expect(20 * Math.log10(rmsLevel(normalizeRms(x, -6)))).toBeCloseTo(-6, 5);
    expect(peakLevel(normalizeRms(x, 0, { peakLimit: 1 }))).toBeCloseTo(1, 6);
    expect(() => normalizeRms(new Float32Array(8))).toThrow(InvalidAudioError);
    expect(normalizeRms(new Float32Array(8), -20, { onSilence: 'keep' })).toEqual(new Float32Array(8));
    expect(() => normalizeRms(x, Number.NaN)).toThrow(InvalidArgumentError);
  });
  it('normalizeLoudness reaches the target LUFS', () => {
    const audio = createAudio(sr, [x]);
    for (const target of [-12, -23, -30]) {
      expect(integratedLoudness(normalizeLoudness(audio, target))).toBeCloseTo(target, 4);
    }
    const limited = normalizeLoudness(audio, 0, { peakLimit: 1 });
    expect(peakLevel(limited)).toBeCloseTo(1, 6);
    expect(integratedLoudness(limited)).toBeLessThan(0);
    const quiet = createAudio(sr, [new Float32Array(sr)]);
    expect(() => normalizeLoudness(quiet, -23)).toThrow(InvalidAudioError);
    expect(normalizeLoudness(quiet, -23, { onSilence: 'keep' }).channels[0]).toEqual(new Float32Array(sr));
    expect(() => normalizeLoudness(audio, Number.POSITIVE_INFINITY)).toThrow(InvalidArgumentError);
    expect(() => normalizeLoudness(audio, -23, { onSilence: 'maybe' as never })).toThrow(
      InvalidArgumentError,
    );
  });
});
