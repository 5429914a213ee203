import { type Audio, InvalidArgumentError, type Rng, Tensor } from '@instr/core';
import { istft, resample, stft } from '@instr/dsp';
import type { TransformOptions } from '../transform.js';
import { checkInteger, checkNumber, checkRange, fixLength, mapChannels } from '../util.js';
import { WaveformBase } from './basic.js';

/**
 * Smallest stretch rate accepted (a rate of 0.05 makes audio 20 times longer).
 * @example
 * ```ts
 * timeStretch(y, MIN_STRETCH_RATE); // the slowest stretch accepted (20× longer)
 * ```
 */
export const MIN_STRETCH_RATE = 0.05;
/**
 * Largest stretch rate accepted (20 times shorter).
 * @example
 * ```ts
 * timeStretch(y, MAX_STRETCH_RATE); // the fastest stretch accepted (20× shorter)
 * ```
 */
export const MAX_STRETCH_RATE = 20;

/**
 * Options of {@link timeStretch} and {@link pitchShift}.
 * @example
 * ```ts
 * timeStretch(y, 0.9, { nFft: 4096, hopLength: 1024, phaseLocking: true });
 * ```
 */
export interface VocoderOptions {
  /** FFT size (default 2048, librosa's). */
  nFft?: number;
  /** Hop (default nFft / 4 = 512, librosa's). */
  hopLength?: number;
  /**
   * Laroche–Dolson identity phase locking (default true): bins around each spectral peak keep their analysis
   * phase relation to the peak, which removes most of the "phasiness" of the plain phase vocoder.
   * `false` gives librosa's plain phase vocoder.
   */
  phaseLocking?: boolean;
}

function resolve(options: VocoderOptions): { nFft: number; hop: number; locking: boolean } {
  const nFft = checkInteger(options.nFft ?? 2048, 'nFft', 16, 1 << 16);
  const hop = checkInteger(options.hopLength ?? Math.floor(nFft / 4), 'hopLength', 1, nFft);
  return { nFft, hop, locking: options.phaseLocking ?? true };
}

function checkRate(rate: number, key = 'rate'): number {
  if (typeof rate !== 'number' || !Number.isFinite(rate) || rate <= 0) {
    throw new InvalidArgumentError(`${key} must be a finite number > 0, got ${String(rate)}.`, {
      details: { key, expected: '> 0', actual: rate },
    });
  }
  return checkNumber(rate, key, MIN_STRETCH_RATE, MAX_STRETCH_RATE);
}

const TWO_PI = 2 * Math.PI;

/**
 * Time-stretches a mono signal by `rate` (> 1 faster/shorter, < 1 slower/longer) keeping its pitch, with a
 * phase vocoder (librosa's STFT framing: Hann, nFft 2048, hop 512, centred) and, by default, identity phase
 * locking. The output has `round(n / rate)` samples, as `librosa.effects.time_stretch`.
 * @throws {@link InvalidArgumentError} for a rate ≤ 0, outside [0.05, 20], or NaN.
 * @example
 * ```ts
 * const slower = timeStretch(y, 0.8);            // 25 % longer, same pitch
 * const plain = timeStretch(y, 1.25, { phaseLocking: false }); // librosa's algorithm
 * ```
 */
