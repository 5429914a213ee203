import { InvalidArgumentError, Tensor } from '@instr/core';
import { powerToDb } from './db.js';
import { fftFrequencies } from './mel.js';
import { paddedSample, type PadMode, spectrogram, type StftOptions } from './stft.js';
import {
  checkFinite,
  checkInt,
  checkMatrix,
  checkPositive,
  checkSampleRate,
  checkSignal,
  type Signal,
} from './util.js';

const f32 = Math.fround;

/**
 * Options shared by the spectral features: the STFT options and the sample rate.
 *
 * @example
 * ```ts
 * spectralCentroid(y, { sampleRate: 22050, nFft: 1024, hopLength: 256 });
 * ```
 */
export interface SpectralFeatureOptions extends StftOptions {
  /** Sample rate in Hz. Required. */
  sampleRate: number;
}

type Spectral = { S: Float32Array | Float64Array; bins: number; frames: number; nFft: number };

/** Magnitude spectrogram of `input` (a signal), or `input` itself when it is already a spectrogram Tensor. */
function magnitude(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: StftOptions,
  fn: string,
): Spectral {
  if (input instanceof Tensor) {
    checkMatrix(input, fn);
    const bins = input.dims[0]!;
    checkFinite(input.data, fn, 'S');
    for (let i = 0; i < input.data.length; i++) {
      if (input.data[i]! < 0) {
        throw new InvalidArgumentError(
          `${fn}: the spectrogram must be non-negative (value ${input.data[i]} at ${i}).`,
          {
            details: { key: 'S', index: i, actual: input.data[i] },
          },
        );
      }
    }
    return { S: input.data, bins, frames: input.dims[1]!, nFft: options.nFft ?? 2 * (bins - 1) };
  }
  const S = spectrogram(input, { ...options, power: 1 });
  return { S: S.data, bins: S.dims[0]!, frames: S.dims[1]!, nFft: options.nFft ?? 2048 };
}

function freqsFor(sp: Spectral, sr: number, fn: string): Float64Array {
  const f = fftFrequencies(sr, sp.nFft);
  if (f.length !== sp.bins) {
    throw new InvalidArgumentError(
      `${fn}: the spectrogram has ${sp.bins} bins but nFft ${sp.nFft} gives ${f.length}.`,
      {
        details: { key: 'nFft', expected: f.length, actual: sp.bins },
      },
    );
  }
  return f;
}

/**
 * Spectral centroid per frame, like `librosa.feature.spectral_centroid(y=y, sr=…, n_fft=2048, hop_length=512,
 * window='hann', center=True, pad_mode='constant')`: float64 `[1, frames]` (librosa returns float64 too).
 * Pass a magnitude spectrogram Tensor instead of `y` to skip the STFT.
 * @example
 * ```ts
 * const c = spectralCentroid(y, { sampleRate: 22050 }); // Hz
 * ```
 */
export function spectralCentroid(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: SpectralFeatureOptions,
): Tensor<'float64'> {
  const fn = 'spectralCentroid';
  const sr = checkSampleRate(options?.sampleRate, fn);
  const sp = magnitude(input, options, fn);
  const freq = freqsFor(sp, sr, fn);
  return new Tensor('float64', centroidOf(sp, freq), [1, sp.frames]);
}

function centroidOf(sp: Spectral, freq: Float64Array): Float64Array {
  const { S, bins, frames } = sp;
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    let sum = 0;
    let wsum = 0;
    for (let k = 0; k < bins; k++) {
      const v = S[k * frames + t]!;
      sum += v;
      wsum += v * freq[k]!;
    }
    out[t] = sum < 1.1754943508222875e-38 ? 0 : wsum / sum;
  }
  return out;
}

/**
 * Options of {@link spectralBandwidth}.
 *
 * @example
 * ```ts
 * spectralBandwidth(y, { sampleRate: 22050, p: 2, norm: true });
 * ```
 */
