import { type Audio, audioLength, InvalidArgumentError, type Rng } from '@instr/core';
import { Transform, type TransformOptions } from '../transform.js';
import {
  checkAudio,
  checkInteger,
  checkRange,
  copyAudio,
  dbToAmplitude,
  mapChannels,
  percentile,
} from '../util.js';

/**
 * Shared base of waveform transforms: validates the audio.
 * @example
 * ```ts
 * const t: WaveformBase<object> = new PolarityInversion();
 * t.apply(audio, 1);
 * ```
 */
export abstract class WaveformBase<P extends object> extends Transform<Audio, P> {
  readonly kind = 'waveform' as const;
  protected override validate(x: Audio): void {
    checkAudio(x, this.name);
  }
}

/**
 * Options of {@link Gain}.
 * @example
 * ```ts
 * new Gain({ minDb: -6, maxDb: 6, p: 0.5 });
 * ```
 */
export interface GainOptions extends TransformOptions {
  /** Smallest gain in dB (default −18, torch-audiomentations' `min_gain_in_db`). */
  minDb?: number;
  /** Largest gain in dB (default 6, torch-audiomentations' `max_gain_in_db`). */
  maxDb?: number;
}

/**
 * Multiplies the signal by a gain drawn uniformly in dB. Never clips.
 * @example
 * ```ts
 * new Gain({ minDb: -6, maxDb: 6 }).apply(audio, 1).report.params; // { gainDb: … }
 * ```
 */
export class Gain extends WaveformBase<{ gainDb: number }> {
  readonly name = 'Gain';
  readonly range: readonly [number, number];
  constructor(options: GainOptions = {}) {
    super(options);
    this.range = checkRange(options.minDb ?? -18, options.maxDb ?? 6, 'db', [-200, 200]);
  }
  protected sample(_x: Audio, rng: Rng) {
    return { gainDb: rng.uniform(this.range[0], this.range[1]) };
  }
  protected process(x: Audio, { gainDb }: { gainDb: number }): Audio {
    const g = dbToAmplitude(gainDb);
    return mapChannels(x, (ch) => ch.map((v) => v * g));
  }
}

/**
 * Flips the sign of every sample (what the reference system's "TIMEINV" really did).
 * @example
 * ```ts
 * new PolarityInversion({ p: 0.5 }).apply(audio, 3);
 * ```
 */
export class PolarityInversion extends WaveformBase<Record<string, never>> {
  readonly name = 'PolarityInversion';
  protected sample() {
    return {};
  }
  protected process(x: Audio): Audio {
    return mapChannels(x, (ch) => ch.map((v) => -v));
  }
}

/**
 * Plays the audio backwards (true time reversal).
 * @example
 * ```ts
 * new TimeReversal({ p: 0.5 }).apply(audio, 3);
 * ```
 */
export class TimeReversal extends WaveformBase<Record<string, never>> {
  readonly name = 'TimeReversal';
  protected sample() {
    return {};
  }
  protected process(x: Audio): Audio {
    return mapChannels(x, (ch) => ch.slice().reverse());
  }
}

/**
 * Options of {@link TimeShift}.
 * @example
 * ```ts
 * new TimeShift({ min: -0.2, max: 0.2, unit: 'seconds', rollover: false });
 * ```
 */
export interface TimeShiftOptions extends TransformOptions {
  /** Smallest shift (default −0.5; negative = earlier). torch-audiomentations' `Shift` defaults. */
  min?: number;
  /** Largest shift (default 0.5). */
  max?: number;
  /** Unit of `min`/`max`: `fraction` of the length (default) or `seconds`. */
  unit?: 'fraction' | 'seconds';
  /** Wrap samples around (default true); false shifts in zeros. */
  rollover?: boolean;
}

/**
 * Shifts the audio in time by a random amount, rolling it around or padding with zeros.
 * @example
 * ```ts
 * new TimeShift({ min: -0.25, max: 0.25, rollover: false }).apply(audio, 5).report.params; // { shift, samples }
 * ```
 */
export class TimeShift extends WaveformBase<{ shift: number; samples: number }> {
  readonly name = 'TimeShift';
  readonly range: readonly [number, number];
  readonly unit: 'fraction' | 'seconds';
  readonly rollover: boolean;
  constructor(options: TimeShiftOptions = {}) {
    super(options);
    this.unit = options.unit ?? 'fraction';
    if (this.unit !== 'fraction' && this.unit !== 'seconds') {
      throw new InvalidArgumentError(
        `TimeShift: unit must be 'fraction' or 'seconds', got ${String(this.unit)}.`,
        {
          details: { key: 'unit', actual: this.unit },
        },
      );
    }
    const bound = this.unit === 'fraction' ? 1 : 3600;
    this.range = checkRange(options.min ?? -0.5, options.max ?? 0.5, 'shift', [-bound, bound]);
    this.rollover = options.rollover ?? true;
  }
  protected sample(x: Audio, rng: Rng) {
    const shift = rng.uniform(this.range[0], this.range[1]);
    const n = audioLength(x);
    const samples = Math.round(this.unit === 'fraction' ? shift * n : shift * x.sampleRate);
    return { shift, samples };
  }
  protected process(x: Audio, { samples }: { samples: number }): Audio {
    return mapChannels(x, (ch) => shiftArray(ch, samples, this.rollover));
  }
}

