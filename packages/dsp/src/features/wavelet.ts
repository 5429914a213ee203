import { InvalidArgumentError, Tensor } from '@instr/core';
import { FirKernel, wasmAvailable } from '../signal/kernel.js';
import { checkInt, checkPositive, checkSignal } from './validate.js';

/**
 * Wavelet shapes of the reference scalogram (lumen-audio `WaveletConv`):
 * - `'gaussian'`: Gaussian-modulated cosine, `scipy.signal.gausspulse(t, fc=1/scale)` (bw 0.5, bwr −6 dB);
 * - `'dog'`: derivative of a Gaussian of width `scale`, `-t·exp(-t²/(2·scale²)) / (√(2π)·scale²)`;
 * - `'ricker'`: Mexican hat, `scipy.signal.ricker(kernelSize, a = int(kernelSize·scale/timeResolution))`.
 * @example
 * ```ts
 * scalogram(y, { wavelet: 'dog' satisfies WaveletForm });
 * ```
 */
export type WaveletForm = 'gaussian' | 'dog' | 'ricker';

/**
 * Options of {@link scalogram}; defaults are the reference's (`WaveletConv`).
 * @example
 * ```ts
 * scalogram(y, { nScales: 64, minSf: 0.05, maxSf: 1, stride: 256 });
 * ```
 */
export interface ScalogramOptions {
  /** Wavelet shape. Default `'gaussian'`. */
  wavelet?: WaveletForm;
  /** Number of scales (output rows). Default 128. */
  nScales?: number;
  /** Smallest scale as a fraction of `timeResolution`. Default 0.01. */
  minSf?: number;
  /** Largest scale as a fraction of `timeResolution`. Default 2. */
  maxSf?: number;
  /** Half-width in seconds of the wavelet's time axis `t = timeResolution · linspace(-1, 1, kernelSize)`. Default 0.256. */
  timeResolution?: number;
  /** Filter length in samples. Default 2048. */
  kernelSize?: number;
  /** Hop between output frames in samples. Default 512. */
  stride?: number;
  /**
   * Zero-pad `kernelSize/2` samples on both sides so that frame `j` is centred on sample `j·stride`,
   * giving `1 + floor(n / stride)` frames aligned with a centred STFT. Default false (the reference's
   * unpadded `conv1d`: `floor((n - kernelSize) / stride) + 1` frames).
   */
  center?: boolean;
}

function resolve(fn: string, o: ScalogramOptions) {
  const r = {
    wavelet: o.wavelet ?? 'gaussian',
    nScales: o.nScales ?? 128,
    minSf: o.minSf ?? 1e-2,
    maxSf: o.maxSf ?? 2,
    timeResolution: o.timeResolution ?? 0.256,
    kernelSize: o.kernelSize ?? 2048,
    stride: o.stride ?? 512,
    center: o.center ?? false,
  };
  if (!['gaussian', 'dog', 'ricker'].includes(r.wavelet)) {
    throw new InvalidArgumentError(
      `${fn}: wavelet must be 'gaussian', 'dog' or 'ricker', got ${String(r.wavelet)}.`,
      {
        details: { key: 'wavelet', expected: ['gaussian', 'dog', 'ricker'], actual: r.wavelet },
      },
    );
  }
  checkInt(fn, 'nScales', r.nScales, 1);
  checkPositive(fn, 'minSf', r.minSf);
  checkPositive(fn, 'maxSf', r.maxSf);
  checkPositive(fn, 'timeResolution', r.timeResolution);
  checkInt(fn, 'kernelSize', r.kernelSize, 2);
  checkInt(fn, 'stride', r.stride, 1);
  return r;
}

/**
 * The log-spaced wavelet scales in seconds:
 * `logspace(log10(timeResolution·minSf), log10(timeResolution·maxSf), nScales)`.
 *
 * @example
 * ```ts
 * waveletScales(); // 128 scales from 0.00256 s to 0.512 s
 * ```
 * @throws {@link InvalidArgumentError} for bad options.
 */
