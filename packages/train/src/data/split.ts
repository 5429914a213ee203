import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { InvalidArgumentError, Rng, type Seed } from '@instr/core';
import { Dataset, type DatasetItem } from './dataset.js';
import { mapConcurrent, type ProgressCallback } from './files.js';

/**
 * What the splitters need of an item: its label vector and, optionally, its group.
 * @example
 * ```ts
 * const items: SplitItem[] = [{ labels: new Float32Array([1, 0]), group: 'song-1' }];
 * ```
 */
export interface SplitItem {
  readonly labels: ArrayLike<number>;
  readonly group?: string;
}

/**
 * Options of the splitters.
 * @example
 * ```ts
 * kFold(ds, { k: 5, seed: 42, groups: true, stratify: true } satisfies SplitOptions & { k: number });
 * ```
 */
export interface SplitOptions {
  /** A seed or generator; same seed → same split. */
  seed: Seed;
  /**
   * Keep items of one group together (default true; items without a group are their own group).
   * Pass an array to override the items' `group` fields.
   */
  groups?: boolean | ArrayLike<string | undefined>;
  /** Balance label proportions across parts (default true); false = a random group-aware split. */
  stratify?: boolean;
  /** A label counts as present when ≥ this (default 0.5). */
  threshold?: number;
}

function itemsOf(data: Dataset | readonly SplitItem[]): readonly SplitItem[] {
  return data instanceof Dataset ? data.items : data;
}

/**
 * Assigns every item to one of `proportions.length` parts with **iterative stratification** (Sechidis,
 * Tsoumakas & Vlahavas 2011; scikit-multilearn's `IterativeStratification` with order 1), extended to
 * groups: the items of a group (song, singer, excerpt) form one unit carrying the sum of their labels, and
 * units are never divided. The rarest remaining label is handled first; each unit holding it goes to the
 * part that most lacks that label (ties: the part that most lacks items, then at random), among the parts
 * it would not overfill by more than half its size or 5 % of the part's target (so a few large groups
 * cannot all land in one part). Units with no label fill the parts that lack items.
 *
 * @param proportions relative part sizes (normalised), e.g. `[0.8, 0.2]` or five `0.2`s.
 * @returns the part index of each item.
 * @throws {@link InvalidArgumentError} for bad proportions or more parts than groups.
 * @example
 * ```ts
 * const part = iterativeStratification(ds.items, [0.8, 0.2], { seed: 42 });
 * const train = ds.subset(part.flatMap((p, i) => (p === 0 ? [i] : [])));
 * ```
 */
