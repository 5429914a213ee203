import { Rng } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { CLASS_SPECS, NEGATIVE_SPECS, type Style } from '../src/gm.js';
import { generatePart } from '../src/music.js';

const STYLES: Style[] = ['melody', 'arpeggio', 'chords', 'strum', 'sustained', 'two-hand', 'bassline'];

describe('musical material', () => {
  it('is deterministic by seed and stays in range, with onsets inside the clip', () => {
    for (const spec of Object.values(CLASS_SPECS)) {
      for (const style of STYLES) {
        const req = {
          style,
          articulation: spec.articulation,
          range: spec.programs[0]!.range,
          seconds: 3,
        } as const;
        const a = generatePart(new Rng(7), req);
        const b = generatePart(new Rng(7), req);
        expect(a).toEqual(b);
        expect(a.notes.length).toBeGreaterThan(0);
        for (const n of a.notes) {
          expect(n.t).toBeGreaterThanOrEqual(0);
          expect(n.t).toBeLessThan(3);
          expect(n.dur).toBeGreaterThan(0);
          expect(n.vel).toBeGreaterThanOrEqual(1);
          expect(n.vel).toBeLessThanOrEqual(127);
          if (style !== 'two-hand') {
            expect(n.midi).toBeGreaterThanOrEqual(req.range[0]);
            expect(n.midi).toBeLessThanOrEqual(req.range[1]);
          }
        }
      }
    }
  });
  it('gives monophonic melodies at most one onset at a time and chords several', () => {
    const mel = generatePart(new Rng(3), {
      style: 'melody',
      articulation: 'wind',
      range: [60, 96],
      seconds: 4,
    });
    const onsets = mel.notes.map((n) => n.t);
    expect(new Set(onsets).size).toBe(onsets.length);
    const ch = generatePart(new Rng(3), {
      style: 'chords',
      articulation: 'organ',
      range: [36, 96],
      seconds: 4,
    });
    expect(ch.notes.length).toBeGreaterThanOrEqual(3);
  });
  it('generates drum patterns on GM percussion keys', () => {
    const d = NEGATIVE_SPECS.find((n) => n.style === 'drums')!;
    const p = generatePart(new Rng(1), {
      style: 'drums',
      articulation: d.articulation,
      range: d.range,
      seconds: 3,
    });
    expect(p.notes.some((n) => n.midi === 36)).toBe(true);
    expect(p.notes.every((n) => n.midi >= 35 && n.midi <= 81)).toBe(true);
  });
});
