import { Rng, Tensor } from '@instr/core';
import { buildTrainingArtifacts, type ModelFn, TrainSession } from '@instr/models';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GradientAccumulator } from '../src/loop/index.js';
import { simpleCnn } from '../src/recipes/simple-cnn.js';
import { toyData } from './helpers.js';

const mlp: ModelFn = (b, x) => {
  const rng = new Rng(3);
  const w1 = Tensor.zeros('float32', [16, 64]);
  rng.fillNormal(w1.data, 0, 0.2);
  const w2 = Tensor.zeros('float32', [3, 16]);
  rng.fillNormal(w2.data, 0, 0.2);
  const h = b.relu(
    b.linear(b.flatten(x, 1), b.param('fc1.weight', w1), b.param('fc1.bias', Tensor.zeros('float32', [16]))),
  );
  return b.linear(h, b.param('fc2.weight', w2), b.param('fc2.bias', Tensor.zeros('float32', [3])));
};

describe('gradient accumulation', () => {
  it('k micro-batches of B equal one batch of k·B (no batch-norm): same weights after 3 AdamW updates', async () => {
    const { x, y } = toyData(24, 8);
    const spec = {
      model: mlp,
      inputShape: ['N', 1, 8, 8] as const,
      targetShape: ['N', 3] as const,
      optimizer: { type: 'adamw' as const, weightDecay: 0.01, clipGradNorm: 1 },
    };
    const so = { intraOpNumThreads: 1 };
    const big = await TrainSession.create(ort, buildTrainingArtifacts(spec), { sessionOptions: so });
    const acc = await GradientAccumulator.create(ort, spec, { microBatches: 2, sessionOptions: so });
    const updates: boolean[] = [];
    for (let s = 0; s < 3; s++) {
      await big.trainStep(x.slice(8 * s, 8 * s + 8), y.slice(8 * s, 8 * s + 8), 1e-2);
      for (let m = 0; m < 2; m++) {
        const r = await acc.trainStep(
          x.slice(8 * s + 4 * m, 8 * s + 4 * m + 4),
          y.slice(8 * s + 4 * m, 8 * s + 4 * m + 4),
          1e-2,
        );
        updates.push(r.updated);
      }
    }
    expect(updates).toEqual([false, true, false, true, false, true]);
    expect(acc.step).toBe(3);
    const wa = big.getWeights();
    const wb = acc.getWeights();
    let maxDiff = 0;
    for (const [k, t] of wa) {
      const u = wb.get(k)!;
      for (let i = 0; i < t.size; i++)
        maxDiff = Math.max(maxDiff, Math.abs(Number(t.data[i]) - Number(u.data[i])));
    }
    expect(maxDiff).toBeLessThan(1e-5);
    await big.release();
    await acc.release();
  });
  it('works with batch-norm and dropout models, and rejects bad options', async () => {
    const { x, y } = toyData(8, 9);
    const spec = {
      model: simpleCnn({ classes: 3, channels: [4], hidden: 8, dropout: 0.3 }),
      inputShape: ['N', 1, 8, 8] as const,
      targetShape: ['N', 3] as const,
      optimizer: { type: 'sgd' as const, momentum: 0.9 },
    };
    const acc = await GradientAccumulator.create(ort, spec, { microBatches: 2, seed: 1 });
    const before = acc.getWeights().get('head.fc2.weight')!.clone();
    await acc.trainStep(x.slice(0, 4), y.slice(0, 4), 0.1);
    expect(acc.getWeights().get('head.fc2.weight')!.data).toEqual(before.data);
    await acc.trainStep(x.slice(4, 8), y.slice(4, 8), 0.1);
    expect(acc.getWeights().get('head.fc2.weight')!.data).not.toEqual(before.data);
    await acc.release();
    await expect(GradientAccumulator.create(ort, spec, { microBatches: 0 })).rejects.toThrow(/microBatches/);
  });
});
