import { InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { getRealFFTPlan, RealFFTPlan } from './fft.js';
import { checkFinite, checkInt, checkPositive, checkSignal, describe, type Signal } from './util.js';
import { WASM_BLOCK_FRAMES, WasmRfft } from './wasm.js';
import { padCenter, resolveWindow, type WindowSpec } from './windows.js';

/**
 * How `center` padding fills the signal's ends (numpy.pad modes).
 *
 * @example
 * ```ts
 * stft(y, { padMode: 'reflect' satisfies PadMode });
 * ```
 */
export type PadMode = 'constant' | 'reflect' | 'edge';

/**
 * STFT parameters; the defaults are librosa 0.11's `librosa.stft` defaults.
 *
 * @example
 * ```ts
 * stft(y, { nFft: 2048, hopLength: 512, window: 'hann', center: true, padMode: 'constant' });
 * ```
 */
export interface StftOptions {
  /** FFT length (`n_fft`). Default 2048. Any positive integer works (fast for 2^a·3^b·5^c). */
  nFft?: number;
  /** Samples between frames (`hop_length`). Default `⌊winLength / 4⌋`. */
  hopLength?: number;
  /** Window length (`win_length`) ≤ nFft; the window is zero-padded to nFft in the centre. Default nFft. */
  winLength?: number;
  /** Window name or samples (length winLength). Default `'hann'` (periodic). */
  window?: WindowSpec;
  /** Pad the signal by `⌊nFft/2⌋` on both sides so frame t is centred at `t·hop`. Default true. */
  center?: boolean;
  /** Padding used when `center` is true. Default `'constant'` (zeros; librosa ≥ 0.10). */
  padMode?: PadMode;
}

/**
 * A complex spectrogram as two float32 tensors of librosa's shape `[1 + nFft/2, frames]`:
 * `re.data[k·frames + t] + i·im.data[k·frames + t]` is bin k of frame t.
 * (librosa returns complex64; its real and imaginary parts are these two arrays.)
 * @example
 * ```ts
 * const { re, im }: ComplexSpectrogram = stft(y); // two float32 [1025, frames] tensors
 * ```
 */
export interface ComplexSpectrogram {
  re: Tensor<'float32'>;
  im: Tensor<'float32'>;
}

/** @internal Resolved STFT configuration. */
export interface StftConfig {
  nFft: number;
  hop: number;
  winLength: number;
  /** Window zero-padded to nFft. */
  window: Float64Array;
  center: boolean;
  padMode: PadMode;
  bins: number;
}

const PAD_MODES: readonly PadMode[] = ['constant', 'reflect', 'edge'];

/** @internal */
export function resolveStft(options: StftOptions, fn: string): StftConfig {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`${fn}: options must be an object, got ${describe(options)}.`);
  }
  const nFft = checkInt(options.nFft ?? 2048, fn, 'nFft', 1);
  const winLength = checkInt(options.winLength ?? nFft, fn, 'winLength', 1);
  if (winLength > nFft) {
    throw new InvalidArgumentError(
      `${fn}: winLength ${winLength} exceeds nFft ${nFft}; use winLength ≤ nFft.`,
      {
        details: { key: 'winLength', expected: `≤ ${nFft}`, actual: winLength },
      },
    );
  }
  const hop = checkInt(options.hopLength ?? Math.floor(winLength / 4), fn, 'hopLength', 1);
  const padMode = options.padMode ?? 'constant';
  if (!PAD_MODES.includes(padMode)) {
    throw new InvalidArgumentError(
      `${fn}: padMode must be one of ${PAD_MODES.join(', ')}, got "${String(padMode)}".`,
      {
        details: { key: 'padMode', expected: PAD_MODES, actual: padMode },
      },
    );
  }
  const win = resolveWindow(options.window ?? 'hann', winLength, fn);
  checkFinite(win, fn, 'window');
  return {
    nFft,
    hop,
    winLength,
    window: winLength === nFft ? win : padCenter(win, nFft),
    center: options.center ?? true,
    padMode,
    bins: Math.floor(nFft / 2) + 1,
  };
}

/** @internal Number of frames for a signal of `n` samples. Throws when a non-centred signal is too short. */
export function frameCount(n: number, cfg: StftConfig, fn: string): number {
  const pad = cfg.center ? Math.floor(cfg.nFft / 2) : 0;
  const padded = n + 2 * pad;
  if (padded < cfg.nFft) {
    throw new InvalidArgumentError(
      `${fn}: the signal has ${n} samples, fewer than nFft = ${cfg.nFft}${cfg.center ? ' after centre padding' : ''}; ` +
        'use a smaller nFft, center: true, or a longer signal.',
      { details: { key: 'y', expected: `≥ ${cfg.nFft - 2 * pad} samples`, actual: n } },
    );
  }
  return 1 + Math.floor((padded - cfg.nFft) / cfg.hop);
}

