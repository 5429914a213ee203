import { InvalidArgumentError, Rng, Tensor } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FilterAugment } from '../src/index.js';

const spec = (dims: number[]) => {
  const t = Tensor.zeros('float32', dims);
  new Rng(7).fillNormal(t.data, -20, 10);
  return t;
};

/** Per-bin offset the transform added (constant over time and planes by construction). */
function offsets(x: Tensor<'float32'>, y: Tensor<'float32'>): number[] {
  const H = x.dims[x.rank - 2]!;
  const W = x.dims[x.rank - 1]!;
  return Array.from({ length: H }, (_, h) => y.data[h * W]! - x.data[h * W]!);
}

describe('FilterAugment', () => {
  it('draws 3–5 bands of at least minBandWidth bins covering the axis, gains within dbRange', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.constantFrom('linear', 'step'), (seed, type) => {
        const x = spec([1, 64, 5]);
        const { report } = new FilterAugment({ type: type as 'linear' | 'step' }).apply(x, seed);
        const { edges, gainsDb } = report.params!;
        expect(edges[0]).toBe(0);
        expect(edges.at(-1)).toBe(64);
        const n = edges.length - 1;
        expect(n).toBeGreaterThanOrEqual(3);
        expect(n).toBeLessThanOrEqual(5);
        for (let i = 0; i < n; i++) expect(edges[i + 1]! - edges[i]!).toBeGreaterThanOrEqual(6);
        expect(gainsDb.length).toBe(type === 'step' ? n : n + 1);
        for (const g of gainsDb) expect(Math.abs(g)).toBeLessThanOrEqual(6);
      }),
      { numRuns: 200 },
    );
  });

  it('linear: the offset ramps from one edge gain to the next within each band (torch.linspace)', () => {
    const x = spec([2, 40, 3]);
    const { output, report } = new FilterAugment().apply(x, 11);
    const { edges, gainsDb } = report.params!;
    const off = offsets(x, output);
    for (let b = 0; b + 1 < edges.length; b++) {
      const s = edges[b]!;
      const e = edges[b + 1]!;
      expect(off[s]).toBeCloseTo(gainsDb[b]!, 4);
      expect(off[e - 1]).toBeCloseTo(gainsDb[b + 1]!, 4);
      const mid = s + Math.floor((e - s) / 2);
      const expected = gainsDb[b]! + ((gainsDb[b + 1]! - gainsDb[b]!) * (mid - s)) / (e - s - 1);
      expect(off[mid]).toBeCloseTo(expected, 4);
    }
    // Every time frame and every plane gets the same curve.
    const W = 3;
    for (let p = 0; p < 2; p++)
      for (let h = 0; h < 40; h++)
        for (let w = 0; w < W; w++) {
          const i = (p * 40 + h) * W + w;
          expect(output.data[i]! - x.data[i]!).toBeCloseTo(off[h]!, 4);
        }
  });

  it('step: one gain per band, scaled by unitsPerDb (normalised log-mel)', () => {
    const x = spec([32, 4]);
    const std = 18.4;
    const { output, report } = new FilterAugment({ type: 'step', unitsPerDb: 1 / std }).apply(x, 5);
    const { edges, gainsDb } = report.params!;
    const off = offsets(x, output);
    for (let b = 0; b + 1 < edges.length; b++)
      for (let h = edges[b]!; h < edges[b + 1]!; h++) expect(off[h]! * std).toBeCloseTo(gainsDb[b]!, 3);
  });

  it('is deterministic per seed, leaves the input untouched and shrinks bands on short axes', () => {
    const x = spec([1, 10, 4]);
    const copy = x.data.slice();
    const a = new FilterAugment({ minBandWidth: 6 }).apply(x, 3);
    const b = new FilterAugment({ minBandWidth: 6 }).apply(x, 3);
    expect(a.output.data).toEqual(b.output.data);
    expect(x.data).toEqual(copy);
    const { edges } = a.report.params!;
    expect(edges.at(-1)).toBe(10);
    for (let i = 0; i + 1 < edges.length; i++) expect(edges[i + 1]! > edges[i]!).toBe(true);
    expect(a.output.data.every(Number.isFinite)).toBe(true);
  });

  it('a zero dB range is the identity; one band is a plain gain', () => {
    const x = spec([16, 3]);
    expect(new FilterAugment({ dbRange: [0, 0] }).apply(x, 1).output.data).toEqual(x.data);
    const { output, report } = new FilterAugment({ bands: [1, 1], type: 'step' }).apply(x, 2);
    const off = offsets(x, output);
    for (const v of off) expect(v).toBeCloseTo(report.params!.gainsDb[0]!, 4);
  });

  it('rejects bad options with typed errors', () => {
    expect(() => new FilterAugment({ dbRange: [6, -6] })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ dbRange: [Number.NaN, 1] })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ bands: [0, 3] })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ bands: [4, 3] })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ minBandWidth: 0 })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ type: 'cubic' as 'step' })).toThrow(InvalidArgumentError);
    expect(() => new FilterAugment({ unitsPerDb: 0 })).toThrow(InvalidArgumentError);
  });
});
