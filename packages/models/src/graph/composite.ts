import { ShapeError } from '@instr/core';
import type { GraphBuilder, SymTensor } from './builder.js';
import { fmtShape } from './shape.js';

/** Parameters of {@link squeezeExcitation} (`torch` SE block with two Linear layers). */
export interface SqueezeExcitationParams {
  /** `[C/r, C]`. */
  reduceWeight: SymTensor;
  reduceBias?: SymTensor;
  /** `[C, C/r]`. */
  expandWeight: SymTensor;
  expandBias?: SymTensor;
}

/**
 * Squeeze-and-excitation: `x · gate(GAP(x))` with `gate = sigmoid(W2·act(W1·s + b1) + b2)` (act ReLU by
 * default; `'hardSigmoid'` gating as in MobileNetV3 via `gate: 'hardSigmoid'`). `x` is `[N, C, spatial...]`.
 *
 * @example
 * ```ts
 * const y = squeezeExcitation(b, x, { reduceWeight: w1, reduceBias: b1, expandWeight: w2, expandBias: b2 });
 * ```
 */
export function squeezeExcitation(
  b: GraphBuilder,
  x: SymTensor,
  p: SqueezeExcitationParams,
  options: { activation?: 'relu' | 'silu'; gate?: 'sigmoid' | 'hardSigmoid' } = {},
): SymTensor {
  if (x.rank < 3)
    throw new ShapeError(
      `${b.label('SqueezeExcitation')}: input ${fmtShape(x.shape)} must be [N, C, spatial...].`,
    );
  const s = b.flatten(b.globalAvgPool(x), 1);
  const h = b.linear(s, p.reduceWeight, p.reduceBias);
  const a = options.activation === 'silu' ? b.silu(h) : b.relu(h);
  const g0 = b.linear(a, p.expandWeight, p.expandBias);
  const g = options.gate === 'hardSigmoid' ? b.hardSigmoid(g0) : b.sigmoid(g0);
  return b.mul(
    x,
    b.unsqueeze(
      g,
      Array.from({ length: x.rank - 2 }, (_, i) => i + 2),
    ),
  );
}

/**
 * Attention pooling over time: `x` `[N, T, D]` → `[N, D]`, weights `softmax_T(x·wᵀ + bias)`
 * (`weight` `[1, D]`, `bias` `[1]`).
 *
 * @example
 * ```ts
 * const pooled = attentionPool(b, frames, b.param('att.weight', w), b.param('att.bias', bias));
 * ```
 */
export function attentionPool(b: GraphBuilder, x: SymTensor, weight: SymTensor, bias?: SymTensor): SymTensor {
  if (x.rank !== 3)
    throw new ShapeError(`${b.label('AttentionPool')}: input ${fmtShape(x.shape)} must be [N, T, D].`);
  const scores = b.linear(x, weight, bias); // [N, T, 1]
  const att = b.softmax(scores, 1);
  return b.reduceSum(b.mul(x, att), [1]);
}
