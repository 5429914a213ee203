import { availableParallelism } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { type FeatureSpec, InvalidArgumentError, Tensor } from '@instr/core';
import type { ResampleOptions } from '@instr/dsp';
import type { Dataset } from '../data/dataset.js';
import { type BatchSampler, RandomSampler, type Sampler } from '../data/sampler.js';
import {
  framesForSeconds,
  logMelOptions,
  type ModelWindow,
  type SegmentPadding,
  windowSamples,
} from './features.js';
import { type Executor, InlineExecutor, WorkerPool } from './pool.js';
import {
  type AugmentModuleSpec,
  ExampleProcessor,
  type ExampleResult,
  exampleError,
  type MixSpec,
  type PipelineAugmentations,
  type ProcessorConfig,
  type SerializedError,
} from './processor.js';

/**
 * Options of {@link DataPipeline}.
 * @example
 * ```ts
 * const options: PipelineOptions = { dataset, sampleRate: 22050, features: spec, frames: 128, batchSize: 32, seed: 1 };
 * const pipeline = new DataPipeline(options);
 * ```
 */
export interface PipelineOptions {
  /** The examples. */
  dataset: Dataset;
  /** Rate every file is decoded and resampled to, in Hz (the model metadata's `sampleRate`). */
  sampleRate: number;
  /** Log-mel parameters (the model metadata's `features`). */
  features: FeatureSpec;
  /** Frames per model input (the `W` of `[B, 1, nMels, W]`). */
  frames: number;
  /** Examples per batch. */
  batchSize: number;
  /** Seed of the order, crops, mixing and augmentation. Example i of epoch e uses `new Rng(seed).derive(e, i)`. */
  seed: number;
  /** Training mode: shuffled order, random crops, mixing and augmentation (default true). */
  train?: boolean;
  /** Item order: a {@link Sampler} or {@link BatchSampler}. Default: shuffled per epoch in training, in order otherwise. */
  sampler?: Sampler | BatchSampler;
  /** Drop the last, incomplete batch (default false). */
  dropLast?: boolean;
  /** Where a file longer than the window is cut: `random` (default in training), `center` (default otherwise) or `start`. */
  crop?: 'random' | 'start' | 'center';
  /** How audio shorter than the window is filled (default `'repeat'`, as the reference's chunking). */
  pad?: SegmentPadding;
  /**
   * `one` (default): one window per example. `all`: every window of the file (hop `windowHopFrames`), for
   * evaluation; a batch then has one row per window and `batch.files` maps rows to examples.
   * `model`: every window of the file **as inference cuts it** (`modelWindow`: `@instr/dsp`'s `windowAudio` +
   * `modelInputBatch`, the code `@instr/infer` runs), for validation that scores files like a `Classifier`;
   * evaluation only (`train: false`).
   */
  windows?: 'one' | 'all' | 'model';
  /** The model window (metadata `window`: seconds, hopSeconds, padding) of `windows: 'model'`. */
  modelWindow?: ModelWindow;
  /** Hop between windows with `windows: 'all'`, in frames. Default `frames` (no overlap). */
  windowHopFrames?: number;
  /** `(x − mean) / std` after feature extraction (default none; see `featureStatistics`). */
  normalization?: { mean: number; std: number } | null;
  /** Dataset-level mixing ("sum with N"), training only. Default none. */
  mix?: MixSpec | null;
  /**
   * Augmentations, training only: a module spec (works with workers), or transform objects (only with
   * `workers: 0`, since code cannot cross threads).
   */
  augment?: AugmentModuleSpec | PipelineAugmentations | null;
  /** Worker threads (default `min(2, cores − 1)`, at least 1); 0 runs everything on the calling thread. */
  workers?: number;
  /** Batches computed ahead of the one being consumed (default 2): bounds memory and gives back-pressure. */
  prefetch?: number;
  /** Disk cache of decoded audio (and of features when an example has no randomness). Default none. */
  cacheDir?: string | null;
  /** Cache features of deterministic examples (no mixing, augmentation or random crop). Default true. */
  cacheFeatures?: boolean;
  /** Resampler options (default `{ quality: 'default' }`). */
  resample?: ResampleOptions;
  /** Override the worker script (default: the package's own). */
  workerUrl?: string | URL;
}

