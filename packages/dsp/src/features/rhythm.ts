import { InvalidArgumentError, Tensor } from '@instr/core';
import { checkInt, checkPositive, checkSignal } from './validate.js';

const fr = Math.fround;
const FLOAT32_TINY = 1.1754943508222875e-38;

/**
 * Options of {@link tempogram}; defaults are `librosa.feature.tempogram`'s.
 * @example
 * ```ts
 * tempogram(env, { winLength: 256, center: false });
 * ```
 */
export interface TempogramOptions {
  /** Autocorrelation window in frames. Default 384. */
  winLength?: number;
  /** Centre the windows (linear-ramp padding to zero at both ends). Default true. */
  center?: boolean;
  /** Normalise each column by its maximum absolute value (`norm=np.inf`); false = no normalisation. Default true. */
  normalize?: boolean;
}

/**
 * Autocorrelation tempogram of an onset envelope, as `librosa.feature.tempogram(onset_envelope=...)`:
 * each frame is a periodic-Hann-windowed slice of the (centred, linear-ramp padded) envelope, its
 * autocorrelation for lags `0 … winLength-1` is normalised by its maximum. Float64, `[winLength, frames]`.
 *
 * @example
 * ```ts
 * const tg = tempogram(env, { winLength: 384 }); // Tensor<'float64'> [384, env.length]
 * ```
 * @throws {@link InvalidAudioError} for an empty envelope, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for winLength < 1.
 */
export function tempogram(envelope: ArrayLike<number>, options: TempogramOptions = {}): Tensor<'float64'> {
  const fn = 'tempogram';
  checkSignal(fn, envelope, 1, 'envelope');
  const win = options.winLength ?? 384;
  checkInt(fn, 'winLength', win, 1);
  const center = options.center ?? true;
  const n = envelope.length;
  const f32 = envelope instanceof Float32Array;
  let padded: Float64Array;
  if (center) {
    const p = Math.floor(win / 2);
    padded = new Float64Array(n + 2 * p);
    // np.pad(mode='linear_ramp', end_values=0): linspace(0, edge, p, endpoint=False) on each side
    const first = envelope[0]!;
    const last = envelope[n - 1]!;
    for (let i = 0; i < p; i++) {
      const l = i * (first / p);
      const r = i * (last / p);
      padded[i] = f32 ? fr(l) : l;
      padded[n + 2 * p - 1 - i] = f32 ? fr(r) : r;
    }
    for (let i = 0; i < n; i++) padded[p + i] = envelope[i]!;
  } else {
    if (n < win) {
      checkSignal(fn, envelope, win, 'envelope');
    }
    padded = Float64Array.from(envelope);
  }
  const frames = center ? n : padded.length - win + 1;
  const window = new Float64Array(win);
  for (let i = 0; i < win; i++) window[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / win);
  const out = new Float64Array(win * frames);
  const seg = new Float64Array(win);
  const normalize = options.normalize ?? true;
  for (let t = 0; t < frames; t++) {
    for (let i = 0; i < win; i++) seg[i] = padded[t + i]! * window[i]!;
    let peak = 0;
    for (let lag = 0; lag < win; lag++) {
      const m = win - lag;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let i = 0;
      for (; i + 3 < m; i += 4) {
        s0 += seg[i]! * seg[i + lag]!;
        s1 += seg[i + 1]! * seg[i + 1 + lag]!;
        s2 += seg[i + 2]! * seg[i + 2 + lag]!;
        s3 += seg[i + 3]! * seg[i + 3 + lag]!;
      }
      for (; i < m; i++) s0 += seg[i]! * seg[i + lag]!;
      const s = s0 + s1 + (s2 + s3);
      out[lag * frames + t] = s;
      peak = Math.max(peak, Math.abs(s));
    }
    if (normalize && peak >= 2.2250738585072014e-308) {
      for (let lag = 0; lag < win; lag++) out[lag * frames + t]! /= peak;
    }
  }
  return new Tensor('float64', out, [win, frames]);
}

/**
 * BPM of each autocorrelation lag, as `librosa.tempo_frequencies` (lag 0 is `Infinity`).
 * @example
 * ```ts
 * tempoFrequencies(4, 22050); // [Infinity, 2583.98, 1291.99, 861.33]
 * ```
 */
export function tempoFrequencies(nBins: number, sampleRate: number, hopLength = 512): Float64Array {
  checkInt('tempoFrequencies', 'nBins', nBins, 1);
  checkPositive('tempoFrequencies', 'sampleRate', sampleRate);
  checkInt('tempoFrequencies', 'hopLength', hopLength, 1);
  const out = new Float64Array(nBins);
  out[0] = Number.POSITIVE_INFINITY;
  for (let k = 1; k < nBins; k++) out[k] = (60 * sampleRate) / (hopLength * k);
  return out;
}

