import { InvalidArgumentError, type Tensor } from '@instr/core';
import { checkFinite, checkInt, checkMatrix, checkPositive, checkSignal } from './validate.js';

const fr = Math.fround;
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * How {@link onsetStrengthFromSpectrogram} combines the per-bin differences of one frame.
 * @example
 * ```ts
 * onsetStrengthFromSpectrogram(melDb, { aggregate: 'median' });
 * ```
 */
export type OnsetAggregate = 'mean' | 'median';

/**
 * Options of {@link onsetStrengthFromSpectrogram}; defaults are `librosa.onset.onset_strength`'s.
 * @example
 * ```ts
 * onsetStrengthFromSpectrogram(melDb, { lag: 2, maxSize: 3 }); // SuperFlux-style
 * ```
 */
export interface OnsetStrengthOptions {
  /** Time lag (frames) of the difference. Default 1. */
  lag?: number;
  /** Size of the maximum filter across frequency applied to the reference (SuperFlux). Default 1 (off). */
  maxSize?: number;
  /** Remove the DC component with `lfilter([1, -1], [1, -0.99])`. Default false. */
  detrend?: boolean;
  /** Shift the envelope so that it lines up with centred STFT frames. Default true. */
  center?: boolean;
  /** FFT size used for the spectrogram (only for the centring shift). Default 2048. */
  nFft?: number;
  /** Hop length of the spectrogram (only for the centring shift). Default 512. */
  hopLength?: number;
  /** Across-bin aggregation. Default `'mean'` (`librosa.beat.beat_track` uses `'median'`). */
  aggregate?: OnsetAggregate;
}

/**
 * Spectral-flux onset strength from a log-power spectrogram `[bins, frames]` (for librosa's default, a
 * 128-band mel spectrogram in dB from `powerToDb`), as `librosa.onset.onset_strength(S=...)`:
 * `mean_f max(0, S[f, t] - ref[f, t - lag])`, padded in front by `lag + nFft / (2·hop)` zeros when centred
 * and trimmed to the number of frames. Float32 input is aggregated with float32 rounding like NumPy.
 *
 * @example
 * ```ts
 * const env = onsetStrengthFromSpectrogram(melDb); // Float32Array, one value per frame
 * ```
 * @throws {@link ShapeError} / {@link NonFiniteError} for a bad spectrogram, {@link InvalidArgumentError}
 *   for lag, maxSize, nFft or hopLength < 1.
 */
export function onsetStrengthFromSpectrogram(S: Tensor, options: OnsetStrengthOptions = {}): Float32Array {
  const fn = 'onsetStrengthFromSpectrogram';
  checkMatrix(fn, S);
  const lag = options.lag ?? 1;
  const maxSize = options.maxSize ?? 1;
  const nFft = options.nFft ?? 2048;
  const hop = options.hopLength ?? 512;
  checkInt(fn, 'lag', lag, 1);
  checkInt(fn, 'maxSize', maxSize, 1);
  checkInt(fn, 'nFft', nFft, 1);
  checkInt(fn, 'hopLength', hop, 1);
  const aggregate = options.aggregate ?? 'mean';
  if (aggregate !== 'mean' && aggregate !== 'median') {
    throw new InvalidArgumentError(`${fn}: aggregate must be 'mean' or 'median', got ${String(aggregate)}.`, {
      details: { key: 'aggregate', expected: ['mean', 'median'], actual: aggregate },
    });
  }
  const [bins, frames] = S.dims as [number, number];
  const s = S.data as Float32Array | Float64Array;
  const f32 = S.dtype === 'float32';
  const round = f32 ? fr : (v: number) => v;
  // Reference: S itself, or its maximum over `maxSize` neighbouring bins (scipy maximum_filter1d, reflect).
  let ref: ArrayLike<number> = s;
  if (maxSize > 1) {
    const r = new Float64Array(s.length);
    const left = Math.floor(maxSize / 2);
    for (let t = 0; t < frames; t++) {
      for (let f = 0; f < bins; f++) {
        let m = Number.NEGATIVE_INFINITY;
        for (let k = -left; k < maxSize - left; k++) {
          m = Math.max(m, s[reflect(f + k, bins) * frames + t]!);
        }
        r[f * frames + t] = m;
      }
    }
    ref = r;
  }
  const nDiff = Math.max(frames - lag, 0);
  const env = new Float64Array(nDiff);
  const column = new Float64Array(bins);
  for (let t = 0; t < nDiff; t++) {
    for (let f = 0; f < bins; f++) {
      const d = round(s[f * frames + t + lag]! - ref[f * frames + t]!);
      column[f] = Math.max(d, 0);
    }
    if (aggregate === 'mean') {
      let acc = 0;
      for (let f = 0; f < bins; f++) acc = round(acc + column[f]!);
      env[t] = round(acc / bins);
    } else {
      column.sort();
      const mid = bins >> 1;
      env[t] = bins % 2 === 1 ? column[mid]! : round(round(column[mid - 1]! + column[mid]!) / 2);
    }
  }
  const center = options.center ?? true;
  const padWidth = lag + (center ? Math.floor(nFft / (2 * hop)) : 0);
  let out = new Float64Array(nDiff + padWidth);
  out.set(env, padWidth);
  if (options.detrend) {
    // y[n] = x[n] - x[n-1] + 0.99 y[n-1]
    let prevX = 0;
    let prevY = 0;
    for (let i = 0; i < out.length; i++) {
      const y = round(round(out[i]! - prevX) + round(0.99 * prevY));
      prevX = out[i]!;
      out[i] = y;
      prevY = y;
    }
  }
  if (center) out = out.subarray(0, frames);
  return Float32Array.from(out);
}

