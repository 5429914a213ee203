import { type Audio, Rng } from '@instr/core';

/** A mono sine at `freq` Hz. */
export function sine(freq: number, seconds: number, sampleRate = 22050, amp = 0.5): Audio {
  const n = Math.round(seconds * sampleRate);
  const ch = new Float32Array(n);
  for (let i = 0; i < n; i++) ch[i] = amp * Math.sin((2 * Math.PI * freq * i) / sampleRate);
  return { sampleRate, channels: [ch] };
}

/** Mono white noise with standard deviation `std`. */
export function noise(n: number, seed = 1, std = 0.1, sampleRate = 22050): Audio {
  const rng = new Rng(seed);
  const ch = new Float32Array(n);
  rng.fillNormal(ch, 0, std);
  return { sampleRate, channels: [ch] };
}

/** Mean power of an array (float64). */
export function power(x: Float32Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i]! * x[i]!;
  return x.length ? s / x.length : 0;
}

export function hasNaN(a: ArrayLike<number>): boolean {
  for (let i = 0; i < a.length; i++) if (!Number.isFinite(a[i]!)) return true;
  return false;
}

/**
 * Frequency of the strongest component of `x` between `lo` and `hi` Hz, by a fine DFT scan with parabolic
 * refinement on a Hann-windowed excerpt (independent of the library's own FFT).
 */
export function dominantFrequency(
  x: Float32Array,
  sampleRate: number,
  lo: number,
  hi: number,
  step = 0.25,
): number {
  const n = Math.min(x.length, 16384);
  const start = Math.floor((x.length - n) / 2);
  const w = new Float64Array(n);
  for (let i = 0; i < n; i++) w[i] = x[start + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const mag = (f: number) => {
    let re = 0;
    let im = 0;
    const d = (2 * Math.PI * f) / sampleRate;
    // recurrence for speed
    let c = 1;
    let s = 0;
    const cd = Math.cos(d);
    const sd = Math.sin(d);
    for (let i = 0; i < n; i++) {
      re += w[i]! * c;
      im -= w[i]! * s;
      const c2 = c * cd - s * sd;
      s = s * cd + c * sd;
      c = c2;
    }
    return Math.hypot(re, im);
  };
  let best = lo;
  let bestM = -1;
  for (let f = lo; f <= hi; f += step) {
    const m = mag(f);
    if (m > bestM) {
      bestM = m;
      best = f;
    }
  }
  // golden-section-free refinement: parabola through neighbours
  const a = mag(best - step);
  const b = bestM;
  const c = mag(best + step);
  const denom = a - 2 * b + c;
  return denom === 0 ? best : best + (0.5 * step * (a - c)) / denom;
}

/**
 * Loads a librosa fixture as float32. (Reads the file into a fresh Uint8Array: core's `readNpy` given a
 * pooled Node Buffer reads from the wrong offset, because `Buffer#slice` does not copy.)
 */
export async function fixture(name: string): Promise<Float32Array> {
  const { readFileSync } = await import('node:fs');
  const { readNpy } = await import('@instr/core');
  const { sharedPath } = await import('@instr/test-utils');
  const file = sharedPath('fixtures', 'librosa', name.endsWith('.npy') ? name : `${name}.npy`);
  return readNpy(new Uint8Array(readFileSync(file))).data as Float32Array;
}

/** Long-term average spectrum in third-octave bands (dB), from Hann-windowed 2048-sample frames. */
export async function bandSpectrumDb(x: Float32Array, sampleRate: number): Promise<number[]> {
  const { rfft } = await import('@instr/dsp');
  const n = 2048;
  const acc = new Float64Array(n / 2 + 1);
  const frame = new Float64Array(n);
  let frames = 0;
  for (let s = 0; s + n <= x.length; s += 512) {
    for (let i = 0; i < n; i++) frame[i] = x[s + i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
    const X = rfft(frame);
    for (let k = 0; k < acc.length; k++) acc[k]! += X.re[k]! ** 2 + X.im[k]! ** 2;
    frames++;
  }
  const out: number[] = [];
  for (let f = 50; f * 1.26 < sampleRate / 2; f *= 1.26) {
    const k0 = Math.ceil((f * n) / sampleRate);
    const k1 = Math.max(k0 + 1, Math.floor((f * 1.26 * n) / sampleRate));
    let p = 0;
    for (let k = k0; k < k1; k++) p += acc[k]!;
    out.push(10 * Math.log10(p / Math.max(frames, 1) / (k1 - k0) + 1e-20));
  }
  return out;
}

/** Mean absolute difference (dB) between two band spectra over bands within 50 dB of the reference's maximum. */
export function envelopeDistanceDb(ref: number[], y: number[]): number {
  const top = Math.max(...ref);
  let s = 0;
  let n = 0;
  ref.forEach((r, i) => {
    if (r > top - 50) {
      s += Math.abs(r - y[i]!);
      n++;
    }
  });
  return s / n;
}
