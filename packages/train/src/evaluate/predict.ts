import { Tensor } from '@instr/core';
import type { TrainBatchIterable } from '../loop/batches.js';
import { type EvaluatesBatches, type ScoreFilesOptions, scoreFiles } from './files.js';

export { sigmoid } from './files.js';

/** Labels, probabilities and ids of a pass over a dataset. */
export interface Predictions {
  /** `[N, C]` 0/1 labels (one row per file). */
  labels: Tensor<'float32'>;
  /** `[N, C]` sigmoid probabilities (aggregated over each file's windows). */
  probabilities: Tensor<'float32'>;
  ids: string[];
  /** Mean loss over the window rows (batch losses weighted by rows). */
  loss: number;
}

/**
 * Runs the eval model (running batch-norm statistics, no dropout) over batches and collects sigmoid
 * probabilities, labels and ids **per file**: when batches carry `files` (a `DataPipeline` with
 * `windows: 'model'` or `'all'`), the probabilities of a file's windows are aggregated (`max` by default, as
 * `@instr/infer`), see {@link scoreFiles}; otherwise each row is one example.
 * @example
 * ```ts
 * const { labels, probabilities } = await predictBatches(session, val.batches());
 * const files = await predictBatches(session, valPipeline.epoch(0), { aggregation: 'mean' });
 * ```
 */
export async function predictBatches(
  session: EvaluatesBatches,
  batches: TrainBatchIterable,
  options: ScoreFilesOptions = {},
): Promise<Predictions> {
  const labels: number[] = [];
  const probs: number[] = [];
  const ids: string[] = [];
  let lossSum = 0;
  let rows = 0;
  let n = 0;
  let c = 0;
  for await (const b of scoreFiles(session, batches, options)) {
    c = b.y.dims[1]!;
    n += b.y.dims[0]!;
    lossSum += b.lossSum;
    rows += b.rows;
    for (let i = 0; i < b.p.size; i++) probs.push(b.p.data[i]!);
    for (let i = 0; i < b.y.size; i++) labels.push(b.y.data[i]!);
    for (const id of b.ids) ids.push(id);
  }
  return {
    labels: Tensor.from('float32', labels, [n, c]),
    probabilities: Tensor.from('float32', probs, [n, c]),
    ids,
    loss: rows ? lossSum / rows : Number.NaN,
  };
}
