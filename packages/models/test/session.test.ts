import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, NonFiniteError, Rng, ShapeError, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildTrainingArtifacts,
  decodeCheckpoint,
  decodeModel,
  GraphBuilder,
  type Loss,
  type ModelFn,
  type OptimizerConfig,
  TrainSession,
} from '../src/index.js';
import { referenceBatch, referenceCnn } from './reference-cnn.js';

// logits = w·x + bias; loss = Σ logits·target  ⇒  dL/dw = Σ_n x·t, dL/dbias = Σ_n t (independent of w).
const W0 = [0.5, -1, 2, 0.25];
const linearModel: ModelFn = (b, x) =>
  b.add(
    b.mul(x, b.param('w', Tensor.from('float32', W0, [1, 4]))),
    b.param('bias', Tensor.from('float32', [0.1, 0.2, 0.3, 0.4])),
  );
const dotLoss: Loss = (b, logits, t) => b.reduceSum(b.mul(logits, t), [0, 1]);
const X = Tensor.from('float32', [1, 2, -1, 0.5, 0.5, -1, 3, 1], [2, 4]);
const T = Tensor.from('float32', [1, 0.5, 2, -1, 0.25, 1, -0.5, 2], [2, 4]);
const GW = [0, 1, 2, 3].map((j) => X.data[j]! * T.data[j]! + X.data[4 + j]! * T.data[4 + j]!);
const GB = [0, 1, 2, 3].map((j) => T.data[j]! + T.data[4 + j]!);

async function run(optimizer: OptimizerConfig, steps: number, lrs: number[] = [0.1, 0.05, 0.02]) {
  const artifacts = buildTrainingArtifacts({
    model: linearModel,
    inputShape: ['N', 4],
    targetShape: ['N', 4],
    loss: dotLoss,
    optimizer,
  });
  const s = await TrainSession.create(ort, artifacts);
  const norms: (number | undefined)[] = [];
  for (let i = 0; i < steps; i++) norms.push((await s.trainStep(X, T, lrs[i]!)).gradNorm);
  const st = s.getState();
  await s.release();
  return {
    w: Array.from(st.get('w')!.data as Float32Array),
    bias: Array.from(st.get('bias')!.data as Float32Array),
    norms,
  };
}

/** PyTorch's update rules, written out for one parameter with a constant gradient. */
function reference(
  kind: 'sgd' | 'adam' | 'adamw',
  p0: number[],
  g: number[],
  o: Record<string, number | boolean>,
  lrs: number[],
  steps: number,
): number[] {
  const p = [...p0];
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const buf = p.map(() => 0);
  const [b1, b2, eps, wd] = [0.9, 0.999, 1e-8, (o.wd as number) ?? 0];
  for (let t = 1; t <= steps; t++) {
    const lr = lrs[t - 1]!;
    for (let i = 0; i < p.length; i++) {
      let gi = g[i]! * ((o.scale as number) ?? 1);
      if (kind === 'sgd') {
        if (wd) gi += wd * p[i]!;
        const mom = (o.momentum as number) ?? 0;
        const damp = (o.dampening as number) ?? 0;
        if (mom) {
          buf[i] = t === 1 ? gi : mom * buf[i]! + (1 - damp) * gi;
          gi = o.nesterov ? gi + mom * buf[i]! : buf[i]!;
        }
        p[i] = p[i]! - lr * gi;
        continue;
      }
      if (kind === 'adam' && wd) gi += wd * p[i]!;
      if (kind === 'adamw') p[i] = p[i]! * (1 - lr * wd);
      m[i] = b1 * m[i]! + (1 - b1) * gi;
      v[i] = b2 * v[i]! + (1 - b2) * gi * gi;
      const denom = Math.sqrt(v[i]!) / Math.sqrt(1 - b2 ** t) + eps;
      p[i] = p[i]! - (lr / (1 - b1 ** t)) * (m[i]! / denom);
    }
  }
  return p;
}

const close = (a: number[], b: number[]) => {
  for (const [i, x] of a.entries()) expect(x).toBeCloseTo(b[i]!, 5);
};

