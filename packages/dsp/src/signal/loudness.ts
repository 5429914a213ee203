import { type Audio, assertAudio, InvalidArgumentError, InvalidAudioError } from '@instr/core';
import { checkArrayLike, checkFinite, checkPositive } from './validate.js';

/**
 * Mono samples or an {@link Audio}; measures pool all channels.
 *
 * @example
 * ```ts
 * peakLevel(new Float32Array([0.5, -1])); // 1
 * peakLevel({ sampleRate: 16000, channels: [left, right] });
 * ```
 */
export type SignalOrAudio = ArrayLike<number> | Audio;

/**
 * What the normalisers do with silent input (all samples zero), which no gain can bring to a target.
 *
 * @example
 * ```ts
 * normalizeRms(silence, -20, { onSilence: 'keep' }); // zeros back instead of an InvalidAudioError
 * ```
 */
export type SilencePolicy = 'throw' | 'keep';

function isAudio(x: unknown): x is Audio {
  return typeof x === 'object' && x !== null && 'sampleRate' in x && 'channels' in x;
}

function channelsOf(fn: string, x: SignalOrAudio): readonly ArrayLike<number>[] {
  if (isAudio(x)) {
    assertAudio(x, { allowEmpty: false });
    return x.channels;
  }
  const arr = checkArrayLike(fn, 'signal', x);
  if (arr.length === 0) {
    throw new InvalidAudioError(`${fn}: signal is empty; pass at least one sample.`, {
      details: { key: 'signal', actual: 0 },
    });
  }
  checkFinite(fn, 'signal', arr);
  return [arr];
}

/**
 * Peak absolute sample value over all channels (0 for silence).
 * @throws {@link InvalidAudioError} for empty input, {@link NonFiniteError} for NaN/Infinity.
 * @example
 * ```ts
 * peakLevel(Float32Array.of(0.1, -0.5, 0.25)); // 0.5
 * ```
 */
export function peakLevel(x: SignalOrAudio): number {
  let m = 0;
  for (const ch of channelsOf('peak', x)) {
    for (let i = 0; i < ch.length; i++) {
      const v = Math.abs(ch[i]!);
      if (v > m) m = v;
    }
  }
  return m;
}

/**
 * Root mean square over all samples of all channels (0 for silence). In dBFS: `20 * Math.log10(rmsLevel(x))`
 * (−Infinity for silence).
 * @throws {@link InvalidAudioError} for empty input, {@link NonFiniteError} for NaN/Infinity.
 * @example
 * ```ts
 * rmsLevel(Float32Array.of(1, -1, 1, -1)); // 1
 * ```
 */
export function rmsLevel(x: SignalOrAudio): number {
  let s = 0;
  let n = 0;
  for (const ch of channelsOf('rms', x)) {
    for (let i = 0; i < ch.length; i++) s += ch[i]! * ch[i]!;
    n += ch.length;
  }
  return Math.sqrt(s / n);
}

/**
 * Coefficients `[b0, b1, b2, a1, a2]` (a0 = 1) of the two K-weighting biquads of BS.1770-4 — the
 * high-shelf "pre-filter" and the RLB high-pass — at `sampleRate`.
 * @example
 * ```ts
 * const [shelf, highpass] = kWeightingCoefficients(48000);
 * shelf[0]; // 1.53512485958697 (the standard's b0)
 * ```
 */
