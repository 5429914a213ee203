import { type Audio, InvalidArgumentError, type Rng } from '@instr/core';
import type { TransformOptions } from '../transform.js';
import { checkInteger, checkNumber, checkRange, mapChannels } from '../util.js';
import { WaveformBase } from './basic.js';

/**
 * RBJ Audio-EQ-Cookbook filter types.
 * @example
 * ```ts
 * const type: BiquadType = 'peaking';
 * biquad(type, 1000, 22050, 1, 3);
 * ```
 */
export type BiquadType = 'lowpass' | 'highpass' | 'bandpass' | 'notch' | 'peaking' | 'lowshelf' | 'highshelf';

/**
 * Normalised biquad coefficients (a0 = 1): y[n] = b0 x[n] + b1 x[n−1] + b2 x[n−2] − a1 y[n−1] − a2 y[n−2].
 * @example
 * ```ts
 * const { b0, b1, b2, a1, a2 }: Biquad = biquad('lowpass', 1000, 22050);
 * ```
 */
export interface Biquad {
  readonly b0: number;
  readonly b1: number;
  readonly b2: number;
  readonly a1: number;
  readonly a2: number;
}

/**
 * Designs a biquad with Robert Bristow-Johnson's Audio EQ Cookbook formulas.
 * `bandpass` has 0 dB peak gain; `gainDb` is used by `peaking` and the shelves; shelves take `q` as their
 * Q (0.7071 gives the cookbook's shelf slope S = 1). Frequencies are clamped below Nyquist.
 * @throws {@link InvalidArgumentError} for a non-positive frequency, sample rate or Q.
 * @example
 * ```ts
 * const lp = biquad('lowpass', 1000, 22050);           // Butterworth (Q = 1/√2)
 * const y = filterBiquad(x, lp);
 * const bell = biquad('peaking', 2000, 22050, 1.0, 6); // +6 dB bell at 2 kHz
 * ```
 */
