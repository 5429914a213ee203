import { InvalidArgumentError, ShapeError } from '@instr/core';
import { checkFinite } from './util.js';

/**
 * Fast Fourier transforms of any length, in float64.
 *
 * - lengths whose prime factors are all ≤ 31 use a Stockham auto-sort mixed-radix FFT
 *   (hand-written radix-4, 2, 3 and 5 butterflies, a generic butterfly for 7…31);
 * - other lengths use Bluestein's chirp-z algorithm over a power-of-two FFT;
 * - real input uses a half-length complex FFT plus a split step (even lengths).
 *
 * Conventions follow numpy / scipy: forward `X[k] = Σ x[n]·e^{-2πikn/N}` (unscaled), inverse scaled by `1/N`.
 * Complex data is held as two `Float64Array`s (`re`, `im`). See docs/decisions/0002-fft.md for why this is our
 * own code rather than an npm FFT.
 */

/**
 * A complex vector as split real and imaginary parts of equal length.
 *
 * @example
 * ```ts
 * const { re, im }: ComplexArray = rfft(new Float32Array([1, 0, 0, 0]));
 * ```
 */
export interface ComplexArray {
  re: Float64Array;
  im: Float64Array;
}

interface Stage {
  /** Radix of the stage. */
  p: number;
  /** Sub-length after the stage (n_cur / p). */
  m: number;
  /** Stride (product of the radices already applied). */
  s: number;
  /** Twiddles e^{-2πi·j·u/(p·m)} for j < m, 1 ≤ u < p, interleaved (re, im), index ((j·(p−1)) + u − 1)·2. */
  tw: Float64Array;
  /** For the generic radix: cos/sin of 2πk/p, k < p. */
  rootsRe?: Float64Array;
  rootsIm?: Float64Array;
}

const MAX_DIRECT_RADIX = 31;

function checkLength(n: number, what: string): void {
  if (!Number.isInteger(n) || n < 1) {
    throw new InvalidArgumentError(`${what}: FFT length must be a positive integer, got ${n}.`, {
      details: { key: 'n', expected: 'integer ≥ 1', actual: n },
    });
  }
}

/** Prime factorisation in the radix order used by the plans (4s first, then 2, 3, 5, larger primes). */
function factorize(n: number): number[] {
  const out: number[] = [];
  let r = n;
  while (r % 4 === 0) {
    out.push(4);
    r /= 4;
  }
  while (r % 2 === 0) {
    out.push(2);
    r /= 2;
  }
  for (let p = 3; p * p <= r; p += 2) {
    while (r % p === 0) {
      out.push(p);
      r /= p;
    }
  }
  if (r > 1) out.push(r);
  return out;
}

/**
 * A reusable plan for the complex FFT of one length `n` (any positive integer).
 *
 * Plans precompute twiddles and scratch space; one plan is not safe for concurrent re-entrant use
 * (JavaScript is single-threaded per worker, so this only matters for nested calls from callbacks).
 *
 * @example
 * ```ts
 * const plan = new FFTPlan(400);
 * const re = new Float64Array(400), im = new Float64Array(400);
 * re[1] = 1;
 * const outRe = new Float64Array(400), outIm = new Float64Array(400);
 * plan.forward(re, im, outRe, outIm); // outRe[k] = cos(2πk/400), outIm[k] = −sin(2πk/400)
 * ```
 */
export class FFTPlan {
  /** Transform length. */
  readonly n: number;
  /** `'mixed-radix'` (Stockham) or `'bluestein'`. */
  readonly algorithm: 'mixed-radix' | 'bluestein';
  private readonly stages: Stage[] = [];
  private readonly bufRe: Float64Array;
  private readonly bufIm: Float64Array;
  private readonly buf2Re: Float64Array;
  private readonly buf2Im: Float64Array;
  // Bluestein state
  private readonly inner?: FFTPlan;
  private readonly chirpRe?: Float64Array;
  private readonly chirpIm?: Float64Array;
  private readonly kernelRe?: Float64Array;
  private readonly kernelIm?: Float64Array;