export function waveletScales(options: ScalogramOptions = {}): Float64Array {
  const o = resolve('waveletScales', options);
  const lo = Math.log10(o.timeResolution * o.minSf);
  const hi = Math.log10(o.timeResolution * o.maxSf);
  const out = new Float64Array(o.nScales);
  const step = o.nScales > 1 ? (hi - lo) / (o.nScales - 1) : 0;
  for (let i = 0; i < o.nScales; i++)
    out[i] = 10 ** (i === o.nScales - 1 && o.nScales > 1 ? hi : lo + i * step);
  return out;
}

/**
 * The wavelet filter bank `[nScales, kernelSize]` as float32 (the reference stores it as float32 conv weights).
 *
 * @example
 * ```ts
 * const bank = waveletFilters({ wavelet: 'ricker' }); // Tensor<'float32'> [128, 2048]
 * ```
 * @throws {@link InvalidArgumentError} for bad options (including a Ricker width that truncates to 0).
 */
export function waveletFilters(options: ScalogramOptions = {}): Tensor<'float32'> {
  const fn = 'waveletFilters';
  const o = resolve(fn, options);
  const scales = waveletScales(options);
  const k = o.kernelSize;
  const t = new Float64Array(k);
  const step = 2 / (k - 1);
  for (let i = 0; i < k; i++) t[i] = o.timeResolution * (i === k - 1 ? 1 : -1 + i * step);
  const out = new Float32Array(o.nScales * k);
  const bw = 0.5;
  const ref = 10 ** (-6 / 20);
  for (let s = 0; s < o.nScales; s++) {
    const scale = scales[s]!;
    const row = out.subarray(s * k, (s + 1) * k);
    if (o.wavelet === 'gaussian') {
      const fc = 1 / scale;
      const a = -((Math.PI * fc * bw) ** 2) / (4 * Math.log(ref));
      for (let i = 0; i < k; i++) row[i] = Math.exp(-a * t[i]! * t[i]!) * Math.cos(2 * Math.PI * fc * t[i]!);
    } else if (o.wavelet === 'dog') {
      const norm = Math.sqrt(2 * Math.PI) * scale * scale;
      for (let i = 0; i < k; i++)
        row[i] = (-t[i]! * Math.exp((-0.5 * t[i]! * t[i]!) / (scale * scale))) / norm;
    } else {
      const width = Math.trunc(k * (scale / o.timeResolution));
      if (width < 1) {
        throw new InvalidArgumentError(
          `${fn}: the Ricker width int(kernelSize·scale/timeResolution) is 0 for scale ${scale}; raise minSf or kernelSize.`,
          { details: { key: 'minSf', actual: o.minSf } },
        );
      }
      const amp = 2 / (Math.sqrt(3 * width) * Math.PI ** 0.25);
      const wsq = width * width;
      for (let i = 0; i < k; i++) {
        const v = i - (k - 1) / 2;
        const xsq = v * v;
        row[i] = amp * (1 - xsq / wsq) * Math.exp(-xsq / (2 * wsq));
      }
    }
  }
  return new Tensor('float32', out, [o.nScales, k]);
}

/**
 * Continuous-wavelet scalogram `|conv1d(y, filters, stride)|` with the reference's filter bank
 * (lumen-audio `WaveletConv`: 128 log-spaced scales, 2048-tap kernels, stride 512, no bias).
 * Like PyTorch's `conv1d` it is a correlation; it is computed as a blocked float64 matrix product of the
 * filters with the strided frames, rounded to float32. `[nScales, frames]`.
 * (See docs/decisions for why a direct product beats FFT convolution at stride 512.)
 *
 * The filters span `±timeResolution` seconds over `kernelSize` samples whatever the audio's sample rate,
 * exactly as in the reference; at 22050 Hz a 2048-sample kernel lasts 92.9 ms, so the centre frequency of
 * the Gaussian wavelet at scale `s` is `(1/s)·2·timeResolution·sampleRate/kernelSize` Hz.
 *
 * @example
 * ```ts
 * const S = scalogram(y);                   // Tensor<'float32'> [128, floor((n - 2048) / 512) + 1]
 * const C = scalogram(y, { center: true }); // [128, 1 + floor(n / 512)], aligned with STFT frames
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link ShapeError} if it is shorter than the
 *   kernel (without `center`), {@link NonFiniteError}, {@link InvalidArgumentError} for bad options.
 */
