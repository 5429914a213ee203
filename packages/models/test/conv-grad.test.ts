import { InvalidArgumentError, Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { afterEach, describe, expect, it } from 'vitest';
import {
  configureConvGradient,
  encodeModel,
  type GraphBuilder,
  GraphBuilder as GB,
  gradients,
  lowerGraph,
  type SymTensor,
} from '../src/index.js';
import { type GradCase, gradCheck } from './gradcheck.js';

type X = Record<string, SymTensor>;
const defaults = configureConvGradient({});
afterEach(() => {
  configureConvGradient(defaults);
});

/** Conv cases run with the per-offset (large-layer) dW path forced on. */
const cases: Record<string, GradCase> = {
  pad_bias: {
    inputs: { a: [2, 3, 6, 5], w: [4, 3, 3, 3], c: [4] },
    dtype: 'float32',
    build: (b: GraphBuilder, x: X) => b.conv(x.a!, x.w!, x.c!, { padding: 1 }),
  },
  stride_dilation: {
    inputs: { a: [2, 2, 9, 8], w: [3, 2, 3, 2] },
    dtype: 'float32',
    build: (b: GraphBuilder, x: X) =>
      b.conv(x.a!, x.w!, undefined, { stride: 2, dilation: [2, 1], padding: [1, 0] }),
  },
  depthwise: {
    inputs: { a: [2, 4, 6, 6], w: [4, 1, 3, 3] },
    dtype: 'float32',
    build: (b: GraphBuilder, x: X) => b.conv(x.a!, x.w!, undefined, { groups: 4, padding: 1 }),
  },
  groups2: {
    inputs: { a: [2, 4, 6, 5], w: [6, 2, 3, 3] },
    dtype: 'float32',
    build: (b: GraphBuilder, x: X) => b.conv(x.a!, x.w!, undefined, { groups: 2, padding: 1 }),
  },
  conv1d: {
    inputs: { a: [2, 3, 11], w: [2, 3, 5] },
    dtype: 'float32',
    build: (b: GraphBuilder, x: X) => b.conv(x.a!, x.w!, undefined, { padding: 2, stride: 2 }),
  },
};

describe('Conv dW, one kernel offset at a time (large-layer path)', () => {
  for (const [name, c] of Object.entries(cases)) {
    it(`matches finite differences: ${name}`, async () => {
      configureConvGradient({ im2colBytesPerExample: 0 });
      const { maxErr, details } = await gradCheck(c);
      expect(details).toEqual([]);
      expect(maxErr).toBeLessThan(3e-3);
    });
  }

  /** Builds dW of one conv layer with the given threshold and runs it. */
  async function convDw(
    limit: number,
    x: Tensor,
    w: Tensor,
    groups: number,
  ): Promise<{ dw: Float32Array; matmuls: number }> {
    configureConvGradient({ im2colBytesPerExample: limit });
    const b = new GB({ dtype: 'float32', mode: 'train' });
    const xs = b.input('x', 'float32', x.dims as number[]);
    const ws = b.input('w', 'float32', w.dims as number[]);
    const y = b.conv(xs, ws, undefined, { padding: 1, groups });
    const loss = b.reduceSum(b.mul(y, y), [0, 1, 2, 3]);
    const [dw] = gradients(b, loss, [ws]);
    b.output('dw', dw!);
    const nodes = b.toGraph().nodes;
    const session = await ort.InferenceSession.create(encodeModel(lowerGraph(b.toGraph())).model, {
      intraOpNumThreads: 1,
    });
    const out = await session.run({ x: x.toOrt(ort.Tensor), w: w.toOrt(ort.Tensor) });
    await session.release();
    return { dw: out.dw!.data as Float32Array, matmuls: nodes.filter((n) => n.op === 'MatMul').length };
  }

  it('gives the same dW as the single-MatMul im2col path on a layer above the limit', async () => {
    const rng = new Rng(3);
    for (const [cin, cout, groups] of [
      [16, 24, 1],
      [16, 16, 4],
    ] as const) {
      const x = Tensor.from(
        'float32',
        Array.from({ length: 3 * cin * 24 * 20 }, () => rng.normal()),
        [3, cin, 24, 20],
      );
      const w = Tensor.from(
        'float32',
        Array.from({ length: cout * (cin / groups) * 9 }, () => rng.normal()),
        [cout, cin / groups, 3, 3],
      );
      // per-example im2col: cin · 9 · 480 · 4 bytes ≈ 276 kB (cin 16) — above 1 kB, below 1 GB
      const { dw: chunked, matmuls: m1 } = await convDw(1024, x, w, groups);
      const { dw: whole, matmuls: m9 } = await convDw(2 ** 30, x, w, groups);
      expect([m1, m9]).toEqual([9, 1]);
      expect(chunked.length).toBe(w.size);
      let maxRel = 0;
      for (let i = 0; i < chunked.length; i++) {
        maxRel = Math.max(maxRel, Math.abs(chunked[i]! - whole[i]!) / Math.max(1, Math.abs(whole[i]!)));
      }
      expect(maxRel).toBeLessThan(1e-5); // float32 summation order only
    }
  });

  it('rejects a negative limit', () => {
    expect(() => configureConvGradient({ im2colBytesPerExample: -1 })).toThrow(InvalidArgumentError);
  });
});