export function biquad(
  type: BiquadType,
  frequency: number,
  sampleRate: number,
  q = Math.SQRT1_2,
  gainDb = 0,
): Biquad {
  checkNumber(sampleRate, 'sampleRate', Number.MIN_VALUE);
  checkNumber(frequency, 'frequency', Number.MIN_VALUE);
  checkNumber(q, 'q', Number.MIN_VALUE);
  checkNumber(gainDb, 'gainDb', -200, 200);
  const f = Math.min(frequency, 0.499 * sampleRate);
  const w0 = (2 * Math.PI * f) / sampleRate;
  const cos = Math.cos(w0);
  const alpha = Math.sin(w0) / (2 * q);
  const A = 10 ** (gainDb / 40);
  const sA = 2 * Math.sqrt(A) * alpha;
  let c: [number, number, number, number, number, number];
  switch (type) {
    case 'lowpass':
      c = [(1 - cos) / 2, 1 - cos, (1 - cos) / 2, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'highpass':
      c = [(1 + cos) / 2, -(1 + cos), (1 + cos) / 2, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'bandpass':
      c = [alpha, 0, -alpha, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'notch':
      c = [1, -2 * cos, 1, 1 + alpha, -2 * cos, 1 - alpha];
      break;
    case 'peaking':
      c = [1 + alpha * A, -2 * cos, 1 - alpha * A, 1 + alpha / A, -2 * cos, 1 - alpha / A];
      break;
    case 'lowshelf':
      c = [
        A * (A + 1 - (A - 1) * cos + sA),
        2 * A * (A - 1 - (A + 1) * cos),
        A * (A + 1 - (A - 1) * cos - sA),
        A + 1 + (A - 1) * cos + sA,
        -2 * (A - 1 + (A + 1) * cos),
        A + 1 + (A - 1) * cos - sA,
      ];
      break;
    case 'highshelf':
      c = [
        A * (A + 1 + (A - 1) * cos + sA),
        -2 * A * (A - 1 + (A + 1) * cos),
        A * (A + 1 + (A - 1) * cos - sA),
        A + 1 - (A - 1) * cos + sA,
        2 * (A - 1 - (A + 1) * cos),
        A + 1 - (A - 1) * cos - sA,
      ];
      break;
    default:
      throw new InvalidArgumentError(`Unknown biquad type "${String(type)}".`, {
        details: { key: 'type', actual: type },
      });
  }
  const a0 = c[3];
  return { b0: c[0] / a0, b1: c[1] / a0, b2: c[2] / a0, a1: c[4] / a0, a2: c[5] / a0 };
}

/**
 * Filters `x` through a cascade of biquads (transposed direct form II, float64 state). Returns a new array.
 * @example
 * ```ts
 * const y = filterBiquad(x, [biquad('highpass', 80, 22050), biquad('lowpass', 8000, 22050)]);
 * ```
 */
export function filterBiquad(x: Float32Array, filters: Biquad | readonly Biquad[]): Float32Array {
  const list = Array.isArray(filters) ? (filters as readonly Biquad[]) : [filters as Biquad];
  const out = Float32Array.from(x);
  for (const { b0, b1, b2, a1, a2 } of list) {
    let z1 = 0;
    let z2 = 0;
    for (let i = 0; i < out.length; i++) {
      const v = out[i]!;
      const y = b0 * v + z1;
      z1 = b1 * v - a1 * y + z2;
      z2 = b2 * v - a2 * y;
      out[i] = y;
    }
  }
  return out;
}

/**
 * Magnitude response in dB of a biquad cascade at `frequency` (for tests and plots).
 * @example
 * ```ts
 * biquadResponseDb(biquad('lowpass', 1000, 22050), 1000, 22050); // ≈ −3.01
 * ```
 */
export function biquadResponseDb(
  filters: Biquad | readonly Biquad[],
  frequency: number,
  sampleRate: number,
): number {
  const list = Array.isArray(filters) ? (filters as readonly Biquad[]) : [filters as Biquad];
  const w = (2 * Math.PI * frequency) / sampleRate;
  let db = 0;
  for (const { b0, b1, b2, a1, a2 } of list) {
    // H(e^{jw}) = (b0 + b1 e^{-jw} + b2 e^{-2jw}) / (1 + a1 e^{-jw} + a2 e^{-2jw})
    const nr = b0 + b1 * Math.cos(w) + b2 * Math.cos(2 * w);
    const ni = -(b1 * Math.sin(w) + b2 * Math.sin(2 * w));
    const dr = 1 + a1 * Math.cos(w) + a2 * Math.cos(2 * w);
    const di = -(a1 * Math.sin(w) + a2 * Math.sin(2 * w));
    db += 10 * Math.log10((nr * nr + ni * ni) / (dr * dr + di * di));
  }
  return db;
}

const hzToMel = (f: number) => 2595 * Math.log10(1 + f / 700);
const melToHz = (m: number) => 700 * (10 ** (m / 2595) - 1);

/** Draws a frequency uniformly on the (HTK) mel scale, as torch-audiomentations' filters do. */
function melUniform(rng: Rng, lo: number, hi: number): number {
  return melToHz(rng.uniform(hzToMel(lo), hzToMel(hi)));
}

function filterAudio(x: Audio, filters: readonly Biquad[]): Audio {
  return mapChannels(x, (ch) => filterBiquad(ch, filters));
}

/**
 * Options of {@link LowPassFilter} and {@link HighPassFilter}.
 * @example
 * ```ts
 * new LowPassFilter({ minCutoffHz: 1000, maxCutoffHz: 4000, q: 0.707, stages: 2 });
 * ```
 */
export interface PassFilterOptions extends TransformOptions {
  /** Lowest cutoff in Hz (default 150 for low-pass, 20 for high-pass; torch-audiomentations' defaults). */
  minCutoffHz?: number;
  /** Highest cutoff in Hz (default 7500 for low-pass, 2400 for high-pass). */
  maxCutoffHz?: number;
  /** Q of each biquad (default 1/√2: Butterworth). */
  q?: number;
  /** Number of cascaded biquads (default 1: 12 dB/octave; 2: 24 dB/octave …). */
  stages?: number;
}

abstract class PassFilter extends WaveformBase<{ cutoffHz: number }> {
  readonly range: readonly [number, number];
  readonly q: number;
  readonly stages: number;
  protected abstract readonly type: 'lowpass' | 'highpass';
  constructor(options: PassFilterOptions, defaults: [number, number]) {
    super(options);
    this.range = checkRange(
      options.minCutoffHz ?? defaults[0],
      options.maxCutoffHz ?? defaults[1],
      'cutoffHz',
      [Number.MIN_VALUE, 1e6],
    );
    this.q = checkNumber(options.q ?? Math.SQRT1_2, 'q', Number.MIN_VALUE, 100);
    this.stages = checkInteger(options.stages ?? 1, 'stages', 1, 16);
  }
  protected sample(_x: Audio, rng: Rng) {
    return { cutoffHz: melUniform(rng, this.range[0], this.range[1]) };
  }
  protected process(x: Audio, { cutoffHz }: { cutoffHz: number }): Audio {
    const f = biquad(this.type, cutoffHz, x.sampleRate, this.q);
    return filterAudio(
      x,
      Array.from({ length: this.stages }, () => f),
    );
  }
}

/**
 * Low-pass filter (RBJ biquad, cutoff drawn uniformly on the mel scale).
 * @example
 * ```ts
 * new LowPassFilter({ minCutoffHz: 2000, maxCutoffHz: 6000, stages: 2 }).apply(audio, 1);
 * ```
 */
export class LowPassFilter extends PassFilter {
  readonly name = 'LowPassFilter';
  protected readonly type = 'lowpass' as const;
  constructor(options: PassFilterOptions = {}) {
    super(options, [150, 7500]);
  }
}

/**
 * High-pass filter (RBJ biquad, cutoff drawn uniformly on the mel scale).
 * @example
 * ```ts
 * new HighPassFilter({ maxCutoffHz: 400 }).apply(audio, 1);
 * ```
 */
export class HighPassFilter extends PassFilter {
  readonly name = 'HighPassFilter';
  protected readonly type = 'highpass' as const;
  constructor(options: PassFilterOptions = {}) {
    super(options, [20, 2400]);
  }
}

/**
 * Options of {@link BandPassFilter}.
 * @example
 * ```ts
 * new BandPassFilter({ minCenterHz: 300, maxCenterHz: 3000, minBandwidthFraction: 1, maxBandwidthFraction: 1 });
 * ```
 */
export interface BandPassFilterOptions extends TransformOptions {
  /** Lowest centre frequency in Hz (default 200; torch-audiomentations' defaults throughout). */
  minCenterHz?: number;
  /** Highest centre frequency in Hz (default 4000). */
  maxCenterHz?: number;
  /** Smallest bandwidth as a fraction of the centre frequency (default 0.5). */
  minBandwidthFraction?: number;
  /** Largest bandwidth fraction (default 1.99). */
  maxBandwidthFraction?: number;
}

/**
 * Band-pass filter (RBJ constant-0-dB-peak biquad, Q = 1 / bandwidth fraction).
 * @example
 * ```ts
 * new BandPassFilter().apply(audio, 4).report.params; // { centerHz, bandwidthFraction }
 * ```
 */
export class BandPassFilter extends WaveformBase<{ centerHz: number; bandwidthFraction: number }> {
  readonly name = 'BandPassFilter';
  readonly center: readonly [number, number];
  readonly bandwidth: readonly [number, number];
  constructor(options: BandPassFilterOptions = {}) {
    super(options);
    this.center = checkRange(options.minCenterHz ?? 200, options.maxCenterHz ?? 4000, 'centerHz', [
      Number.MIN_VALUE,
      1e6,
    ]);
    this.bandwidth = checkRange(
      options.minBandwidthFraction ?? 0.5,
      options.maxBandwidthFraction ?? 1.99,
      'bandwidthFraction',
      [1e-3, 100],
    );
  }
  protected sample(_x: Audio, rng: Rng) {
    return {
      centerHz: melUniform(rng, this.center[0], this.center[1]),
      bandwidthFraction: rng.uniform(this.bandwidth[0], this.bandwidth[1]),
    };
  }
  protected process(x: Audio, p: { centerHz: number; bandwidthFraction: number }): Audio {
    return filterAudio(x, [biquad('bandpass', p.centerHz, x.sampleRate, 1 / p.bandwidthFraction)]);
  }
}

/**
 * Options of {@link PeakingEQ}.
 * @example
 * ```ts
 * new PeakingEQ({ minCenterHz: 200, maxCenterHz: 5000, minGainDb: -6, maxGainDb: 6, minQ: 0.7, maxQ: 2 });
 * ```
 */
export interface PeakingEQOptions extends TransformOptions {
  /** Lowest centre frequency in Hz (default 50). */
  minCenterHz?: number;
  /** Highest centre frequency in Hz (default 8000). */
  maxCenterHz?: number;
  /** Smallest gain in dB (default −12). */
  minGainDb?: number;
  /** Largest gain in dB (default 12). */
  maxGainDb?: number;
  /** Smallest Q (default 0.5). */
  minQ?: number;
  /** Largest Q (default 5). */
  maxQ?: number;
}

/**
 * One random peaking (bell) EQ band.
 * @example
 * ```ts
 * new PeakingEQ({ minGainDb: -6, maxGainDb: 6 }).apply(audio, 8).report.params; // { centerHz, gainDb, q }
 * ```
 */
export class PeakingEQ extends WaveformBase<{ centerHz: number; gainDb: number; q: number }> {
  readonly name = 'PeakingEQ';
  readonly center: readonly [number, number];
  readonly gain: readonly [number, number];
  readonly qRange: readonly [number, number];
  constructor(options: PeakingEQOptions = {}) {
    super(options);
    this.center = checkRange(options.minCenterHz ?? 50, options.maxCenterHz ?? 8000, 'centerHz', [
      Number.MIN_VALUE,
      1e6,
    ]);
    this.gain = checkRange(options.minGainDb ?? -12, options.maxGainDb ?? 12, 'gainDb', [-60, 60]);
    this.qRange = checkRange(options.minQ ?? 0.5, options.maxQ ?? 5, 'q', [1e-3, 100]);
  }
  protected sample(_x: Audio, rng: Rng) {
    return {
      centerHz: melUniform(rng, this.center[0], this.center[1]),
      gainDb: rng.uniform(this.gain[0], this.gain[1]),
      q: Math.exp(rng.uniform(Math.log(this.qRange[0]), Math.log(this.qRange[1]))),
    };
  }
  protected process(x: Audio, p: { centerHz: number; gainDb: number; q: number }): Audio {
    return filterAudio(x, [biquad('peaking', p.centerHz, x.sampleRate, p.q, p.gainDb)]);
  }
}

/**
 * Options of {@link ShelfEQ}.
 * @example
 * ```ts
 * new ShelfEQ({ shelf: 'low', minCutoffHz: 80, maxCutoffHz: 300, minGainDb: -6, maxGainDb: 6 });
 * ```
 */
export interface ShelfEQOptions extends TransformOptions {
  /** `low` (default) or `high` shelf. */
  shelf?: 'low' | 'high';
  /** Lowest corner frequency in Hz (default 50 for a low shelf, 2000 for a high shelf). */
  minCutoffHz?: number;
  /** Highest corner frequency in Hz (default 500 for a low shelf, 8000 for a high shelf). */
  maxCutoffHz?: number;
  /** Smallest gain in dB (default −12). */
  minGainDb?: number;
  /** Largest gain in dB (default 12). */
  maxGainDb?: number;
}

/**
 * A random low- or high-shelf EQ (RBJ shelf with slope S = 1).
 * @example
 * ```ts
 * new ShelfEQ({ shelf: 'high', minGainDb: -9, maxGainDb: 3 }).apply(audio, 1);
 * ```
 */
export class ShelfEQ extends WaveformBase<{ cutoffHz: number; gainDb: number }> {
  readonly name = 'ShelfEQ';
  readonly shelf: 'low' | 'high';
  readonly cutoff: readonly [number, number];
  readonly gain: readonly [number, number];
  constructor(options: ShelfEQOptions = {}) {
    super(options);
    this.shelf = options.shelf ?? 'low';
    if (this.shelf !== 'low' && this.shelf !== 'high') {
      throw new InvalidArgumentError(`ShelfEQ: shelf must be 'low' or 'high', got ${String(this.shelf)}.`, {
        details: { key: 'shelf', actual: this.shelf },
      });
    }
    const d = this.shelf === 'low' ? [50, 500] : [2000, 8000];
    this.cutoff = checkRange(options.minCutoffHz ?? d[0]!, options.maxCutoffHz ?? d[1]!, 'cutoffHz', [
      Number.MIN_VALUE,
      1e6,
    ]);
    this.gain = checkRange(options.minGainDb ?? -12, options.maxGainDb ?? 12, 'gainDb', [-60, 60]);
  }
  protected sample(_x: Audio, rng: Rng) {
    return {
      cutoffHz: melUniform(rng, this.cutoff[0], this.cutoff[1]),
      gainDb: rng.uniform(this.gain[0], this.gain[1]),
    };
  }
  protected process(x: Audio, p: { cutoffHz: number; gainDb: number }): Audio {
    return filterAudio(x, [
      biquad(
        this.shelf === 'low' ? 'lowshelf' : 'highshelf',
        p.cutoffHz,
        x.sampleRate,
        Math.SQRT1_2,
        p.gainDb,
      ),
    ]);
  }
}

/**
 * Options of {@link SevenBandEQ}.
 * @example
 * ```ts
 * new SevenBandEQ({ minGainDb: -3, maxGainDb: 3 });
 * ```
 */
export interface SevenBandEQOptions extends TransformOptions {
  /** Smallest gain per band in dB (default −12, as audiomentations' `SevenBandParametricEQ`). */
  minGainDb?: number;
  /** Largest gain per band in dB (default 12). */
  maxGainDb?: number;
}

/**
 * Band centres of {@link SevenBandEQ}: a low shelf, five one-octave bells, a high shelf.
 * @example
 * ```ts
 * SEVEN_BAND_CENTERS_HZ[0]; // 100
 * ```
 */
export const SEVEN_BAND_CENTERS_HZ = [100, 200, 400, 800, 1600, 3200, 6400] as const;

/**
 * A seven-band parametric EQ with an independent random gain per band (the reference system listed a
 * `SEVEN_BAND_EQ` augmentation but never implemented it): low shelf at 100 Hz, bells (Q ≈ 1.41, one octave)
 * at 200–3200 Hz, high shelf at 6400 Hz. Bands at or above Nyquist are skipped.
 * @example
 * ```ts
 * new SevenBandEQ({ minGainDb: -6, maxGainDb: 6 }).apply(audio, 3).report.params.gainsDb; // 7 numbers
 * ```
 */
export class SevenBandEQ extends WaveformBase<{ gainsDb: number[] }> {
  readonly name = 'SevenBandEQ';
  readonly gain: readonly [number, number];
  constructor(options: SevenBandEQOptions = {}) {
    super(options);
    this.gain = checkRange(options.minGainDb ?? -12, options.maxGainDb ?? 12, 'gainDb', [-60, 60]);
  }
  protected sample(_x: Audio, rng: Rng) {
    return { gainsDb: SEVEN_BAND_CENTERS_HZ.map(() => rng.uniform(this.gain[0], this.gain[1])) };
  }
  protected process(x: Audio, { gainsDb }: { gainsDb: number[] }): Audio {
    const filters: Biquad[] = [];
    SEVEN_BAND_CENTERS_HZ.forEach((f, i) => {
      if (f >= x.sampleRate / 2) return;
      const type: BiquadType = i === 0 ? 'lowshelf' : i === 6 ? 'highshelf' : 'peaking';
      filters.push(
        biquad(type, f, x.sampleRate, type === 'peaking' ? Math.SQRT2 : Math.SQRT1_2, gainsDb[i]!),
      );
    });
    return filterAudio(x, filters);
  }
}
