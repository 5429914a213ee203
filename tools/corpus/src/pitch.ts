/** Note names and the pitch of the real isolated-note files, parsed from their names. */

const PITCH_CLASS: Readonly<Record<string, number>> = { c: 0, d: 2, e: 4, f: 5, g: 7, a: 9, b: 11 };

/** MIDI number of a note name such as `A4`, `Fs3`, `C#5`, `gb4`, `bb3` (scientific pitch, A4 = 69). */
export function noteNameToMidi(name: string): number | null {
  const m = /^([A-Ga-g])(s|#|b)?(-?\d)$/.exec(name);
  if (!m) return null;
  const pc = PITCH_CLASS[m[1]!.toLowerCase()]!;
  const acc = m[2] === 's' || m[2] === '#' ? 1 : m[2] === 'b' ? -1 : 0;
  return 12 * (Number(m[3]) + 1) + pc + acc;
}

/** Frequency in Hz of a (fractional) MIDI note. */
export function midiToHz(midi: number): number {
  return 440 * 2 ** ((midi - 69) / 12);
}

/** The "set" a note file belongs to: its name without the last `__` segment (one instrument/sampler). */
export function noteSetOf(file: string): string {
  const base = file.replace(/^.*\//, '').replace(/\.[a-z0-9]+$/i, '');
  const cut = base.lastIndexOf('__');
  return cut > 0 ? base.slice(0, cut) : base;
}

/**
 * Sounding MIDI pitch of an isolated-note file, from the naming schemes in shared/data/train/notes:
 * `…__A4`, `…__Fs3_v2` (scientific names), `…__twang_ab3_mf`, `…__gb4_p_rr1_cnd` (lower-case with
 * flats), and GrandOrgue pipes `…__Bourdon8__031-G` (MIDI key number; the stop's footage shifts the
 * sounding pitch: 8' = key, 4' = +12, 2' = +24, 16' = −12). Returns null when the name has no pitch.
 */
export function pitchFromFileName(file: string): number | null {
  const base = file.replace(/^.*\//, '').replace(/\.[a-z0-9]+$/i, '');
  const segments = base.split('__');
  const last = segments[segments.length - 1] ?? '';
  const organ = /^(\d{2,3})-[A-G]_?$/.exec(last);
  if (organ) {
    const stop = segments[segments.length - 2] ?? '';
    const feet = /(\d+)$/.exec(stop);
    const footage = feet ? Number(feet[1]) : 8;
    const shift = footage > 0 ? Math.round(12 * Math.log2(8 / footage)) : 0;
    return Number(organ[1]) + shift;
  }
  for (const token of last.split('_')) {
    const midi = noteNameToMidi(token);
    if (midi !== null) return midi;
  }
  return null;
}
