import { type Audio, InvalidArgumentError, InvalidAudioError, Rng } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  BandPassFilter,
  biquad,
  biquadResponseDb,
  Clipping,
  filterBiquad,
  Gain,
  HighPassFilter,
  LowPassFilter,
  PeakingEQ,
  PolarityInversion,
  SevenBandEQ,
  ShelfEQ,
  shiftArray,
  TimeMask,
  TimeReversal,
  TimeShift,
} from '../src/index.js';
import { hasNaN, noise, power, sine } from './helpers.js';

const all = () => [
  new Gain(),
  new PolarityInversion(),
  new TimeReversal(),
  new TimeShift(),
  new TimeShift({ rollover: false, unit: 'seconds', min: -0.1, max: 0.1 }),
  new TimeMask({ count: 2 }),
  new Clipping(),
  new LowPassFilter(),
  new HighPassFilter(),
  new BandPassFilter(),
  new PeakingEQ(),
  new ShelfEQ({ shelf: 'high' }),
  new SevenBandEQ(),
];

describe('basic waveform transforms', () => {
  it('gain is exact in dB and reported', () => {
    const x = noise(1000, 3);
    const { output, report } = new Gain({ minDb: -6, maxDb: 6 }).apply(x, 1);
    const g = report.params!.gainDb;
    expect(g).toBeGreaterThanOrEqual(-6);
    expect(g).toBeLessThanOrEqual(6);
    expect(10 * Math.log10(power(output.channels[0]!) / power(x.channels[0]!))).toBeCloseTo(g, 4);
  });

  it('polarity inversion flips the sign; time reversal reverses', () => {
    const x = noise(100, 2);
    expect(Array.from(new PolarityInversion().apply(x, 1).output.channels[0]!)).toEqual(
      Array.from(x.channels[0]!, (v) => -v),
    );
    expect(Array.from(new TimeReversal().apply(x, 1).output.channels[0]!)).toEqual(
      Array.from(x.channels[0]!).reverse(),
    );
  });

  it('time shift rolls or pads by the reported amount', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 500 }),
        fc.integer({ min: 0, max: 1e6 }),
        fc.boolean(),
        (n, seed, roll) => {
          const x = noise(n, seed);
          const t = new TimeShift({ rollover: roll });
          const { output, report } = t.apply(x, seed);
          const k = report.params!.samples;
          expect(Math.abs(k)).toBeLessThanOrEqual(Math.ceil(n / 2));
          expect(output.channels[0]).toEqual(shiftArray(x.channels[0]!, k, roll));
          const y = output.channels[0]!;
          for (let i = 0; i < n; i++) {
            const j = i - k;
            const expected = roll
              ? x.channels[0]![((j % n) + n) % n]!
              : j >= 0 && j < n
                ? x.channels[0]![j]!
                : 0;
            if (y[i] !== expected) throw new Error(`mismatch at ${i}`);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('time masks stay within bounds and within the fraction', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2000 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
        const x = sine(440, n / 22050);
        const { output, report } = new TimeMask({ maxFraction: 0.3, count: 3 }).apply(x, seed);
        for (const [s, e] of report.params!.masks) {
          expect(s).toBeGreaterThanOrEqual(0);
          expect(e).toBeLessThanOrEqual(n);
          expect(e - s).toBeLessThanOrEqual(Math.round(0.3 * n));
          for (let i = s; i < e; i++) expect(output.channels[0]![i]).toBe(0);
        }
        expect(output.channels[0]!.length).toBe(n);
      }),
      { numRuns: 100 },
    );
  });

  it('clipping clips the requested share of samples', () => {
    const x = noise(10000, 5, 0.3);
    const { output, report } = new Clipping({ minPercentile: 20, maxPercentile: 20 }).apply(x, 1);
    const t = report.params!.threshold;
    const clipped = output.channels[0]!.filter((v) => Math.abs(v) >= t - 1e-7).length;
    expect(clipped / 10000).toBeGreaterThan(0.19);
    expect(clipped / 10000).toBeLessThan(0.21);
    expect(Math.max(...output.channels[0]!.map(Math.abs))).toBeLessThanOrEqual(t + 1e-7);
  });

  it('never modifies the input, keeps the shape and is deterministic', () => {
    const x: Audio = {
      sampleRate: 16000,
      channels: [noise(3000, 1).channels[0]!, noise(3000, 2).channels[0]!],
    };
    const copy = x.channels.map((c) => c.slice());
    for (const t of all()) {
      const a = t.apply(x, 99);
      const b = t.apply(x, 99);
      const c = t.apply(x, new Rng(99));
      const d = t.apply(x, new Rng(99));
      expect(c.report).toEqual(d.report);
      expect(a.output.channels.map((c) => Array.from(c))).toEqual(
        b.output.channels.map((c) => Array.from(c)),
      );
      expect(a.report).toEqual(b.report);
      expect(a.output.channels).toHaveLength(2);
      expect(a.output.channels[0]).toHaveLength(3000);
      expect(x.channels).toEqual(copy);
    }
  });

  it('gives no NaN on silent, empty or one-sample input', () => {
    for (const n of [0, 1, 2, 100]) {
      for (const t of all()) {
        const x = { sampleRate: 22050, channels: [new Float32Array(n)] };
        const { output } = t.apply(x, 5);
        expect(hasNaN(output.channels[0]!), `${t.name} n=${n}`).toBe(false);
        expect(output.channels[0]).toHaveLength(n);
      }
    }
  });

  it('rejects bad parameters and bad audio with typed errors', () => {
    expect(() => new Gain({ minDb: 6, maxDb: -6 })).toThrow(InvalidArgumentError);
    expect(() => new Gain({ minDb: Number.NaN })).toThrow(InvalidArgumentError);
    expect(() => new Gain({ p: 1.5 })).toThrow(InvalidArgumentError);
    expect(() => new TimeShift({ unit: 'bars' as never })).toThrow(InvalidArgumentError);
    expect(() => new TimeMask({ maxFraction: 2 })).toThrow(InvalidArgumentError);
    expect(() => new TimeMask({ count: -1 })).toThrow(InvalidArgumentError);
    expect(() => new LowPassFilter({ minCutoffHz: -5 })).toThrow(InvalidArgumentError);
    expect(() => new Clipping({ maxPercentile: 101 })).toThrow(InvalidArgumentError);
    expect(() => biquad('lowpass', 0, 22050)).toThrow(InvalidArgumentError);
    expect(() => biquad('nope' as never, 100, 22050)).toThrow(InvalidArgumentError);
    expect(() => new Gain().apply({ sampleRate: 5, channels: [new Float32Array(3)] }, 1)).toThrow(
      InvalidAudioError,
    );
    expect(() => new Gain().apply({ sampleRate: 22050, channels: [] }, 1)).toThrow(InvalidAudioError);
  });

  it('honours p', () => {
    let applied = 0;
    const t = new PolarityInversion({ p: 0.3 });
    const rng = new Rng(4);
    const x = noise(10, 1);
    for (let i = 0; i < 2000; i++) if (t.apply(x, rng).report.applied) applied++;
    expect(applied / 2000).toBeGreaterThan(0.26);
    expect(applied / 2000).toBeLessThan(0.34);
  });
});

