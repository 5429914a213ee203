import { melSpectrogram, powerToDb, type Signal } from '../spectral/index.js';
import {
  type OnsetDetectOptions,
  type OnsetStrengthOptions,
  onsetDetectFromEnvelope,
  onsetStrengthFromSpectrogram,
} from './onset.js';
import {
  type BeatTrackOptions,
  type BeatTrackResult,
  beatTrackFromEnvelope,
  type TempoOptions,
  tempoFromEnvelope,
} from './rhythm.js';
import { checkPositive, checkSignal } from './validate.js';

/**
 * Options of {@link onsetStrength}: the flux options plus the mel spectrogram's (librosa defaults).
 * @example
 * ```ts
 * onsetStrength(y, 44100, { nMels: 64, fmax: 8000, detrend: true });
 * ```
 */
export interface OnsetStrengthAudioOptions extends OnsetStrengthOptions {
  /** Number of mel bands. Default 128. */
  nMels?: number;
  /** Lowest mel band edge in Hz. Default 0. */
  fmin?: number;
  /** Highest mel band edge in Hz. Default `sampleRate / 2`. */
  fmax?: number;
}

/**
 * Onset strength envelope of a signal, as `librosa.onset.onset_strength(y=y, sr=sr)`: a 128-band mel power
 * spectrogram (n_fft 2048, hop 512, centred, zero padding), `powerToDb` (ref 1, amin 1e-10, top_db 80), then
 * {@link onsetStrengthFromSpectrogram} (lag 1, mean across bands, centred). One float32 value per frame.
 *
 * @example
 * ```ts
 * const env = onsetStrength(y, 22050);          // Float32Array, 1 + floor(y.length / 512) values
 * const frames = onsetDetectFromEnvelope(env, 22050);
 * ```
 * @throws {@link InvalidArgumentError} for a non-typed-array or empty signal or bad options,
 *   {@link NonFiniteError} for NaN/Infinity samples.
 */
export function onsetStrength(
  y: Signal,
  sampleRate: number,
  options: OnsetStrengthAudioOptions = {},
): Float32Array {
  checkSignal('onsetStrength', y, 1, 'y');
  checkPositive('onsetStrength', 'sampleRate', sampleRate);
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? 512;
  const mel = melSpectrogram(y, {
    sampleRate,
    nFft,
    hopLength,
    nMels: options.nMels ?? 128,
    fmin: options.fmin ?? 0,
    fmax: options.fmax ?? sampleRate / 2,
  });
  return onsetStrengthFromSpectrogram(powerToDb(mel), { ...options, nFft, hopLength });
}

/**
 * Onset frames of a signal, as `librosa.onset.onset_detect(y=y, sr=sr)` ({@link onsetStrength} then
 * {@link onsetDetectFromEnvelope} with librosa's peak-picking defaults). Frame `f` starts at `f·hopLength / sampleRate` s.
 *
 * @example
 * ```ts
 * const onsets = onsetDetect(y, 44100); // Int32Array of frame indices
 * ```
 * @throws as {@link onsetStrength}.
 */
export function onsetDetect(y: Signal, sampleRate: number, options: OnsetDetectOptions = {}): Int32Array {
  const env = onsetStrength(y, sampleRate, { hopLength: options.hopLength ?? 512 });
  return onsetDetectFromEnvelope(env, sampleRate, options);
}

/**
 * Global tempo of a signal in BPM, as `librosa.feature.tempo(y=y, sr=sr)` ({@link onsetStrength} then
 * {@link tempoFromEnvelope}: autocorrelation tempogram over 8 s, log-normal prior around 120 BPM, max 320 BPM).
 *
 * @example
 * ```ts
 * const [bpm] = tempo(y, 22050);
 * ```
 * @throws as {@link onsetStrength} and {@link tempoFromEnvelope}.
 */
export function tempo(y: Signal, sampleRate: number, options: TempoOptions = {}): Float64Array {
  const env = onsetStrength(y, sampleRate, { hopLength: options.hopLength ?? 512 });
  return tempoFromEnvelope(env, sampleRate, options);
}

/**
 * Beat tracking of a signal, as `librosa.beat.beat_track(y=y, sr=sr)`: an onset envelope with the median
 * across mel bands (as librosa's beat tracker builds it), then {@link beatTrackFromEnvelope}
 * (tempo estimate, dynamic programming with tightness 100, trimming of weak end beats).
 *
 * @example
 * ```ts
 * const { tempo: bpm, beats } = beatTrack(y, 22050); // beats in frames of 512 samples
 * ```
 * @throws as {@link onsetStrength} and {@link beatTrackFromEnvelope}.
 */
export function beatTrack(y: Signal, sampleRate: number, options: BeatTrackOptions = {}): BeatTrackResult {
  const env = onsetStrength(y, sampleRate, { hopLength: options.hopLength ?? 512, aggregate: 'median' });
  return beatTrackFromEnvelope(env, sampleRate, options);
}
