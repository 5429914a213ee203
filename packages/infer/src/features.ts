import { InvalidArgumentError, type ModelMetadata, type Tensor } from '@instr/core';
import { modelInputBatch, resample, windowAudio } from '@instr/dsp';

/** Model input of every window of one clip, with where each window sits in the clip. */
export interface FeatureWindows {
  /** `[windows, 1, nMels, frames]`, normalised as the model expects. */
  features: Tensor<'float32'>;
  /** Number of windows. */
  count: number;
  /** Start and end of each window's real content, in seconds. */
  spans: { start: number; end: number }[];
}

/** Window settings in seconds, as in {@link ModelMetadata.window}. */
export interface WindowSeconds {
  seconds: number;
  hopSeconds: number;
  padding: 'zero' | 'repeat' | 'reflect' | 'drop';
}

/**
 * Resamples mono audio to the model's rate, cuts it into model windows and computes their features
 * with `@instr/dsp`'s `modelInputBatch` — the same code training uses.
 */
export function featureWindows(
  mono: Float32Array,
  sampleRate: number,
  meta: ModelMetadata,
  window: WindowSeconds,
): FeatureWindows {
  if (!(window.seconds > 0) || !(window.hopSeconds > 0)) {
    throw new InvalidArgumentError(
      `Window length and hop must be > 0 s, got ${window.seconds} and ${window.hopSeconds}.`,
      { details: { key: 'windowSeconds' } },
    );
  }
  const sr = meta.sampleRate;
  const samples = sampleRate === sr ? mono : resample(mono, sampleRate, sr);
  const length = Math.round(window.seconds * sr);
  const hop = Math.max(1, Math.round(window.hopSeconds * sr));
  // 'drop' would leave a clip shorter than one window with nothing to classify: repeat it instead.
  const padding = window.padding === 'drop' && samples.length < length ? 'repeat' : window.padding;
  const cut = windowAudio(samples, { length, hop, padding });
  return {
    features: modelInputBatch(cut.tensor, meta),
    count: cut.spans.length,
    spans: cut.spans.map((s) => ({ start: s.start / sr, end: s.end / sr })),
  };
}