describe('RBJ biquads', () => {
  const sr = 22050;
  it('match the cookbook responses', () => {
    const lp = biquad('lowpass', 1000, sr);
    expect(biquadResponseDb(lp, 1000, sr)).toBeCloseTo(-3.01, 1);
    expect(biquadResponseDb(lp, 10, sr)).toBeCloseTo(0, 2);
    expect(biquadResponseDb(lp, 4000, sr)).toBeLessThan(-20);
    const hp = biquad('highpass', 1000, sr);
    expect(biquadResponseDb(hp, 1000, sr)).toBeCloseTo(-3.01, 1);
    expect(biquadResponseDb(hp, 100, sr)).toBeLessThan(-35);
    expect(biquadResponseDb(biquad('bandpass', 2000, sr, 2), 2000, sr)).toBeCloseTo(0, 5);
    expect(biquadResponseDb(biquad('peaking', 2000, sr, 1, 6), 2000, sr)).toBeCloseTo(6, 5);
    expect(biquadResponseDb(biquad('lowshelf', 200, sr, Math.SQRT1_2, -9), 10, sr)).toBeCloseTo(-9, 1);
    expect(biquadResponseDb(biquad('highshelf', 3000, sr, Math.SQRT1_2, 9), 10000, sr)).toBeCloseTo(9, 0);
    expect(biquadResponseDb(biquad('notch', 1000, sr), 1000, sr)).toBeLessThan(-60);
  });

  it('filtering a sine gives the predicted gain', () => {
    const f = biquad('peaking', 1000, sr, 1, -6);
    const x = sine(1000, 1, sr).channels[0]!;
    const y = filterBiquad(x, f);
    const ratio = 10 * Math.log10(power(y.subarray(5000)) / power(x.subarray(5000)));
    expect(ratio).toBeCloseTo(-6, 1);
  });

  it('low-pass transform attenuates above the cutoff it reports', () => {
    const x = sine(8000, 0.5, sr);
    const { output, report } = new LowPassFilter({ minCutoffHz: 500, maxCutoffHz: 1000, stages: 2 }).apply(
      x,
      3,
    );
    expect(report.params!.cutoffHz).toBeGreaterThanOrEqual(500);
    expect(report.params!.cutoffHz).toBeLessThanOrEqual(1000);
    expect(power(output.channels[0]!) / power(x.channels[0]!)).toBeLessThan(1e-5);
  });
});

describe('percentile (quickselect)', () => {
  it('equals numpy-style linear interpolation of the sorted values', async () => {
    const { percentile } = await import('../src/util.js');
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -20, max: 20 }), { minLength: 1, maxLength: 60 }),
        fc.double({ min: 0, max: 100, noNaN: true }),
        (values, q) => {
          const s = Float64Array.from(values).sort();
          const pos = (q / 100) * (s.length - 1);
          const lo = Math.floor(pos);
          const hi = Math.min(lo + 1, s.length - 1);
          expect(percentile(Float64Array.from(values), q)).toBeCloseTo(
            s[lo]! + (s[hi]! - s[lo]!) * (pos - lo),
            9,
          );
        },
      ),
    );
  });
});
