import { InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { istft, type PadMode, type Signal, stft } from '../spectral/index.js';
import { medianFilter } from './median.js';
import { checkMatrix, checkPositive } from './validate.js';

const FLOAT32_TINY = 1.1754943508222875e-38;
const FLOAT64_TINY = 2.2250738585072014e-308;

/**
 * Options of {@link softMask}.
 * @example
 * ```ts
 * softMask(H, P, { power: Number.POSITIVE_INFINITY }); // binary mask
 * ```
 */
export interface SoftMaskOptions {
  /** Exponent of the mask; `Infinity` gives a hard (binary) mask. Default 1, as librosa. */
  power?: number;
  /** Where both inputs are (near) zero, give 0.5 instead of 0. Default false, as librosa. */
  splitZeros?: boolean;
}

/**
 * Soft mask `X^p / (X^p + ref^p)` as `librosa.util.softmask` (computed relative to `max(X, ref)` for
 * stability; float32 inputs are computed with float32 rounding at each step, like NumPy).
 *
 * @example
 * ```ts
 * const m = softMask(H, P, { power: 2, splitZeros: true });
 * ```
 * @throws {@link ShapeError} if the shapes differ, {@link InvalidArgumentError} for negative values or power ≤ 0.
 */
export function softMask<D extends 'float32' | 'float64'>(
  X: Tensor<D>,
  ref: Tensor<D>,
  options: SoftMaskOptions = {},
): Tensor<D> {
  const fn = 'softMask';
  checkMatrix(fn, X, 'X');
  checkMatrix(fn, ref, 'ref');
  if (X.dims[0] !== ref.dims[0] || X.dims[1] !== ref.dims[1] || X.dtype !== ref.dtype) {
    throw new ShapeError(
      `${fn}: X [${X.dims}] (${X.dtype}) and ref [${ref.dims}] (${ref.dtype}) must match.`,
      {
        details: { expected: X.dims, actual: ref.dims },
      },
    );
  }
  const power = options.power ?? 1;
  if (!(power > 0) || Number.isNaN(power)) {
    throw new InvalidArgumentError(`${fn}: power must be > 0 (or Infinity), got ${power}.`, {
      details: { key: 'power', actual: power },
    });
  }
  const x = X.data as Float32Array | Float64Array;
  const r = ref.data as Float32Array | Float64Array;
  for (let i = 0; i < x.length; i++) {
    if (x[i]! < 0 || r[i]! < 0) {
      throw new InvalidArgumentError(`${fn}: X and ref must be non-negative (index ${i}).`, {
        details: { key: x[i]! < 0 ? 'X' : 'ref', index: i },
      });
    }
  }
  const out = Tensor.zeros(X.dtype, X.dims) as Tensor<D>;
  const o = out.data as Float32Array | Float64Array;
  const f32 = X.dtype === 'float32';
  const round = f32 ? Math.fround : (v: number) => v;
  const tiny = f32 ? FLOAT32_TINY : FLOAT64_TINY;
  const fill = options.splitZeros ? 0.5 : 0;
  for (let i = 0; i < x.length; i++) {
    const xi = x[i]!;
    const ri = r[i]!;
    const z = Math.max(xi, ri);
    if (z < tiny) {
      o[i] = fill;
      continue;
    }
    if (power === Number.POSITIVE_INFINITY) {
      o[i] = xi > ri ? 1 : 0;
      continue;
    }
    const m = round(round(xi / z) ** power);
    const mr = round(round(ri / z) ** power);
    o[i] = round(m / round(m + mr));
  }
  return out;
}

/**
 * Options of {@link hpss}; defaults are `librosa.decompose.hpss`'s.
 * @example
 * ```ts
 * hpss(S, { kernelSize: [17, 31], margin: [2, 2] }); // a residual is left out
 * ```
 */
export interface HpssOptions {
  /** Median-filter lengths: one number for both, or `[harmonic (frames), percussive (bins)]`. Default 31. */
  kernelSize?: number | readonly [number, number];
  /** Soft-mask exponent (`Infinity` = hard masks). Default 2. */
  power?: number;
  /** Return the masks instead of the masked spectrograms. Default false. */
  mask?: boolean;
  /** Separation margin(s) ≥ 1: one number or `[harmonic, percussive]`. Default 1 (no residual). */
  margin?: number | readonly [number, number];
}

/**
 * Output of {@link hpss}.
 * @example
 * ```ts
 * const { harmonic, percussive }: HpssResult<'float32'> = hpss(S);
 * ```
 */
export interface HpssResult<D extends 'float32' | 'float64'> {
  /** `S · M_harmonic` (or the mask when `mask` is set). */
  harmonic: Tensor<D>;
  /** `S · M_percussive` (or the mask when `mask` is set). */
  percussive: Tensor<D>;
}

/**
 * Median-filtering harmonic/percussive source separation (Fitzgerald 2010; Driedger et al. 2014 for
 * margins), as `librosa.decompose.hpss` on a magnitude (or power) spectrogram `[bins, frames]`:
 * the harmonic reference is a median along time, the percussive one along frequency
 * (`scipy.ndimage.median_filter`, `mode='reflect'`), combined with {@link softMask}.
 *
 * @example
 * ```ts
 * const { harmonic, percussive } = hpss(magnitude); // kernel 31, power 2, margin 1
 * ```
 * @throws {@link ShapeError} / {@link NonFiniteError} for a bad spectrogram, {@link InvalidArgumentError}
 *   for kernel sizes < 1, margins < 1, power ≤ 0 or negative magnitudes.
 */
export function hpss<D extends 'float32' | 'float64'>(
  S: Tensor<D>,
  options: HpssOptions = {},
): HpssResult<D> {
  const fn = 'hpss';
  checkMatrix(fn, S);
  const ks = options.kernelSize ?? 31;
  const [winHarm, winPerc] = typeof ks === 'number' ? [ks, ks] : ks;
  const mg = options.margin ?? 1;
  const [marginHarm, marginPerc] = typeof mg === 'number' ? [mg, mg] : mg;
  checkPositive(fn, 'margin', marginHarm);
  checkPositive(fn, 'margin', marginPerc);
  if (marginHarm < 1 || marginPerc < 1) {
    throw new InvalidArgumentError(
      `${fn}: margins must be >= 1 (typically 1–10), got [${marginHarm}, ${marginPerc}].`,
      {
        details: { key: 'margin', expected: '>= 1', actual: [marginHarm, marginPerc] },
      },
    );
  }
  const harm = medianFilter(S, { axis: 1, size: winHarm });
  const perc = medianFilter(S, { axis: 0, size: winPerc });
  const splitZeros = marginHarm === 1 && marginPerc === 1;
  const power = options.power ?? 2;
  const scaled = (t: Tensor<D>, m: number): Tensor<D> => {
    if (m === 1) return t;
    const c = t.clone();
    const d = c.data as Float32Array | Float64Array;
    for (let i = 0; i < d.length; i++) d[i]! *= m;
    return c;
  };
  const maskHarm = softMask(harm, scaled(perc, marginHarm), { power, splitZeros });
  const maskPerc = softMask(perc, scaled(harm, marginPerc), { power, splitZeros });
  if (options.mask) return { harmonic: maskHarm, percussive: maskPerc };
  const s = S.data as Float32Array | Float64Array;
  const h = maskHarm.data as Float32Array | Float64Array;
  const p = maskPerc.data as Float32Array | Float64Array;
  for (let i = 0; i < s.length; i++) {
    h[i] = s[i]! * h[i]!;
    p[i] = s[i]! * p[i]!;
  }
  return { harmonic: maskHarm, percussive: maskPerc };
}

/**
 * Options of {@link harmonicPercussive}: HPSS options plus the STFT's (defaults of `librosa.effects.hpss`).
 * @example
 * ```ts
 * harmonicPercussive(y, { nFft: 1024, hopLength: 256, margin: 3 });
 * ```
 */
export interface HarmonicPercussiveOptions extends Omit<HpssOptions, 'mask'> {
  /** FFT length. Default 2048. */
  nFft?: number;
  /** Hop length. Default `nFft / 4` (512). */
  hopLength?: number;
  /** Window length. Default nFft. */
  winLength?: number;
  /** Centre the frames. Default true. */
  center?: boolean;
  /** Padding for centring. Default `'constant'`. */
  padMode?: PadMode;
}

/**
 * Output of {@link harmonicPercussive}: two signals of the input's length.
 * @example
 * ```ts
 * const { harmonic, percussive } = harmonicPercussive(y);
 * ```
 */
export interface HarmonicPercussiveResult {
  harmonic: Float32Array;
  percussive: Float32Array;
}

/**
 * Splits a waveform into harmonic and percussive parts, as `librosa.effects.hpss(y)`: STFT (n_fft 2048,
 * hop 512, Hann, centred), {@link hpss} masks (kernel 31, power 2, margin 1) applied to the complex STFT,
 * inverse STFT to the input's length. With margin 1 the two parts sum to the input (up to float32 rounding).
 *
 * @example
 * ```ts
 * const { harmonic, percussive } = harmonicPercussive(y);
 * ```
 * @throws {@link InvalidArgumentError} for a bad signal or options, {@link NonFiniteError} for NaN/Infinity samples.
 */
export function harmonicPercussive(
  y: Signal,
  options: HarmonicPercussiveOptions = {},
): HarmonicPercussiveResult {
  const nFft = options.nFft ?? 2048;
  const winLength = options.winLength ?? nFft;
  const hopLength = options.hopLength ?? Math.floor(winLength / 4);
  const stftOptions = {
    nFft,
    hopLength,
    winLength,
    center: options.center ?? true,
    padMode: options.padMode ?? 'constant',
  };
  const D = stft(y, stftOptions);
  const re = D.re.data;
  const im = D.im.data;
  const mag = new Float32Array(re.length);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.hypot(re[i]!, im[i]!);
  const { kernelSize, power, margin } = options;
  const masks = hpss(new Tensor('float32', mag, D.re.dims), { kernelSize, power, margin, mask: true });
  const apply = (m: Float32Array) => {
    const r = new Float32Array(re.length);
    const i = new Float32Array(re.length);
    for (let k = 0; k < r.length; k++) {
      r[k] = re[k]! * m[k]!;
      i[k] = im[k]! * m[k]!;
    }
    return istft(
      { re: new Tensor('float32', r, D.re.dims), im: new Tensor('float32', i, D.re.dims) },
      { nFft, hopLength, winLength, center: stftOptions.center, length: y.length },
    );
  };
  return { harmonic: apply(masks.harmonic.data), percussive: apply(masks.percussive.data) };
}
