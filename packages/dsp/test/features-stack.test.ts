import { InvalidArgumentError, InvalidAudioError, NonFiniteError } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { melChromaScalogram, scalogram } from '../src/features/index.js';
import { chromaStft, melSpectrogram, powerToDb } from '../src/spectral/index.js';
import { featuresNpy } from './features-helpers.js';

function zscore(x: Float32Array): Float64Array {
  let m = 0;
  for (const v of x) m += v;
  m /= x.length;
  let s = 0;
  for (const v of x) s += (v - m) ** 2;
  s = Math.sqrt(s / x.length);
  return Float64Array.from(x, (v) => (v - m) / s);
}

describe('melChromaScalogram (MELCHROWAV without its bugs)', () => {
  const y = featuresNpy('inputs_tone.npy').data as Float32Array;

  it('stacks z-scored dB mel, chroma and a centred scalogram of equal width', () => {
    const img = melChromaScalogram(y);
    const frames = 1 + Math.floor(y.length / 512);
    expect(img.dims).toEqual([3, 128, frames]);
    const plane = 128 * frames;
    const mel = zscore(powerToDb(melSpectrogram(y, { sampleRate: 22050, nMels: 128 })).data);
    const chroma = zscore(chromaStft(y, { sampleRate: 22050, nChroma: 128 }).data);
    const wav = zscore(scalogram(y, { center: true }).data);
    [mel, chroma, wav].forEach((ref, c) => {
      let worst = 0;
      let mean = 0;
      for (let i = 0; i < plane; i++) {
        worst = Math.max(worst, Math.abs(img.data[c * plane + i]! - ref[i]!));
        mean += img.data[c * plane + i]!;
      }
      expect(worst).toBeLessThan(1e-5);
      expect(Math.abs(mean / plane)).toBeLessThan(1e-5);
    });
  });

  it('smaller images and a constant signal', () => {
    const img = melChromaScalogram(y.subarray(0, 8192), { nBins: 32, hopLength: 256, tuning: 0 });
    expect(img.dims).toEqual([3, 32, 1 + 8192 / 256]);
    const flat = melChromaScalogram(new Float32Array(4096), { nBins: 16, tuning: 0 });
    expect(flat.data.every((v) => v === 0)).toBe(true);
  });

  it('rejects bad input with typed errors', () => {
    expect(() => melChromaScalogram(new Float32Array(0))).toThrow(InvalidAudioError);
    expect(() => melChromaScalogram(new Float32Array(100))).toThrow(/at least 2048/);
    expect(() => melChromaScalogram(new Float32Array(4096).fill(Number.NaN))).toThrow(NonFiniteError);
    expect(() => melChromaScalogram(y, { nBins: 0 })).toThrow(InvalidArgumentError);
    expect(() => melChromaScalogram(y, { sampleRate: 0 })).toThrow(InvalidArgumentError);
  });
});
