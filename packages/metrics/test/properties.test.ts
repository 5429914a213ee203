import { InstrumentSet, Rng } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  averagePrecisionScore,
  ConfusionAccumulator,
  evaluate,
  f1Score,
  flattenEvaluation,
  hammingLoss,
  labelRankingAveragePrecision,
  LwlrapAccumulator,
  lwlrap,
  perExampleMetrics,
  precisionRecallFscoreSupport,
  predict,
  rocAucScore,
  StreamingEvaluator,
  subsetAccuracy,
} from '../src/index.js';

/** A labelled score matrix with n rows, k columns; scores quantised so ties occur. */
const dataArb = fc
  .record({
    n: fc.integer({ min: 1, max: 30 }),
    k: fc.integer({ min: 1, max: 6 }),
    seed: fc.integer({ min: 0, max: 1e6 }),
    levels: fc.constantFrom(4, 20, 1000),
  })
  .map(({ n, k, seed, levels }) => {
    const rng = new Rng(seed);
    const yTrue = Array.from({ length: n }, () =>
      Array.from({ length: k }, () => (rng.uniform() < 0.35 ? 1 : 0)),
    );
    const yScore = yTrue.map((row) =>
      row.map((y) => Math.round(Math.min(1, Math.max(0, 0.4 * y + 0.6 * rng.uniform())) * levels) / levels),
    );
    return { yTrue, yScore, n, k };
  });

const splits = (n: number, seed: number) => {
  const rng = new Rng(seed);
  const cuts = [0];
  while (cuts[cuts.length - 1]! < n)
    cuts.push(Math.min(n, cuts[cuts.length - 1]! + rng.int(1, Math.max(1, Math.ceil(n / 3)))));
  return cuts;
};