describe('in-graph optimisers follow PyTorch semantics', () => {
  it('SGD with momentum, dampening and weight decay', async () => {
    const r = await run({ type: 'sgd', momentum: 0.9, dampening: 0.1, weightDecay: 0.01 }, 3);
    close(r.w, reference('sgd', W0, GW, { momentum: 0.9, dampening: 0.1, wd: 0.01 }, [0.1, 0.05, 0.02], 3));
    close(
      r.bias,
      reference('sgd', [0.1, 0.2, 0.3, 0.4], GB, { momentum: 0.9, dampening: 0.1 }, [0.1, 0.05, 0.02], 3),
    );
  });
  it('SGD Nesterov', async () => {
    const r = await run({ type: 'sgd', momentum: 0.8, nesterov: true }, 3);
    close(r.w, reference('sgd', W0, GW, { momentum: 0.8, nesterov: true }, [0.1, 0.05, 0.02], 3));
  });
  it('Adam with L2 decay (biases not decayed by default)', async () => {
    const r = await run({ type: 'adam', weightDecay: 0.1 }, 3);
    close(r.w, reference('adam', W0, GW, { wd: 0.1 }, [0.1, 0.05, 0.02], 3));
    close(r.bias, reference('adam', [0.1, 0.2, 0.3, 0.4], GB, {}, [0.1, 0.05, 0.02], 3));
  });
  it('AdamW with decoupled decay, a group with its own lr and decay', async () => {
    const r = await run(
      { type: 'adamw', weightDecay: 0.5, groups: [{ match: /^bias$/, lrScale: 0.5, weightDecay: 0.2 }] },
      3,
    );
    close(r.w, reference('adamw', W0, GW, { wd: 0.5 }, [0.1, 0.05, 0.02], 3));
    close(r.bias, reference('adamw', [0.1, 0.2, 0.3, 0.4], GB, { wd: 0.2 }, [0.05, 0.025, 0.01], 3));
  });
  it('gradient clipping by global norm', async () => {
    const norm = Math.hypot(...GW, ...GB);
    const r = await run({ type: 'sgd', clipGradNorm: 1 }, 1);
    expect(r.norms[0]).toBeCloseTo(norm, 4);
    close(r.w, reference('sgd', W0, GW, { scale: 1 / (norm + 1e-6) }, [0.1], 1));
  });
  it('frozen parameters are not updated and not differentiated', async () => {
    const frozen = buildTrainingArtifacts({
      model: linearModel,
      inputShape: ['N', 4],
      targetShape: ['N', 4],
      loss: dotLoss,
      optimizer: { type: 'sgd', groups: [{ match: /^w$/, frozen: true }] },
    });
    expect(frozen.trainable).toEqual(['bias']);
    expect(decodeModel(frozen.trainStep).outputs).not.toContain('new:w');
    const r = await run({ type: 'sgd', groups: [{ match: (p) => p.name === 'w', frozen: true }] }, 1);
    close(r.w, W0);
    close(r.bias, reference('sgd', [0.1, 0.2, 0.3, 0.4], GB, {}, [0.1], 1));
  });
  it('rejects bad configurations', () => {
    const build = (optimizer: OptimizerConfig) => () =>
      buildTrainingArtifacts({
        model: linearModel,
        inputShape: ['N', 4],
        targetShape: ['N', 4],
        loss: dotLoss,
        optimizer,
      });
    expect(build({ type: 'adamw', betas: [1.2, 0.9] })).toThrow(ConfigError);
    expect(build({ type: 'sgd', nesterov: true })).toThrow(/nesterov/);
    expect(build({ type: 'sgd', clipGradNorm: -1 })).toThrow(ConfigError);
  });
});

