import { InvalidArgumentError, Rng, ShapeError, Tensor } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Compose,
  FrequencyMasking,
  Gain,
  Mixup,
  OneOf,
  PolarityInversion,
  SomeOf,
  TimeMask,
  TimeShift,
} from '../src/index.js';
import { noise } from './helpers.js';

describe('Compose / OneOf / SomeOf', () => {
  it('reports every child, in order, with their drawn parameters', () => {
    const aug = new Compose([new Gain(), new PolarityInversion({ p: 0 }), new TimeShift()]);
    const { report } = aug.apply(noise(100, 1), 3);
    expect(report.name).toBe('Compose');
    expect(report.children!.map((c) => [c.name, c.applied])).toEqual([
      ['Gain', true],
      ['PolarityInversion', false],
      ['TimeShift', true],
    ]);
    expect(report.children![0]!.params).toHaveProperty('gainDb');
  });

  it('is deterministic for any seed, and different seeds differ', () => {
    const aug = new Compose([
      new OneOf([new Gain(), new PolarityInversion()]),
      new SomeOf([new TimeShift(), new TimeMask(), new Gain({ minDb: -1, maxDb: 1 })], { n: [1, 2] }),
    ]);
    const x = noise(500, 1);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 31 }), (seed) => {
        const a = aug.apply(x, seed);
        const b = aug.apply(x, seed);
        expect(a.report).toEqual(b.report);
        expect(a.output.channels[0]).toEqual(b.output.channels[0]);
      }),
      { numRuns: 50 },
    );
    const outs = new Set(Array.from({ length: 10 }, (_, s) => JSON.stringify(aug.apply(x, s).report)));
    expect(outs.size).toBeGreaterThan(5);
  });

  it('OneOf runs exactly one child, following weights', () => {
    const one = new OneOf([new Gain(), new PolarityInversion()], { weights: [3, 1] });
    const rng = new Rng(1);
    let gains = 0;
    for (let i = 0; i < 2000; i++) {
      const r = one.apply(noise(4, 1), rng).report;
      expect(r.children).toHaveLength(1);
      if (r.children![0]!.name === 'Gain') gains++;
    }
    expect(gains / 2000).toBeGreaterThan(0.7);
    expect(gains / 2000).toBeLessThan(0.8);
  });

  it('SomeOf runs n distinct children in list order', () => {
    const some = new SomeOf([new Gain(), new PolarityInversion(), new TimeShift(), new TimeMask()], {
      n: [1, 3],
    });
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const { report } = some.apply(noise(10, 1), seed);
        const order = report.params!.order;
        expect(order.length).toBeGreaterThanOrEqual(1);
        expect(order.length).toBeLessThanOrEqual(3);
        expect([...order].sort((a, b) => a - b)).toEqual(order);
        expect(new Set(order).size).toBe(order.length);
      }),
    );
  });

  it('shuffle changes the order', () => {
    const aug = new Compose([new Gain(), new PolarityInversion(), new TimeShift()], { shuffle: true });
    const orders = new Set(
      Array.from({ length: 20 }, (_, s) => aug.apply(noise(5, 1), s).report.params!.order.join()),
    );
    expect(orders.size).toBeGreaterThan(2);
  });

  it('rejects bad compositions', () => {
    expect(() => new OneOf([])).toThrow(InvalidArgumentError);
    expect(() => new SomeOf([new Gain()], { n: 2 })).toThrow(InvalidArgumentError);
    expect(() => new SomeOf([new Gain()], { n: -1 })).toThrow(InvalidArgumentError);
    expect(() => new OneOf([new Gain(), new Gain()], { weights: [1] })).toThrow(InvalidArgumentError);
    expect(() => new OneOf([new Gain(), new Gain()], { weights: [0, 0] })).toThrow(InvalidArgumentError);
    expect(() => new Compose([new Gain(), new FrequencyMasking()] as never)).toThrow(InvalidArgumentError);
    expect(() => new Compose([new Gain()], { p: -0.1 })).toThrow(InvalidArgumentError);
  });
});

