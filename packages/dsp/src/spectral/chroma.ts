import { InvalidArgumentError, Tensor } from '@instr/core';
import { fftFrequencies } from './mel.js';
import { normalize } from './normalize.js';
import { spectrogram, type StftOptions } from './stft.js';
import { checkFinite, checkInt, checkMatrix, checkPositive, checkSampleRate, type Signal } from './util.js';

const f32 = Math.fround;

/**
 * Options of {@link chromaFilterbank}; defaults equal `librosa.filters.chroma`'s.
 *
 * @example
 * ```ts
 * chromaFilterbank({ sampleRate: 22050, nFft: 2048, nChroma: 12, tuning: 0 }); // [12, 1025]
 * ```
 */
export interface ChromaFilterbankOptions {
  /** Sample rate in Hz. Required. */
  sampleRate: number;
  /** FFT length. Default 2048. */
  nFft?: number;
  /** Chroma bins per octave. Default 12. */
  nChroma?: number;
  /** Tuning deviation from A440 in fractions of a chroma bin. Default 0. */
  tuning?: number;
  /** Centre (octaves, librosa's `ctroct`) of the Gaussian octave weighting. Default 5. */
  ctroct?: number;
  /** Width (octaves) of the octave weighting; `null` disables it. Default 2. */
  octwidth?: number | null;
  /** Column normalisation of the filterbank (p-norm, Infinity, or null). Default 2. */
  norm?: number | null;
  /** Start the bins at C (true, default) rather than A. */
  baseC?: boolean;
}

/**
 * Chroma filterbank, like `librosa.filters.chroma(sr=…, n_fft=2048, n_chroma=12, tuning=0.0, ctroct=5.0,
 * octwidth=2, norm=2, base_c=True)`: float32 `[nChroma, 1 + ⌊nFft/2⌋]`.
 * @throws {@link InvalidArgumentError} for a missing sample rate, bad sizes or a non-finite tuning.
 * @example
 * ```ts
 * const fb = chromaFilterbank({ sampleRate: 22050 }); // [12, 1025]
 * ```
 */
export function chromaFilterbank(options: ChromaFilterbankOptions): Tensor<'float32'> {
  const fn = 'chromaFilterbank';
  const sr = checkSampleRate(options?.sampleRate, fn);
  const nFft = checkInt(options.nFft ?? 2048, fn, 'nFft', 2);
  const nChroma = checkInt(options.nChroma ?? 12, fn, 'nChroma', 1);
  const tuning = options.tuning ?? 0;
  if (!Number.isFinite(tuning)) {
    throw new InvalidArgumentError(`${fn}: tuning must be finite, got ${tuning}.`, {
      details: { key: 'tuning', actual: tuning },
    });
  }
  const ctroct = options.ctroct ?? 5;
  const octwidth = options.octwidth === undefined ? 2 : options.octwidth;
  const norm = options.norm === undefined ? 2 : options.norm;
  const baseC = options.baseC ?? true;
  // frequencies = linspace(0, sr, n_fft, endpoint=False)[1:]
  const a440 = 440 * 2 ** (tuning / nChroma);
  const frq = new Float64Array(nFft);
  const step = sr / nFft;
  for (let i = 1; i < nFft; i++) frq[i] = nChroma * Math.log2((i * step) / (a440 / 16));
  frq[0] = frq[1]! - 1.5 * nChroma;
  const binw = new Float64Array(nFft);
  for (let i = 0; i < nFft - 1; i++) binw[i] = Math.max(frq[i + 1]! - frq[i]!, 1);
  binw[nFft - 1] = 1;
  const half = Math.round(nChroma / 2);
  const wts = new Float64Array(nChroma * nFft);
  for (let c = 0; c < nChroma; c++) {
    for (let i = 0; i < nFft; i++) {
      let D = frq[i]! - c + half + 10 * nChroma;
      D = D - nChroma * Math.floor(D / nChroma) - half; // np.remainder (sign of divisor)
      const z = (2 * D) / binw[i]!;
      wts[c * nFft + i] = Math.exp(-0.5 * z * z);
    }
  }
  const normed = normalize(new Tensor('float64', wts, [nChroma, nFft]), { norm, axis: 0 }).data;
  if (octwidth !== null) {
    for (let i = 0; i < nFft; i++) {
      const z = (frq[i]! / nChroma - ctroct) / octwidth;
      const g = Math.exp(-0.5 * z * z);
      for (let c = 0; c < nChroma; c++) normed[c * nFft + i]! *= g;
    }
  }
  const bins = Math.floor(nFft / 2) + 1;
  const out = new Float32Array(nChroma * bins);
  const roll = baseC ? 3 * Math.floor(nChroma / 12) : 0;
  for (let c = 0; c < nChroma; c++) {
    const srcRow = (c + roll) % nChroma;
    for (let k = 0; k < bins; k++) out[c * bins + k] = normed[srcRow * nFft + k]!;
  }
  return new Tensor('float32', out, [nChroma, bins]);
}

