import { readFileSync } from 'node:fs';
import { readNpy, type Tensor } from '@instr/core';
import { sharedPath } from '@instr/test-utils';

/** Test helpers of the signal utilities (not part of the package). */

/** Reads a librosa golden from shared/fixtures/librosa (copying the bytes: readNpy slices its input). */
export function librosaNpy(name: string): Tensor {
  return readNpy(new Uint8Array(readFileSync(sharedPath('fixtures', 'librosa', `${name}.npy`))));
}

/** Deterministic xorshift32 uniform generator in [0, 1). */
export function uniform(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
}

export interface Tone {
  freq: number;
  amp: number;
  phase: number;
}

/** Sum of sinusoids sampled at `rate` Hz for `n` samples (float64 math, float32 result). */
export function tones(list: readonly Tone[], rate: number, n: number, start = 0): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const t = (start + i) / rate;
    let v = 0;
    for (const { freq, amp, phase } of list) v += amp * Math.sin(2 * Math.PI * freq * t + phase);
    out[i] = v;
  }
  return out;
}

/** SNR in dB of `y` against `ref` over [from, to). */
export function snrDb(y: ArrayLike<number>, ref: ArrayLike<number>, from = 0, to = ref.length): number {
  let s = 0;
  let e = 0;
  for (let i = from; i < to; i++) {
    s += ref[i]! * ref[i]!;
    e += (y[i]! - ref[i]!) ** 2;
  }
  return 10 * Math.log10(s / e);
}

/** In-place radix-2 complex FFT (length a power of two). */
export function fft(re: Float64Array, im: Float64Array): void {
  const n = re.length;
  for (let i = 1, j = 0; i < n; i++) {
    let bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) {
      [re[i], re[j]] = [re[j]!, re[i]!];
      [im[i], im[j]] = [im[j]!, im[i]!];
    }
  }
  for (let len = 2; len <= n; len <<= 1) {
    const ang = (-2 * Math.PI) / len;
    for (let i = 0; i < n; i += len) {
      for (let k = 0; k < len / 2; k++) {
        const wr = Math.cos(ang * k);
        const wi = Math.sin(ang * k);
        const a = i + k;
        const b = a + len / 2;
        const xr = re[b]! * wr - im[b]! * wi;
        const xi = re[b]! * wi + im[b]! * wr;
        re[b] = re[a]! - xr;
        im[b] = im[a]! - xi;
        re[a]! += xr;
        im[a]! += xi;
      }
    }
  }
}

/**
 * Passband SNR in dB of `y` against `ref` (same rate): both are cut into Hann-windowed segments of
 * `seg` samples (hop seg/2, skipping `edge` samples at each end), and the energies of the reference
 * and of the difference are summed over FFT bins up to `passband` × Nyquist.
 */
export function passbandSnrDb(
  y: ArrayLike<number>,
  ref: ArrayLike<number>,
  passband: number,
  { seg = 4096, edge = 2048 } = {},
): number {
  const w = new Float64Array(seg);
  for (let i = 0; i < seg; i++) w[i] = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / seg);
  const maxBin = Math.floor((passband * seg) / 2);
  let s = 0;
  let e = 0;
  const n = Math.min(y.length, ref.length);
  for (let start = edge; start + seg <= n - edge; start += seg / 2) {
    const rr = new Float64Array(seg);
    const ri = new Float64Array(seg);
    const dr = new Float64Array(seg);
    const di = new Float64Array(seg);
    for (let i = 0; i < seg; i++) {
      rr[i] = ref[start + i]! * w[i]!;
      dr[i] = (y[start + i]! - ref[start + i]!) * w[i]!;
    }
    fft(rr, ri);
    fft(dr, di);
    for (let k = 0; k <= maxBin; k++) {
      s += rr[k]! ** 2 + ri[k]! ** 2;
      e += dr[k]! ** 2 + di[k]! ** 2;
    }
  }
  return 10 * Math.log10(s / e);
}

/**
 * Long-kernel reference resampler, evaluated directly in float64 (no tables): a Kaiser-windowed
 * sinc with β = 14 and `zeroCrossings` zero crossings at the lower rate, cutoff at the lower Nyquist.
 * Slow (O(n · taps)); used as the "ideal" band-limited resampler on real audio.
 */
export function referenceResample(
  x: ArrayLike<number>,
  from: number,
  to: number,
  zeroCrossings = 256,
): Float64Array {
  const ratio = to / from;
  const down = Math.min(1, ratio);
  const hw = zeroCrossings / down;
  const fc = down / 2;
  const beta = 14;
  const i0 = (v: number) => {
    let term = 1;
    let sum = 1;
    const q = (v * v) / 4;
    for (let k = 1; k < 500 && term > sum * 1e-17; k++) {
      term *= q / (k * k);
      sum += term;
    }
    return sum;
  };
  const norm = 1 / i0(beta);
  const nOut = Math.ceil(x.length * ratio);
  const out = new Float64Array(nOut);
  // Window values are smooth; tabulate the Kaiser window finely and interpolate.
  const TAB = 1 << 16;
  const win = new Float64Array(TAB + 2);
  for (let i = 0; i <= TAB + 1; i++) {
    const u = Math.min(1, i / TAB);
    win[i] = i0(beta * Math.sqrt(1 - u * u)) * norm;
  }
  for (let n = 0; n < nOut; n++) {
    const t = n / ratio;
    const m0 = Math.max(0, Math.ceil(t - hw));
    const m1 = Math.min(x.length - 1, Math.floor(t + hw));
    let acc = 0;
    for (let m = m0; m <= m1; m++) {
      const d = t - m;
      const u = (Math.abs(d) / hw) * TAB;
      const i = Math.floor(u);
      const wv = win[i]! + (u - i) * (win[i + 1]! - win[i]!);
      const a = 2 * fc * d;
      const s = a === 0 ? 1 : Math.sin(Math.PI * a) / (Math.PI * a);
      acc += x[m]! * 2 * fc * s * wv;
    }
    out[n] = acc;
  }
  return out;
}
