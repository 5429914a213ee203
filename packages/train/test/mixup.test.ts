import { InvalidArgumentError, Rng, Tensor } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { checkMixup, MIXUP_STREAM, mixupBatch, warmupCosine } from '../src/loop/index.js';

// x row i = one-hot e_i (B = 8), so a mixed row λ·e_i + (1 − λ)·e_j reveals λ and the partner j.
const B = 8;
const K = 4;
function batch() {
  const x = new Float32Array(B * B);
  for (let i = 0; i < B; i++) x[i * B + i] = 1;
  const y = new Float32Array(B * K);
  for (let i = 0; i < B; i++) y[i * K + (i % K)] = 1;
  y[0 * K + 3] = 1; // a multi-label row
  return { x: new Tensor('float32', x, [B, B]), y: new Tensor('float32', y, [B, K]), ids: ['a'] };
}
function decode(x: Float32Array, i: number): { lambda: number; partner: number } {
  const row = x.subarray(i * B, (i + 1) * B);
  const lambda = row[i]!;
  let partner = i;
  for (let j = 0; j < B; j++) if (j !== i && row[j]! > 0) partner = j;
  return { lambda: partner === i ? 1 : lambda, partner };
}

describe('mixupBatch', () => {
  it("labels 'mix': y' = λ·y + (1 − λ)·y[partner], λ ≥ 0.5, on the same λ and partner as x", () => {
    const b = batch();
    const out = mixupBatch(b, { alpha: 0.4, p: 1 }, new Rng(3));
    expect(out.ids).toEqual(['a']);
    let mixedRows = 0;
    for (let i = 0; i < B; i++) {
      const { lambda, partner } = decode(out.x.data as Float32Array, i);
      if (partner !== i) mixedRows++;
      expect(lambda).toBeGreaterThanOrEqual(0.5);
      for (let k = 0; k < K; k++) {
        const want = lambda * b.y.data[i * K + k]! + (1 - lambda) * b.y.data[partner * K + k]!;
        expect(out.y.data[i * K + k]).toBeCloseTo(want, 6);
      }
    }
    expect(mixedRows).toBeGreaterThan(0);
    // the input batch is not modified
    expect(b.x.data[1]).toBe(0);
  });

  it("labels 'max': y' = max(y, y[partner])", () => {
    const b = batch();
    const out = mixupBatch(b, { alpha: 0.4, p: 1, labels: 'max' }, new Rng(3));
    const mix = mixupBatch(b, { alpha: 0.4, p: 1 }, new Rng(3));
    expect(out.x.data).toEqual(mix.x.data); // same draws, only the targets differ
    for (let i = 0; i < B; i++) {
      const { partner } = decode(out.x.data as Float32Array, i);
      for (let k = 0; k < K; k++)
        expect(out.y.data[i * K + k]).toBe(Math.max(b.y.data[i * K + k]!, b.y.data[partner * K + k]!));
    }
  });

  it('is a function of the rng (seed, epoch, batch); p decides per batch', () => {
    const b = batch();
    const at = (e: number, k: number) =>
      mixupBatch(b, { alpha: 0.4, p: 0.5 }, new Rng(7).derive(MIXUP_STREAM, e, k));
    expect(at(2, 5).x.data).toEqual(at(2, 5).x.data);
    const outcomes = Array.from({ length: 40 }, (_, k) => at(0, k) !== b);
    const mixed = outcomes.filter(Boolean).length;
    expect(mixed).toBeGreaterThan(8);
    expect(mixed).toBeLessThan(32);
    expect(mixupBatch(b, { alpha: 0.4, p: 0 }, 1)).toBe(b);
  });

  it('bad options name the key', () => {
    for (const [cfg, key] of [
      [{ alpha: 0, p: 0.5 }, 'mixup.alpha'],
      [{ alpha: 0.4, p: 1.5 }, 'mixup.p'],
      [{ alpha: 0.4, p: 0.5, labels: 'sum' }, 'mixup.labels'],
    ] as const) {
      try {
        checkMixup(cfg as never);
        expect.unreachable();
      } catch (e) {
        expect(InvalidArgumentError.isInstance(e)).toBe(true);
        expect((e as InvalidArgumentError).details.key).toBe(key);
        expect((e as Error).message).toContain(key);
      }
    }
  });
});

describe('warmupCosine', () => {
  it("is the default-model recipe's schedule: linear warm-up over epoch 1, cosine to 1 % of the peak", () => {
    const spe = 10;
    const total = 50;
    const lr = 1e-3;
    // the hand-written loop's formula (tools/default-model before it used @instr/train)
    const old = (step: number) =>
      step < spe
        ? (lr * (step + 1)) / spe
        : lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * (step - spe)) / Math.max(1, total - spe))));
    const s = warmupCosine({ lr, stepsPerEpoch: spe, totalSteps: total });
    for (let step = 0; step < total; step++) expect(s(step)).toBeCloseTo(old(step), 15);
    expect(s(spe - 1)).toBeCloseTo(lr, 15);
    expect(s(10_000)).toBeCloseTo(0.01 * lr, 15);
    expect(() => warmupCosine({ lr, stepsPerEpoch: spe, totalSteps: total, final: 2 })).toThrow(
      /schedule\.final/,
    );
  });
});
