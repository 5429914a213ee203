import { join } from 'node:path';
import { DatasetError, InstrumentSet, UnknownInstrumentError } from '@instr/core';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  concatDatasets,
  Dataset,
  loadAudioFolder,
  loadCsvDataset,
  loadIrmasTest,
  loadIrmasTrain,
  loadOpenMic,
  parseIrmasFilename,
} from '../src/index.js';
import { FREQ, tempDir, writeText, writeTone } from './data-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function catchError(fn: () => Promise<unknown>): Promise<unknown> {
  return fn().then(
    () => {
      throw new Error('expected an error');
    },
    (e: unknown) => e,
  );
}

describe('parseIrmasFilename', () => {
  it('reads instrument, drums and genre tags', () => {
    expect(parseIrmasFilename('008__[cel][nod][cla]0058__1.wav')).toEqual({
      instrument: 'cel',
      drums: false,
      genre: 'cla',
      excerpt: '008__[cel][nod][cla]0058',
    });
    expect(parseIrmasFilename('[gel][pop_roc]1034__3.wav')).toEqual({
      instrument: 'gel',
      genre: 'pop_roc',
      excerpt: '[gel][pop_roc]1034',
    });
    expect(parseIrmasFilename('[cla][dru][jaz_blu]0001__2.wav')).toEqual({
      instrument: 'cla',
      drums: true,
      genre: 'jaz_blu',
      excerpt: '[cla][dru][jaz_blu]0001',
    });
    expect(parseIrmasFilename('plain.wav')).toEqual({ excerpt: 'plain' });
  });
});

describe('loadIrmasTrain', () => {
  const root = join(tmp.dir, 'irmas-train');
  beforeAll(() => {
    for (const code of ['cel', 'cla', 'pia']) {
      for (let k = 1; k <= 3; k++) {
        writeTone(join(root, code, `[${code}][nod][cla]000${k === 3 ? 2 : 1}__${k}.wav`), {
          freq: FREQ[code],
          seconds: 0.5,
        });
      }
    }
    writeTone(join(root, 'pia', 'sub', '[pia][dru][pop_roc]0100__1.wav'), { seconds: 0.5 });
  });

  it('labels by folder, parses tags, groups excerpt pieces and reports empty classes', async () => {
    const ds = await loadIrmasTrain(root);
    expect(ds.size).toBe(10);
    expect(ds.labelled).toBe(true);
    const item = ds.items.find((i) => i.id === 'cla/[cla][nod][cla]0001__1.wav')!;
    expect(item.codes).toEqual(['cla']);
    expect(Array.from(item.labels)).toEqual(Array.from(InstrumentSet.irmas().encode(['cla'])));
    expect(item.genre).toBe('cla');
    expect(item.drums).toBe(false);
    expect(item.group).toBe('cla/[cla][nod][cla]0001');
    const nested = ds.items.find((i) => i.id.startsWith('pia/sub/'))!;
    expect(nested.codes).toEqual(['pia']);
    expect(nested.drums).toBe(true);
    expect(nested.genre).toBe('pop_roc');
    expect(ds.emptyClasses).toEqual(['flu', 'gac', 'gel', 'org', 'sax', 'tru', 'vio', 'voi']);
    expect(ds.classCounts().slice(0, 2)).toEqual([3, 3]);
    // Two pieces share an excerpt, the third is another excerpt.
    expect(new Set(ds.items.filter((i) => i.codes[0] === 'cel').map((i) => i.group)).size).toBe(2);
  });

  it('throws for required empty classes, and accepts a custom InstrumentSet', async () => {
    const err = await catchError(() => loadIrmasTrain(root, { requireAllClasses: true }));
    expect(DatasetError.isInstance(err)).toBe(true);
    expect((err as Error).message).toContain('flu');
    const mine = InstrumentSet.custom([{ code: 'pia' }, { code: 'cel' }, { code: 'cla' }]);
    const ds = await loadIrmasTrain(root, { instruments: mine, requireAllClasses: true });
    expect(ds.instruments.codes).toEqual(['pia', 'cel', 'cla']);
    expect(ds.emptyClasses).toEqual([]);
    expect(ds.items.find((i) => i.codes[0] === 'pia')!.labels[0]).toBe(1);
  });

  it('names the file of an unknown class folder', async () => {
    const bad = join(tmp.dir, 'irmas-bad');
    writeTone(join(bad, 'cel', 'a__1.wav'), { seconds: 0.2 });
    writeTone(join(bad, 'xyz', 'b__1.wav'), { seconds: 0.2 });
    const err = await catchError(() => loadIrmasTrain(bad));
    expect(UnknownInstrumentError.isInstance(err)).toBe(true);
    expect((err as UnknownInstrumentError).details.file).toContain(join('xyz', 'b__1.wav'));
    expect((err as Error).message).toContain('xyz');
  });

  it('rejects a missing or empty root', async () => {
    expect(DatasetError.isInstance(await catchError(() => loadIrmasTrain(join(tmp.dir, 'nope'))))).toBe(true);
    writeText(join(tmp.dir, 'empty', 'readme.txt'), 'no audio');
    expect(DatasetError.isInstance(await catchError(() => loadIrmasTrain(join(tmp.dir, 'empty'))))).toBe(
      true,
    );
  });
});