export function iterativeStratification(
  data: Dataset | readonly SplitItem[],
  proportions: readonly number[],
  options: SplitOptions,
): number[] {
  const items = itemsOf(data);
  if (proportions.length < 2 || proportions.some((p) => !(p > 0) || !Number.isFinite(p))) {
    throw new InvalidArgumentError(
      `proportions must be at least two positive numbers, got [${proportions.join(', ')}].`,
      { details: { key: 'proportions', actual: proportions } },
    );
  }
  const rng = Rng.from(options.seed);
  const threshold = options.threshold ?? 0.5;
  const sum = proportions.reduce((a, b) => a + b, 0);
  const ratios = proportions.map((p) => p / sum);
  const F = ratios.length;
  const N = items.length;
  const C = N > 0 ? items[0]!.labels.length : 0;
  // Units: groups, or single items.
  const groupOf = (i: number): string | undefined => {
    if (options.groups === false) return undefined;
    if (options.groups && options.groups !== true) return options.groups[i] ?? undefined;
    return items[i]!.group;
  };
  const unitIndex = new Map<string, number>();
  const members: number[][] = [];
  for (let i = 0; i < N; i++) {
    const g = groupOf(i);
    if (g === undefined) {
      members.push([i]);
      continue;
    }
    let u = unitIndex.get(g);
    if (u === undefined) {
      u = members.length;
      unitIndex.set(g, u);
      members.push([]);
    }
    members[u]!.push(i);
  }
  const U = members.length;
  if (U < F) {
    throw new InvalidArgumentError(`Cannot split ${U} group(s) into ${F} parts.`, {
      details: { key: 'proportions', expected: `≥ ${F} groups`, actual: U },
    });
  }
  const counts = members.map((m) => {
    const c = new Float64Array(C);
    for (const i of m) {
      const l = items[i]!.labels;
      for (let j = 0; j < C; j++) if (l[j]! >= threshold) c[j]!++;
    }
    return c;
  });
  const labelTotal = new Float64Array(C);
  for (const c of counts) for (let j = 0; j < C; j++) labelTotal[j]! += c[j]!;
  const desiredItems = ratios.map((r) => r * N);
  const desiredLabels = ratios.map((r) => Float64Array.from(labelTotal, (t) => r * t));
  const assigned = new Int32Array(U).fill(-1);
  const order = rng.permutation(U);
  const remainingLabel = Float64Array.from(labelTotal);
  const assign = (u: number, f: number) => {
    assigned[u] = f;
    desiredItems[f]! -= members[u]!.length;
    const c = counts[u]!;
    for (let j = 0; j < C; j++) {
      desiredLabels[f]![j]! -= c[j]!;
      remainingLabel[j]! -= c[j]!;
    }
  };
  const pickFold = (size: number, score: (f: number) => number[]): number => {
    // Parts the unit would not overfill by more than half its size or 5 % of the part's target;
    // all parts when none qualifies.
    let candidates = Array.from({ length: F }, (_, f) => f).filter(
      (f) => desiredItems[f]! - size >= -Math.max(size / 2, 0.05 * ratios[f]! * N),
    );
    if (candidates.length === 0) candidates = Array.from({ length: F }, (_, f) => f);
    let best: number[] = [];
    let bestScore: number[] | undefined;
    for (const f of candidates) {
      const s = score(f);
      const cmp = bestScore === undefined ? 1 : compareLex(s, bestScore);
      if (cmp > 0) {
        best = [f];
        bestScore = s;
      } else if (cmp === 0) best.push(f);
    }
    return best.length === 1 ? best[0]! : best[rng.int(0, best.length - 1)]!;
  };
  if (options.stratify !== false) {
    for (;;) {
      // The rarest label still held by unassigned units (ties at random).
      let min = Number.POSITIVE_INFINITY;
      let candidates: number[] = [];
      for (let j = 0; j < C; j++) {
        const r = remainingLabel[j]!;
        if (r <= 0) continue;
        if (r < min) {
          min = r;
          candidates = [j];
        } else if (r === min) candidates.push(j);
      }
      if (candidates.length === 0) break;
      const label = candidates.length === 1 ? candidates[0]! : candidates[rng.int(0, candidates.length - 1)]!;
      for (const u of order) {
        if (assigned[u] !== -1 || counts[u]![label]! === 0) continue;
        assign(
          u,
          pickFold(members[u]!.length, (f) => [desiredLabels[f]![label]!, desiredItems[f]!]),
        );
      }
    }
  }
  for (const u of order) {
    if (assigned[u] === -1)
      assign(
        u,
        pickFold(members[u]!.length, (f) => [desiredItems[f]!]),
      );
  }
  const out = new Array<number>(N);
  members.forEach((m, u) => {
    for (const i of m) out[i] = assigned[u]!;
  });
  return out;
}

function compareLex(a: number[], b: number[]): number {
  for (let i = 0; i < a.length; i++) {
    const d = a[i]! - b[i]!;
    if (Math.abs(d) > 1e-9) return d > 0 ? 1 : -1;
  }
  return 0;
}

/**
 * Item indices of a two-way split.
 * @example
 * ```ts
 * const { train, val }: TrainValSplit = trainValSplit(ds, { seed: 1 });
 * ```
 */
export interface TrainValSplit {
  train: number[];
  val: number[];
}

/**
 * `k` folds for cross-validation: each fold's `val` is one stratified part (see
 * {@link iterativeStratification}), its `train` the rest. Groups never straddle folds.
 * @example
 * ```ts
 * for (const { train, val } of kFold(ds, { k: 5, seed: 1 })) fit(ds.subset(train), ds.subset(val));
 * ```
 */
export function kFold(
  data: Dataset | readonly SplitItem[],
  options: SplitOptions & { k?: number },
): TrainValSplit[] {
  const k = options.k ?? 5;
  if (!Number.isInteger(k) || k < 2) {
    throw new InvalidArgumentError(`kFold needs an integer k ≥ 2, got ${k}.`, {
      details: { key: 'k', actual: k },
    });
  }
  const part = iterativeStratification(data, new Array<number>(k).fill(1 / k), options);
  return Array.from({ length: k }, (_, f) => ({
    train: part.flatMap((p, i) => (p !== f ? [i] : [])),
    val: part.flatMap((p, i) => (p === f ? [i] : [])),
  }));
}

