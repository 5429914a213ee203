/**
 * Musical material for one part: melodies, arpeggios, block chords, guitar strums, sustained notes,
 * two-hand piano, bass lines and drum patterns, with tempo, key, articulation (gate), dynamics
 * (velocity curves, accents, expression swells) and a little timing humanisation. Pure and seeded.
 */
import type { Rng } from '@instr/core';
import type { Articulation, Style } from './gm.js';

/** A note: onset and duration in seconds, MIDI pitch, velocity 1–127. */
export interface NoteEvent {
  t: number;
  dur: number;
  midi: number;
  vel: number;
}

/** A MIDI controller change at time `t` (seconds) on the part's channel. */
export interface ControlEvent {
  t: number;
  cc: number;
  value: number;
}

/** A generated part. */
export interface Part {
  style: Style;
  tempo: number;
  /** Tonic pitch class (0 = C). */
  key: number;
  scale: string;
  articulation: string;
  notes: NoteEvent[];
  controls: ControlEvent[];
}

/** What to generate. */
export interface PartRequest {
  style: Style;
  articulation: Articulation;
  /** Playable MIDI range, inclusive. */
  range: readonly [number, number];
  seconds: number;
  /** Force a key/tempo (to make parts of one clip agree); drawn when absent. */
  key?: number;
  scale?: string;
  tempo?: number;
}

export const SCALES: Readonly<Record<string, readonly number[]>> = {
  major: [0, 2, 4, 5, 7, 9, 11],
  minor: [0, 2, 3, 5, 7, 8, 10],
  dorian: [0, 2, 3, 5, 7, 9, 10],
  mixolydian: [0, 2, 4, 5, 7, 9, 10],
  harmonicMinor: [0, 2, 3, 5, 7, 8, 11],
  pentatonic: [0, 2, 4, 7, 9],
  minorPentatonic: [0, 3, 5, 7, 10],
  blues: [0, 3, 5, 6, 7, 10],
};
const HEPTATONIC = ['major', 'minor', 'dorian', 'mixolydian', 'harmonicMinor'];
const PROGRESSIONS: readonly (readonly number[])[] = [
  [0, 3, 4, 0],
  [0, 5, 3, 4],
  [5, 3, 0, 4],
  [0, 4, 5, 3],
  [1, 4, 0, 0],
  [0, 3, 0, 4],
  [0, 6, 5, 4],
  [3, 4, 2, 5],
];

/** Shared musical context of a clip (key, scale, tempo, chord progression) so its parts agree. */
export interface MusicContext {
  key: number;
  scale: string;
  tempo: number;
  progression: readonly number[];
  /** Beats per chord. */
  chordBeats: number;
}

/** Draws a musical context. */
export function drawContext(rng: Rng, overrides: Partial<MusicContext> = {}): MusicContext {
  return {
    key: overrides.key ?? rng.int(0, 11),
    scale:
      overrides.scale ??
      pickWeighted(rng, { major: 3, minor: 3, dorian: 1, mixolydian: 1, harmonicMinor: 0.5 }),
    tempo: overrides.tempo ?? Math.round(rng.uniform(60, 160)),
    progression: overrides.progression ?? PROGRESSIONS[rng.int(0, PROGRESSIONS.length - 1)]!,
    chordBeats: overrides.chordBeats ?? (rng.bernoulli(0.6) ? 4 : 2),
  };
}

/** Picks a key of `weights` with probability proportional to its weight. */
export function pickWeighted<K extends string>(rng: Rng, weights: Readonly<Partial<Record<K, number>>>): K {
  const keys = (Object.keys(weights) as K[]).filter((k) => (weights[k] ?? 0) > 0);
  const [i] = rng.choice(keys.length, 1, { weights: keys.map((k) => weights[k]!) });
  return keys[i!]!;
}

/** MIDI notes of `scale` on tonic `key` inside [lo, hi]. */
export function scalePitches(key: number, scale: readonly number[], lo: number, hi: number): number[] {
  const set = new Set(scale.map((s) => (s + key) % 12));
  const out: number[] = [];
  for (let m = lo; m <= hi; m++) if (set.has(((m % 12) + 12) % 12)) out.push(m);
  return out;
}

/** Pitch classes of the diatonic chord on scale degree `degree` (triad, or seventh when `seventh`). */
export function chordPitchClasses(ctx: MusicContext, degree: number, seventh: boolean): number[] {
  const scale = SCALES[HEPTATONIC.includes(ctx.scale) ? ctx.scale : 'major']!;
  const steps = seventh ? [0, 2, 4, 6] : [0, 2, 4];
  return steps.map((s) => (scale[(degree + s) % 7]! + ctx.key) % 12);
}

