import { InvalidArgumentError, Rng, ShapeError, Tensor } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  Compose,
  FrequencyMasking,
  Lighting,
  Mixup,
  RandomErasing,
  RandomPixelErasing,
  SpecMix,
  TimeMasking,
  ZoomCrop,
} from '../src/index.js';
import { hasNaN } from './helpers.js';

const spec = (dims: number[], seed = 1) => {
  const t = Tensor.zeros('float32', dims);
  new Rng(seed).fillNormal(t.data, 5, 1);
  return t;
};

describe('SpecAugment masks', () => {
  it('frequency and time masks stay within their bounds and widths (torchaudio semantics)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 1, max: 60 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer({ min: 0, max: 1e9 }),
        (H, W, width, seed) => {
          const x = spec([2, H, W], seed);
          for (const t of [
            new FrequencyMasking({ maxWidth: width, count: 2 }),
            new TimeMasking({ maxWidth: width, count: 2 }),
          ]) {
            const axisSize = t instanceof FrequencyMasking ? H : W;
            const { output, report } = t.apply(x, seed);
            for (const [s, e] of report.params!.masks[0]!) {
              expect(s).toBeGreaterThanOrEqual(0);
              expect(e).toBeLessThanOrEqual(axisSize);
              expect(e - s).toBeLessThan(Math.max(width, 1));
            }
            // everything outside the masks is unchanged; inside is zero, in both channels
            const inMask = (i: number) => report.params!.masks[0]!.some(([s, e]) => i >= s && i < e);
            for (let c = 0; c < 2; c++) {
              for (let h = 0; h < H; h++) {
                for (let w = 0; w < W; w++) {
                  const k = c * H * W + h * W + w;
                  const masked = inMask(t instanceof FrequencyMasking ? h : w);
                  if (output.data[k] !== (masked ? 0 : x.data[k]))
                    throw new Error(`${t.name} wrong at ${c},${h},${w}`);
                }
              }
            }
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('maxProportion caps the width; iid channels draw separate masks; mean fill', () => {
    const x = spec([3, 40, 100]);
    const { report } = new TimeMasking({
      maxWidth: 100,
      maxProportion: 0.1,
      count: 5,
      iidChannels: true,
    }).apply(x, 3);
    expect(report.params!.masks).toHaveLength(3);
    for (const list of report.params!.masks) for (const [s, e] of list) expect(e - s).toBeLessThan(10);
    const m = new FrequencyMasking({ maxWidth: 40, value: 'mean' }).apply(x, 8);
    const [s] = m.report.params!.masks[0]![0]!;
    const mean = x.data.reduce((a, v) => a + v, 0) / x.size;
    if (m.report.params!.masks[0]![0]![1] > s) expect(m.output.data[s * 100]).toBeCloseTo(mean, 3);
  });
});

describe('random erasing', () => {
  it('erases one box of the drawn area and ratio, inside the image', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const x = spec([1, 64, 128], seed);
        const { output, report } = new RandomErasing({ scale: [0.02, 0.2], ratio: [1, 2] }).apply(x, seed);
        const box = report.params!.box!;
        expect(box).not.toBeNull();
        expect(box.top + box.height).toBeLessThanOrEqual(64);
        expect(box.left + box.width).toBeLessThanOrEqual(128);
        const area = (box.height * box.width) / (64 * 128);
        expect(area).toBeGreaterThan(0.01);
        expect(area).toBeLessThan(0.23);
        expect(box.height / box.width).toBeGreaterThan(0.75);
        expect(box.height / box.width).toBeLessThan(2.6);
        let zeros = 0;
        for (let i = 0; i < output.size; i++) if (output.data[i] === 0) zeros++;
        expect(zeros).toBe(box.height * box.width);
      }),
      { numRuns: 50 },
    );
  });

  it('returns the input unchanged when no box fits (or an empty one, as torchvision); random fill uses normal values', () => {
    const tiny = spec([1, 1, 1]);
    const r = new RandomErasing().apply(tiny, 1);
    const box = r.report.params!.box;
    expect(box === null || box.height * box.width === 0).toBe(true);
    expect(r.output.data).toEqual(tiny.data);
    const big = spec([1, 50, 50]);
    const rr = new RandomErasing({ value: 'random' }).apply(big, 2);
    expect(hasNaN(rr.output.data)).toBe(false);
  });

  it('pixel erasing draws p ~ U(0, maxP) and erases about that share', () => {
    const x = spec([1, 128, 200]);
    const { output, report } = new RandomPixelErasing({ maxP: 0.3 }).apply(x, 9);
    const p = report.params!.pixelP;
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThan(0.3);
    const share = output.data.filter((v) => v === 0).length / x.size;
    expect(Math.abs(share - p)).toBeLessThan(0.01);
  });
});

