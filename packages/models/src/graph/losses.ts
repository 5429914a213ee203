import { ShapeError, Tensor } from '@instr/core';
import type { GraphBuilder, SymTensor } from './builder.js';
import { broadcastShapes, fmtShape } from './shape.js';

/**
 * A loss plug-in: builds a scalar loss from logits and targets inside the graph.
 *
 * @example
 * ```ts
 * const mse: Loss = (b, logits, targets) => {
 *   const d = b.sub(b.sigmoid(logits), targets);
 *   return b.reduceMean(b.mul(d, d), [0, 1]);
 * };
 * ```
 */
export type Loss = (b: GraphBuilder, logits: SymTensor, targets: SymTensor) => SymTensor;

/** Options of {@link bceWithLogitsLoss}. */
export interface BceOptions {
  /** Per-class weight of positive examples (as `pos_weight` of `torch.nn.BCEWithLogitsLoss`). Default none. */
  posWeight?: readonly number[];
  /** `'mean'` (default, as PyTorch) or `'sum'`. */
  reduction?: 'mean' | 'sum';
}

/**
 * Binary cross-entropy on logits, numerically stable:
 * `max(x,0) − x·t + log(1 + e^(−|x|))` (with `pos_weight` p: `(1−t)·x + (1+(p−1)t)·(log(1+e^(−|x|)) + max(−x,0))`),
 * averaged over all elements, as `torch.nn.BCEWithLogitsLoss`.
 *
 * @example
 * ```ts
 * const loss = bceWithLogitsLoss({ posWeight: [2, 1, 1] });
 * const l = loss(b, logits, targets);
 * ```
 */
export function bceWithLogitsLoss(options: BceOptions = {}): Loss {
  return (b, x, t) => {
    broadcastShapes(x.shape, t.shape, b.label('BCEWithLogits'));
    if (x.rank !== t.rank) {
      throw new ShapeError(
        `BCEWithLogits: logits ${fmtShape(x.shape)} and targets ${fmtShape(t.shape)} differ in rank.`,
        {
          details: { expected: x.shape, actual: t.shape },
        },
      );
    }
    const softplusNegAbs = b.log(b.add(b.exp(b.neg(b.abs(x))), 1));
    let l: SymTensor;
    if (options.posWeight) {
      const p = b.constant(Tensor.from(x.dtype as 'float32', options.posWeight));
      const coef = b.add(b.mul(b.sub(p, 1), t), 1);
      l = b.add(b.mul(b.sub(1, t), x), b.mul(coef, b.add(softplusNegAbs, b.relu(b.neg(x)))));
    } else {
      l = b.add(b.sub(b.relu(x), b.mul(x, t)), softplusNegAbs);
    }
    const axes = Array.from({ length: x.rank }, (_, i) => i);
    return options.reduction === 'sum' ? b.reduceSum(l, axes) : b.reduceMean(l, axes);
  };
}

/** {@link bceWithLogitsLoss} with default options (mean over all elements, no `pos_weight`). */
export const bceWithLogits: Loss = bceWithLogitsLoss();
