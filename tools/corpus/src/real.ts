/**
 * Real material: phrases sequenced from real isolated notes (nearest recorded pitch, shifted by
 * band-limited resampling, trimmed, enveloped, overlapped), excerpts of real singing, negatives and
 * background noise, and impulse responses prepared for convolution.
 */
import type { Rng } from '@instr/core';
import type { AudioCache } from './audio-io.js';
import { activeLoudness, addInto, fadeInOut, firstAbove, shiftByResampling } from './dsp.js';
import type { Articulation } from './gm.js';
import type { RealClip, RealNote } from './inventory.js';
import type { Part } from './music.js';

/** What a real note phrase was built from. */
export interface RealPhraseInfo {
  set: string;
  files: string[];
  /** Largest |pitch shift| applied, in semitones. */
  maxShift: number;
  notes: number;
}

/** Sets (sampler/instrument groups) of a class's notes and their pitched range. */
export function noteSets(notes: readonly RealNote[]): Map<string, RealNote[]> {
  const sets = new Map<string, RealNote[]>();
  for (const n of notes) {
    const list = sets.get(n.set) ?? [];
    list.push(n);
    sets.set(n.set, list);
  }
  return sets;
}

/** MIDI range covered by a set's pitched notes (±2 semitones of shifting), or null when unpitched. */
export function setRange(notes: readonly RealNote[]): [number, number] | null {
  const pitched = notes.filter((n) => n.midi !== null).map((n) => n.midi!);
  if (pitched.length === 0) return null;
  return [Math.min(...pitched) - 2, Math.max(...pitched) + 2];
}

/**
 * Renders `part` with the real notes of one set. Each note event uses the recorded note nearest in
 * pitch (a random one among equals: dynamics layers, round robins), shifted to the target pitch by
 * resampling, onset-trimmed, faded in over 3 ms and released over 50–150 ms (sustained instruments) or
 * left to ring up to 1 s past its duration (plucked and struck ones), then overlapped into the output.
 */
export async function renderRealNotes(
  rng: Rng,
  cache: AudioCache,
  setNotes: readonly RealNote[],
  part: Part,
  articulation: Articulation,
  sampleRate: number,
  length: number,
): Promise<{ audio: Float32Array; info: RealPhraseInfo }> {
  const out = new Float32Array(length);
  const pitched = setNotes.filter((n) => n.midi !== null);
  const used = new Set<string>();
  let maxShift = 0;
  const ringing = articulation === 'plucked' || articulation === 'struck';
  for (const ev of part.notes) {
    let src: RealNote;
    let shift: number;
    if (pitched.length > 0) {
      let best = Number.POSITIVE_INFINITY;
      for (const n of pitched) best = Math.min(best, Math.abs(n.midi! - ev.midi));
      const nearest = pitched.filter((n) => Math.abs(n.midi! - ev.midi) === best);
      src = nearest[rng.int(0, nearest.length - 1)]!;
      shift = ev.midi - src.midi!;
    } else {
      src = setNotes[rng.int(0, setNotes.length - 1)]!;
      shift = rng.int(-2, 2);
    }
    maxShift = Math.max(maxShift, Math.abs(shift));
    used.add(src.file);
    const x = await cache.get(src.file);
    const onset = Math.max(0, firstAbove(x, 0.05) - Math.round(0.005 * sampleRate));
    const release = ringing ? rng.uniform(0.3, 1.0) : rng.uniform(0.05, 0.15);
    const factor = 2 ** (shift / 12); // input samples consumed per output sample
    const outLen = Math.round((ev.dur + release) * sampleRate);
    const inLen = Math.min(x.length - onset, Math.ceil(outLen * factor) + 64);
    if (inLen <= 0) continue;
    const seg = shiftByResampling(x.subarray(onset, onset + inLen), shift, sampleRate).subarray(0, outLen);
    const note = new Float32Array(seg);
    fadeInOut(note, Math.round(0.003 * sampleRate), Math.min(note.length, Math.round(release * sampleRate)));
    const gain = (ev.vel / 100) ** 1.5;
    addInto(out, note, gain, Math.round(ev.t * sampleRate));
  }
  return {
    audio: out,
    info: { set: setNotes[0]?.set ?? '', files: [...used].sort(), maxShift, notes: part.notes.length },
  };
}

