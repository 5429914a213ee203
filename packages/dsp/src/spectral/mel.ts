import { InvalidArgumentError, Tensor } from '@instr/core';
import { frameCount, forEachFrame, paddedSample, resolveStft, type StftOptions } from './stft.js';
import {
  checkFinite,
  checkInt,
  checkMatrix,
  checkPositive,
  checkSampleRate,
  checkSignal,
  clipDb,
  dbValues,
  type Signal,
} from './util.js';
import { WASM_BLOCK_FRAMES, WasmRfft } from './wasm.js';

/**
 * Mel scale options shared by the conversion functions.
 *
 * @example
 * ```ts
 * hzToMel(440, { htk: true }); // ≈ 549.64
 * ```
 */
export interface MelScaleOptions {
  /** Use the HTK formula `2595·log10(1 + f/700)` instead of Slaney's (linear below 1 kHz, log above). Default false. */
  htk?: boolean;
}

const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

/**
 * Hz → mel, like `librosa.hz_to_mel(f, htk=False)` (Slaney's Auditory Toolbox scale by default).
 * @example
 * ```ts
 * hzToMel(1000);               // 15
 * hzToMel(1000, { htk: true }); // ≈ 999.99
 * ```
 */
export function hzToMel(hz: number, options: MelScaleOptions = {}): number {
  checkScalar(hz, 'hzToMel', 'hz');
  if (options.htk) return 2595 * Math.log10(1 + hz / 700);
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
  return hz / F_SP;
}

/**
 * Mel → Hz, the inverse of {@link hzToMel}, like `librosa.mel_to_hz(m, htk=False)`.
 * @example
 * ```ts
 * melToHz(15); // 1000
 * ```
 */
export function melToHz(mel: number, options: MelScaleOptions = {}): number {
  checkScalar(mel, 'melToHz', 'mel');
  if (options.htk) return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
  return F_SP * mel;
}

/** A finite number, or an InvalidArgumentError naming `key`. */
function checkScalar(v: number, fn: string, key: string): void {
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new InvalidArgumentError(`${fn}: ${key} must be a finite number, got ${String(v)}.`, {
      details: { key, expected: 'finite number', actual: String(v) },
    });
  }
}

/** numpy.linspace(start, stop, num) with numpy's rounding. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * `nMels` frequencies (Hz) equally spaced on the mel scale from `fmin` to `fmax`, like
 * `librosa.mel_frequencies(n_mels=128, fmin=0.0, fmax=11025.0, htk=False)`.
 * @example
 * ```ts
 * melFrequencies(130, 0, 11025); // the band edges of a 128-band filterbank
 * ```
 */
export function melFrequencies(
  nMels = 128,
  fmin = 0,
  fmax = 11025,
  options: MelScaleOptions = {},
): Float64Array {
  checkInt(nMels, 'melFrequencies', 'nMels', 1);
  checkScalar(fmin, 'melFrequencies', 'fmin');
  checkScalar(fmax, 'melFrequencies', 'fmax');
  const mels = linspace(hzToMel(fmin, options), hzToMel(fmax, options), nMels);
  for (let i = 0; i < nMels; i++) mels[i] = melToHz(mels[i]!, options);
  return mels;
}

/**
 * Centre frequency of each rFFT bin, like `librosa.fft_frequencies(sr, n_fft)` (= `numpy.fft.rfftfreq(n_fft, 1/sr)`).
 * @example
 * ```ts
 * fftFrequencies(22050, 2048); // 1025 values, 0 … 11025 Hz
 * ```
 */
export function fftFrequencies(sampleRate: number, nFft: number): Float64Array {
  checkSampleRate(sampleRate, 'fftFrequencies');
  checkInt(nFft, 'fftFrequencies', 'nFft', 1);
  const bins = Math.floor(nFft / 2) + 1;
  const val = 1 / (nFft * (1 / sampleRate));
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) out[k] = k * val;
  return out;
}

/**
 * Normalisation of mel filters: `'slaney'` (area, librosa's default), `null` (peak 1), or a p-norm per filter.
 *
 * @example
 * ```ts
 * melFilterbank({ sampleRate: 22050, norm: null satisfies MelNorm }); // unnormalised triangles
 * ```
 */
export type MelNorm = 'slaney' | null | 1 | 2 | typeof Number.POSITIVE_INFINITY;

/**
 * Mel filterbank parameters; defaults equal `librosa.filters.mel`'s.
 *
 * @example
 * ```ts
 * melFilterbank({ sampleRate: 16000, nFft: 512, nMels: 40, fmin: 20, fmax: 8000, htk: true, norm: null });
 * ```
 */