/**
 * Options of {@link piptrack}; defaults equal `librosa.piptrack`'s.
 *
 * @example
 * ```ts
 * piptrack(spectrogram(y), { sampleRate: 22050, fmin: 150, fmax: 4000, threshold: 0.1 });
 * ```
 */
export interface PiptrackOptions {
  /** Sample rate in Hz. Required. */
  sampleRate: number;
  /** FFT length of `S`. Default `2·(bins − 1)`. */
  nFft?: number;
  /** Lowest frequency considered (Hz). Default 150. */
  fmin?: number;
  /** Highest frequency considered (Hz, clipped to Nyquist). Default 4000. */
  fmax?: number;
  /** Peaks below `threshold · max` of their frame are ignored. Default 0.1. */
  threshold?: number;
}

/**
 * Pitch tracking on thresholded, parabolically interpolated STFT peaks, like `librosa.piptrack(S=S, sr=…,
 * fmin=150, fmax=4000, threshold=0.1)`. `S` is a magnitude or power spectrogram `[bins, frames]` (float32
 * arithmetic as librosa's). Returns float32 `pitches` (Hz, 0 where no peak) and `magnitudes`, both `[bins, frames]`.
 * @example
 * ```ts
 * const { pitches, magnitudes } = piptrack(spectrogram(y), { sampleRate: 22050 });
 * ```
 */
export function piptrack(
  S: Tensor<'float32'> | Tensor<'float64'>,
  options: PiptrackOptions,
): { pitches: Tensor<'float32'>; magnitudes: Tensor<'float32'> } {
  const fn = 'piptrack';
  checkMatrix(S, fn);
  const sr = checkSampleRate(options?.sampleRate, fn);
  const [bins, frames] = [S.dims[0]!, S.dims[1]!];
  const nFft = checkInt(options.nFft ?? 2 * (bins - 1), fn, 'nFft', 1);
  const fmin = Math.max(options.fmin ?? 150, 0);
  const fmax = Math.min(options.fmax ?? 4000, sr / 2);
  const threshold = checkPositive(options.threshold ?? 0.1, fn, 'threshold', true);
  checkFinite(S.data, fn, 'S');
  const freqs = fftFrequencies(sr, nFft);
  const src = S.data;
  const pitches = new Float32Array(bins * frames);
  const mags = new Float32Array(bins * frames);
  const col = new Float32Array(bins);
  const thr = new Float32Array(bins);
  for (let t = 0; t < frames; t++) {
    let max = 0;
    for (let k = 0; k < bins; k++) {
      const v = f32(Math.abs(src[k * frames + t]!));
      col[k] = v;
      if (v > max) max = v;
    }
    const ref = f32(threshold * max);
    for (let k = 0; k < bins; k++) thr[k] = col[k]! > ref ? col[k]! : 0;
    for (let k = 0; k < bins; k++) {
      const f = freqs[k]!;
      if (!(fmin <= f && f < fmax)) continue;
      const x = thr[k]!;
      const left = k > 0 ? thr[k - 1]! : x;
      const right = k < bins - 1 ? thr[k + 1]! : x;
      if (!(x > left && x >= right)) continue;
      // Parabolic shift of S (not the thresholded copy): numba float32 inputs, float64 arithmetic.
      let shift = 0;
      if (k > 0 && k < bins - 1) {
        const xm = col[k - 1]!;
        const xp = col[k + 1]!;
        const a = f32(xp + xm) - 2 * col[k]!;
        const b = f32(xp - xm) / 2;
        shift = Math.abs(b) >= Math.abs(a) ? 0 : f32(-b / a);
      }
      // np.gradient along frequency
      let avg: number;
      if (bins < 2) avg = 0;
      else if (k === 0) avg = f32(col[1]! - col[0]!);
      else if (k === bins - 1) avg = f32(col[k]! - col[k - 1]!);
      else avg = f32(f32(col[k + 1]! - col[k - 1]!) / 2);
      const dskew = f32(f32(0.5 * avg) * shift);
      const o = k * frames + t;
      pitches[o] = ((k + shift) * sr) / nFft;
      mags[o] = col[k]! + dskew;
    }
  }
  return {
    pitches: new Tensor('float32', pitches, [bins, frames]),
    magnitudes: new Tensor('float32', mags, [bins, frames]),
  };
}