/** Fraction of 50 ms frames within 30 dB of the loudest frame. */
function activeFraction(x: Float32Array, sampleRate: number): number {
  const { activeSeconds } = activeLoudness(x, sampleRate, 30);
  return x.length ? activeSeconds / (x.length / sampleRate) : 0;
}

/** Where an excerpt was taken from. */
export interface ExcerptInfo {
  file: string;
  /** Offset into the source file, seconds. */
  offset: number;
  /** Offset of the excerpt inside the clip, seconds. */
  at: number;
  shift: number;
}

/**
 * An excerpt of `clip` of `length` samples. Among 6 random offsets the most active one is kept
 * (singing phrases have pauses). Shorter files are placed at a random position (or looped with a
 * 50 ms crossfade when `loop`). Optional pitch shift in semitones by resampling.
 */
export async function excerpt(
  rng: Rng,
  cache: AudioCache,
  clip: RealClip,
  sampleRate: number,
  length: number,
  options: { loop?: boolean; shift?: number; tries?: number } = {},
): Promise<{ audio: Float32Array; info: ExcerptInfo }> {
  const { loop = false, shift = 0, tries = 6 } = options;
  let x = await cache.get(clip.file);
  if (shift !== 0) x = shiftByResampling(x, shift, sampleRate);
  const out = new Float32Array(length);
  const fade = Math.round(0.01 * sampleRate);
  if (x.length >= length) {
    let bestOffset = 0;
    let bestScore = -1;
    for (let k = 0; k < tries; k++) {
      const off = rng.int(0, x.length - length);
      const score = tries > 1 ? activeFraction(x.subarray(off, off + length), sampleRate) : 0;
      if (score > bestScore) {
        bestScore = score;
        bestOffset = off;
      }
    }
    out.set(x.subarray(bestOffset, bestOffset + length));
    fadeInOut(out, fade, fade);
    return { audio: out, info: { file: clip.file, offset: bestOffset / sampleRate, at: 0, shift } };
  }
  if (loop) {
    const xf = Math.min(Math.round(0.05 * sampleRate), Math.floor(x.length / 4));
    const piece = fadeInOut(new Float32Array(x), xf, xf);
    const start = -rng.int(0, x.length - 1);
    for (let at = start; at < length; at += x.length - xf) addInto(out, piece, 1, at);
    return { audio: out, info: { file: clip.file, offset: -start / sampleRate, at: 0, shift } };
  }
  const at = rng.int(0, length - x.length);
  addInto(out, fadeInOut(new Float32Array(x), fade, fade), 1, at);
  return { audio: out, info: { file: clip.file, offset: 0, at: at / sampleRate, shift } };
}

/** An impulse response: truncated to `maxSeconds` (faded over its last 20 %), normalised to unit energy. */
export async function loadImpulseResponse(
  cache: AudioCache,
  file: string,
  sampleRate: number,
  maxSeconds = 2,
): Promise<Float32Array> {
  const x = await cache.get(file);
  const start = firstAbove(x, 0.1);
  const n = Math.min(x.length - start, Math.round(maxSeconds * sampleRate));
  const h = new Float32Array(x.subarray(start, start + n));
  fadeInOut(h, 0, Math.round(n * 0.2));
  let e = 0;
  for (let i = 0; i < h.length; i++) e += h[i]! * h[i]!;
  const g = e > 0 ? 1 / Math.sqrt(e) : 0;
  for (let i = 0; i < h.length; i++) h[i]! *= g;
  return h;
}
