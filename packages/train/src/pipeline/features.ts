import { type FeatureSpec, InvalidArgumentError, type ModelMetadata, Tensor } from '@instr/core';
import {
  featureSpecOptions,
  type LogMelSpectrogramOptions,
  logMelSpectrogram,
  modelInputWindows,
} from '@instr/dsp';

/**
 * The `@instr/dsp` `logMelSpectrogram` options of a {@link FeatureSpec} (model metadata) at `sampleRate`.
 * @example
 * ```ts
 * const opts = logMelOptions(meta.features, meta.sampleRate);
 * const mel = logMelSpectrogram(y, opts); // [nMels, frames]
 * ```
 */
export function logMelOptions(spec: FeatureSpec, sampleRate: number): LogMelSpectrogramOptions {
  // One mapping for training and inference: @instr/dsp's, which @instr/infer uses too.
  return featureSpecOptions(spec, sampleRate);
}

/**
 * Samples of audio that give exactly `frames` feature frames: `(frames − 1) · hop` with centred frames,
 * `nFft + (frames − 1) · hop` without.
 * @example
 * ```ts
 * windowSamples(spec, 128); // 65024 for hop 512, center true
 * ```
 */
export function windowSamples(spec: FeatureSpec, frames: number): number {
  if (!Number.isInteger(frames) || frames < 1) {
    throw new InvalidArgumentError(`frames must be a positive integer, got ${frames}.`, {
      details: { key: 'frames', actual: frames },
    });
  }
  return spec.center ? (frames - 1) * spec.hopLength : spec.nFft + (frames - 1) * spec.hopLength;
}

/**
 * Frames of the log-mel of a `seconds`-long window at `sampleRate` (what inference computes for a model
 * window of the metadata's `window.seconds`): `1 + ⌊n / hop⌋` centred, `1 + ⌊(n − nFft) / hop⌋` otherwise,
 * with `n = round(seconds · sampleRate)`.
 * @example
 * ```ts
 * const frames = framesForSeconds(meta.features, meta.sampleRate, meta.window.seconds); // 3 s, 22050 Hz, hop 512 → 130
 * ```
 */
export function framesForSeconds(spec: FeatureSpec, sampleRate: number, seconds: number): number {
  const n = Math.round(seconds * sampleRate);
  const frames = spec.center
    ? 1 + Math.floor(n / spec.hopLength)
    : 1 + Math.floor((n - spec.nFft) / spec.hopLength);
  if (!(frames >= 1) || !Number.isFinite(frames)) {
    throw new InvalidArgumentError(`A ${seconds} s window at ${sampleRate} Hz is shorter than one frame.`, {
      details: { key: 'seconds', actual: seconds },
    });
  }
  return frames;
}

/**
 * How a segment shorter than the window is filled: zeros after it, or repeats of it (the reference's chunk padding).
 * @example
 * ```ts
 * segment(y, 0, 66150, 'zero' satisfies SegmentPadding);
 * ```
 */
export type SegmentPadding = 'zero' | 'repeat';

/**
 * `length` samples of `y` from `start`, padded at the end when `y` is too short.
 * @example
 * ```ts
 * const seg = segment(y, 0, 66150, 'repeat');
 * ```
 */
export function segment(y: Float32Array, start: number, length: number, pad: SegmentPadding): Float32Array {
  if (start + length <= y.length) return y.subarray(start, start + length);
  const out = new Float32Array(length);
  const head = y.subarray(start);
  out.set(head);
  if (pad === 'repeat' && head.length > 0) {
    for (let o = head.length; o < length; o += head.length)
      out.set(head.subarray(0, Math.min(head.length, length - o)), o);
  }
  return out;
}

/**
 * Log-mel of `y` with exactly `frames` frames (`[nMels, frames]`, cropped or padded with the minimum when
 * the STFT framing gives one more or fewer).
 * @example
 * ```ts
 * const mel = logMelFrames(seg, spec, 22050, 128);
 * ```
 */
export function logMelFrames(
  y: Float32Array,
  spec: FeatureSpec,
  sampleRate: number,
  frames: number,
): Tensor<'float32'> {
  const mel = logMelSpectrogram(y, logMelOptions(spec, sampleRate));
  const [m, t] = mel.dims as [number, number];
  if (t === frames) return mel;
  const out = new Float32Array(m * frames);
  let min = Number.POSITIVE_INFINITY;
  for (const v of mel.data) if (v < min) min = v;
  out.fill(Number.isFinite(min) ? min : 0);
  const k = Math.min(t, frames);
  for (let r = 0; r < m; r++) out.set(mel.data.subarray(r * t, r * t + k), r * frames);
  return new Tensor('float32', out, [m, frames]);
}

/**
 * Window starts covering `n` samples with windows of `length` and hop `hop` (the last window may run past
 * the end and is padded). At least one window.
 * @example
 * ```ts
 * windowStarts(100, 40, 40); // [0, 40, 80]
 * ```
 */
export function windowStarts(n: number, length: number, hop: number, dropShortLast = false): number[] {
  const starts = [0];
  for (let s = hop; s < n; s += hop) {
    if (dropShortLast && s + length > n) break;
    starts.push(s);
  }
  return starts;
}

/**
 * The model window of the metadata (`meta.window`): length and hop in seconds and how the last, short window
 * is filled (`'drop'` skips it, except in a clip shorter than one window, which is repeated — as `@instr/infer`).
 * @example
 * ```ts
 * const w: ModelWindow = { seconds: 3, hopSeconds: 1.5, padding: 'repeat' };
 * ```
 */
export type ModelWindow = ModelMetadata['window'];

/**
 * What {@link modelWindowInputs} returns.
 * @deprecated Use `@instr/dsp`'s `modelInputWindows`, whose result is `ModelInputWindows` (`features` for `x`,
 * plus the window times in seconds).
 * @example
 * ```ts
 * const { x, count, spans }: ModelWindowInputs = modelWindowInputs(y, meta);
 * ```
 */
export interface ModelWindowInputs {
  /** `[windows, 1, nMels, frames]` model inputs, normalised by `meta.normalization`. */
  x: Tensor<'float32'>;
  /** Number of windows. */
  count: number;
  /** Start and end (exclusive) of each window's real content, in samples at `meta.sampleRate`. */
  spans: { start: number; end: number }[];
}

/**
 * Every model window of a mono clip **exactly as inference cuts it** — `@instr/dsp`'s `modelInputWindows` for
 * samples already at `meta.sampleRate` (the pipeline resamples on load), which `@instr/infer` runs too.
 * @deprecated Call `modelInputWindows(samples, meta.sampleRate, meta)` from `@instr/dsp`; this alias stays for
 * existing code and returns the same numbers.
 * @throws InvalidArgumentError for a window or hop ≤ 0 s, or a window shorter than one STFT frame.
 * @example
 * ```ts
 * const { x, count } = modelWindowInputs(y22k, {
 *   sampleRate: 22050, features: spec, normalization: { mean: -40, std: 20 },
 *   window: { seconds: 3, hopSeconds: 1.5, padding: 'repeat' },
 * }); // x: [count, 1, nMels, 130]
 * ```
 */
export function modelWindowInputs(
  samples: Float32Array,
  meta: Pick<ModelMetadata, 'sampleRate' | 'features' | 'normalization' | 'window'>,
): ModelWindowInputs {
  const r = modelInputWindows(samples, meta.sampleRate, meta);
  return { x: r.features, count: r.count, spans: r.spans.map((s) => ({ start: s.start, end: s.end })) };
}