/**
 * Options of {@link tempoFromEnvelope}; defaults are `librosa.feature.tempo`'s.
 * @example
 * ```ts
 * tempoFromEnvelope(env, 22050, { startBpm: 90, maxTempo: 200, aggregate: 'none' });
 * ```
 */
export interface TempoOptions {
  /** Hop length of the envelope in samples. Default 512. */
  hopLength?: number;
  /** Centre of the log-normal tempo prior. Default 120 BPM. */
  startBpm?: number;
  /** Standard deviation of the prior in octaves. Default 1. */
  stdBpm?: number;
  /** Autocorrelation window in seconds. Default 8. */
  acSize?: number;
  /** Ignore tempi at or above this (BPM); `null` = no limit. Default 320. */
  maxTempo?: number | null;
  /** `'mean'`: one global tempo from the time-averaged tempogram; `'none'`: one tempo per frame. Default `'mean'`. */
  aggregate?: 'mean' | 'none';
  /** Log-density of a custom prior over BPM (replaces the log-normal one), e.g. a uniform range. */
  logPrior?: (bpm: number) => number;
}

/**
 * Tempo estimate (BPM) from an onset envelope, as `librosa.feature.tempo(onset_envelope=...)`: the
 * autocorrelation {@link tempogram} over `acSize` seconds, averaged over time, weighted by a log-normal
 * prior `-0.5·((log2 bpm - log2 startBpm) / stdBpm)²` and limited to `maxTempo`; the best lag's BPM.
 * Returns one value (or one per frame with `aggregate: 'none'`).
 *
 * @example
 * ```ts
 * const [bpm] = tempoFromEnvelope(onsetStrength(y, 22050), 22050);
 * ```
 * @throws {@link InvalidAudioError} for an empty envelope, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for a bad rate, hop, startBpm, stdBpm, acSize or maxTempo.
 */
export function tempoFromEnvelope(
  envelope: ArrayLike<number>,
  sampleRate: number,
  options: TempoOptions = {},
): Float64Array {
  const fn = 'tempoFromEnvelope';
  checkSignal(fn, envelope, 1, 'envelope');
  checkPositive(fn, 'sampleRate', sampleRate);
  const hop = options.hopLength ?? 512;
  checkInt(fn, 'hopLength', hop, 1);
  const startBpm = options.startBpm ?? 120;
  const stdBpm = options.stdBpm ?? 1;
  const acSize = options.acSize ?? 8;
  checkPositive(fn, 'startBpm', startBpm);
  checkPositive(fn, 'stdBpm', stdBpm);
  checkPositive(fn, 'acSize', acSize);
  const maxTempo = options.maxTempo === undefined ? 320 : options.maxTempo;
  if (maxTempo !== null) checkPositive(fn, 'maxTempo', maxTempo);
  const aggregate = options.aggregate ?? 'mean';
  if (aggregate !== 'mean' && aggregate !== 'none') {
    throw new InvalidArgumentError(`${fn}: aggregate must be 'mean' or 'none', got ${String(aggregate)}.`, {
      details: { key: 'aggregate', actual: aggregate },
    });
  }
  // time_to_frames(ac_size): floor(ac_size * sr) // hop
  const win = Math.floor(Math.floor(acSize * sampleRate) / hop);
  if (win < 2) {
    throw new InvalidArgumentError(`${fn}: acSize ${acSize} s is shorter than two frames at hop ${hop}.`, {
      details: { key: 'acSize', actual: acSize },
    });
  }
  const tg = tempogram(envelope, { winLength: win });
  const frames = tg.dims[1]!;
  const bpms = tempoFrequencies(win, sampleRate, hop);
  const logPrior = new Float64Array(win);
  for (let k = 0; k < win; k++) {
    logPrior[k] = options.logPrior
      ? options.logPrior(bpms[k]!)
      : -0.5 * ((Math.log2(bpms[k]!) - Math.log2(startBpm)) / stdBpm) ** 2;
  }
  if (maxTempo !== null) {
    let maxIdx = 0;
    while (maxIdx < win && !(bpms[maxIdx]! < maxTempo)) maxIdx++;
    if (maxIdx === win) maxIdx = 0; // np.argmax of an all-false mask
    for (let k = 0; k < maxIdx; k++) logPrior[k] = Number.NEGATIVE_INFINITY;
  }
  const best = (column: (k: number) => number) => {
    let arg = 0;
    let val = Number.NEGATIVE_INFINITY;
    for (let k = 0; k < win; k++) {
      const v = Math.log1p(1e6 * column(k)) + logPrior[k]!;
      if (v > val) {
        val = v;
        arg = k;
      }
    }
    return bpms[arg]!;
  };
  const data = tg.data;
  if (aggregate === 'mean') {
    const mean = new Float64Array(win);
    for (let k = 0; k < win; k++) {
      let s = 0;
      for (let t = 0; t < frames; t++) s += data[k * frames + t]!;
      mean[k] = s / frames;
    }
    return Float64Array.of(best((k) => mean[k]!));
  }
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) out[t] = best((k) => data[k * frames + t]!);
  return out;
}