export function scalogram(y: ArrayLike<number>, options: ScalogramOptions = {}): Tensor<'float32'> {
  const fn = 'scalogram';
  const o = resolve(fn, options);
  checkSignal(fn, y, o.center ? 1 : o.kernelSize, 'y');
  const key = JSON.stringify([o.wavelet, o.nScales, o.minSf, o.maxSf, o.timeResolution, o.kernelSize]);
  let bank = banks.get(key);
  if (!bank) {
    bank = { filters: waveletFilters(options).data };
    if (banks.size >= 4) banks.delete(banks.keys().next().value!);
    banks.set(key, bank);
  }
  if (wasmAvailable()) return correlateSimd(y, bank, o.nScales, o.kernelSize, o.stride, o.center);
  return correlate(y, bank.filters, o.nScales, o.kernelSize, o.stride, o.center);
}

/** Filter banks (and their SIMD kernels) of recent option sets: building one costs ~260k exp/cos. */
const banks = new Map<string, { filters: Float32Array; kernel?: FirKernel }>();

/**
 * The same product on the package's WebAssembly SIMD dot-product kernel (the resampler's `FirKernel`):
 * float32 multiply-adds in 16 lanes, like PyTorch's float32 conv1d (≈1e-7 relative to the peak).
 */
function correlateSimd(
  y: ArrayLike<number>,
  bank: { filters: Float32Array; kernel?: FirKernel },
  nRows: number,
  k: number,
  stride: number,
  center: boolean,
): Tensor<'float32'> {
  const taps = Math.ceil(k / 16) * 16;
  if (!bank.kernel) {
    const table = new Float32Array(nRows * taps);
    for (let r = 0; r < nRows; r++) table.set(bank.filters.subarray(r * k, (r + 1) * k), r * taps);
    bank.kernel = new FirKernel(table, taps, false);
  }
  const kernel = bank.kernel;
  const pad = center ? Math.floor(k / 2) : 0;
  const n = y.length;
  const span = n + 2 * pad + (taps - k);
  const frames = Math.floor((n + 2 * pad - k) / stride) + 1;
  const out = new Float32Array(nRows * frames);
  // One batch per row keeps the record buffer small; the input span is copied once.
  kernel.reserve(span, frames);
  const x = kernel.xAddr >> 2;
  kernel.f32.fill(0, x, x + span);
  for (let i = 0; i < n; i++) kernel.f32[x + pad + i] = y[i]!;
  for (let r = 0; r < nRows; r++) {
    let rec = kernel.recordIndex(0);
    const i32 = kernel.i32;
    for (let j = 0; j < frames; j++, rec += 2) {
      i32[rec] = kernel.xAddr + 4 * j * stride;
      i32[rec + 1] = kernel.tableAddr + 4 * r * taps;
    }
    kernel.exec(frames, out, r * frames);
  }
  for (let i = 0; i < out.length; i++) out[i] = Math.abs(out[i]!);
  return new Tensor('float32', out, [nRows, frames]);
}