/** @internal Sample `j` (may be outside [0, n)) of `y` extended by numpy.pad's mode. */
export function paddedSample(y: ArrayLike<number>, j: number, mode: PadMode): number {
  const n = y.length;
  if (j >= 0 && j < n) return y[j]!;
  if (mode === 'constant') return 0;
  if (mode === 'edge' || n === 1) return j < 0 ? y[0]! : y[n - 1]!;
  const period = 2 * (n - 1);
  let m = j % period;
  if (m < 0) m += period;
  if (m >= n) m = period - m;
  return y[m]!;
}

/**
 * @internal Runs the windowed real FFT of every frame, calling `each(t, re, im)` with reused
 * Float64Array scratch (valid only during the call).
 */
export function forEachFrame(
  y: Signal,
  cfg: StftConfig,
  nFrames: number,
  each: (t: number, re: Float64Array, im: Float64Array) => void,
  plan: RealFFTPlan = getRealFFTPlan(cfg.nFft),
): void {
  const { nFft, hop, window, padMode } = cfg;
  const n = y.length;
  const pad = cfg.center ? Math.floor(nFft / 2) : 0;
  const re = new Float64Array(cfg.bins);
  const im = new Float64Array(cfg.bins);
  const kernel = y instanceof Float32Array && nFrames >= 2 ? WasmRfft.create(nFft, window) : null;
  if (kernel) {
    // Two frames per call in WebAssembly SIMD lanes; same float64 arithmetic as the JS plan. The signal is
    // copied in blocks of frames so memory stays bounded for long inputs.
    const bins = cfg.bins;
    const reB = new Float64Array(bins);
    const imB = new Float64Array(bins);
    const r0 = kernel.specR / 8;
    const i0 = kernel.specI / 8;
    const sigAt = kernel.freeAt;
    const sample = (j: number) => paddedSample(y, j, padMode);
    for (let t0 = 0; t0 < nFrames; t0 += WASM_BLOCK_FRAMES) {
      const count = Math.min(WASM_BLOCK_FRAMES, nFrames - t0);
      const total = (2 * Math.ceil(count / 2) - 1) * hop + nFft;
      kernel.ensure(sigAt + total * 4);
      kernel.writeSpan(y as Float32Array, t0 * hop - pad, total, sigAt, sample);
      const f64 = new Float64Array(kernel.memory);
      for (let t = t0; t < t0 + count; t += 2) {
        const xa = sigAt + 4 * (t - t0) * hop;
        kernel.rfft2(xa, xa + 4 * hop);
        for (let k = 0; k < bins; k++) {
          re[k] = f64[r0 + 2 * k]!;
          reB[k] = f64[r0 + 2 * k + 1]!;
          im[k] = f64[i0 + 2 * k]!;
          imB[k] = f64[i0 + 2 * k + 1]!;
        }
        each(t, re, im);
        if (t + 1 < t0 + count) each(t + 1, reB, imB);
      }
    }
    return;
  }
  const scratch = new Float64Array(nFft);
  for (let t = 0; t < nFrames; t++) {
    const start = t * hop - pad;
    if (start >= 0 && start + nFft <= n) {
      plan.forwardUnchecked(y, start, re, im, window);
    } else {
      for (let i = 0; i < nFft; i++) scratch[i] = paddedSample(y, start + i, padMode);
      plan.forwardUnchecked(scratch, 0, re, im, window);
    }
    each(t, re, im);
  }
}

/**
 * @internal Collects frames (columns) in blocks and writes them to a row-major `[bins, frames]` array,
 * so the output is written in contiguous runs instead of one strided element per bin.
 */
export class BlockTranspose {
  private readonly block: Float32Array;
  private t0 = 0;
  private count = 0;
  constructor(
    private readonly out: Float32Array,
    private readonly bins: number,
    private readonly nFrames: number,
    private readonly size = 32,
  ) {
    this.block = new Float32Array(size * bins);
  }
  /** The buffer for frame t (frames must arrive in order); valid until the next call. */
  column(t: number): Float32Array {
    if (this.count === this.size) this.flush();
    if (this.count === 0) this.t0 = t;
    const c = this.block.subarray(this.count * this.bins, (this.count + 1) * this.bins);
    this.count++;
    return c;
  }
  flush(): void {
    const { out, bins, nFrames, block, t0, count } = this;
    for (let k = 0; k < bins; k++) {
      const row = k * nFrames + t0;
      for (let b = 0, i = k; b < count; b++, i += bins) out[row + b] = block[i]!;
    }
    this.count = 0;
  }
}

