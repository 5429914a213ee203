import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstrumentSet, InvalidArgumentError, Rng } from '@instr/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  checkLeakage,
  ClassBalancedBatchSampler,
  Dataset,
  type DatasetItem,
  inverseFrequencyWeights,
  iterativeStratification,
  kFold,
  RandomSampler,
  trainValSplit,
  WeightedRandomSampler,
} from '../src/index.js';
import { tempDir, writeTone } from './data-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** A synthetic multi-label dataset: `groups` groups of 1–6 items, classes of very different frequency. */
function synthetic(seed: number, groups = 160, classes = 8): { labels: Float32Array; group: string }[] {
  const rng = new Rng(seed);
  const freq = Array.from({ length: classes }, (_, j) => 0.5 / (j + 1)); // 0.5, 0.25, … 0.0625
  const out: { labels: Float32Array; group: string }[] = [];
  for (let g = 0; g < groups; g++) {
    // A group (song) shares a core instrument; its items add others.
    const core = rng.choice(classes, 1, { weights: freq })[0]!;
    const n = rng.int(1, 6);
    for (let k = 0; k < n; k++) {
      const labels = new Float32Array(classes);
      labels[core] = 1;
      for (let j = 0; j < classes; j++) if (rng.bernoulli(freq[j]! * 0.3)) labels[j] = 1;
      if (rng.bernoulli(0.05)) labels.fill(0);
      out.push({ labels, group: `g${g}` });
    }
  }
  return out;
}

function proportions(items: { labels: Float32Array }[], idx: number[]): number[] {
  const C = items[0]!.labels.length;
  const p = new Array<number>(C).fill(0);
  for (const i of idx) for (let j = 0; j < C; j++) p[j]! += items[i]!.labels[j]!;
  return p.map((v) => v / idx.length);
}

function deviations(items: { labels: Float32Array }[], parts: number[][]): { worst: number; mean: number } {
  const all = proportions(
    items,
    items.map((_, i) => i),
  );
  let worst = 0;
  let sum = 0;
  let n = 0;
  for (const idx of parts) {
    const p = proportions(items, idx);
    p.forEach((v, j) => {
      worst = Math.max(worst, Math.abs(v - all[j]!));
      sum += Math.abs(v - all[j]!);
      n++;
    });
  }
  return { worst, mean: sum / n };
}

function maxDeviation(items: { labels: Float32Array }[], parts: number[][]): number {
  return deviations(items, parts).worst;
}

