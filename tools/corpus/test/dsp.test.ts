import { describe, expect, it } from 'vitest';
import { activeLoudness, convolveSame, resampleBy, resampleRate } from '../src/dsp.js';
import { estimateF0 } from './helpers.js';

function sine(f: number, sr: number, n: number): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => 0.5 * Math.sin((2 * Math.PI * f * i) / sr));
}

describe('dsp helpers', () => {
  it('resampling keeps a tone at its frequency (rate change) and shifts it (pitch shift)', () => {
    const sr = 22050;
    const x = sine(440, 16000, 16000);
    const y = resampleRate(x, 16000, sr);
    expect(y.length).toBe(sr);
    expect(estimateF0(y, sr, 300, 600)).toBeCloseTo(440, -0.5);
    const up = resampleBy(sine(440, sr, sr), 2 ** (-2 / 12)); // +2 semitones
    expect(Math.abs(estimateF0(up, sr, 300, 700) / (440 * 2 ** (2 / 12)) - 1)).toBeLessThan(0.005);
  });
  it('band-limits when downsampling (a tone above the new Nyquist is removed)', () => {
    const y = resampleBy(sine(9000, 22050, 22050), 0.5);
    let p = 0;
    for (let i = 200; i < y.length - 200; i++) p = Math.max(p, Math.abs(y[i]!));
    expect(p).toBeLessThan(0.01);
  });
  it('FFT convolution equals direct convolution', () => {
    const x = Float32Array.from({ length: 300 }, (_, i) => Math.sin(i * 0.37) + (i % 7) / 7);
    const h = Float32Array.from({ length: 50 }, (_, i) => Math.exp(-i / 10) * (i % 2 ? -1 : 1));
    const y = convolveSame(x, h);
    for (const n of [0, 10, 100, 299]) {
      let s = 0;
      for (let k = 0; k <= Math.min(n, h.length - 1); k++) s += x[n - k]! * h[k]!;
      expect(y[n]).toBeCloseTo(s, 4);
    }
  });
  it('measures active loudness and silence', () => {
    expect(activeLoudness(new Float32Array(1000), 22050).db).toBe(-200);
    const r = activeLoudness(sine(100, 22050, 22050), 22050);
    expect(r.db).toBeCloseTo(10 * Math.log10(0.125), 1);
    expect(r.activeSeconds).toBeGreaterThan(0.9);
  });
});