export function kWeightingCoefficients(sampleRate: number): [number[], number[]] {
  checkPositive('kWeightingCoefficients', 'sampleRate', sampleRate, 'a positive, finite sample rate in Hz');
  // Analogue prototypes of the 48 kHz filters of ITU-R BS.1770, mapped to any rate with the bilinear
  // transform as libebur128 and FFmpeg do. At 48 kHz these reproduce the standard's coefficients.
  let f0 = 1681.974450955533;
  const G = 3.999843853973347;
  let Q = 0.7071752369554196;
  let K = Math.tan((Math.PI * f0) / sampleRate);
  const Vh = 10 ** (G / 20);
  const Vb = Vh ** 0.4996667741545416;
  let a0 = 1 + K / Q + K * K;
  const shelf = [
    (Vh + (Vb * K) / Q + K * K) / a0,
    (2 * (K * K - Vh)) / a0,
    (Vh - (Vb * K) / Q + K * K) / a0,
    (2 * (K * K - 1)) / a0,
    (1 - K / Q + K * K) / a0,
  ];
  f0 = 38.13547087602444;
  Q = 0.5003270373238773;
  K = Math.tan((Math.PI * f0) / sampleRate);
  a0 = 1 + K / Q + K * K;
  const highpass = [1, -2, 1, (2 * (K * K - 1)) / a0, (1 - K / Q + K * K) / a0];
  return [shelf, highpass];
}

/** Default BS.1770 channel weights: 1 for L, R, C; 1.41 for surrounds; 0 for LFE (5.1 order L R C LFE Ls Rs). */
function defaultWeights(channels: number): number[] {
  if (channels === 5) return [1, 1, 1, 1.41, 1.41];
  if (channels === 6) return [1, 1, 1, 0, 1.41, 1.41];
  return new Array<number>(channels).fill(1);
}

/**
 * Options of {@link integratedLoudness}.
 *
 * @example
 * ```ts
 * integratedLoudness(stereo, { channelWeights: [1, 1] }); // LUFS
 * ```
 */
export interface LoudnessOptions {
  /**
   * Per-channel weights G_i of BS.1770 (default: 1 for every channel; for 5 channels L R C Ls Rs
   * `[1, 1, 1, 1.41, 1.41]`, for 6 channels L R C LFE Ls Rs `[1, 1, 1, 0, 1.41, 1.41]`).
   */
  channelWeights?: readonly number[];
}

/**
 * Integrated loudness in LUFS by EBU R128 / ITU-R BS.1770-4: K-weighting (computed for the audio's own
 * sample rate), mean square per channel over 400 ms blocks with 75 % overlap (a block every 100 ms),
 * `−0.691 + 10·log10(Σ G_i·z_i)` per block, then the mean of the blocks above the absolute gate
 * (−70 LUFS) and above the relative gate (10 LU below the loudness of the absolutely gated blocks).
 * Matches FFmpeg's `ebur128` filter and libebur128.
 *
 * Returns `-Infinity` (never NaN) when no block passes the gates: silence, audio quieter than −70 LUFS,
 * or audio shorter than one 400 ms block.
 * @throws {@link InvalidAudioError} / {@link NonFiniteError} for invalid audio;
 * {@link InvalidArgumentError} for bad channel weights.
 * @example
 * ```ts
 * const lufs = integratedLoudness(audio); // e.g. -18.3
 * ```
 */
