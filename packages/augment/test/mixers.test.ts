import { type Audio, DatasetError, InstrumentSet, InvalidArgumentError } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConcatN, ExponentialN, type MixSource, SumN } from '../src/index.js';
import { hasNaN, noise, sine } from './helpers.js';

const irmas = InstrumentSet.irmas();
const codes = irmas.codes;

/** One source per (instrument, variant): a sine at an instrument-specific frequency. */
function library(perClass = 3, opts: { genres?: boolean; loud?: boolean } = {}): MixSource[] {
  const out: MixSource[] = [];
  codes.forEach((code, k) => {
    for (let v = 0; v < perClass; v++) {
      const audio = sine(200 + 50 * k + v, 0.2 + 0.05 * v, 8000, opts.loud ? 1 : 0.3);
      out.push({
        labels: irmas.encode([code]),
        ...(opts.genres ? { genre: v % 2 ? 'jaz_blu' : 'cla' } : {}),
        load: () => audio,
      });
    }
  });
  return out;
}

describe('SumN', () => {
  it('draws instruments outside the anchor, ORs labels and never clips', () => {
    const sources = library();
    const mixer = new SumN(sources, { n: 3, combine: 'sum', gainDb: [0, 6] });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: sources.length - 1 }),
        fc.integer({ min: 0, max: 1e9 }),
        (i, seed) => {
          const { audio, labels, report } = mixer.mixSync(i, seed);
          const anchorSet = irmas.decode(sources[i]!.labels as Float32Array);
          expect(report.sources).toHaveLength(2);
          for (const s of report.sources) {
            const l = irmas.decode(sources[s]!.labels as Float32Array);
            expect(l.some((c) => anchorSet.includes(c))).toBe(false);
          }
          expect(new Set(report.drawnFor).size).toBe(2); // without replacement
          const expected = new Float32Array(11);
          for (const s of [i, ...report.sources])
            for (let k = 0; k < 11; k++)
              expected[k] = Math.max(expected[k]!, (sources[s]!.labels as Float32Array)[k]!);
          expect(labels).toEqual(expected);
          expect(report.peak).toBeLessThanOrEqual(1 + 1e-6);
          expect(report.clippedSamples).toBe(0);
          expect(hasNaN(audio.channels[0]!)).toBe(false);
          // longest length
          const lens = [i, ...report.sources].map((s) => (sources[s]!.load() as Audio).channels[0]!.length);
          expect(audio.channels[0]!.length).toBe(Math.max(...lens));
        },
      ),
      { numRuns: 60 },
    );
  });

  it('rescales a loud sum (and reports it), or clips only when asked', () => {
    const sources = library(1, { loud: true });
    const r = new SumN(sources, { n: 4, combine: 'sum', gainDb: [0, 0] }).mixSync(0, 1);
    expect(r.report.rescale).toBeLessThan(1);
    expect(r.report.peak).toBeCloseTo(1, 5);
    const c = new SumN(sources, { n: 4, combine: 'sum', gainDb: [0, 0], clip: true }).mixSync(0, 1);
    expect(c.report.rescale).toBe(1);
    expect(c.report.clippedSamples).toBeGreaterThan(0);
    expect(c.report.peak).toBeLessThanOrEqual(1);
  });

  it('mean of equal-level parts matches the reference (peak-normalised, zero-padded mean)', () => {
    const a = new Float32Array([0.5, -0.5, 0.25, 0]);
    const b = new Float32Array([1, 1]);
    const src: MixSource[] = [
      { labels: ['pia'], load: () => ({ sampleRate: 8000, channels: [a] }) },
      { labels: ['voi'], load: () => ({ sampleRate: 8000, channels: [b] }) },
    ];
    const r = new SumN(src, { n: 2, gainDb: [0, 0] }).mixSync(0, 1);
    expect(Array.from(r.audio.channels[0]!)).toEqual([(1 + 1) / 2, (-1 + 1) / 2, 0.25, 0]);
    expect(r.labels).toEqual(['pia', 'voi']);
  });

  it('anchor length crops or tiles the extras', () => {
    const src: MixSource[] = [
      { labels: ['pia'], load: () => ({ sampleRate: 8000, channels: [new Float32Array(10).fill(1)] }) },
      {
        labels: ['voi'],
        load: () => ({ sampleRate: 8000, channels: [Float32Array.from({ length: 4 }, (_, i) => i + 1)] }),
      },
      { labels: ['gel'], load: () => ({ sampleRate: 8000, channels: [new Float32Array(100).fill(-1)] }) },
    ];
    const tiled = new SumN(src, { n: 2, gainDb: [0, 0], length: 'anchor', shorter: 'tile', genre: 'any' });
    for (let s = 0; s < 10; s++) {
      const r = tiled.mixSync(0, s);
      expect(r.audio.channels[0]).toHaveLength(10);
    }
  });

  it('works asynchronously, with string labels, external anchors and multichannel downmix', async () => {
    const src: MixSource[] = [
      {
        labels: ['pia'],
        load: async () => ({ sampleRate: 8000, channels: [new Float32Array(8).fill(0.5)] }),
      },
      {
        labels: ['voi', 'gac'],
        load: async () => ({
          sampleRate: 8000,
          channels: [new Float32Array(8).fill(0.5), new Float32Array(8).fill(-0.5)],
        }),
      },
    ];
    const mixer = new SumN(src, { n: 2 });
    const r = await mixer.mix(0, 3);
    expect(r.labels).toEqual(['pia', 'voi', 'gac']);
    expect(r.audio.channels).toHaveLength(1);
    const ext = await mixer.mix({ labels: ['voi', 'gac'], load: () => sine(100, 0.01, 8000) }, 1);
    expect(ext.report.anchor).toBeNull();
    expect(ext.report.sources).toEqual([0]);
    expect(() => mixer.mixSync(0, 1)).toThrow(InvalidArgumentError);
  });

  it('returns the anchor alone (and says why) when nothing else can be added', () => {
    const src: MixSource[] = [{ labels: ['pia'], load: () => sine(100, 0.01, 8000) }];
    const r = new SumN(src, { n: 3 }).mixSync(0, 1);
    expect(r.report.sources).toEqual([]);
    expect(r.report.note).toMatch(/no source/);
  });

  it('prefers the anchor genre when asked, and follows co-occurrence weights', () => {
    const sources = library(4, { genres: true });
    const same = new SumN(sources, { n: 3, genre: 'same' });
    for (let s = 0; s < 30; s++) {
      const r = same.mixSync(0, s); // anchor genre 'cla'
      for (const i of r.report.sources) expect(sources[i]!.genre).toBe('cla');
      expect(r.report.genreFallback).toBe(false);
    }
    const w = Array.from({ length: 11 }, () => new Array(11).fill(0));
    w[0]![6] = 1; // cello anchors only ever get piano
    const co = new SumN(sources, { n: 2, cooccurrence: w });
    for (let s = 0; s < 20; s++) expect(co.mixSync(0, s).report.drawnFor).toEqual([6]);
  });

  it('rejects bad sources and options with typed errors', () => {
    expect(() => new SumN([])).toThrow(DatasetError);
    expect(() => new SumN([{ labels: 'pia' as never, load: () => sine(1, 1) }])).toThrow(DatasetError);
    expect(() => new SumN(library(), { n: 0 })).toThrow(InvalidArgumentError);
    expect(() => new SumN(library(), { gainDb: [Number.NaN, 0] })).toThrow(InvalidArgumentError);
    expect(() => new SumN(library(), { combine: 'max' as never })).toThrow(InvalidArgumentError);
    expect(() => new SumN(library(), { cooccurrence: [[1]] })).toThrow(InvalidArgumentError);
    expect(() => new ExponentialN(library(), { rate: -1 })).toThrow(InvalidArgumentError);
    const mixedKinds = [
      { labels: ['pia'], load: () => sine(1, 1) },
      { labels: irmas.encode(['voi']), load: () => sine(1, 1) },
    ];
    expect(() => new SumN(mixedKinds)).toThrow(DatasetError);
    expect(() => new SumN(mixedKinds, { instruments: irmas })).not.toThrow();
    const rates: MixSource[] = [
      { labels: ['pia'], load: () => sine(100, 0.1, 8000) },
      { labels: ['voi'], load: () => sine(100, 0.1, 16000) },
    ];
    expect(() => new SumN(rates, { n: 2 }).mixSync(0, 1)).toThrow(DatasetError);
    const resampled = new SumN(rates, {
      n: 2,
      resample: (a, sr) => ({
        sampleRate: sr,
        channels: a.channels.map((c) => c.filter((_, i) => i % 2 === 0)),
      }),
    }).mixSync(0, 1);
    expect(resampled.audio.sampleRate).toBe(8000);
    expect(() => new SumN(library()).mixSync(1000, 1)).toThrow(InvalidArgumentError);
  });

  it('is deterministic', () => {
    const sources = library();
    const m = new SumN(sources, { n: 3 });
    expect(m.mixSync(4, 77)).toEqual(m.mixSync(4, 77));
  });
});