/**
 * Options of {@link beatTrackFromEnvelope}; defaults are `librosa.beat.beat_track`'s.
 * @example
 * ```ts
 * beatTrackFromEnvelope(env, 22050, { bpm: 128, tightness: 400, trim: false });
 * ```
 */
export interface BeatTrackOptions {
  /** Hop length of the envelope in samples. Default 512. */
  hopLength?: number;
  /** Prior tempo for the tempo estimate. Default 120 BPM. */
  startBpm?: number;
  /** How strictly beats follow the tempo. Default 100. */
  tightness?: number;
  /** Drop weak leading and trailing beats. Default true. */
  trim?: boolean;
  /** Use this tempo instead of estimating one with {@link tempoFromEnvelope}. */
  bpm?: number;
}

/**
 * Output of {@link beatTrackFromEnvelope}.
 * @example
 * ```ts
 * const { tempo, beats }: BeatTrackResult = beatTrack(y, 22050);
 * ```
 */
export interface BeatTrackResult {
  /** Global tempo in BPM (0 for an all-zero envelope). */
  tempo: number;
  /** Beat positions in frames. */
  beats: Int32Array;
}

/**
 * Dynamic-programming beat tracker (Ellis 2007), as `librosa.beat.beat_track(onset_envelope=...)`:
 * estimate the tempo, smooth the std-normalised envelope with a Gaussian of ±1 beat, run the DP with a
 * log-period transition penalty weighted by `tightness`, backtrack from the last strong peak and trim weak
 * beats at both ends. Note that `beat_track(y=...)` builds its envelope with a median across bins:
 * pass `onsetStrengthFromSpectrogram(S, { aggregate: 'median' })` (or use {@link beatTrack}).
 *
 * @example
 * ```ts
 * const { tempo, beats } = beatTrackFromEnvelope(env, 22050);
 * ```
 * @throws {@link InvalidAudioError} for an empty envelope, {@link NonFiniteError}, {@link InvalidArgumentError}
 *   for bad rate, hop, tightness or bpm.
 */