export function timeStretch(y: Float32Array, rate: number, options: VocoderOptions = {}): Float32Array {
  checkRate(rate);
  const { nFft, hop, locking } = resolve(options);
  const outLength = Math.round(y.length / rate);
  if (y.length === 0 || outLength === 0) return new Float32Array(outLength);
  if (rate === 1) return y.slice();
  const S = stft(y, { nFft, hopLength: hop });
  const bins = S.re.dims[0]!;
  const frames = S.re.dims[1]!;
  const re = S.re.data;
  const im = S.im.data;
  // Magnitudes and phases, frame-major (row t = frame t), with two zero frames appended as librosa does.
  const F = frames + 2;
  const mag = new Float32Array(bins * F);
  const pha = new Float32Array(bins * F);
  for (let k = 0; k < bins; k++) {
    let o = k;
    for (let t = 0, i = k * frames; t < frames; t++, i++, o += bins) {
      const r = re[i]!;
      const q = im[i]!;
      mag[o] = Math.sqrt(r * r + q * q);
      pha[o] = Math.atan2(q, r);
    }
  }
  const steps: number[] = [];
  for (let t = 0; t < frames; t += rate) steps.push(t);
  const T = steps.length;
  const outRe = new Float32Array(bins * T);
  const outIm = new Float32Array(bins * T);
  const advance = new Float64Array(bins);
  for (let k = 0; k < bins; k++) advance[k] = (TWO_PI * hop * k) / nFft;
  const phase = new Float64Array(bins); // synthesis phase of the current output frame
  for (let k = 0; k < bins; k++) phase[k] = pha[k]!;
  const m = new Float64Array(bins);
  const peaks = new Int32Array(bins);
  for (let s = 0; s < T; s++) {
    const t = steps[s]!;
    const c = Math.floor(t);
    const a = t - c;
    const r0 = c * bins;
    const r1 = r0 + bins;
    // Output this frame: interpolated magnitude, current synthesis phase.
    for (let k = 0, o = s; k < bins; k++, o += T) {
      const mk = (1 - a) * mag[r0 + k]! + a * mag[r1 + k]!;
      const ph = phase[k]!;
      outRe[o] = mk * Math.cos(ph);
      outIm[o] = mk * Math.sin(ph);
    }
    // Advance every bin by its instantaneous frequency (the plain phase vocoder).
    for (let k = 0; k < bins; k++) {
      const dp = pha[r1 + k]! - pha[r0 + k]! - advance[k]!;
      phase[k] = phase[k]! + advance[k]! + (dp - TWO_PI * Math.round(dp / TWO_PI));
    }
    if (locking && s + 1 < T) {
      // Identity phase locking (Laroche & Dolson 1999) on the next output frame: peaks keep the phase they
      // advanced to; every other bin keeps its analysis phase offset from the peak whose region it lies in.
      const t2 = steps[s + 1]!;
      const c2 = Math.floor(t2);
      const a2 = t2 - c2;
      const q0 = c2 * bins;
      const q1 = q0 + bins;
      const ref = (a2 < 0.5 ? c2 : c2 + 1) * bins;
      for (let k = 0; k < bins; k++) m[k] = (1 - a2) * mag[q0 + k]! + a2 * mag[q1 + k]!;
      let np = 0;
      for (let k = 0; k < bins; k++) {
        const v = m[k]!;
        if (v <= 0) continue;
        if (k >= 1 && v <= m[k - 1]!) continue;
        if (k >= 2 && v <= m[k - 2]!) continue;
        if (k + 1 < bins && v < m[k + 1]!) continue;
        if (k + 2 < bins && v < m[k + 2]!) continue;
        peaks[np++] = k;
      }
      let lo = 0;
      for (let p = 0; p < np; p++) {
        const pk = peaks[p]!;
        let hi = bins;
        if (p + 1 < np) {
          // region boundary: the lowest-magnitude bin between this peak and the next
          const q = peaks[p + 1]!;
          let best = pk + 1;
          for (let k = pk + 2; k < q; k++) if (m[k]! < m[best]!) best = k;
          hi = best;
        }
        const base = phase[pk]! - pha[ref + pk]!;
        for (let k = lo; k < hi; k++) if (k !== pk) phase[k] = base + pha[ref + k]!;
        lo = hi;
      }
    }
    for (let k = 0; k < bins; k++) {
      const v = phase[k]!;
      phase[k] = v - TWO_PI * Math.round(v / TWO_PI);
    }
  }
  return istft(
    { re: new Tensor('float32', outRe, [bins, T]), im: new Tensor('float32', outIm, [bins, T]) },
    { hopLength: hop, nFft, length: outLength },
  );
}

/**
 * Shifts the pitch of a mono signal by `semitones` keeping its duration: time-stretch by 2^(−k/12), then
 * resample from `sr·2^(−k/12)` to `sr` (librosa's `effects.pitch_shift` recipe, with this package's phase
 * vocoder and `@instr/dsp`'s band-limited resampler). Returns `y.length` samples.
 * @throws {@link InvalidArgumentError} for a non-finite shift or one beyond ±48 semitones.
 * @example
 * ```ts
 * const up = pitchShift(y, 22050, 2);   // a whole tone up
 * const down = pitchShift(y, 22050, -12); // an octave down
 * ```
 */