/**
 * Shifts `x` by `k` samples (positive = later), rolling or zero-filling.
 * @example
 * ```ts
 * shiftArray(Float32Array.of(1, 2, 3), 1, true);  // [3, 1, 2]
 * shiftArray(Float32Array.of(1, 2, 3), 1, false); // [0, 1, 2]
 * ```
 */
export function shiftArray(x: Float32Array, k: number, rollover: boolean): Float32Array {
  const n = x.length;
  const out = new Float32Array(n);
  if (n === 0) return out;
  if (rollover) {
    const s = ((k % n) + n) % n;
    out.set(x.subarray(n - s), 0);
    out.set(x.subarray(0, n - s), s);
  } else if (k >= 0) {
    if (k < n) out.set(x.subarray(0, n - k), k);
  } else if (-k < n) {
    out.set(x.subarray(-k), 0);
  }
  return out;
}

/**
 * Options of {@link TimeMask}.
 * @example
 * ```ts
 * new TimeMask({ minFraction: 0.05, maxFraction: 0.1, count: 3 });
 * ```
 */
export interface TimeMaskOptions extends TransformOptions {
  /** Smallest masked fraction of the length (default 0). */
  minFraction?: number;
  /** Largest masked fraction of the length (default 0.3, the reference system's `time_mask_max_percentage`). */
  maxFraction?: number;
  /** Number of masks (default 1). */
  count?: number;
}

/**
 * Silences random contiguous runs of samples (each of length ~ U(minFraction, maxFraction) × length).
 * @example
 * ```ts
 * new TimeMask({ maxFraction: 0.1, count: 2 }).apply(audio, 9).report.params; // { masks: [[start, end], …] }
 * ```
 */
export class TimeMask extends WaveformBase<{ masks: [number, number][] }> {
  readonly name = 'TimeMask';
  readonly range: readonly [number, number];
  readonly count: number;
  constructor(options: TimeMaskOptions = {}) {
    super(options);
    this.range = checkRange(options.minFraction ?? 0, options.maxFraction ?? 0.3, 'fraction', [0, 1]);
    this.count = checkInteger(options.count ?? 1, 'count', 0, 1000);
  }
  protected sample(x: Audio, rng: Rng) {
    const n = audioLength(x);
    const masks: [number, number][] = [];
    for (let m = 0; m < this.count; m++) {
      const len = Math.min(n, Math.round(rng.uniform(this.range[0], this.range[1]) * n));
      const start = rng.int(0, n - len);
      masks.push([start, start + len]);
    }
    return { masks };
  }
  protected process(x: Audio, { masks }: { masks: [number, number][] }): Audio {
    const out = copyAudio(x);
    for (const ch of out.channels) for (const [s, e] of masks) (ch as Float32Array).fill(0, s, e);
    return out;
  }
}

/**
 * Options of {@link Clipping}.
 * @example
 * ```ts
 * new Clipping({ minPercentile: 5, maxPercentile: 20 });
 * ```
 */
export interface ClippingOptions extends TransformOptions {
  /** Smallest percentage of samples to clip (default 0; audiomentations' `ClippingDistortion`). */
  minPercentile?: number;
  /** Largest percentage of samples to clip (default 40). */
  maxPercentile?: number;
}

/**
 * Hard-clips the waveform at a threshold chosen so that a random percentage of the samples
 * (by absolute value) is clipped — a distortion augmentation (audiomentations' `ClippingDistortion`).
 * @example
 * ```ts
 * new Clipping({ maxPercentile: 20 }).apply(audio, 2).report.params; // { percentile, threshold }
 * ```
 */
export class Clipping extends WaveformBase<{ percentile: number; threshold: number }> {
  readonly name = 'Clipping';
  readonly range: readonly [number, number];
  constructor(options: ClippingOptions = {}) {
    super(options);
    this.range = checkRange(options.minPercentile ?? 0, options.maxPercentile ?? 40, 'percentile', [0, 100]);
  }
  protected sample(x: Audio, rng: Rng) {
    const q = rng.uniform(this.range[0], this.range[1]);
    const n = audioLength(x);
    const abs = new Float32Array(n * x.channels.length);
    x.channels.forEach((ch, c) => {
      for (let i = 0; i < n; i++) abs[c * n + i] = Math.abs(ch[i]!);
    });
    return { percentile: q, threshold: percentile(abs, 100 - q) };
  }
  protected process(x: Audio, { threshold }: { threshold: number }): Audio {
    const t = threshold;
    return mapChannels(x, (ch) => ch.map((v) => Math.min(t, Math.max(v, -t))));
  }
}
