import { ConfigError, Rng, Tensor, UnknownInstrumentError } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  buildInferenceModel,
  buildModel,
  buildTrainingArtifacts,
  describeModel,
  freezeInstruments,
  instrumentParamPattern,
  type ModelConfig,
  resolveModelConfig,
  TrainSession,
} from '../src/index.js';
import { SMALL_CONFIGS } from './zoo-small.js';

function batch(shape: number[], classes: number, seed = 3) {
  const rng = new Rng(seed);
  const input = Tensor.zeros('float32', shape);
  rng.fillNormal(input.data);
  const target = Tensor.from(
    'float32',
    Array.from({ length: shape[0]! * classes }, () => (rng.uniform() < 0.3 ? 1 : 0)),
    [shape[0]!, classes],
  );
  return { input, target };
}

describe('every backbone config: build, forward, one train step (onnxruntime-node)', () => {
  for (const { name, config, input } of SMALL_CONFIGS) {
    it(name, async () => {
      const built = buildModel(config, { seed: 7, inputShape: ['N', ...input.slice(1)] });
      const classes = built.instruments.length;
      const artifacts = buildTrainingArtifacts({
        model: built.model,
        inputShape: ['N', ...input.slice(1)],
        targetShape: ['N', classes],
        optimizer: { type: 'adamw', weightDecay: 0.01 },
      });
      // the artifacts' initial weights are buildModel's
      for (const p of artifacts.params) expect(p.value.data, p.name).toEqual(built.weights.get(p.name)!.data);
      const session = await TrainSession.create(ort, artifacts, { seed: 1 });
      const { input: x, target } = batch(input as number[], classes);
      const before = await session.evaluate(x, target);
      expect(before.logits.dims).toEqual([input[0], classes]);
      const r1 = await session.trainStep(x, target, 1e-3);
      const r2 = await session.trainStep(x, target, 1e-3);
      expect(Number.isFinite(r1.loss) && Number.isFinite(r2.loss)).toBe(true);
      const after = await session.evaluate(x, target);
      expect(Number.isFinite(after.loss)).toBe(true);
      // inference model (BN folded) agrees with eval mode
      const { model } = buildInferenceModel(built.model, ['N', ...input.slice(1)], session.getWeights());
      const inf = await ort.InferenceSession.create(model);
      const out = await inf.run({ input: x.toOrt(ort.Tensor) });
      const logits = out.logits!.data as Float32Array;
      const ref = after.logits.data as Float32Array;
      let err = 0;
      let mag = 0;
      for (let i = 0; i < ref.length; i++) {
        err = Math.max(err, Math.abs(logits[i]! - ref[i]!));
        mag = Math.max(mag, Math.abs(ref[i]!));
      }
      expect(err / Math.max(mag, 1e-3)).toBeLessThan(1e-3);
      await inf.release();
      await session.release();
    });
  }
});