  constructor(n: number) {
    checkLength(n, 'FFTPlan');
    this.n = n;
    const factors = factorize(n);
    const largest = factors.length ? Math.max(...factors) : 1;
    if (largest <= MAX_DIRECT_RADIX) {
      this.algorithm = 'mixed-radix';
      let ncur = n;
      let s = 1;
      for (const p of factors) {
        const m = ncur / p;
        const tw = new Float64Array(m * (p - 1) * 2);
        for (let j = 0; j < m; j++) {
          for (let u = 1; u < p; u++) {
            const a = (-2 * Math.PI * ((j * u) % ncur)) / ncur;
            const idx = (j * (p - 1) + u - 1) * 2;
            tw[idx] = Math.cos(a);
            tw[idx + 1] = Math.sin(a);
          }
        }
        const stage: Stage = { p, m, s, tw };
        if (p !== 2 && p !== 3 && p !== 4 && p !== 5) {
          stage.rootsRe = new Float64Array(p);
          stage.rootsIm = new Float64Array(p);
          for (let k = 0; k < p; k++) {
            stage.rootsRe[k] = Math.cos((2 * Math.PI * k) / p);
            stage.rootsIm[k] = -Math.sin((2 * Math.PI * k) / p);
          }
        }
        this.stages.push(stage);
        ncur = m;
        s *= p;
      }
      this.bufRe = new Float64Array(n);
      this.bufIm = new Float64Array(n);
      this.buf2Re = new Float64Array(n);
      this.buf2Im = new Float64Array(n);
    } else {
      this.algorithm = 'bluestein';
      let m = 1;
      while (m < 2 * n - 1) m *= 2;
      const inner = new FFTPlan(m);
      this.inner = inner;
      const cr = new Float64Array(n);
      const ci = new Float64Array(n);
      const twoN = 2 * n;
      for (let k = 0; k < n; k++) {
        // k² mod 2n exactly (BigInt-free: k < n ≤ 2^26 keeps k*k below 2^53 for any practical n).
        const kk = (k * k) % twoN;
        const a = (-Math.PI * kk) / n;
        cr[k] = Math.cos(a);
        ci[k] = Math.sin(a);
      }
      this.chirpRe = cr;
      this.chirpIm = ci;
      const br = new Float64Array(m);
      const bi = new Float64Array(m);
      br[0] = cr[0]!;
      bi[0] = -ci[0]!;
      for (let k = 1; k < n; k++) {
        br[k] = br[m - k] = cr[k]!;
        bi[k] = bi[m - k] = -ci[k]!;
      }
      this.kernelRe = new Float64Array(m);
      this.kernelIm = new Float64Array(m);
      inner.forward(br, bi, this.kernelRe, this.kernelIm);
      this.bufRe = new Float64Array(m);
      this.bufIm = new Float64Array(m);
      this.buf2Re = new Float64Array(m);
      this.buf2Im = new Float64Array(m);
    }
  }

  /** @internal Stage radices, sub-lengths, strides and twiddles (used by the WebAssembly kernels). */
  stageList(): readonly { p: number; m: number; s: number; tw: Float64Array }[] {
    return this.stages;
  }

  /**
   * Forward transform (unscaled, e^{-2πi…}) of `inRe + i·inIm` into `outRe + i·outIm`.
   * Input and output may be the same arrays. Arrays must hold at least `n` elements.
   */
  forward(inRe: ArrayLike<number>, inIm: ArrayLike<number>, outRe: Float64Array, outIm: Float64Array): void {
    this.check(inRe, inIm, outRe, outIm);
    if (this.algorithm === 'bluestein') {
      this.bluestein(inRe, inIm, outRe, outIm);
      return;
    }
    this.run(inRe, inIm, outRe, outIm);
  }

  /**
   * Inverse transform, scaled by 1/n like `numpy.fft.ifft` (pass `scale = false` to skip the 1/n).
   * Input and output may be the same arrays.
   */
  inverse(
    inRe: ArrayLike<number>,
    inIm: ArrayLike<number>,
    outRe: Float64Array,
    outIm: Float64Array,
    scale = true,
  ): void {
    this.check(inRe, inIm, outRe, outIm);
    const n = this.n;
    // ifft(X) = conj(fft(conj(X))) / n
    const tr = this.scratchIn();
    const ti = this.scratchInIm();
    for (let i = 0; i < n; i++) {
      tr[i] = inRe[i]!;
      ti[i] = -inIm[i]!;
    }
    this.forward(tr, ti, outRe, outIm);
    const k = scale ? 1 / n : 1;
    for (let i = 0; i < n; i++) {
      outRe[i] = outRe[i]! * k;
      outIm[i] = -outIm[i]! * k;
    }
  }

