/**
 * Small signal helpers for corpus building: band-limited resampling (rate conversion and pitch shift),
 * FFT convolution (reverb), loudness measures and fades. See docs/decisions/0003-corpus-resampler.md.
 */
import FFT from 'fft.js';

const ZERO_CROSSINGS = 16;
const TABLE_RES = 512;
const KAISER_BETA = 8.6;

function besselI0(x: number): number {
  let sum = 1;
  let term = 1;
  const q = (x * x) / 4;
  for (let k = 1; k < 50; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < 1e-12 * sum) break;
  }
  return sum;
}

/** Kaiser-windowed sinc, tabulated at TABLE_RES points per zero crossing (one side). */
const KERNEL: Float64Array = (() => {
  const n = ZERO_CROSSINGS * TABLE_RES + 2;
  const t = new Float64Array(n);
  const i0b = besselI0(KAISER_BETA);
  for (let i = 0; i < n; i++) {
    const x = i / TABLE_RES;
    const r = x / ZERO_CROSSINGS;
    const w = r >= 1 ? 0 : besselI0(KAISER_BETA * Math.sqrt(1 - r * r)) / i0b;
    t[i] = (x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x)) * w;
  }
  return t;
})();

/**
 * Band-limited resampling by `ratio` = output rate / input rate (Kaiser-windowed sinc, 16 zero
 * crossings, anti-aliased when downsampling). Output length is `round(x.length * ratio)`.
 * Pitch-shifting up by `s` semitones (shorter, higher) is `resampleBy(x, 2 ** (-s / 12))`.
 */
export function resampleBy(x: Float32Array, ratio: number): Float32Array {
  if (!(ratio > 0) || !Number.isFinite(ratio))
    throw new RangeError(`resample ratio must be > 0, got ${ratio}`);
  const nOut = Math.max(0, Math.round(x.length * ratio));
  const out = new Float32Array(nOut);
  if (Math.abs(ratio - 1) < 1e-12) {
    out.set(x.subarray(0, nOut));
    return out;
  }
  const cutoff = Math.min(1, ratio); // in input-sample units
  const halfWidth = ZERO_CROSSINGS / cutoff; // input samples each side
  const step = 1 / ratio;
  const n = x.length;
  for (let j = 0; j < nOut; j++) {
    const center = j * step;
    const lo = Math.max(0, Math.ceil(center - halfWidth));
    const hi = Math.min(n - 1, Math.floor(center + halfWidth));
    let acc = 0;
    for (let k = lo; k <= hi; k++) {
      const pos = Math.abs(center - k) * cutoff * TABLE_RES;
      const i = pos | 0;
      const f = pos - i;
      const h = KERNEL[i]! + f * (KERNEL[i + 1]! - KERNEL[i]!);
      acc += x[k]! * h;
    }
    out[j] = acc * cutoff;
  }
  return out;
}

/** Resamples from `fromRate` to `toRate` Hz (returns `x` itself when they are equal). */
export function resampleRate(x: Float32Array, fromRate: number, toRate: number): Float32Array {
  return fromRate === toRate ? x : resampleBy(x, toRate / fromRate);
}

const fftCache = new Map<number, FFT>();
function fftOf(size: number): FFT {
  let f = fftCache.get(size);
  if (!f) {
    f = new FFT(size);
    fftCache.set(size, f);
  }
  return f;
}

/** Linear convolution of `x` and `h`, truncated to `x.length` samples (FFT overlap-free, one block). */
export function convolveSame(x: Float32Array, h: Float32Array): Float32Array {
  const need = x.length + h.length - 1;
  let size = 2;
  while (size < need) size *= 2;
  const fft = fftOf(size);
  const a = new Float64Array(size);
  a.set(x);
  const b = new Float64Array(size);
  b.set(h);
  const A = fft.createComplexArray() as number[];
  const B = fft.createComplexArray() as number[];
  fft.realTransform(A, a);
  fft.completeSpectrum(A);
  fft.realTransform(B, b);
  fft.completeSpectrum(B);
  for (let i = 0; i < 2 * size; i += 2) {
    const re = A[i]! * B[i]! - A[i + 1]! * B[i + 1]!;
    const im = A[i]! * B[i + 1]! + A[i + 1]! * B[i]!;
    A[i] = re;
    A[i + 1] = im;
  }
  const y = fft.createComplexArray() as number[];
  fft.inverseTransform(y, A);
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = y[2 * i]!;
  return out;
}

/** Magnitude spectrum (first size/2+1 bins) of `x` zero-padded/truncated to `size` (power of two), Hann-windowed. */
export function magnitudeSpectrum(x: Float32Array, size: number): Float64Array {
  const fft = fftOf(size);
  const a = new Float64Array(size);
  const n = Math.min(size, x.length);
  for (let i = 0; i < n; i++) a[i] = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const A = fft.createComplexArray() as number[];
  fft.realTransform(A, a);
  const mag = new Float64Array(size / 2 + 1);
  for (let k = 0; k <= size / 2; k++) mag[k] = Math.hypot(A[2 * k]!, A[2 * k + 1]!);
  return mag;
}

/** Mean power of `x`. */
export function meanPower(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return x.length ? s / x.length : 0;
}

/** Peak absolute sample. */
export function peakAbs(x: Float32Array): number {
  let p = 0;
  for (let i = 0; i < x.length; i++) {
    const v = Math.abs(x[i]!);
    if (v > p) p = v;
  }
  return p;
}

/** Power ratio in dB (−∞ guarded to −200). */
export function powerDb(p: number): number {
  return p > 0 ? 10 * Math.log10(p) : -200;
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
  const t = peakAbs(x) * fraction;
  for (let i = 0; i < x.length; i++) if (Math.abs(x[i]!) >= t) return i;
  return 0;
}
