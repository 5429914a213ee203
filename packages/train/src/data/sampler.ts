import { DatasetError, InvalidArgumentError, Rng } from '@instr/core';
import { Dataset } from './dataset.js';
import type { SplitItem } from './split.js';

/**
 * Draws the item order of one epoch. Same seed and epoch → same order (the epoch's generator is
 * `new Rng(seed).derive(epoch)`), so a resumed run replays it exactly.
 * @example
 * ```ts
 * const sampler: Sampler = new WeightedRandomSampler(inverseFrequencyWeights(ds), { seed: 1 });
 * const order = sampler.indices(epoch);
 * ```
 */
export interface Sampler {
  /** Number of indices per epoch. */
  readonly length: number;
  /** The item indices of `epoch`, in order. */
  indices(epoch: number): number[];
}

/**
 * Draws the batches of one epoch (lists of item indices).
 * @example
 * ```ts
 * const sampler: BatchSampler = new ClassBalancedBatchSampler(ds, { batchSize: 32, seed: 1 });
 * const batches = sampler.batches(epoch);
 * ```
 */
export interface BatchSampler {
  /** Number of batches per epoch. */
  readonly batchesPerEpoch: number;
  /** The batches of `epoch`. */
  batches(epoch: number): number[][];
}

function checkEpoch(epoch: number): void {
  if (!Number.isSafeInteger(epoch) || epoch < 0) {
    throw new InvalidArgumentError(`epoch must be a non-negative integer, got ${epoch}.`, {
      details: { key: 'epoch', actual: epoch },
    });
  }
}

function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`seed must be a safe integer, got ${seed}.`, {
      details: { key: 'seed', actual: seed },
    });
  }
}

/**
 * Every index once per epoch: shuffled (default) or in order (validation, test).
 * @example
 * ```ts
 * const sampler = new RandomSampler(ds.size, { seed: 1 });
 * sampler.indices(0); // a permutation, the same on every run
 * ```
 */
export class RandomSampler implements Sampler {
  readonly length: number;
  private readonly seed: number;
  private readonly shuffle: boolean;

  constructor(size: number, options: { seed?: number; shuffle?: boolean } = {}) {
    if (!Number.isInteger(size) || size < 0) {
      throw new InvalidArgumentError(`size must be a non-negative integer, got ${size}.`, {
        details: { key: 'size' },
      });
    }
    this.length = size;
    this.seed = options.seed ?? 0;
    checkSeed(this.seed);
    this.shuffle = options.shuffle ?? true;
  }

  indices(epoch: number): number[] {
    checkEpoch(epoch);
    return this.shuffle
      ? new Rng(this.seed).derive(epoch).permutation(this.length)
      : Array.from({ length: this.length }, (_, i) => i);
  }
}

/**
 * How {@link inverseFrequencyWeights} combines the weights of an item's classes.
 * @example
 * ```ts
 * inverseFrequencyWeights(ds, { reduce: 'max' satisfies WeightReduction });
 * ```
 */
export type WeightReduction = 'mean' | 'max' | 'min' | 'sum';

/**
 * Options of {@link inverseFrequencyWeights}.
 * @example
 * ```ts
 * inverseFrequencyWeights(ds, { reduce: 'mean', power: 0.5, unlabelledWeight: 0.1 } satisfies InverseFrequencyOptions);
 * ```
 */
export interface InverseFrequencyOptions {
  /** How per-class weights of a multi-label item combine (default `'mean'`). */
  reduce?: WeightReduction;
  /**
   * Weight of items with no label: a number, or `'class'` (default) to treat "no instrument" as one more
   * class (weight `1 / count(unlabelled)`), so negatives are drawn as often as a typical class.
   */
  unlabelledWeight?: number | 'class';
  /** Raise each class weight to this power (0 = no balancing, 1 = full inverse frequency, 0.5 = square root). Default 1. */
  power?: number;
  /** A label counts as present when ≥ this (default 0.5). */
  threshold?: number;
  /** Scale the weights to sum to the number of items (default true; the draw is scale-free). */
  normalize?: boolean;
}

/**
 * Per-item sampling weights for multi-label data from inverse class frequencies:
 *
 *   w_c = (1 / n_c)^power,   n_c = number of items holding class c,
 *   w_i = reduce_{c ∈ labels(i)} w_c   (mean by default; max, min or sum on request),
 *
 * and items without labels get `unlabelledWeight` (by default `(1 / n_none)^power`, treating "none" as a
 * class). With single-label data and power 1, every class is drawn equally often in expectation.
 * (The reference passed argmax *indices* as weights, so class 0 was never drawn; this does not.)
 *
 * @throws {@link DatasetError} for an empty dataset.
 * @example
 * ```ts
 * const weights = inverseFrequencyWeights(train, { reduce: 'max' });
 * const sampler = new WeightedRandomSampler(weights, { seed: 7 });
 * ```
 */