  private invTmpRe?: Float64Array;
  private invTmpIm?: Float64Array;
  private scratchIn(): Float64Array {
    if (!this.invTmpRe) this.invTmpRe = new Float64Array(this.n);
    return this.invTmpRe;
  }
  private scratchInIm(): Float64Array {
    if (!this.invTmpIm) this.invTmpIm = new Float64Array(this.n);
    return this.invTmpIm;
  }

  private check(
    a: ArrayLike<number>,
    b: ArrayLike<number>,
    c: ArrayLike<number>,
    d: ArrayLike<number>,
  ): void {
    const n = this.n;
    if (a.length < n || b.length < n || c.length < n || d.length < n) {
      throw new ShapeError(
        `FFTPlan(${n}): arrays must hold at least ${n} elements, got ${a.length}, ${b.length}, ${c.length}, ${d.length}.`,
        { details: { expected: n, actual: [a.length, b.length, c.length, d.length] } },
      );
    }
  }

  private bluestein(
    inRe: ArrayLike<number>,
    inIm: ArrayLike<number>,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    const n = this.n;
    const inner = this.inner!;
    const m = inner.n;
    const cr = this.chirpRe!;
    const ci = this.chirpIm!;
    const ar = this.bufRe;
    const ai = this.bufIm;
    for (let k = 0; k < n; k++) {
      const xr = inRe[k]!;
      const xi = inIm[k]!;
      ar[k] = xr * cr[k]! - xi * ci[k]!;
      ai[k] = xr * ci[k]! + xi * cr[k]!;
    }
    ar.fill(0, n, m);
    ai.fill(0, n, m);
    const fr = this.buf2Re;
    const fi = this.buf2Im;
    inner.forward(ar, ai, fr, fi);
    const kr = this.kernelRe!;
    const ki = this.kernelIm!;
    for (let k = 0; k < m; k++) {
      const xr = fr[k]!;
      const xi = fi[k]!;
      const yr = kr[k]!;
      const yi = ki[k]!;
      fr[k] = xr * yr - xi * yi;
      fi[k] = xr * yi + xi * yr;
    }
    inner.inverse(fr, fi, ar, ai);
    for (let k = 0; k < n; k++) {
      const xr = ar[k]!;
      const xi = ai[k]!;
      outRe[k] = xr * cr[k]! - xi * ci[k]!;
      outIm[k] = xr * ci[k]! + xi * cr[k]!;
    }
  }

  /** Stockham passes, ping-ponging between the plan's buffers, final pass writes into out. */
  private run(
    inRe: ArrayLike<number>,
    inIm: ArrayLike<number>,
    outRe: Float64Array,
    outIm: Float64Array,
  ): void {
    const stages = this.stages;
    const count = stages.length;
    const n = this.n;
    if (count === 0) {
      outRe[0] = inRe[0]!;
      outIm[0] = inIm[0]!;
      return;
    }
    // Choose buffers so the last pass lands in out: pass i writes to (count-1-i) even → out.
    let srcRe: ArrayLike<number> = inRe;
    let srcIm: ArrayLike<number> = inIm;
    const aliased = (inRe as unknown) === outRe || (inIm as unknown) === outIm;
    if (aliased) {
      for (let i = 0; i < n; i++) {
        this.buf2Re[i] = inRe[i]!;
        this.buf2Im[i] = inIm[i]!;
      }
      srcRe = this.buf2Re;
      srcIm = this.buf2Im;
    }
    for (let i = 0; i < count; i++) {
      const st = stages[i]!;
      const toOut = (count - 1 - i) % 2 === 0;
      let dstRe: Float64Array;
      let dstIm: Float64Array;
      if (toOut) {
        dstRe = outRe;
        dstIm = outIm;
      } else if (srcRe === this.bufRe) {
        dstRe = this.buf2Re;
        dstIm = this.buf2Im;
      } else {
        dstRe = this.bufRe;
        dstIm = this.bufIm;
      }
      // Never read and write the same array in one pass.
      if ((srcRe as unknown) === dstRe) {
        const alt = dstRe === this.bufRe ? [this.buf2Re, this.buf2Im] : [this.bufRe, this.bufIm];
        alt[0]!.set(dstRe.subarray(0, n));
        alt[1]!.set(dstIm.subarray(0, n));
        srcRe = alt[0]!;
        srcIm = alt[1]!;
      }
      switch (st.p) {
        case 4:
          radix4(st, srcRe, srcIm, dstRe, dstIm);
          break;
        case 2:
          radix2(st, srcRe, srcIm, dstRe, dstIm);
          break;
        case 3:
          radix3(st, srcRe, srcIm, dstRe, dstIm);
          break;
        case 5:
          radix5(st, srcRe, srcIm, dstRe, dstIm);
          break;
        default:
          radixGeneric(st, srcRe, srcIm, dstRe, dstIm);
      }
      srcRe = dstRe;
      srcIm = dstIm;
    }
  }
}

