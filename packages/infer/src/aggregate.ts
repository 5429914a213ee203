import type { WindowAggregation } from '@instr/core';

/**
 * How window probabilities become one clip-level probability per instrument: `@instr/core`'s
 * `WindowAggregation` (`'max'`, `'mean'` or `'attention'`), the definitions training's validation uses too.
 * @example
 * ```ts
 * await classifier.classify(audio, { aggregation: 'mean' satisfies Aggregation });
 * ```
 */
export type Aggregation = WindowAggregation;

/**
 * Aggregates a row-major `[windows, classes]` probability matrix into one probability per class: `@instr/core`'s
 * `aggregateWindows`, re-exported here unchanged (the row-range form is `aggregateWindowRows` there).
 * @example
 * ```ts
 * aggregateWindows(new Float32Array([0.1, 0.9, 0.7, 0.2]), 2, 'max'); // Float32Array [0.7, 0.9]
 * ```
 */
export { aggregateWindows } from '@instr/core';

/** Numerically stable logistic function, in place. */
export function sigmoidInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
  }
  return x;
}