export function integratedLoudness(audio: Audio, options: LoudnessOptions = {}): number {
  assertAudio(audio);
  const { sampleRate, channels } = audio;
  const weights = options.channelWeights ?? defaultWeights(channels.length);
  if (
    !Array.isArray(weights) ||
    weights.length !== channels.length ||
    weights.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)
  ) {
    throw new InvalidArgumentError(
      `integratedLoudness: channelWeights must hold ${channels.length} finite, non-negative numbers; got ${JSON.stringify(weights)}.`,
      { details: { key: 'channelWeights', expected: channels.length, actual: weights } },
    );
  }
  const n = channels[0]!.length;
  const block = Math.round(0.4 * sampleRate);
  const step = Math.round(0.1 * sampleRate);
  if (n < block) return Number.NEGATIVE_INFINITY;
  const nBlocks = Math.floor((n - block) / step) + 1;
  const energy = new Float64Array(nBlocks);
  const [s, h] = kWeightingCoefficients(sampleRate);
  const prefix = new Float64Array(n + 1);
  for (let c = 0; c < channels.length; c++) {
    const ch = channels[c]!;
    const g = weights[c]!;
    if (g === 0) continue;
    // Two biquads in direct form I, in float64.
    let x1 = 0;
    let x2 = 0;
    let y1 = 0;
    let y2 = 0;
    let z1 = 0;
    let z2 = 0;
    let acc = 0;
    const [b0, b1, b2, a1, a2] = s as [number, number, number, number, number];
    const [, , , c1, c2] = h as [number, number, number, number, number];
    for (let i = 0; i < n; i++) {
      const x = ch[i]!;
      const y = b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
      x2 = x1;
      x1 = x;
      const z = y - 2 * y1 + y2 - c1 * z1 - c2 * z2;
      y2 = y1;
      y1 = y;
      z2 = z1;
      z1 = z;
      acc += z * z;
      prefix[i + 1] = acc;
    }
    for (let j = 0; j < nBlocks; j++) {
      const a = j * step;
      energy[j]! += (g * (prefix[a + block]! - prefix[a]!)) / block;
    }
  }
  const lufs = (e: number) => -0.691 + 10 * Math.log10(e);
  const absGate = 10 ** ((-70 + 0.691) / 10);
  let sum = 0;
  let count = 0;
  for (let j = 0; j < nBlocks; j++) {
    if (energy[j]! > absGate) {
      sum += energy[j]!;
      count++;
    }
  }
  if (count === 0) return Number.NEGATIVE_INFINITY;
  const relGate = (sum / count) * 10 ** (-10 / 10);
  sum = 0;
  count = 0;
  for (let j = 0; j < nBlocks; j++) {
    if (energy[j]! > absGate && energy[j]! > relGate) {
      sum += energy[j]!;
      count++;
    }
  }
  return count === 0 ? Number.NEGATIVE_INFINITY : lufs(sum / count);
}

function scale<T extends SignalOrAudio>(x: T, gain: number): T extends Audio ? Audio : Float32Array {
  const mul = (ch: ArrayLike<number>) => {
    const out = new Float32Array(ch.length);
    for (let i = 0; i < ch.length; i++) out[i] = ch[i]! * gain;
    return out;
  };
  if (isAudio(x)) return { sampleRate: x.sampleRate, channels: x.channels.map(mul) } as never;
  return mul(x as ArrayLike<number>) as never;
}

function checkTarget(fn: string, key: string, value: unknown, positive: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || (positive && value <= 0)) {
    throw new InvalidArgumentError(
      `${fn}: ${key} must be a ${positive ? 'positive' : ''} finite number; got ${String(value)}.`,
      { details: { key, actual: value } },
    );
  }
  return value;
}

function silent<T extends SignalOrAudio>(
  fn: string,
  x: T,
  policy: SilencePolicy | undefined,
  what: string,
): T extends Audio ? Audio : Float32Array {
  if ((policy ?? 'throw') === 'keep') return scale(x, 1);
  throw new InvalidAudioError(
    `${fn}: the input is ${what}, so no gain reaches the target. Skip it, or pass { onSilence: 'keep' } to get it back unchanged.`,
    { details: { key: 'signal' } },
  );
}

/**
 * Options shared by the normalisers.
 *
 * @example
 * ```ts
 * normalizeLoudness(audio, -14, { peakLimit: 1, onSilence: 'keep' });
 * ```
 */
export interface LevelNormalizeOptions {
  /**
   * Silent input: `'throw'` an {@link InvalidAudioError} (default for RMS and loudness) or `'keep'` it
   * unchanged (default for peak, as librosa's `util.normalize`).
   */
  onSilence?: SilencePolicy;
  /** Reduce the gain so the output peak stays at or below this (linear, e.g. 1). Default: no limit. */
  peakLimit?: number;
}

function checkOptions(fn: string, options: LevelNormalizeOptions): void {
  const policy = options.onSilence;
  if (policy !== undefined && policy !== 'throw' && policy !== 'keep') {
    throw new InvalidArgumentError(`${fn}: onSilence must be 'throw' or 'keep'; got ${String(policy)}.`, {
      details: { key: 'onSilence', expected: ['throw', 'keep'], actual: policy },
    });
  }
  if (options.peakLimit !== undefined) checkTarget(fn, 'peakLimit', options.peakLimit, true);
}