function radix4(
  st: Stage,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, tw } = st;
  const sm = s * m;
  if (s === 1) {
    for (let j = 0; j < m; j++) {
      const t = j * 6;
      const w1r = tw[t]!;
      const w1i = tw[t + 1]!;
      const w2r = tw[t + 2]!;
      const w2i = tw[t + 3]!;
      const w3r = tw[t + 4]!;
      const w3i = tw[t + 5]!;
      const i0 = j;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const a2r = xr[i2]!;
      const a2i = xi[i2]!;
      const a3r = xr[i3]!;
      const a3i = xi[i3]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = 4 * j;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      const b1r = t1r + t3r;
      const b1i = t1i + t3i;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      const b3r = t1r - t3r;
      const b3i = t1i - t3i;
      yr[o + 1] = b1r * w1r - b1i * w1i;
      yi[o + 1] = b1r * w1i + b1i * w1r;
      yr[o + 2] = b2r * w2r - b2i * w2i;
      yi[o + 2] = b2r * w2i + b2i * w2r;
      yr[o + 3] = b3r * w3r - b3i * w3i;
      yi[o + 3] = b3r * w3i + b3i * w3r;
    }
    return;
  }
  if (m === 1) {
    for (let q = 0; q < s; q++) {
      const i0 = q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const a2r = xr[i2]!;
      const a2i = xi[i2]!;
      const a3r = xr[i3]!;
      const a3i = xi[i3]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      yr[q] = t0r + t2r;
      yi[q] = t0i + t2i;
      yr[q + s] = t1r + t3r;
      yi[q + s] = t1i + t3i;
      yr[q + 2 * s] = t0r - t2r;
      yi[q + 2 * s] = t0i - t2i;
      yr[q + 3 * s] = t1r - t3r;
      yi[q + 3 * s] = t1i - t3i;
    }
    return;
  }
  for (let j = 0; j < m; j++) {
    const t = j * 6;
    const w1r = tw[t]!;
    const w1i = tw[t + 1]!;
    const w2r = tw[t + 2]!;
    const w2i = tw[t + 3]!;
    const w3r = tw[t + 4]!;
    const w3i = tw[t + 5]!;
    const base = s * j;
    const obase = s * 4 * j;
    for (let q = 0; q < s; q++) {
      const i0 = base + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const a2r = xr[i2]!;
      const a2i = xi[i2]!;
      const a3r = xr[i3]!;
      const a3i = xi[i3]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1i - a3i;
      const t3i = a3r - a1r;
      const o = obase + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      const b1r = t1r + t3r;
      const b1i = t1i + t3i;
      const b2r = t0r - t2r;
      const b2i = t0i - t2i;
      const b3r = t1r - t3r;
      const b3i = t1i - t3i;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

function radix2(
  st: Stage,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const wr = tw[2 * j]!;
    const wi = tw[2 * j + 1]!;
    const base = s * j;
    const obase = 2 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = base + q;
      const i1 = i0 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const o = obase + q;
      yr[o] = a0r + a1r;
      yi[o] = a0i + a1i;
      const br = a0r - a1r;
      const bi = a0i - a1i;
      yr[o + s] = br * wr - bi * wi;
      yi[o + s] = br * wi + bi * wr;
    }
  }
}

const C3 = -0.5;
const S3 = Math.sqrt(3) / 2;

function radix3(
  st: Stage,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = j * 4;
    const w1r = tw[t]!;
    const w1i = tw[t + 1]!;
    const w2r = tw[t + 2]!;
    const w2i = tw[t + 3]!;
    const base = s * j;
    const obase = 3 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = base + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const a2r = xr[i2]!;
      const a2i = xi[i2]!;
      const sr = a1r + a2r;
      const si = a1i + a2i;
      const dr = a1r - a2r;
      const di = a1i - a2i;
      const mr = a0r + C3 * sr;
      const mi = a0i + C3 * si;
      // W3 = e^{-2πi/3} = C3 − i·S3
      const b1r = mr + S3 * di;
      const b1i = mi - S3 * dr;
      const b2r = mr - S3 * di;
      const b2i = mi + S3 * dr;
      const o = obase + q;
      yr[o] = a0r + sr;
      yi[o] = a0i + si;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
    }
  }
}