/**
 * Short-time Fourier transform, like `librosa.stft(y, n_fft=2048, hop_length=None, win_length=None,
 * window='hann', center=True, pad_mode='constant')`. The FFTs run in float64 (as librosa's do) and are
 * rounded to float32.
 *
 * @returns `{ re, im }` float32 tensors shaped `[1 + ⌊nFft/2⌋, frames]`, frames `= 1 + ⌊(len + 2·⌊nFft/2⌋ − nFft) / hop⌋`
 *   (without `center`: `1 + ⌊(len − nFft) / hop⌋`).
 * @throws {@link InvalidArgumentError} for an empty signal, bad sizes, or (without `center`) a signal shorter than nFft.
 * @throws {@link NonFiniteError} for NaN/±Infinity samples.
 * @example
 * ```ts
 * const { re, im } = stft(y, { nFft: 2048, hopLength: 512 });
 * re.dims; // [1025, frames]
 * ```
 */
export function stft(y: Signal, options: StftOptions = {}): ComplexSpectrogram {
  checkSignal(y, 'stft');
  const cfg = resolveStft(options, 'stft');
  const nFrames = frameCount(y.length, cfg, 'stft');
  const bins = cfg.bins;
  const outRe = new Float32Array(bins * nFrames);
  const outIm = new Float32Array(bins * nFrames);
  const wRe = new BlockTranspose(outRe, bins, nFrames);
  const wIm = new BlockTranspose(outIm, bins, nFrames);
  forEachFrame(y, cfg, nFrames, (t, re, im) => {
    wRe.column(t).set(re.subarray(0, bins));
    wIm.column(t).set(im.subarray(0, bins));
  });
  wRe.flush();
  wIm.flush();
  return {
    re: new Tensor('float32', outRe, [bins, nFrames]),
    im: new Tensor('float32', outIm, [bins, nFrames]),
  };
}

/**
 * Options of {@link spectrogram}: the STFT options plus the exponent.
 *
 * @example
 * ```ts
 * spectrogram(y, { nFft: 1024, hopLength: 256, power: 1 }); // magnitude
 * ```
 */
export interface SpectrogramOptions extends StftOptions {
  /** Exponent of the magnitude: 1 = magnitude, 2 = power. Default 1 (librosa's `_spectrogram` default). */
  power?: number;
}

/**
 * Magnitude (`power: 1`, default) or power (`power: 2`) spectrogram `|stft(y)|^power`, float32
 * `[1 + ⌊nFft/2⌋, frames]`. The rounding follows numpy on complex64 (`np.abs(stft)**power`), so results
 * match librosa to the last float32 bit in almost every bin.
 *
 * @throws like {@link stft}; also for `power ≤ 0`.
 * @example
 * ```ts
 * const P = spectrogram(y, { nFft: 2048, hopLength: 512, power: 2 }); // librosa: np.abs(librosa.stft(y))**2
 * ```
 */
export function spectrogram(y: Signal, options: SpectrogramOptions = {}): Tensor<'float32'> {
  checkSignal(y, 'spectrogram');
  const power = checkPositive(options.power ?? 1, 'spectrogram', 'power');
  const cfg = resolveStft(options, 'spectrogram');
  const nFrames = frameCount(y.length, cfg, 'spectrogram');
  const bins = cfg.bins;
  const out = new Float32Array(bins * nFrames);
  const f32 = Math.fround;
  const w = new BlockTranspose(out, bins, nFrames);
  forEachFrame(y, cfg, nFrames, (t, re, im) => {
    const col = w.column(t);
    for (let k = 0; k < bins; k++) {
      const r = f32(re[k]!);
      const i = f32(im[k]!);
      const mag = f32(Math.sqrt(r * r + i * i));
      col[k] = power === 1 ? mag : power === 2 ? mag * mag : mag ** power;
    }
  });
  w.flush();
  return new Tensor('float32', out, [bins, nFrames]);
}

/**
 * Options of {@link istft}; defaults follow `librosa.istft`.
 *
 * @example
 * ```ts
 * const y2 = istft(stft(y, { nFft: 1024 }), { hopLength: 256, length: y.length });
 * ```
 */
export interface IstftOptions {
  /** Samples between frames. Default `⌊winLength / 4⌋`. */
  hopLength?: number;
  /** Window length. Default nFft. */
  winLength?: number;
  /** FFT length. Default `2·(bins − 1)`. */
  nFft?: number;
  /** Window (name or samples). Default `'hann'`. */
  window?: WindowSpec;
  /** Whether the STFT was centred (its padding is removed). Default true. */
  center?: boolean;
  /** Exact output length (zero-padded or trimmed). Default: inferred from the frame count. */
  length?: number;
}