function limitGain(fn: string, x: SignalOrAudio, gain: number, options: LevelNormalizeOptions): number {
  if (options.peakLimit === undefined) return gain;
  const limit = checkTarget(fn, 'peakLimit', options.peakLimit, true);
  const p = peakLevel(x);
  return p * gain > limit ? limit / p : gain;
}

/**
 * Scales so the peak absolute sample equals `target` (default 1, librosa's `util.normalize(y, norm=np.inf)`).
 * Returns a copy; silent input comes back unchanged (zeros) unless `onSilence: 'throw'`.
 * @throws {@link InvalidArgumentError} for a non-positive target.
 * @example
 * ```ts
 * const y = normalizePeak(audio);        // peak 1.0
 * const z = normalizePeak(signal, 0.5);  // Float32Array with peak 0.5
 * ```
 */
export function normalizePeak<T extends SignalOrAudio>(
  x: T,
  target = 1,
  options: Pick<LevelNormalizeOptions, 'onSilence'> = {},
): T extends Audio ? Audio : Float32Array {
  checkTarget('normalizePeak', 'target', target, true);
  checkOptions('normalizePeak', options);
  const p = peakLevel(x);
  if (p === 0) return silent('normalizePeak', x, options.onSilence ?? 'keep', 'silent (peak 0)');
  return scale(x, target / p);
}

/**
 * Scales so the RMS over all samples equals `targetDbfs` dBFS (default −20, i.e. RMS 0.1).
 * @throws {@link InvalidAudioError} for silent input (unless `onSilence: 'keep'`),
 * {@link InvalidArgumentError} for a non-finite target.
 * @example
 * ```ts
 * const y = normalizeRms(signal, -20); // RMS 0.1
 * ```
 */
export function normalizeRms<T extends SignalOrAudio>(
  x: T,
  targetDbfs = -20,
  options: LevelNormalizeOptions = {},
): T extends Audio ? Audio : Float32Array {
  checkTarget('normalizeRms', 'targetDbfs', targetDbfs, false);
  checkOptions('normalizeRms', options);
  const r = rmsLevel(x);
  if (r === 0) return silent('normalizeRms', x, options.onSilence, 'silent (RMS 0)');
  return scale(x, limitGain('normalizeRms', x, 10 ** (targetDbfs / 20) / r, options));
}

/**
 * Scales so the integrated loudness ({@link integratedLoudness}) equals `targetLufs` (the reference
 * systems use −12 LUFS, as pyloudnorm's `normalize.loudness`). The output may exceed ±1: pass
 * `peakLimit: 1` to cap the gain (the loudness then ends below the target).
 * @throws {@link InvalidAudioError} when the loudness is −Infinity (silence, below −70 LUFS, or shorter
 * than 400 ms) unless `onSilence: 'keep'`; {@link InvalidArgumentError} for a non-finite target.
 * @example
 * ```ts
 * const y = normalizeLoudness(audio, -23);          // EBU R128 broadcast level
 * const z = normalizeLoudness(audio, -12, { peakLimit: 1 });
 * ```
 */
export function normalizeLoudness(
  audio: Audio,
  targetLufs: number,
  options: LevelNormalizeOptions & LoudnessOptions = {},
): Audio {
  checkTarget('normalizeLoudness', 'targetLufs', targetLufs, false);
  checkOptions('normalizeLoudness', options);
  const l = integratedLoudness(audio, options);
  if (l === Number.NEGATIVE_INFINITY) {
    return silent(
      'normalizeLoudness',
      audio,
      options.onSilence,
      'silent, quieter than −70 LUFS or shorter than one 400 ms block (loudness −Infinity)',
    );
  }
  return scale(audio, limitGain('normalizeLoudness', audio, 10 ** ((targetLufs - l) / 20), options));
}