const C51 = Math.cos((2 * Math.PI) / 5);
const C52 = Math.cos((4 * Math.PI) / 5);
const S51 = Math.sin((2 * Math.PI) / 5);
const S52 = Math.sin((4 * Math.PI) / 5);

function radix5(
  st: Stage,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, tw } = st;
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const t = j * 8;
    const w1r = tw[t]!;
    const w1i = tw[t + 1]!;
    const w2r = tw[t + 2]!;
    const w2i = tw[t + 3]!;
    const w3r = tw[t + 4]!;
    const w3i = tw[t + 5]!;
    const w4r = tw[t + 6]!;
    const w4i = tw[t + 7]!;
    const base = s * j;
    const obase = 5 * s * j;
    for (let q = 0; q < s; q++) {
      const i0 = base + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!;
      const a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!;
      const a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!;
      const a4i = xi[i0 + 4 * sm]!;
      const s14r = a1r + a4r;
      const s14i = a1i + a4i;
      const d14r = a1r - a4r;
      const d14i = a1i - a4i;
      const s23r = a2r + a3r;
      const s23i = a2i + a3i;
      const d23r = a2r - a3r;
      const d23i = a2i - a3i;
      const m1r = a0r + C51 * s14r + C52 * s23r;
      const m1i = a0i + C51 * s14i + C52 * s23i;
      const m2r = a0r + C52 * s14r + C51 * s23r;
      const m2i = a0i + C52 * s14i + C51 * s23i;
      // −i·(S51·d14 + S52·d23) and −i·(S52·d14 − S51·d23)
      const n1r = S51 * d14i + S52 * d23i;
      const n1i = -(S51 * d14r + S52 * d23r);
      const n2r = S52 * d14i - S51 * d23i;
      const n2i = -(S52 * d14r - S51 * d23r);
      const b1r = m1r + n1r;
      const b1i = m1i + n1i;
      const b4r = m1r - n1r;
      const b4i = m1i - n1i;
      const b2r = m2r + n2r;
      const b2i = m2i + n2i;
      const b3r = m2r - n2r;
      const b3i = m2i - n2i;
      const o = obase + q;
      yr[o] = a0r + s14r + s23r;
      yi[o] = a0i + s14i + s23i;
      yr[o + s] = b1r * w1r - b1i * w1i;
      yi[o + s] = b1r * w1i + b1i * w1r;
      yr[o + 2 * s] = b2r * w2r - b2i * w2i;
      yi[o + 2 * s] = b2r * w2i + b2i * w2r;
      yr[o + 3 * s] = b3r * w3r - b3i * w3i;
      yi[o + 3 * s] = b3r * w3i + b3i * w3r;
      yr[o + 4 * s] = b4r * w4r - b4i * w4i;
      yi[o + 4 * s] = b4r * w4i + b4i * w4r;
    }
  }
}

function radixGeneric(
  st: Stage,
  xr: ArrayLike<number>,
  xi: ArrayLike<number>,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { p, m, s, tw } = st;
  const rr = st.rootsRe!;
  const ri = st.rootsIm!;
  const sm = s * m;
  const ar = new Float64Array(p);
  const ai = new Float64Array(p);
  for (let j = 0; j < m; j++) {
    const base = s * j;
    const obase = p * s * j;
    const t = j * (p - 1) * 2;
    for (let q = 0; q < s; q++) {
      const i0 = base + q;
      for (let r = 0; r < p; r++) {
        ar[r] = xr[i0 + r * sm]!;
        ai[r] = xi[i0 + r * sm]!;
      }
      const o = obase + q;
      for (let u = 0; u < p; u++) {
        let br = 0;
        let bi = 0;
        let k = 0;
        for (let r = 0; r < p; r++) {
          const wr = rr[k]!;
          const wi = ri[k]!;
          br += ar[r]! * wr - ai[r]! * wi;
          bi += ar[r]! * wi + ai[r]! * wr;
          k += u;
          if (k >= p) k -= p;
        }
        if (u === 0) {
          yr[o] = br;
          yi[o] = bi;
        } else {
          const wr = tw[t + (u - 1) * 2]!;
          const wi = tw[t + (u - 1) * 2 + 1]!;
          yr[o + u * s] = br * wr - bi * wi;
          yi[o + u * s] = br * wi + bi * wr;
        }
      }
    }
  }
}