interface Dynamics {
  vel(t: number, accent: number): number;
}

function drawDynamics(rng: Rng, seconds: number): Dynamics {
  const base = rng.uniform(45, 110);
  const amp = rng.uniform(0, 30);
  const shape = rng.int(0, 3); // flat, crescendo, decrescendo, arch
  return {
    vel(t, accent) {
      const x = Math.min(1, Math.max(0, t / seconds));
      const s = shape === 0 ? 0 : shape === 1 ? x - 0.5 : shape === 2 ? 0.5 - x : 0.5 - Math.abs(x - 0.5) * 2;
      const v = base + amp * s + accent + rng.normal(0, 5);
      return Math.max(15, Math.min(127, Math.round(v)));
    },
  };
}

function drawGate(rng: Rng, articulation: Articulation): { gate: number; name: string } {
  if (articulation === 'plucked' || articulation === 'struck') {
    return rng.bernoulli(0.7)
      ? { gate: rng.uniform(0.9, 1.6), name: 'ringing' }
      : { gate: rng.uniform(0.3, 0.6), name: 'damped' };
  }
  const r = rng.uniform();
  if (r < 0.45) return { gate: rng.uniform(0.95, 1.02), name: 'legato' };
  if (r < 0.85) return { gate: rng.uniform(0.7, 0.9), name: 'detached' };
  return { gate: rng.uniform(0.3, 0.5), name: 'staccato' };
}

/** Onset jitter (seconds) for a human feel. */
function humanize(rng: Rng, t: number, sd = 0.008): number {
  return Math.max(0, t + rng.normal(0, sd));
}

const MELODY_STEPS = {
  '-1': 0.28,
  '1': 0.28,
  '-2': 0.12,
  '2': 0.12,
  '0': 0.06,
  '3': 0.04,
  '-3': 0.04,
  '4': 0.03,
  '-4': 0.03,
};
const MELODY_VALUES = { '0.25': 0.1, '0.5': 0.3, '1': 0.3, '1.5': 0.1, '2': 0.15, '3': 0.05 };

/** A sub-range of about 1–1.5 octaves inside `range`, centred at random. */
function subRange(rng: Rng, range: readonly [number, number], width: number): [number, number] {
  const [lo, hi] = range;
  if (hi - lo <= width) return [lo, hi];
  const start = rng.int(lo, hi - width);
  return [start, start + width];
}

function melody(
  rng: Rng,
  req: PartRequest,
  ctx: MusicContext,
  dyn: Dynamics,
  sustained: boolean,
): NoteEvent[] {
  const [lo, hi] = subRange(rng, req.range, rng.int(12, 19));
  const scale = SCALES[ctx.scale]!;
  const pitches = scalePitches(ctx.key, scale, lo, hi);
  if (pitches.length === 0) pitches.push(Math.round((lo + hi) / 2));
  const beat = 60 / ctx.tempo;
  const { gate } = drawGate(rng, req.articulation);
  let idx = rng.int(0, pitches.length - 1);
  let t = rng.uniform(0, 0.25);
  const notes: NoteEvent[] = [];
  while (t < req.seconds) {
    const beats = sustained ? rng.uniform(1.5, 4) : Number(pickWeighted(rng, MELODY_VALUES));
    if (!sustained && notes.length > 0 && rng.bernoulli(0.07)) {
      t += beats * beat;
      continue;
    }
    const step = sustained ? rng.int(-2, 2) : Number(pickWeighted(rng, MELODY_STEPS));
    idx += step;
    if (idx < 0) idx = -idx;
    if (idx >= pitches.length) idx = Math.max(0, 2 * (pitches.length - 1) - idx);
    const onBeat = Math.abs(t / beat - Math.round(t / beat)) < 0.05;
    notes.push({
      t: humanize(rng, t),
      dur: Math.max(0.05, beats * beat * gate),
      midi: pitches[idx]!,
      vel: dyn.vel(t, onBeat ? rng.uniform(0, 10) : 0),
    });
    t += beats * beat;
  }
  return notes;
}

/** Chord tones (MIDI) with pitch classes `pcs` inside [lo, hi], ascending. */
function chordTonesInRange(pcs: number[], lo: number, hi: number): number[] {
  const set = new Set(pcs);
  const out: number[] = [];
  for (let m = lo; m <= hi; m++) if (set.has(m % 12)) out.push(m);
  return out;
}