/**
 * One batch of model inputs.
 * @example
 * ```ts
 * for await (const { x, y, ids }: Batch of pipeline.epoch(0)) console.log(x.dims, y.dims, ids.length);
 * ```
 */
export interface Batch {
  /** `[rows, 1, nMels, frames]` log-mel inputs. */
  x: Tensor<'float32'>;
  /** `[rows, classes]` multi-hot targets (after mixing). */
  y: Tensor<'float32'>;
  /** Item id of each row. */
  ids: string[];
  /** Dataset index of each row. */
  indices: number[];
  /** Example (position in the batch) of each row: `[0, 1, …]` unless `windows: 'all'` or `'model'`. */
  files: number[];
  /** Epoch and batch number. */
  epoch: number;
  batch: number;
}

/**
 * Options of {@link DataPipeline.epoch}.
 * @example
 * ```ts
 * for await (const batch of pipeline.epoch(3, { fromBatch: 120 } satisfies EpochOptions)) step(batch);
 * ```
 */
export interface EpochOptions {
  /** Start at this batch (to resume an interrupted epoch); earlier batches are not computed. Default 0. */
  fromBatch?: number;
}

function isBatchSampler(s: Sampler | BatchSampler): s is BatchSampler {
  return typeof (s as BatchSampler).batches === 'function';
}

function isModuleSpec(a: AugmentModuleSpec | PipelineAugmentations): a is AugmentModuleSpec {
  return 'module' in a;
}

/**
 * The training input pipeline: decoding (through an optional disk cache), mixing, augmentation, log-mel
 * extraction, cropping or windowing and normalisation run in a small pool of `worker_threads` while the
 * caller trains on the previous batch. `epoch(e)` is an async iterator of batches
 * `{ x: [B, 1, nMels, frames], y: [B, classes], ids }`; its content depends only on (seed, epoch), not
 * on the number of workers or their timing. Errors name the file; `close()` stops the workers.
 *
 * @example
 * ```ts
 * const pipeline = new DataPipeline({
 *   dataset: train, sampleRate: 22050, features: spec, frames: 128, batchSize: 32, seed: 1,
 *   mix: { kind: 'sum', p: 0.5, options: { n: 2 } },
 *   augment: { module: new URL('./augment.js', import.meta.url), options: { p: 0.5 } },
 *   cacheDir: '.cache/audio',
 * });
 * try {
 *   for (let epoch = 0; epoch < 10; epoch++) {
 *     for await (const { x, y } of pipeline.epoch(epoch)) await step(x, y);
 *   }
 * } finally {
 *   await pipeline.close();
 * }
 * ```
 */
export class DataPipeline {
  readonly options: Readonly<PipelineOptions>;
  /** Number of batches in each epoch. */
  readonly batchesPerEpoch: number;
  private readonly config: ProcessorConfig;
  private readonly sampler: Sampler | BatchSampler;
  private executor: Promise<Executor> | undefined;
  private closed = false;