describe('buildModel', () => {
  const cfg: ModelConfig = { backbone: { type: 'cnn-model-1', width: 1 / 16 }, head: { type: 'fluffy' } };

  it('same seed → same weights; other seed → different', () => {
    const a = buildModel(cfg, { seed: 1 });
    const b = buildModel(cfg, { seed: 1 });
    const c = buildModel(cfg, { seed: 2 });
    const w = 'backbone.block1.conv1.weight';
    expect(a.weights.get(w)!.data).toEqual(b.weights.get(w)!.data);
    expect(a.weights.get(w)!.data).not.toEqual(c.weights.get(w)!.data);
    expect([...a.weights.keys()]).toEqual([...b.weights.keys()]);
  });

  it('names parameters like a PyTorch state dict, Fluffy heads by instrument', () => {
    const m = buildModel(cfg);
    const names = [...m.weights.keys()];
    expect(names).toContain('backbone.block4.bn2.running_var');
    expect(names).toContain('head.vio.layers.0.linear.weight');
    expect(names).toContain('head.cel.layers.0.norm.weight');
    expect(m.instruments).toHaveLength(11);
    expect(m.config.pool).toBe('avgmax');
    expect(m.config.head).toEqual({
      type: 'fluffy',
      head: {
        type: 'deep',
        hidden: [],
        norm: 'layer',
        activation: 'relu',
        dropout: 0.2,
        init: 'torch-default',
      },
    });
  });

  it("reference-cnn + deep head with init 'kaiming-normal': He-normal conv and linear weights, zero biases", () => {
    const std = (w: Float32Array) => Math.sqrt(w.reduce((s, v) => s + v * v, 0) / w.length);
    const m = buildModel(
      {
        backbone: { type: 'reference-cnn', init: 'kaiming-normal' },
        head: { type: 'deep', hidden: [128], norm: 'none', dropout: 0.3, init: 'kaiming-normal' },
      },
      { seed: 1 },
    );
    const conv = m.weights.get('backbone.block3.conv.weight')!.data as Float32Array;
    expect(std(conv)).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 3);
    const fc1 = m.weights.get('head.layers.0.linear.weight')!;
    expect(fc1.dims).toEqual([128, 512]); // avg + max pooling of 256 channels
    expect(std(fc1.data as Float32Array)).toBeCloseTo(Math.sqrt(2 / 512), 2);
    expect(
      [...(m.weights.get('head.layers.1.linear.bias')!.data as Float32Array)].every((v) => v === 0),
    ).toBe(true);
    // The default stays PyTorch's (kaiming-uniform a = √5: std = 1/√(3·fan_in)).
    const d = buildModel({ backbone: { type: 'reference-cnn' } }, { seed: 1 });
    const dconv = d.weights.get('backbone.block3.conv.weight')!.data as Float32Array;
    expect(std(dconv)).toBeCloseTo(1 / Math.sqrt(3 * 64 * 9), 3);
    expect(() => resolveModelConfig({ backbone: { type: 'reference-cnn', init: 'he' as never } })).toThrow(
      /backbone\.init/,
    );
  });

  it('CNN-model-1 init: kaiming-normal (fan_in, gain √2) conv weights, zero biases', () => {
    const m = buildModel({ backbone: { type: 'cnn-model-1' } });
    const w = m.weights.get('backbone.block3.conv2.weight')!.data as Float32Array;
    let s = 0;
    for (const v of w) s += v * v;
    const std = Math.sqrt(s / w.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (256 * 9)), 3);
    expect(
      [...(m.weights.get('backbone.block3.conv2.bias')!.data as Float32Array)].every((v) => v === 0),
    ).toBe(true);
  });

  it('freezing a Fluffy head leaves it unchanged while the rest trains', async () => {
    const m = buildModel({ ...cfg, instruments: ['cel', 'vio', 'voi'] }, { seed: 3 });
    const group = m.freeze(['vio']);
    expect(group.frozen).toBe(true);
    expect((group.match as RegExp).test('head.vio.layers.0.linear.weight')).toBe(true);
    expect((group.match as RegExp).test('head.voi.layers.0.linear.weight')).toBe(false);
    const artifacts = buildTrainingArtifacts({
      model: m.model,
      inputShape: ['N', 1, 32, 32],
      targetShape: ['N', 3],
      optimizer: { type: 'adamw', groups: [group] },
    });
    expect(artifacts.trainable.some((n) => n.startsWith('head.vio.'))).toBe(false);
    expect(artifacts.trainable.some((n) => n.startsWith('head.voi.'))).toBe(true);
    const session = await TrainSession.create(ort, artifacts);
    const { input, target } = batch([2, 1, 32, 32], 3);
    await session.trainStep(input, target, 1e-2);
    const state = session.getState();
    const w0 = m.weights.get('head.vio.layers.0.linear.weight')!.data;
    expect(state.get('head.vio.layers.0.linear.weight')!.data).toEqual(w0);
    expect(state.get('head.voi.layers.0.linear.weight')!.data).not.toEqual(
      m.weights.get('head.voi.layers.0.linear.weight')!.data,
    );
    await session.release();
  });

  it('freeze: unknown instrument and shared heads are errors', () => {
    const m = buildModel(cfg);
    expect(() => m.freeze(['xyz'])).toThrow(UnknownInstrumentError);
    expect(() => freezeInstruments(['kick'], ['cel'])).toThrow(/kick/);
    const shared = buildModel({ backbone: { type: 'reference-cnn', channels: [2, 2, 2, 2] } });
    expect(() => shared.freeze(['cel'])).toThrow(ConfigError);
    expect(instrumentParamPattern(['vio']).test('backbone.vio.stem.conv.weight')).toBe(false);
    expect(instrumentParamPattern(['vio'], true).test('backbone.vio.stem.conv.weight')).toBe(true);
    // a shared backbone scope that happens to equal a code is not frozen with a Fluffy head
    const odd = buildModel({ ...cfg, instruments: ['block1', 'b'] });
    expect((odd.freeze(['block1']).match as RegExp).test('backbone.block1.conv1.weight')).toBe(false);
  });

  it('per-instrument backbones are named backbone.<code>', () => {
    const m = buildModel({
      backbone: { type: 'reference-cnn', channels: [2, 2, 2, 2] },
      perInstrument: true,
      instruments: ['a', 'b'],
    });
    const names = [...m.weights.keys()];
    expect(names).toContain('backbone.a.block1.conv.weight');
    expect(names).toContain('head.b.fc.weight');
    expect(m.freeze(['a']).match).toEqual(/^(?:head|backbone)\.(?:a)\./);
  });
});

