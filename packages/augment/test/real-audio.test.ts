import { readFileSync } from 'node:fs';
import { type Audio, InstrumentSet } from '@instr/core';
import { readAudioFile } from '@instr/dsp/node';
import { sharedDir, sharedPath } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import {
  BackgroundNoise,
  lumenWaveformAugment,
  type MixSource,
  pitchShift,
  preloadClips,
  Reverb,
  SumN,
} from '../src/index.js';
import { dominantFrequency, hasNaN } from './helpers.js';

const SR = 22050;
const irmas = InstrumentSet.irmas();

interface Row {
  file: string;
  labels: string[];
  kind: string;
}

function manifest(): Row[] {
  const text = readFileSync(sharedPath('data', 'train', 'manifest.csv'), 'utf8')
    .trim()
    .split('\n');
  return text.slice(1).map((line) => {
    const cells = line.split(',');
    return { file: cells[0]!, labels: cells[1] ? cells[1].split(';') : [], kind: cells[3] ?? '' };
  });
}

const load = (file: string) =>
  readAudioFile(sharedPath('data', 'train', file), { mono: true, sampleRate: SR });

function snrDb(input: Audio, output: Audio): number {
  let ps = 0;
  let pn = 0;
  const x = input.channels[0]!;
  const y = output.channels[0]!;
  for (let i = 0; i < x.length; i++) {
    ps += x[i]! ** 2;
    pn += (y[i]! - x[i]!) ** 2;
  }
  return 10 * Math.log10(ps / pn);
}

describe.skipIf(!sharedDir)('on real audio from shared/data (skipped without shared/)', () => {
  const rows = sharedDir ? manifest() : [];
  const notes = rows.filter((r) => r.file.startsWith('notes/'));
  // two notes of each class present
  const picked = irmas.codes.flatMap((c) => notes.filter((r) => r.labels.includes(c)).slice(0, 2));
  const sources: MixSource[] = picked.map((r) => ({ labels: r.labels, load: () => load(r.file) }));

  it('sum-with-3 over real notes ORs labels, never clips, stays finite', async () => {
    const mixer = new SumN(sources, { n: 3, instruments: irmas, combine: 'sum' });
    for (let i = 0; i < 6; i++) {
      const anchor = (i * 5) % sources.length;
      const { audio, labels, report } = await mixer.mix(anchor, i);
      const expected = new Set([anchor, ...report.sources].flatMap((s) => picked[s]!.labels));
      expect(new Set(labels as string[])).toEqual(expected);
      expect(report.peak).toBeLessThanOrEqual(1 + 1e-6);
      expect(report.clippedSamples).toBe(0);
      expect(hasNaN(audio.channels[0]!)).toBe(false);
    }
  });

  it('background noise from real clips (any rate, resampled) reaches the SNR within 0.1 dB', async () => {
    const noiseRows = rows.filter((r) => r.file.startsWith('noise/')).slice(0, 6);
    const clips = await preloadClips(noiseRows.length, (i) =>
      readAudioFile(sharedPath('data', 'train', noiseRows[i]!.file), { mono: true }),
    );
    const note = await load(picked[0]!.file);
    const bg = new BackgroundNoise({ clips });
    for (let s = 0; s < 8; s++) {
      const { output, report } = bg.apply(note, s);
      if (report.params!.silentNoise) continue;
      expect(Math.abs(snrDb(note, output) - report.params!.snrDb)).toBeLessThan(0.1);
    }
  });

  it('reverb with the real impulse responses (mono, stereo, 16–48 kHz) keeps length and finiteness', async () => {
    const irRows = rows.filter((r) => r.file.startsWith('ir/'));
    const irs = await preloadClips(irRows.length, (i) =>
      readAudioFile(sharedPath('data', 'train', irRows[i]!.file)),
    );
    const note = await load(picked[3]!.file);
    const rev = new Reverb({ impulseResponses: irs });
    for (let s = 0; s < irRows.length; s++) {
      const { output } = rev.apply(note, s);
      expect(output.channels[0]).toHaveLength(note.channels[0]!.length);
      expect(hasNaN(output.channels[0]!)).toBe(false);
    }
  });

  it('pitch shift moves a real piano A3 by the requested interval (within 0.5 %)', async () => {
    const a3 = notes.find((r) => r.file.endsWith('piano__A3.flac'));
    if (!a3) return;
    const x = (await load(a3.file)).channels[0]!;
    const f0 = dominantFrequency(x, SR, 200, 240, 0.05);
    for (const k of [-3, 2, 5]) {
      const y = pitchShift(x, SR, k);
      const fe = f0 * 2 ** (k / 12);
      const got = dominantFrequency(y, SR, fe * 0.95, fe * 1.05, 0.05);
      expect(Math.abs(got / fe - 1)).toBeLessThan(0.005);
    }
  });

  it('the reference waveform chain runs on real audio, deterministically', async () => {
    const noiseRows = rows.filter((r) => r.file.startsWith('noise/')).slice(0, 3);
    const noiseClips = await preloadClips(noiseRows.length, (i) => load(noiseRows[i]!.file));
    const aug = lumenWaveformAugment({ noiseClips, normalizeLoudness: true });
    const note = await load(picked[5]!.file);
    const a = aug.apply(note, 11);
    const b = aug.apply(note, 11);
    expect(a.output.channels[0]).toEqual(b.output.channels[0]);
    expect(a.output.channels[0]).toHaveLength(note.channels[0]!.length);
    expect(hasNaN(a.output.channels[0]!)).toBe(false);
    expect(a.report.children!.map((c) => c.name)).toEqual([
      'BackgroundNoise',
      'PolarityInversion',
      'PitchShift',
      'TimeStretch',
      'TimeShift',
      'LoudnessNormalization',
      'ColoredNoise',
      'TimeMask',
    ]);
  });
});
