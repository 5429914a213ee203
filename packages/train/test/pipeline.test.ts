import { join } from 'node:path';
import { type FeatureSpec, InstrumentSet, InvalidArgumentError, logMelSpec } from '@instr/core';
import { Gain } from '@instr/augment';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AudioCache,
  type Batch,
  ClassBalancedBatchSampler,
  DataPipeline,
  Dataset,
  type DatasetItem,
  featureStatistics,
  framesForSeconds,
  loadCsvDataset,
  type PipelineOptions,
  segment,
  windowSamples,
  windowStarts,
} from '../src/index.js';
import { tempDir, writeText, writeTone } from './data-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

const spec: FeatureSpec = logMelSpec({ nFft: 512, hopLength: 256, nMels: 32 });
const set = InstrumentSet.custom([{ code: 'lo' }, { code: 'mid' }, { code: 'hi' }, { code: 'noise' }]);
let dataset: Dataset;
const augmentModule = join(import.meta.dirname, 'pipeline-augment.ts');

beforeAll(() => {
  const rates = [16000, 22050, 8000, 44100];
  const items: DatasetItem[] = [];
  for (let i = 0; i < 14; i++) {
    const codes = [['lo'], ['mid'], ['hi'], ['noise'], ['lo', 'hi'], ['mid', 'noise'], []][i % 7]!;
    const freq = codes.includes('lo') ? 150 : codes.includes('mid') ? 700 : codes.includes('hi') ? 2500 : 440;
    const path = writeTone(join(tmp.dir, 'audio', `f${i}.wav`), {
      sampleRate: rates[i % 4],
      seconds: 0.3 + 0.1 * i,
      freq,
      amp: codes.length === 0 ? 0.05 : 0.4,
      noise: codes.includes('noise') ? 0.2 : 0.01,
      seed: i,
      channels: i === 5 ? 2 : 1,
    });
    items.push({
      id: `f${i}`,
      path,
      labels: set.encode(codes),
      codes,
      group: `g${i % 5}`,
      genre: i % 2 ? 'a' : 'b',
      meta: {},
    });
  }
  dataset = new Dataset(set, items, { name: 'synthetic' });
});

const base = (): PipelineOptions => ({
  dataset,
  sampleRate: 16000,
  features: spec,
  frames: 32,
  batchSize: 5,
  seed: 1234,
});

async function collect(p: DataPipeline, epoch: number): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of p.epoch(epoch)) out.push(b);
  return out;
}

function fingerprint(batches: Batch[]): { ids: string[][]; x: number[]; y: number[][] } {
  return {
    ids: batches.map((b) => b.ids),
    // Exact bits of every value, summarised per batch plus the full first batch.
    x: batches.flatMap((b) => [
      Array.from(b.x.data).reduce((a, v) => a + v, 0),
      ...Array.from(b.x.data.subarray(0, 50)),
    ]),
    y: batches.map((b) => Array.from(b.y.data)),
  };
}

