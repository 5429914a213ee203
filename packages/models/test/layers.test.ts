import { ConfigError, Rng, ShapeError, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import {
  calculateGain,
  conv2d,
  createParam,
  depthwiseSeparableConv,
  squeezeExcitation2d,
  convNeXtBlock,
  resNeXtBottleneck,
  invertedResidual,
  dropPath,
  encodeModel,
  fans,
  GraphBuilder,
  groupNorm,
  initTensor,
  kaimingNormal,
  kaimingUniform,
  linear,
  lowerGraph,
  makeDivisible,
  type SymTensor,
  temporalAttentionPool,
  truncNormalInit,
  xavierNormal,
  xavierUniform,
} from '../src/index.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const d = t.data as Float32Array;
  let s = 0;
  let s2 = 0;
  let min = Infinity;
  let max = -Infinity;
  for (const v of d) {
    s += v;
    s2 += v * v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const mean = s / d.length;
  return { mean, std: Math.sqrt(s2 / d.length - mean * mean), min, max };
}

describe('initialisers (PyTorch formulas)', () => {
  it('gains and fans as torch.nn.init', () => {
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 12);
    expect(calculateGain('leaky_relu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 12);
    expect(calculateGain('leaky_relu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 12);
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 12);
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('linear')).toBe(1);
    expect(fans([64, 32, 3, 3])).toEqual([288, 576]);
    expect(fans([10, 20])).toEqual([20, 10]);
    expect(() => fans([5])).toThrow(ShapeError);
  });

  it('kaiming normal: std gain/√fan (fan_in and fan_out), mean 0', () => {
    const a = stats(kaimingNormal(new Rng(1), [256, 64, 3, 3]));
    expect(a.mean).toBeCloseTo(0, 3);
    expect(a.std / Math.sqrt(2 / 576)).toBeCloseTo(1, 2);
    const b = stats(kaimingNormal(new Rng(1), [256, 64, 3, 3], { mode: 'fan_out', nonlinearity: 'relu' }));
    expect(b.std / Math.sqrt(2 / 2304)).toBeCloseTo(1, 2);
    const c = stats(kaimingNormal(new Rng(1), [256, 64, 3, 3], { nonlinearity: 'leaky_relu', a: 0.2 }));
    expect(c.std / (Math.sqrt(2 / 1.04) / Math.sqrt(576))).toBeCloseTo(1, 2);
  });

  it('kaiming uniform, xavier and torch_default bounds', () => {
    const ku = stats(kaimingUniform(new Rng(2), [128, 512]));
    const bound = Math.SQRT2 * Math.sqrt(3 / 512);
    expect(ku.max).toBeLessThanOrEqual(bound);
    expect(ku.min).toBeGreaterThanOrEqual(-bound);
    expect(ku.max).toBeGreaterThan(0.99 * bound);
    const td = stats(initTensor(new Rng(2), [128, 512], { type: 'torch_default' }));
    expect(td.max).toBeLessThanOrEqual(1 / Math.sqrt(512));
    expect(td.max).toBeGreaterThan(0.99 / Math.sqrt(512));
    const tb = stats(initTensor(new Rng(2), [4096], { type: 'torch_default', fanIn: 9 }));
    expect(tb.max).toBeLessThanOrEqual(1 / 3);
    expect(tb.min).toBeGreaterThanOrEqual(-1 / 3);
    const xu = stats(xavierUniform(new Rng(3), [200, 300]));
    expect(xu.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    const xn = stats(xavierNormal(new Rng(3), [200, 300], 2));
    expect(xn.std / (2 * Math.sqrt(2 / 500))).toBeCloseTo(1, 2);
  });

  it('trunc normal stays within its absolute bounds; zeros/ones/constant', () => {
    const t = stats(truncNormalInit(new Rng(4), [20000], 0, 1, -0.5, 0.5));
    expect(t.min).toBeGreaterThanOrEqual(-0.5);
    expect(t.max).toBeLessThanOrEqual(0.5);
    const c = stats(truncNormalInit(new Rng(4), [20000], 0, 0.02));
    expect(c.std).toBeCloseTo(0.02, 3);
    expect([...initTensor(new Rng(0), [3], { type: 'ones' }).data]).toEqual([1, 1, 1]);
    expect([...initTensor(new Rng(0), [2], { type: 'constant', value: 1e-6 }).data]).toEqual([
      Math.fround(1e-6),
      Math.fround(1e-6),
    ]);
  });

  it('same Rng seed → same values; bad specs are ConfigErrors naming the key', () => {
    expect(kaimingNormal(new Rng(9), [8, 8]).data).toEqual(kaimingNormal(new Rng(9), [8, 8]).data);
    try {
      initTensor(new Rng(0), [2, 2], { type: 'he' } as never);
      expect.unreachable();
    } catch (e) {
      expect(ConfigError.isInstance(e) && e.details.key).toBe('init.type');
    }
    expect(() => initTensor(new Rng(0), [4], { type: 'torch_default' })).toThrow(/fanIn/);
  });

  it('createParam reuses the cache between builds and checks shapes', () => {
    const cache = new Map<string, Tensor>();
    const b1 = new GraphBuilder();
    const p1 = createParam(b1, { rng: new Rng(1), cache }, 'w', [2, 3], { type: 'normal' });
    const b2 = new GraphBuilder();
    createParam(b2, { rng: new Rng(2), cache }, 'w', [2, 3], { type: 'normal' });
    expect(b2.params.get('w')!.value).toBe(b1.params.get(p1.name)!.value);
    expect(() =>
      createParam(new GraphBuilder(), { rng: new Rng(1), cache }, 'w', [3, 2], { type: 'normal' }),
    ).toThrow(ShapeError);
  });
});

async function run(
  build: (b: GraphBuilder, x: SymTensor) => SymTensor,
  x: Tensor<'float32'>,
): Promise<{ out: Float32Array; b: GraphBuilder }> {
  const b = new GraphBuilder({ mode: 'inference' });
  b.output('y', build(b, b.input('x', 'float32', x.dims)));
  const { model } = encodeModel(lowerGraph(b.toGraph()));
  const s = await ort.InferenceSession.create(model);
  const r = await s.run({ x: x.toOrt(ort.Tensor) });
  await s.release();
  return { out: r.y!.data as Float32Array, b };
}

describe('layers', () => {
  it('groupNorm normalises each group over channels and positions (biased variance)', async () => {
    const x = Tensor.zeros('float32', [2, 4, 5]);
    new Rng(5).fillNormal(x.data, 3, 2);
    const { out } = await run((b, v) => groupNorm(b, v, { name: 'gn', groups: 2 }), x);
    for (let n = 0; n < 2; n++) {
      for (let g = 0; g < 2; g++) {
        const idx = Array.from({ length: 10 }, (_, i) => n * 20 + g * 10 + i);
        const vals = idx.map((i) => x.data[i]!);
        const m = vals.reduce((p, v) => p + v, 0) / 10;
        const v = vals.reduce((p, y) => p + (y - m) ** 2, 0) / 10;
        idx.forEach((i, k) => expect(out[i]).toBeCloseTo((vals[k]! - m) / Math.sqrt(v + 1e-5), 4));
      }
    }
  });

  it('temporalAttentionPool equals softmax_T(w2(tanh(W1 h))/√D)·h summed over T', async () => {
    const x = Tensor.zeros('float32', [2, 3, 4]);
    new Rng(6).fillNormal(x.data);
    const { out, b } = await run((bb, v) => temporalAttentionPool(bb, v, new Rng(1), { name: 'att' }), x);
    const W1 = b.params.get('att.W1.weight')!.value.data as Float32Array;
    const b1 = b.params.get('att.W1.bias')!.value.data as Float32Array;
    const w2 = b.params.get('att.w2.weight')!.value.data as Float32Array;
    const b2 = b.params.get('att.w2.bias')!.value.data as Float32Array;
    for (let n = 0; n < 2; n++) {
      const h = (t: number, d: number) => x.data[n * 12 + t * 4 + d]!;
      const scores = [0, 1, 2].map((t) => {
        let s = b2[0]!;
        for (let o = 0; o < 4; o++) {
          let z = b1[o]!;
          for (let d = 0; d < 4; d++) z += W1[o * 4 + d]! * h(t, d);
          s += w2[o]! * Math.tanh(z);
        }
        return s / 2;
      });
      const mx = Math.max(...scores);
      const e = scores.map((s) => Math.exp(s - mx));
      const z = e.reduce((p, v) => p + v, 0);
      for (let d = 0; d < 4; d++) {
        const want = [0, 1, 2].reduce((p, t) => p + (e[t]! / z) * h(t, d), 0);
        expect(out[n * 4 + d]).toBeCloseTo(want, 5);
      }
    }
  });

  it('dropPath registers a per-example mask in training only', () => {
    const b = new GraphBuilder({ mode: 'train' });
    const x = b.input('x', 'float32', ['N', 4, 2, 2]);
    dropPath(b, x, 0.2);
    expect(b.dropoutMasks.at(-1)).toMatchObject({ shape: ['N', 1, 1, 1], p: 0.2 });
    const e = new GraphBuilder({ mode: 'eval' });
    const ex = e.input('x', 'float32', ['N', 4, 2, 2]);
    expect(dropPath(e, ex, 0.2)).toBe(ex);
    expect(() => dropPath(b, x, 1)).toThrow(ConfigError);
  });

  it('conv2d / linear validate their options', () => {
    const b = new GraphBuilder();
    const x = b.input('x', 'float32', ['N', 6, 8, 8]);
    expect(() => conv2d(b, x, new Rng(0), { outChannels: 4, kernel: 3, groups: 4 })).toThrow(
      /divisible by groups/,
    );
    expect(() => conv2d(b, x, new Rng(0), { outChannels: 4, kernel: 2, padding: 'same' })).toThrow(/odd/);
    expect(() => conv2d(b, x, new Rng(0), { outChannels: 0, kernel: 3 })).toThrow(ConfigError);
    expect(() => linear(b, x, new Rng(0), { outFeatures: 2.5 })).toThrow(/outFeatures/);
    const y = conv2d(b, x, new Rng(0), { name: 'c', outChannels: 12, kernel: 3, padding: 'same', groups: 3 });
    expect(y.shape).toEqual(['N', 12, 8, 8]);
    expect(b.params.get('c.weight')!.value.dims).toEqual([12, 2, 3, 3]);
  });

  it('blocks register PyTorch-like names and shapes', async () => {
    const x = Tensor.zeros('float32', [2, 8, 6, 6]);
    new Rng(1).fillNormal(x.data);
    const { out, b } = await run((bb, v) => {
      let h = depthwiseSeparableConv(bb, v, new Rng(1), { name: 'ds', outChannels: 16, stride: 2 });
      h = squeezeExcitation2d(bb, h, new Rng(2), { name: 'se', squeezeChannels: 4 });
      h = invertedResidual(bb, h, new Rng(3), {
        name: 'ir',
        expandChannels: 32,
        outChannels: 16,
        kernel: 5,
        stride: 1,
        se: true,
        activation: 'hardswish',
      });
      h = resNeXtBottleneck(bb, h, new Rng(4), { name: 'rx', planes: 8, groups: 4, baseWidth: 8 });
      return convNeXtBlock(bb, h, new Rng(5), { name: 'cn' });
    }, x);
    expect(out.length).toBe(2 * 32 * 3 * 3);
    expect(out.every(Number.isFinite)).toBe(true);
    const shapes = Object.fromEntries([...b.params.values()].map((p) => [p.name, p.value.dims]));
    expect(shapes).toMatchObject({
      'ds.dw.conv.weight': [8, 1, 3, 3],
      'ds.pw.conv.weight': [16, 8, 1, 1],
      'se.fc1.weight': [4, 16, 1, 1],
      'se.fc2.bias': [16],
      'ir.expand.conv.weight': [32, 16, 1, 1],
      'ir.dw.conv.weight': [32, 1, 5, 5],
      'ir.se.fc1.weight': [8, 32, 1, 1],
      'ir.project.bn.weight': [16],
      'rx.conv2.weight': [4, 1, 3, 3],
      'rx.downsample.conv.weight': [32, 16, 1, 1],
      'cn.dwconv.weight': [32, 1, 7, 7],
      'cn.pwconv1.weight': [128, 32],
      'cn.layer_scale': [32, 1, 1],
    });
    expect(b.params.get('rx.bn3.weight')!.value.data.every((v) => v === 0)).toBe(true);
    expect(b.params.get('ir.project.bn.weight')!.role).toBe('norm');
    expect(b.params.get('cn.layer_scale')!.decay).toBe(false);
  });

  it('makeDivisible as torchvision', () => {
    expect(makeDivisible(16 * 0.25)).toBe(8);
    expect(makeDivisible(72 / 4)).toBe(24);
    expect(makeDivisible(240 * 0.75)).toBe(184);
    expect(makeDivisible(10, 8)).toBe(16);
  });
});