  constructor(options: PipelineOptions) {
    const o = options;
    const fail = (key: string, why: string, actual: unknown): never => {
      throw new InvalidArgumentError(`DataPipeline: ${key} ${why}, got ${JSON.stringify(actual)}.`, {
        details: { key, actual },
      });
    };
    if (!o.dataset || o.dataset.size === 0) fail('dataset', 'must be a non-empty Dataset', o.dataset?.size);
    if (!Number.isInteger(o.batchSize) || o.batchSize < 1)
      fail('batchSize', 'must be a positive integer', o.batchSize);
    if (!Number.isSafeInteger(o.seed)) fail('seed', 'must be a safe integer', o.seed);
    if (!(o.sampleRate >= 1000)) fail('sampleRate', 'must be a sample rate in Hz', o.sampleRate);
    logMelOptions(o.features, o.sampleRate);
    windowSamples(o.features, o.frames);
    const workers = o.workers ?? Math.max(1, Math.min(2, availableParallelism() - 1));
    if (!Number.isInteger(workers) || workers < 0) fail('workers', 'must be an integer ≥ 0', workers);
    const prefetch = o.prefetch ?? 2;
    if (!Number.isInteger(prefetch) || prefetch < 0) fail('prefetch', 'must be an integer ≥ 0', prefetch);
    if (o.normalization && !(o.normalization.std > 0))
      fail('normalization.std', 'must be > 0', o.normalization.std);
    if (o.windowHopFrames !== undefined && !(Number.isInteger(o.windowHopFrames) && o.windowHopFrames >= 1)) {
      fail('windowHopFrames', 'must be a positive integer', o.windowHopFrames);
    }
    if (o.crop !== undefined && !['random', 'start', 'center'].includes(o.crop)) {
      fail('crop', "must be 'random', 'start' or 'center'", o.crop);
    }
    if (o.pad !== undefined && !['zero', 'repeat'].includes(o.pad))
      fail('pad', "must be 'zero' or 'repeat'", o.pad);
    if (o.windows !== undefined && !['one', 'all', 'model'].includes(o.windows))
      fail('windows', "must be 'one', 'all' or 'model'", o.windows);
    const train = o.train ?? true;
    if (o.windows === 'model') {
      const w = o.modelWindow;
      if (!w) fail('modelWindow', "is required with windows: 'model'", w);
      if (train) fail('windows', "'model' is for evaluation (set train: false)", o.windows);
      if (!(w!.seconds > 0) || !(w!.hopSeconds > 0))
        fail('modelWindow', 'needs seconds and hopSeconds > 0', w);
      if (!['zero', 'repeat', 'reflect', 'drop'].includes(w!.padding))
        fail('modelWindow.padding', "must be 'zero', 'repeat', 'reflect' or 'drop'", w!.padding);
      const f = framesForSeconds(o.features, o.sampleRate, w!.seconds);
      if (f !== o.frames)
        fail('modelWindow.seconds', `gives ${f} frames but frames is ${o.frames}`, w!.seconds);
    }
    if (o.augment && !isModuleSpec(o.augment) && workers > 0) {
      fail('augment', 'objects need workers: 0 (pass { module } to use worker threads)', 'transform objects');
    }
    this.options = { ...o, workers, prefetch, train };
    const ds = o.dataset;
    const augment = train && o.augment && isModuleSpec(o.augment) ? o.augment : null;
    this.config = {
      items: ds.items.map((i) => ({
        id: i.id,
        path: i.path,
        labels: i.labels,
        ...(i.genre !== undefined ? { genre: i.genre } : {}),
      })),
      instruments: ds.instruments.toJSON(),
      seed: o.seed,
      sampleRate: o.sampleRate,
      features: o.features,
      frames: o.frames,
      crop: o.crop ?? (train ? 'random' : 'center'),
      pad: o.pad ?? 'repeat',
      windows: o.windows ?? 'one',
      windowHopFrames: o.windowHopFrames ?? o.frames,
      modelWindow: o.windows === 'model' ? { ...o.modelWindow! } : null,
      normalization: o.normalization ?? null,
      mix: train ? (o.mix ?? null) : null,
      augment: augment
        ? {
            module: augment.module instanceof URL ? augment.module.href : resolveModule(augment.module),
            exportName: augment.exportName ?? 'default',
            options: augment.options ?? null,
          }
        : null,
      cacheDir: o.cacheDir ? resolvePath(o.cacheDir) : null,
      cacheFeatures: o.cacheFeatures ?? true,
      resample: o.resample ?? { quality: 'default' },
    };
    this.sampler = o.sampler ?? new RandomSampler(ds.size, { seed: o.seed, shuffle: train });
    if (isBatchSampler(this.sampler)) this.batchesPerEpoch = this.sampler.batchesPerEpoch;
    else {
      const n = this.sampler.length;
      this.batchesPerEpoch = o.dropLast ? Math.floor(n / o.batchSize) : Math.ceil(n / o.batchSize);
    }
  }

  /** Starts the workers (done lazily by the first `epoch`); resolves when they are ready. */
  start(): Promise<void> {
    return this.getExecutor().then(() => undefined);
  }