describe('loadIrmasTest', () => {
  const root = join(tmp.dir, 'irmas-test');
  beforeAll(() => {
    writeTone(join(root, 'Song A-1.wav'), { seconds: 0.3 });
    writeText(join(root, 'Song A-1.txt'), 'cel\t\nvoi\t\n\n');
    writeTone(join(root, 'Song A-2.wav'), { seconds: 0.3 });
    writeText(join(root, 'Song A-2.txt'), 'pia\n');
    writeTone(join(root, 'Other-1.wav'), { seconds: 0.3 });
    writeText(join(root, 'Other-1.txt'), 'gel\r\nsax\r\n');
  });

  it('reads codes per line (tabs, CRLF, blank lines) and groups by song', async () => {
    const ds = await loadIrmasTest(root);
    expect(ds.size).toBe(3);
    const a1 = ds.items.find((i) => i.id === 'Song A-1.wav')!;
    expect(a1.codes).toEqual(['cel', 'voi']);
    expect(a1.group).toBe('Song A');
    expect(ds.items.find((i) => i.id === 'Song A-2.wav')!.group).toBe('Song A');
    expect(ds.items.find((i) => i.id === 'Other-1.wav')!.codes).toEqual(['gel', 'sax']);
  });

  it('names the missing .txt and the line of an unknown code', async () => {
    const bad = join(tmp.dir, 'irmas-test-bad');
    writeTone(join(bad, 'x-1.wav'), { seconds: 0.2 });
    let err = await catchError(() => loadIrmasTest(bad));
    expect(DatasetError.isInstance(err)).toBe(true);
    expect((err as DatasetError).details.file).toBe(join(bad, 'x-1.txt'));
    writeText(join(bad, 'x-1.txt'), 'cel\nbanjo\n');
    err = await catchError(() => loadIrmasTest(bad));
    expect(UnknownInstrumentError.isInstance(err)).toBe(true);
    expect((err as UnknownInstrumentError).details).toMatchObject({
      file: join(bad, 'x-1.txt'),
      line: 2,
      actual: 'banjo',
    });
    expect((err as Error).message).toMatch(/x-1\.txt line 2/);
  });
});

describe('loadCsvDataset', () => {
  const root = join(tmp.dir, 'csv');
  beforeAll(() => {
    for (const n of ['a', 'b', 'c']) writeTone(join(root, 'audio', `${n}.wav`), { seconds: 0.3 });
  });

  it('reads the wide form with code columns in any order and keeps other columns in meta', async () => {
    const csv = writeText(
      join(root, 'wide.csv'),
      'voi,file,cel,song,pia\n1,audio/a.wav,0,s1,1\n0,audio/b.wav,1,s1,0\n0,audio/c.wav,0,s2,0\n',
    );
    const ds = await loadCsvDataset(csv, { groupColumn: 'song' });
    expect(ds.items.map((i) => i.codes)).toEqual([['pia', 'voi'], ['cel'], []]);
    expect(ds.items[0]!.path).toBe(join(root, 'audio', 'a.wav'));
    expect(ds.items[0]!.group).toBe('s1');
    expect(ds.items[0]!.meta).toMatchObject({ line: 2 });
  });

  it('reads the long form (labels column, ; separated) with seconds', async () => {
    const csv = writeText(
      join(root, 'long.csv'),
      'file,labels,kind,seconds\naudio/a.wav,pia;voi,clip,0.3\naudio/b.wav,,noise,0.3\n"audio/c.wav","cel",clip,0.3\n',
    );
    const ds = await loadCsvDataset(csv);
    expect(ds.items.map((i) => i.codes)).toEqual([['pia', 'voi'], [], ['cel']]);
    expect(ds.items[0]!.durationSeconds).toBeCloseTo(0.3);
    expect(ds.items[1]!.meta.kind).toBe('noise');
    const only = await loadCsvDataset(csv, { where: (r) => r.kind === 'clip' });
    expect(only.size).toBe(2);
  });

  it('names the file and line of an unknown code, a bad cell and missing files', async () => {
    const csv1 = writeText(join(root, 'bad1.csv'), 'file,labels\naudio/a.wav,pia\naudio/b.wav,kazoo\n');
    const e1 = await catchError(() => loadCsvDataset(csv1));
    expect(UnknownInstrumentError.isInstance(e1)).toBe(true);
    expect((e1 as UnknownInstrumentError).details).toMatchObject({ file: csv1, line: 3, actual: 'kazoo' });
    const csv2 = writeText(join(root, 'bad2.csv'), 'file,cel\naudio/a.wav,2\n');
    const e2 = await catchError(() => loadCsvDataset(csv2));
    expect(DatasetError.isInstance(e2)).toBe(true);
    expect((e2 as DatasetError).details).toMatchObject({ file: csv2, line: 2, key: 'cel' });
    const csv3 = writeText(
      join(root, 'bad3.csv'),
      'file,labels\naudio/a.wav,pia\naudio/gone.wav,cel\naudio/gone2.wav,cel\n',
    );
    const e3 = await catchError(() => loadCsvDataset(csv3));
    expect(DatasetError.isInstance(e3)).toBe(true);
    expect((e3 as Error).message).toContain('gone.wav');
    expect((e3 as DatasetError).details.actual).toEqual([
      join(root, 'audio', 'gone.wav'),
      join(root, 'audio', 'gone2.wav'),
    ]);
    const csv4 = writeText(join(root, 'bad4.csv'), 'name,cel\na,1\n');
    expect(DatasetError.isInstance(await catchError(() => loadCsvDataset(csv4)))).toBe(true);
  });
});

