/**
 * The few signal helpers of corpus building that have no library equivalent: the active-part loudness
 * that levels sources against each other, the pitch shift by resampling (a thin wrapper of `@instr/dsp`'s
 * `Resampler`), fades, onset search and in-place mixing. Decoding, rate conversion, peak/RMS levels and
 * FFT convolution come from `@instr/dsp` / `@instr/augment`; see docs/decisions/0003-corpus-resampler.md.
 */
import { peakLevel, Resampler, rmsLevel } from '@instr/dsp';

/** One resampler per (shift, rate) and thread: filter design and WebAssembly setup are costly per call. */
const shifters = new Map<string, Resampler>();

/**
 * Pitch shift by `semitones` through band-limited resampling (`@instr/dsp`'s resampler, default quality,
 * arbitrary ratio): up shifts are shorter and higher, like a faster tape. Output length is
 * `ceil(x.length · 2^(−semitones/12))`, bit-identical to `resample(x, sampleRate · 2^(semitones/12), sampleRate)`;
 * the resampler of each shift is kept and reused (about 5× faster for one-second notes).
 * @throws {@link NonFiniteError} (from `@instr/core`) for NaN or infinite samples.
 * @example
 * ```ts
 * const up2 = shiftByResampling(note, 2, 22050); // a whole tone higher, 2^(−2/12) as long
 * ```
 */
export function shiftByResampling(x: Float32Array, semitones: number, sampleRate: number): Float32Array {
  const key = `${semitones}@${sampleRate}`;
  let r = shifters.get(key);
  if (!r) {
    r = new Resampler(sampleRate * 2 ** (semitones / 12), sampleRate);
    shifters.set(key, r);
  }
  try {
    const head = r.process(x);
    const tail = r.flush();
    if (tail.length === 0) return head;
    const out = new Float32Array(head.length + tail.length);
    out.set(head);
    out.set(tail, head.length);
    return out;
  } finally {
    r.reset();
  }
}

/** Power ratio in dB (−∞ guarded to −200). */
export function powerDb(p: number): number {
  return p > 0 ? 10 * Math.log10(p) : -200;
}

/** Amplitude ratio in dB (−∞ guarded to −200). */
export function amplitudeDb(a: number): number {
  return a > 0 ? 20 * Math.log10(a) : -200;
}

/** RMS level of a non-empty signal in dBFS (`rmsLevel` of `@instr/dsp`; silence gives −200). */
export function rmsDb(x: Float32Array): number {
  return amplitudeDb(rmsLevel(x));
}

export function dbToGain(db: number): number {
  return 10 ** (db / 20);
}

/**
 * Loudness of the active part of a signal: RMS (in dB) over the 50 ms frames whose power is within
 * `rangeDb` of the loudest frame, and the active duration in seconds. Silent input gives −200 dB, 0 s.
 */
export function activeLoudness(
  x: Float32Array,
  sampleRate: number,
  rangeDb = 40,
): { db: number; activeSeconds: number } {
  const frame = Math.max(1, Math.round(0.05 * sampleRate));
  const powers: number[] = [];
  for (let start = 0; start < x.length; start += frame) {
    const end = Math.min(x.length, start + frame);
    let s = 0;
    for (let i = start; i < end; i++) s += x[i]! * x[i]!;
    powers.push(s / (end - start));
  }
  const maxP = Math.max(0, ...powers);
  if (maxP <= 1e-20) return { db: -200, activeSeconds: 0 };
  const floor = maxP * 10 ** (-rangeDb / 10);
  let sum = 0;
  let count = 0;
  for (const p of powers) {
    if (p >= floor) {
      sum += p;
      count++;
    }
  }
  return { db: powerDb(sum / count), activeSeconds: (count * frame) / sampleRate };
}

/** Adds `src * gain` into `dst` starting at `offset` (clipped to `dst`). */
export function addInto(dst: Float32Array, src: Float32Array, gain = 1, offset = 0): void {
  const start = Math.max(0, offset);
  const end = Math.min(dst.length, offset + src.length);
  for (let i = start; i < end; i++) dst[i]! += src[i - offset]! * gain;
}

/** Scales in place. */
export function scaleInPlace(x: Float32Array, gain: number): Float32Array {
  for (let i = 0; i < x.length; i++) x[i]! *= gain;
  return x;
}

/** Raised-cosine fade-in over the first `n` samples and fade-out over the last `m`, in place. */
export function fadeInOut(x: Float32Array, n: number, m: number): Float32Array {
  const fi = Math.min(n, x.length);
  for (let i = 0; i < fi; i++) x[i]! *= 0.5 - 0.5 * Math.cos((Math.PI * i) / fi);
  const fo = Math.min(m, x.length);
  for (let i = 0; i < fo; i++) x[x.length - 1 - i]! *= 0.5 - 0.5 * Math.cos((Math.PI * i) / fo);
  return x;
}

/** Index of the first sample whose magnitude reaches `fraction` of the peak (onset trimming). */
export function firstAbove(x: Float32Array, fraction: number): number {
  if (x.length === 0) return 0;
  const t = peakLevel(x) * fraction;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) >= t) return i;
  return 0;
}
