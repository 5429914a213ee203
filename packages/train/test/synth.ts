import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createAudio, InstrumentSet, Rng } from '@instr/core';
import { encodeWav } from '@instr/dsp';

/** Three synthetic "instruments" with distinct timbres. */
export const synthInstruments = InstrumentSet.custom([
  { code: 'tone', name: 'Sine tone', family: 'tonal' },
  { code: 'buzz', name: 'Sawtooth buzz', family: 'tonal' },
  { code: 'hiss', name: 'High hiss', family: 'noise' },
]);

/**
 * Writes `n` one-second 16 kHz WAV clips, each with 1–2 of the synthetic instruments, and a long-form
 * manifest (`file,labels`). Returns the manifest path.
 */
export function writeSynthDataset(dir: string, n: number, seed = 1, sampleRate = 16000): string {
  mkdirSync(join(dir, 'audio'), { recursive: true });
  const rng = new Rng(seed);
  const rows = ['file,labels'];
  for (let i = 0; i < n; i++) {
    const k = rng.bernoulli(0.5) ? 1 : 2;
    const present = rng.choice(3, k).sort();
    const y = new Float32Array(sampleRate);
    for (const c of present) {
      const gain = rng.uniform(0.2, 0.4);
      if (c === 0) {
        const f = rng.uniform(300, 900);
        for (let t = 0; t < y.length; t++) y[t]! += gain * Math.sin((2 * Math.PI * f * t) / sampleRate);
      } else if (c === 1) {
        const f = rng.uniform(90, 220);
        for (let t = 0; t < y.length; t++) {
          let s = 0;
          for (let h = 1; h <= 20; h++) s += Math.sin((2 * Math.PI * f * h * t) / sampleRate) / h;
          y[t]! += gain * 0.6 * s;
        }
      } else {
        let prev = 0;
        for (let t = 0; t < y.length; t++) {
          const w = rng.normal();
          y[t]! += gain * 0.7 * (w - prev); // first difference: high-frequency hiss
          prev = w;
        }
      }
    }
    for (let t = 0; t < y.length; t++) y[t]! += 0.005 * rng.normal();
    const file = `audio/clip${String(i).padStart(3, '0')}.wav`;
    writeFileSync(join(dir, file), encodeWav(createAudio(sampleRate, [y])));
    rows.push(`${file},${present.map((c) => synthInstruments.codes[c]).join(';')}`);
  }
  const manifest = join(dir, 'manifest.csv');
  writeFileSync(manifest, `${rows.join('\n')}\n`);
  return manifest;
}