export interface SpectralBandwidthOptions extends SpectralFeatureOptions {
  /** Order of the deviation. Default 2. */
  p?: number;
  /** Normalise each frame to unit sum first. Default true. */
  norm?: boolean;
}

/**
 * p-th order spectral bandwidth, like `librosa.feature.spectral_bandwidth(y=y, sr=…, centroid=None, norm=True,
 * p=2)`: `(Σ S·|f − centroid|^p)^(1/p)`, float64 `[1, frames]`.
 * @example
 * ```ts
 * const bw = spectralBandwidth(y, { sampleRate: 22050, p: 2 });
 * ```
 */
export function spectralBandwidth(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: SpectralBandwidthOptions,
): Tensor<'float64'> {
  const fn = 'spectralBandwidth';
  const sr = checkSampleRate(options?.sampleRate, fn);
  const p = checkPositive(options.p ?? 2, fn, 'p');
  const sp = magnitude(input, options, fn);
  const freq = freqsFor(sp, sr, fn);
  const cen = centroidOf(sp, freq);
  const { S, bins, frames } = sp;
  const out = new Float64Array(frames);
  const doNorm = options.norm ?? true;
  for (let t = 0; t < frames; t++) {
    let sum = 0;
    if (doNorm) for (let k = 0; k < bins; k++) sum += S[k * frames + t]!;
    const scale = !doNorm || sum < 1.1754943508222875e-38 ? 1 : 1 / sum;
    let acc = 0;
    for (let k = 0; k < bins; k++) acc += S[k * frames + t]! * scale * Math.abs(freq[k]! - cen[t]!) ** p;
    out[t] = acc ** (1 / p);
  }
  return new Tensor('float64', out, [1, frames]);
}

/**
 * Options of {@link spectralRolloff}.
 *
 * @example
 * ```ts
 * spectralRolloff(y, { sampleRate: 22050, rollPercent: 0.85 });
 * ```
 */
export interface SpectralRolloffOptions extends SpectralFeatureOptions {
  /** Fraction of the energy below the roll-off frequency, in (0, 1). Default 0.85. */
  rollPercent?: number;
}

/**
 * Roll-off frequency: the lowest bin centre below which `rollPercent` of the frame's magnitude lies, like
 * `librosa.feature.spectral_rolloff(y=y, sr=…, roll_percent=0.85)`. float64 `[1, frames]`. The cumulative sum
 * is accumulated in float32 as numpy does, so the selected bin matches librosa's.
 * @example
 * ```ts
 * const r = spectralRolloff(y, { sampleRate: 22050, rollPercent: 0.85 });
 * ```
 */
export function spectralRolloff(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: SpectralRolloffOptions,
): Tensor<'float64'> {
  const fn = 'spectralRolloff';
  const sr = checkSampleRate(options?.sampleRate, fn);
  const pct = options.rollPercent ?? 0.85;
  if (!(pct > 0 && pct < 1)) {
    throw new InvalidArgumentError(`${fn}: rollPercent must be in (0, 1), got ${pct}.`, {
      details: { key: 'rollPercent', expected: '(0, 1)', actual: pct },
    });
  }
  const sp = magnitude(input, options, fn);
  const freq = freqsFor(sp, sr, fn);
  const { S, bins, frames } = sp;
  const is32 = S instanceof Float32Array;
  const round = is32 ? f32 : (x: number) => x;
  const out = new Float64Array(frames);
  const cum = new Float64Array(bins);
  for (let t = 0; t < frames; t++) {
    let c = 0;
    for (let k = 0; k < bins; k++) {
      c = round(c + S[k * frames + t]!);
      cum[k] = c;
    }
    const thr = round(pct * c);
    let f = freq[bins - 1]!;
    for (let k = 0; k < bins; k++) {
      if (!(cum[k]! < thr)) {
        f = freq[k]!;
        break;
      }
    }
    out[t] = f;
  }
  return new Tensor('float64', out, [1, frames]);
}

