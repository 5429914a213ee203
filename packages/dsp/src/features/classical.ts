import { Tensor } from '@instr/core';
import {
  melFromSpectrogram,
  mfccFromLogMel,
  powerToDb,
  frameRms,
  type Signal,
  spectralBandwidth,
  spectralCentroid,
  spectralContrast,
  spectralFlatness,
  spectralRolloff,
  spectrogram,
  zeroCrossingRate,
} from '../spectral/index.js';
import { hjorthParameters, permutationEntropy, spectralEntropy, svdEntropy } from './entropy.js';
import { checkPositive, checkSignal } from './validate.js';

/**
 * Names of the 28 values returned by {@link classicalFeatures}, in order — the column names of the
 * reference SVM baseline (lumen-audio `ManageData._Feature` / its EDA).
 * @example
 * ```ts
 * CLASSICAL_FEATURE_NAMES.indexOf('sp_cent'); // 13
 * ```
 */
export const CLASSICAL_FEATURE_NAMES = [
  'mfcc1',
  'mfcc2',
  'mfcc3',
  'mfcc4',
  'mfcc5',
  'mfcc6',
  'mfcc7',
  'mfcc8',
  'mfcc9',
  'mfcc10',
  'zcr',
  'rms',
  'sp_roll',
  'sp_cent',
  'sp_band',
  'sp_cont1',
  'sp_cont2',
  'sp_cont3',
  'sp_cont4',
  'sp_cont5',
  'sp_cont6',
  'sp_cont7',
  'sp_flat',
  'perm_ent',
  'sp_ent',
  'svd_ent',
  'Hjorth_mob',
  'Hjorth_com',
] as const;

/**
 * One of {@link CLASSICAL_FEATURE_NAMES}.
 * @example
 * ```ts
 * const name: ClassicalFeatureName = 'Hjorth_mob';
 * ```
 */
export type ClassicalFeatureName = (typeof CLASSICAL_FEATURE_NAMES)[number];

/**
 * Options of {@link classicalFeatures}.
 * @example
 * ```ts
 * classicalFeatures(clip16k, { sampleRate: 16000 });
 * ```
 */
export interface ClassicalFeatureOptions {
  /** Sample rate of `y` in Hz. Default 22050 (the reference loads every clip with librosa's default rate). */
  sampleRate?: number;
}

/**
 * Shortest signal {@link classicalFeatures} accepts (the spectral-contrast octave bands need enough bins).
 * @example
 * ```ts
 * if (clip.length >= CLASSICAL_MIN_SAMPLES) classicalFeatures(clip);
 * ```
 */
export const CLASSICAL_MIN_SAMPLES = 2048;

/**
 * The 28-value hand-crafted feature vector of the reference SVM baseline, in {@link CLASSICAL_FEATURE_NAMES}
 * order, computed as the reference does: every librosa feature uses ONE frame with `n_fft = len(y)` and
 * `hop_length = len(y) + 1` (librosa 0.11 defaults otherwise: periodic Hann, `center=True` with zero padding).
 * Because the frame is centred on sample 0, the spectral features, MFCCs, ZCR and RMS describe the first
 * half of the clip under the falling half of the window, exactly like the reference; the entropies and
 * Hjorth parameters use the whole clip.
 *
 * - `mfcc1..10`: `mfcc(n_mfcc=10)` (128 Slaney mels, power → dB with ref 1 / top_db 80, DCT-II ortho);
 * - `zcr`, `rms`: `zero_crossing_rate` / `rms` with `frame_length = len(y)`;
 * - `sp_roll` (85 %), `sp_cent`, `sp_band` (p = 2), `sp_cont1..7` (6 octave bands from 200 Hz + residual,
 *   quantile 0.02, dB), `sp_flat` (power 2, amin 1e-10), all from the magnitude spectrum;
 * - `perm_ent`, `svd_ent` (order 3, delay 1, normalised) and `sp_ent` (Welch, scipy defaults, normalised),
 *   as antropy; `Hjorth_mob`, `Hjorth_com`.
 *
 * @example
 * ```ts
 * const v = classicalFeatures(clip);                        // Float64Array(28), clip at 22050 Hz
 * const byName = Object.fromEntries(CLASSICAL_FEATURE_NAMES.map((n, i) => [n, v[i]]));
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link ShapeError} for fewer than
 *   {@link CLASSICAL_MIN_SAMPLES} samples, {@link NonFiniteError} for NaN/Infinity,
 *   {@link InvalidArgumentError} for a bad sample rate.
 */
export function classicalFeatures(y: Signal, options: ClassicalFeatureOptions = {}): Float64Array {
  const fn = 'classicalFeatures';
  checkSignal(fn, y, CLASSICAL_MIN_SAMPLES, 'y');
  const sampleRate = options.sampleRate ?? 22050;
  checkPositive(fn, 'sampleRate', sampleRate);
  const n = y.length;
  const frame = { nFft: n, hopLength: n + 1 };
  const S = spectrogram(y, { ...frame, power: 1 });
  // librosa.feature.mfcc: |stft|**2 in float32, mel, power_to_db, DCT
  const P = new Float32Array(S.size);
  for (let i = 0; i < P.length; i++) P[i] = Math.fround(S.data[i]! * S.data[i]!);
  const mel = melFromSpectrogram(new Tensor('float32', P, S.dims), { sampleRate, nFft: n });
  const mfcc = mfccFromLogMel(powerToDb(mel), { nMfcc: 10 });
  const spectral = { sampleRate, ...frame };
  const out = new Float64Array(CLASSICAL_FEATURE_NAMES.length);
  let k = 0;
  for (let i = 0; i < 10; i++) out[k++] = mfcc.data[i]!;
  out[k++] = zeroCrossingRate(y, { frameLength: n, hopLength: n + 1 }).data[0]!;
  out[k++] = frameRms(y, { frameLength: n, hopLength: n + 1 }).data[0]!;
  out[k++] = spectralRolloff(S, spectral).data[0]!;
  out[k++] = spectralCentroid(S, spectral).data[0]!;
  out[k++] = spectralBandwidth(S, spectral).data[0]!;
  const contrast = spectralContrast(S, spectral).data;
  for (let i = 0; i < 7; i++) out[k++] = contrast[i]!;
  out[k++] = spectralFlatness(S, spectral).data[0]!;
  out[k++] = permutationEntropy(y, { order: 3, delay: 1, normalize: true });
  out[k++] = spectralEntropy(y, sampleRate, { normalize: true });
  out[k++] = svdEntropy(y, { order: 3, delay: 1, normalize: true });
  const h = hjorthParameters(y);
  out[k++] = h.mobility;
  out[k++] = h.complexity;
  return out;
}
