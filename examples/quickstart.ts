/**
 * Quick start: analyse real recordings from ../shared/data/dev.
 * Run with `pnpm --filter @instr/examples quickstart [files...]` (or `bash scripts/quickstart.sh`).
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { audioDuration, toMono } from '@instr/core';
import { logMelSpectrogram } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.INSTR_SHARED_DIR ?? resolve(here, '..', '..', 'shared');

function devFiles(): string[] {
  const manifest = join(sharedDir, 'data', 'dev', 'manifest.csv');
  if (!existsSync(manifest)) return [];
  const rows = readFileSync(manifest, 'utf8').trim().split('\n').slice(1);
  // One file per label set, so the output shows a variety of instruments.
  const seen = new Set<string>();
  const picked: string[] = [];
  for (const row of rows) {
    const [file, labels] = row.split(',');
    if (!file || seen.has(labels ?? '')) continue;
    seen.add(labels ?? '');
    picked.push(join(sharedDir, 'data', 'dev', file));
  }
  return picked.slice(0, 6);
}

const files = process.argv.slice(2).length ? process.argv.slice(2) : devFiles();
if (files.length === 0) {
  console.error(
    `No input: pass audio files, or put the shared/ folder beside the checkout (looked in ${sharedDir}).`,
  );
  process.exit(2);
}

for (const file of files) {
  const audio = await readAudioFile(file);
  const mono = toMono(audio);
  const logMel = logMelSpectrogram(mono, {
    sampleRate: audio.sampleRate,
    nFft: 2048,
    hopLength: 512,
    nMels: 128,
  });
  const [mels, frames] = logMel.dims as [number, number];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let sum = 0;
  for (const v of logMel.data) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  // Band with the most energy, averaged over time: a rough "where is the sound" hint.
  let loudest = 0;
  let loudestMean = Number.NEGATIVE_INFINITY;
  for (let m = 0; m < mels; m++) {
    let s = 0;
    for (let t = 0; t < frames; t++) s += logMel.data[m * frames + t]!;
    if (s / frames > loudestMean) [loudest, loudestMean] = [m, s / frames];
  }
  console.log(
    `${basename(file)}\n  ${audioDuration(audio).toFixed(2)} s, ${audio.sampleRate} Hz, ${audio.channels.length} ch` +
      `\n  log-mel [${mels} x ${frames}] dB: min ${min.toFixed(1)}, mean ${(sum / logMel.size).toFixed(1)}, max ${max.toFixed(1)}, loudest band ${loudest}`,
  );
}
