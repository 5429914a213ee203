import { Rng } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { AudioCache } from '../src/audio-io.js';
import { loadInventory } from '../src/inventory.js';
import type { Part } from '../src/music.js';
import { midiToHz } from '../src/pitch.js';
import { renderRealNotes } from '../src/real.js';
import { loadBank, renderPart } from '../src/synth.js';
import { estimateF0, hasSoundFont, sharedDir, TEST_SOUNDFONTS } from './helpers.js';

const SR = 22050;
function onePart(midi: number, seconds = 1): Part {
  return {
    style: 'melody',
    tempo: 100,
    key: 0,
    scale: 'major',
    articulation: 'wind',
    notes: [{ t: 0, dur: seconds, midi, vel: 100 }],
    controls: [],
  };
}

describe.skipIf(!hasSoundFont)('SoundFont rendering (needs timgm6mb-soundfont)', () => {
  const cases: [string, number, number][] = [
    ['violin', 40, 69],
    ['cello', 42, 48],
    ['flute', 73, 72],
    ['clarinet', 71, 62],
    ['piano', 0, 60],
    ['trumpet', 56, 67],
    ['alto sax', 65, 64],
    ['nylon guitar', 24, 52],
    ['choir', 52, 60],
  ];
  for (const [name, program, midi] of cases) {
    it(`renders ${name} (GM ${program}) at the requested pitch (MIDI ${midi})`, async () => {
      const bank = loadBank(TEST_SOUNDFONTS.find((s) => s.id === 'TimGM6mb.sf2')!.path);
      const x = await renderPart(bank, program, onePart(midi), { sampleRate: SR, length: SR });
      const f0 = midiToHz(midi);
      const est = estimateF0(x.subarray(2000, 2000 + 8192), SR, f0 / 1.6, f0 * 1.6);
      expect(Math.abs(12 * Math.log2(est / f0))).toBeLessThan(0.3);
    });
  }
  it('is deterministic and silent after the note has released', async () => {
    const bank = loadBank(TEST_SOUNDFONTS.find((s) => s.id === 'TimGM6mb.sf2')!.path);
    const part: Part = { ...onePart(60, 0.3), articulation: 'plucked' };
    const a = await renderPart(bank, 24, part, { sampleRate: SR, length: 4 * SR });
    const b = await renderPart(bank, 24, part, { sampleRate: SR, length: 4 * SR });
    expect(Buffer.from(a.buffer).equals(Buffer.from(b.buffer))).toBe(true);
    expect(Math.max(...a.subarray(0, SR).map(Math.abs))).toBeGreaterThan(0.01);
    expect(Math.max(...a.subarray(3 * SR).map(Math.abs))).toBeLessThan(0.01);
  });
});

describe.skipIf(!sharedDir)('real-note sequencing (needs shared/)', () => {
  it('shifts a real violin A4 to the requested pitch by resampling', async () => {
    const inv = loadInventory(sharedDir!, []);
    const notes = inv.notes.vio!.filter((n) => n.file.endsWith('__A4.flac'));
    expect(notes).toHaveLength(1);
    const cache = new AudioCache(inv.trainDir!, SR);
    for (const target of [69, 71, 67]) {
      const { audio, info } = await renderRealNotes(
        new Rng(1),
        cache,
        notes,
        onePart(target, 1.2),
        'bowed',
        SR,
        2 * SR,
      );
      expect(info.maxShift).toBe(Math.abs(target - 69));
      const f0 = midiToHz(target);
      const est = estimateF0(audio.subarray(4000, 4000 + 8192), SR, f0 / 1.6, f0 * 1.6);
      expect(Math.abs(12 * Math.log2(est / f0))).toBeLessThan(0.3);
    }
  });
});
