import type { Audio, Tensor } from '@instr/core';
import { Compose } from './compose.js';
import { Mixup, SpecMix } from './spectrogram/batch.js';
import {
  FrequencyMasking,
  Lighting,
  RandomErasing,
  RandomPixelErasing,
  ZoomCrop,
} from './spectrogram/spectrogram.js';
import type { LabelledBatch, Transform } from './transform.js';
import { PolarityInversion, TimeMask, TimeShift } from './waveform/basic.js';
import type { ClipSet } from './waveform/clips.js';
import { LoudnessNormalization } from './waveform/loudness.js';
import { BackgroundNoise, ColoredNoise } from './waveform/noise.js';
import { PitchShift, TimeStretch } from './waveform/vocoder.js';

/**
 * Options of {@link lumenWaveformAugment}.
 * @example
 * ```ts
 * lumenWaveformAugment({ noiseClips, normalizeLoudness: true, keepLength: true });
 * ```
 */
export interface LumenWaveformOptions {
  /** Background noise clips (the reference used ESC-50); omitted → no background noise, as the reference when its folder was missing. */
  noiseClips?: ClipSet;
  /** Normalise to −12 LUFS after the time augmentations (the reference's optional NORM_AFTER_TIME_AUGS; default false). */
  normalizeLoudness?: boolean;
  /** Keep the input length after time stretch (default true; the reference changed the length, a bug). */
  keepLength?: boolean;
}

/**
 * The lumen-audio reference system's waveform augmentation chain, in its fixed order and with its parameters,
 * bugs fixed: background noise (SNR 3–30 dB) → polarity inversion (p 0.5; the reference called it "time
 * inversion") → pitch shift (±2 semitones) → time stretch (rate 0.8–1.25, length kept) → time shift (±50 %,
 * rolled) → [−12 LUFS] → coloured noise (SNR 3–25 dB, fDecay −2…2) → time mask (up to 30 %).
 * @example
 * ```ts
 * const aug = lumenWaveformAugment({ noiseClips });
 * const { output, report } = aug.apply(audio, rng.derive(epoch, index));
 * ```
 */
export function lumenWaveformAugment(options: LumenWaveformOptions = {}): Compose<Audio> {
  const list: Transform<Audio, object>[] = [];
  if (options.noiseClips)
    list.push(new BackgroundNoise({ clips: options.noiseClips, minSnrDb: 3, maxSnrDb: 30 }));
  list.push(
    new PolarityInversion({ p: 0.5 }),
    new PitchShift({ minSemitones: -2, maxSemitones: 2 }),
    new TimeStretch({ minRate: 0.8, maxRate: 1.25, keepLength: options.keepLength ?? true }),
    new TimeShift({ min: -0.5, max: 0.5, rollover: true }),
  );
  if (options.normalizeLoudness) list.push(new LoudnessNormalization({ minLufs: -12, maxLufs: -12 }));
  list.push(new ColoredNoise({ minSnrDb: 3, maxSnrDb: 25 }), new TimeMask({ maxFraction: 0.3 }));
  return new Compose(list);
}

/**
 * The lumen-audio reference system's spectrogram augmentations (on a `[..., mel, time]` power mel
 * spectrogram, before normalisation): random pixel erasing (p ~ U(0, 0.3)) → one frequency mask (width < 30
 * bins, on the mel axis — the reference masked time on AST inputs, a bug) → [random erasing, scale 0.02–0.2,
 * ratio 1–2, off by default as in the reference].
 * @example
 * ```ts
 * const specAug = lumenSpectrogramAugment();
 * const masked = specAug.applyBatch(mels, { seed: 1 }).output; // [batch, 1, mel, time]
 * ```
 */
export function lumenSpectrogramAugment(
  options: { randomErasing?: boolean } = {},
): Compose<Tensor<'float32'>> {
  const list: Transform<Tensor<'float32'>, object>[] = [
    new RandomPixelErasing({ maxP: 0.3 }),
    new FrequencyMasking({ maxWidth: 30 }),
  ];
  if (options.randomErasing) list.push(new RandomErasing({ scale: [0.02, 0.2], ratio: [1, 2] }));
  return new Compose(list);
}

/**
 * The Freesound 2019 reference's train-time batch augmentation: mixup, then SpecMix (so up to four examples
 * contribute to one). Its mixup α is not published; fastai v1's default 0.4 is used.
 * @example
 * ```ts
 * const { output } = freesoundBatchAugment().apply({ x: mels, y: labels }, step);
 * ```
 */
export function freesoundBatchAugment(options: { mixupAlpha?: number } = {}): Compose<LabelledBatch> {
  return new Compose<LabelledBatch>([new Mixup({ alpha: options.mixupAlpha ?? 0.4 }), new SpecMix()]);
}

/**
 * The Freesound reference's per-example image augmentations: zoom-and-crop (zoom 1–1.05) and lighting, each
 * with p 0.75.
 * @example
 * ```ts
 * const out = freesoundSpectrogramAugment().applyBatch(logMels, { seed: 3 }).output;
 * ```
 */
export function freesoundSpectrogramAugment(): Compose<Tensor<'float32'>> {
  return new Compose<Tensor<'float32'>>([
    new ZoomCrop({ minZoom: 1, maxZoom: 1.05, p: 0.75 }),
    new Lighting({ p: 0.75 }),
  ]);
}