/**
 * A reusable plan for the FFT of real input of length `n` (any positive integer): returns the
 * `n/2 + 1` non-negative-frequency bins, like `numpy.fft.rfft`. Even lengths use a half-length
 * complex FFT; odd lengths a full complex FFT.
 *
 * @example
 * ```ts
 * const plan = new RealFFTPlan(2048);
 * const re = new Float64Array(plan.bins), im = new Float64Array(plan.bins);
 * plan.forward(frame, re, im); // frame: 2048 samples
 * const back = new Float64Array(2048);
 * plan.inverse(re, im, back);   // ≈ frame
 * ```
 */
export class RealFFTPlan {
  /** Real input length. */
  readonly n: number;
  /** Number of output bins, `floor(n/2) + 1`. */
  readonly bins: number;
  /** The complex plan used internally (length n/2 for even n, n for odd n). */
  readonly complex: FFTPlan;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  private readonly Zr: Float64Array;
  private readonly Zi: Float64Array;
  /** @internal e^{-2πik/n}, k < n/2 (even n only). */
  readonly wr: Float64Array;
  /** @internal */
  readonly wi: Float64Array;

  constructor(n: number) {
    checkLength(n, 'RealFFTPlan');
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0 && n >= 2;
    const cn = even ? n / 2 : n;
    this.complex = getFFTPlan(cn);
    this.zr = new Float64Array(cn);
    this.zi = new Float64Array(cn);
    this.Zr = new Float64Array(cn);
    this.Zi = new Float64Array(cn);
    const h = even ? n / 2 : 0;
    this.wr = new Float64Array(h);
    this.wi = new Float64Array(h);
    for (let k = 0; k < h; k++) {
      this.wr[k] = Math.cos((2 * Math.PI * k) / n);
      this.wi[k] = -Math.sin((2 * Math.PI * k) / n);
    }
  }

  /**
   * Forward transform of `input` (length ≥ n; the first n samples are used), optionally multiplied
   * sample-wise by `window` (length ≥ n) on the fly. Writes `bins` values to `outRe`/`outIm`.
   */
  forward(
    input: ArrayLike<number>,
    outRe: Float64Array,
    outIm: Float64Array,
    window?: ArrayLike<number>,
  ): void {
    const n = this.n;
    if (
      input.length < n ||
      outRe.length < this.bins ||
      outIm.length < this.bins ||
      (window && window.length < n)
    ) {
      throw new ShapeError(`RealFFTPlan(${n}): input needs ${n} samples and outputs ${this.bins} bins.`, {
        details: {
          expected: { input: n, bins: this.bins },
          actual: { input: input.length, out: outRe.length },
        },
      });
    }
    this.forwardUnchecked(input, 0, outRe, outIm, window);
  }

  /** @internal Hot path: input starts at `offset`, no checks. */
  forwardUnchecked(
    input: ArrayLike<number>,
    offset: number,
    outRe: Float64Array,
    outIm: Float64Array,
    window?: ArrayLike<number>,
  ): void {
    const n = this.n;
    const zr = this.zr;
    const zi = this.zi;
    if (n % 2 !== 0 || n < 2) {
      if (window) for (let i = 0; i < n; i++) zr[i] = input[offset + i]! * window[i]!;
      else for (let i = 0; i < n; i++) zr[i] = input[offset + i]!;
      zi.fill(0);
      this.complex.forward(zr, zi, this.Zr, this.Zi);
      for (let k = 0; k < this.bins; k++) {
        outRe[k] = this.Zr[k]!;
        outIm[k] = this.Zi[k]!;
      }
      return;
    }
    const h = n / 2;
    if (window) {
      for (let i = 0, j = offset; i < h; i++, j += 2) {
        zr[i] = input[j]! * window[2 * i]!;
        zi[i] = input[j + 1]! * window[2 * i + 1]!;
      }
    } else {
      for (let i = 0, j = offset; i < h; i++, j += 2) {
        zr[i] = input[j]!;
        zi[i] = input[j + 1]!;
      }
    }
    this.complex.forward(zr, zi, this.Zr, this.Zi);
    this.split(outRe, outIm);
  }