describe('ConcatN and ExponentialN', () => {
  it('concat puts the anchor first, ORs labels, and can keep the anchor length', () => {
    const sources = library(2);
    const r = new ConcatN(sources, { n: 3 }).mixSync(0, 1);
    expect(r.report.sources).toHaveLength(2); // N parts in total (the reference drew N extras)
    const lens = [0, ...r.report.sources].map((s) => (sources[s]!.load() as Audio).channels[0]!.length);
    expect(r.audio.channels[0]).toHaveLength(lens.reduce((a, b) => a + b, 0));
    expect(irmas.decode(r.labels as Float32Array)).toHaveLength(3);
    const a = new ConcatN(sources, { n: 3, length: 'anchor', shuffle: true }).mixSync(0, 2);
    expect(a.audio.channels[0]).toHaveLength(lens[0]!);
    expect(hasNaN(a.audio.channels[0]!)).toBe(false);
  });

  it('exponential N draws k ≤ maxExtra with P(k ≥ 1) = e^−rate', () => {
    const sources = library(2);
    const m = new ExponentialN(sources, { rate: 0.7, maxExtra: 4 });
    let atLeastOne = 0;
    for (let s = 0; s < 600; s++) {
      const k = m.mixSync(s % sources.length, s).report.sources.length;
      expect(k).toBeLessThanOrEqual(4);
      if (k >= 1) atLeastOne++;
    }
    expect(atLeastOne / 600).toBeGreaterThan(Math.exp(-0.7) - 0.06);
    expect(atLeastOne / 600).toBeLessThan(Math.exp(-0.7) + 0.06);
  });

  it('handles silent and tiny sources without NaN', () => {
    const src: MixSource[] = [
      { labels: ['pia'], load: () => ({ sampleRate: 8000, channels: [new Float32Array(0)] }) },
      { labels: ['voi'], load: () => ({ sampleRate: 8000, channels: [new Float32Array(3)] }) },
      { labels: ['gel'], load: () => noise(1, 1, 0.1, 8000) },
    ];
    for (const m of [new SumN(src, { n: 3 }), new ConcatN(src, { n: 3 }), new ExponentialN(src)]) {
      const r = m.mixSync(0, 1);
      expect(hasNaN(r.audio.channels[0]!)).toBe(false);
    }
  });
});