describe('DataPipeline', () => {
  it('yields [B, 1, mels, frames] / [B, classes] batches in order, files of any rate decoded at one rate', async () => {
    const p = new DataPipeline({ ...base(), train: false, workers: 0 });
    expect(p.batchesPerEpoch).toBe(3);
    const batches = await collect(p, 0);
    await p.close();
    expect(batches.map((b) => b.x.dims)).toEqual([
      [5, 1, 32, 32],
      [5, 1, 32, 32],
      [4, 1, 32, 32],
    ]);
    expect(batches[0]!.y.dims).toEqual([5, 4]);
    expect(batches.flatMap((b) => b.ids)).toEqual(dataset.items.map((i) => i.id));
    for (const b of batches) {
      expect(b.x.data.every((v) => Number.isFinite(v))).toBe(true);
      b.indices.forEach((idx, r) => {
        expect(Array.from(b.y.data.subarray(r * 4, r * 4 + 4))).toEqual(
          Array.from(dataset.items[idx]!.labels),
        );
      });
    }
    expect(windowSamples(spec, 32)).toBe(31 * 256);
  });

  it('is deterministic per (seed, epoch) with 0, 1 or 2 workers and across runs, with mixing and augmentation', async () => {
    const opts: PipelineOptions = {
      ...base(),
      mix: { kind: 'sum', p: 0.6, options: { n: 2 } },
      augment: { module: augmentModule, options: { p: 0.8 } },
      normalization: { mean: -40, std: 20 },
      prefetch: 1,
    };
    const runs: {
      workers: number;
      e0: ReturnType<typeof fingerprint>;
      e1: ReturnType<typeof fingerprint>;
    }[] = [];
    for (const workers of [0, 1, 2, 2]) {
      const p = new DataPipeline({ ...opts, workers });
      try {
        runs.push({ workers, e0: fingerprint(await collect(p, 0)), e1: fingerprint(await collect(p, 1)) });
      } finally {
        await p.close();
      }
    }
    for (const r of runs.slice(1)) {
      expect(r.e0).toEqual(runs[0]!.e0);
      expect(r.e1).toEqual(runs[0]!.e1);
    }
    expect(runs[0]!.e1.ids).not.toEqual(runs[0]!.e0.ids);
    // Mixing happened: some rows carry more labels than their item.
    const p = new DataPipeline({ ...opts, workers: 0 });
    const batches = await collect(p, 0);
    await p.close();
    let mixedRows = 0;
    for (const b of batches) {
      b.indices.forEach((idx, r) => {
        const y = b.y.data.subarray(r * 4, r * 4 + 4);
        const own = dataset.items[idx]!.labels;
        for (let j = 0; j < 4; j++) if (own[j] === 1) expect(y[j]).toBe(1);
        if (y.reduce((a, v) => a + v, 0) > own.reduce((a, v) => a + v, 0)) mixedRows++;
      });
    }
    expect(mixedRows).toBeGreaterThan(0);
  });

  it('propagates a worker error with the file name, and a broken augmentation module', async () => {
    const broken = writeText(join(tmp.dir, 'audio', 'broken.wav'), 'RIFF garbage');
    const bad = new Dataset(set, [
      ...dataset.items.slice(0, 3),
      { id: 'broken', path: broken, labels: set.encode(['lo']), codes: ['lo'], meta: {} },
    ]);
    const p = new DataPipeline({ ...base(), dataset: bad, train: false, workers: 1, batchSize: 2 });
    const err = await collect(p, 0).catch((e: unknown) => e);
    await p.close();
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toContain('broken.wav');
    expect((err as { details: { file: string } }).details.file).toBe(broken);
    expect((err as { code: string }).code).toMatch(/AUDIO_DECODE|UNSUPPORTED_FORMAT|INVALID_AUDIO/);

    const q = new DataPipeline({
      ...base(),
      workers: 1,
      augment: { module: augmentModule, exportName: 'broken' },
    });
    const initErr = await collect(q, 0).catch((e: unknown) => e);
    await q.close();
    expect((initErr as Error).message).toContain('the factory failed on purpose');

    const r = new DataPipeline({
      ...base(),
      workers: 1,
      augment: { module: augmentModule, exportName: 'crashing' },
    });
    const crashErr = await collect(r, 0).catch((e: unknown) => e);
    await r.close();
    expect((crashErr as Error).message).toMatch(/exited unexpectedly \(code 3\)/);
  });

  it('windows whole files for evaluation and caches deterministic features', async () => {
    const cacheDir = join(tmp.dir, 'cache');
    const opts: PipelineOptions = {
      ...base(),
      train: false,
      windows: 'all',
      workers: 0,
      cacheDir,
      batchSize: 4,
    };
    const p1 = new DataPipeline(opts);
    const first = await collect(p1, 0);
    await p1.close();
    const longest = dataset.items.at(-1)!; // 1.6 s → 4 windows of 0.496 s
    const rows = first.flatMap((b) => b.ids).filter((id) => id === longest.id).length;
    expect(rows).toBe(Math.ceil((1.6 * 16000) / windowSamples(spec, 32)));
    for (const b of first) {
      expect(b.x.dims[0]).toBe(b.ids.length);
      expect(b.files.length).toBe(b.ids.length);
    }
    const cache = new AudioCache({ dir: cacheDir });
    const report = await cache.sizeReport();
    expect(report.features.files).toBe(dataset.size);
    expect(report.audio.files).toBe(dataset.size);
    const p2 = new DataPipeline(opts);
    const second = await collect(p2, 0);
    await p2.close();
    expect(fingerprint(second)).toEqual(fingerprint(first));
  });

  it('applies back-pressure: only `prefetch` batches ahead are computed', async () => {
    const cacheDir = join(tmp.dir, 'cache-bp');
    const p = new DataPipeline({ ...base(), train: false, workers: 0, cacheDir, batchSize: 2, prefetch: 1 });
    const it = p.epoch(0);
    await it.next();
    await new Promise((r) => setTimeout(r, 300));
    const n = (await new AudioCache({ dir: cacheDir }).sizeReport()).features.files;
    expect(n).toBeGreaterThanOrEqual(2);
    expect(n).toBeLessThanOrEqual(4);
    await it.return(undefined);
    await p.close();
    await expect(collect(p, 0)).rejects.toThrow(InvalidArgumentError);
  });

  it('accepts a batch sampler, transform objects inline, and validates options', async () => {
    const sampler = new ClassBalancedBatchSampler(dataset, { batchSize: 4, seed: 1, batchesPerEpoch: 2 });
    const p = new DataPipeline({
      ...base(),
      sampler,
      workers: 0,
      augment: { waveform: new Gain({ minDb: -3, maxDb: 3 }) },
    });
    const batches = await collect(p, 3);
    await p.close();
    expect(batches.map((b) => b.x.dims[0])).toEqual([4, 4]);
    expect(batches.map((b) => b.indices)).toEqual(sampler.batches(3));
    expect(() => new DataPipeline({ ...base(), workers: 1, augment: { waveform: new Gain() } })).toThrow(
      InvalidArgumentError,
    );
    expect(() => new DataPipeline({ ...base(), batchSize: 0 })).toThrow(InvalidArgumentError);
    expect(() => new DataPipeline({ ...base(), frames: 0 })).toThrow(InvalidArgumentError);
    expect(() => new DataPipeline({ ...base(), windowHopFrames: 0 })).toThrow(InvalidArgumentError);
    expect(() => new DataPipeline({ ...base(), crop: 'middle' as 'center' })).toThrow(InvalidArgumentError);
  });

  it('resumes an epoch part-way with the same batches', async () => {
    const opts: PipelineOptions = {
      ...base(),
      workers: 0,
      batchSize: 3,
      mix: { kind: 'sum', p: 0.5, options: { n: 2 } },
    };
    const p = new DataPipeline(opts);
    const full = await collect(p, 2);
    const rest: Batch[] = [];
    for await (const b of p.epoch(2, { fromBatch: 3 })) rest.push(b);
    await p.close();
    expect(rest.map((b) => b.batch)).toEqual([3, 4]);
    expect(fingerprint(rest)).toEqual(fingerprint(full.slice(3)));
  });

  it('computes normalisation statistics', async () => {
    const s = await featureStatistics(dataset, { sampleRate: 16000, features: spec, maxItems: 6, seed: 2 });
    expect(s.files).toBe(6);
    expect(s.mean).toBeLessThan(0);
    expect(s.std).toBeGreaterThan(1);
  });
});