  /** Split step: X[k] from Z = FFT_{n/2}(x_even + i·x_odd). */
  private split(outRe: Float64Array, outIm: Float64Array): void {
    const h = this.n / 2;
    const Zr = this.Zr;
    const Zi = this.Zi;
    const wr = this.wr;
    const wi = this.wi;
    const z0r = Zr[0]!;
    const z0i = Zi[0]!;
    outRe[0] = z0r + z0i;
    outIm[0] = 0;
    outRe[h] = z0r - z0i;
    outIm[h] = 0;
    for (let k = 1; k < h; k++) {
      const ar = Zr[k]!;
      const ai = Zi[k]!;
      const br = Zr[h - k]!;
      const bi = -Zi[h - k]!; // conj(Z[h-k])
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      // O = (Z[k] − conj(Z[h−k])) / (2i) = (d) * (−i/2)
      const dr = ar - br;
      const di = ai - bi;
      const or = 0.5 * di;
      const oi = -0.5 * dr;
      const cr = wr[k]!;
      const ci = wi[k]!;
      outRe[k] = er + (or * cr - oi * ci);
      outIm[k] = ei + (or * ci + oi * cr);
    }
  }

  /**
   * Inverse of {@link RealFFTPlan.forward} (like `numpy.fft.irfft(X, n)`): reads `bins` values, writes `n`
   * real samples scaled by 1/n. The imaginary parts of the DC and (even n) Nyquist bins are ignored.
   */
  inverse(inRe: ArrayLike<number>, inIm: ArrayLike<number>, out: Float64Array): void {
    const n = this.n;
    const bins = this.bins;
    if (inRe.length < bins || inIm.length < bins || out.length < n) {
      throw new ShapeError(`RealFFTPlan(${n}).inverse: needs ${bins} bins and an output of ${n} samples.`, {
        details: { expected: { bins, out: n }, actual: { bins: inRe.length, out: out.length } },
      });
    }
    const Zr = this.Zr;
    const Zi = this.Zi;
    const zr = this.zr;
    const zi = this.zi;
    if (n % 2 !== 0 || n < 2) {
      Zr[0] = inRe[0]!;
      Zi[0] = 0;
      for (let k = 1; k < bins; k++) {
        Zr[k] = inRe[k]!;
        Zi[k] = inIm[k]!;
        Zr[n - k] = inRe[k]!;
        Zi[n - k] = -inIm[k]!;
      }
      this.complex.inverse(Zr, Zi, zr, zi);
      for (let i = 0; i < n; i++) out[i] = zr[i]!;
      return;
    }
    const h = n / 2;
    const wr = this.wr;
    const wi = this.wi;
    const x0 = inRe[0]!;
    const xh = inRe[h]!;
    Zr[0] = 0.5 * (x0 + xh);
    Zi[0] = 0.5 * (x0 - xh);
    for (let k = 1; k < h; k++) {
      const ar = inRe[k]!;
      const ai = inIm[k]!;
      const br = inRe[h - k]!;
      const bi = -inIm[h - k]!; // conj(X[h-k])
      const er = 0.5 * (ar + br);
      const ei = 0.5 * (ai + bi);
      const dr = 0.5 * (ar - br);
      const di = 0.5 * (ai - bi);
      // O = d · conj(W^k)
      const cr = wr[k]!;
      const ci = -wi[k]!;
      const or = dr * cr - di * ci;
      const oi = dr * ci + di * cr;
      // Z = E + i·O
      Zr[k] = er - oi;
      Zi[k] = ei + or;
    }
    this.complex.inverse(Zr, Zi, zr, zi, false);
    const scale = 1 / h;
    for (let i = 0; i < h; i++) {
      out[2 * i] = zr[i]! * scale;
      out[2 * i + 1] = zi[i]! * scale;
    }
  }
}

const complexPlans = new Map<number, FFTPlan>();
const realPlans = new Map<number, RealFFTPlan>();
const MAX_CACHED = 32;

function cached<T>(map: Map<number, T>, n: number, make: () => T): T {
  let plan = map.get(n);
  if (!plan) {
    plan = make();
    if (map.size >= MAX_CACHED) map.delete(map.keys().next().value as number);
    map.set(n, plan);
  }
  return plan;
}

/**
 * A cached {@link FFTPlan} for length `n` (up to 32 lengths are kept).
 * @example
 * ```ts
 * const plan = getFFTPlan(1024);
 * ```
 */
export function getFFTPlan(n: number): FFTPlan {
  checkLength(n, 'getFFTPlan');
  return cached(complexPlans, n, () => new FFTPlan(n));
}