export function beatTrackFromEnvelope(
  envelope: ArrayLike<number>,
  sampleRate: number,
  options: BeatTrackOptions = {},
): BeatTrackResult {
  const fn = 'beatTrackFromEnvelope';
  checkSignal(fn, envelope, 1, 'envelope');
  checkPositive(fn, 'sampleRate', sampleRate);
  const hop = options.hopLength ?? 512;
  checkInt(fn, 'hopLength', hop, 1);
  const tightness = options.tightness ?? 100;
  checkPositive(fn, 'tightness', tightness);
  if (options.bpm !== undefined) checkPositive(fn, 'bpm', options.bpm);
  const n = envelope.length;
  let any = false;
  for (let i = 0; i < n; i++) if (envelope[i] !== 0) any = true;
  if (!any) return { tempo: 0, beats: new Int32Array(0) };
  const bpm =
    options.bpm ??
    tempoFromEnvelope(envelope, sampleRate, { hopLength: hop, startBpm: options.startBpm ?? 120 })[0]!;
  const frameRate = sampleRate / hop;
  const fpb = roundHalfEven((frameRate * 60) / bpm);
  if (fpb < 1) {
    throw new InvalidArgumentError(`${fn}: tempo ${bpm} BPM is faster than one beat per frame.`, {
      details: { key: 'bpm', actual: bpm },
    });
  }
  const f32 = envelope instanceof Float32Array;
  const round = f32 ? fr : (v: number) => v;

  // __normalize_onsets: divide by the (ddof=1) standard deviation
  let mean = 0;
  for (let i = 0; i < n; i++) mean += envelope[i]!;
  mean /= n;
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (envelope[i]! - mean) ** 2;
  const std = round(Math.sqrt(ss / (n - 1 || 1)));
  const denom = round(std + (f32 ? FLOAT32_TINY : 2.2250738585072014e-308));
  const onsets = new Float64Array(n);
  for (let i = 0; i < n; i++) onsets[i] = round(envelope[i]! / denom);

  // __beat_local_score: same-mode convolution with a Gaussian of ±fpb frames (librosa skips onsets[0])
  const K = 2 * fpb + 1;
  const window = new Float64Array(K);
  for (let k = 0; k < K; k++) window[k] = Math.exp(-0.5 * (((k - fpb) * 32.0) / fpb) ** 2);
  const half = K >> 1;
  const localscore = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    const kEnd = Math.min(i + half, K);
    for (let k = Math.max(0, i + half - n + 1); k < kEnd; k++)
      acc = round(acc + window[k]! * onsets[i + half - k]!);
    localscore[i] = acc;
  }

  // __beat_track_dp
  let maxScore = Number.NEGATIVE_INFINITY;
  for (const v of localscore) maxScore = Math.max(maxScore, v);
  const thresh = 0.01 * maxScore;
  const backlink = new Int32Array(n);
  const cumscore = new Float64Array(n);
  const fpbF = round(fpb);
  const logFpb = round(Math.log(fpbF));
  const tight = round(tightness);
  let firstBeat = true;
  const lookStart = roundHalfEven(fpbF / 2);
  for (let i = 0; i < n; i++) {
    let bestScore = Number.NEGATIVE_INFINITY;
    let beatLocation = -1;
    const stop = Math.trunc(i - 2 * fpbF - 1);
    for (let loc = i - lookStart; loc > stop; loc--) {
      if (loc < 0) break;
      const score = cumscore[loc]! - tight * (Math.log(i - loc) - logFpb) ** 2;
      if (score > bestScore) {
        bestScore = score;
        beatLocation = loc;
      }
    }
    const scoreI = localscore[i]!;
    cumscore[i] = round(beatLocation >= 0 ? scoreI + bestScore : scoreI);
    if (firstBeat && scoreI < thresh) {
      backlink[i] = -1;
    } else {
      backlink[i] = beatLocation;
      firstBeat = false;
    }
  }

  // __last_beat: last local maximum of cumscore at or above half the median of the local maxima
  const isMax = new Uint8Array(n);
  const peaks: number[] = [];
  for (let i = 0; i < n; i++) {
    const prev = cumscore[i === 0 ? 0 : i - 1]!;
    const next = cumscore[i === n - 1 ? n - 1 : i + 1]!;
    if (cumscore[i]! > prev && cumscore[i]! >= next) {
      isMax[i] = 1;
      peaks.push(cumscore[i]!);
    }
  }
  peaks.sort((a, b) => a - b);
  const m = peaks.length;
  const median = m === 0 ? Number.NaN : m % 2 ? peaks[m >> 1]! : (peaks[(m >> 1) - 1]! + peaks[m >> 1]!) / 2;
  const threshold = 0.5 * median;
  let tail = n - 1;
  for (let i = n - 1; i >= 0; i--) {
    if (isMax[i] && cumscore[i]! >= threshold) {
      tail = i;
      break;
    }
  }
  const beatMask = new Uint8Array(n);
  for (let b = tail; b >= 0; b = backlink[b]!) beatMask[b] = 1;

  // __trim_beats: threshold = 0.5 · RMS of the Hann(5)-smoothed local score at the beats
  const trim = options.trim ?? true;
  let threshTrim = 0;
  if (trim) {
    const atBeats: number[] = [];
    for (let i = 0; i < n; i++) if (beatMask[i]) atBeats.push(localscore[i]!);
    const w = [0, 0.5, 1, 0.5, 0];
    // np.convolve(full)[2 : n + 2] keeps nBeats + 2 values (n >= nBeats): the two trailing tail values count.
    const len = Math.min(atBeats.length + 4, n + 2) - 2;
    let acc = 0;
    for (let j = 0; j < len; j++) {
      let s = 0;
      for (let k = 0; k < 5; k++) {
        const src = j + 2 - k;
        if (src >= 0 && src < atBeats.length) s += w[k]! * atBeats[src]!;
      }
      acc += s * s;
    }
    threshTrim = 0.5 * Math.sqrt(acc / len);
  }
  for (let i = 0; i < n && localscore[i]! <= threshTrim; i++) beatMask[i] = 0;
  for (let i = n - 1; i >= 0 && localscore[i]! <= threshTrim; i--) beatMask[i] = 0;
  const beats: number[] = [];
  for (let i = 0; i < n; i++) if (beatMask[i]) beats.push(i);
  return { tempo: bpm, beats: Int32Array.from(beats) };
}

/** Python/NumPy rounding: halves go to the even neighbour. */
function roundHalfEven(v: number): number {
  const f = Math.floor(v);
  const d = v - f;
  if (d > 0.5) return f + 1;
  if (d < 0.5) return f;
  return f % 2 === 0 ? f : f + 1;
}