/**
 * Options of {@link spectralFlatness}.
 *
 * @example
 * ```ts
 * spectralFlatness(y, { amin: 1e-10, power: 2 });
 * ```
 */
export interface SpectralFlatnessOptions extends StftOptions {
  /** Floor applied before the log. Default 1e-10. */
  amin?: number;
  /** Exponent of the magnitude spectrogram. Default 2 (power). */
  power?: number;
}

/**
 * Spectral flatness (Wiener entropy): geometric over arithmetic mean of `max(amin, |S|^power)`, like
 * `librosa.feature.spectral_flatness(y=y, n_fft=2048, hop_length=512, amin=1e-10, power=2.0)`. float32 `[1, frames]`.
 * Pass a magnitude spectrogram Tensor instead of `y` to skip the STFT.
 * @example
 * ```ts
 * const fl = spectralFlatness(y); // near 1 for noise, near 0 for tones
 * ```
 */
export function spectralFlatness(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: SpectralFlatnessOptions = {},
): Tensor<'float32'> {
  const fn = 'spectralFlatness';
  const amin = checkPositive(options.amin ?? 1e-10, fn, 'amin');
  const power = checkPositive(options.power ?? 2, fn, 'power');
  const sp = magnitude(input, options, fn);
  const { S, bins, frames } = sp;
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    let logSum = 0;
    let sum = 0;
    for (let k = 0; k < bins; k++) {
      const m = S[k * frames + t]!;
      const v = Math.max(amin, f32(power === 2 ? m * m : power === 1 ? m : m ** power));
      logSum += Math.log(v);
      sum += v;
    }
    out[t] = Math.exp(logSum / bins) / (sum / bins);
  }
  return new Tensor('float32', out, [1, frames]);
}

/**
 * Options of {@link spectralContrast}.
 *
 * @example
 * ```ts
 * spectralContrast(y, { sampleRate: 22050, nBands: 6, fmin: 200, quantile: 0.02 }); // [7, frames]
 * ```
 */
export interface SpectralContrastOptions extends SpectralFeatureOptions {
  /** Lower edge of the first non-zero band (Hz). Default 200. */
  fmin?: number;
  /** Number of octave bands (output has nBands + 1 rows). Default 6. */
  nBands?: number;
  /** Quantile defining peaks and valleys. Default 0.02. */
  quantile?: number;
  /** Return the linear difference instead of the dB difference. Default false. */
  linear?: boolean;
}

/**
 * Spectral contrast per octave band, like `librosa.feature.spectral_contrast(y=y, sr=…, fmin=200.0, n_bands=6,
 * quantile=0.02, linear=False)`: float64 `[nBands + 1, frames]`.
 * @throws {@link InvalidArgumentError} if a band edge reaches Nyquist (reduce fmin or nBands), or quantile ∉ (0, 1).
 * @example
 * ```ts
 * const c = spectralContrast(y, { sampleRate: 22050 }); // [7, frames]
 * ```
 */