/**
 * A cached {@link RealFFTPlan} for length `n`. Each call site that nests transforms of the same
 * length should create its own plan instead (plans own scratch buffers).
 * @example
 * ```ts
 * const plan = getRealFFTPlan(2048);
 * ```
 */
export function getRealFFTPlan(n: number): RealFFTPlan {
  checkLength(n, 'getRealFFTPlan');
  return cached(realPlans, n, () => new RealFFTPlan(n));
}

function toF64(x: ArrayLike<number>, n: number): Float64Array {
  const out = new Float64Array(n);
  const m = Math.min(n, x.length);
  for (let i = 0; i < m; i++) out[i] = x[i]!;
  return out;
}

/**
 * Complex FFT, like `numpy.fft.fft(re + 1j*im, n)`: input is truncated or zero-padded to `n`
 * (default: its length).
 * @throws {@link InvalidArgumentError} for an empty input or bad `n`.
 * @example
 * ```ts
 * const { re, im } = fft([1, 0, 0, 0]); // re = [1, 1, 1, 1], im = [0, 0, 0, 0]
 * ```
 */
export function fft(re: ArrayLike<number>, im?: ArrayLike<number>, n: number = re.length): ComplexArray {
  checkLength(n, 'fft');
  if (im && im.length !== re.length) {
    throw new ShapeError(`fft: re has ${re.length} elements, im has ${im.length}.`, {
      details: { expected: re.length, actual: im.length },
    });
  }
  checkFinite(re, 'fft', 're');
  if (im) checkFinite(im, 'fft', 'im');
  const xr = toF64(re, n);
  const xi = im ? toF64(im, n) : new Float64Array(n);
  const out = { re: new Float64Array(n), im: new Float64Array(n) };
  getFFTPlan(n).forward(xr, xi, out.re, out.im);
  return out;
}

/**
 * Inverse complex FFT scaled by 1/n, like `numpy.fft.ifft`.
 * @example
 * ```ts
 * const x = ifft(fft([1, 2, 3]).re, fft([1, 2, 3]).im).re; // ≈ [1, 2, 3]
 * ```
 */
export function ifft(re: ArrayLike<number>, im: ArrayLike<number>, n: number = re.length): ComplexArray {
  checkLength(n, 'ifft');
  if (im.length !== re.length) {
    throw new ShapeError(`ifft: re has ${re.length} elements, im has ${im.length}.`, {
      details: { expected: re.length, actual: im.length },
    });
  }
  checkFinite(re, 'ifft', 're');
  checkFinite(im, 'ifft', 'im');
  const xr = toF64(re, n);
  const xi = toF64(im, n);
  const out = { re: new Float64Array(n), im: new Float64Array(n) };
  getFFTPlan(n).inverse(xr, xi, out.re, out.im);
  return out;
}

/**
 * FFT of real input, like `numpy.fft.rfft(x, n)`: returns `floor(n/2) + 1` bins.
 * @example
 * ```ts
 * const { re, im } = rfft(new Float32Array([0, 1, 0, -1])); // re = [0, 0, 0], im = [0, -2, 0]
 * ```
 */
export function rfft(x: ArrayLike<number>, n: number = x.length): ComplexArray {
  checkLength(n, 'rfft');
  checkFinite(x, 'rfft', 'x');
  const plan = getRealFFTPlan(n);
  const out = { re: new Float64Array(plan.bins), im: new Float64Array(plan.bins) };
  plan.forward(x.length === n ? x : toF64(x, n), out.re, out.im);
  return out;
}

/**
 * Inverse of {@link rfft}, like `numpy.fft.irfft(X, n)`; `n` defaults to `2·(bins − 1)`.
 * Missing bins are treated as zero, extra bins are ignored.
 * @example
 * ```ts
 * const X = rfft([1, 2, 3, 4]);
 * irfft(X.re, X.im); // ≈ Float64Array [1, 2, 3, 4]
 * ```
 */
export function irfft(
  re: ArrayLike<number>,
  im: ArrayLike<number>,
  n: number = 2 * (re.length - 1),
): Float64Array {
  checkLength(n, 'irfft');
  checkFinite(re, 'irfft', 're');
  checkFinite(im, 'irfft', 'im');
  const plan = getRealFFTPlan(n);
  const out = new Float64Array(n);
  plan.inverse(toF64(re, plan.bins), toF64(im, plan.bins), out);
  return out;
}