describe('applyBatch', () => {
  const batch = () => {
    const t = Tensor.zeros('float32', [6, 400]);
    new Rng(7).fillNormal(t.data, 0, 0.1);
    return t;
  };

  it('per-example draws differ, per-batch draws are shared (content noise still differs)', () => {
    const aug = new Compose([new Gain(), new TimeShift()]);
    const perEx = aug.applyBatch(batch(), { seed: 1, sampleRate: 22050 });
    const perB = aug.applyBatch(batch(), { seed: 1, sampleRate: 22050, mode: 'per-batch' });
    const gainsEx = perEx.reports.map((r) => (r.children![0]!.params as { gainDb: number }).gainDb);
    const gainsB = perB.reports.map((r) => (r.children![0]!.params as { gainDb: number }).gainDb);
    expect(new Set(gainsEx).size).toBe(6);
    expect(new Set(gainsB).size).toBe(1);
    expect(perB.reports.every((r) => JSON.stringify(r) === JSON.stringify(perB.reports[0]))).toBe(true);
    // every row equals the single-example result of its own stream
    expect(perEx.output.dims).toEqual([6, 400]);
  });

  it('is deterministic and leaves the input untouched', () => {
    const b = batch();
    const copy = b.data.slice();
    const aug = new Compose([new Gain(), new TimeMask()]);
    const r1 = aug.applyBatch(b, { seed: 5, sampleRate: 16000 });
    const r2 = aug.applyBatch(b, { seed: 5, sampleRate: 16000 });
    expect(r1.output.data).toEqual(r2.output.data);
    expect(b.data).toEqual(copy);
  });

  it('works on [batch, ch, samples] and on spectrogram batches', () => {
    const w = Tensor.zeros('float32', [2, 2, 50]);
    w.data.fill(0.5);
    const out = new PolarityInversion().applyBatch(w, { seed: 1, sampleRate: 8000 }).output;
    expect(Array.from(out.data).every((v) => v === -0.5)).toBe(true);
    const s = Tensor.full('float32', [3, 1, 64, 20], 1);
    const masked = new FrequencyMasking({ maxWidth: 10 }).applyBatch(s, { seed: 2 });
    expect(masked.output.dims).toEqual([3, 1, 64, 20]);
    expect(masked.reports).toHaveLength(3);
  });

  it('rejects bad batch calls', () => {
    expect(() => new Gain().applyBatch(batch(), { seed: 1 })).toThrow(InvalidArgumentError);
    expect(() => new Gain().applyBatch(Tensor.zeros('float32', [4]), { seed: 1, sampleRate: 8000 })).toThrow(
      ShapeError,
    );
    expect(() => new FrequencyMasking().applyBatch(Tensor.zeros('float32', [4, 4]), { seed: 1 })).toThrow(
      ShapeError,
    );
    expect(() => new Mixup().applyBatch(Tensor.zeros('float32', [4, 4]), { seed: 1 })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new Gain().applyBatch(batch(), { seed: 1, sampleRate: 8000, mode: 'x' as never })).toThrow(
      InvalidArgumentError,
    );
  });
});

describe('per-batch content randomness', () => {
  it('shares parameters but not noise samples across the batch', async () => {
    const { ColoredNoise } = await import('../src/index.js');
    const b = Tensor.zeros('float32', [3, 1000]);
    for (let i = 0; i < b.size; i++) b.data[i] = Math.sin(i * 0.05);
    const { output, reports } = new ColoredNoise().applyBatch(b, {
      seed: 4,
      sampleRate: 16000,
      mode: 'per-batch',
    });
    expect(new Set(reports.map((r) => JSON.stringify(r.params))).size).toBe(1);
    const row = (k: number) =>
      Array.from(output.data.subarray(k * 1000, k * 1000 + 20), (v, i) => v - b.data[i]!);
    expect(row(0)).not.toEqual(row(1));
  });
});