describe('TrainSession', () => {
  const small: ModelFn = (b, x) => {
    const rng = new Rng(3);
    const w = Tensor.zeros('float32', [4, 1, 3, 3]);
    rng.fillNormal(w.data, 0, 0.3);
    const fc = Tensor.zeros('float32', [3, 4]);
    rng.fillNormal(fc.data, 0, 0.3);
    let h = b.conv(x, b.param('conv.weight', w), undefined, { padding: 1 });
    h = b.scope('bn', () =>
      b.batchNorm(
        h,
        b.param('weight', Tensor.full('float32', [4], 1)),
        b.param('bias', Tensor.zeros('float32', [4])),
        b.buffer('running_mean', Tensor.zeros('float32', [4])),
        b.buffer('running_var', Tensor.full('float32', [4], 1)),
      ),
    );
    h = b.dropout(b.flatten(b.globalAvgPool(b.relu(h))), 0.3);
    return b.linear(h, b.param('fc.weight', fc), b.param('fc.bias', Tensor.zeros('float32', [3])));
  };
  const spec = {
    model: small,
    inputShape: ['N', 1, 8, 8],
    targetShape: ['N', 3],
    optimizer: { type: 'adamw' } as const,
  };
  const rng = new Rng(9);
  const x = Tensor.zeros('float32', [5, 1, 8, 8]);
  rng.fillNormal(x.data);
  const t = Tensor.from(
    'float32',
    Array.from({ length: 15 }, (_, i) => i % 2),
    [5, 3],
  );

  it('checkpoints restore parameters, optimiser state, step and the dropout RNG', async () => {
    const artifacts = buildTrainingArtifacts(spec);
    expect(artifacts.dropoutMasks).toHaveLength(1);
    const a = await TrainSession.create(ort, artifacts, { seed: 5 });
    await a.trainStep(x, t, 0.01);
    await a.trainStep(x, t, 0.01);
    const bytes = a.saveCheckpoint({ epoch: 1 });
    expect(decodeCheckpoint(bytes).step).toBe(2);
    const b = await TrainSession.create(ort, artifacts, { seed: 123 });
    expect(b.loadCheckpoint(bytes).epoch).toBe(1);
    expect(b.step).toBe(2);
    const ra = await a.trainStep(x, t, 0.01);
    const rb = await b.trainStep(x, t, 0.01);
    expect(rb.loss).toBe(ra.loss);
    expect(Array.from(b.getState().get('optim.v.fc.weight')!.data as Float32Array)).toEqual(
      Array.from(a.getState().get('optim.v.fc.weight')!.data as Float32Array),
    );
    await a.release();
    await b.release();
  });

  it('dropout masks are seeded; eval mode ignores dropout', async () => {
    const artifacts = buildTrainingArtifacts(spec);
    const losses = async (seed: number) => {
      const s = await TrainSession.create(ort, artifacts, { seed });
      const l = (await s.trainStep(x, t, 0.01)).loss;
      const e1 = (await s.evaluate(x, t)).loss;
      const e2 = (await s.evaluate(x, t)).loss;
      await s.release();
      return [l, e1, e2];
    };
    const [a1, ea, ea2] = await losses(1);
    const [a2] = await losses(1);
    const [b1] = await losses(2);
    expect(a1).toBe(a2);
    expect(a1).not.toBe(b1);
    expect(ea).toBe(ea2);
  });

  it('inference model: batch-norm folded, metadata, sigmoid, external data; matches the eval model', async () => {
    const artifacts = buildTrainingArtifacts(spec);
    const s = await TrainSession.create(ort, artifacts);
    for (let i = 0; i < 3; i++) await s.trainStep(x, t, 0.05);
    const ev = await s.evaluate(x, t);
    const { model } = s.exportInference({ metadata: { instruments: 'cel,cla,flu' } });
    const info = decodeModel(model);
    expect(info.ops).not.toContain('BatchNormalization');
    expect(info.metadata.instruments).toBe('cel,cla,flu');
    expect(info.outputs).toEqual(['logits', 'probabilities']);
    const inf = await ort.InferenceSession.create(model);
    const out = await inf.run({ input: x.toOrt(ort.Tensor) });
    const logits = out.logits!.data as Float32Array;
    for (const [i, v] of logits.entries()) expect(v).toBeCloseTo(ev.logits.data[i] as number, 5);
    expect(out.probabilities!.data[0]).toBeCloseTo(1 / (1 + Math.exp(-logits[0]!)), 6);
    const ext = s.exportInference({ externalData: { location: 'model.onnx.data', threshold: 64 } });
    expect(ext.externalData!.data.byteLength).toBeGreaterThan(0);
    const dir = mkdtempSync(join(tmpdir(), 'instr-models-'));
    writeFileSync(join(dir, 'model.onnx'), ext.model);
    writeFileSync(join(dir, 'model.onnx.data'), ext.externalData!.data);
    expect(decodeModel(ext.model).initializers.length).toBeGreaterThan(0);
    const inf2 = await ort.InferenceSession.create(join(dir, 'model.onnx'));
    const out2 = await inf2.run({ input: x.toOrt(ort.Tensor) });
    expect(Array.from(out2.logits!.data as Float32Array)).toEqual(Array.from(logits));
    await Promise.all([s.release(), inf.release(), inf2.release()]);
  });

  it('rejects wrong inputs and non-finite losses with typed errors', async () => {
    const artifacts = buildTrainingArtifacts(spec);
    const s = await TrainSession.create(ort, artifacts);
    await expect(s.trainStep(Tensor.zeros('float32', [5, 1, 9, 8]), t, 0.01)).rejects.toThrow(ShapeError);
    const bad = x.clone();
    bad.data[3] = Number.NaN;
    await expect(s.trainStep(bad, t, 0.01)).rejects.toThrow(NonFiniteError);
    expect(s.step).toBe(0);
    await s.release();
  });
});

