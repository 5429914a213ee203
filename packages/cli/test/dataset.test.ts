import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetError, InstrumentSet, IOError } from '@instr/core';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import { loadEvalDataset } from '../src/dataset.js';
import { tempDir } from './helpers.js';

describe('evaluation datasets', () => {
  it('reads CSV manifests (; or space separated labels) and IRMAS test folders; bad ones name the file', async () => {
    const dir = tempDir('instr-ds-');
    writeFileSync(join(dir, 'm.csv'), 'file,labels,extra\na.wav,pia;voi,x\nsub/b.wav,,y\nc.wav,cel gac,z\n');
    const items = await loadEvalDataset(join(dir, 'm.csv'));
    expect(items).toEqual([
      { file: join(dir, 'a.wav'), labels: ['pia', 'voi'] },
      { file: join(dir, 'sub', 'b.wav'), labels: [] },
      { file: join(dir, 'c.wav'), labels: ['cel', 'gac'] },
    ]);
    writeFileSync(join(dir, 'nolabels.csv'), 'file,kind\na.wav,x\n');
    await expect(loadEvalDataset(join(dir, 'nolabels.csv'))).rejects.toThrow(/needs a "labels" column/);
    writeFileSync(join(dir, 'empty.csv'), 'file,labels\n');
    await expect(loadEvalDataset(join(dir, 'empty.csv'))).rejects.toThrow(DatasetError);
    await expect(loadEvalDataset(join(dir, 'missing.csv'))).rejects.toThrow(IOError);
    const irmas = join(dir, 'irmas');
    mkdirSync(join(irmas, 'part1'), { recursive: true });
    writeFileSync(join(irmas, 'part1', 'song-1.wav'), '');
    writeFileSync(join(irmas, 'part1', 'song-1.txt'), 'pia\t\nvoi\n');
    expect(await loadEvalDataset(irmas)).toEqual([
      { file: join(irmas, 'part1', 'song-1.wav'), labels: ['pia', 'voi'] },
    ]);
    writeFileSync(join(irmas, 'part1', 'song-2.flac'), '');
    await expect(loadEvalDataset(irmas)).rejects.toThrow(/song-2\.flac has no label file/);
  });

  it.skipIf(!sharedDir)(
    'reads shared/data/dev/manifest.csv: every file exists, every label is an IRMAS code',
    async () => {
      const items = await loadEvalDataset(sharedPath('data', 'dev', 'manifest.csv'));
      expect(items.length).toBeGreaterThan(100);
      const codes = InstrumentSet.irmas().codes;
      for (const item of items) {
        expect(existsSync(item.file), item.file).toBe(true);
        for (const l of item.labels) expect(codes).toContain(l);
      }
    },
  );
});