describe('feature helpers', () => {
  it('segments with zero or repeat padding and lists window starts', () => {
    const y = Float32Array.from([1, 2, 3]);
    expect(Array.from(segment(y, 0, 2, 'zero'))).toEqual([1, 2]);
    expect(Array.from(segment(y, 1, 5, 'zero'))).toEqual([2, 3, 0, 0, 0]);
    expect(Array.from(segment(y, 0, 8, 'repeat'))).toEqual([1, 2, 3, 1, 2, 3, 1, 2]);
    expect(windowStarts(100, 40, 40)).toEqual([0, 40, 80]);
    expect(windowStarts(100, 40, 40, true)).toEqual([0, 40]);
    expect(windowStarts(10, 40, 40)).toEqual([0]);
    expect(framesForSeconds({ ...spec, hopLength: 512 }, 22050, 3)).toBe(130);
    expect(framesForSeconds({ ...spec, center: false }, 16000, 1)).toBe(1 + Math.floor((16000 - 512) / 256));
    expect(windowSamples(spec, framesForSeconds(spec, 16000, 2))).toBeLessThanOrEqual(32000);
  });
});

describe.skipIf(!sharedDir)('DataPipeline on the shared real audio', () => {
  it('decodes FLAC of mixed rates in workers and yields labelled batches', async () => {
    const dev = await loadCsvDataset(sharedPath('data', 'dev', 'manifest.csv'));
    const picked = dev.subset(
      dev.items.flatMap((item, i) => (item.codes.length > 0 && i % 20 === 0 ? [i] : [])).slice(0, 8),
      'dev-sample',
    );
    const p = new DataPipeline({
      dataset: picked,
      sampleRate: 22050,
      features: { ...spec, nFft: 2048, hopLength: 512, nMels: 128 },
      frames: 64,
      batchSize: 4,
      seed: 7,
      workers: 2,
      mix: { kind: 'sum', p: 1, options: { n: 2 } },
    });
    try {
      const batches = await collect(p, 0);
      expect(picked.size).toBeGreaterThan(2);
      expect(batches.reduce((a, b) => a + b.ids.length, 0)).toBe(picked.size);
      for (const b of batches) expect(b.x.dims).toEqual([b.ids.length, 1, 128, 64]);
      for (const b of batches) {
        expect(b.x.data.every((v) => Number.isFinite(v))).toBe(true);
        expect(b.y.data.some((v) => v === 1)).toBe(true);
      }
    } finally {
      await p.close();
    }
  });
});
