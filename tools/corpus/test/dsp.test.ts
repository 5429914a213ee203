import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@instr/core';
import { encodeWav, resample } from '@instr/dsp';
import { afterAll, describe, expect, it } from 'vitest';
import { AudioCache } from '../src/audio-io.js';
import { activeLoudness, shiftByResampling } from '../src/dsp.js';
import { excerpt, loadImpulseResponse } from '../src/real.js';
import { estimateF0 } from './helpers.js';

// Resampling, decoding and FFT convolution are @instr/dsp's and @instr/augment's (tested there); these tests
// check how the corpus builder uses them.

function sine(f: number, sr: number, n: number, amp = 0.5): Float32Array {
  return Float32Array.from({ length: n }, (_, i) => amp * Math.sin((2 * Math.PI * f * i) / sr));
}

const dir = mkdtempSync(join(tmpdir(), 'instr-corpus-dsp-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('corpus signal helpers', () => {
  it('shifts pitch by resampling in the right direction (up = shorter and higher)', () => {
    const sr = 22050;
    for (const s of [2, -3]) {
      const y = shiftByResampling(sine(440, sr, sr), s, sr);
      expect(y.length).toBe(Math.ceil(sr * 2 ** (-s / 12)));
      const f = 440 * 2 ** (s / 12);
      expect(Math.abs(estimateF0(y, sr, f / 1.3, f * 1.3) / f - 1)).toBeLessThan(0.005);
    }
  });

  it('reuses its resamplers without changing the result (same bits as a one-shot resample)', () => {
    const sr = 22050;
    const x = Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i * 0.05) * Math.exp(-i / 2000));
    const short = x.subarray(0, 100);
    const bits = (y: Float32Array) => Buffer.from(y.buffer, y.byteOffset, y.byteLength).toString('hex');
    const once = bits(resample(x, sr * 2 ** (3 / 12), sr));
    expect(bits(shiftByResampling(x, 3, sr))).toBe(once);
    expect(bits(shiftByResampling(short, 3, sr))).toBe(bits(resample(short, sr * 2 ** (3 / 12), sr)));
    expect(bits(shiftByResampling(x, 3, sr))).toBe(once);
    expect(shiftByResampling(x, 0, sr)).toEqual(x);
  });

  it('reads shared files decoded, averaged to mono and resampled to the corpus rate (cached)', async () => {
    // A stereo 16 kHz WAV: 440 Hz left, silence right → mono at half amplitude, 22.05 kHz.
    writeFileSync(
      join(dir, 'tone.wav'),
      encodeWav({ sampleRate: 16000, channels: [sine(440, 16000, 16000), new Float32Array(16000)] }),
    );
    const cache = new AudioCache(dir, 22050);
    const x = await cache.get('tone.wav');
    expect(x.length).toBe(22050);
    expect(await cache.get('tone.wav')).toBe(x);
    expect(Math.abs(estimateF0(x, 22050, 300, 600) / 440 - 1)).toBeLessThan(0.005);
    let peak = 0;
    for (let i = 500; i < x.length - 500; i++) peak = Math.max(peak, Math.abs(x[i]!));
    expect(peak).toBeCloseTo(0.25, 2);
  });

  it('pitch-shifts excerpts and prepares unit-energy impulse responses', async () => {
    const sr = 22050;
    writeFileSync(join(dir, 'long.wav'), encodeWav({ sampleRate: sr, channels: [sine(330, sr, 3 * sr)] }));
    const cache = new AudioCache(dir, sr);
    const clip = { file: 'long.wav', seconds: 3, what: 'test' };
    const { audio, info } = await excerpt(new Rng(5), cache, clip, sr, sr, { shift: 4 });
    expect(info.shift).toBe(4);
    const f = 330 * 2 ** (4 / 12);
    expect(Math.abs(estimateF0(audio, sr, f / 1.3, f * 1.3) / f - 1)).toBeLessThan(0.005);

    const ir = Float32Array.from({ length: sr }, (_, i) =>
      i < 100 ? 0 : Math.exp(-(i - 100) / 2000) * Math.cos(i),
    );
    writeFileSync(join(dir, 'ir.wav'), encodeWav({ sampleRate: sr, channels: [ir] }));
    const h = await loadImpulseResponse(cache, 'ir.wav', sr, 0.5);
    expect(h.length).toBeLessThanOrEqual(sr / 2);
    expect(h.reduce((e, v) => e + v * v, 0)).toBeCloseTo(1, 5);
    expect(Math.abs(h[0]!)).toBeGreaterThan(0.01); // onset trimmed to the first sample ≥ 10 % of the peak
  });

  it('measures active loudness and silence', () => {
    expect(activeLoudness(new Float32Array(1000), 22050).db).toBe(-200);
    const r = activeLoudness(sine(100, 22050, 22050), 22050);
    expect(r.db).toBeCloseTo(10 * Math.log10(0.125), 1);
    expect(r.activeSeconds).toBeGreaterThan(0.9);
    const half = new Float32Array(22050);
    half.set(sine(100, 22050, 11025));
    expect(activeLoudness(half, 22050).activeSeconds).toBeCloseTo(0.5, 1);
  });
});