export function inverseFrequencyWeights(
  data: Dataset | readonly SplitItem[],
  options: InverseFrequencyOptions = {},
): Float64Array {
  const items = data instanceof Dataset ? data.items : data;
  if (items.length === 0)
    throw new DatasetError('Cannot weight an empty dataset.', { details: { key: 'items' } });
  const reduce = options.reduce ?? 'mean';
  if (!['mean', 'max', 'min', 'sum'].includes(reduce)) {
    throw new InvalidArgumentError(`reduce must be mean, max, min or sum, got ${String(reduce)}.`, {
      details: { key: 'reduce', actual: reduce },
    });
  }
  const power = options.power ?? 1;
  const threshold = options.threshold ?? 0.5;
  const C = items[0]!.labels.length;
  const counts = new Float64Array(C);
  let none = 0;
  const present = items.map((item) => {
    const p: number[] = [];
    for (let j = 0; j < C; j++) if (item.labels[j]! >= threshold) p.push(j);
    for (const j of p) counts[j]!++;
    if (p.length === 0) none++;
    return p;
  });
  const classWeight = Float64Array.from(counts, (n) => (n > 0 ? (1 / n) ** power : 0));
  const unlabelled =
    options.unlabelledWeight === undefined || options.unlabelledWeight === 'class'
      ? none > 0
        ? (1 / none) ** power
        : 0
      : options.unlabelledWeight;
  if (!(unlabelled >= 0) || !Number.isFinite(unlabelled)) {
    throw new InvalidArgumentError(`unlabelledWeight must be a finite number ≥ 0, got ${unlabelled}.`, {
      details: { key: 'unlabelledWeight', actual: unlabelled },
    });
  }
  const w = new Float64Array(items.length);
  present.forEach((p, i) => {
    if (p.length === 0) {
      w[i] = unlabelled;
      return;
    }
    const ws = p.map((j) => classWeight[j]!);
    w[i] =
      reduce === 'max'
        ? Math.max(...ws)
        : reduce === 'min'
          ? Math.min(...ws)
          : reduce === 'sum'
            ? ws.reduce((a, b) => a + b, 0)
            : ws.reduce((a, b) => a + b, 0) / ws.length;
  });
  if (options.normalize !== false) {
    const total = w.reduce((a, b) => a + b, 0);
    if (total > 0) for (let i = 0; i < w.length; i++) w[i]! *= items.length / total;
  }
  return w;
}

/**
 * Draws `numSamples` indices per epoch with probability proportional to `weights` (PyTorch's
 * `WeightedRandomSampler`): with replacement by default (binary search over the cumulative weights), or
 * without (Efraimidis–Spirakis keys).
 * @example
 * ```ts
 * const sampler = new WeightedRandomSampler(inverseFrequencyWeights(ds), { seed: 3 });
 * const epoch0 = sampler.indices(0);
 * ```
 */
export class WeightedRandomSampler implements Sampler {
  readonly length: number;
  private readonly cumulative: Float64Array;
  private readonly weights: Float64Array;
  private readonly seed: number;
  private readonly replacement: boolean;

  constructor(
    weights: ArrayLike<number>,
    options: { seed?: number; numSamples?: number; replacement?: boolean } = {},
  ) {
    this.weights = Float64Array.from(weights);
    this.cumulative = new Float64Array(this.weights.length);
    let acc = 0;
    let positive = 0;
    this.weights.forEach((w, i) => {
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new InvalidArgumentError(`weights[${i}] must be finite and ≥ 0, got ${w}.`, {
          details: { key: `weights[${i}]`, actual: w },
        });
      }
      if (w > 0) positive++;
      acc += w;
      this.cumulative[i] = acc;
    });
    if (!(acc > 0))
      throw new InvalidArgumentError('At least one weight must be positive.', {
        details: { key: 'weights' },
      });
    this.seed = options.seed ?? 0;
    checkSeed(this.seed);
    this.replacement = options.replacement ?? true;
    this.length = options.numSamples ?? this.weights.length;
    if (!Number.isInteger(this.length) || this.length < 0) {
      throw new InvalidArgumentError(`numSamples must be a non-negative integer, got ${this.length}.`, {
        details: { key: 'numSamples', actual: this.length },
      });
    }
    if (!this.replacement && this.length > positive) {
      throw new InvalidArgumentError(
        `Cannot draw ${this.length} distinct items: only ${positive} have a positive weight.`,
        { details: { key: 'numSamples', expected: `≤ ${positive}`, actual: this.length } },
      );
    }
  }

  indices(epoch: number): number[] {
    checkEpoch(epoch);
    const rng = new Rng(this.seed).derive(epoch);
    const n = this.weights.length;
    if (!this.replacement) {
      const keys = Array.from(this.weights, (w, i) => ({
        i,
        k: w > 0 ? Math.log(rng.uniform() || Number.MIN_VALUE) / w : Number.NEGATIVE_INFINITY,
      }));
      keys.sort((a, b) => b.k - a.k || a.i - b.i);
      return keys.slice(0, this.length).map((k) => k.i);
    }
    const total = this.cumulative[n - 1]!;
    const out = new Array<number>(this.length);
    for (let s = 0; s < this.length; s++) {
      const r = rng.uniform() * total;
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.cumulative[mid]! > r) hi = mid;
        else lo = mid + 1;
      }
      out[s] = lo;
    }
    return out;
  }
}

