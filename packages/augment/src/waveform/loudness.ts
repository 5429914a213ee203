import type { Audio, Rng } from '@instr/core';
import { integratedLoudness } from '@instr/dsp';
import type { TransformOptions } from '../transform.js';
import { checkNumber, checkRange, dbToAmplitude, mapChannels, peak } from '../util.js';
import { WaveformBase } from './basic.js';

/**
 * Options of {@link LoudnessNormalization}.
 * @example
 * ```ts
 * new LoudnessNormalization({ minLufs: -23, maxLufs: -14, peakLimit: 1 });
 * ```
 */
export interface LoudnessNormalizationOptions extends TransformOptions {
  /** Lowest target in LUFS (default −31, audiomentations' `LoudnessNormalization`). */
  minLufs?: number;
  /** Highest target in LUFS (default −13). The reference system's NORM_AFTER_TIME_AUGS used −12 for both. */
  maxLufs?: number;
  /** Cap the gain so the peak stays ≤ this (default: no cap, as pyloudnorm; the loudness then ends lower). */
  peakLimit?: number;
}

/**
 * Drawn loudness parameters; `measuredLufs` is null (and nothing changes) for silence or clips under 400 ms.
 * @example
 * ```ts
 * new LoudnessNormalization().apply(audio, 1).report.params; // { targetLufs, measuredLufs, gainDb }
 * ```
 */
export interface LoudnessParams {
  readonly targetLufs: number;
  readonly measuredLufs: number | null;
  readonly gainDb: number;
}

/**
 * Scales the audio to a random integrated loudness (EBU R128 / BS.1770, `@instr/dsp`'s
 * `integratedLoudness`). Silent or too-short audio (loudness −∞) passes through unchanged.
 * @example
 * ```ts
 * new LoudnessNormalization({ minLufs: -12, maxLufs: -12 }).apply(audio, 1).report.params; // { targetLufs: -12, … }
 * ```
 */
export class LoudnessNormalization extends WaveformBase<LoudnessParams> {
  readonly name = 'LoudnessNormalization';
  readonly range: readonly [number, number];
  readonly peakLimit: number | undefined;
  constructor(options: LoudnessNormalizationOptions = {}) {
    super(options);
    this.range = checkRange(options.minLufs ?? -31, options.maxLufs ?? -13, 'lufs', [-70, 20]);
    this.peakLimit =
      options.peakLimit === undefined
        ? undefined
        : checkNumber(options.peakLimit, 'peakLimit', Number.MIN_VALUE);
  }
  protected sample(x: Audio, rng: Rng): LoudnessParams {
    const targetLufs = rng.uniform(this.range[0], this.range[1]);
    const measured = x.channels[0]!.length === 0 ? -Infinity : integratedLoudness(x);
    if (!Number.isFinite(measured)) return { targetLufs, measuredLufs: null, gainDb: 0 };
    let gainDb = targetLufs - measured;
    if (this.peakLimit !== undefined) {
      const pk = peak(x.channels);
      if (pk > 0) gainDb = Math.min(gainDb, 20 * Math.log10(this.peakLimit / pk));
    }
    return { targetLufs, measuredLufs: measured, gainDb };
  }
  protected process(x: Audio, { gainDb }: LoudnessParams): Audio {
    const g = dbToAmplitude(gainDb);
    return mapChannels(x, (ch) => (gainDb === 0 ? ch.slice() : ch.map((v) => v * g)));
  }
}
