import { Rng } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  countMetric,
  f1Score,
  findBestThreshold,
  findBestThresholdsPerClass,
  hammingScore,
  pairConfusion,
  predict,
  rocAucScore,
} from '../src/index.js';

const rng = new Rng(11);
const yTrue = Array.from({ length: 80 }, () =>
  Array.from({ length: 4 }, () => (rng.uniform() < 0.3 ? 1 : 0)),
);
const yScore = yTrue.map((r, i) =>
  r.map((y, c) => Math.min(1, Math.max(0, 0.35 * y + 0.1 * c + 0.5 * rng.uniform() + (i % 2) * 0.01))),
);

describe('threshold search', () => {
  it('returns thresholds (not indices) and curves; the best is the curve maximum', () => {
    const g = findBestThreshold(yTrue, yScore);
    expect(g.curve.thresholds).toHaveLength(1000);
    expect(g.fineCurve.thresholds).toHaveLength(1000);
    expect(g.threshold).toBeGreaterThanOrEqual(0);
    expect(g.threshold).toBeLessThanOrEqual(1);
    expect(g.score).toBe(Math.max(...g.curve.scores, ...g.fineCurve.scores));
    expect(g.score).toBeCloseTo(f1Score(yTrue, predict(yScore, g.threshold), { zeroDivision: 0 }), 12);
    const pc = findBestThresholdsPerClass(yTrue, yScore);
    expect(pc.thresholds).toHaveLength(4);
    for (const t of pc.thresholds) expect(t > 0 && t < 1).toBe(true); // values in [0,1], not grid indices
    // per-class thresholds are at least as good per class as the global one
    const perClassF1 = f1Score(yTrue, predict(yScore, pc.thresholds), { average: 'none', zeroDivision: 0 });
    const globalF1 = f1Score(yTrue, predict(yScore, g.threshold), { average: 'none', zeroDivision: 0 });
    perClassF1.forEach((v, c) => {
      expect(v).toBeGreaterThanOrEqual(globalF1[c]! - 1e-12);
    });
  });
  it('accepts any metric: names, count functions and prediction functions agree', () => {
    const byName = findBestThreshold(yTrue, yScore, { metric: 'hamming', fine: 50 });
    const byCounts = findBestThreshold(yTrue, yScore, { metric: countMetric('hamming'), fine: 50 });
    const byPred = findBestThreshold(yTrue, yScore, {
      metric: { predictions: (t, p) => hammingScore(t, p) },
      coarse: 1000,
      fine: 50,
    });
    expect(byCounts.threshold).toBe(byName.threshold);
    expect(byPred.threshold).toBe(byName.threshold);
    expect(byPred.score).toBeCloseTo(byName.score, 12);
    const noFine = findBestThreshold(yTrue, yScore, { fine: 0, coarse: 11 });
    expect(Array.from(noFine.curve.thresholds)).toEqual(
      Array.from({ length: 11 }, (_, i) => i * 0.1).map((v, i) => (i === 10 ? 1 : v)),
    );
  });
});

describe('bootstrap', () => {
  it('is reproducible with a seed and brackets the estimate', () => {
    const metric = (t: Parameters<typeof rocAucScore>[0], s: Parameters<typeof rocAucScore>[1]) =>
      rocAucScore(t, s);
    const a = bootstrap(yTrue, yScore, metric, { seed: 5, nResamples: 200 });
    const b = bootstrap(yTrue, yScore, metric, { seed: 5, nResamples: 200 });
    expect(a.samples).toEqual(b.samples);
    expect(a.low).toBeLessThanOrEqual(a.estimate);
    expect(a.high).toBeGreaterThanOrEqual(a.estimate);
    const c = bootstrap(yTrue, yScore, metric, { seed: 6, nResamples: 200 });
    expect(c.samples).not.toEqual(a.samples);
  });
});

describe('pair confusion', () => {
  it('counts which class is falsely predicted while another is true', () => {
    const pc = pairConfusion(
      [
        [1, 0, 0],
        [1, 0, 0],
        [0, 1, 0],
        [1, 1, 0],
      ],
      [
        [1, 1, 0],
        [0, 0, 1],
        [0, 1, 0],
        [1, 1, 0],
      ],
    );
    expect(pc.support).toEqual([3, 2, 0]);
    expect(pc.confusions[0]).toEqual([1, 1, 1]); // class 0 missed once; 1 and 2 falsely predicted once each
    expect(pc.coPredicted[0]).toEqual([2, 2, 1]);
    expect(pc.rates[0]![1]).toBeCloseTo(1 / 3, 15);
    expect(pc.rates[2]!.every(Number.isNaN)).toBe(true);
  });
});
