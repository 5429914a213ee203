import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { predictBatches } from '../src/evaluate/index.js';
import { memoryData, train } from '../src/loop/index.js';
import {
  findLabelIssues,
  foldAssignment,
  labelQualityScores,
  outOfFoldProbabilities,
  writeLabelQualityReport,
} from '../src/quality/index.js';
import { simpleCnn } from '../src/recipes/simple-cnn.js';
import { toyData, toyInstruments } from './helpers.js';

const m = (rows: number[][]) => Tensor.from('float32', rows.flat(), [rows.length, rows[0]!.length]);

describe('label quality scores (cleanlab multi-label semantics)', () => {
  it('self-confidence per class, EMA (α 0.8) over descending class scores', () => {
    const q = labelQualityScores(m([[1, 0, 1]]), m([[0.9, 0.2, 0.4]]));
    // class scores 0.9, 0.8, 0.4 → EMA: 0.9 → 0.8·0.8+0.2·0.9 = 0.82 → 0.8·0.4+0.2·0.82 = 0.484
    expect(q.scores[0]).toBeCloseTo(0.484, 6);
    [0.9, 0.8, 0.4].forEach((v, k) => {
      expect(q.perClass[k]).toBeCloseTo(v, 6);
    });
    // normalized margin equals self-confidence for binary sub-problems without adjustment
    const nm = labelQualityScores(m([[1, 0, 1]]), m([[0.9, 0.2, 0.4]]), { method: 'normalized_margin' });
    expect(nm.scores[0]).toBeCloseTo(0.484, 6);
  });
  it('adjustPredProbs subtracts the confident thresholds (cleanlab) and ranks a flipped label lowest', () => {
    const labels = m([
      [1, 0],
      [1, 0],
      [0, 1],
      [0, 1],
      [1, 0],
    ]);
    const probs = m([
      [0.9, 0.1],
      [0.8, 0.2],
      [0.1, 0.9],
      [0.2, 0.7],
      [0.1, 0.9],
    ]); // last: labels look swapped
    const q = labelQualityScores(labels, probs, { adjustPredProbs: true });
    const worst = Array.from(q.scores).indexOf(Math.min(...q.scores));
    expect(worst).toBe(4);
    const issues = findLabelIssues(labels, probs, { ids: ['a', 'b', 'c', 'd', 'e'], instruments: undefined });
    expect(issues.length).toBeGreaterThanOrEqual(2);
    expect(issues.every((i) => i.id === 'e')).toBe(true);
    expect(new Set(issues.map((i) => i.kind))).toEqual(new Set(['spurious', 'missing']));
  });
  it('rejects bad input', () => {
    expect(() => labelQualityScores(m([[1, 0]]), m([[0.5, 0.5, 0.5]]))).toThrow(ShapeError);
    expect(() => labelQualityScores(m([[1]]), m([[0.5]]), { alpha: 2 })).toThrow(InvalidArgumentError);
    expect(() => foldAssignment(3, 5)).toThrow(/folds/);
  });
  it('k-fold assignment is balanced and seeded', () => {
    const f = foldAssignment(10, 3, 1);
    expect([0, 1, 2].map((k) => f.filter((x) => x === k).length)).toEqual([4, 3, 3]);
    expect(Array.from(foldAssignment(10, 3, 1))).toEqual(Array.from(f));
  });
});

describe('out-of-fold probabilities → label issues (toy training)', () => {
  it('finds deliberately flipped labels among the worst-scored examples', async () => {
    const { x, y } = toyData(90, 21);
    const flipped = [3, 17, 40, 66];
    for (const i of flipped) y.data[i * 3 + 1] = 1 - y.data[i * 3 + 1]!;
    const dir = mkdtempSync(join(tmpdir(), 'instr-cv-'));
    const oof = await outOfFoldProbabilities(
      90,
      3,
      async (trIdx, held, fold) => {
        const tr = memoryData(x, y, { indices: trIdx, batchSize: 15, seed: fold });
        const run = await train({
          model: simpleCnn({ classes: 3, channels: [8, 16], hidden: 16, seed: 1 }),
          inputShape: ['N', 1, 8, 8],
          instruments: toyInstruments,
          data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch },
          outDir: join(dir, `fold-${fold}`),
          epochs: 8,
          lr: 3e-2,
          schedule: { type: 'onecycle' },
          keepEpochCheckpoints: false,
          quiet: true,
          sessionOptions: { intraOpNumThreads: 1 },
        });
        const p = await predictBatches(
          run.session,
          memoryData(x, y, { indices: held, shuffle: false }).batches(),
        );
        await run.session.release();
        return p.probabilities;
      },
      { seed: 4, classes: 3 },
    );
    const ids = Array.from({ length: 90 }, (_, i) => `clip${i}`);
    const quality = labelQualityScores(y, oof, { adjustPredProbs: true });
    const issues = findLabelIssues(y, oof, { ids, instruments: toyInstruments, quality });
    const order = Array.from(quality.scores.keys()).sort((a, b) => quality.scores[a]! - quality.scores[b]!);
    const worst10 = new Set(order.slice(0, 10));
    const found = flipped.filter((i) => worst10.has(i)).length;
    expect(found).toBeGreaterThanOrEqual(3);
    const flaggedB = new Set(issues.filter((i) => i.code === 'b').map((i) => i.index));
    expect(flipped.filter((i) => flaggedB.has(i)).length).toBeGreaterThanOrEqual(3);
    await writeLabelQualityReport(join(dir, 'quality'), {
      ids,
      labels: y,
      quality,
      issues,
      instruments: toyInstruments,
    });
    expect(readFileSync(join(dir, 'quality', 'label_quality.csv'), 'utf8').split('\n')[0]).toBe(
      'id,score,labels,a,b,c',
    );
    expect(readFileSync(join(dir, 'quality', 'label_quality.html'), 'utf8')).toContain(
      'suspected label errors',
    );
  }, 120_000);
});
