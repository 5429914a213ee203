import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InstrumentSet } from '@instr/core';
import { readAudioFile } from '@instr/dsp/node';
import { sharedDir } from '@instr/test-utils';
import { afterAll, describe, expect, it } from 'vitest';
import { buildCorpus } from '../src/build.js';
import { DEFAULT_SOUNDFONTS } from '../src/gm.js';

// TimGM6mb (5 MB, Debian timgm6mb-soundfont) keeps the test fast; scripts/setup.sh installs it.
const soundfonts = DEFAULT_SOUNDFONTS.filter((s) => s.id === 'TimGM6mb.sf2' && existsSync(s.path));
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'instr-corpus-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const digest = (dir: string) => {
  const h = createHash('sha256');
  for (const f of readdirSync(join(dir, 'clips')).sort()) h.update(readFileSync(join(dir, 'clips', f)));
  h.update(readFileSync(join(dir, 'manifest.csv')));
  return h.digest('hex');
};

describe.skipIf(soundfonts.length === 0 || !sharedDir)(
  'corpus builder (needs TimGM6mb.sf2 and ../shared)',
  () => {
    const options = {
      seed: 3,
      clips: 8,
      seconds: 1,
      sampleRate: 16000,
      soundfonts,
      progress: false,
      log: () => {},
    };

    it('is deterministic by seed for any worker count, and labels match the sources', async () => {
      const a = tmp();
      const b = tmp();
      await buildCorpus({ ...options, out: a, workers: 0 });
      await buildCorpus({ ...options, out: b, workers: 2 });
      expect(digest(a)).toBe(digest(b));
      const irmas = InstrumentSet.irmas();
      const rows = readFileSync(join(a, 'manifest.csv'), 'utf8').trim().split('\n');
      const header = rows[0]!.split(',');
      expect(header.slice(0, 2)).toEqual(['file', 'labels']);
      expect(rows).toHaveLength(9);
      for (const row of rows.slice(1)) {
        const [file, labels] = row.split(',');
        for (const code of labels!.split(';').filter(Boolean)) expect(irmas.has(code)).toBe(true);
        const audio = await readAudioFile(join(a, file!));
        expect(audio.sampleRate).toBe(16000);
        expect(audio.channels[0]!.length).toBe(16000);
        const peak = audio.channels[0]!.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
        expect(peak).toBeLessThanOrEqual(1);
      }
      const c = tmp();
      await buildCorpus({ ...options, seed: 4, out: c, workers: 0 });
      expect(digest(c)).not.toBe(digest(a));
    }, 120_000);

    it('resumes: a second run skips finished clips and changes nothing', async () => {
      const out = tmp();
      await buildCorpus({ ...options, out, workers: 0 });
      const before = digest(out);
      rmSync(join(out, 'clips', readdirSync(join(out, 'clips')).sort()[2]!));
      const again = await buildCorpus({ ...options, out, workers: 0 });
      expect(again.rendered).toBe(1);
      expect(again.skipped).toBe(7);
      expect(digest(out)).toBe(before);
    }, 120_000);
  },
);
