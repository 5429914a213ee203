import { InvalidArgumentError, NonFiniteError, type Tensor } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  logMelSpectrogram,
  melSpectrogram,
  StreamingLogMel,
  type StreamingLogMelOptions,
} from '../src/index.js';
import { tones, uniform } from './signal-helpers.js';

/** Concatenates [nMels, k] tensors along time. */
function concatFrames(parts: Tensor<'float32'>[], nMels: number): number[][] {
  const rows: number[][] = Array.from({ length: nMels }, () => []);
  for (const p of parts) {
    const k = p.dims[1]!;
    for (let m = 0; m < nMels; m++) for (let t = 0; t < k; t++) rows[m]!.push(p.data[m * k + t]!);
  }
  return rows;
}

function asRows(t: Tensor<'float32'>): number[][] {
  return t.toArray() as number[][];
}

function stream(y: Float32Array, options: StreamingLogMelOptions, sizes: number[]): number[][] {
  const s = new StreamingLogMel(options);
  const parts: Tensor<'float32'>[] = [];
  let i = 0;
  let c = 0;
  while (i < y.length) {
    const n = sizes[c++ % sizes.length]!;
    const out = s.push(y.subarray(i, i + n));
    expect(out.dims[0]).toBe(s.nMels);
    parts.push(out);
    i += n;
  }
  parts.push(s.flush());
  return concatFrames(parts, s.nMels);
}

function signal(n: number, seed: number): Float32Array {
  const rnd = uniform(seed);
  const y = tones(
    [
      { freq: 220, amp: 0.4, phase: 0 },
      { freq: 1700, amp: 0.1, phase: 1 },
    ],
    16000,
    n,
  );
  for (let i = 0; i < n; i++) y[i] = y[i]! + 0.01 * (rnd() - 0.5);
  return y;
}

describe('StreamingLogMel equals the offline logMelSpectrogram', () => {
  const settings: StreamingLogMelOptions[] = [
    { sampleRate: 16000, nFft: 400, hopLength: 160, topDb: null },
    { sampleRate: 16000, nFft: 400, hopLength: 160, padMode: 'reflect', topDb: null },
    { sampleRate: 16000, nFft: 512, hopLength: 128, nMels: 64, center: false, topDb: null },
    { sampleRate: 16000, nFft: 2048, hopLength: 512, padMode: 'reflect', topDb: null, ref: 2, amin: 1e-6 },
  ];
  it('for random chunk sizes and lengths (bit for bit)', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...settings),
        fc.integer({ min: 1, max: 9000 }),
        fc.array(fc.integer({ min: 1, max: 3000 }), { minLength: 1, maxLength: 8 }),
        (options, n, sizes) => {
          const y = signal(n, n);
          const got = stream(y, options, sizes);
          const center = options.center ?? true;
          if (!center && n < options.nFft!) {
            // The offline function rejects a signal shorter than nFft without centring; the stream emits nothing.
            expect(got[0]).toEqual([]);
            return;
          }
          expect(got).toEqual(asRows(logMelSpectrogram(y, options)));
        },
      ),
      { numRuns: 60 },
    );
  });
  it('one sample at a time, including the first and last frames', () => {
    const y = signal(2000, 3);
    const options = {
      sampleRate: 16000,
      nFft: 400,
      hopLength: 160,
      padMode: 'reflect',
      topDb: null,
    } as const;
    expect(stream(y, options, [1])).toEqual(asRows(logMelSpectrogram(y, options)));
  });
  it('emits frames as soon as their samples arrive, and resets after flush', () => {
    const s = new StreamingLogMel({ sampleRate: 16000, nFft: 400, hopLength: 160, topDb: null });
    expect(s.push(new Float32Array(199)).dims).toEqual([128, 0]);
    expect(s.push(new Float32Array(1)).dims).toEqual([128, 1]); // frame 0 spans [-200, 200)
    expect(s.push(new Float32Array(160)).dims).toEqual([128, 1]);
    expect(s.flush().dims[1]).toBe(1); // 360 samples → 1 + ⌊360/160⌋ = 3 frames in all
    expect(s.flush().dims).toEqual([128, 0]);
    const y = signal(3000, 9);
    const options = { sampleRate: 16000, nFft: 400, hopLength: 160, topDb: null } as const;
    expect(stream(y, options, [1234])).toEqual(asRows(logMelSpectrogram(y, options)));
  });
  it('long chunks (WebAssembly block path) and float64 chunks (per-frame path) both equal the offline result', () => {
    const y = signal(16000 * 5, 11);
    const options = { sampleRate: 16000, nFft: 400, hopLength: 160, topDb: null } as const;
    expect(stream(y, options, [16000, 7, 24000])).toEqual(asRows(logMelSpectrogram(y, options)));
    const y64 = Float64Array.from(y, (v, i) => v + 1e-9 * Math.sin(i)); // not float32-representable
    const s = new StreamingLogMel(options);
    const parts = [s.push(y64.subarray(0, 30000)), s.push(y64.subarray(30000)), s.flush()];
    expect(concatFrames(parts, s.nMels)).toEqual(asRows(logMelSpectrogram(y64, options)));
  });
  it('log: false gives the power mel spectrogram', () => {
    const y = signal(5000, 5);
    const options = { sampleRate: 16000, nFft: 400, hopLength: 160, log: false, topDb: null } as const;
    expect(stream(y, options, [777, 13])).toEqual(asRows(melSpectrogram(y, options)));
  });
  it('rejects options a stream cannot honour and bad samples', () => {
    expect(() => new StreamingLogMel({ sampleRate: 16000, topDb: 80 as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new StreamingLogMel({ sampleRate: 16000, ref: 'max' as never })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new StreamingLogMel({ sampleRate: 0 })).toThrow(InvalidArgumentError);
    expect(() => new StreamingLogMel({ sampleRate: 16000, hopLength: 0 })).toThrow(InvalidArgumentError);
    expect(() => new StreamingLogMel(undefined as never)).toThrow(InvalidArgumentError);
    const s = new StreamingLogMel({ sampleRate: 16000 });
    expect(() => s.push(Float32Array.of(0, Number.NaN))).toThrow(NonFiniteError);
  });
});