/**
 * A train / validation split by ratio (stratified and group-aware by default, see
 * {@link iterativeStratification}).
 * @example
 * ```ts
 * const { train, val } = trainValSplit(ds, { valFraction: 0.2, seed: 42 });
 * const [trainSet, valSet] = [ds.subset(train, 'train'), ds.subset(val, 'val')];
 * ```
 */
export function trainValSplit(
  data: Dataset | readonly SplitItem[],
  options: SplitOptions & { valFraction?: number },
): TrainValSplit {
  const f = options.valFraction ?? 0.2;
  if (!(f > 0 && f < 1)) {
    throw new InvalidArgumentError(`valFraction must be in (0, 1), got ${f}.`, {
      details: { key: 'valFraction', actual: f },
    });
  }
  const part = iterativeStratification(data, [1 - f, f], options);
  return {
    train: part.flatMap((p, i) => (p === 0 ? [i] : [])),
    val: part.flatMap((p, i) => (p === 1 ? [i] : [])),
  };
}

/**
 * Options of {@link checkLeakage}.
 * @example
 * ```ts
 * await checkLeakage({ train, val }, { contentHash: false } satisfies LeakageOptions);
 * ```
 */
export interface LeakageOptions {
  /** Also compare the files' contents by SHA-256 (default true). */
  contentHash?: boolean;
  /** Files hashed at once. Default 8. */
  concurrency?: number;
  /** Called after each hashed file. */
  onProgress?: ProgressCallback;
}

/**
 * One value found in more than one split.
 * @example
 * ```ts
 * for (const { value, items } of report.sharedGroups as LeakageEntry[]) console.warn(value, items);
 * ```
 */
export interface LeakageEntry {
  /** The shared group, path or content hash. */
  value: string;
  /** `[split name, item id]` of every holder. */
  items: [string, string][];
}

/**
 * What {@link checkLeakage} found.
 * @example
 * ```ts
 * const report: LeakageReport = await checkLeakage({ train, val });
 * if (!report.ok) throw new Error('leakage');
 * ```
 */
export interface LeakageReport {
  /** True when nothing is shared. */
  ok: boolean;
  /** Groups present in more than one split. */
  sharedGroups: LeakageEntry[];
  /** Files (resolved paths) present in more than one split. */
  sharedPaths: LeakageEntry[];
  /** Identical file contents present in more than one split (e.g. copies under other names). */
  duplicateContent: LeakageEntry[];
}

/**
 * Checks splits for leakage: the same group, the same file, or (by content hash) the same audio under
 * another name in more than one split.
 * @example
 * ```ts
 * const report = await checkLeakage({ train: trainSet, val: valSet });
 * if (!report.ok) console.warn(report.sharedGroups, report.duplicateContent);
 * ```
 */
export async function checkLeakage(
  splits: Readonly<Record<string, Dataset | readonly DatasetItem[]>>,
  options: LeakageOptions = {},
): Promise<LeakageReport> {
  const entries: { split: string; item: DatasetItem }[] = [];
  for (const [split, data] of Object.entries(splits)) {
    for (const item of data instanceof Dataset ? data.items : data) entries.push({ split, item });
  }
  const shared = (key: (item: DatasetItem) => string | undefined, values?: (string | undefined)[]) => {
    const map = new Map<string, [string, string][]>();
    entries.forEach(({ split, item }, i) => {
      const v = values ? values[i] : key(item);
      if (v === undefined) return;
      const list = map.get(v) ?? [];
      list.push([split, item.id]);
      map.set(v, list);
    });
    return [...map]
      .filter(([, list]) => new Set(list.map(([s]) => s)).size > 1)
      .map(([value, items]) => ({ value, items }));
  };
  const sharedGroups = shared((item) => item.group);
  const sharedPaths = shared((item) => resolve(item.path));
  let duplicateContent: LeakageEntry[] = [];
  if (options.contentHash !== false) {
    const hashes = await mapConcurrent(
      entries,
      options.concurrency ?? 8,
      async ({ item }) => {
        try {
          return createHash('sha256')
            .update(await readFile(item.path))
            .digest('hex');
        } catch {
          return undefined;
        }
      },
      (done, total, i) => options.onProgress?.({ done, total, id: entries[i]!.item.id }),
    );
    duplicateContent = shared(() => undefined, hashes);
  }
  return {
    ok: sharedGroups.length === 0 && sharedPaths.length === 0 && duplicateContent.length === 0,
    sharedGroups,
    sharedPaths,
    duplicateContent,
  };
}