function reflect(i: number, n: number): number {
  if (n === 1) return 0;
  const p = 2 * n;
  let j = ((i % p) + p) % p;
  if (j >= n) j = p - 1 - j;
  return j;
}

/**
 * Parameters of {@link peakPick} (librosa `util.peak_pick`), all in frames except `delta`.
 * @example
 * ```ts
 * peakPick(env, { preMax: 3, postMax: 3, preAvg: 3, postAvg: 5, delta: 0.5, wait: 10 });
 * ```
 */
export interface PeakPickOptions {
  /** Frames before `n` over which the maximum is taken. */
  preMax: number;
  /** Frames after `n` over which the maximum is taken (the window is `[n - preMax, n + postMax)`). */
  postMax: number;
  /** Frames before `n` over which the mean is taken. */
  preAvg: number;
  /** Frames after `n` over which the mean is taken (`[n - preAvg, n + postAvg)`). */
  postAvg: number;
  /** Threshold offset above the local mean. */
  delta: number;
  /** Frames to skip after a peak. */
  wait: number;
}

/**
 * Heuristic peak picker of Böck et al. (2012), as `librosa.util.peak_pick`: `x[n]` is a peak if it is the
 * maximum of `x[n - preMax : n + postMax]`, at least `delta` above the mean of `x[n - preAvg : n + postAvg]`,
 * and more than `wait` frames after the previous peak. Window sizes are rounded up to integers.
 *
 * @example
 * ```ts
 * const peaks = peakPick(env, { preMax: 3, postMax: 3, preAvg: 3, postAvg: 5, delta: 0.5, wait: 10 });
 * ```
 * @throws {@link InvalidAudioError} for an empty array, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for negative windows or `preMax + postMax < 1`.
 */
export function peakPick(x: ArrayLike<number>, options: PeakPickOptions): Int32Array {
  const fn = 'peakPick';
  checkSignal(fn, x, 1, 'x');
  const preMax = Math.ceil(options.preMax);
  const postMax = Math.ceil(options.postMax);
  const preAvg = Math.ceil(options.preAvg);
  const postAvg = Math.ceil(options.postAvg);
  const wait = Math.ceil(options.wait);
  checkInt(fn, 'preMax', preMax, 0);
  checkInt(fn, 'postMax', postMax, 1);
  checkInt(fn, 'preAvg', preAvg, 0);
  checkInt(fn, 'postAvg', postAvg, 1);
  checkInt(fn, 'wait', wait, 0);
  checkFinite(fn, 'delta', options.delta);
  const n = x.length;
  const peaks: number[] = [];
  const mean = (a: number, b: number) => {
    let s = 0;
    for (let i = a; i < b; i++) s += x[i]!;
    return s / (b - a);
  };
  const max = (a: number, b: number) => {
    let m = Number.NEGATIVE_INFINITY;
    for (let i = a; i < b; i++) m = Math.max(m, x[i]!);
    return m;
  };
  let i = 0;
  // The first frame only looks forward.
  if (x[0]! >= max(0, Math.min(postMax, n)) && x[0]! >= mean(0, Math.min(postAvg, n)) + options.delta) {
    peaks.push(0);
    i = wait + 1;
  } else {
    i = 1;
  }
  while (i < n) {
    if (x[i]! !== max(Math.max(0, i - preMax), Math.min(i + postMax, n))) {
      i++;
      continue;
    }
    if (!(x[i]! >= mean(Math.max(0, i - preAvg), Math.min(i + postAvg, n)) + options.delta)) {
      i++;
      continue;
    }
    peaks.push(i);
    i += wait + 1;
  }
  return Int32Array.from(peaks);
}

