import { Tensor } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { bceWithLogits, bceWithLogitsLoss, type GraphBuilder, type SymTensor } from '../src/index.js';
import { type GradCase, gradCheck } from './gradcheck.js';

type B = GraphBuilder;
type X = Record<string, SymTensor>;
const positive = (rng: { uniform(a: number, b: number): number }, n: number) =>
  Array.from({ length: n }, () => rng.uniform(0.5, 2));
const distinct = (rng: { uniform(a: number, b: number): number }, n: number) => {
  const v = Array.from({ length: n }, (_, i) => (i - n / 2) * 0.37 + rng.uniform(-0.1, 0.1));
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.uniform(0, i + 1));
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
};

const cases: Record<string, GradCase> = {
  Add_broadcast: { inputs: { a: [2, 3, 4], c: [3, 1] }, build: (b: B, x: X) => b.add(x.a!, x.c!) },
  Sub_broadcast: { inputs: { a: [2, 3], c: [3] }, build: (b: B, x: X) => b.sub(x.a!, x.c!) },
  Mul_broadcast: { inputs: { a: [2, 3, 4], c: [1, 4] }, build: (b: B, x: X) => b.mul(x.a!, x.c!) },
  Div_broadcast: {
    inputs: { a: [2, 3], c: [2, 1] },
    init: { c: positive },
    build: (b: B, x: X) => b.div(x.a!, x.c!),
  },
  Pow_scalar: { inputs: { a: [5] }, init: { a: positive }, build: (b: B, x: X) => b.pow(x.a!, 2.5) },
  Reuse_accumulates: {
    inputs: { a: [3, 4] },
    build: (b: B, x: X) => b.mul(b.add(x.a!, x.a!), b.sigmoid(x.a!)),
  },
  Max_Min: {
    inputs: { a: [6], c: [6] },
    build: (b: B, x: X) => b.add(b.maximum(x.a!, x.c!), b.minimum(x.a!, b.mul(x.c!, 2))),
  },
  Exp_Log_Sqrt: {
    inputs: { a: [6] },
    init: { a: positive },
    build: (b: B, x: X) => b.add(b.add(b.exp(x.a!), b.log(x.a!)), b.sqrt(x.a!)),
  },
  Reciprocal_Neg_Abs: {
    inputs: { a: [6] },
    init: { a: distinct },
    build: (b: B, x: X) => b.add(b.neg(b.reciprocal(x.a!)), b.abs(x.a!)),
  },
  Relu: { inputs: { a: [3, 5] }, init: { a: distinct }, build: (b: B, x: X) => b.relu(x.a!) },
  LeakyRelu: { inputs: { a: [3, 5] }, init: { a: distinct }, build: (b: B, x: X) => b.leakyRelu(x.a!, 0.2) },
  Sigmoid_Tanh: { inputs: { a: [3, 5] }, build: (b: B, x: X) => b.add(b.sigmoid(x.a!), b.tanh(x.a!)) },
  Gelu: { inputs: { a: [3, 5] }, dtype: 'float32', build: (b: B, x: X) => b.gelu(x.a!) },
  Silu: { inputs: { a: [3, 5] }, build: (b: B, x: X) => b.silu(x.a!) },
  HardSwish: {
    inputs: { a: [20] },
    dtype: 'float32',
    init: { a: distinct },
    build: (b: B, x: X) => b.hardSwish(b.mul(x.a!, 1.3)),
  },
  HardSigmoid: {
    inputs: { a: [20] },
    dtype: 'float32',
    init: { a: distinct },
    build: (b: B, x: X) => b.hardSigmoid(b.mul(x.a!, 1.3)),
  },
  Softmax: { inputs: { a: [3, 5] }, build: (b: B, x: X) => b.softmax(x.a!, 1) },
  LogSoftmax: { inputs: { a: [3, 5] }, build: (b: B, x: X) => b.logSoftmax(x.a!, -1) },
  MatMul_batched: { inputs: { a: [2, 3, 4], c: [4, 5] }, build: (b: B, x: X) => b.matmul(x.a!, x.c!) },
  Gemm_transB_bias: {
    inputs: { a: [3, 4], w: [5, 4], c: [5] },
    build: (b: B, x: X) => b.gemm(x.a!, x.w!, x.c!, { transB: true }),
  },
  Gemm_transA_alpha: {
    inputs: { a: [4, 3], w: [4, 5], c: [3, 5] },
    build: (b: B, x: X) => b.gemm(x.a!, x.w!, x.c!, { transA: true, alpha: 0.5, beta: 2 }),
  },
  Gemm_transAB: {
    inputs: { a: [4, 3], w: [5, 4] },
    build: (b: B, x: X) => b.gemm(x.a!, x.w!, undefined, { transA: true, transB: true }),
  },
  Linear_rank3: {
    inputs: { a: [2, 3, 4], w: [5, 4], c: [5] },
    build: (b: B, x: X) => b.linear(x.a!, x.w!, x.c!),
  },
  Conv2d_pad_bias: {
    inputs: { a: [2, 3, 6, 5], w: [4, 3, 3, 3], c: [4] },
    dtype: 'float32',
    build: (b: B, x: X) => b.conv(x.a!, x.w!, x.c!, { padding: 1 }),
  },
  Conv2d_stride_dilation: {
    inputs: { a: [2, 2, 9, 8], w: [3, 2, 3, 2] },
    dtype: 'float32',
    build: (b: B, x: X) => b.conv(x.a!, x.w!, undefined, { stride: 2, dilation: [2, 1], padding: [1, 0] }),
  },
  Conv2d_groups: {
    inputs: { a: [2, 4, 6, 6], w: [4, 1, 3, 3] },
    dtype: 'float32',
    build: (b: B, x: X) => b.conv(x.a!, x.w!, undefined, { groups: 4, padding: 1 }),
  },
  Conv2d_groups2_pointwise: {
    inputs: { a: [2, 4, 5, 5], w: [6, 2, 1, 1] },
    dtype: 'float32',
    build: (b: B, x: X) => b.conv(x.a!, x.w!, undefined, { groups: 2 }),
  },
  Conv1d: {
    inputs: { a: [2, 3, 11], w: [2, 3, 5] },
    dtype: 'float32',
    build: (b: B, x: X) => b.conv(x.a!, x.w!, undefined, { padding: 2, stride: 2 }),
  },
  AvgPool: {
    inputs: { a: [2, 3, 6, 7] },
    dtype: 'float32',
    build: (b: B, x: X) => b.avgPool(x.a!, { kernel: 2 }),
  },
  AvgPool_overlap_pad: {
    inputs: { a: [1, 2, 6, 6] },
    dtype: 'float32',
    build: (b: B, x: X) => b.avgPool(x.a!, { kernel: 3, stride: 2, padding: 1 }),
  },
  MaxPool: {
    inputs: { a: [2, 2, 6, 6] },
    init: { a: distinct },
    build: (b: B, x: X) => b.maxPool(x.a!, { kernel: 3, stride: 2, padding: 1 }),
  },
  GlobalAvgPool: {
    inputs: { a: [2, 3, 4, 5] },
    dtype: 'float32',
    build: (b: B, x: X) => b.globalAvgPool(x.a!),
  },
  GlobalMaxPool: {
    inputs: { a: [2, 3, 4, 5] },
    dtype: 'float32',
    init: { a: distinct },
    build: (b: B, x: X) => b.globalMaxPool(x.a!),
  },
  ReduceMean_Sum: {
    inputs: { a: [2, 3, 4] },
    build: (b: B, x: X) => b.add(b.reduceMean(x.a!, [1]), b.reduceSum(x.a!, [1], false)),
  },
  ReduceMax_keepdims: {
    inputs: { a: [2, 3, 4] },
    init: { a: distinct },
    build: (b: B, x: X) => b.reduceMax(x.a!, [0, 2], true),
  },
  ReduceSumSquare: { inputs: { a: [2, 3] }, build: (b: B, x: X) => b.reduceSumSquare(x.a!, [1]) },
  Concat: { inputs: { a: [2, 3], c: [2, 2] }, build: (b: B, x: X) => b.concat([x.a!, x.c!, x.a!], 1) },
  Reshape_Flatten_Transpose: {
    inputs: { a: [2, 3, 4] },
    build: (b: B, x: X) => b.flatten(b.transpose(b.reshape(x.a!, [0, 4, -1]), [0, 2, 1]), 1),
  },
  Squeeze_Unsqueeze: {
    inputs: { a: [2, 1, 3] },
    build: (b: B, x: X) => b.unsqueeze(b.squeeze(x.a!, [1]), [0]),
  },
  Slice: {
    inputs: { a: [4, 6] },
    build: (b: B, x: X) => b.slice(x.a!, { starts: [1, -4], ends: [3, 100], axes: [0, 1] }),
  },
  Split_Pad: {
    inputs: { a: [2, 5] },
    build: (b: B, x: X) => b.pad(b.split(x.a!, [2, 3], 1)[1]!, [0, 1, 1, 2]),
  },
  Where_Expand: {
    inputs: { a: [2, 3], c: [3] },
    build: (b: B, x: X) => b.where(b.greater(x.a!, 0), x.c!, x.a!),
  },
  BatchNorm_train: {
    inputs: { a: [3, 2, 3, 2], g: [2], be: [2] },
    build: (b: B, x: X) => {
      const rm = b.buffer('rm', Tensor.zeros('float64', [2]));
      const rv = b.buffer('rv', Tensor.from('float64', [1, 1]));
      return b.batchNorm(x.a!, x.g!, x.be!, rm, rv);
    },
  },
  BatchNorm1d_rank2_train: {
    inputs: { a: [5, 3], g: [3], be: [3] },
    build: (b: B, x: X) =>
      b.batchNorm(
        x.a!,
        x.g!,
        x.be!,
        b.buffer('rm', Tensor.zeros('float64', [3])),
        b.buffer('rv', Tensor.from('float64', [1, 1, 1])),
      ),
  },
  BatchNorm1d_rank3_train: {
    inputs: { a: [2, 3, 4], g: [3], be: [3] },
    build: (b: B, x: X) =>
      b.batchNorm(
        x.a!,
        x.g!,
        x.be!,
        b.buffer('rm', Tensor.zeros('float64', [3])),
        b.buffer('rv', Tensor.from('float64', [1, 1, 1])),
      ),
  },
  MaxPool_2x2: {
    inputs: { a: [2, 3, 4, 6] },
    init: { a: distinct },
    build: (b: B, x: X) => b.maxPool(x.a!, { kernel: 2 }),
  },
  Attention_matmul_softmax: {
    inputs: { q: [2, 3, 4], k: [2, 5, 4], v: [2, 5, 4] },
    build: (b: B, x: X) =>
      b.matmul(b.softmax(b.mul(b.matmul(x.q!, b.transpose(x.k!, [0, 2, 1])), 0.5), -1), x.v!),
  },
  BatchNorm_eval: {
    inputs: { a: [3, 2, 4], g: [2], be: [2], m: [2], v: [2] },
    init: { v: positive },
    wrt: ['a', 'g', 'be'],
    mode: 'eval',
    build: (b: B, x: X) => b.batchNorm(x.a!, x.g!, x.be!, x.m!, x.v!),
  },
  LayerNorm: {
    inputs: { a: [2, 3, 4], g: [3, 4], be: [3, 4] },
    build: (b: B, x: X) => b.layerNorm(x.a!, x.g!, x.be!, { axis: 1 }),
  },
  Dropout_mask: {
    inputs: { a: [3, 4] },
    build: (b: B, x: X) => b.dropout(x.a!, 0.5),
  },
  BCEWithLogits: {
    inputs: { a: [3, 4] },
    build: (b: B, x: X) =>
      bceWithLogits(
        b,
        b.mul(x.a!, 3),
        b.constant(Tensor.from('float64', [1, 0, 1, 1, 0, 0, 1, 0, 0.5, 1, 0, 1], [3, 4])),
      ),
  },
  BCEWithLogits_posWeight: {
    inputs: { a: [3, 4], t: [3, 4] },
    wrt: ['a'],
    build: (b: B, x: X) => bceWithLogitsLoss({ posWeight: [1, 2, 3, 0.5] })(b, x.a!, b.sigmoid(x.t!)),
  },
};

