import { InvalidArgumentError, Rng, Tensor } from '@instr/core';
import type { GraphBuilder, ModelFn, SymTensor } from '@instr/models';

/** Options of {@link simpleCnn}. */
export interface SimpleCnnOptions {
  /** Output classes. */
  classes: number;
  /** Channels of the conv blocks. Default `[16, 32, 64]`. */
  channels?: readonly number[];
  /** Width of the hidden dense layer (the embedding). Default 64. */
  hidden?: number;
  /** Dropout before the classifier. Default 0. */
  dropout?: number;
  /** Seed of the initial weights. Default 0. */
  seed?: number;
}

function kaiming(rng: Rng, dims: number[], fanIn: number): Tensor<'float32'> {
  const t = Tensor.zeros('float32', dims);
  rng.fillNormal(t.data, 0, Math.sqrt(2 / fanIn));
  return t;
}

/**
 * A small CNN for log-mel input `[N, 1, mels, frames]` — blocks of [Conv 3×3 → BatchNorm → ReLU → AvgPool 2×2],
 * then concat(global average, global max) → Linear(hidden) → ReLU → (dropout) → Linear(classes). The reference
 * CNN of the design brief at a smaller width; fine for tests, toy data and as a baseline. Parameter names:
 * `backbone.block{i}.*`, `head.fc1.*`, `head.fc2.*` (so `headWarmup.freeze: '^backbone\\.'` freezes the body).
 *
 * @example
 * ```ts
 * const model = simpleCnn({ classes: 11, channels: [32, 64, 128, 256] });
 * buildTrainingArtifacts({ model, inputShape: ['N', 1, 128, 128], targetShape: ['N', 11], optimizer: { type: 'adamw' } });
 * ```
 */
export function simpleCnn(options: SimpleCnnOptions): ModelFn {
  const channels = options.channels ?? [16, 32, 64];
  const hidden = options.hidden ?? 64;
  if (!Number.isInteger(options.classes) || options.classes < 1) {
    throw new InvalidArgumentError(`simpleCnn: classes must be a positive integer, got ${options.classes}.`, {
      details: { key: 'classes', actual: options.classes },
    });
  }
  return (b: GraphBuilder, x: SymTensor) => {
    const rng = new Rng(options.seed ?? 0);
    let h = x;
    let cin = x.shape[1] as number;
    b.scope('backbone', () => {
      channels.forEach((cout, i) => {
        h = b.scope(`block${i + 1}`, () => {
          const w = b.param('conv.weight', kaiming(rng, [cout, cin, 3, 3], cin * 9));
          const y = b.conv(h, w, undefined, { padding: 1 });
          const bn = b.scope('bn', () =>
            b.batchNorm(
              y,
              b.param('weight', Tensor.full('float32', [cout], 1)),
              b.param('bias', Tensor.zeros('float32', [cout])),
              b.buffer('running_mean', Tensor.zeros('float32', [cout])),
              b.buffer('running_var', Tensor.full('float32', [cout], 1)),
            ),
          );
          return b.avgPool(b.relu(bn), { kernel: 2 });
        });
        cin = cout;
      });
    });
    return b.scope('head', () => {
      const pooled = b.concat([b.flatten(b.globalAvgPool(h), 1), b.flatten(b.globalMaxPool(h), 1)], 1);
      const bound1 = 1 / Math.sqrt(2 * cin);
      const w1 = Tensor.zeros('float32', [hidden, 2 * cin]);
      for (let i = 0; i < w1.size; i++) w1.data[i] = rng.uniform(-bound1, bound1);
      let z = b.relu(
        b.linear(pooled, b.param('fc1.weight', w1), b.param('fc1.bias', Tensor.zeros('float32', [hidden]))),
      );
      if (options.dropout) z = b.dropout(z, options.dropout);
      const bound2 = 1 / Math.sqrt(hidden);
      const w2 = Tensor.zeros('float32', [options.classes, hidden]);
      for (let i = 0; i < w2.size; i++) w2.data[i] = rng.uniform(-bound2, bound2);
      return b.linear(
        z,
        b.param('fc2.weight', w2),
        b.param('fc2.bias', Tensor.zeros('float32', [options.classes])),
      );
    });
  };
}