/**
 * Options of {@link onsetDetectFromEnvelope}; defaults are `librosa.onset.onset_detect`'s.
 * @example
 * ```ts
 * onsetDetectFromEnvelope(env, 22050, { delta: 0.2, backtrack: true });
 * ```
 */
export interface OnsetDetectOptions extends Partial<PeakPickOptions> {
  /** Hop length of the envelope in samples (sets the default peak-picking windows). Default 512. */
  hopLength?: number;
  /** Rescale the envelope to [0, 1] before peak picking. Default true. */
  normalize?: boolean;
  /** Move each onset back to the preceding local minimum of `energy` (default: the envelope). Default false. */
  backtrack?: boolean;
  /** Energy function for backtracking, one value per frame. */
  energy?: ArrayLike<number>;
}

/**
 * Onset frames from an onset-strength envelope, as `librosa.onset.onset_detect(onset_envelope=...)`:
 * optional min–max normalisation, then {@link peakPick} with librosa's defaults (in frames at
 * `sampleRate / hopLength`): preMax = 30 ms, postMax = 0 ms + 1, preAvg = 100 ms, postAvg = 100 ms + 1,
 * wait = 30 ms, delta = 0.07; each window is `floor(seconds · sampleRate / hopLength)` frames.
 * Returns frame indices; multiply by `hopLength / sampleRate` for seconds.
 *
 * @example
 * ```ts
 * const frames = onsetDetectFromEnvelope(onsetStrength(y, 22050), 22050);
 * const seconds = Array.from(frames, (f) => (f * 512) / 22050);
 * ```
 * @throws {@link InvalidAudioError} for an empty envelope, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for a bad rate or hop.
 */
export function onsetDetectFromEnvelope(
  envelope: ArrayLike<number>,
  sampleRate: number,
  options: OnsetDetectOptions = {},
): Int32Array {
  const fn = 'onsetDetectFromEnvelope';
  checkSignal(fn, envelope, 1, 'envelope');
  checkPositive(fn, 'sampleRate', sampleRate);
  const hop = options.hopLength ?? 512;
  checkInt(fn, 'hopLength', hop, 1);
  const env: Float64Array = Float64Array.from(envelope);
  if (options.normalize ?? true) {
    // float32 arithmetic, as librosa on a float32 envelope
    let min = Number.POSITIVE_INFINITY;
    for (const v of env) min = Math.min(min, v);
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < env.length; i++) {
      env[i] = fr(env[i]! - min);
      max = Math.max(max, env[i]!);
    }
    const denom = fr(max + FLOAT32_TINY);
    for (let i = 0; i < env.length; i++) env[i] = fr(env[i]! / denom);
  }
  if (!env.some((v) => v !== 0)) return new Int32Array(0);
  const frames = (seconds: number) => Math.floor((seconds * sampleRate) / hop);
  const peaks = peakPick(env, {
    preMax: options.preMax ?? frames(0.03),
    postMax: options.postMax ?? frames(0.0) + 1,
    preAvg: options.preAvg ?? frames(0.1),
    postAvg: options.postAvg ?? frames(0.1) + 1,
    wait: options.wait ?? frames(0.03),
    delta: options.delta ?? 0.07,
  });
  if (!options.backtrack) return peaks;
  const energy = options.energy ?? envelope;
  if (options.energy) checkSignal(fn, options.energy, env.length, 'energy');
  return onsetBacktrack(peaks, energy);
}

/**
 * Moves each onset to the closest preceding local minimum of `energy`, as `librosa.onset.onset_backtrack`.
 *
 * @example
 * ```ts
 * const starts = onsetBacktrack(onsets, rmsPerFrame);
 * ```
 * @throws {@link InvalidAudioError} / {@link NonFiniteError} for a bad energy array.
 */
export function onsetBacktrack(events: ArrayLike<number>, energy: ArrayLike<number>): Int32Array {
  checkSignal('onsetBacktrack', energy, 1, 'energy');
  for (let e = 0; e < events.length; e++) {
    const ev = events[e]!;
    if (!Number.isInteger(ev) || ev < 0 || ev >= energy.length) {
      throw new InvalidArgumentError(
        `onsetBacktrack: event ${e} is ${ev}, not a frame index in [0, ${energy.length}) of energy.`,
        { details: { key: 'events', index: e, expected: `integer in [0, ${energy.length})`, actual: ev } },
      );
    }
  }
  const minima: number[] = [0];
  for (let i = 1; i + 1 < energy.length; i++) {
    if (energy[i]! <= energy[i - 1]! && energy[i]! < energy[i + 1]!) minima.push(i);
  }
  const out = new Int32Array(events.length);
  for (let e = 0; e < events.length; e++) {
    const ev = events[e]!;
    let best = 0;
    for (const m of minima) if (m <= ev) best = m;
    out[e] = best;
  }
  return out;
}
