import { InvalidArgumentError } from '@instr/core';

/**
 * How window probabilities become one clip-level probability per instrument.
 * - `max`: the maximum over windows, so a clip's decision is the union of its windows' decisions
 *   (the reference system's behaviour);
 * - `mean`: the average over windows;
 * - `attention`: windows weighted by their own confidence (softmax over windows of each class's
 *   logit with temperature 1) — a smooth compromise between max and mean.
 */
export type Aggregation = 'max' | 'mean' | 'attention';

/**
 * Aggregates a row-major [windows, classes] probability matrix into one probability per class.
 * @example
 * ```ts
 * aggregateWindows(new Float32Array([0.1, 0.9, 0.7, 0.2]), 2, 'max'); // Float32Array [0.7, 0.9]
 * ```
 */
export function aggregateWindows(probs: Float32Array, classes: number, mode: Aggregation): Float32Array {
  const windows = probs.length / classes;
  if (!Number.isInteger(windows) || windows < 1) {
    throw new InvalidArgumentError(`Cannot aggregate ${probs.length} values over ${classes} classes.`);
  }
  const out = new Float32Array(classes);
  for (let c = 0; c < classes; c++) {
    if (mode === 'max') {
      let m = 0;
      for (let w = 0; w < windows; w++) m = Math.max(m, probs[w * classes + c]!);
      out[c] = m;
    } else if (mode === 'mean') {
      let s = 0;
      for (let w = 0; w < windows; w++) s += probs[w * classes + c]!;
      out[c] = s / windows;
    } else if (mode === 'attention') {
      let maxLogit = Number.NEGATIVE_INFINITY;
      const logits = new Float64Array(windows);
      for (let w = 0; w < windows; w++) {
        const p = Math.min(Math.max(probs[w * classes + c]!, 1e-7), 1 - 1e-7);
        logits[w] = Math.log(p / (1 - p));
        maxLogit = Math.max(maxLogit, logits[w]!);
      }
      let num = 0;
      let den = 0;
      for (let w = 0; w < windows; w++) {
        const weight = Math.exp(logits[w]! - maxLogit);
        num += weight * probs[w * classes + c]!;
        den += weight;
      }
      out[c] = num / den;
    } else {
      throw new InvalidArgumentError(`Unknown aggregation "${String(mode)}"; use max, mean or attention.`, {
        details: { key: 'aggregation', actual: mode },
      });
    }
  }
  return out;
}

/** Numerically stable logistic function, in place. */
export function sigmoidInPlace(x: Float32Array): Float32Array {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
  }
  return x;
}
