import { readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstrumentSet, IOError, Tensor } from '@instr/core';
import { afterAll, describe, expect, it } from 'vitest';
import {
  AudioCache,
  cleanDataset,
  Dataset,
  datasetMixSources,
  datasetStatistics,
  loadCsvDataset,
  loadMonoAudio,
  measureDurations,
  silentFraction,
} from '../src/index.js';
import { tempDir, writeText, writeTone } from './data-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());
const set = InstrumentSet.irmas();

describe('datasetStatistics and measureDurations', () => {
  it('counts classes, seconds, instruments per file, co-occurrence, genres and drums', async () => {
    const root = join(tmp.dir, 'stats');
    writeTone(join(root, 'a.wav'), { seconds: 1 });
    writeTone(join(root, 'b.wav'), { seconds: 0.5, sampleRate: 22050 });
    writeTone(join(root, 'c.wav'), { seconds: 2 });
    writeTone(join(root, 'd.wav'), { seconds: 0.25 });
    const items = [
      {
        id: 'a',
        path: join(root, 'a.wav'),
        labels: set.encode(['pia', 'voi']),
        codes: ['pia', 'voi'],
        genre: 'pop_roc',
        drums: true,
        meta: {},
      },
      {
        id: 'b',
        path: join(root, 'b.wav'),
        labels: set.encode(['pia']),
        codes: ['pia'],
        genre: 'cla',
        drums: false,
        meta: {},
      },
      {
        id: 'c',
        path: join(root, 'c.wav'),
        labels: set.encode(['pia', 'voi', 'gel']),
        codes: ['gel', 'pia', 'voi'],
        meta: {},
      },
      { id: 'd', path: join(root, 'd.wav'), labels: set.encode([]), codes: [], meta: {} },
    ];
    const progress: number[] = [];
    const ds = await measureDurations(new Dataset(set, items), { onProgress: (p) => progress.push(p.done) });
    expect(progress.sort()).toEqual([1, 2, 3, 4]);
    const s = datasetStatistics(ds);
    expect(s.files).toBe(4);
    expect(s.unlabelled).toBe(1);
    expect(s.seconds).toBeCloseTo(3.75, 3);
    expect(s.unknownDuration).toBe(0);
    const pia = s.classes[set.indexOf('pia')]!;
    expect(pia).toMatchObject({ code: 'pia', name: 'Piano', files: 3 });
    expect(pia.seconds).toBeCloseTo(3.5, 3);
    expect(s.instrumentsPerFile).toEqual([1, 1, 1, 1]);
    const [p, v, g] = ['pia', 'voi', 'gel'].map((c) => set.indexOf(c));
    expect(s.cooccurrence[p!]![v!]).toBe(2);
    expect(s.cooccurrence[v!]![p!]).toBe(2);
    expect(s.cooccurrence[g!]![p!]).toBe(1);
    expect(s.cooccurrence[p!]![p!]).toBe(3);
    expect(s.genres).toEqual({ pop_roc: 1, cla: 1, unknown: 2 });
    expect(s.drums).toEqual({ yes: 1, no: 1, unknown: 2 });
    expect(s.emptyClasses).toContain('cel');
    expect(s.emptyClasses).not.toContain('pia');
  });
});

