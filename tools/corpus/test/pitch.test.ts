import { describe, expect, it } from 'vitest';
import { midiToHz, noteNameToMidi, noteSetOf, pitchFromFileName } from '../src/pitch.js';

describe('note names and file-name pitches', () => {
  it('parses scientific note names', () => {
    expect(noteNameToMidi('A4')).toBe(69);
    expect(noteNameToMidi('C4')).toBe(60);
    expect(noteNameToMidi('Fs3')).toBe(54);
    expect(noteNameToMidi('C#5')).toBe(73);
    expect(noteNameToMidi('gb4')).toBe(66);
    expect(noteNameToMidi('bb3')).toBe(58);
    expect(noteNameToMidi('b3')).toBe(59);
    expect(noteNameToMidi('twang')).toBeNull();
    expect(midiToHz(69)).toBe(440);
  });
  it('reads every naming scheme of shared/data/train/notes', () => {
    expect(pitchFromFileName('notes/vio/Reveille33__violin__A4.flac')).toBe(69);
    expect(pitchFromFileName('notes/cel/Reveille33__cello__F2_v2.flac')).toBe(41);
    expect(
      pitchFromFileName(
        'notes/gac/MQP-Live-Coding-Language-Design__language__samples__guitar-nylon__As5.flac',
      ),
    ).toBe(82);
    expect(pitchFromFileName('notes/gel/kmturley__Samples__black__ord__twang_ab3_mf.flac')).toBe(56);
    expect(pitchFromFileName('notes/sax/sfzinstruments__Samples__alto__gb4_p_rr1_cnd.flac')).toBe(66);
    expect(pitchFromFileName('notes/org/GrandOrgue__demo__Bourdon8__031-G.flac')).toBe(31);
    expect(pitchFromFileName('notes/org/GrandOrgue__demo__Montre8__042-F_.flac')).toBe(42);
    expect(pitchFromFileName('notes/org/GrandOrgue__demo__Octavin2__042-F_.flac')).toBe(66);
    expect(pitchFromFileName('notes/x/some__thing__noise.flac')).toBeNull();
  });
  it('groups notes into sets by their name prefix', () => {
    expect(noteSetOf('notes/vio/Reveille33__violin__A4.flac')).toBe('Reveille33__violin');
    expect(noteSetOf('notes/org/GrandOrgue__demo__Bourdon8__031-G.flac')).toBe('GrandOrgue__demo__Bourdon8');
  });
});