export function pitchShift(
  y: Float32Array,
  sampleRate: number,
  semitones: number,
  options: VocoderOptions = {},
): Float32Array {
  checkNumber(semitones, 'semitones', -48, 48);
  checkNumber(sampleRate, 'sampleRate', Number.MIN_VALUE);
  if (y.length === 0 || semitones === 0) return y.slice();
  const rate = 2 ** (-semitones / 12);
  const stretched = timeStretch(y, rate, options);
  if (stretched.length === 0) return new Float32Array(y.length);
  return fixLength(resample(stretched, sampleRate / rate, sampleRate), y.length);
}

/**
 * Options of {@link TimeStretch}.
 * @example
 * ```ts
 * new TimeStretch({ minRate: 0.9, maxRate: 1.1, keepLength: true, phaseLocking: false });
 * ```
 */
export interface TimeStretchOptions extends TransformOptions, VocoderOptions {
  /** Smallest rate (default 0.8, the reference system's `stretch_factors`). */
  minRate?: number;
  /** Largest rate (default 1.25). */
  maxRate?: number;
  /**
   * Crop or zero-pad the result back to the input length (default false: the length changes by 1/rate, as
   * librosa — the reference system's behaviour, which it did not trim).
   */
  keepLength?: boolean;
}

/**
 * Random time stretch (rate ~ U(minRate, maxRate)) with a phase-locked phase vocoder; pitch is preserved.
 * @example
 * ```ts
 * new TimeStretch({ keepLength: true }).apply(audio, 4).report.params; // { rate }
 * ```
 */
export class TimeStretch extends WaveformBase<{ rate: number }> {
  readonly name = 'TimeStretch';
  readonly range: readonly [number, number];
  readonly keepLength: boolean;
  readonly vocoder: VocoderOptions;
  constructor(options: TimeStretchOptions = {}) {
    super(options);
    const lo = checkRate(options.minRate ?? 0.8, 'minRate');
    const hi = checkRate(options.maxRate ?? 1.25, 'maxRate');
    this.range = checkRange(lo, hi, 'rate');
    this.keepLength = options.keepLength ?? false;
    resolve(options);
    this.vocoder = {
      nFft: options.nFft,
      hopLength: options.hopLength,
      phaseLocking: options.phaseLocking,
    } as VocoderOptions;
  }
  protected sample(_x: Audio, rng: Rng) {
    return { rate: rng.uniform(this.range[0], this.range[1]) };
  }
  protected process(x: Audio, { rate }: { rate: number }): Audio {
    return mapChannels(x, (ch) => {
      const y = timeStretch(ch, rate, this.vocoder);
      return this.keepLength ? fixLength(y, ch.length) : y;
    });
  }
}

/**
 * Options of {@link PitchShift}.
 * @example
 * ```ts
 * new PitchShift({ minSemitones: -1, maxSemitones: 1, nFft: 4096 });
 * ```
 */
export interface PitchShiftOptions extends TransformOptions, VocoderOptions {
  /** Lowest shift in semitones (default −2, the reference system's `min_transpose_semitones`). */
  minSemitones?: number;
  /** Highest shift in semitones (default 2). */
  maxSemitones?: number;
}

/**
 * Random pitch shift (semitones ~ U(min, max)), duration preserved.
 * @example
 * ```ts
 * new PitchShift({ minSemitones: -1, maxSemitones: 1 }).apply(audio, 2).report.params; // { semitones }
 * ```
 */
export class PitchShift extends WaveformBase<{ semitones: number }> {
  readonly name = 'PitchShift';
  readonly range: readonly [number, number];
  readonly vocoder: VocoderOptions;
  constructor(options: PitchShiftOptions = {}) {
    super(options);
    this.range = checkRange(options.minSemitones ?? -2, options.maxSemitones ?? 2, 'semitones', [-48, 48]);
    resolve(options);
    this.vocoder = {
      nFft: options.nFft,
      hopLength: options.hopLength,
      phaseLocking: options.phaseLocking,
    } as VocoderOptions;
  }
  protected sample(_x: Audio, rng: Rng) {
    return { semitones: rng.uniform(this.range[0], this.range[1]) };
  }
  protected process(x: Audio, { semitones }: { semitones: number }): Audio {
    return mapChannels(x, (ch) => pitchShift(ch, x.sampleRate, semitones, this.vocoder));
  }
}