describe('cleanDataset', () => {
  it('excludes unreadable, silent and too-short files with a report, in parallel with progress', async () => {
    const root = join(tmp.dir, 'clean');
    writeTone(join(root, 'good.wav'), { seconds: 1.5, sampleRate: 22050 });
    writeTone(join(root, 'good2.wav'), { seconds: 1.2, sampleRate: 16000 });
    writeTone(join(root, 'silent.wav'), { seconds: 1.5 });
    writeTone(join(root, 'quiet-tail.wav'), { seconds: 2, active: 0.1 });
    writeTone(join(root, 'short.wav'), { seconds: 0.5 });
    writeText(join(root, 'broken.wav'), 'RIFF....not really a wav');
    const silent = join(root, 'silent.wav');
    // Overwrite with true silence.
    writeTone(silent, { seconds: 1.5, amp: 0 });
    const csv = writeText(
      join(root, 'list.csv'),
      'file,labels\ngood.wav,pia\ngood2.wav,cel\nsilent.wav,voi\nquiet-tail.wav,flu\nshort.wav,gac\nbroken.wav,gel\n',
    );
    const ds = await loadCsvDataset(csv);
    let calls = 0;
    const { dataset, report } = await cleanDataset(ds, { concurrency: 3, onProgress: () => calls++ });
    expect(calls).toBe(6);
    expect(dataset.items.map((i) => i.id)).toEqual(['good.wav', 'good2.wav']);
    expect(dataset.items[0]!.durationSeconds).toBeCloseTo(1.5, 3);
    expect(report).toMatchObject({ checked: 6, kept: 2, excluded: 4 });
    expect(report.unreadable.map((i) => i.id)).toEqual(['broken.wav']);
    expect(report.unreadable[0]!.detail).toContain('broken.wav');
    expect(report.silent.map((i) => i.id).sort()).toEqual(['quiet-tail.wav', 'silent.wav']);
    expect(report.tooShort.map((i) => [i.id, i.value])).toEqual([['short.wav', 0.5]]);
    expect(report.keptSeconds).toBeCloseTo(2.7, 3);
  });

  it('silentFraction works on peak-normalised amplitude', () => {
    const y = new Float32Array(100);
    for (let i = 0; i < 30; i++) y[i] = 0.01; // loud relative to the rest
    expect(silentFraction(y)).toBeCloseTo(0.7);
    expect(silentFraction(new Float32Array(10))).toBe(1);
  });
});