  private getExecutor(): Promise<Executor> {
    if (this.closed) return Promise.reject(new InvalidArgumentError('DataPipeline is closed.'));
    if (!this.executor) {
      const o = this.options;
      const inline = o.train && o.augment && !isModuleSpec(o.augment) ? o.augment : undefined;
      if (o.workers === 0) {
        this.executor = ExampleProcessor.create(this.config, inline).then((p) => new InlineExecutor(p));
      } else {
        const pool = new WorkerPool(o.workers!, this.config, {
          ...(o.workerUrl ? { workerUrl: o.workerUrl } : {}),
        });
        this.executor = pool.ready.then(
          () => pool,
          async (e: SerializedError) => {
            await pool.close();
            throw exampleError(e, this.config.augment?.module ?? 'pipeline worker', 'init');
          },
        );
      }
      this.executor.catch(() => undefined);
    }
    return this.executor;
  }

  /** The (dataset index, position) plan of `epoch`, batch by batch. */
  plan(epoch: number): { item: number; position: number }[][] {
    const s = this.sampler;
    let position = 0;
    if (isBatchSampler(s))
      return s.batches(epoch).map((b) => b.map((item) => ({ item, position: position++ })));
    const order = s.indices(epoch);
    const out: { item: number; position: number }[][] = [];
    const B = this.options.batchSize;
    for (let i = 0; i < order.length; i += B) {
      const batch = order.slice(i, i + B);
      if (batch.length < B && this.options.dropLast) break;
      out.push(batch.map((item) => ({ item, position: position++ })));
    }
    return out;
  }

  /**
   * The batches of `epoch`, computed `prefetch` batches ahead. Breaking out of the loop is fine (work in
   * flight is discarded); call {@link DataPipeline.close} when done with the pipeline. `fromBatch` resumes
   * an epoch part-way: batches before it are skipped, the others are the same as in a full run.
   * @throws an {@link InstrError} naming the file when an example fails (its original code and details kept).
   */
  async *epoch(epoch: number, options: EpochOptions = {}): AsyncGenerator<Batch, void, undefined> {
    const from = options.fromBatch ?? 0;
    if (!Number.isInteger(from) || from < 0) {
      throw new InvalidArgumentError(`fromBatch must be an integer ≥ 0, got ${from}.`, {
        details: { key: 'fromBatch', actual: from },
      });
    }
    const plan = this.plan(epoch);
    const exec = await this.getExecutor();
    const items = this.options.dataset.items;
    const C = this.options.dataset.instruments.size;
    const { nMels } = this.options.features;
    const frames = this.options.frames;
    const inflight = new Map<number, Promise<ExampleResult[]>>();
    let dispatched = 0;
    const dispatch = (upTo: number) => {
      while (dispatched < Math.min(upTo, plan.length)) {
        const b = dispatched++;
        const p = Promise.all(
          plan[b]!.map(({ item, position }) =>
            exec.run({ item, position, epoch }).catch((e: SerializedError) => {
              throw exampleError(e, items[item]!.path, items[item]!.id);
            }),
          ),
        );
        p.catch(() => undefined);
        inflight.set(b, p);
      }
    };
    dispatched = Math.min(from, plan.length);
    try {
      for (let b = dispatched; b < plan.length; b++) {
        dispatch(b + 1 + this.options.prefetch!);
        const results = await inflight.get(b)!;
        inflight.delete(b);
        const rows = results.reduce((a, r) => a + r.windows, 0);
        const size = nMels * frames;
        const x = new Float32Array(rows * size);
        const y = new Float32Array(rows * C);
        const ids: string[] = [];
        const indices: number[] = [];
        const files: number[] = [];
        let row = 0;
        results.forEach((r, k) => {
          x.set(r.x, row * size);
          const item = plan[b]![k]!.item;
          for (let w = 0; w < r.windows; w++) {
            y.set(r.y, (row + w) * C);
            ids.push(items[item]!.id);
            indices.push(item);
            files.push(k);
          }
          row += r.windows;
        });
        yield {
          x: new Tensor('float32', x, [rows, 1, nMels, frames]),
          y: new Tensor('float32', y, [rows, C]),
          ids,
          indices,
          files,
          epoch,
          batch: b,
        };
      }
    } finally {
      inflight.clear();
    }
  }

  /** Stops the workers. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const exec = this.executor;
    this.executor = undefined;
    if (exec)
      await exec.then(
        (e) => e.close(),
        () => undefined,
      );
  }
}

function resolveModule(m: string): string {
  return m.startsWith('file:') ? m : resolvePath(m);
}
