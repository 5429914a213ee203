import { type Audio, audioLength, InvalidArgumentError, type Rng, toMono } from '@instr/core';
import { irfft, rfft } from '@instr/dsp';
import type { TransformOptions } from '../transform.js';
import { checkInteger, checkNumber, checkRange, meanPower, tileTo } from '../util.js';
import { WaveformBase } from './basic.js';
import { ClipCache, type ClipSet } from './clips.js';

/**
 * Named noise colours and their spectral exponent `fDecay` (power spectral density ∝ 1/f^fDecay).
 * @example
 * ```ts
 * colouredNoise(22050, NOISE_COLORS.pink, new Rng(1).fork());
 * ```
 */
export const NOISE_COLORS = { white: 0, pink: 1, brown: 2, blue: -1, violet: -2 } as const;
/**
 * A named noise colour.
 * @example
 * ```ts
 * const colors: NoiseColor[] = ['pink', 'brown'];
 * new ColoredNoise({ colors });
 * ```
 */
export type NoiseColor = keyof typeof NOISE_COLORS;

/**
 * Coloured Gaussian noise: white noise shaped in the frequency domain so its power spectral density falls
 * as 1/f^fDecay (0 white, 1 pink, 2 brown/red, −1 blue, −2 violet), with the DC bin removed, normalised to
 * unit mean power. (torch-audiomentations approximates the 1/f law on a linear grid of √f; this follows the
 * law on the true bin frequencies.)
 * @example
 * ```ts
 * const pink = colouredNoise(22050, 1, new Rng(1).fork());
 * ```
 */
export function colouredNoise(length: number, fDecay: number, rng: Rng): Float32Array {
  checkInteger(length, 'length', 0);
  checkNumber(fDecay, 'fDecay', -10, 10);
  if (length < 2) return new Float32Array(length);
  // Shape a power-of-two block (fast FFT) and keep its first `length` samples.
  let size = 2;
  while (size < length) size *= 2;
  const white = new Float64Array(size);
  rng.fillNormal(white);
  const X = rfft(white);
  X.re[0] = 0;
  X.im[0] = 0;
  for (let k = 1; k < X.re.length; k++) {
    const g = k ** (-fDecay / 2); // amplitude ∝ f^(−fDecay/2); bin index ∝ frequency
    X.re[k]! *= g;
    X.im[k]! *= g;
  }
  const y = irfft(X.re, X.im, size).subarray(0, length);
  let p = 0;
  for (let i = 0; i < length; i++) p += y[i]! * y[i]!;
  p /= length;
  const out = new Float32Array(length);
  if (p > 0) {
    const s = 1 / Math.sqrt(p);
    for (let i = 0; i < length; i++) out[i] = y[i]! * s;
  }
  return out;
}

/**
 * Adds `noise` (one array per channel, or one for all) to `audio` scaled so the signal-to-noise ratio over the
 * whole clip (mean power of all channels) is exactly `snrDb`. Silent audio or silent noise returns a copy.
 */
function addAtSnr(
  audio: Audio,
  noise: readonly Float32Array[],
  snrDb: number,
): { audio: Audio; noiseScale: number } {
  const ps = meanPower(audio.channels);
  const pn = meanPower(noise.length === audio.channels.length ? noise : audio.channels.map(() => noise[0]!));
  const scale = ps > 0 && pn > 0 ? Math.sqrt(ps / (pn * 10 ** (snrDb / 10))) : 0;
  const channels = audio.channels.map((ch, c) => {
    const nz = noise[noise.length === 1 ? 0 : c]!;
    const out = new Float32Array(ch.length);
    for (let i = 0; i < ch.length; i++) out[i] = ch[i]! + scale * nz[i]!;
    return out;
  });
  return { audio: { sampleRate: audio.sampleRate, channels }, noiseScale: scale };
}

/**
 * Options of {@link ColoredNoise}.
 * @example
 * ```ts
 * new ColoredNoise({ minSnrDb: 10, maxSnrDb: 25, minFDecay: 0, maxFDecay: 2 });
 * ```
 */
export interface ColoredNoiseOptions extends TransformOptions {
  /** Lowest SNR in dB (default 3, torch-audiomentations' `AddColoredNoise`; the reference used 3–25). */
  minSnrDb?: number;
  /** Highest SNR in dB (default 30). */
  maxSnrDb?: number;
  /** Lowest spectral exponent (default −2: violet). */
  minFDecay?: number;
  /** Highest spectral exponent (default 2: brown). */
  maxFDecay?: number;
  /** Draw from these named colours instead of the continuous fDecay range. */
  colors?: readonly NoiseColor[];
}

/**
 * Drawn coloured-noise parameters.
 * @example
 * ```ts
 * new ColoredNoise().apply(audio, 1).report.params; // { snrDb: 17.2, fDecay: 0.6 }
 * ```
 */
export interface ColoredNoiseParams {
  readonly snrDb: number;
  readonly fDecay: number;
  readonly color?: NoiseColor;
}

/**
 * Adds coloured Gaussian noise (see {@link colouredNoise}) at a random SNR; independent noise per channel.
 * The SNR is exact: 10·log10(P_signal / P_noise) equals the reported `snrDb`.
 * @example
 * ```ts
 * new ColoredNoise({ colors: ['pink', 'brown'], minSnrDb: 10, maxSnrDb: 20 }).apply(audio, 1).report.params;
 * ```
 */