export interface MelFilterbankOptions extends MelScaleOptions {
  /** Sample rate in Hz. Required (must be > 0). */
  sampleRate: number;
  /** FFT length. Default 2048. */
  nFft?: number;
  /** Number of mel bands. Default 128. */
  nMels?: number;
  /** Lowest band edge in Hz. Default 0. */
  fmin?: number;
  /** Highest band edge in Hz. Default `sampleRate / 2`. */
  fmax?: number;
  /** Filter normalisation. Default `'slaney'`. */
  norm?: MelNorm;
  /**
   * Allow `fmax` above Nyquist (librosa only warns and returns empty top filters). Default false: a
   * typed error, because such filters are silently empty. Set true to reproduce librosa exactly.
   */
  allowAboveNyquist?: boolean;
}

/** @internal A mel filterbank, dense float32 plus per-row non-zero spans for fast application. */
export interface MelBank {
  nMels: number;
  bins: number;
  weights: Float32Array;
  lo: Int32Array;
  hi: Int32Array;
}

const bankCache = new Map<string, MelBank>();

/** @internal */
export function buildMelBank(options: MelFilterbankOptions, fn: string): MelBank {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`${fn}: options with a sampleRate are required.`, {
      details: { key: 'sampleRate' },
    });
  }
  const sr = checkSampleRate(options.sampleRate, fn);
  const nFft = checkInt(options.nFft ?? 2048, fn, 'nFft', 1);
  const nMels = checkInt(options.nMels ?? 128, fn, 'nMels', 1);
  const fmin = checkPositive(options.fmin ?? 0, fn, 'fmin', true);
  const fmax = checkPositive(options.fmax ?? sr / 2, fn, 'fmax');
  const htk = options.htk ?? false;
  const norm = options.norm === undefined ? 'slaney' : options.norm;
  if (fmax > sr / 2 && !options.allowAboveNyquist) {
    throw new InvalidArgumentError(
      `${fn}: fmax ${fmax} Hz is above the Nyquist frequency ${sr / 2} Hz of sampleRate ${sr}; ` +
        'lower fmax (or pass allowAboveNyquist: true to get librosa’s empty top filters).',
      { details: { key: 'fmax', expected: `≤ ${sr / 2}`, actual: fmax } },
    );
  }
  if (fmin >= fmax) {
    throw new InvalidArgumentError(`${fn}: fmin ${fmin} Hz must be below fmax ${fmax} Hz.`, {
      details: { key: 'fmin', expected: `< ${fmax}`, actual: fmin },
    });
  }
  if (norm !== 'slaney' && norm !== null && norm !== 1 && norm !== 2 && norm !== Number.POSITIVE_INFINITY) {
    throw new InvalidArgumentError(
      `${fn}: norm must be 'slaney', null, 1, 2 or Infinity, got ${String(norm)}.`,
      {
        details: { key: 'norm', actual: norm },
      },
    );
  }
  const key = `${sr}|${nFft}|${nMels}|${fmin}|${fmax}|${htk}|${norm}`;
  const hit = bankCache.get(key);
  if (hit) return hit;
  const bins = Math.floor(nFft / 2) + 1;
  const fftf = fftFrequencies(sr, nFft);
  const melf = melFrequencies(nMels + 2, fmin, fmax, { htk });
  const weights = new Float32Array(nMels * bins);
  const f32 = Math.fround;
  for (let i = 0; i < nMels; i++) {
    const d0 = melf[i + 1]! - melf[i]!;
    const d1 = melf[i + 2]! - melf[i + 1]!;
    const enorm = norm === 'slaney' ? 2 / (melf[i + 2]! - melf[i]!) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = -(melf[i]! - fftf[k]!) / d0;
      const upper = (melf[i + 2]! - fftf[k]!) / d1;
      const w = Math.max(0, Math.min(lower, upper));
      // librosa stores into float32, then multiplies by the float64 enorm and rounds again.
      weights[i * bins + k] = norm === 'slaney' ? f32(f32(w) * enorm) : w;
    }
  }
  if (norm !== 'slaney' && norm !== null) {
    for (let i = 0; i < nMels; i++) {
      const row = weights.subarray(i * bins, (i + 1) * bins);
      let len = 0;
      for (const v of row)
        len = norm === 1 ? len + Math.abs(v) : norm === 2 ? len + v * v : Math.max(len, Math.abs(v));
      if (norm === 2) len = Math.sqrt(len);
      if (len >= 1.1754943508222875e-38) for (let k = 0; k < bins; k++) row[k] = row[k]! / len;
    }
  }
  const lo = new Int32Array(nMels);
  const hi = new Int32Array(nMels);
  for (let i = 0; i < nMels; i++) {
    let a = 0;
    while (a < bins && weights[i * bins + a] === 0) a++;
    let b = bins;
    while (b > a && weights[i * bins + b - 1] === 0) b--;
    lo[i] = a;
    hi[i] = b;
  }
  const bank: MelBank = { nMels, bins, weights, lo, hi };
  if (bankCache.size > 16) bankCache.delete(bankCache.keys().next().value as string);
  bankCache.set(key, bank);
  return bank;
}

