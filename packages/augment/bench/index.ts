/**
 * @instr/augment benchmark: realtime factor (audio seconds processed per wall-clock second) of every
 * augmentation on 10 s of 22.05 kHz mono audio, and the throughput of a typical training pipeline
 * (sum-with-2 + time shift + pitch shift + log-mel) in examples per second, on one core.
 * When Debian's /usr/bin/python3 has torch/torchaudio/scipy, the same operations are timed there and the
 * ratios printed. Run: `pnpm --filter @instr/augment bench`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Audio, InstrumentSet, Rng, Tensor } from '@instr/core';
import { logMelSpectrogram } from '@instr/dsp';
import {
  BackgroundNoise,
  BandPassFilter,
  Clipping,
  ColoredNoise,
  Compose,
  FrequencyMasking,
  Gain,
  HighPassFilter,
  Lighting,
  LoudnessNormalization,
  LowPassFilter,
  Mixup,
  type MixSource,
  PeakingEQ,
  PitchShift,
  PolarityInversion,
  RandomErasing,
  RandomPixelErasing,
  Reverb,
  SevenBandEQ,
  ShelfEQ,
  SpecMix,
  SumN,
  TimeMask,
  TimeMasking,
  TimeReversal,
  TimeShift,
  TimeStretch,
  type Transform,
  ZoomCrop,
} from '../src/index.js';

const SR = 22050;
const SECONDS = 10;
const quick = process.argv.includes('--quick');

function signal(seconds: number, seed: number, f = 220): Float32Array {
  const rng = new Rng(seed).fork();
  const n = Math.round(seconds * SR);
  const x = new Float32Array(n);
  for (let i = 0; i < n; i++) x[i] = 0.3 * Math.sin((2 * Math.PI * f * i) / SR) + rng.normal(0, 0.05);
  return x;
}

function time(fn: () => void, runs: number): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const audio: Audio = { sampleRate: SR, channels: [signal(SECONDS, 1)] };
const ir = Float32Array.from(signal(0.5, 2), (v, i) => v * Math.exp(-i / 2000));
const waveform: [string, Transform<Audio, object>][] = [
  ['Gain', new Gain()],
  ['PolarityInversion', new PolarityInversion()],
  ['TimeReversal', new TimeReversal()],
  ['TimeShift', new TimeShift()],
  ['TimeMask', new TimeMask()],
  ['Clipping', new Clipping()],
  ['LowPassFilter', new LowPassFilter()],
  ['HighPassFilter', new HighPassFilter()],
  ['BandPassFilter', new BandPassFilter()],
  ['PeakingEQ', new PeakingEQ()],
  ['ShelfEQ', new ShelfEQ()],
  ['SevenBandEQ', new SevenBandEQ()],
  ['ColoredNoise', new ColoredNoise()],
  ['BackgroundNoise', new BackgroundNoise({ clips: [{ sampleRate: SR, channels: [signal(3, 3)] }] })],
  ['Reverb (0.5 s IR)', new Reverb({ impulseResponses: [{ sampleRate: SR, channels: [ir] }] })],
  ['LoudnessNormalization', new LoudnessNormalization()],
  ['TimeStretch (phase-locked)', new TimeStretch()],
  ['TimeStretch (plain, librosa)', new TimeStretch({ phaseLocking: false })],
  ['PitchShift (phase-locked)', new PitchShift()],
];

const mel = logMelSpectrogram(audio.channels[0]!, { sampleRate: SR, nFft: 2048, hopLength: 512, nMels: 128 });
const spec = new Tensor('float32', mel.data, [1, ...mel.dims]);
const spectral: [string, Transform<Tensor<'float32'>, object>][] = [
  ['FrequencyMasking', new FrequencyMasking()],
  ['TimeMasking', new TimeMasking()],
  ['RandomErasing', new RandomErasing()],
  ['RandomPixelErasing', new RandomPixelErasing()],
  ['ZoomCrop', new ZoomCrop()],
  ['Lighting', new Lighting()],
];

const runs = quick ? 2 : 7;
const rows: { name: string; ms: number; rtf: number }[] = [];
const rng = new Rng(7);
for (const [name, t] of waveform) {
  const ms = time(
    () => t.apply(audio, rng),
    name.includes('Pitch') || name.includes('Stretch') ? Math.max(2, runs - 2) : runs,
  );
  rows.push({ name, ms, rtf: (SECONDS * 1000) / ms });
}
for (const [name, t] of spectral) {
  const ms = time(() => t.apply(spec, rng), runs);
  rows.push({ name: `${name} (128 × ${mel.dims[1]} log-mel)`, ms, rtf: (SECONDS * 1000) / ms });
}
const B = 32;
const batchX = Tensor.zeros('float32', [B, 1, 128, 128]);
rng.fillNormal(batchX.data);
const batchY = Tensor.zeros('float32', [B, 11]);
for (const [name, t] of [
  ['Mixup (batch 32 × 1 × 128 × 128)', new Mixup()],
  ['SpecMix (batch 32 × 1 × 128 × 128)', new SpecMix()],
] as const) {
  const ms = time(() => t.apply({ x: batchX, y: batchY }, rng), runs);
  rows.push({ name, ms, rtf: Number.NaN });
}

// Typical training pipeline: sum-with-2 of 3 s clips, time shift, pitch shift, log-mel.
const irmas = InstrumentSet.irmas();
const clips: MixSource[] = irmas.codes.flatMap((code, k) =>
  Array.from({ length: 4 }, (_, v) => {
    const a: Audio = { sampleRate: SR, channels: [signal(3, 100 + k * 4 + v, 110 * 2 ** (k / 4))] };
    return { labels: irmas.encode([code]), load: () => a };
  }),
);
const mixer = new SumN(clips, { n: 2 });
const wave = new Compose([new TimeShift(), new PitchShift()]);
const examples = quick ? 8 : 40;
const t0 = performance.now();
for (let i = 0; i < examples; i++) {
  const r = rng.derive(0, i);
  const mixed = mixer.mixSync(i % clips.length, r);
  const aug = wave.apply(mixed.audio, r);
  logMelSpectrogram(aug.output.channels[0]!, { sampleRate: SR, nFft: 2048, hopLength: 512, nMels: 128 });
}
const perSecond = (examples * 1000) / (performance.now() - t0);

// Python reference (optional)
let ref: Record<string, number> = {};
const py = '/usr/bin/python3';
if (existsSync(py)) {
  try {
    const script = join(dirname(fileURLToPath(import.meta.url)), 'reference.py');
    ref = JSON.parse(
      execFileSync(py, [script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim(),
    );
  } catch {
    ref = {};
  }
}

console.log(`@instr/augment — 10 s of ${SR} Hz mono audio, one core, median of ${runs} runs`);
console.log('augmentation'.padEnd(44), 'ms'.padStart(9), 'realtime ×'.padStart(12));
for (const r of rows) {
  console.log(
    r.name.padEnd(44),
    r.ms.toFixed(2).padStart(9),
    (Number.isNaN(r.rtf) ? '—' : r.rtf.toFixed(0)).padStart(12),
  );
}
console.log(
  `\nTraining pipeline (sum-with-2 of 3 s clips → time shift → pitch shift → 128-band log-mel): ${perSecond.toFixed(1)} examples/s on one core`,
);
if (Object.keys(ref).length) {
  console.log(
    '\nPython reference (same machine, same run; ratio = Python ms / ours, > 1 means we are faster):',
  );
  const ours: Record<string, number> = {
    'PitchShift (torchaudio.functional.pitch_shift)': rows.find((r) => r.name.startsWith('PitchShift'))!.ms,
    'TimeStretch (torch stft + phase_vocoder + istft)': rows.find(
      (r) => r.name === 'TimeStretch (plain, librosa)',
    )!.ms,
    'Reverb (scipy.signal.fftconvolve, 0.5 s IR)': rows.find((r) => r.name.startsWith('Reverb'))!.ms,
    'LowPassFilter (torchaudio lowpass_biquad)': rows.find((r) => r.name === 'LowPassFilter')!.ms,
    'log-mel (torchaudio MelSpectrogram + dB)': time(
      () => logMelSpectrogram(audio.channels[0]!, { sampleRate: SR, nFft: 2048, hopLength: 512, nMels: 128 }),
      runs,
    ),
  };
  for (const [k, v] of Object.entries(ref)) {
    const o = ours[k];
    console.log(
      `  ${k.padEnd(52)} python ${v.toFixed(1).padStart(8)} ms   ours ${o?.toFixed(1).padStart(8)} ms   ratio ${o ? (v / o).toFixed(2) : '—'}`,
    );
  }
} else {
  console.log('\n(no Python reference: /usr/bin/python3 with torch, torchaudio and scipy not found)');
}