/**
 * Options of {@link pitchTuning}.
 *
 * @example
 * ```ts
 * pitchTuning([440, 442, 445], { resolution: 0.01, binsPerOctave: 12 });
 * ```
 */
export interface PitchTuningOptions {
  /** Histogram resolution in fractions of a bin, in (0, 1). Default 0.01. */
  resolution?: number;
  /** Bins per octave. Default 12. */
  binsPerOctave?: number;
}

/**
 * Tuning deviation (fraction of a bin, in [−0.5, 0.5)) of a set of frequencies, like
 * `librosa.pitch_tuning(frequencies, resolution=0.01, bins_per_octave=12)`. Returns 0 when no frequency is > 0.
 * @example
 * ```ts
 * pitchTuning([440, 880, 445]); // ≈ 0
 * ```
 */
export function pitchTuning(frequencies: ArrayLike<number>, options: PitchTuningOptions = {}): number {
  const fn = 'pitchTuning';
  checkFinite(frequencies, fn, 'frequencies');
  const resolution = checkPositive(options.resolution ?? 0.01, fn, 'resolution');
  if (resolution >= 1) {
    throw new InvalidArgumentError(`${fn}: resolution must be in (0, 1), got ${resolution}.`, {
      details: { key: 'resolution', actual: resolution },
    });
  }
  const bpo = checkInt(options.binsPerOctave ?? 12, fn, 'binsPerOctave', 1);
  const nBins = Math.ceil(1 / resolution);
  const counts = new Int32Array(nBins);
  const edges = new Float64Array(nBins + 1);
  const step = 1 / nBins;
  for (let i = 0; i <= nBins; i++) edges[i] = i * step + -0.5;
  edges[nBins] = 0.5;
  let any = false;
  for (let i = 0; i < frequencies.length; i++) {
    const f = frequencies[i]!;
    if (!(f > 0)) continue;
    any = true;
    // float32 arithmetic, as numpy on librosa's float32 pitches
    const octs = f32(Math.log2(f32(f / (440 / 16))));
    const scaled = f32(bpo * octs);
    let r = f32(scaled - Math.floor(scaled));
    if (r >= 0.5) r = f32(r - 1);
    let idx = Math.floor((r + 0.5) * nBins);
    if (idx >= nBins) idx = nBins - 1;
    if (idx < 0) idx = 0;
    while (idx > 0 && r < edges[idx]!) idx--;
    while (idx < nBins - 1 && r >= edges[idx + 1]!) idx++;
    counts[idx]!++;
  }
  if (!any) return 0;
  let best = 0;
  for (let i = 1; i < nBins; i++) if (counts[i]! > counts[best]!) best = i;
  return edges[best]!;
}

/**
 * Options of {@link estimateTuning}: piptrack + histogram options.
 *
 * @example
 * ```ts
 * estimateTuning(spectrogram(y, { power: 2 }), { sampleRate: 22050, resolution: 0.01 });
 * ```
 */
export interface EstimateTuningOptions extends PiptrackOptions, PitchTuningOptions {}

/**
 * Estimates the tuning deviation from A440 (fractions of a bin) of a spectrogram, like
 * `librosa.estimate_tuning(S=S, sr=…, n_fft=2048, resolution=0.01, bins_per_octave=12)`: piptrack peaks whose
 * magnitude is at least the median are histogrammed by their deviation from the nearest bin.
 * @example
 * ```ts
 * const tuning = estimateTuning(spectrogram(y, { power: 2 }), { sampleRate: 22050 }); // e.g. −0.02
 * ```
 */
