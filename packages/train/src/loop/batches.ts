import { InvalidArgumentError, Rng, ShapeError, Tensor } from '@instr/core';

/** One training or evaluation batch: inputs `[B, 1, mels, frames]`, multi-hot targets `[B, classes]`. */
export interface TrainBatch {
  x: Tensor<'float32'>;
  y: Tensor<'float32'>;
  /** Example ids (file paths or keys), in batch order. */
  ids?: readonly string[];
  /**
   * File (example position in the batch) of each row when a file contributes several windows (`DataPipeline`
   * with `windows: 'model'` or `'all'`); validation aggregates a file's window probabilities into one score.
   * Absent: one row per file.
   */
  files?: readonly number[];
}

/** Batches, sync or async (the worker-thread pipeline yields an `AsyncIterable`). */
export type TrainBatchIterable = AsyncIterable<TrainBatch> | Iterable<TrainBatch>;

/**
 * The data a training run reads.
 *
 * `train(epoch)` must be deterministic for a given epoch (shuffle with a seed derived from the epoch), so that a
 * resumed run sees the same batches: on resume mid-epoch the loop skips the batches already done.
 */
export interface TrainData {
  /**
   * The training batches of epoch `epoch` (0-based), starting at batch `fromBatch` (> 0 when a run resumes
   * mid-epoch; the batches before it must be skipped without computing them if possible).
   * A `DataPipeline` fits as `(e, from) => pipeline.epoch(e, { fromBatch: from })`.
   */
  train: (epoch: number, fromBatch: number) => TrainBatchIterable;
  /** Number of optimiser steps per epoch (batches the iterator yields). Needed by the schedules. */
  stepsPerEpoch: number;
  /** Validation batches, iterated once per epoch. */
  val?: () => TrainBatchIterable;
}

/** Options of {@link memoryData}. */
export interface MemoryDataOptions {
  /** Default 32. */
  batchSize?: number;
  /** Shuffle each epoch (seeded by `seed` and the epoch). Default true. */
  shuffle?: boolean;
  /** Default 0. */
  seed?: number;
  /** Drop the last short batch. Default false. */
  dropLast?: boolean;
  /** Example ids (default the indices as strings). */
  ids?: readonly string[];
  /** Only these example indices (e.g. a fold). Default all. */
  indices?: readonly number[];
}

/** In-memory batches over `[N, …]` inputs and `[N, C]` targets (see {@link memoryData}). */
export interface MemoryBatches {
  /** Batches of an epoch (deterministic per epoch), from batch `fromBatch` (default 0). */
  batches: (epoch?: number, fromBatch?: number) => Iterable<TrainBatch>;
  /** Batches per epoch. */
  stepsPerEpoch: number;
  /** Number of examples. */
  size: number;
}

/**
 * Batches over tensors held in memory, shuffled per epoch with a seed: for small datasets, folds, tests.
 *
 * @throws ShapeError when `x` and `y` disagree on the number of examples.
 * @example
 * ```ts
 * const tr = memoryData(x, y, { batchSize: 16, seed: 1 });
 * await train({ ..., data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => va.batches() } });
 * ```
 */
export function memoryData(
  x: Tensor<'float32'>,
  y: Tensor<'float32'>,
  options: MemoryDataOptions = {},
): MemoryBatches {
  const n = x.dims[0] ?? 0;
  if (y.dims[0] !== n || y.rank !== 2) {
    throw new ShapeError(
      `memoryData: x has ${n} examples but y has shape [${y.dims}] (expected [${n}, classes]).`,
      {
        details: { expected: n, actual: y.dims },
      },
    );
  }
  const bs = options.batchSize ?? 32;
  if (!Number.isInteger(bs) || bs < 1) {
    throw new InvalidArgumentError(`batchSize must be a positive integer, got ${bs}.`, {
      details: { key: 'batchSize', actual: bs },
    });
  }
  const idx = options.indices ? [...options.indices] : Array.from({ length: n }, (_, i) => i);
  for (const i of idx) {
    if (!Number.isInteger(i) || i < 0 || i >= n) {
      throw new InvalidArgumentError(`memoryData: index ${i} is out of range for ${n} examples.`, {
        details: { key: 'indices', actual: i },
      });
    }
  }
  const m = idx.length;
  const steps = options.dropLast ? Math.floor(m / bs) : Math.ceil(m / bs);
  const inner = x.size / Math.max(n, 1);
  const c = y.dims[1]!;
  const seed = options.seed ?? 0;
  const batches = function* (epoch = 0, fromBatch = 0): Iterable<TrainBatch> {
    const order = options.shuffle === false ? idx : new Rng(seed).derive(epoch).shuffle([...idx]);
    for (let s = fromBatch; s < steps; s++) {
      const part = order.slice(s * bs, Math.min((s + 1) * bs, m));
      const bx = new Float32Array(part.length * inner);
      const by = new Float32Array(part.length * c);
      part.forEach((e, j) => {
        bx.set(x.data.subarray(e * inner, (e + 1) * inner), j * inner);
        by.set(y.data.subarray(e * c, (e + 1) * c), j * c);
      });
      yield {
        x: new Tensor('float32', bx, [part.length, ...x.dims.slice(1)]),
        y: new Tensor('float32', by, [part.length, c]),
        ids: part.map((e) => options.ids?.[e] ?? String(e)),
      };
    }
  };
  return { batches, stepsPerEpoch: steps, size: m };
}