/**
 * Options of {@link ClassBalancedBatchSampler}.
 * @example
 * ```ts
 * new ClassBalancedBatchSampler(ds, { batchSize: 16, batchesPerEpoch: 200, seed: 3 } satisfies ClassBalancedOptions);
 * ```
 */
export interface ClassBalancedOptions {
  /** Items per batch. */
  batchSize: number;
  /** Batches per epoch. Default `ceil(items / batchSize)`. */
  batchesPerEpoch?: number;
  /** Seed of the draws (default 0). */
  seed?: number;
  /** Include unlabelled items as one more "class" (default true when there are any). */
  includeUnlabelled?: boolean;
  /** A label counts as present when ≥ this (default 0.5). */
  threshold?: number;
}

/**
 * Batches in which every class appears about equally often: the slots of each batch cycle through the
 * classes (in a fresh random order per batch), and each slot takes the next item of that class from a
 * shuffled per-class queue (refilled when exhausted), so rare classes are repeated and common ones
 * subsampled. Classes with no item are skipped.
 * @example
 * ```ts
 * const sampler = new ClassBalancedBatchSampler(train, { batchSize: 32, seed: 1 });
 * for (const batch of sampler.batches(epoch)) …
 * ```
 */
export class ClassBalancedBatchSampler implements BatchSampler {
  readonly batchesPerEpoch: number;
  private readonly pools: number[][];
  private readonly batchSize: number;
  private readonly seed: number;

  constructor(data: Dataset | readonly SplitItem[], options: ClassBalancedOptions) {
    const items = data instanceof Dataset ? data.items : data;
    if (!Number.isInteger(options.batchSize) || options.batchSize < 1) {
      throw new InvalidArgumentError(`batchSize must be a positive integer, got ${options.batchSize}.`, {
        details: { key: 'batchSize', actual: options.batchSize },
      });
    }
    if (items.length === 0)
      throw new DatasetError('Cannot sample an empty dataset.', { details: { key: 'items' } });
    const threshold = options.threshold ?? 0.5;
    const C = items[0]!.labels.length;
    const pools: number[][] = Array.from({ length: C + 1 }, () => []);
    items.forEach((item, i) => {
      let any = false;
      for (let j = 0; j < C; j++) {
        if (item.labels[j]! >= threshold) {
          pools[j]!.push(i);
          any = true;
        }
      }
      if (!any) pools[C]!.push(i);
    });
    if (options.includeUnlabelled === false) pools[C] = [];
    this.pools = pools.filter((p) => p.length > 0);
    this.batchSize = options.batchSize;
    this.seed = options.seed ?? 0;
    checkSeed(this.seed);
    this.batchesPerEpoch = options.batchesPerEpoch ?? Math.ceil(items.length / options.batchSize);
  }

  batches(epoch: number): number[][] {
    checkEpoch(epoch);
    const rng = new Rng(this.seed).derive(epoch);
    const queues = this.pools.map((p) => rng.shuffle([...p]));
    const pos = new Array<number>(queues.length).fill(0);
    const out: number[][] = [];
    for (let b = 0; b < this.batchesPerEpoch; b++) {
      const batch: number[] = [];
      let order = rng.permutation(queues.length);
      for (let s = 0; s < this.batchSize; s++) {
        if (s > 0 && s % queues.length === 0) order = rng.permutation(queues.length);
        const k = order[s % queues.length]!;
        const q = queues[k]!;
        if (pos[k]! >= q.length) {
          rng.shuffle(q);
          pos[k] = 0;
        }
        batch.push(q[pos[k]!++]!);
      }
      out.push(batch);
    }
    return out;
  }
}