describe('AudioCache', () => {
  it('misses, then hits; invalidates on a new mtime, size, rate or resampler; reports size; clears', async () => {
    const root = join(tmp.dir, 'cache-src');
    const file = writeTone(join(root, 'x.wav'), { seconds: 0.5, sampleRate: 44100, freq: 1000 });
    const cache = new AudioCache({ dir: join(tmp.dir, 'cache') });
    const a = await cache.audio(file, { sampleRate: 16000 });
    expect(cache.counters).toEqual({ hits: 0, misses: 1, writes: 1 });
    expect(a.length).toBe(8000);
    const b = await cache.audio(file, { sampleRate: 16000 });
    expect(cache.counters.hits).toBe(1);
    expect(Array.from(b)).toEqual(Array.from(a));
    // Identical to decoding without the cache.
    expect(Array.from(await loadMonoAudio(file, { sampleRate: 16000 }))).toEqual(Array.from(a));
    await cache.audio(file, { sampleRate: 22050 });
    await cache.audio(file, { sampleRate: 16000, resample: { quality: 'fast' } });
    expect(cache.counters.misses).toBe(3);
    // Touching the file (new mtime) invalidates.
    const later = new Date(statSync(file).mtimeMs + 5000);
    utimesSync(file, later, later);
    await cache.audio(file, { sampleRate: 16000 });
    expect(cache.counters.misses).toBe(4);
    // New content of another length invalidates too.
    writeTone(file, { seconds: 0.25, sampleRate: 44100 });
    expect((await cache.audio(file, { sampleRate: 16000 })).length).toBe(4000);
    expect(cache.counters.misses).toBe(5);
    // Features are keyed by their params.
    let computed = 0;
    const feat = async (spec: unknown) =>
      cache.features(file, { spec }, () => {
        computed++;
        return new Tensor('float32', new Float32Array([1, 2, 3]), [3]);
      });
    await feat({ nMels: 64 });
    await feat({ nMels: 64 });
    await feat({ nMels: 128 });
    expect(computed).toBe(2);
    const size = await cache.sizeReport();
    expect(size.audio.files).toBe(5);
    expect(size.features.files).toBe(2);
    expect(size.bytes).toBeGreaterThan(4000 * 4);
    await cache.clear();
    expect((await cache.sizeReport()).files).toBe(0);
  });

  it('is safe under concurrent writers and ignores damaged entries', async () => {
    const file = writeTone(join(tmp.dir, 'cache-src', 'y.wav'), { seconds: 0.3, sampleRate: 22050 });
    const dir = join(tmp.dir, 'cache2');
    const caches = Array.from({ length: 4 }, () => new AudioCache({ dir }));
    const results = await Promise.all(
      caches.flatMap((c) => [c.audio(file, { sampleRate: 16000 }), c.audio(file, { sampleRate: 16000 })]),
    );
    for (const r of results) expect(Array.from(r)).toEqual(Array.from(results[0]!));
    const sub = readdirSync(dir).filter((d) => d.length === 2);
    const names = sub.flatMap((d) => readdirSync(join(dir, d)).map((n) => join(dir, d, n)));
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.npy'))).toHaveLength(1);
    writeFileSync(names[0]!, 'garbage');
    const fresh = new AudioCache({ dir });
    expect(Array.from(await fresh.audio(file, { sampleRate: 16000 }))).toEqual(Array.from(results[0]!));
    expect(fresh.counters).toMatchObject({ hits: 0, misses: 1, writes: 1 });
  });

  it('resamples files of different rates to one rate (no "first file decides")', async () => {
    const root = join(tmp.dir, 'rates');
    const f1 = writeTone(join(root, 'a.wav'), { seconds: 1, sampleRate: 44100, freq: 440 });
    const f2 = writeTone(join(root, 'b.wav'), { seconds: 1, sampleRate: 8000, freq: 440 });
    const f3 = writeTone(join(root, 'c.wav'), { seconds: 1, sampleRate: 22050, freq: 440, channels: 2 });
    for (const f of [f1, f2, f3]) {
      const y = await loadMonoAudio(f, { sampleRate: 16000 });
      expect(y.length).toBe(16000);
      // Same tone: zero crossings per second ≈ 2 · 440.
      let zc = 0;
      for (let i = 1; i < y.length; i++) if (y[i - 1]! < 0 !== y[i]! < 0) zc++;
      expect(Math.abs(zc - 880)).toBeLessThan(10);
    }
  });

  it('names a missing file', async () => {
    const cache = new AudioCache({ dir: join(tmp.dir, 'cache3') });
    const err = await cache
      .audio(join(tmp.dir, 'missing.wav'), { sampleRate: 16000 })
      .catch((e: unknown) => e);
    expect(IOError.isInstance(err)).toBe(true);
    expect((err as IOError).details.file).toBe(join(tmp.dir, 'missing.wav'));
  });
});

describe('datasetMixSources', () => {
  it('builds SumN sources that load mono audio at one rate', async () => {
    const { SumN } = await import('@instr/augment');
    const root = join(tmp.dir, 'mix');
    const ds = new Dataset(set, [
      {
        id: 'a',
        path: writeTone(join(root, 'a.wav'), { sampleRate: 8000, seconds: 0.5 }),
        labels: set.encode(['pia']),
        codes: ['pia'],
        meta: {},
      },
      {
        id: 'b',
        path: writeTone(join(root, 'b.wav'), { sampleRate: 22050, seconds: 0.5, channels: 2 }),
        labels: set.encode(['cel']),
        codes: ['cel'],
        genre: 'cla',
        meta: {},
      },
    ]);
    const sources = datasetMixSources(ds, { sampleRate: 16000 });
    expect(sources[1]!.genre).toBe('cla');
    const mixer = new SumN(sources, { n: 2, instruments: set });
    const { audio, labels } = await mixer.mix(0, 1);
    expect(audio.sampleRate).toBe(16000);
    expect(audio.channels[0]!.length).toBe(8000);
    expect(set.decode(labels as Float32Array)).toEqual(['cel', 'pia']);
  });
});