/**
 * Inverse STFT by weighted overlap-add, like `librosa.istft`: each frame is `irfft`'d, multiplied by the
 * window and added; the sum is divided by the overlapped squared window wherever that exceeds float32's
 * smallest normal number (librosa's `window_sumsquare` normalisation).
 *
 * @returns float32 samples; `length` of them when given.
 * @throws {@link ShapeError} if `re`/`im` differ in shape; {@link InvalidArgumentError} for bad sizes.
 * @example
 * ```ts
 * const S = stft(y, { nFft: 1024, hopLength: 256 });
 * const back = istft(S, { hopLength: 256, length: y.length }); // ≈ y
 * ```
 */
export function istft(S: ComplexSpectrogram, options: IstftOptions = {}): Float32Array {
  const fn = 'istft';
  if (!S || !(S.re instanceof Tensor) || !(S.im instanceof Tensor) || S.re.rank !== 2) {
    throw new InvalidArgumentError(`${fn}: expected { re, im } rank-2 tensors [bins, frames].`, {
      details: { key: 'S' },
    });
  }
  if (S.re.dims[0] !== S.im.dims[0] || S.re.dims[1] !== S.im.dims[1]) {
    throw new ShapeError(`${fn}: re is [${S.re.dims.join(', ')}] but im is [${S.im.dims.join(', ')}].`, {
      details: { expected: S.re.dims, actual: S.im.dims },
    });
  }
  const bins = S.re.dims[0]!;
  const totalFrames = S.re.dims[1]!;
  const nFft = checkInt(options.nFft ?? 2 * (bins - 1), fn, 'nFft', 1);
  if (Math.floor(nFft / 2) + 1 !== bins) {
    throw new ShapeError(
      `${fn}: ${bins} bins do not match nFft ${nFft} (expected ${Math.floor(nFft / 2) + 1}).`,
      {
        details: { key: 'nFft', expected: Math.floor(nFft / 2) + 1, actual: bins },
      },
    );
  }
  const winLength = checkInt(options.winLength ?? nFft, fn, 'winLength', 1);
  if (winLength > nFft) {
    throw new InvalidArgumentError(`${fn}: winLength ${winLength} exceeds nFft ${nFft}.`, {
      details: { key: 'winLength', expected: `≤ ${nFft}`, actual: winLength },
    });
  }
  const hop = checkInt(options.hopLength ?? Math.floor(winLength / 4), fn, 'hopLength', 1);
  const center = options.center ?? true;
  const length = options.length === undefined ? undefined : checkInt(options.length, fn, 'length', 0);
  const win = padCenter(resolveWindow(options.window ?? 'hann', winLength, fn), nFft);
  checkFinite(S.re.data, fn, 're');
  checkFinite(S.im.data, fn, 'im');
  const half = Math.floor(nFft / 2);
  let nFrames = totalFrames;
  if (length !== undefined) {
    const paddedLength = center ? length + 2 * half : length;
    nFrames = Math.min(totalFrames, Math.ceil(paddedLength / hop));
  }
  const expected = nFft + hop * (nFrames - 1);
  const acc = new Float64Array(Math.max(expected, 0));
  const wss = new Float64Array(Math.max(expected, 0));
  const plan = new RealFFTPlan(nFft);
  const fr = new Float64Array(bins);
  const fi = new Float64Array(bins);
  const frameOut = new Float64Array(nFft);
  const re = S.re.data;
  const im = S.im.data;
  for (let t = 0; t < nFrames; t++) {
    for (let k = 0, o = t; k < bins; k++, o += totalFrames) {
      fr[k] = re[o]!;
      fi[k] = im[o]!;
    }
    plan.inverse(fr, fi, frameOut);
    const off = t * hop;
    for (let i = 0; i < nFft; i++) {
      const w = win[i]!;
      acc[off + i]! += frameOut[i]! * w;
      wss[off + i]! += w * w;
    }
  }
  const tiny = 1.1754943508222875e-38;
  for (let i = 0; i < acc.length; i++) if (wss[i]! > tiny) acc[i] = acc[i]! / wss[i]!;
  const start = center ? half : 0;
  let outLength: number;
  if (length !== undefined) outLength = length;
  else outLength = Math.max(0, acc.length - (center ? 2 * half : 0));
  const out = new Float32Array(outLength);
  const avail = Math.max(0, Math.min(outLength, acc.length - start));
  for (let i = 0; i < avail; i++) out[i] = acc[start + i]!;
  return out;
}
