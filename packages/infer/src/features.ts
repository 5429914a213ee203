import type { ModelMetadata, Tensor, WindowSpec } from '@instr/core';
import { modelInputWindows } from '@instr/dsp';

/**
 * Model input of every window of one clip, with where each window sits in the clip.
 * @example
 * ```ts
 * const { features, count, spans }: FeatureWindows = featureWindows(mono, 44100, meta, meta.window);
 * ```
 */
export interface FeatureWindows {
  /** `[windows, 1, nMels, frames]`, normalised as the model expects. */
  features: Tensor<'float32'>;
  /** Number of windows. */
  count: number;
  /** Start and end of each window's real content, in seconds. */
  spans: { start: number; end: number }[];
}

/**
 * Window settings in seconds, as in {@link ModelMetadata.window} (`@instr/core`'s `WindowSpec`).
 * @example
 * ```ts
 * const w: WindowSeconds = { seconds: 3, hopSeconds: 1.5, padding: 'repeat' };
 * ```
 */
export type WindowSeconds = WindowSpec;

/**
 * Resamples mono audio to the model's rate, cuts it into model windows and computes their features.
 * A thin alias of `@instr/dsp`'s `modelInputWindows(mono, sampleRate, meta, { window })` — the one
 * implementation training's validation runs too — returning the window times in seconds as `spans`.
 * New code can call `modelInputWindows` directly (it also returns the spans in samples).
 * @throws InvalidArgumentError for a window or hop ≤ 0 s (`details.key` `'window'`), and the errors of
 * `modelInputWindows`.
 * @example
 * ```ts
 * const { features, count, spans } = featureWindows(mono, 44100, meta, meta.window);
 * ```
 */
export function featureWindows(
  mono: Float32Array,
  sampleRate: number,
  meta: ModelMetadata,
  window: WindowSeconds,
): FeatureWindows {
  const r = modelInputWindows(mono, sampleRate, meta, { window });
  return { features: r.features, count: r.count, spans: r.times };
}