/** |filters · frames| with frames taken every `stride` samples (optionally centred with zero padding). */
function correlate(
  y: ArrayLike<number>,
  filt: Float32Array,
  nRows: number,
  k: number,
  stride: number,
  center: boolean,
): Tensor<'float32'> {
  const pad = center ? Math.floor(k / 2) : 0;
  const n = y.length;
  const padded = new Float64Array(n + 2 * pad);
  for (let i = 0; i < n; i++) padded[pad + i] = y[i]!;
  const frames = Math.floor((padded.length - k) / stride) + 1;
  const w = Float64Array.from(filt);
  const out = new Float32Array(nRows * frames);
  // Taps at either end whose cumulated |w| is below 1e-10 of the row's L1 norm are skipped: the error is
  // < 1e-10·‖w‖₁·max|y|, far below float32 resolution, and short-scale rows shrink to a few hundred taps.
  const lo = new Int32Array(nRows);
  const hi = new Int32Array(nRows);
  for (let r = 0; r < nRows; r++) {
    let l1 = 0;
    for (let i = 0; i < k; i++) l1 += Math.abs(w[r * k + i]!);
    const eps = 1e-10 * l1;
    let acc = 0;
    let a = 0;
    while (a < k && acc + Math.abs(w[r * k + a]!) <= eps) acc += Math.abs(w[r * k + a++]!);
    let b = k;
    while (b > a && acc + Math.abs(w[r * k + b - 1]!) <= eps) acc += Math.abs(w[r * k + --b]!);
    lo[r] = a;
    hi[r] = b;
  }
  // Register-blocked product: 2 filters × 4 frames per inner loop.
  let f = 0;
  for (; f + 1 < nRows; f += 2) {
    const w0 = f * k;
    const w1 = w0 + k;
    const i0 = Math.min(lo[f]!, lo[f + 1]!);
    const i1 = Math.max(hi[f]!, hi[f + 1]!);
    let j = 0;
    for (; j + 3 < frames; j += 4) {
      const x0 = j * stride;
      const x1 = x0 + stride;
      const x2 = x1 + stride;
      const x3 = x2 + stride;
      let a00 = 0;
      let a01 = 0;
      let a02 = 0;
      let a03 = 0;
      let a10 = 0;
      let a11 = 0;
      let a12 = 0;
      let a13 = 0;
      for (let i = i0; i < i1; i++) {
        const c0 = w[w0 + i]!;
        const c1 = w[w1 + i]!;
        const v0 = padded[x0 + i]!;
        const v1 = padded[x1 + i]!;
        const v2 = padded[x2 + i]!;
        const v3 = padded[x3 + i]!;
        a00 += c0 * v0;
        a01 += c0 * v1;
        a02 += c0 * v2;
        a03 += c0 * v3;
        a10 += c1 * v0;
        a11 += c1 * v1;
        a12 += c1 * v2;
        a13 += c1 * v3;
      }
      const r0 = f * frames + j;
      const r1 = r0 + frames;
      out[r0] = Math.abs(a00);
      out[r0 + 1] = Math.abs(a01);
      out[r0 + 2] = Math.abs(a02);
      out[r0 + 3] = Math.abs(a03);
      out[r1] = Math.abs(a10);
      out[r1 + 1] = Math.abs(a11);
      out[r1 + 2] = Math.abs(a12);
      out[r1 + 3] = Math.abs(a13);
    }
    for (; j < frames; j++) {
      const x0 = j * stride;
      let a0 = 0;
      let a1 = 0;
      for (let i = i0; i < i1; i++) {
        a0 += w[w0 + i]! * padded[x0 + i]!;
        a1 += w[w1 + i]! * padded[x0 + i]!;
      }
      out[f * frames + j] = Math.abs(a0);
      out[(f + 1) * frames + j] = Math.abs(a1);
    }
  }
  for (; f < nRows; f++) {
    for (let j = 0; j < frames; j++) {
      let a = 0;
      for (let i = lo[f]!; i < hi[f]!; i++) a += w[f * k + i]! * padded[j * stride + i]!;
      out[f * frames + j] = Math.abs(a);
    }
  }
  return new Tensor('float32', out, [nRows, frames]);
}