/**
 * Mel filterbank matrix, like `librosa.filters.mel(sr=…, n_fft=2048, n_mels=128, fmin=0.0, fmax=None,
 * htk=False, norm='slaney')`: float32 `[nMels, 1 + ⌊nFft/2⌋]`. Filters narrower than one FFT bin come out
 * all zero, as in librosa.
 *
 * @throws {@link InvalidArgumentError} for a missing/non-positive sample rate, `fmax` above Nyquist (unless
 *   `allowAboveNyquist`), `fmin ≥ fmax`, or bad sizes.
 * @example
 * ```ts
 * const fb = melFilterbank({ sampleRate: 22050, nFft: 2048, nMels: 128 }); // Tensor [128, 1025]
 * ```
 */
export function melFilterbank(options: MelFilterbankOptions): Tensor<'float32'> {
  const bank = buildMelBank(options, 'melFilterbank');
  return new Tensor('float32', bank.weights.slice(), [bank.nMels, bank.bins]);
}

/**
 * Options of {@link melSpectrogram}: STFT + filterbank + exponent; defaults equal `librosa.feature.melspectrogram`'s.
 *
 * @example
 * ```ts
 * melSpectrogram(y, { sampleRate: 22050, nFft: 2048, hopLength: 512, nMels: 128, fmax: 8000 });
 * ```
 */
export interface MelSpectrogramOptions extends StftOptions, Omit<MelFilterbankOptions, 'nFft'> {
  /** Exponent of the magnitude before the filterbank: 2 = power (default), 1 = magnitude. */
  power?: number;
}

/** @internal Applies the bank to one spectrum column, writing nMels values at out[off + m*stride]. */
function applyBank(bank: MelBank, spec: Float64Array, out: Float32Array, off: number, stride: number): void {
  const { nMels, bins, weights, lo, hi } = bank;
  for (let m = 0; m < nMels; m++) {
    let acc = 0;
    const row = m * bins;
    const end = hi[m]!;
    for (let k = lo[m]!; k < end; k++) acc += weights[row + k]! * spec[k]!;
    out[off + m * stride] = acc;
  }
}

/**
 * Mel spectrogram of a signal, like `librosa.feature.melspectrogram(y=y, sr=…, n_fft=2048, hop_length=512,
 * window='hann', center=True, pad_mode='constant', power=2.0, n_mels=128, fmin=0, fmax=sr/2, htk=False,
 * norm='slaney')`: float32 `[nMels, frames]`. Fused: no full spectrogram is materialised, the filterbank is
 * applied sparsely, and per-frame buffers are reused.
 *
 * Note: the hop defaults to `⌊winLength/4⌋` (= 512 for nFft 2048), as in librosa.
 * @throws like {@link stft} and {@link melFilterbank}.
 * @example
 * ```ts
 * const M = melSpectrogram(y, { sampleRate: 22050 });             // [128, frames]
 * const W = melSpectrogram(y, { sampleRate: 16000, nFft: 400, hopLength: 160 });
 * ```
 */
export function melSpectrogram(y: Signal, options: MelSpectrogramOptions): Tensor<'float32'> {
  return melSpectrogramFused(y, options, 'melSpectrogram');
}

/** @internal A dB step fused into the mel kernel path (see logMelSpectrogram). */
export interface FusedDb {
  /** amin (> 0). */
  floor: number;
  topDb: number | null;
  /** Reference value from the mel values (already validated finite). */
  ref: (mel: Float32Array) => number;
  /** JS path: converts a finished mel spectrogram. */
  fallback: (M: Tensor<'float32'>) => Tensor<'float32'>;
}

