/**
 * Offline SoundFont rendering with spessasynth_core. Pitfalls handled here (see ARCHITECTURE.md):
 * the bank is loaded once per thread and never destroyed (destroying a processor destroys its bank),
 * it is loaded from an ArrayBuffer sliced to the file's bytes, each render gets a fresh processor (no
 * reverb tails or controller state carried over), events are applied at exact sample positions with
 * `process()` blocks of ≤ 128 frames, and no normalisation is applied.
 */
import { readFileSync } from 'node:fs';
import { InvalidArgumentError } from '@instr/core';
import { type BasicSoundBank, SoundBankLoader, SpessaSynthProcessor } from 'spessasynth_core';
import type { Part } from './music.js';

const banks = new Map<string, BasicSoundBank>();

/** Loads (once per thread) and returns the SoundFont at `path`. */
export function loadBank(path: string): BasicSoundBank {
  let bank = banks.get(path);
  if (!bank) {
    const buf = readFileSync(path);
    bank = SoundBankLoader.fromArrayBuffer(
      buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength) as ArrayBuffer,
    );
    banks.set(path, bank);
  }
  return bank;
}

/** True when `bank` has melodic GM program `program` in bank 0 (or a drum kit when `drums`). */
export function hasProgram(bank: BasicSoundBank, program: number, drums = false): boolean {
  return bank.presets.some(
    (p) =>
      (drums ? p.isGMGSDrum : !p.isGMGSDrum && p.bankMSB === 0 && p.bankLSB === 0) && p.program === program,
  );
}

/** Drum channel (GM channel 10). */
const DRUM_CHANNEL = 9;
const BLOCK = 128;

interface Ev {
  at: number;
  order: number;
  apply: (s: SpessaSynthProcessor) => void;
}

/** Options of {@link renderPart}. */
export interface RenderOptions {
  sampleRate: number;
  /** Output length in samples. */
  length: number;
  /** Render on the drum channel; `program` is then the kit. Default false. */
  drums?: boolean;
}

/**
 * Renders `part` with GM `program` of `bank` to a mono Float32Array (mean of the synth's L and R),
 * effects (reverb, chorus) off.
 * @example
 * ```ts
 * const x = await renderPart(loadBank('/usr/share/sounds/sf2/TimGM6mb.sf2'), 40, part, { sampleRate: 22050, length: 66150 });
 * ```
 */
export async function renderPart(
  bank: BasicSoundBank,
  program: number,
  part: Part,
  options: RenderOptions,
): Promise<Float32Array> {
  const { sampleRate, length, drums = false } = options;
  if (!Number.isInteger(length) || length <= 0) {
    throw new InvalidArgumentError(`Render length must be a positive integer, got ${length}.`, {
      details: { key: 'length', actual: length },
    });
  }
  const synth = new SpessaSynthProcessor(sampleRate, { effectsEnabled: false, eventsEnabled: false });
  synth.soundBankManager.addSoundBank(bank, 'main');
  await synth.processorInitialized;
  const ch = drums ? DRUM_CHANNEL : 0;
  const events: Ev[] = [];
  const toSample = (t: number) => Math.max(0, Math.round(t * sampleRate));
  events.push({ at: 0, order: 0, apply: (s) => s.programChange(ch, program) });
  for (const c of part.controls)
    events.push({
      at: toSample(c.t),
      order: 1,
      apply: (s) => s.controllerChange(ch, c.cc as never, c.value),
    });
  // A note is cut where the next note of the same pitch starts, so its note-off cannot end the new one.
  const notes = [...part.notes].sort((a, b) => a.t - b.t || a.midi - b.midi);
  const nextSame = new Map<number, number>();
  const ends = new Array<number>(notes.length);
  for (let i = notes.length - 1; i >= 0; i--) {
    const n = notes[i]!;
    const next = nextSame.get(n.midi);
    const on = toSample(n.t);
    let off = toSample(n.t + n.dur);
    if (next !== undefined) off = Math.min(off, next - 1);
    ends[i] = Math.max(on + 1, off);
    nextSame.set(n.midi, on);
  }
  notes.forEach((n, i) => {
    const on = toSample(n.t);
    const vel = Math.max(1, Math.min(127, Math.round(n.vel)));
    events.push({ at: on, order: 3, apply: (s) => s.noteOn(ch, n.midi, vel) });
    events.push({ at: ends[i]!, order: 2, apply: (s) => s.noteOff(ch, n.midi) });
  });
  events.sort((a, b) => a.at - b.at || a.order - b.order);
  const left = new Float32Array(length);
  const right = new Float32Array(length);
  let e = 0;
  let pos = 0;
  while (pos < length) {
    while (e < events.length && events[e]!.at <= pos) events[e++]!.apply(synth);
    const nextAt = e < events.length ? events[e]!.at : length;
    const n = Math.min(BLOCK, length - pos, Math.max(1, nextAt - pos));
    synth.process(left, right, pos, n);
    pos += n;
  }
  const mono = new Float32Array(length);
  for (let i = 0; i < length; i++) mono[i] = 0.5 * (left[i]! + right[i]!);
  return mono;
}