describe('config validation names the key', () => {
  const bad: [unknown, string][] = [
    [{ backbone: { type: 'resnet' } }, 'backbone.type'],
    [{ backbone: { type: 'vgg', depth: 12 } }, 'backbone.depth'],
    [{ backbone: { type: 'cnn-model-1', width: -1 } }, 'backbone.width'],
    [{ backbone: { type: 'cnn-model-1', widht: 2 } }, 'backbone.widht'],
    [{ backbone: { type: 'convnext', depths: [1, 1], dims: [8] } }, 'backbone.dims'],
    [{ backbone: { type: 'wav2vec-frontend', layers: [[8, 10]] } }, 'backbone.layers'],
    [{ backbone: { type: 'mobilenetv3', variant: 'medium' } }, 'backbone.variant'],
    [{ backbone: { type: 'vgg' }, head: { type: 'deep', dropout: 1.5 } }, 'head.dropout'],
    [{ backbone: { type: 'vgg' }, head: { type: 'deep', activation: 'swish' } }, 'head.activation'],
    [{ backbone: { type: 'vgg' }, head: { type: 'fastai', hidden: [8], dropout: [0.1] } }, 'head.dropout'],
    [{ backbone: { type: 'vgg' }, head: { type: 'fluffy', head: { type: 'fluffy' } } }, 'head.head.type'],
    [{ backbone: { type: 'vgg' }, instruments: ['a', 'a'] }, 'instruments'],
    [{ backbone: { type: 'vgg' }, pool: 'sum' }, 'pool'],
    [{}, 'backbone'],
  ];
  for (const [config, key] of bad) {
    it(`${JSON.stringify(config)} → ${key}`, () => {
      try {
        resolveModelConfig(config as ModelConfig);
        expect.unreachable();
      } catch (e) {
        expect(ConfigError.isInstance(e)).toBe(true);
        expect((e as ConfigError).details.key).toBe(key);
        expect((e as Error).message).toContain(key);
      }
    });
  }

  it('a configuration round-trips through JSON', () => {
    const r = resolveModelConfig({ backbone: { type: 'convnext' }, head: { type: 'attention' } });
    expect(resolveModelConfig(JSON.parse(JSON.stringify(r)))).toEqual(r);
  });

  it('input shape errors name the backbone', () => {
    const m = buildModel({ backbone: { type: 'wav2vec-frontend' } });
    expect(() => describeModel(m.config, [1, 1, 128, 128])).toThrow(/wav2vec-frontend/);
  });
});