describe('iterative stratification', () => {
  const items = synthetic(3);

  it('k folds: every item once, groups never split, label proportions close to global', () => {
    const folds = kFold(items, { k: 5, seed: 11 });
    const seen = new Array<number>(items.length).fill(0);
    for (const { train, val } of folds) {
      expect(train.length + val.length).toBe(items.length);
      for (const i of val) seen[i]!++;
      const valGroups = new Set(val.map((i) => items[i]!.group));
      for (const i of train) expect(valGroups.has(items[i]!.group)).toBe(false);
      expect(Math.abs(val.length - items.length / 5)).toBeLessThan(items.length * 0.05);
    }
    expect(seen.every((s) => s === 1)).toBe(true);
    const stratified = deviations(
      items,
      folds.map((f) => f.val),
    );
    const random = deviations(
      items,
      kFold(items, { k: 5, seed: 11, stratify: false }).map((f) => f.val),
    );
    expect(stratified.worst).toBeLessThan(0.06);
    expect(stratified.worst).toBeLessThan(random.worst);
    expect(stratified.mean).toBeLessThan(random.mean * 0.6);
  });

  it('is seeded, and without groups balances single items even better', () => {
    const a = iterativeStratification(items, [0.8, 0.2], { seed: 5 });
    expect(iterativeStratification(items, [0.8, 0.2], { seed: 5 })).toEqual(a);
    expect(iterativeStratification(items, [0.8, 0.2], { seed: 6 })).not.toEqual(a);
    const loose = kFold(items, { k: 4, seed: 2, groups: false });
    expect(
      maxDeviation(
        items,
        loose.map((f) => f.val),
      ),
    ).toBeLessThan(0.03);
  });

  it('train/val split by ratio keeps groups together and the ratio', () => {
    const { train, val } = trainValSplit(items, { valFraction: 0.25, seed: 1 });
    expect(train.length + val.length).toBe(items.length);
    expect(Math.abs(val.length / items.length - 0.25)).toBeLessThan(0.03);
    const trainGroups = new Set(train.map((i) => items[i]!.group));
    expect(val.some((i) => trainGroups.has(items[i]!.group))).toBe(false);
    expect(maxDeviation(items, [train, val])).toBeLessThan(0.05);
  });

  it('does not pile a few large groups into one part', () => {
    // Every class is one big group (e.g. grouping by class folder): a per-label rule alone would send
    // every group to the larger part.
    const big = [11, 15, 36, 37, 37, 79, 85, 143, 150, 160, 340].flatMap((n, j) =>
      Array.from({ length: n }, () => {
        const labels = new Float32Array(11);
        labels[j] = 1;
        return { labels, group: `class${j}` };
      }),
    );
    const { train, val } = trainValSplit(big, { valFraction: 0.2, seed: 1 });
    expect(val.length).toBeGreaterThan(0.1 * big.length);
    expect(train.length).toBeGreaterThan(0.5 * big.length);
  });

  it('rejects bad arguments', () => {
    expect(() => trainValSplit(items, { valFraction: 1.5, seed: 1 })).toThrow(InvalidArgumentError);
    expect(() => kFold(items, { k: 1, seed: 1 })).toThrow(InvalidArgumentError);
    expect(() =>
      kFold(
        items.slice(0, 2).map((i) => ({ ...i, group: 'same' })),
        { k: 2, seed: 1 },
      ),
    ).toThrow(InvalidArgumentError);
  });
});

describe('checkLeakage', () => {
  it('finds shared groups, shared files and identical content under another name', async () => {
    const set = InstrumentSet.irmas();
    const f = (name: string) =>
      writeTone(join(tmp.dir, name), { seconds: 0.1, freq: 200 + name.length * 50 });
    const item = (id: string, group?: string): DatasetItem => ({
      id,
      path: join(tmp.dir, id),
      labels: set.encode(['pia']),
      codes: ['pia'],
      ...(group ? { group } : {}),
      meta: {},
    });
    for (const n of ['a.wav', 'bb.wav', 'ccc.wav', 'dddd.wav']) f(n);
    const train = new Dataset(set, [item('a.wav', 's1'), item('bb.wav', 's2')]);
    const val = new Dataset(set, [item('ccc.wav', 's3')]);
    const clean = await checkLeakage({ train, val });
    expect(clean).toEqual({ ok: true, sharedGroups: [], sharedPaths: [], duplicateContent: [] });
    copyFileSync(join(tmp.dir, 'a.wav'), join(tmp.dir, 'copy-of-a.wav'));
    const leaky = await checkLeakage({
      train,
      val: [item('ccc.wav', 's2'), item('copy-of-a.wav', 's9')],
      test: [item('bb.wav', 's4')],
    });
    expect(leaky.ok).toBe(false);
    expect(leaky.sharedGroups).toEqual([
      {
        value: 's2',
        items: [
          ['train', 'bb.wav'],
          ['val', 'ccc.wav'],
        ],
      },
    ]);
    expect(leaky.sharedPaths.map((e) => e.items)).toEqual([
      [
        ['train', 'bb.wav'],
        ['test', 'bb.wav'],
      ],
    ]);
    const dup = leaky.duplicateContent.find((e) => e.items.some(([, id]) => id === 'copy-of-a.wav'))!;
    expect(dup.items).toEqual([
      ['train', 'a.wav'],
      ['val', 'copy-of-a.wav'],
    ]);
  });
});