describe('properties', () => {
  it('streaming evaluation over batches equals the one-shot evaluation exactly', () => {
    fc.assert(
      fc.property(dataArb, fc.integer({ min: 0, max: 1000 }), ({ yTrue, yScore, n }, seed) => {
        const cuts = splits(n, seed);
        const se = new StreamingEvaluator({ thresholds: 0.4 });
        const ca = new ConfusionAccumulator({ thresholds: 0.4, zeroDivision: 0 });
        const la = new LwlrapAccumulator();
        for (let i = 1; i < cuts.length; i++) {
          const t = yTrue.slice(cuts[i - 1], cuts[i]);
          const s = yScore.slice(cuts[i - 1], cuts[i]);
          se.add(t, s);
          ca.add(t, s);
          la.add(t, s);
        }
        const one = evaluate(yTrue, yScore, { thresholds: 0.4 });
        const streamed = se.compute();
        expect(streamed.summary).toEqual(one.summary);
        expect(streamed.perClass).toEqual(one.perClass);
        expect(la.compute()).toEqual(lwlrap(yTrue, yScore));
        const pred = predict(yScore, 0.4);
        const c = ca.compute();
        for (const average of ['micro', 'macro', 'weighted', 'samples'] as const) {
          const r = precisionRecallFscoreSupport(yTrue, pred, { average, zeroDivision: 0 });
          expect(c.f1[average]).toBe(r.fScore);
          expect(c.precision[average]).toBe(r.precision);
          expect(c.recall[average]).toBe(r.recall);
        }
        expect(c.hammingLoss).toBe(hammingLoss(yTrue, pred));
        expect(c.subsetAccuracy).toBe(subsetAccuracy(yTrue, pred));
      }),
      { numRuns: 60 },
    );
  });

  it('metrics stay in their ranges', () => {
    fc.assert(
      fc.property(dataArb, ({ yTrue, yScore }) => {
        const ev = evaluate(yTrue, yScore);
        const unit = [
          ev.summary.hammingScore,
          ev.summary.subsetAccuracy,
          ...Object.values(ev.summary.f1),
          ...Object.values(ev.summary.precision),
          ...Object.values(ev.summary.recall),
          ev.summary.mAP,
          ev.summary.lwlrap,
          ev.summary.labelRankingAveragePrecision,
          ev.summary.labelRankingLoss,
          ev.summary.ece,
        ];
        for (const v of unit) if (!Number.isNaN(v)) expect(v >= -1e-12 && v <= 1 + 1e-12).toBe(true);
        for (const v of Object.values(ev.summary.rocAuc))
          if (!Number.isNaN(v)) expect(v >= 0 && v <= 1).toBe(true);
        expect(ev.summary.coverageError).toBeGreaterThanOrEqual(0);
        expect(ev.summary.coverageError).toBeLessThanOrEqual(yTrue[0]!.length);
        for (const f of perExampleMetrics(yTrue, predict(yScore)).fScore) expect(f >= 0 && f <= 1).toBe(true);
      }),
      { numRuns: 80 },
    );
  });

  it('permuting examples changes nothing; permuting classes permutes per-class values', () => {
    fc.assert(
      fc.property(dataArb, fc.integer({ min: 0, max: 1000 }), ({ yTrue, yScore, n, k }, seed) => {
        const rng = new Rng(seed);
        const rows = rng.permutation(n);
        const cols = rng.permutation(k);
        const pt = rows.map((i) => yTrue[i]!);
        const ps = rows.map((i) => yScore[i]!);
        const close = (a: number, b: number) =>
          Number.isNaN(a) ? expect(b).toBeNaN() : expect(a).toBeCloseTo(b, 12);
        close(rocAucScore(pt, ps), rocAucScore(yTrue, yScore));
        close(
          averagePrecisionScore(pt, ps, { average: 'micro' }),
          averagePrecisionScore(yTrue, yScore, { average: 'micro' }),
        );
        close(
          f1Score(pt, predict(ps), { average: 'samples', zeroDivision: 0 }),
          f1Score(yTrue, predict(yScore), { average: 'samples', zeroDivision: 0 }),
        );
        close(labelRankingAveragePrecision(pt, ps), labelRankingAveragePrecision(yTrue, yScore));
        const ct = yTrue.map((r) => cols.map((j) => r[j]!));
        const cs = yScore.map((r) => cols.map((j) => r[j]!));
        const a = averagePrecisionScore(ct, cs, { average: 'none' });
        const b = averagePrecisionScore(yTrue, yScore, { average: 'none' });
        cols.forEach((j, i) => {
          close(a[i]!, b[j]!);
        });
        close(
          lwlrap(ct, cs, { ties: 'pessimistic' }).lwlrap,
          lwlrap(yTrue, yScore, { ties: 'pessimistic' }).lwlrap,
        );
      }),
      { numRuns: 60 },
    );
  });

  it('perfect scores give AUC, AP, lwlrap and LRAP of 1', () => {
    fc.assert(
      fc.property(dataArb, ({ yTrue }) => {
        const yScore = yTrue.map((r) => r.map((v) => v));
        expect(lwlrap(yTrue, yScore, { ties: 'pessimistic' }).lwlrap).toBeCloseTo(
          yTrue.flat().some((v) => v) ? 1 : 0,
          12,
        );
        expect(labelRankingAveragePrecision(yTrue, yScore)).toBeCloseTo(1, 12);
      }),
      { numRuns: 40 },
    );
  });

  it('evaluate keys results by instrument code and name', () => {
    const rng = new Rng(3);
    const yTrue = Array.from({ length: 50 }, () =>
      Array.from({ length: 11 }, () => (rng.uniform() < 0.2 ? 1 : 0)),
    );
    const yScore = yTrue.map((r) => r.map((y) => 0.5 * y + 0.5 * rng.uniform()));
    const ev = evaluate(yTrue, yScore, { instruments: InstrumentSet.irmas(), thresholds: 0.31 });
    expect(Object.keys(ev.perClass)).toEqual(InstrumentSet.irmas().codes);
    expect(ev.perClass.cel!.name).toBe('Cello');
    expect(ev.perClass.voi!.threshold).toBe(0.31);
    expect(ev.perClass.pia!.support).toBe(yTrue.filter((r) => r[6] === 1).length);
    expect(ev.summary.mAP).toBe(ev.summary.averagePrecision.macro);
    const flat = flattenEvaluation(ev, { prefix: 'val/' });
    expect(flat['val/f1']).toBe(ev.summary.f1.macro);
    expect(flat['instruments/val/Cello_f1']).toBe(ev.perClass.cel!.f1);
  });
});
