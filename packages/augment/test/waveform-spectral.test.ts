import { type Audio, InvalidArgumentError, Rng } from '@instr/core';
import { integratedLoudness, rfft } from '@instr/dsp';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BackgroundNoise,
  ColoredNoise,
  colouredNoise,
  fftConvolve,
  LoudnessNormalization,
  NOISE_COLORS,
  preloadClips,
  Reverb,
} from '../src/index.js';
import { hasNaN, noise, power, sine } from './helpers.js';

function snrDb(input: Audio, output: Audio): number {
  let ps = 0;
  let pn = 0;
  input.channels.forEach((ch, c) => {
    const o = output.channels[c]!;
    for (let i = 0; i < ch.length; i++) {
      ps += ch[i]! * ch[i]!;
      pn += (o[i]! - ch[i]!) ** 2;
    }
  });
  return 10 * Math.log10(ps / pn);
}

/** Slope of log power vs log frequency, fitted over 100 Hz – 5 kHz of a long noise. */
function spectralSlope(x: Float32Array, sr: number): number {
  const X = rfft(x);
  const n = x.length;
  const pts: [number, number][] = [];
  // average power in log-spaced bands
  for (let f = 100; f < 5000; f *= 1.25) {
    const k0 = Math.round((f * n) / sr);
    const k1 = Math.round((f * 1.25 * n) / sr);
    let p = 0;
    for (let k = k0; k < k1; k++) p += X.re[k]! ** 2 + X.im[k]! ** 2;
    pts.push([Math.log10(f * 1.118), Math.log10(p / (k1 - k0))]);
  }
  const mx = pts.reduce((a, p) => a + p[0], 0) / pts.length;
  const my = pts.reduce((a, p) => a + p[1], 0) / pts.length;
  let sxy = 0;
  let sxx = 0;
  for (const [a, b] of pts) {
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
  }
  return sxy / sxx;
}