function arpeggio(rng: Rng, req: PartRequest, ctx: MusicContext, dyn: Dynamics): NoteEvent[] {
  const [lo, hi] = subRange(rng, req.range, rng.int(14, 24));
  const beat = 60 / ctx.tempo;
  const value = [0.5, 0.25, 1 / 3, 0.5][rng.int(0, 3)]!;
  const pattern = rng.int(0, 2); // up, down, up-down
  const seventh = rng.bernoulli(0.3);
  const { gate } = drawGate(rng, req.articulation);
  const notes: NoteEvent[] = [];
  let t = rng.uniform(0, 0.15);
  let step = 0;
  while (t < req.seconds) {
    const chordIndex = Math.floor(t / (ctx.chordBeats * beat)) % ctx.progression.length;
    let tones = chordTonesInRange(chordPitchClasses(ctx, ctx.progression[chordIndex]!, seventh), lo, hi);
    if (tones.length === 0) tones = [Math.round((lo + hi) / 2)];
    const cycle = pattern === 2 ? Math.max(1, 2 * tones.length - 2) : tones.length;
    const pos = step % cycle;
    const i =
      pattern === 0 ? pos : pattern === 1 ? tones.length - 1 - pos : pos < tones.length ? pos : cycle - pos;
    notes.push({
      t: humanize(rng, t, 0.005),
      dur: Math.max(
        0.05,
        value * beat * gate * (req.articulation === 'plucked' || req.articulation === 'struck' ? 2 : 1),
      ),
      midi: tones[Math.min(tones.length - 1, Math.max(0, i))]!,
      vel: dyn.vel(t, pos === 0 ? 8 : 0),
    });
    t += value * beat;
    step++;
  }
  return notes;
}

/** A close or open voicing of `count` chord tones starting near `bottom`. */
function voicing(pcs: number[], bottom: number, hi: number, count: number, minGap: number): number[] {
  const out: number[] = [];
  let m = bottom;
  while (out.length < count && m <= hi) {
    if (pcs.includes(m % 12) && (out.length === 0 || m - out[out.length - 1]! >= minGap)) out.push(m);
    m++;
  }
  return out;
}

function chords(
  rng: Rng,
  req: PartRequest,
  ctx: MusicContext,
  dyn: Dynamics,
  sustained: boolean,
): NoteEvent[] {
  const beat = 60 / ctx.tempo;
  const [lo, hi] = req.range;
  const rhythm = sustained ? ctx.chordBeats : [ctx.chordBeats, 2, 1, 1.5][rng.int(0, 3)]!;
  const count = rng.int(3, 5);
  const seventh = rng.bernoulli(0.35);
  const bottomBase = rng.int(lo, Math.max(lo, Math.min(hi - 14, lo + 24)));
  const { gate } = drawGate(rng, req.articulation);
  const notes: NoteEvent[] = [];
  let t = rng.uniform(0, 0.1);
  while (t < req.seconds) {
    const chordIndex = Math.floor(t / (ctx.chordBeats * beat)) % ctx.progression.length;
    const pcs = chordPitchClasses(ctx, ctx.progression[chordIndex]!, seventh);
    const bottom = bottomBase + rng.int(-2, 2);
    const chord = voicing(pcs, Math.max(lo, bottom), hi, count, 2);
    const v = dyn.vel(t, 0);
    for (const midi of chord) {
      notes.push({
        t: humanize(rng, t, 0.004),
        dur: Math.max(0.08, rhythm * beat * (sustained ? 1 : gate)),
        midi,
        vel: v,
      });
    }
    t += rhythm * beat;
  }
  return notes;
}

const STRUM_PATTERNS = ['D.D.D.D.', 'D.DU.UDU', 'D..UD.DU', 'D.DUDUDU', 'D...D...', 'D..D..D.'];