export class ColoredNoise extends WaveformBase<ColoredNoiseParams> {
  readonly name = 'ColoredNoise';
  readonly snr: readonly [number, number];
  readonly fDecay: readonly [number, number];
  readonly colors: readonly NoiseColor[] | undefined;
  constructor(options: ColoredNoiseOptions = {}) {
    super(options);
    this.snr = checkRange(options.minSnrDb ?? 3, options.maxSnrDb ?? 30, 'snrDb', [-100, 200]);
    this.fDecay = checkRange(options.minFDecay ?? -2, options.maxFDecay ?? 2, 'fDecay', [-10, 10]);
    if (options.colors !== undefined) {
      if (!Array.isArray(options.colors) || options.colors.length === 0) {
        throw new InvalidArgumentError('ColoredNoise: colors must be a non-empty list of noise colours.', {
          details: { key: 'colors' },
        });
      }
      for (const c of options.colors) {
        if (!(c in NOISE_COLORS)) {
          throw new InvalidArgumentError(
            `Unknown noise colour "${c}"; use ${Object.keys(NOISE_COLORS).join(', ')}.`,
            {
              details: { key: 'colors', actual: c },
            },
          );
        }
      }
    }
    this.colors = options.colors ? [...options.colors] : undefined;
  }
  protected sample(_x: Audio, rng: Rng): ColoredNoiseParams {
    const snrDb = rng.uniform(this.snr[0], this.snr[1]);
    if (this.colors) {
      const color = this.colors[rng.int(0, this.colors.length - 1)]!;
      return { snrDb, fDecay: NOISE_COLORS[color], color };
    }
    return { snrDb, fDecay: rng.uniform(this.fDecay[0], this.fDecay[1]) };
  }
  protected process(x: Audio, p: ColoredNoiseParams, noise: Rng): Audio {
    const n = audioLength(x);
    const nz = x.channels.map(() => colouredNoise(n, p.fDecay, noise));
    return addAtSnr(x, nz, p.snrDb).audio;
  }
}

/**
 * Options of {@link BackgroundNoise}.
 * @example
 * ```ts
 * new BackgroundNoise({ clips: noiseClips, minSnrDb: 5, maxSnrDb: 15, p: 0.5 });
 * ```
 */
export interface BackgroundNoiseOptions extends TransformOptions {
  /** The noise clips (required, non-empty). Clips at another sample rate are resampled (and cached). */
  clips: ClipSet;
  /** Lowest SNR in dB (default 3, torch-audiomentations' `AddBackgroundNoise`, as the reference). */
  minSnrDb?: number;
  /** Highest SNR in dB (default 30). */
  maxSnrDb?: number;
}

/**
 * Drawn background-noise parameters: clip index, start offset in the clip, SNR; `silentNoise` when nothing was added.
 * @example
 * ```ts
 * new BackgroundNoise({ clips }).apply(audio, 1).report.params; // { clip: 4, offset: 1200, snrDb: 12.5, silentNoise: false }
 * ```
 */
export interface BackgroundNoiseParams {
  readonly clip: number;
  readonly offset: number;
  readonly snrDb: number;
  readonly silentNoise: boolean;
}

/**
 * Adds a random background clip at a random SNR (exact over the clip). Longer clips are cropped at a random
 * offset; shorter ones are repeated. A clip with the same channel count is added channel by channel,
 * otherwise its mono mix is added to every channel. A silent noise segment adds nothing (reported).
 * @example
 * ```ts
 * const bg = new BackgroundNoise({ clips: noiseClips, minSnrDb: 5, maxSnrDb: 20 });
 * bg.apply(audio, 3).report.params; // { clip, offset, snrDb, silentNoise }
 * ```
 */
export class BackgroundNoise extends WaveformBase<BackgroundNoiseParams> {
  readonly name = 'BackgroundNoise';
  readonly snr: readonly [number, number];
  private readonly clips: ClipCache;
  constructor(options: BackgroundNoiseOptions) {
    super(options);
    if (!options || options.clips === undefined) {
      throw new InvalidArgumentError('BackgroundNoise needs `clips` (an array of Audio or { size, load }).', {
        details: { key: 'clips' },
      });
    }
    this.clips = new ClipCache(options.clips, 'BackgroundNoise');
    this.snr = checkRange(options.minSnrDb ?? 3, options.maxSnrDb ?? 30, 'snrDb', [-100, 200]);
  }
  protected sample(x: Audio, rng: Rng): BackgroundNoiseParams {
    const clip = rng.int(0, this.clips.size - 1);
    const snrDb = rng.uniform(this.snr[0], this.snr[1]);
    const a = this.clips.get(clip, x.sampleRate);
    const m = audioLength(a);
    const n = audioLength(x);
    const offset = m > n ? rng.int(0, m - n) : m > 0 ? rng.int(0, m - 1) : 0;
    const seg = this.segments(a, x, offset);
    return { clip, offset, snrDb, silentNoise: meanPower(seg) === 0 };
  }
  private segments(a: Audio, x: Audio, offset: number): Float32Array[] {
    const n = audioLength(x);
    const chans = a.channels.length === x.channels.length ? a.channels : [toMono(a)];
    return chans.map((ch) => tileTo(ch, n, offset));
  }
  protected process(x: Audio, p: BackgroundNoiseParams): Audio {
    const seg = this.segments(this.clips.get(p.clip, x.sampleRate), x, p.offset);
    return addAtSnr(x, seg, p.snrDb).audio;
  }
}