describe('builder shape errors name the op and both shapes', () => {
  it('conv channel mismatch', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 3, 8, 8]);
    const w = b.param('w', Tensor.zeros('float32', [4, 2, 3, 3]));
    expect(() => b.scope('block2', () => b.conv(x, w))).toThrow(
      /Conv \(in block2\).*\[N, 3, 8, 8\].*\[4, 2, 3, 3\]/,
    );
  });
  it('broadcast, matmul, linear, reshape', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 3]);
    expect(() => b.add(x, b.input('y', 'float32', [4]))).toThrow(ShapeError);
    expect(() => b.matmul(x, b.input('m', 'float32', [4, 2]))).toThrow(/MatMul.*\[N, 3\].*\[4, 2\]/);
    expect(() => b.linear(x, b.param('lw', Tensor.zeros('float32', [5, 4])))).toThrow(/Linear/);
    expect(() => b.reshape(b.input('r', 'float32', [2, 3]), [4, -1])).toThrow(/Reshape/);
  });
  it('infers shapes through the reference CNN with a symbolic batch', () => {
    const b = new GraphBuilder({ mode: 'eval' });
    const y = referenceCnn(b, b.input('input', 'float32', ['N', 1, 128, 128]));
    expect(y.shape).toEqual(['N', 11]);
    expect(referenceBatch(2).input.dims).toEqual([2, 1, 128, 128]);
  });
});

describe('@instr/models/node file helpers', () => {
  it('writes and reads checkpoints and model files atomically', async () => {
    const { saveCheckpointFile, loadCheckpointFile, writeModelFiles } = await import('@instr/models/node');
    const { encodeCheckpoint } = await import('../src/index.js');
    const dir = mkdtempSync(join(tmpdir(), 'instr-models-node-'));
    const bytes = encodeCheckpoint({ step: 7, tensors: new Map([['w', Tensor.from('float32', [1, 2, 3])]]) });
    await saveCheckpointFile(join(dir, 'a.ckpt'), bytes);
    const back = decodeCheckpoint(await loadCheckpointFile(join(dir, 'a.ckpt')));
    expect(back.step).toBe(7);
    expect(Array.from(back.tensors.get('w')!.data as Float32Array)).toEqual([1, 2, 3]);
    await expect(loadCheckpointFile(join(dir, 'missing.ckpt'))).rejects.toThrow(/missing\.ckpt/);
    expect(() => decodeCheckpoint(new Uint8Array(10))).toThrow(/checkpoint/);
    await writeModelFiles(join(dir, 'm.onnx'), {
      model: new Uint8Array([1]),
      externalData: { location: 'm.onnx.data', data: new Uint8Array([2]) },
    });
  });
});