function strum(rng: Rng, req: PartRequest, ctx: MusicContext, dyn: Dynamics): NoteEvent[] {
  const beat = 60 / ctx.tempo;
  const [lo, hi] = req.range;
  const pattern = STRUM_PATTERNS[rng.int(0, STRUM_PATTERNS.length - 1)]!;
  const spread = rng.uniform(0.008, 0.025);
  const strings = rng.int(4, 6);
  const ring = rng.bernoulli(0.75);
  const notes: NoteEvent[] = [];
  const eighth = beat / 2;
  let t = rng.uniform(0, 0.1);
  let step = 0;
  while (t < req.seconds) {
    const ch = pattern[step % pattern.length]!;
    if (ch !== '.') {
      const chordIndex = Math.floor(t / (ctx.chordBeats * beat)) % ctx.progression.length;
      const pcs = chordPitchClasses(ctx, ctx.progression[chordIndex]!, false);
      const root = lo + ((pcs[0]! - (lo % 12) + 12) % 12);
      const chord = voicing(pcs, root, Math.min(hi, lo + 36), strings, 3);
      const up = ch === 'U';
      const order = up ? chord.slice(-Math.min(chord.length, 4)).reverse() : chord;
      const v = dyn.vel(t, step % 8 === 0 ? 10 : up ? -12 : 0);
      order.forEach((midi, k) => {
        notes.push({
          t: humanize(rng, t + k * spread, 0.003),
          dur: ring ? eighth * rng.uniform(2, 4) : eighth * rng.uniform(0.4, 0.8),
          midi,
          vel: Math.max(15, Math.min(127, v - k * 2)),
        });
      });
    }
    t += eighth;
    step++;
  }
  return notes;
}

function twoHand(rng: Rng, req: PartRequest, ctx: MusicContext, dyn: Dynamics): NoteEvent[] {
  const [lo, hi] = req.range;
  const split = 60;
  const left = rng.bernoulli(0.5)
    ? chords(rng, { ...req, range: [Math.max(lo, 36), split - 1] }, ctx, dyn, rng.bernoulli(0.4))
    : arpeggio(rng, { ...req, range: [Math.max(lo, 36), split + 2] }, ctx, dyn);
  const right = melody(
    rng,
    { ...req, range: [split, Math.min(hi, 88)] },
    ctx,
    drawDynamics(rng, req.seconds),
    false,
  );
  return [...left, ...right];
}

function bassline(rng: Rng, req: PartRequest, ctx: MusicContext, dyn: Dynamics): NoteEvent[] {
  const beat = 60 / ctx.tempo;
  const [lo, hi] = req.range;
  const value = rng.bernoulli(0.5) ? 1 : 0.5;
  const walk = rng.bernoulli(0.3);
  const notes: NoteEvent[] = [];
  let t = rng.uniform(0, 0.05);
  let step = 0;
  while (t < req.seconds) {
    const chordIndex = Math.floor(t / (ctx.chordBeats * beat)) % ctx.progression.length;
    const pcs = chordPitchClasses(ctx, ctx.progression[chordIndex]!, walk);
    const tones = chordTonesInRange(pcs, lo, Math.min(hi, lo + 19));
    const rootTones = tones.filter((m) => m % 12 === pcs[0]);
    const pick =
      step % 4 === 0 || tones.length === 0
        ? (rootTones[0] ?? tones[0] ?? lo)
        : tones[rng.int(0, tones.length - 1)]!;
    notes.push({
      t: humanize(rng, t, 0.005),
      dur: value * beat * rng.uniform(0.6, 0.95),
      midi: pick,
      vel: dyn.vel(t, step % 4 === 0 ? 8 : 0),
    });
    t += value * beat;
    step++;
  }
  return notes;
}

/** GM percussion keys. */
const KICK = 36;
const SNARE = 38;
const HAT_CLOSED = 42;
const HAT_OPEN = 46;
const RIDE = 51;
const CRASH = 49;
const TOMS = [45, 47, 50];

function drums(rng: Rng, req: PartRequest, ctx: MusicContext): NoteEvent[] {
  const beat = 60 / ctx.tempo;
  const sixteenth = beat / 4;
  const kicks = [
    [0, 8],
    [0, 6, 8],
    [0, 8, 10],
    [0, 3, 8, 11],
  ][rng.int(0, 3)]!;
  const hatEvery = rng.bernoulli(0.6) ? 2 : 1;
  const cymbal = rng.bernoulli(0.2) ? RIDE : HAT_CLOSED;
  const notes: NoteEvent[] = [];
  const hit = (t: number, midi: number, vel: number) =>
    notes.push({
      t: humanize(rng, t, 0.004),
      dur: 0.1,
      midi,
      vel: Math.max(15, Math.min(127, Math.round(vel + rng.normal(0, 6)))),
    });
  const bars = Math.ceil(req.seconds / (16 * sixteenth));
  for (let bar = 0; bar < bars; bar++) {
    const t0 = bar * 16 * sixteenth;
    const fill = bar === bars - 1 && bars > 1 && rng.bernoulli(0.3);
    if (bar === 0 && rng.bernoulli(0.3)) hit(t0, CRASH, 100);
    for (let s = 0; s < 16; s++) {
      const t = t0 + s * sixteenth;
      if (t >= req.seconds) break;
      if (fill && s >= 12) {
        hit(t, TOMS[(s - 12) % 3]!, 95);
        continue;
      }
      if (kicks.includes(s)) hit(t, KICK, 105);
      if (s === 4 || s === 12) hit(t, SNARE, 100);
      if (s % hatEvery === 0)
        hit(t, s === 14 && rng.bernoulli(0.2) ? HAT_OPEN : cymbal, s % 4 === 0 ? 85 : 65);
    }
  }
  return notes;
}

