/**
 * General MIDI programs, ranges and playing styles used to synthesise each IRMAS class, the
 * non-target ("negative") instruments, and the Debian SoundFonts they are rendered with.
 */

/** How an instrument produces sound; drives articulation, controllers and the real-note envelopes. */
export type Articulation = 'bowed' | 'wind' | 'plucked' | 'struck' | 'organ' | 'voice';

/** Musical material a part can be generated as (see `music.ts`). */
export type Style =
  | 'melody'
  | 'arpeggio'
  | 'chords'
  | 'strum'
  | 'sustained'
  | 'two-hand'
  | 'bassline'
  | 'drums';

/** One GM program that stands for a class, with its playable range (MIDI notes, inclusive). */
export interface ProgramSpec {
  program: number;
  name: string;
  range: readonly [number, number];
  /** Relative probability among the class's programs (default 1). */
  weight?: number;
}

/** How a class is synthesised. */
export interface ClassSpec {
  code: string;
  articulation: Articulation;
  /** Plays chords (piano, organ, guitars). */
  poly: boolean;
  programs: readonly ProgramSpec[];
  /** Style weights. */
  styles: Readonly<Partial<Record<Style, number>>>;
}

const MONO_STYLES = { melody: 0.55, arpeggio: 0.2, sustained: 0.25 } as const;

/**
 * GM programs per IRMAS class. Ranges are the comfortable written ranges of the real instruments
 * (sounding pitch), not the full range of the SoundFont samples.
 *
 * GM voice programs (52 choir aahs, 53 voice oohs, 54 synth voice) are vowel pads, not singing: no
 * words, no consonants, little pitch expression. They are a weak substitute for `voi`, so the corpus
 * prefers the real singing phrases for that class (see {@link realShareFor}).
 */
export const CLASS_SPECS: Readonly<Record<string, ClassSpec>> = {
  cel: {
    code: 'cel',
    articulation: 'bowed',
    poly: false,
    programs: [{ program: 42, name: 'Cello', range: [36, 76] }],
    styles: MONO_STYLES,
  },
  cla: {
    code: 'cla',
    articulation: 'wind',
    poly: false,
    programs: [{ program: 71, name: 'Clarinet', range: [50, 89] }],
    styles: MONO_STYLES,
  },
  flu: {
    code: 'flu',
    articulation: 'wind',
    poly: false,
    programs: [{ program: 73, name: 'Flute', range: [60, 96] }],
    styles: MONO_STYLES,
  },
  gac: {
    code: 'gac',
    articulation: 'plucked',
    poly: true,
    programs: [
      { program: 24, name: 'Acoustic Guitar (nylon)', range: [40, 81] },
      { program: 25, name: 'Acoustic Guitar (steel)', range: [40, 81] },
    ],
    styles: { melody: 0.25, arpeggio: 0.3, strum: 0.35, chords: 0.1 },
  },
  gel: {
    code: 'gel',
    articulation: 'plucked',
    poly: true,
    programs: [
      { program: 26, name: 'Electric Guitar (jazz)', range: [40, 84] },
      { program: 27, name: 'Electric Guitar (clean)', range: [40, 86] },
      { program: 28, name: 'Electric Guitar (muted)', range: [40, 76] },
      { program: 29, name: 'Overdriven Guitar', range: [40, 86], weight: 1.5 },
      { program: 30, name: 'Distortion Guitar', range: [40, 86], weight: 1.5 },
    ],
    styles: { melody: 0.35, arpeggio: 0.2, strum: 0.35, chords: 0.1 },
  },
  org: {
    code: 'org',
    articulation: 'organ',
    poly: true,
    programs: [
      { program: 16, name: 'Drawbar Organ', range: [36, 96] },
      { program: 17, name: 'Percussive Organ', range: [36, 96] },
      { program: 18, name: 'Rock Organ', range: [36, 96] },
      { program: 19, name: 'Church Organ', range: [36, 96] },
    ],
    styles: { melody: 0.2, arpeggio: 0.15, chords: 0.4, sustained: 0.25 },
  },
  pia: {
    code: 'pia',
    articulation: 'struck',
    poly: true,
    programs: [
      { program: 0, name: 'Acoustic Grand Piano', range: [28, 100], weight: 2 },
      { program: 1, name: 'Bright Acoustic Piano', range: [28, 100] },
      { program: 2, name: 'Electric Grand Piano', range: [28, 100], weight: 0.5 },
    ],
    styles: { melody: 0.2, arpeggio: 0.25, chords: 0.25, 'two-hand': 0.3 },
  },
  sax: {
    code: 'sax',
    articulation: 'wind',
    poly: false,
    programs: [
      { program: 64, name: 'Soprano Sax', range: [56, 87], weight: 0.7 },
      { program: 65, name: 'Alto Sax', range: [49, 81], weight: 1.3 },
      { program: 66, name: 'Tenor Sax', range: [44, 76], weight: 1.3 },
      { program: 67, name: 'Baritone Sax', range: [36, 69], weight: 0.7 },
    ],
    styles: MONO_STYLES,
  },
  tru: {
    code: 'tru',
    articulation: 'wind',
    poly: false,
    programs: [{ program: 56, name: 'Trumpet', range: [54, 82] }],
    styles: MONO_STYLES,
  },
  vio: {
    code: 'vio',
    articulation: 'bowed',
    poly: false,
    programs: [{ program: 40, name: 'Violin', range: [55, 96] }],
    styles: MONO_STYLES,
  },
  voi: {
    code: 'voi',
    articulation: 'voice',
    poly: false,
    programs: [
      { program: 52, name: 'Choir Aahs', range: [48, 79], weight: 1.5 },
      { program: 53, name: 'Voice Oohs', range: [48, 79], weight: 1.5 },
      { program: 54, name: 'Synth Voice', range: [48, 79] },
    ],
    styles: { melody: 0.7, sustained: 0.3 },
  },
};

