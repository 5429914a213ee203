import { describe, expect, it } from 'vitest';
import {
  averagePrecisionScore,
  calibration,
  coverageError,
  f1Score,
  fbetaScore,
  findBestThreshold,
  findBestThresholdsPerClass,
  hammingLoss,
  labelRankingAveragePrecision,
  labelRankingLoss,
  lwlrap,
  multilabelConfusionMatrix,
  pairConfusion,
  perExampleMetrics,
  precisionRecallCurve,
  precisionRecallFscoreSupport,
  rocAucScore,
  rocCurve,
  subsetAccuracy,
  type Average,
} from '../src/index.js';
import { expectClose, loadFixture, sklearnCases } from './helpers.js';

const cases = sklearnCases();
const col = (m: number[][], c: number) => m.map((r) => r[c]!);

describe.each(cases.map((c) => [c.name, c]))('scikit-learn golden case %s', (_name, fx: any) => {
  const k = fx.yTrue[0].length;

  it('hamming loss, subset accuracy and multilabel confusion matrix', () => {
    expectClose(hammingLoss(fx.yTrue, fx.yPred), fx.hammingLoss);
    expectClose(subsetAccuracy(fx.yTrue, fx.yPred), fx.subsetAccuracy);
    expect(multilabelConfusionMatrix(fx.yTrue, fx.yPred)).toEqual(fx.mcm);
  });

  it('precision / recall / F-beta for every average and zero_division', () => {
    let checked = 0;
    for (const [key, exp] of Object.entries<any>(fx.prf)) {
      const [zdRaw, avgRaw, betaRaw] = key.split('|');
      const zeroDivision = zdRaw === 'warn' ? 'warn' : Number(zdRaw);
      const average = avgRaw as Average;
      if (k === 1 && average === 'samples') continue;
      const r = precisionRecallFscoreSupport(fx.yTrue, fx.yPred, {
        average,
        beta: Number(betaRaw),
        zeroDivision,
      });
      expectClose(r.precision, exp.precision, 1e-9, `${key} precision`);
      expectClose(r.recall, exp.recall, 1e-9, `${key} recall`);
      expectClose(r.fScore, exp.f, 1e-9, `${key} f`);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    expectClose(f1Score(fx.yTrue, fx.yPred, { average: 'micro', zeroDivision: 0 }), fx.prf['0|micro|1.0'].f);
    expectClose(
      fbetaScore(fx.yTrue, fx.yPred, 2, { average: 'none', zeroDivision: 1 }),
      fx.prf['1|none|2.0'].f,
    );
  });

  it('per-example metric distributions (the reference transposition)', () => {
    for (const zd of [0, 1] as const) {
      const r = perExampleMetrics(fx.yTrue, fx.yPred, { zeroDivision: zd });
      const exp = fx[`perExample|${zd}`];
      expectClose(r.precision, exp.precision);
      expectClose(r.recall, exp.recall);
      expectClose(r.fScore, exp.f1);
    }
  });

  it('ROC curves (drop_intermediate on and off) and AUC', () => {
    for (let c = 0; c < k; c++) {
      const t = col(fx.yTrue, c);
      const s = col(fx.yScore, c);
      const r = rocCurve(t, s);
      expectClose(r.fpr, fx.roc[c].fpr, 1e-9, `roc ${c} fpr`);
      expectClose(r.tpr, fx.roc[c].tpr, 1e-9, `roc ${c} tpr`);
      expectClose(r.thresholds, fx.roc[c].thresholds, 1e-9, `roc ${c} thr`);
      const full = rocCurve(t, s, { dropIntermediate: false });
      expectClose(full.fpr, fx.rocFull[c].fpr);
      expectClose(full.tpr, fx.rocFull[c].tpr);
      expectClose(full.thresholds, fx.rocFull[c].thresholds);
    }
    expectClose(rocAucScore(fx.yTrue, fx.yScore, { average: 'none' }), fx.rocAucPerClass);
    for (const avg of ['macro', 'micro', 'weighted', 'samples'] as const) {
      if (fx.rocAuc[avg] === null || (k === 1 && avg === 'samples')) continue; // sklearn raised
      expectClose(rocAucScore(fx.yTrue, fx.yScore, { average: avg }), fx.rocAuc[avg], 1e-9, `auc ${avg}`);
    }
  });

  it('precision-recall curves and step-wise average precision', () => {
    for (let c = 0; c < k; c++) {
      const r = precisionRecallCurve(col(fx.yTrue, c), col(fx.yScore, c));
      expectClose(r.precision, fx.pr[c].precision, 1e-9, `pr ${c} p`);
      expectClose(r.recall, fx.pr[c].recall, 1e-9, `pr ${c} r`);
      expectClose(r.thresholds, fx.pr[c].thresholds, 1e-9, `pr ${c} t`);
    }
    expectClose(averagePrecisionScore(fx.yTrue, fx.yScore, { average: 'none' }), fx.apPerClass);
    for (const avg of ['macro', 'micro', 'weighted', 'samples'] as const) {
      if (fx.ap[avg] === null || (k === 1 && avg === 'samples')) continue;
      expectClose(
        averagePrecisionScore(fx.yTrue, fx.yScore, { average: avg }),
        fx.ap[avg],
        1e-9,
        `ap ${avg}`,
      );
    }
  });

  it('label ranking metrics and lwlrap', () => {
    if (fx.lrap !== null) expectClose(labelRankingAveragePrecision(fx.yTrue, fx.yScore), fx.lrap);
    if (fx.coverageError !== null) expectClose(coverageError(fx.yTrue, fx.yScore), fx.coverageError);
    if (fx.labelRankingLoss !== null) expectClose(labelRankingLoss(fx.yTrue, fx.yScore), fx.labelRankingLoss);
    const lw = lwlrap(fx.yTrue, fx.yScore);
    expectClose(lw.perClass, fx.lwlrap.perClass);
    expectClose(lw.weights, fx.lwlrap.weights);
    expectClose(lw.lwlrap, fx.lwlrap.overall);
    if (fx.lrapWeightedByPositives != null) {
      // lwlrap with scikit-learn's tie handling == LRAP weighted by positives per example
      expectClose(lwlrap(fx.yTrue, fx.yScore, { ties: 'pessimistic' }).lwlrap, fx.lrapWeightedByPositives);
    }
  });

  it('calibration bins and ECE', () => {
    if (!fx.calibration) return;
    const r = calibration(fx.yTrue, fx.yScore, { nBins: 10 });
    const nonEmpty = r.bins.filter((b) => b.count > 0);
    expectClose(
      nonEmpty.map((b) => b.fractionPositive),
      fx.calibration.probTrue,
    );
    expectClose(
      nonEmpty.map((b) => b.meanPredicted),
      fx.calibration.probPred,
    );
    expect(r.bins.map((b) => b.count)).toEqual(fx.calibration.counts);
    expectClose(r.ece, fx.calibration.ece);
  });

  it('instrument-pair 2x2 confusion equals confusion_matrix(yTrue[:, a], yPred[:, b])', () => {
    expect(pairConfusion(fx.yTrue, fx.yPred).pairs).toEqual(fx.pairConfusion2x2);
  });

  if (fx.thresholdSearch)
    it('threshold search matches the numpy reference search', () => {
      const g = findBestThreshold(fx.yTrue, fx.yScore);
      expectClose(g.threshold, fx.thresholdSearch.global.threshold, 1e-12);
      expectClose(g.score, fx.thresholdSearch.global.score);
      const pc = findBestThresholdsPerClass(fx.yTrue, fx.yScore);
      expectClose(
        Array.from(pc.thresholds),
        fx.thresholdSearch.perClass.map((x: any) => x.threshold),
        1e-12,
      );
      expectClose(
        Array.from(pc.scores),
        fx.thresholdSearch.perClass.map((x: any) => x.score),
      );
    });
});

describe('lwlrap against the Freesound reference formula on hand-made cases', () => {
  const hand: any[] = loadFixture('lwlrap_handmade.json').cases;
  it.each(hand.map((h, i) => [i, h] as [number, any]))('case %i', (_i, h) => {
    const r = lwlrap(h.yTrue, h.yScore);
    expectClose(r.perClass, h.perClass);
    expectClose(r.weights, h.weights);
    expectClose(r.lwlrap, h.overall);
  });
  it('the documented example', () => {
    const r = lwlrap(
      [
        [1, 0, 0],
        [0, 1, 1],
      ],
      [
        [0.9, 0.5, 0.1],
        [0.9, 0.5, 0.1],
      ],
    );
    expectClose(r.lwlrap, (1 + 1 / 2 + 2 / 3) / 3);
  });
});