describe('zoom and lighting', () => {
  it('zoom 1 is the identity; zoom > 1 keeps the shape and values in range', () => {
    const x = spec([1, 32, 48]);
    const id = new ZoomCrop({ minZoom: 1, maxZoom: 1 }).apply(x, 1).output;
    for (let i = 0; i < x.size; i++) expect(id.data[i]).toBeCloseTo(x.data[i]!, 5);
    const z = new ZoomCrop({ minZoom: 1.5, maxZoom: 1.5 }).apply(x, 2);
    expect(z.output.dims).toEqual([1, 32, 48]);
    const max = Math.max(...x.data);
    const min = Math.min(...x.data);
    expect(Math.max(...z.output.data)).toBeLessThanOrEqual(max + 1e-5);
    expect(Math.min(...z.output.data)).toBeGreaterThanOrEqual(min - 1e-5);
  });

  it('lighting changes mean by brightness·std and spread by contrast', () => {
    const x = spec([1, 20, 20]);
    const { output, report } = new Lighting({ maxLighting: 0.4 }).apply(x, 3);
    const { brightness, contrast } = report.params!;
    expect(brightness).toBeGreaterThanOrEqual(0.3);
    expect(brightness).toBeLessThanOrEqual(0.7);
    expect(contrast).toBeGreaterThanOrEqual(0.6 - 1e-9);
    expect(contrast).toBeLessThanOrEqual(1 / 0.6 + 1e-9);
    const stats = (d: Float32Array) => {
      const m = d.reduce((a, v) => a + v, 0) / d.length;
      return [m, Math.sqrt(d.reduce((a, v) => a + (v - m) ** 2, 0) / d.length)] as const;
    };
    const [m0, s0] = stats(x.data);
    const [m1, s1] = stats(output.data);
    expect(s1 / s0).toBeCloseTo(contrast, 4);
    expect((m1 - m0) / s0).toBeCloseTo(Math.log(brightness / (1 - brightness)), 4);
    const img = Tensor.full('float32', [1, 4, 4], 0.5);
    const lit = new Lighting({ space: 'logit' }).apply(img, 1).output;
    expect(lit.data.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('handles empty and silent spectrograms without NaN', () => {
    for (const dims of [
      [0, 10],
      [10, 0],
      [1, 1],
      [1, 3, 3],
    ]) {
      const x = Tensor.zeros('float32', dims);
      for (const t of [
        new FrequencyMasking(),
        new TimeMasking(),
        new RandomErasing(),
        new RandomPixelErasing(),
        new ZoomCrop(),
        new Lighting(),
      ]) {
        const out = t.apply(x, 1).output;
        expect(out.dims).toEqual(dims);
        expect(hasNaN(out.data), t.name).toBe(false);
      }
    }
  });

  it('rejects bad inputs and parameters', () => {
    expect(() => new FrequencyMasking().apply(Tensor.zeros('float32', [5]), 1)).toThrow(ShapeError);
    expect(() => new FrequencyMasking({ maxWidth: -1 })).toThrow(InvalidArgumentError);
    expect(() => new RandomErasing({ scale: [0.5, 0.1] })).toThrow(InvalidArgumentError);
    expect(() => new RandomPixelErasing({ maxP: 2 })).toThrow(InvalidArgumentError);
    expect(() => new ZoomCrop({ minZoom: 0.5 })).toThrow(InvalidArgumentError);
    expect(() => new Lighting({ maxLighting: Number.NaN })).toThrow(InvalidArgumentError);
  });
});

describe('SpecMix (Freesound reference semantics)', () => {
  const batch = (B = 8, H = 64, W = 100) => {
    const x = Tensor.zeros('float32', [B, 1, H, W]);
    for (let b = 0; b < B; b++) x.data.fill(b + 1, b * H * W, (b + 1) * H * W);
    const y = Tensor.zeros('float32', [B, 11]);
    for (let b = 0; b < B; b++) y.data[b * 11 + (b % 11)] = 1;
    return { x, y };
  };

  it('copies one frequency band and one time band from the partner; labels weighted by α = h + w − hw', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), (seed) => {
        const { x, y } = batch();
        const { output, report } = new SpecMix().apply({ x, y }, seed);
        const H = 64;
        const W = 100;
        report.params!.examples.forEach((ex, b) => {
          const h = ex.freqFraction;
          const w = ex.timeFraction;
          expect(h).toBeLessThan(0.25);
          expect(w).toBeLessThan(0.25);
          expect(ex.alpha).toBeCloseTo(h + w - h * w, 12);
          const [r0, r1] = ex.freqBands[0]!;
          const [c0, c1] = ex.timeBands[0]!;
          expect(r1 - r0).toBe(Math.trunc(h * H));
          expect(c1 - c0).toBe(Math.trunc(w * W));
          expect(r0).toBeGreaterThanOrEqual(0);
          expect(r1).toBeLessThanOrEqual(H);
          expect(c1).toBeLessThanOrEqual(W);
          for (let i = 0; i < H; i++) {
            for (let j = 0; j < W; j++) {
              const fromPartner = (i >= r0 && i < r1) || (j >= c0 && j < c1);
              const v = output.x.data[b * H * W + i * W + j];
              if (v !== (fromPartner ? ex.partner + 1 : b + 1)) throw new Error('wrong source cell');
            }
          }
          for (let k = 0; k < 11; k++) {
            const expected = (1 - ex.alpha) * y.data[b * 11 + k]! + ex.alpha * y.data[ex.partner * 11 + k]!;
            expect(output.y.data[b * 11 + k]).toBeCloseTo(expected, 6);
          }
        });
        expect(new Set(report.params!.examples.map((e) => e.partner)).size).toBe(8);
      }),
      { numRuns: 30 },
    );
  });

  it('area weighting counts the replaced cells; several bands need it', () => {
    const { x, y } = batch(4, 20, 30);
    const { report } = new SpecMix({ bands: 2, labelWeight: 'area' }).apply({ x, y }, 1);
    for (const ex of report.params!.examples) {
      expect(ex.alpha).toBeGreaterThanOrEqual(0);
      expect(ex.alpha).toBeLessThanOrEqual(1);
    }
    expect(() => new SpecMix({ bands: 2 })).toThrow(InvalidArgumentError);
    expect(() => new SpecMix().apply({ x: Tensor.zeros('float32', [4, 10]), y }, 1)).toThrow(ShapeError);
    expect(() => new SpecMix().apply({ x, y: Tensor.zeros('float32', [3, 11]) }, 1)).toThrow(ShapeError);
  });

  it('mixup then SpecMix compose (the reference order); mixup weights are Beta draws ≥ 0.5', () => {
    const { x, y } = batch();
    const pipeline = new Compose([new Mixup({ alpha: 0.4 }), new SpecMix()]);
    const { output, report } = pipeline.apply({ x, y }, 3);
    expect(report.children!.map((c) => c.name)).toEqual(['Mixup', 'SpecMix']);
    const mix = report.children![0]!.params as { lambdas: number[]; partners: number[] };
    expect(mix.lambdas.every((l) => l >= 0.5 && l <= 1)).toBe(true);
    // label mass is preserved
    for (let b = 0; b < 8; b++) {
      let s = 0;
      for (let k = 0; k < 11; k++) s += output.y.data[b * 11 + k]!;
      expect(s).toBeCloseTo(1, 5);
    }
    const m = new Mixup({ per: 'batch', keepMajority: false }).apply({ x, y }, 4);
    expect(new Set(m.report.params!.lambdas).size).toBe(1);
    const b0 = m.report.params!.partners[0]!;
    const l = m.report.params!.lambdas[0]!;
    expect(m.output.x.data[0]).toBeCloseTo(l * 1 + (1 - l) * (b0 + 1), 5);
    expect(() => new Mixup({ alpha: 0 })).toThrow(InvalidArgumentError);
  });
});
