import * as ortNode from 'onnxruntime-node';
import * as ortWeb from 'onnxruntime-web';
import { describe, expect, it } from 'vitest';
import { buildTrainingArtifacts, TrainSession } from '../src/index.js';
import { referenceBatch, referenceCnn } from './reference-cnn.js';

describe('onnxruntime-web (wasm, in Node) runs the same train step', () => {
  it('matches onnxruntime-node after one AdamW step', async () => {
    ortWeb.env.wasm.numThreads = 1;
    const artifacts = buildTrainingArtifacts({
      model: referenceCnn,
      inputShape: ['N', 1, 128, 128],
      targetShape: ['N', 11],
      optimizer: { type: 'adamw', weightDecay: 0.01 },
    });
    const { input, target } = referenceBatch(2);
    const node = await TrainSession.create(ortNode, artifacts);
    const web = await TrainSession.create(ortWeb, artifacts, {
      sessionOptions: { executionProviders: ['wasm'] },
    });
    const a = await node.trainStep(input, target, 1e-3);
    const b = await web.trainStep(input, target, 1e-3);
    expect(Math.abs(a.loss - b.loss) / a.loss).toBeLessThan(1e-5);
    const sa = node.getState();
    const sb = web.getState();
    for (const [name, t] of sa) {
      const u = sb.get(name)!;
      let e = 0;
      let n = 0;
      for (let i = 0; i < t.size; i++) {
        e += ((t.data[i] as number) - (u.data[i] as number)) ** 2;
        n += (t.data[i] as number) ** 2;
      }
      expect(Math.sqrt(e / Math.max(n, 1e-30)), name).toBeLessThan(1e-4);
    }
    await node.release();
    await web.release();
  });
});
