import {
  aggregateWindowRows,
  checkWindowAggregation,
  type WindowAggregation as CoreWindowAggregation,
  InvalidArgumentError,
  ShapeError,
  Tensor,
} from '@instr/core';
import type { TrainBatch, TrainBatchIterable } from '../loop/batches.js';

/**
 * How window probabilities become one file-level probability per instrument: `@instr/core`'s
 * `WindowAggregation` (`'max'` — the default, as inference — `'mean'` or `'attention'`), the one definition
 * `@instr/infer`'s `classify({ aggregation })` uses too.
 * @example
 * ```ts
 * const mode: WindowAggregation = 'mean';
 * ```
 */
export type WindowAggregation = CoreWindowAggregation;

/**
 * Checks an aggregation name (for options and configs).
 * @deprecated Use `@instr/core`'s `checkWindowAggregation` (same arguments, same errors).
 * @throws InvalidArgumentError naming `key` for anything but `max`, `mean` or `attention`.
 * @example
 * ```ts
 * checkAggregation('max'); // 'max'
 * ```
 */
export function checkAggregation(mode: unknown, key = 'aggregation'): WindowAggregation {
  return checkWindowAggregation(mode, key);
}

/**
 * Aggregates the probabilities of one file's windows, rows `[from, to)` of a row-major `[rows, classes]`
 * matrix, into `out[offset … offset + classes)`, in float64.
 * @deprecated Use `@instr/core`'s `aggregateWindowRows` (same arguments and numbers; it is what `scoreFiles` and
 * `@instr/infer` call).
 * @example
 * ```ts
 * const out = new Float64Array(2);
 * aggregateRows(new Float64Array([0.1, 0.9, 0.7, 0.2]), 2, 0, 2, 'max', out, 0); // out = [0.7, 0.9]
 * ```
 */
export function aggregateRows(
  probs: ArrayLike<number>,
  classes: number,
  from: number,
  to: number,
  mode: WindowAggregation,
  out: Float64Array,
  offset: number,
): void {
  aggregateWindowRows(probs, classes, from, to, mode, out, offset);
}

/**
 * The model's evaluation entry point (a `TrainSession`, `GradientAccumulator` or eval session).
 * @example
 * ```ts
 * const s: EvaluatesBatches = result.session;
 * ```
 */
export interface EvaluatesBatches {
  evaluate(x: Tensor<'float32'>, y: Tensor<'float32'>): Promise<{ loss: number; logits: Tensor }>;
}

/**
 * Options of {@link scoreFiles}.
 * @example
 * ```ts
 * const o: ScoreFilesOptions = { aggregation: 'mean', maxRows: 32 };
 * ```
 */
export interface ScoreFilesOptions {
  /** Window → file aggregation (default `'max'`, as inference). */
  aggregation?: WindowAggregation;
  /**
   * Most windows per model call (default 64): a batch of many long files is run in slices of this many rows,
   * so memory stays bounded while windows of several files share a call.
   */
  maxRows?: number;
}

/**
 * The file-level scores of one batch (see {@link scoreFiles}).
 * @example
 * ```ts
 * for await (const { y, p, ids }: FileScoreBatch of scoreFiles(session, batches)) evaluator.add(y, p);
 * ```
 */
export interface FileScoreBatch {
  /** `[files, C]` targets (the file's labels). */
  y: Tensor<'float32'>;
  /** `[files, C]` aggregated sigmoid probabilities. */
  p: Tensor<'float64'>;
  /** Id of each file (the id of its first window row, or its position in the pass). */
  ids: string[];
  /** Sum over the batch's window rows of the per-row loss (the loss graph's mean × rows), and the rows. */
  lossSum: number;
  rows: number;
}