/** @internal melSpectrogram, optionally followed by power → dB inside the WebAssembly memory. */
export function melSpectrogramFused(
  y: Signal,
  options: MelSpectrogramOptions,
  fn: string,
  db?: FusedDb,
): Tensor<'float32'> {
  checkSignal(y, fn);
  const cfg = resolveStft(options ?? ({} as MelSpectrogramOptions), fn);
  const bank = buildMelBank({ ...options, nFft: cfg.nFft }, fn);
  const power = checkPositive(options.power ?? 2, fn, 'power');
  const nFrames = frameCount(y.length, cfg, fn);
  const kernel =
    y instanceof Float32Array && nFrames >= 2 && (power === 1 || power === 2)
      ? WasmRfft.create(cfg.nFft, cfg.window)
      : null;
  if (kernel) {
    // Fused WebAssembly path: windowed load, two-frame FFT, power, sparse mel; no per-frame allocation.
    // Blocks of frames bound the WebAssembly memory for long signals.
    const nMels = bank.nMels;
    const out = new Float32Array(nMels * nFrames);
    const pad = cfg.center ? Math.floor(cfg.nFft / 2) : 0;
    const bankAt = kernel.freeAt;
    const sigAt = kernel.writeBank(bank, bankAt);
    const sample = (j: number) => paddedSample(y, j, cfg.padMode);
    for (let t0 = 0; t0 < nFrames; t0 += WASM_BLOCK_FRAMES) {
      const count = Math.min(WASM_BLOCK_FRAMES, nFrames - t0);
      const pairs = Math.ceil(count / 2);
      const stride = 2 * pairs;
      const total = (stride - 1) * cfg.hop + cfg.nFft;
      const outAt = (sigAt + total * 4 + 15) & ~15;
      kernel.ensure(outAt + nMels * stride * 4);
      kernel.writeSpan(y as Float32Array, t0 * cfg.hop - pad, total, sigAt, sample);
      kernel.mel(sigAt, cfg.hop, pairs, bankAt, nMels, outAt, stride, power as 1 | 2);
      const res = new Float32Array(kernel.memory, outAt, nMels * stride);
      for (let m = 0; m < nMels; m++) out.set(res.subarray(m * stride, m * stride + count), m * nFrames + t0);
    }
    if (db) {
      // The same dB loop as powerToDb, so values are identical.
      const offset = 10 * Math.log10(Math.max(db.floor, db.ref(out)));
      const max = dbValues(out, out, db.floor, offset, false);
      if (db.topDb !== null && out.length > 0) clipDb(out, max, db.topDb);
    }
    return new Tensor('float32', out, [nMels, nFrames]);
  }
  const out = new Float32Array(bank.nMels * nFrames);
  const spec = new Float64Array(cfg.bins);
  const bins = cfg.bins;
  forEachFrame(y, cfg, nFrames, (t, re, im) => {
    if (power === 2) {
      for (let k = 0; k < bins; k++) spec[k] = re[k]! * re[k]! + im[k]! * im[k]!;
    } else if (power === 1) {
      for (let k = 0; k < bins; k++) spec[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
    } else {
      const h = power / 2;
      for (let k = 0; k < bins; k++) spec[k] = (re[k]! * re[k]! + im[k]! * im[k]!) ** h;
    }
    applyBank(bank, spec, out, t, nFrames);
  });
  const M = new Tensor('float32', out, [bank.nMels, nFrames]);
  return db ? db.fallback(M) : M;
}

/**
 * Applies a mel filterbank to an existing (power or magnitude) spectrogram `S` `[1 + nFft/2, frames]`, like
 * `librosa.feature.melspectrogram(S=S, sr=…)`; `nFft` is inferred as `2·(bins − 1)` unless given.
 * @example
 * ```ts
 * const P = spectrogram(y, { power: 2 });
 * const M = melFromSpectrogram(P, { sampleRate: 22050 }); // [128, frames]
 * ```
 */
export function melFromSpectrogram(
  S: Tensor<'float32'> | Tensor<'float64'>,
  options: Omit<MelFilterbankOptions, 'nFft'> & { nFft?: number },
): Tensor<'float32'> {
  const fn = 'melFromSpectrogram';
  checkMatrix(S, fn);
  checkFinite(S.data, fn, 'S');
  const bins = S.dims[0]!;
  const nFrames = S.dims[1]!;
  const nFft = options?.nFft ?? 2 * (bins - 1);
  const bank = buildMelBank({ ...options, nFft }, fn);
  if (bank.bins !== bins) {
    throw new InvalidArgumentError(`${fn}: S has ${bins} bins but nFft ${nFft} gives ${bank.bins}.`, {
      details: { key: 'nFft', expected: bank.bins, actual: bins },
    });
  }
  const out = new Float32Array(bank.nMels * nFrames);
  const col = new Float64Array(bins);
  const d = S.data;
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0; k < bins; k++) col[k] = d[k * nFrames + t]!;
    applyBank(bank, col, out, t, nFrames);
  }
  return new Tensor('float32', out, [bank.nMels, nFrames]);
}
