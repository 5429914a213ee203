import { InstrumentSet, Rng } from '@instr/core';
import type { EpochRecord } from '../src/index.js';

/**
 * A realistic fake IRMAS evaluation: label frequencies and co-occurrences like IRMAS test (voice, piano,
 * guitars common; several instruments per piece), scores from a decent but imperfect model that confuses
 * related instruments (cello/violin, clarinet/flute/sax, acoustic/electric guitar, organ/piano).
 */
export function fakeEvaluationData(n: number, seed: number) {
  const rng = new Rng(seed);
  const irmas = InstrumentSet.irmas();
  const k = irmas.size;
  const prior = [0.08, 0.06, 0.08, 0.22, 0.3, 0.14, 0.38, 0.07, 0.06, 0.08, 0.45];
  const confusable: number[][] = [[9], [2, 7], [1, 7], [4], [3], [6], [5], [1, 8], [7], [0], []];
  const skill = [0.55, 0.5, 0.6, 0.55, 0.65, 0.5, 0.6, 0.75, 0.7, 0.55, 0.85];
  const yTrue: number[][] = [];
  const yScore: number[][] = [];
  for (let i = 0; i < n; i++) {
    const y = prior.map((p) => (rng.uniform() < p ? 1 : 0));
    if (!y.some((v) => v)) y[rng.int(0, k - 1)] = 1;
    const s = y.map((v, c) => {
      let logit = -1.8 + rng.normal(0, 1.2) + (v ? 0.6 + 2.2 * skill[c]! : 0);
      for (const o of confusable[c]!) if (y[o]) logit += 1.3;
      return 1 / (1 + Math.exp(-logit));
    });
    yTrue.push(y);
    yScore.push(s);
  }
  const history: EpochRecord[] = [];
  for (let e = 1; e <= 20; e++) {
    const tl = 0.62 * Math.exp(-e / 6) + 0.12 + rng.normal(0, 0.005);
    const vl = 0.58 * Math.exp(-e / 7) + 0.2 + 0.004 * Math.max(0, e - 12) + rng.normal(0, 0.008);
    history.push({
      epoch: e,
      trainLoss: tl,
      valLoss: vl,
      valF1: 0.62 - 0.45 * Math.exp(-e / 5) + rng.normal(0, 0.01),
      valMAP: 0.7 - 0.4 * Math.exp(-e / 5) + rng.normal(0, 0.008),
    });
  }
  return { yTrue, yScore, instruments: irmas, history };
}
