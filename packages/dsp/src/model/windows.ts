import { InvalidArgumentError, type ModelMetadata, type Tensor, type WindowSpec } from '@instr/core';
import { type ResampleOptions, resample } from '../signal/resample.js';
import { type WindowSpan, windowAudio } from '../signal/windows.js';
import { modelInputBatch } from './index.js';

/**
 * Options of {@link modelInputWindows}.
 * @example
 * ```ts
 * const o: ModelInputWindowsOptions = { window: { hopSeconds: 0.5 } }; // denser windows than the model's
 * ```
 */
export interface ModelInputWindowsOptions {
  /** Window settings used instead of `meta.window` (each field defaults to the metadata's). */
  window?: Partial<WindowSpec>;
  /** Options of the resampler when `sampleRate` differs from `meta.sampleRate` (default: `resample`'s). */
  resample?: ResampleOptions;
}

/**
 * What {@link modelInputWindows} returns.
 * @example
 * ```ts
 * const { features, count, spans, times }: ModelInputWindows = modelInputWindows(y, 44100, meta);
 * ```
 */
export interface ModelInputWindows {
  /** `[windows, 1, nMels, frames]` model inputs, normalised by `meta.normalization`. */
  features: Tensor<'float32'>;
  /** Number of windows (at least one for non-empty audio). */
  count: number;
  /**
   * Samples `[start, end)` of each window's real content **at `meta.sampleRate`** (after resampling), and whether
   * the window was completed by padding (`windowAudio`'s spans).
   */
  spans: WindowSpan[];
  /** Start and end of each window's real content in seconds (`spans / meta.sampleRate`). */
  times: { start: number; end: number }[];
}

/**
 * Audio → model input windows: the **one** implementation training's validation (`@instr/train`, pipeline
 * `windows: 'model'`) and inference (`@instr/infer` `Classifier`) both run, so a file is scored the same way in
 * both. Steps:
 * 1. resample `samples` from `sampleRate` to `meta.sampleRate` (skipped when equal);
 * 2. cut windows with {@link windowAudio}: `round(seconds · sr)` samples every `max(1, round(hopSeconds · sr))`
 *    samples, the window's padding policy for the last window — except that `'drop'` becomes `'repeat'` for a clip
 *    shorter than one window, which would otherwise have nothing to classify;
 * 3. {@link modelInputBatch}: the log-mel of each window (`meta.features`), then `(x − mean) / std`.
 *
 * @param samples Mono audio at `sampleRate`.
 * @param sampleRate Rate of `samples` in Hz.
 * @param meta The model's metadata (`sampleRate`, `features`, `normalization`, `window`).
 * Empty audio at the model's rate gives zero windows (`count` 0, an empty batch) rather than an error, so callers
 * decide what an empty file means (training's pipeline raises a `DatasetError`; `@instr/infer` never gets there
 * because `Audio` cannot be empty).
 *
 * @throws InvalidArgumentError (`details.key` `'window'`) for a window or hop ≤ 0 s; the errors of `resample`,
 * `windowAudio` and `modelInputBatch` otherwise (bad sample rates, NaN/∞ samples, a window shorter than one
 * frame, bad normalisation).
 * @example
 * ```ts
 * const meta = await readModelMetadata('model.onnx'); // @instr/infer
 * const { features, count, times } = modelInputWindows(mono44k, 44100, meta);
 * // features: [count, 1, nMels, frames]; times[i] = { start, end } in seconds
 * ```
 */
export function modelInputWindows(
  samples: Float32Array,
  sampleRate: number,
  meta: Pick<ModelMetadata, 'sampleRate' | 'features' | 'normalization' | 'window'>,
  options: ModelInputWindowsOptions = {},
): ModelInputWindows {
  const w = options.window ?? {};
  const seconds = w.seconds ?? meta.window?.seconds;
  const hopSeconds = w.hopSeconds ?? meta.window?.hopSeconds;
  const padding = w.padding ?? meta.window?.padding;
  if (!((seconds as number) > 0) || !((hopSeconds as number) > 0)) {
    throw new InvalidArgumentError(
      `modelInputWindows: window length and hop must be > 0 s, got ${seconds} and ${hopSeconds}.`,
      { details: { key: 'window', expected: '> 0 s', actual: { seconds, hopSeconds } } },
    );
  }
  const sr = meta.sampleRate;
  const y = sampleRate === sr ? samples : resample(samples, sampleRate, sr, options.resample);
  const length = Math.round(seconds! * sr);
  const hop = Math.max(1, Math.round(hopSeconds! * sr));
  // 'drop' would leave a clip shorter than one window with nothing to classify: repeat it instead.
  const policy = padding === 'drop' && y.length < length ? 'repeat' : padding;
  const cut = windowAudio(y, { length, hop, padding: policy });
  return {
    features: modelInputBatch(cut.tensor, meta),
    count: cut.spans.length,
    spans: cut.spans,
    times: cut.spans.map((s) => ({ start: s.start / sr, end: s.end / sr })),
  };
}