export function estimateTuning(
  S: Tensor<'float32'> | Tensor<'float64'>,
  options: EstimateTuningOptions,
): number {
  const { pitches, magnitudes } = piptrack(S, options);
  const p = pitches.data;
  const m = magnitudes.data;
  const sel: number[] = [];
  for (let i = 0; i < p.length; i++) if (p[i]! > 0) sel.push(m[i]!);
  let threshold = 0;
  if (sel.length > 0) {
    sel.sort((a, b) => a - b);
    const h = sel.length >> 1;
    threshold = sel.length % 2 ? sel[h]! : f32(f32(sel[h - 1]! + sel[h]!) / 2);
  }
  const freqs: number[] = [];
  for (let i = 0; i < p.length; i++) if (p[i]! > 0 && m[i]! >= threshold) freqs.push(p[i]!);
  return pitchTuning(freqs, options);
}

/**
 * Options of {@link chromaStft}; defaults equal `librosa.feature.chroma_stft`'s.
 *
 * @example
 * ```ts
 * chromaStft(y, { sampleRate: 22050, tuning: 0, nChroma: 12, hopLength: 512 });
 * ```
 */
export interface ChromaStftOptions extends StftOptions, Omit<ChromaFilterbankOptions, 'nFft' | 'tuning'> {
  /** Tuning in fractions of a bin; `null`/undefined (default) estimates it with {@link estimateTuning}. */
  tuning?: number | null;
  /** Per-frame normalisation of the chroma (librosa's `norm`, see {@link normalize}). Default Infinity. */
  chromaNorm?: number | null;
  /** Exponent of the spectrogram. Default 2 (power). */
  power?: number;
}

/**
 * Chromagram from an STFT, like `librosa.feature.chroma_stft(y=y, sr=…, n_fft=2048, hop_length=512,
 * window='hann', center=True, pad_mode='constant', norm=np.inf, tuning=None, n_chroma=12)`: float32
 * `[nChroma, frames]`. Pass a power spectrogram Tensor `[bins, frames]` instead of `y` to skip the STFT.
 * (librosa's `norm` argument is `chromaNorm` here; `norm` is the filterbank's.)
 * @example
 * ```ts
 * const C = chromaStft(y, { sampleRate: 22050 });             // tuning estimated
 * const C0 = chromaStft(y, { sampleRate: 22050, tuning: 0 });
 * ```
 */
export function chromaStft(
  input: Signal | Tensor<'float32'> | Tensor<'float64'>,
  options: ChromaStftOptions,
): Tensor<'float32'> {
  const fn = 'chromaStft';
  const sr = checkSampleRate(options?.sampleRate, fn);
  let S: Tensor<'float32'> | Tensor<'float64'>;
  let nFft: number;
  if (input instanceof Tensor) {
    checkMatrix(input, fn);
    S = input;
    nFft = options.nFft ?? 2 * (input.dims[0]! - 1);
  } else {
    S = spectrogram(input, { ...options, power: options.power ?? 2 });
    nFft = options.nFft ?? 2048;
  }
  const nChroma = options.nChroma ?? 12;
  let tuning = options.tuning;
  if (tuning === null || tuning === undefined) {
    tuning = estimateTuning(S, { sampleRate: sr, nFft, binsPerOctave: nChroma });
  }
  const fb = chromaFilterbank({ ...options, sampleRate: sr, nFft, tuning, nChroma });
  const bins = fb.dims[1]!;
  if (S.dims[0] !== bins) {
    throw new InvalidArgumentError(`${fn}: S has ${S.dims[0]} bins, nFft ${nFft} needs ${bins}.`, {
      details: { key: 'S', expected: bins, actual: S.dims[0] },
    });
  }
  const frames = S.dims[1]!;
  const raw = new Float32Array(nChroma * frames);
  const w = fb.data;
  const s = S.data;
  const acc = new Float64Array(frames);
  for (let c = 0; c < nChroma; c++) {
    acc.fill(0);
    for (let k = 0; k < bins; k++) {
      const wk = w[c * bins + k]!;
      if (wk === 0) continue;
      const row = k * frames;
      for (let t = 0; t < frames; t++) acc[t]! += wk * s[row + t]!;
    }
    raw.set(acc, c * frames);
  }
  const norm = options.chromaNorm === undefined ? Number.POSITIVE_INFINITY : options.chromaNorm;
  return normalize(new Tensor('float32', raw, [nChroma, frames]), { norm, axis: 0 });
}