/**
 * Runs batches of windows through the model and yields **file-level** scores: the sigmoid of each window's logits,
 * aggregated over the windows of each file (`batch.files` maps rows to files; a batch without `files` has one
 * row per file). This is how validation scores files in `train()` and `predictBatches`, matching how
 * `@instr/infer` classifies a file (every model window, then `max` / `mean` / `attention`). A file's windows must
 * lie in one batch and be contiguous, as `DataPipeline` (`windows: 'model'` or `'all'`) yields them.
 *
 * @throws ShapeError when `files` does not have one entry per row or a file's rows are not contiguous.
 * @example
 * ```ts
 * for await (const { y, p } of scoreFiles(session, valPipeline.epoch(0), { aggregation: 'max' })) evaluator.add(y, p);
 * ```
 */
export async function* scoreFiles(
  session: EvaluatesBatches,
  batches: TrainBatchIterable,
  options: ScoreFilesOptions = {},
): AsyncGenerator<FileScoreBatch, void, undefined> {
  const mode = checkWindowAggregation(options.aggregation ?? 'max');
  const maxRows = options.maxRows ?? 64;
  if (!(Number.isInteger(maxRows) && maxRows >= 1)) {
    throw new InvalidArgumentError(`maxRows must be a positive integer, got ${maxRows}.`, {
      details: { key: 'maxRows', actual: maxRows },
    });
  }
  let fileIndex = 0;
  for await (const b of batches as AsyncIterable<TrainBatch>) {
    const rows = b.y.dims[0]!;
    const C = b.y.dims[1]!;
    if (rows === 0) continue;
    const groups = batchFileRanges(b, rows);
    const per = b.x.size / rows;
    const probs = new Float64Array(rows * C);
    let lossSum = 0;
    for (let start = 0; start < rows; start += maxRows) {
      const end = Math.min(rows, start + maxRows);
      const whole = start === 0 && end === rows;
      const x = whole
        ? b.x
        : new Tensor('float32', b.x.data.subarray(start * per, end * per), [
            end - start,
            ...b.x.dims.slice(1),
          ]);
      const y = whole ? b.y : new Tensor('float32', b.y.data.subarray(start * C, end * C), [end - start, C]);
      const r = await session.evaluate(x, y);
      lossSum += r.loss * (end - start);
      const logits = r.logits.data as ArrayLike<number>;
      for (let k = 0; k < (end - start) * C; k++) probs[start * C + k] = sigmoid(Number(logits[k]));
    }
    const F = groups.length;
    const p = new Float64Array(F * C);
    const y = new Float32Array(F * C);
    const ids: string[] = [];
    groups.forEach(([from, to], f) => {
      aggregateWindowRows(probs, C, from, to, mode, p, f * C);
      y.set(b.y.data.subarray(from * C, (from + 1) * C), f * C);
      ids.push(b.ids?.[from] ?? String(fileIndex + f));
    });
    fileIndex += F;
    yield {
      y: new Tensor('float32', y, [F, C]),
      p: new Tensor('float64', p, [F, C]),
      ids,
      lossSum,
      rows,
    };
  }
}

/**
 * `[from, to)` row ranges of each file of a batch, in order (one row per file without `batch.files`).
 * @throws ShapeError when `files` does not have one entry per row or a file's rows are not contiguous.
 * @example
 * ```ts
 * batchFileRanges({ x, y, files: [0, 0, 1] }, 3); // [[0, 2], [2, 3]]
 * ```
 */
export function batchFileRanges(b: Pick<TrainBatch, 'files'>, rows: number): [number, number][] {
  const files = b.files;
  if (!files) return Array.from({ length: rows }, (_, i) => [i, i + 1]);
  if (files.length !== rows) {
    throw new ShapeError(`batch.files has ${files.length} entries for ${rows} rows.`, {
      details: { key: 'files', expected: rows, actual: files.length },
    });
  }
  const out: [number, number][] = [];
  const seen = new Set<number>();
  let from = 0;
  for (let i = 1; i <= rows; i++) {
    if (i === rows || files[i] !== files[from]) {
      if (seen.has(files[from]!)) {
        throw new ShapeError(`The windows of file ${files[from]} are not contiguous in the batch.`, {
          details: { key: 'files', actual: files[from] },
        });
      }
      seen.add(files[from]!);
      out.push([from, i]);
      from = i;
    }
  }
  return out;
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
