import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createAudio, Rng } from '@instr/core';
import { encodeWav } from '@instr/dsp';

/** A fresh temporary folder; `cleanup()` removes it. */
export function tempDir(prefix = 'instr-train-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface ToneOptions {
  sampleRate?: number;
  seconds?: number;
  freq?: number;
  amp?: number;
  noise?: number;
  seed?: number;
  channels?: number;
  /** Fraction of the clip (from the start) that is non-silent; the rest is zeros. */
  active?: number;
}

/** Writes a WAV of a sine (plus optional noise) and returns its path. */
export function writeTone(path: string, o: ToneOptions = {}): string {
  const sr = o.sampleRate ?? 16000;
  const n = Math.round((o.seconds ?? 1) * sr);
  const rng = new Rng(o.seed ?? 1);
  const active = Math.round(n * (o.active ?? 1));
  const chans = Array.from({ length: o.channels ?? 1 }, () => {
    const y = new Float32Array(n);
    for (let i = 0; i < active; i++) {
      y[i] =
        (o.amp ?? 0.5) * Math.sin((2 * Math.PI * (o.freq ?? 440) * i) / sr) + (o.noise ?? 0) * rng.normal();
    }
    return y;
  });
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, encodeWav(createAudio(sr, chans)));
  return path;
}

/** Writes a text file (creating folders). */
export function writeText(path: string, text: string): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return path;
}

/** Frequencies per IRMAS code, so generated files differ by class. */
export const FREQ: Record<string, number> = {
  cel: 130,
  cla: 220,
  flu: 880,
  gac: 196,
  gel: 330,
  org: 262,
  pia: 523,
  sax: 311,
  tru: 466,
  vio: 659,
  voi: 300,
};