export function spectralContrast(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: SpectralContrastOptions,
): Tensor<'float64'> {
  const fn = 'spectralContrast';
  const sr = checkSampleRate(options?.sampleRate, fn);
  const fmin = checkPositive(options.fmin ?? 200, fn, 'fmin');
  const nBands = checkInt(options.nBands ?? 6, fn, 'nBands', 1);
  const quantile = options.quantile ?? 0.02;
  if (!(quantile > 0 && quantile < 1)) {
    throw new InvalidArgumentError(`${fn}: quantile must be in (0, 1), got ${quantile}.`, {
      details: { key: 'quantile', expected: '(0, 1)', actual: quantile },
    });
  }
  const octa = new Float64Array(nBands + 2);
  for (let i = 1; i < nBands + 2; i++) octa[i] = fmin * 2 ** (i - 1);
  for (let i = 0; i < nBands + 1; i++) {
    if (octa[i]! >= 0.5 * sr) {
      throw new InvalidArgumentError(
        `${fn}: band edge ${octa[i]} Hz reaches the Nyquist frequency ${sr / 2} Hz; reduce fmin or nBands.`,
        { details: { key: 'fmin', actual: { fmin, nBands } } },
      );
    }
  }
  const sp = magnitude(input, options, fn);
  const freq = freqsFor(sp, sr, fn);
  const { S, bins, frames } = sp;
  const rows = nBands + 1;
  const valley = new Float32Array(rows * frames);
  const peak = new Float32Array(rows * frames);
  for (let k = 0; k < rows; k++) {
    const lo = octa[k]!;
    const hi = octa[k + 1]!;
    const band = new Uint8Array(bins);
    let first = -1;
    let last = -1;
    for (let i = 0; i < bins; i++) {
      if (freq[i]! >= lo && freq[i]! <= hi) {
        band[i] = 1;
        if (first < 0) first = i;
        last = i;
      }
    }
    if (first < 0) {
      throw new InvalidArgumentError(
        `${fn}: band ${k} (${lo}–${hi} Hz) holds no FFT bin; use a larger nFft or fmin.`,
        {
          details: { key: 'nFft' },
        },
      );
    }
    if (k > 0 && first > 0) band[first - 1] = 1;
    if (k === nBands) for (let i = last + 1; i < bins; i++) band[i] = 1;
    const idxs: number[] = [];
    for (let i = 0; i < bins; i++) if (band[i]) idxs.push(i);
    const count = idxs.length;
    if (k < nBands) idxs.pop();
    let q = Math.max(roundHalfEven(quantile * count), 1);
    q = Math.min(q, idxs.length);
    const vals = new Float64Array(idxs.length);
    for (let t = 0; t < frames; t++) {
      for (let j = 0; j < idxs.length; j++) vals[j] = S[idxs[j]! * frames + t]!;
      vals.sort();
      let v = 0;
      let p = 0;
      for (let j = 0; j < q; j++) {
        v += vals[j]!;
        p += vals[vals.length - 1 - j]!;
      }
      valley[k * frames + t] = v / q;
      peak[k * frames + t] = p / q;
    }
  }
  const out = new Float64Array(rows * frames);
  if (options.linear) {
    for (let i = 0; i < out.length; i++) out[i] = peak[i]! - valley[i]!;
  } else {
    const pd = powerToDb(new Tensor('float32', peak, [rows, frames])).data;
    const vd = powerToDb(new Tensor('float32', valley, [rows, frames])).data;
    for (let i = 0; i < out.length; i++) out[i] = pd[i]! - vd[i]!;
  }
  return new Tensor('float64', out, [rows, frames]);
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * Options of {@link zeroCrossingRate}; defaults equal `librosa.feature.zero_crossing_rate`'s.
 *
 * @example
 * ```ts
 * zeroCrossingRate(y, { frameLength: 2048, hopLength: 512, center: true });
 * ```
 */
export interface ZeroCrossingRateOptions {
  /** Frame length. Default 2048. */
  frameLength?: number;
  /** Hop length. Default 512. */
  hopLength?: number;
  /** Edge-pad by frameLength/2 so frames are centred. Default true. */
  center?: boolean;
  /** |x| ≤ threshold counts as zero (positive). Default 1e-10 (librosa's `zero_crossings` default). */
  threshold?: number;
}

/**
 * Fraction of sign changes per frame, like `librosa.feature.zero_crossing_rate(y, frame_length=2048,
 * hop_length=512, center=True)` (edge padding, `zero_pos=True`, first sample of each frame never counts):
 * float64 `[1, frames]`.
 * @example
 * ```ts
 * const z = zeroCrossingRate(y);
 * ```
 */
export function zeroCrossingRate(y: Signal, options: ZeroCrossingRateOptions = {}): Tensor<'float64'> {
  const fn = 'zeroCrossingRate';
  checkSignal(y, fn);
  const L = checkInt(options.frameLength ?? 2048, fn, 'frameLength', 1);
  const hop = checkInt(options.hopLength ?? 512, fn, 'hopLength', 1);
  const thr = checkPositive(options.threshold ?? 1e-10, fn, 'threshold', true);
  const center = options.center ?? true;
  const pad = center ? Math.floor(L / 2) : 0;
  const total = y.length + 2 * pad;
  if (total < L) {
    throw new InvalidArgumentError(
      `${fn}: the signal (${y.length} samples) is shorter than frameLength ${L}.`,
      {
        details: { key: 'y', expected: `≥ ${L}`, actual: y.length },
      },
    );
  }
  const frames = 1 + Math.floor((total - L) / hop);
  // sign bit per padded sample: values within ±threshold count as +0
  const neg = new Uint8Array(total);
  for (let i = 0; i < total; i++) {
    const v = paddedSample(y, i - pad, 'edge');
    neg[i] = v < -thr ? 1 : 0;
  }
  const out = new Float64Array(frames);
  for (let t = 0; t < frames; t++) {
    const s = t * hop;
    let c = 0;
    for (let i = s + 1; i < s + L; i++) if (neg[i] !== neg[i - 1]) c++;
    out[t] = c / L;
  }
  return new Tensor('float64', out, [1, frames]);
}

/**
 * Options of {@link frameRms}; defaults equal `librosa.feature.rms`'s.
 *
 * @example
 * ```ts
 * frameRms(y, { frameLength: 2048, hopLength: 512 });
 * ```
 */
export interface FrameRmsOptions {
  /** Frame length. Default 2048. */
  frameLength?: number;
  /** Hop length. Default 512. */
  hopLength?: number;
  /** Pad by frameLength/2 on both sides. Default true. */
  center?: boolean;
  /** Padding mode when centred. Default `'constant'`. */
  padMode?: PadMode;
}

/**
 * Root-mean-square energy per frame (named `frameRms` because `rms` is the whole-signal level in the signal
 * module), like `librosa.feature.rms(y=y, frame_length=2048, hop_length=512,
 * center=True, pad_mode='constant')`: float32 `[1, frames]`.
 * @example
 * ```ts
 * const e = frameRms(y, { frameLength: 2048, hopLength: 512 });
 * ```
 */
export function frameRms(y: Signal, options: FrameRmsOptions = {}): Tensor<'float32'> {
  const fn = 'frameRms';
  checkSignal(y, fn);
  const L = checkInt(options.frameLength ?? 2048, fn, 'frameLength', 1);
  const hop = checkInt(options.hopLength ?? 512, fn, 'hopLength', 1);
  const center = options.center ?? true;
  const mode = options.padMode ?? 'constant';
  if (!['constant', 'reflect', 'edge'].includes(mode)) {
    throw new InvalidArgumentError(
      `${fn}: padMode must be constant, reflect or edge, got "${String(mode)}".`,
      {
        details: { key: 'padMode', actual: mode },
      },
    );
  }
  const pad = center ? Math.floor(L / 2) : 0;
  const total = y.length + 2 * pad;
  if (total < L) {
    throw new InvalidArgumentError(
      `${fn}: the signal (${y.length} samples) is shorter than frameLength ${L}.`,
      {
        details: { key: 'y', expected: `≥ ${L}`, actual: y.length },
      },
    );
  }
  const frames = 1 + Math.floor((total - L) / hop);
  const out = new Float32Array(frames);
  for (let t = 0; t < frames; t++) {
    const s = t * hop - pad;
    let acc = 0;
    if (s >= 0 && s + L <= y.length) {
      for (let i = s; i < s + L; i++) acc += y[i]! * y[i]!;
    } else {
      for (let i = s; i < s + L; i++) {
        const v = paddedSample(y, i, mode);
        acc += v * v;
      }
    }
    out[t] = Math.sqrt(acc / L);
  }
  return new Tensor('float32', out, [1, frames]);
}
