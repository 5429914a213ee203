/** The default model's network: the reference 4-block CNN of the design brief, with a dropout head. */
import { Rng, Tensor } from '@instr/core';
import type { GraphBuilder, SymTensor } from '@instr/models';

export const CHANNELS = [1, 32, 64, 128, 256] as const;

/** Kaiming-normal (fan-in, ReLU gain) weights from a fixed seed, so every artifact gets the same init. */
export function referenceCnn(classes: number, seed = 1, dropout = 0.3) {
  return (b: GraphBuilder, x: SymTensor): SymTensor => {
    const rng = new Rng(seed);
    const kaiming = (dims: number[], fanIn: number) =>
      new Tensor(
        'float32',
        rng.fillNormal(
          new Float32Array(dims.reduce((a, c) => a * c, 1)),
          0,
          Math.sqrt(2 / fanIn),
        ) as Float32Array,
        dims,
      );
    let h = x;
    for (let i = 1; i < CHANNELS.length; i++) {
      const cin = CHANNELS[i - 1]!;
      const cout = CHANNELS[i]!;
      h = b.scope(`block${i}`, () => {
        const c = b.conv(h, b.param('conv.weight', kaiming([cout, cin, 3, 3], cin * 9)), undefined, {
          padding: 1,
        });
        const bn = b.scope('bn', () =>
          b.batchNorm(
            c,
            b.param('weight', Tensor.full('float32', [cout], 1), { role: 'norm' }),
            b.param('bias', Tensor.zeros('float32', [cout]), { role: 'norm' }),
            b.buffer('running_mean', Tensor.zeros('float32', [cout])),
            b.buffer('running_var', Tensor.full('float32', [cout], 1)),
          ),
        );
        return b.avgPool(b.relu(bn), { kernel: 2 });
      });
    }
    const pooled = b.concat([b.flatten(b.globalAvgPool(h), 1), b.flatten(b.globalMaxPool(h), 1)], 1);
    const hidden = b.scope('head.fc1', () =>
      b.relu(
        b.linear(
          pooled,
          b.param('weight', kaiming([128, 512], 512)),
          b.param('bias', Tensor.zeros('float32', [128])),
        ),
      ),
    );
    const dropped = dropout > 0 ? b.dropout(hidden, dropout) : hidden;
    return b.scope('head.fc2', () =>
      b.linear(
        dropped,
        b.param('weight', kaiming([classes, 128], 128)),
        b.param('bias', Tensor.zeros('float32', [classes])),
      ),
    );
  };
}