/** A non-target instrument: rendered, mixed in, never labelled. */
export interface NegativeSpec {
  name: string;
  articulation: Articulation;
  /** GM program (for drums: the drum-kit program on channel 10). */
  program: number;
  range: readonly [number, number];
  style: Style;
  weight: number;
}

/**
 * Synthetic negatives: drums, basses and other instruments outside the 11 classes (several are
 * deliberately confusable: oboe/bassoon vs clarinet, trombone/horn vs trumpet, accordion vs organ,
 * harp/banjo vs guitar). String ensembles and choirs are excluded because they contain target classes.
 */
export const NEGATIVE_SPECS: readonly NegativeSpec[] = [
  { name: 'drums', articulation: 'struck', program: 0, range: [35, 81], style: 'drums', weight: 4 },
  { name: 'bass', articulation: 'plucked', program: 33, range: [28, 55], style: 'bassline', weight: 4 },
  { name: 'bassoon', articulation: 'wind', program: 70, range: [34, 72], style: 'melody', weight: 1 },
  { name: 'oboe', articulation: 'wind', program: 68, range: [58, 91], style: 'melody', weight: 1 },
  { name: 'harp', articulation: 'plucked', program: 46, range: [36, 96], style: 'arpeggio', weight: 1 },
  { name: 'trombone', articulation: 'wind', program: 57, range: [40, 72], style: 'melody', weight: 1 },
  { name: 'tuba', articulation: 'wind', program: 58, range: [28, 58], style: 'bassline', weight: 0.5 },
  { name: 'horn', articulation: 'wind', program: 60, range: [41, 77], style: 'melody', weight: 1 },
  {
    name: 'vibraphone',
    articulation: 'struck',
    program: 11,
    range: [53, 89],
    style: 'arpeggio',
    weight: 0.7,
  },
  { name: 'marimba', articulation: 'struck', program: 12, range: [45, 96], style: 'melody', weight: 0.7 },
  { name: 'banjo', articulation: 'plucked', program: 105, range: [48, 81], style: 'arpeggio', weight: 0.5 },
  { name: 'accordion', articulation: 'organ', program: 21, range: [53, 89], style: 'chords', weight: 0.5 },
  { name: 'harmonica', articulation: 'wind', program: 22, range: [60, 96], style: 'melody', weight: 0.5 },
];

/** Electric and acoustic bass programs the `bass` negative picks from. */
export const BASS_PROGRAMS = [32, 33, 34, 35, 36, 37, 38, 39] as const;

/** GM/GS drum-kit programs (standard, room, power, electronic, TR-808, jazz, brush). */
export const DRUM_KITS = [0, 8, 16, 24, 25, 32, 40] as const;

/** A Debian SoundFont the corpus can render with. */
export interface SoundFontSpec {
  /** File name, used in manifests. */
  id: string;
  path: string;
  /** Debian package that installs it. */
  debianPackage: string;
  license: string;
  /** Relative probability of rendering a synthetic source with it. */
  weight: number;
}

/**
 * The SoundFonts looked for, in /usr/share (never committed). FM (OPL-3) timbres are far from the real
 * instruments, so they get a small weight: they add variety, not realism.
 */
export const DEFAULT_SOUNDFONTS: readonly SoundFontSpec[] = [
  {
    id: 'FluidR3_GM.sf2',
    path: '/usr/share/sounds/sf2/FluidR3_GM.sf2',
    debianPackage: 'fluid-soundfont-gm',
    license: 'MIT',
    weight: 0.35,
  },
  {
    id: 'MuseScore_General_Lite.sf3',
    path: '/usr/share/sounds/sf3/MuseScore_General_Lite.sf3',
    debianPackage: 'musescore-general-soundfont-small',
    license: 'MIT',
    weight: 0.15,
  },
  {
    id: 'MuseScore_General.sf3',
    path: '/usr/share/sounds/sf3/MuseScore_General.sf3',
    debianPackage: 'musescore-general-soundfont',
    license: 'MIT',
    weight: 0.25,
  },
  {
    id: 'TimGM6mb.sf2',
    path: '/usr/share/sounds/sf2/TimGM6mb.sf2',
    debianPackage: 'timgm6mb-soundfont',
    license: 'GPL-2',
    weight: 0.2,
  },
  {
    id: 'sf_GMbank.sf2',
    path: '/usr/share/sounds/sf2/sf_GMbank.sf2',
    debianPackage: 'csound-soundfont',
    license: 'LGPL-2.1 (csound)',
    weight: 0.2,
  },
  {
    id: 'OPL-3_FM_128M.sf2',
    path: '/usr/share/sounds/sf2/OPL-3_FM_128M.sf2',
    debianPackage: 'opl3-soundfont',
    license: 'public domain / GPL (opl3-soundfont)',
    weight: 0.1,
  },
];

/**
 * Default probability that a labelled source of class `code` comes from real recordings rather than a
 * SoundFont, given how much real material there is (`realItems`: isolated notes, or phrases for `voi`).
 * Thin real classes (clarinet: 11 notes, violin: 15) are mostly synthesised; voice mostly real because
 * GM voices are a weak substitute for singing. `scale` multiplies the result (CLI `--real-share`).
 */
export function realShareFor(code: string, realItems: number, scale = 1): number {
  if (realItems <= 0) return 0;
  const base = code === 'voi' ? 0.7 : Math.min(0.5, 0.1 + (0.4 * realItems) / 100);
  return Math.max(0, Math.min(1, base * scale));
}