describe('coloured noise', () => {
  it('has the requested spectral slope (PSD ∝ 1/f^fDecay) and unit power', () => {
    for (const [name, decay] of Object.entries(NOISE_COLORS)) {
      const x = colouredNoise(1 << 16, decay, new Rng(3).fork());
      expect(power(x)).toBeCloseTo(1, 6);
      expect(spectralSlope(x, 22050), name).toBeCloseTo(-decay, 0);
      expect(Math.abs(spectralSlope(x, 22050) + decay), name).toBeLessThan(0.15);
    }
  });

  it('reaches the drawn SNR within 0.1 dB (many seeds, lengths and channel counts)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 64, max: 5000 }),
        fc.integer({ min: 1, max: 2 }),
        (seed, n, C) => {
          const x: Audio = {
            sampleRate: 16000,
            channels: Array.from({ length: C }, (_, c) => sine(300 + c * 100, n / 16000, 16000).channels[0]!),
          };
          const { output, report } = new ColoredNoise().apply(x, seed);
          expect(Math.abs(snrDb(x, output) - report.params!.snrDb)).toBeLessThan(0.1);
          expect(report.params!.fDecay).toBeGreaterThanOrEqual(-2);
          expect(report.params!.fDecay).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('draws named colours, adds nothing to silence and never NaNs on tiny input', () => {
    const r = new ColoredNoise({ colors: ['pink'] }).apply(noise(500, 1), 1).report.params!;
    expect(r).toMatchObject({ color: 'pink', fDecay: 1 });
    for (const n of [0, 1, 2, 3, 100]) {
      const silent = { sampleRate: 8000, channels: [new Float32Array(n)] };
      const out = new ColoredNoise().apply(silent, 2).output.channels[0]!;
      expect(hasNaN(out)).toBe(false);
      expect(out.every((v) => v === 0)).toBe(true);
      expect(hasNaN(new ColoredNoise().apply(noise(n, 1), 3).output.channels[0]!)).toBe(false);
    }
  });

  it('rejects bad parameters', () => {
    expect(() => new ColoredNoise({ minSnrDb: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new ColoredNoise({ minSnrDb: 30, maxSnrDb: 3 })).toThrow(InvalidArgumentError);
    expect(() => new ColoredNoise({ colors: [] })).toThrow(InvalidArgumentError);
    expect(() => new ColoredNoise({ colors: ['grey' as never] })).toThrow(InvalidArgumentError);
  });
});

describe('background noise', () => {
  const clips = [
    noise(3000, 1, 0.2, 8000),
    noise(500, 2, 0.05, 8000),
    { sampleRate: 16000, channels: [noise(4000, 3).channels[0]!] },
  ];

  it('reaches the SNR within 0.1 dB, cropping long clips and repeating short ones', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 10, max: 4000 }), (seed, n) => {
        const x = sine(440, n / 8000, 8000);
        const { output, report } = new BackgroundNoise({ clips, minSnrDb: 0, maxSnrDb: 20 }).apply(x, seed);
        const p = report.params!;
        expect(p.silentNoise).toBe(false);
        expect(Math.abs(snrDb(x, output) - p.snrDb)).toBeLessThan(0.1);
        expect(output.channels[0]).toHaveLength(n);
      }),
      { numRuns: 60 },
    );
  });

  it('accepts a loader and preloaded async clips; reports silent noise', async () => {
    const loaded = await preloadClips(2, async (i) => clips[i]!);
    const bg = new BackgroundNoise({ clips: { size: 2, load: (i) => loaded[i]! } });
    expect(hasNaN(bg.apply(sine(100, 0.1, 8000), 1).output.channels[0]!)).toBe(false);
    const silent = new BackgroundNoise({ clips: [{ sampleRate: 8000, channels: [new Float32Array(100)] }] });
    const r = silent.apply(sine(100, 0.1, 8000), 1);
    expect(r.report.params!.silentNoise).toBe(true);
    expect(snrDb(sine(100, 0.1, 8000), r.output)).toBe(Infinity);
    const asyncLoader = new BackgroundNoise({ clips: { size: 1, load: (async () => clips[0]) as never } });
    expect(() => asyncLoader.apply(sine(100, 0.1, 8000), 1)).toThrow(InvalidArgumentError);
  });

  it('rejects an empty noise set and bad SNRs', () => {
    expect(() => new BackgroundNoise({ clips: [] })).toThrow(InvalidArgumentError);
    expect(() => new BackgroundNoise({ clips: { size: 0, load: () => clips[0]! } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new BackgroundNoise(undefined as never)).toThrow(InvalidArgumentError);
    expect(() => new BackgroundNoise({ clips, minSnrDb: Number.NaN })).toThrow(InvalidArgumentError);
  });
});

describe('reverb', () => {
  it('FFT convolution equals direct convolution', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer({ min: 1, max: 300 }), (n, m) => {
        const x = noise(n, n).channels[0]!;
        const h = noise(m, m + 1000).channels[0]!;
        const y = fftConvolve(x, h);
        expect(y).toHaveLength(n + m - 1);
        for (let i = 0; i < y.length; i += 7) {
          let s = 0;
          for (let j = Math.max(0, i - n + 1); j <= Math.min(i, m - 1); j++) s += x[i - j]! * h[j]!;
          expect(y[i]).toBeCloseTo(s, 4);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('a unit impulse with full wet is the identity; delay is removed by peak alignment', () => {
    const x = noise(1000, 1);
    const ir = new Float32Array(50);
    ir[20] = 0.3;
    const r = new Reverb({
      impulseResponses: [{ sampleRate: 22050, channels: [ir] }],
      minWet: 1,
      maxWet: 1,
    }).apply(x, 1);
    for (let i = 0; i < 1000; i++) expect(r.output.channels[0]![i]).toBeCloseTo(x.channels[0]![i]!, 5);
    const tail = new Reverb({
      impulseResponses: [{ sampleRate: 22050, channels: [ir] }],
      keepTail: true,
      alignToPeak: false,
      level: 'none',
      minWet: 1,
    });
    const t = tail.apply(x, 1).output.channels[0]!;
    expect(t).toHaveLength(1049);
    expect(t[20]).toBeCloseTo(0.3 * x.channels[0]![0]!, 6);
  });

  it('mixes wet and dry at the reported share, keeps length and level, no NaN on silence', () => {
    const ir = Float32Array.from({ length: 4000 }, (_, i) => Math.exp(-i / 600) * Math.sin(i * 1.3));
    const rev = new Reverb({ impulseResponses: [{ sampleRate: 22050, channels: [ir] }] });
    const x = sine(440, 0.5);
    const { output, report } = rev.apply(x, 3);
    expect(report.params!.wet).toBeGreaterThanOrEqual(0.25);
    expect(output.channels[0]).toHaveLength(x.channels[0]!.length);
    const ratio = power(output.channels[0]!) / power(x.channels[0]!);
    expect(ratio).toBeGreaterThan(0.2);
    expect(ratio).toBeLessThan(2);
    const silent = rev.apply({ sampleRate: 22050, channels: [new Float32Array(100)] }, 1).output.channels[0]!;
    expect(hasNaN(silent)).toBe(false);
    expect(() => new Reverb({ impulseResponses: [] })).toThrow(InvalidArgumentError);
    expect(
      () => new Reverb({ impulseResponses: [{ sampleRate: 22050, channels: [ir] }], maxWet: 2 }),
    ).toThrow(InvalidArgumentError);
  });
});

describe('loudness normalisation', () => {
  it('reaches the drawn LUFS target', () => {
    const x = noise(22050, 4, 0.05);
    for (let s = 0; s < 5; s++) {
      const { output, report } = new LoudnessNormalization().apply(x, s);
      const p = report.params!;
      expect(p.targetLufs).toBeGreaterThanOrEqual(-31);
      expect(p.targetLufs).toBeLessThanOrEqual(-13);
      expect(integratedLoudness(output)).toBeCloseTo(p.targetLufs, 1);
    }
  });

  it('passes silence and sub-400 ms clips through; caps the peak when asked', () => {
    const silent = { sampleRate: 22050, channels: [new Float32Array(22050)] };
    expect(new LoudnessNormalization().apply(silent, 1).report.params!.measuredLufs).toBeNull();
    const short = noise(100, 1);
    expect(new LoudnessNormalization().apply(short, 1).output.channels[0]).toEqual(short.channels[0]);
    const loud = new LoudnessNormalization({ minLufs: 0, maxLufs: 0, peakLimit: 1 }).apply(
      noise(22050, 2, 0.01),
      1,
    );
    expect(Math.max(...loud.output.channels[0]!.map(Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
    expect(() => new LoudnessNormalization({ minLufs: -10, maxLufs: -20 })).toThrow(InvalidArgumentError);
  });
});
