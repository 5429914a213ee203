import { type Audio, audioLength, type Rng, toMono } from '@instr/core';
import { getRealFFTPlan, integratedLoudness } from '@instr/dsp';
import type { TransformOptions } from '../transform.js';
import { checkRange, meanPower } from '../util.js';
import { WaveformBase } from './basic.js';
import { ClipCache, type ClipSet } from './clips.js';

/**
 * Smallest n ≥ `min` whose only prime factors are 2, 3 and 5 (fast FFT sizes).
 * @example
 * ```ts
 * fastFftSize(1000); // 1000 (2³·5³)
 * fastFftSize(1001); // 1024
 * ```
 */
export function fastFftSize(min: number): number {
  let best = Infinity;
  for (let p2 = 1; p2 < 2 * min + 2; p2 *= 2) {
    for (let p3 = p2; p3 < 2 * min + 2; p3 *= 3) {
      for (let p5 = p3; p5 < 2 * min + 2; p5 *= 5) if (p5 >= min && p5 < best) best = p5;
    }
  }
  return best;
}

/**
 * Linear convolution of `x` and `h` by FFT (one transform of a fast size ≥ len(x) + len(h) − 1).
 * Returns `len(x) + len(h) − 1` samples.
 * @example
 * ```ts
 * const wet = fftConvolve(dry, impulseResponse);
 * ```
 */
export function fftConvolve(x: Float32Array, h: Float32Array): Float32Array {
  if (x.length === 0 || h.length === 0) return new Float32Array(0);
  const full = x.length + h.length - 1;
  if (Math.min(x.length, h.length) <= 32) {
    const out = new Float64Array(full);
    for (let i = 0; i < x.length; i++) {
      const v = x[i]!;
      for (let j = 0; j < h.length; j++) out[i + j]! += v * h[j]!;
    }
    return Float32Array.from(out);
  }
  let n = 1;
  while (n < full) n *= 2;
  const plan = getRealFFTPlan(n);
  const xr = new Float64Array(plan.bins);
  const xi = new Float64Array(plan.bins);
  const hr = new Float64Array(plan.bins);
  const hi = new Float64Array(plan.bins);
  const buf = new Float64Array(n);
  buf.set(x);
  plan.forward(buf, xr, xi);
  buf.fill(0);
  buf.set(h);
  plan.forward(buf, hr, hi);
  for (let k = 0; k < plan.bins; k++) {
    const r = xr[k]! * hr[k]! - xi[k]! * hi[k]!;
    xi[k] = xr[k]! * hi[k]! + xi[k]! * hr[k]!;
    xr[k] = r;
  }
  plan.inverse(xr, xi, buf);
  return Float32Array.from(buf.subarray(0, full));
}

/**
 * Options of {@link Reverb}.
 * @example
 * ```ts
 * new Reverb({ impulseResponses: irs, minWet: 0.2, maxWet: 0.6, keepTail: false, level: 'loudness' });
 * ```
 */
export interface ReverbOptions extends TransformOptions {
  /** Room impulse responses (required, non-empty); resampled to the audio's rate when needed. */
  impulseResponses: ClipSet;
  /** Smallest wet share (default 0.25): output = (1 − wet)·dry + wet·reverberated. */
  minWet?: number;
  /** Largest wet share (default 1: fully reverberated, as audiomentations' `ApplyImpulseResponse`). */
  maxWet?: number;
  /** Drop the IR's samples before its peak so the direct sound is not delayed (default true). */
  alignToPeak?: boolean;
  /** Keep the reverb tail (output longer by len(IR) − 1; default false: same length as the input). */
  keepTail?: boolean;
  /**
   * Level of the reverberated signal: `rms` (default) matches its RMS to the dry signal so the wet/dry share
   * means what it says; `loudness` matches EBU R128 loudness (falls back to RMS for clips under 400 ms);
   * `none` keeps the IR's own gain.
   */
  level?: 'rms' | 'loudness' | 'none';
}

/**
 * Drawn reverb parameters.
 * @example
 * ```ts
 * new Reverb({ impulseResponses: irs }).apply(audio, 1).report.params; // { ir: 2, wet: 0.41 }
 * ```
 */
export interface ReverbParams {
  readonly ir: number;
  readonly wet: number;
}

/**
 * Convolution reverb with a random impulse response from a set, mixed wet/dry (FFT convolution).
 * A multichannel IR with the audio's channel count is applied per channel; otherwise its mono mix is used.
 * @example
 * ```ts
 * const rev = new Reverb({ impulseResponses: irs, minWet: 0.3, maxWet: 0.8 });
 * rev.apply(audio, 1).report.params; // { ir, wet }
 * ```
 */
export class Reverb extends WaveformBase<ReverbParams> {
  readonly name = 'Reverb';
  readonly wet: readonly [number, number];
  readonly alignToPeak: boolean;
  readonly keepTail: boolean;
  readonly level: 'rms' | 'loudness' | 'none';
  private readonly irs: ClipCache;
  constructor(options: ReverbOptions) {
    super(options);
    this.irs = new ClipCache(options?.impulseResponses as ClipSet, 'Reverb');
    this.wet = checkRange(options.minWet ?? 0.25, options.maxWet ?? 1, 'wet', [0, 1]);
    this.alignToPeak = options.alignToPeak ?? true;
    this.keepTail = options.keepTail ?? false;
    this.level = options.level ?? 'rms';
  }
  protected sample(_x: Audio, rng: Rng): ReverbParams {
    return { ir: rng.int(0, this.irs.size - 1), wet: rng.uniform(this.wet[0], this.wet[1]) };
  }
  protected process(x: Audio, p: ReverbParams): Audio {
    const ir = this.irs.get(p.ir, x.sampleRate);
    let hs = ir.channels.length === x.channels.length ? [...ir.channels] : [toMono(ir)];
    if (this.alignToPeak) {
      let at = 0;
      let best = -1;
      for (const h of hs) {
        for (let i = 0; i < h.length; i++) {
          const v = Math.abs(h[i]!);
          if (v > best) {
            best = v;
            at = i;
          }
        }
      }
      hs = hs.map((h) => h.subarray(at));
    }
    const n = audioLength(x);
    const len = this.keepTail ? n + Math.max(0, (hs[0]?.length ?? 1) - 1) : n;
    const wetCh = x.channels.map((ch, c) => {
      const y = fftConvolve(ch, hs[hs.length === 1 ? 0 : c]!);
      const out = new Float32Array(len);
      out.set(y.subarray(0, len));
      return out;
    });
    let g = 1;
    if (this.level !== 'none') {
      const dryP = meanPower(x.channels);
      const wetP = meanPower(wetCh.map((w) => w.subarray(0, n)));
      g = wetP > 0 ? Math.sqrt(dryP / wetP) : 0;
      if (this.level === 'loudness' && n >= 0.4 * x.sampleRate) {
        const a = integratedLoudness(x);
        const b = integratedLoudness({
          sampleRate: x.sampleRate,
          channels: wetCh.map((w) => w.subarray(0, n)),
        });
        if (Number.isFinite(a) && Number.isFinite(b)) g = 10 ** ((a - b) / 20);
      }
    }
    const channels = x.channels.map((ch, c) => {
      const w = wetCh[c]!;
      const out = new Float32Array(len);
      for (let i = 0; i < len; i++) out[i] = (1 - p.wet) * (i < n ? ch[i]! : 0) + p.wet * g * w[i]!;
      return out;
    });
    return { sampleRate: x.sampleRate, channels };
  }
}
