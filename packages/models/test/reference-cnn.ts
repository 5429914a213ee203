import { Tensor } from '@instr/core';
import type { GraphBuilder, ModelFn, SymTensor } from '../src/index.js';

/** uint32 LCG (Numerical Recipes) — identical in scripts/gen_torch_parity.py. */
export function lcg(seed: number, n: number, map: (u: number) => number): Float32Array {
  let x = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x = (Math.imul(1664525, x) + 1013904223) >>> 0;
    out[i] = map(x / 4294967296);
  }
  return out;
}

let tensorIndex = 0;
function uniformInit(dims: number[], fanIn: number, k: number): Tensor<'float32'> {
  const bound = 1 / Math.sqrt(fanIn);
  const n = dims.reduce((p, v) => p * v, 1);
  return new Tensor(
    'float32',
    lcg(Math.imul(k + 1, 2654435761) >>> 0, n, (u) => (2 * u - 1) * bound),
    dims,
  );
}

export const CHANNELS = [1, 32, 64, 128, 256];
export const CLASSES = 11;

/** The reference CNN of ARCHITECTURE.md (conv without bias before batch-norm). */
export const referenceCnn: ModelFn = (b: GraphBuilder, x: SymTensor) => {
  tensorIndex = 0;
  const next = () => tensorIndex++;
  let h = x;
  for (let i = 0; i < 4; i++) {
    const cin = CHANNELS[i]!;
    const cout = CHANNELS[i + 1]!;
    h = b.scope(`block${i + 1}`, () => {
      const w = b.param('conv.weight', uniformInit([cout, cin, 3, 3], cin * 9, next()));
      const y = b.conv(h, w, undefined, { padding: 1 });
      const bn = b.scope('bn', () =>
        b.batchNorm(
          y,
          b.param('weight', Tensor.full('float32', [cout], 1), { role: 'norm' }),
          b.param('bias', Tensor.zeros('float32', [cout]), { role: 'norm' }),
          b.buffer('running_mean', Tensor.zeros('float32', [cout])),
          b.buffer('running_var', Tensor.full('float32', [cout], 1)),
        ),
      );
      return b.avgPool(b.relu(bn), { kernel: 2 });
    });
  }
  const pooled = b.concat([b.flatten(b.globalAvgPool(h)), b.flatten(b.globalMaxPool(h))], 1);
  const fc1 = b.scope('fc1', () =>
    b.linear(
      pooled,
      b.param('weight', uniformInit([128, 512], 512, next())),
      b.param('bias', uniformInit([128], 512, next())),
    ),
  );
  return b.scope('fc2', () =>
    b.linear(
      b.relu(fc1),
      b.param('weight', uniformInit([CLASSES, 128], 128, next())),
      b.param('bias', uniformInit([CLASSES], 128, next())),
    ),
  );
};

/** Deterministic batch: input in [-1, 1), multi-hot targets with P(1) = 0.3. */
export function referenceBatch(n: number): { input: Tensor<'float32'>; target: Tensor<'float32'> } {
  return {
    input: new Tensor(
      'float32',
      lcg(4, n * 128 * 128, (u) => 2 * u - 1),
      [n, 1, 128, 128],
    ),
    target: new Tensor(
      'float32',
      lcg(777, n * CLASSES, (u) => (u < 0.3 ? 1 : 0)),
      [n, CLASSES],
    ),
  };
}