describe('autodiff rules match central finite differences (onnxruntime-node)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(name, async () => {
      const { maxErr, details } = await gradCheck(c);
      expect(details).toEqual([]);
      expect(maxErr).toBeLessThan(c.dtype === 'float32' ? 3e-3 : 1e-5);
    });
  }
});

describe('composite helpers are differentiable', () => {
  it('squeezeExcitation', async () => {
    const { squeezeExcitation } = await import('../src/index.js');
    const { maxErr } = await gradCheck({
      inputs: { a: [2, 4, 3, 3], w1: [2, 4], b1: [2], w2: [4, 2], b2: [4] },
      build: (b: B, x: X) =>
        squeezeExcitation(b, x.a!, {
          reduceWeight: x.w1!,
          reduceBias: x.b1!,
          expandWeight: x.w2!,
          expandBias: x.b2!,
        }),
      dtype: 'float32',
    });
    expect(maxErr).toBeLessThan(3e-3);
  });
  it('attentionPool', async () => {
    const { attentionPool } = await import('../src/index.js');
    const { maxErr } = await gradCheck({
      inputs: { a: [2, 5, 3], w: [1, 3], c: [1] },
      build: (b: B, x: X) => attentionPool(b, x.a!, x.w!, x.c!),
    });
    expect(maxErr).toBeLessThan(1e-5);
  });
});