function expression(rng: Rng, req: PartRequest): ControlEvent[] {
  const controls: ControlEvent[] = [];
  if (req.articulation === 'bowed' || req.articulation === 'wind' || req.articulation === 'voice') {
    const depth = rng.uniform(0, 40);
    const delay = rng.uniform(0, 0.6);
    controls.push({ t: 0, cc: 1, value: 0 }, { t: delay, cc: 1, value: Math.round(depth) });
  }
  if (req.articulation !== 'plucked' && req.articulation !== 'struck') {
    const e0 = rng.uniform(0.65, 1);
    const amp = rng.uniform(0, 0.3);
    const period = rng.uniform(1, 4);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < req.seconds; t += 0.03) {
      const v = e0 - amp * 0.5 * (1 + Math.sin((2 * Math.PI * t) / period + phase));
      controls.push({ t, cc: 11, value: Math.max(20, Math.min(127, Math.round(127 * v))) });
    }
  }
  return controls;
}

function sustainPedal(_rng: Rng, ctx: MusicContext, seconds: number): ControlEvent[] {
  const beat = 60 / ctx.tempo;
  const out: ControlEvent[] = [];
  for (let t = 0; t < seconds; t += ctx.chordBeats * beat) {
    out.push({ t: Math.max(0, t - 0.02), cc: 64, value: 0 }, { t: t + 0.03, cc: 64, value: 127 });
  }
  return out;
}

/**
 * Generates one part. Notes may run past `req.seconds` (the renderer cuts them); onsets do not.
 * @example
 * ```ts
 * const part = generatePart(new Rng(1), { style: 'melody', articulation: 'bowed', range: [36, 76], seconds: 3 });
 * ```
 */
export function generatePart(rng: Rng, req: PartRequest, context?: MusicContext): Part {
  const ctx = context ?? drawContext(rng, { key: req.key, scale: req.scale, tempo: req.tempo });
  const melodic =
    req.style === 'melody' || req.style === 'sustained'
      ? {
          ...ctx,
          scale: rng.bernoulli(0.25)
            ? pickWeighted(rng, { pentatonic: 1, minorPentatonic: 1, blues: 0.5 })
            : ctx.scale,
        }
      : ctx;
  const sustainedTempo =
    req.style === 'sustained'
      ? { ...melodic, tempo: Math.min(melodic.tempo, Math.round(rng.uniform(50, 90))) }
      : melodic;
  const dyn = drawDynamics(rng, req.seconds);
  let notes: NoteEvent[];
  let controls: ControlEvent[] = [];
  switch (req.style) {
    case 'melody':
      notes = melody(rng, req, sustainedTempo, dyn, false);
      break;
    case 'sustained':
      notes =
        req.articulation === 'organ' || req.articulation === 'struck'
          ? chords(rng, req, sustainedTempo, dyn, true)
          : melody(rng, req, sustainedTempo, dyn, true);
      break;
    case 'arpeggio':
      notes = arpeggio(rng, req, ctx, dyn);
      break;
    case 'chords':
      notes = chords(rng, req, ctx, dyn, false);
      break;
    case 'strum':
      notes = strum(rng, req, ctx, dyn);
      break;
    case 'two-hand':
      notes = twoHand(rng, req, ctx, dyn);
      break;
    case 'bassline':
      notes = bassline(rng, req, ctx, dyn);
      break;
    case 'drums':
      notes = drums(rng, req, ctx);
      break;
  }
  if (req.style !== 'drums') {
    controls = expression(rng, req);
    if (req.articulation === 'struck' && req.style !== 'melody' && rng.bernoulli(0.5))
      controls.push(...sustainPedal(rng, ctx, req.seconds));
  }
  notes = notes.filter((n) => n.t < req.seconds).sort((a, b) => a.t - b.t || a.midi - b.midi);
  controls.sort((a, b) => a.t - b.t);
  return {
    style: req.style,
    tempo: sustainedTempo.tempo,
    key: ctx.key,
    scale: sustainedTempo.scale,
    articulation: req.articulation,
    notes,
    controls,
  };
}
