import { Tensor } from '@instr/core';
import type { TrainBatchIterable } from '../loop/batches.js';

/** Labels, probabilities and ids of a pass over a dataset. */
export interface Predictions {
  /** `[N, C]` 0/1 labels. */
  labels: Tensor<'float32'>;
  /** `[N, C]` sigmoid probabilities. */
  probabilities: Tensor<'float32'>;
  ids: string[];
  /** Mean loss over the examples (batch losses weighted by batch size). */
  loss: number;
}

/**
 * Numerically stable logistic function.
 * @example
 * ```ts
 * sigmoid(0); // 0.5
 * ```
 */
export function sigmoid(x: number): number {
  return x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x));
}

/**
 * Runs the eval model (running batch-norm statistics, no dropout) over batches and collects sigmoid
 * probabilities, labels and ids.
 * @example
 * ```ts
 * const { labels, probabilities } = await predictBatches(session, val.batches());
 * ```
 */
export async function predictBatches(
  session: {
    evaluate(x: Tensor<'float32'>, y: Tensor<'float32'>): Promise<{ loss: number; logits: Tensor }>;
  },
  batches: TrainBatchIterable,
): Promise<Predictions> {
  const labels: number[] = [];
  const probs: number[] = [];
  const ids: string[] = [];
  let lossSum = 0;
  let n = 0;
  let c = 0;
  for await (const b of batches) {
    const r = await session.evaluate(b.x, b.y);
    const bn = b.y.dims[0]!;
    c = b.y.dims[1]!;
    lossSum += r.loss * bn;
    n += bn;
    const logits = r.logits.data as Float32Array;
    for (let i = 0; i < logits.length; i++) probs.push(sigmoid(logits[i]!));
    for (let i = 0; i < b.y.size; i++) labels.push(b.y.data[i]!);
    for (let i = 0; i < bn; i++) ids.push(b.ids?.[i] ?? String(ids.length));
  }
  return {
    labels: Tensor.from('float32', labels, [n, c]),
    probabilities: Tensor.from('float32', probs, [n, c]),
    ids,
    loss: n ? lossSum / n : Number.NaN,
  };
}