describe('samplers', () => {
  const set = InstrumentSet.custom([{ code: 'a' }, { code: 'b' }, { code: 'c' }]);
  const single = (counts: number[]) =>
    counts.flatMap((n, j) =>
      Array.from({ length: n }, () => {
        const l = new Float32Array(3);
        l[j] = 1;
        return { labels: l };
      }),
    );

  it('inverse-frequency weights give every class the same total weight (class 0 included)', () => {
    const items = single([10, 5, 1]);
    const w = inverseFrequencyWeights(items);
    const totals = [0, 0, 0];
    items.forEach((it, i) => {
      totals[it.labels.indexOf(1)]! += w[i]!;
    });
    for (const t of totals) expect(t).toBeCloseTo(totals[0]!, 10);
    expect(w[0]).toBeGreaterThan(0);
    expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(items.length, 10);
  });

  it('documents the multi-label formula (mean / max / sum / min) and the unlabelled weight', () => {
    const l = (...v: number[]) => ({ labels: Float32Array.from(v) });
    // counts: a = 4, b = 2, c = 1; one unlabelled item.
    const items = [l(1, 0, 0), l(1, 0, 0), l(1, 1, 0), l(1, 1, 1), l(0, 0, 0)];
    const raw = (reduce: 'mean' | 'max' | 'sum' | 'min', extra = {}) =>
      Array.from(inverseFrequencyWeights(items, { reduce, normalize: false, ...extra }));
    expect(raw('mean')[3]).toBeCloseTo((1 / 4 + 1 / 2 + 1) / 3);
    expect(raw('max')[3]).toBeCloseTo(1);
    expect(raw('min')[3]).toBeCloseTo(1 / 4);
    expect(raw('sum')[2]).toBeCloseTo(1 / 4 + 1 / 2);
    expect(raw('mean')[4]).toBe(1); // "none" is a class of one item
    expect(raw('mean', { unlabelledWeight: 0.01 })[4]).toBe(0.01);
    expect(raw('mean', { power: 0.5 })[0]).toBeCloseTo(Math.sqrt(1 / 4));
  });

  it('WeightedRandomSampler balances classes, is reproducible per epoch and differs across epochs', () => {
    const items = single([200, 50, 10]);
    const sampler = new WeightedRandomSampler(inverseFrequencyWeights(items), { seed: 9, numSamples: 30000 });
    const e0 = sampler.indices(0);
    expect(sampler.indices(0)).toEqual(e0);
    expect(sampler.indices(1)).not.toEqual(e0);
    const freq = [0, 0, 0];
    for (const i of e0) freq[items[i]!.labels.indexOf(1)]!++;
    for (const f of freq) expect(Math.abs(f / 30000 - 1 / 3)).toBeLessThan(0.02);
    const distinct = new WeightedRandomSampler([1, 2, 3, 0, 5], {
      seed: 1,
      replacement: false,
      numSamples: 4,
    }).indices(0);
    expect(new Set(distinct).size).toBe(4);
    expect(distinct).not.toContain(3);
    expect(() => new WeightedRandomSampler([0, 0])).toThrow(InvalidArgumentError);
  });

  it('ClassBalancedBatchSampler gives each class about the same number of slots', () => {
    const items = [...single([100, 20, 4]), { labels: new Float32Array(3) }];
    const sampler = new ClassBalancedBatchSampler(
      new Dataset(
        set,
        items.map((it, i) => ({ id: String(i), path: `/${i}`, labels: it.labels, codes: [], meta: {} })),
      ),
      {
        batchSize: 8,
        seed: 4,
        batchesPerEpoch: 50,
      },
    );
    const batches = sampler.batches(0);
    expect(batches).toHaveLength(50);
    expect(sampler.batches(0)).toEqual(batches);
    const slots = [0, 0, 0, 0];
    for (const b of batches) {
      expect(b).toHaveLength(8);
      for (const i of b) {
        const k = items[i]!.labels.indexOf(1);
        slots[k < 0 ? 3 : k]!++;
      }
    }
    for (const s of slots) expect(s).toBe(100);
  });

  it('RandomSampler shuffles per epoch, or keeps the order', () => {
    const s = new RandomSampler(10, { seed: 3 });
    expect([...s.indices(2)].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.indices(2)).toEqual(new RandomSampler(10, { seed: 3 }).indices(2));
    expect(new RandomSampler(4, { shuffle: false }).indices(7)).toEqual([0, 1, 2, 3]);
    expect(() => s.indices(-1)).toThrow(InvalidArgumentError);
  });
});