describe('loadAudioFolder and concatDatasets', () => {
  it('lists a folder without labels', async () => {
    const root = join(tmp.dir, 'folder');
    writeTone(join(root, 'x.wav'), { seconds: 0.2 });
    writeTone(join(root, 'deep', 'y.wav'), { seconds: 0.2 });
    writeText(join(root, 'notes.txt'), 'ignored');
    const ds = await loadAudioFolder(root);
    expect(ds.labelled).toBe(false);
    expect(ds.items.map((i) => i.id)).toEqual(['deep/y.wav', 'x.wav']);
    expect(ds.items.every((i) => i.labels.every((v) => v === 0))).toBe(true);
    expect(ds.emptyClasses).toEqual([]);
    const e = await catchError(() => loadAudioFolder(join(tmp.dir, 'empty')));
    expect(DatasetError.isInstance(e)).toBe(true);
  });

  it('joins datasets over one set and refuses different sets or duplicate ids', () => {
    const set = InstrumentSet.irmas();
    const item = (id: string) => ({
      id,
      path: `/x/${id}`,
      labels: set.encode(['cel']),
      codes: ['cel'],
      meta: {},
    });
    const a = new Dataset(set, [item('a')]);
    const b = new Dataset(set, [item('b')]);
    expect(concatDatasets([a, b]).size).toBe(2);
    expect(() => concatDatasets([a, a])).toThrow(DatasetError);
    const other = new Dataset(InstrumentSet.custom([{ code: 'cel' }]), [
      { id: 'c', path: '/x/c', labels: new Float32Array([1]), codes: ['cel'], meta: {} },
    ]);
    expect(() => concatDatasets([a, other])).toThrow(DatasetError);
  });
});

describe('loadOpenMic', () => {
  it('keeps every instrument above the relevance threshold (multi-label)', async () => {
    const root = join(tmp.dir, 'openmic');
    for (const key of ['000123_0', '000456_30', '000789_60'])
      writeTone(join(root, 'audio', key.slice(0, 3), `${key}.ogg`), { seconds: 0.2 });
    const csv = writeText(
      join(root, 'labels.csv'),
      [
        'sample_key,instrument,relevance',
        '000123_0,piano,0.95',
        '000123_0,voice,0.9',
        '000123_0,guitar,0.99',
        '000456_30,violin,0.8',
        '000456_30,cello,0.85',
        '000789_60,drums,1.0',
      ].join('\n'),
    );
    const ds = await loadOpenMic(csv);
    expect(ds.items.map((i) => [i.id, i.codes])).toEqual([
      ['000123_0', ['pia', 'voi']],
      ['000456_30', ['cel']],
    ]);
    const all = await loadOpenMic(csv, {
      relevance: 0.5,
      keepUnlabelled: true,
      instrumentMap: { guitar: 'gac', violin: 'vio' },
    });
    expect(all.items.map((i) => i.codes)).toEqual([['gac'], ['vio'], []]);
    const e = await catchError(() => loadOpenMic(csv, { instrumentMap: { piano: 'keys' } }));
    expect(UnknownInstrumentError.isInstance(e)).toBe(true);
    expect((e as UnknownInstrumentError).details).toMatchObject({ file: csv, line: 2 });
  });
});

describe.skipIf(!sharedDir)('shared manifests', () => {
  it('loads the train and dev manifests (long form)', async () => {
    const train = await loadCsvDataset(sharedPath('data', 'train', 'manifest.csv'));
    expect(train.size).toBe(1332);
    const labelled = train.filter((i) => i.codes.length > 0);
    expect(labelled.size).toBeGreaterThan(1000);
    expect(train.items.every((i) => i.durationSeconds !== undefined)).toBe(true);
    const dev = await loadCsvDataset(sharedPath('data', 'dev', 'manifest.csv'));
    expect(dev.size).toBe(205);
    expect(dev.emptyClasses.length).toBeLessThan(11);
  });
});
