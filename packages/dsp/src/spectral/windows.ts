import { InvalidArgumentError, Tensor } from '@instr/core';
import { checkInt, checkSignal, describe, type Signal } from './util.js';

/**
 * Window names understood by {@link getWindow} (scipy.signal.get_window names).
 *
 * @example
 * ```ts
 * const name: WindowName = 'hamming';
 * getWindow(name, 400);
 * ```
 */
export type WindowName = 'hann' | 'hamming' | 'blackman' | 'boxcar' | 'ones' | 'rectangular';

/**
 * A window: a name, or the samples themselves (length must equal the window length).
 *
 * @example
 * ```ts
 * stft(y, { nFft: 512, window: 'blackman' });
 * stft(y, { nFft: 512, window: hann(512) }); // samples work too
 * ```
 */
export type WindowSpec = WindowName | ArrayLike<number>;

/**
 * Options of {@link getWindow}.
 *
 * @example
 * ```ts
 * const w = getWindow('hann', 400, { periodic: false }); // symmetric, for filter design
 * ```
 */
export interface WindowOptions {
  /**
   * Periodic ("DFT-even", for spectral analysis) or symmetric (for filter design).
   * Default `true`, as `scipy.signal.get_window(..., fftbins=True)`, which librosa uses.
   */
  periodic?: boolean;
}

const COSINE_TERMS: Record<string, readonly number[]> = {
  hann: [0.5, 0.5],
  hamming: [0.54, 0.46],
  blackman: [0.42, 0.5, 0.08],
};

/**
 * A window of `length` samples in float64, computed exactly as `scipy.signal.get_window(name, length,
 * fftbins=periodic)` (generalised cosine windows over `linspace(-π, π, M)`).
 *
 * @throws {@link InvalidArgumentError} for an unknown name or a length < 1.
 * @example
 * ```ts
 * const w = getWindow('hann', 2048);                     // periodic, as librosa.stft uses
 * const sym = getWindow('hamming', 51, { periodic: false });
 * ```
 */
export function getWindow(name: WindowName, length: number, options: WindowOptions = {}): Float64Array {
  checkInt(length, 'getWindow', 'length', 1);
  const periodic = options.periodic ?? true;
  if (name === 'boxcar' || name === 'ones' || name === 'rectangular') return new Float64Array(length).fill(1);
  const a = COSINE_TERMS[name];
  if (!a) {
    throw new InvalidArgumentError(
      `getWindow: unknown window "${String(name)}"; use hann, hamming, blackman or boxcar, or pass the samples.`,
      { details: { key: 'window', expected: ['hann', 'hamming', 'blackman', 'boxcar'], actual: name } },
    );
  }
  if (length === 1) return new Float64Array([1]);
  const m = periodic ? length + 1 : length;
  const out = new Float64Array(length);
  // scipy: fac = linspace(-π, π, M); w = Σ a_k·cos(k·fac) with alternating signs folded into the cosine.
  const step = (2 * Math.PI) / (m - 1);
  for (let i = 0; i < length; i++) {
    const fac = i === m - 1 ? Math.PI : -Math.PI + i * step;
    let w = 0;
    for (let k = 0; k < a.length; k++) w += a[k]! * Math.cos(k * fac);
    out[i] = w;
  }
  return out;
}

/** Hann window (`scipy.signal.windows.hann`); periodic by default. @example `hann(2048)` */
export function hann(length: number, options: WindowOptions = {}): Float64Array {
  return getWindow('hann', length, options);
}

/** Hamming window (α = 0.54); periodic by default. @example `hamming(400)` */
export function hamming(length: number, options: WindowOptions = {}): Float64Array {
  return getWindow('hamming', length, options);
}

/** Blackman window (0.42, 0.5, 0.08); periodic by default. @example `blackman(1024, { periodic: false })` */
export function blackman(length: number, options: WindowOptions = {}): Float64Array {
  return getWindow('blackman', length, options);
}

/** @internal Resolve a window spec to samples of length `winLength`. */
export function resolveWindow(window: WindowSpec, winLength: number, fn: string): Float64Array {
  if (typeof window === 'string') return getWindow(window, winLength);
  if (window && typeof window === 'object' && typeof (window as ArrayLike<number>).length === 'number') {
    if (window.length !== winLength) {
      throw new InvalidArgumentError(
        `${fn}: the window has ${window.length} samples but winLength is ${winLength}.`,
        {
          details: { key: 'window', expected: winLength, actual: window.length },
        },
      );
    }
    return Float64Array.from(window);
  }
  throw new InvalidArgumentError(
    `${fn}: window must be a window name or an array of samples, got ${describe(window)}.`,
    {
      details: { key: 'window', actual: describe(window) },
    },
  );
}

/**
 * Centre `data` in a zero array of `size` samples, like `librosa.util.pad_center` (left pad `⌊(size − n)/2⌋`).
 * @throws {@link InvalidArgumentError} if `size` is smaller than the data.
 * @example
 * ```ts
 * padCenter(getWindow('hann', 1024), 2048); // 512 zeros, window, 512 zeros
 * ```
 */
export function padCenter<T extends Float32Array | Float64Array>(data: T, size: number): T {
  checkInt(size, 'padCenter', 'size', 0);
  const n = data.length;
  if (size < n) {
    throw new InvalidArgumentError(`padCenter: target size ${size} is smaller than the data (${n}).`, {
      details: { key: 'size', expected: `≥ ${n}`, actual: size },
    });
  }
  const out = new (data.constructor as { new (n: number): T })(size);
  out.set(data, Math.floor((size - n) / 2));
  return out;
}

/**
 * Options of {@link frame}: both lengths are required (librosa has no defaults for them).
 *
 * @example
 * ```ts
 * const F = frame(y, { frameLength: 2048, hopLength: 512 }); // [2048, 1 + ⌊(len − 2048) / 512⌋]
 * ```
 */
export interface FrameOptions {
  /** Samples per frame (librosa `frame_length`). Required. */
  frameLength: number;
  /** Samples between frame starts (librosa `hop_length`). Required. */
  hopLength: number;
}

/**
 * Slice a signal into overlapping frames, like `librosa.util.frame(y, frame_length, hop_length)` (axis −1):
 * returns a copy shaped `[frameLength, nFrames]` with `nFrames = 1 + ⌊(len − frameLength) / hopLength⌋`, so
 * `out[i, j] = y[j·hop + i]`. The dtype follows the input (float32 or float64).
 *
 * @throws {@link InvalidArgumentError} if the signal is shorter than one frame or hop/frame length < 1.
 * @example
 * ```ts
 * const f = frame(y, { frameLength: 2048, hopLength: 512 }); // Tensor [2048, nFrames]
 * ```
 */
export function frame<T extends Signal>(
  y: T,
  options: FrameOptions,
): Tensor<T extends Float64Array ? 'float64' : 'float32'> {
  const frameLength = checkInt(options.frameLength, 'frame', 'frameLength');
  const hop = checkInt(options.hopLength, 'frame', 'hopLength');
  checkSignal(y, 'frame', frameLength);
  const nFrames = 1 + Math.floor((y.length - frameLength) / hop);
  const is64 = y instanceof Float64Array;
  const out = is64 ? new Float64Array(frameLength * nFrames) : new Float32Array(frameLength * nFrames);
  for (let i = 0; i < frameLength; i++) {
    const row = i * nFrames;
    for (let j = 0, k = i; j < nFrames; j++, k += hop) out[row + j] = y[k]!;
  }
  return new Tensor(is64 ? 'float64' : 'float32', out as never, [frameLength, nFrames]) as never;
}
