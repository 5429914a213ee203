import { type Audio, assertAudio, InvalidArgumentError, InvalidAudioError } from '@instr/core';
import { firwinKaiser, gcd, kaiserSinc } from './filters.js';
import {
  FirKernel,
  GROUP,
  groupPeriod,
  interleaveGroups,
  PERIODS_PER_PASS,
  wasmAvailable,
} from './kernel.js';
import { checkArrayLike, checkFinite, checkPositive } from './validate.js';

/**
 * Resampling quality. Zero crossings are counted at the lower rate; the cutoff is a fraction of the
 * lower Nyquist frequency. SNRs are passband SNRs (error up to the stated fraction of the lower
 * Nyquist, aliases included) against a long-kernel (256 zero crossings, Kaiser β 14) reference,
 * measured at 44.1k→16k, 44.1k→22.05k, 48k→16k and 22.05k→16k (docs/decisions/0062).
 * - `'fast'`: 10 zero crossings, β = 6.25, cutoff at Nyquist (56 taps at 44.1k→16k).
 *   ≥ 60 dB up to 0.8 × Nyquist (single sines ≥ 62 dB); to 0.9 × Nyquist only 31–51 dB.
 * - `'default'`: 20 zero crossings, β = 6.25, cutoff at Nyquist (112 taps at 44.1k→16k). ≥ 60 dB up
 *   to 0.9 × Nyquist: single sines ≥ 62 dB, broadband tones 73–78 dB, real clips 72–84 dB, the
 *   benchmark's music-like signal 82.7 dB (torchaudio's `resample` defaults: 39.8 dB).
 * - `'best'`: 40 zero crossings, β = 10, cutoff at 0.98 × Nyquist. 109–123 dB up to 0.9 × Nyquist.
 * - `'polyphase'`: `scipy.signal.resample_poly` with its defaults (Kaiser β = 5, half length
 *   10·max(up, down), cutoff 1/max(up, down)), which is librosa's `res_type='polyphase'`.
 *   Integer sample rates only. Its transition band starts well below Nyquist (about −6 dB at Nyquist)
 *   and its stopband is ~45 dB down; use it to reproduce librosa/scipy, not for quality.
 * @example
 * ```ts
 * const q: ResampleQuality = 'fast';
 * const y16 = resample(y44, 44100, 16000, { quality: q });
 * ```
 */
export type ResampleQuality = 'fast' | 'default' | 'best' | 'polyphase';

/**
 * Options of {@link resample}, {@link resampleAudio} and {@link Resampler}.
 *
 * @example
 * ```ts
 * resample(y, 44100, 16000, { quality: 'best' });
 * resample(y, 44100, 16000, { zeroCrossings: 32, rolloff: 0.95 }); // overrides
 * ```
 */
export interface ResampleOptions {
  /** Filter preset (default `'default'`). See {@link ResampleQuality}. */
  quality?: ResampleQuality;
  /**
   * Half-width of the sinc kernel in zero crossings at the lower of the two rates (overrides the
   * preset; not for `'polyphase'`). Larger = sharper transition, slower.
   */
  zeroCrossings?: number;
  /** Kaiser window β (overrides the preset; not for `'polyphase'`). Larger = deeper stopband, wider transition. */
  beta?: number;
  /** Cutoff as a fraction of the lower Nyquist frequency, in (0, 1] (overrides the preset; not for `'polyphase'`). */
  rolloff?: number;
}

/**
 * Largest accepted ratio between the two rates, either way (256: e.g. 768 kHz → 3 kHz).
 * @example
 * ```ts
 * if (to / from > MAX_RESAMPLE_RATIO) throw new Error('resample in two steps');
 * ```
 */
export const MAX_RESAMPLE_RATIO = 256;

const PRESETS = {
  fast: { zeroCrossings: 10, beta: 6.25, rolloff: 1 },
  default: { zeroCrossings: 20, beta: 6.25, rolloff: 1 },
  best: { zeroCrossings: 40, beta: 10, rolloff: 0.98 },
} as const;

/** Largest polyphase table (phases × taps; interleaved it takes ~8 × (W / K) as many floats) before switching to the interpolated table. */
const MAX_RATIONAL_TABLE = 1 << 17;
/** Table rows per input sample in the interpolated (arbitrary-ratio) mode, before the size cap. */
const MAX_PHASES = 512;

/**
 * A streaming band-limited resampler (Kaiser-windowed sinc, polyphase).
 *
 * Feed chunks of any size to {@link Resampler.process}; each call returns the output samples that
 * are complete so far. {@link Resampler.flush} returns the rest and resets the resampler for a new
 * stream. The concatenated outputs are identical, bit for bit, to {@link resample} of the
 * concatenated input, and there are `ceil(inputLength · toRate / fromRate)` of them. The filter is
 * zero-phase (no delay): output sample `n` sits at input time `n · fromRate / toRate`, and the signal
 * is taken as zero outside the input.
 *
 * Integer rates use an exact rational ratio `L/M` (reduced by their gcd: 44100→16000 is 160/441),
 * so every output uses exactly computed taps. Other ratios (non-integer rates, as in pitch shifting,
 * or huge `L`) use a finely tabulated kernel with linear interpolation between rows (≥ 512 rows per
 * input sample).
 *
 * @example
 * ```ts
 * const r = new Resampler(44100, 16000);
 * const parts = [];
 * for (const chunk of chunks) parts.push(r.process(chunk)); // Float32Array chunks of any size
 * parts.push(r.flush());
 * ```
 */
export class Resampler {
  /** Input sample rate in Hz. */
  readonly fromRate: number;
  /** Output sample rate in Hz. */
  readonly toRate: number;
  /** Taps per output sample (even; a multiple of 16 in `'interpolated'` mode). */
  readonly taps: number;
  /** `'rational'` (exact L/M polyphase), `'interpolated'` (arbitrary ratio) or `'identity'` (equal rates). */
  readonly mode: 'rational' | 'interpolated' | 'identity';
  private readonly L: number;
  private readonly M: number;
  private readonly step: number;
  private readonly phases: number;
  private readonly center: number;
  private readonly block: number;
  /** Rational mode: input samples read by a group of GROUP outputs (taps + their spread). */
  private readonly window: number = 0;
  private readonly kernel: FirKernel | undefined;
  // Input history: buf[i] is input sample bufStart + i, for i < bufLen.
  private buf: Float32Array = new Float32Array(0);
  private bufStart = 0;
  private bufLen = 0;
  private totalIn = 0;
  private nextOut = 0;
  /** One-shot runs: called when an input span is not all finite (see {@link Resampler.run}). */
  private onSpan: (() => void) | undefined;

  /**
   * @param fromRate input rate in Hz (positive, finite; need not be an integer).
   * @param toRate output rate in Hz; the ratio either way is at most {@link MAX_RESAMPLE_RATIO}.
   * @throws {@link InvalidArgumentError} for non-positive, non-finite or absurdly different rates,
   * an unknown quality, bad overrides, or `'polyphase'` with non-integer rates.
   */
  constructor(fromRate: number, toRate: number, options: ResampleOptions = {}) {
    const fn = 'Resampler';
    checkPositive(fn, 'fromRate', fromRate, 'a positive, finite sample rate in Hz');
    checkPositive(fn, 'toRate', toRate, 'a positive, finite sample rate in Hz');
    const ratio = toRate / fromRate;
    if (ratio > MAX_RESAMPLE_RATIO || ratio < 1 / MAX_RESAMPLE_RATIO) {
      throw new InvalidArgumentError(
        `${fn}: resampling ${fromRate} Hz to ${toRate} Hz is a ratio of ${ratio.toPrecision(4)}; ` +
          `at most ${MAX_RESAMPLE_RATIO}× either way is supported. Check the rates (Hz, not kHz).`,
        {
          details: {
            key: 'toRate',
            expected: `ratio in [1/${MAX_RESAMPLE_RATIO}, ${MAX_RESAMPLE_RATIO}]`,
            actual: ratio,
          },
        },
      );
    }
    const quality = options.quality ?? 'default';
    if (quality !== 'polyphase' && !(quality in PRESETS)) {
      throw new InvalidArgumentError(
        `${fn}: unknown quality "${String(quality)}"; use 'fast', 'default', 'best' or 'polyphase'.`,
        { details: { key: 'quality', expected: ['fast', 'default', 'best', 'polyphase'], actual: quality } },
      );
    }
    this.fromRate = fromRate;
    this.toRate = toRate;
    this.step = fromRate / toRate;
    const integerRates = Number.isInteger(fromRate) && Number.isInteger(toRate);
    const g = integerRates ? gcd(fromRate, toRate) : 1;
    this.L = integerRates ? toRate / g : 0;
    this.M = integerRates ? fromRate / g : 0;
    // Outputs per kernel call: a multiple of GROUP (rational groups), and of PERIODS_PER_PASS whole
    // periods of lcm(L, GROUP) outputs when they fit, so the period-sharing kernel covers whole blocks.
    let block = Math.max(256, Math.min(16384, Math.floor(2 ** 20 / Math.max(1, this.step))));
    if (this.L) {
      const pass = groupPeriod(this.L) * PERIODS_PER_PASS;
      block = pass <= block ? Math.floor(block / pass) * pass : block - (block % GROUP);
    }
    this.block = block;

    if (fromRate === toRate) {
      this.mode = 'identity';
      this.taps = 0;
      this.center = 0;
      this.phases = 0;
      return;
    }

    let design: Design;
    if (quality === 'polyphase') {
      if (!integerRates) {
        throw new InvalidArgumentError(
          `${fn}: quality 'polyphase' (scipy resample_poly) needs integer sample rates; got ${fromRate} → ${toRate}. ` +
            `Use 'default' or 'best' for non-integer rates.`,
          { details: { key: 'quality', actual: [fromRate, toRate] } },
        );
      }
      design = cached(`poly|${this.L}|${this.M}`, () => designPolyphase(this.L, this.M));
    } else {
      const preset = PRESETS[quality as keyof typeof PRESETS];
      const zc = options.zeroCrossings ?? preset.zeroCrossings;
      const beta = options.beta ?? preset.beta;
      const rolloff = options.rolloff ?? preset.rolloff;
      checkPositive(fn, 'zeroCrossings', zc);
      if (zc > 1024) {
        throw new InvalidArgumentError(`${fn}: zeroCrossings ${zc} is absurd; use at most 1024.`, {
          details: { key: 'zeroCrossings', expected: '(0, 1024]', actual: zc },
        });
      }
      if (typeof beta !== 'number' || !Number.isFinite(beta) || beta < 0 || beta > 50) {
        throw new InvalidArgumentError(`${fn}: beta must be in [0, 50]; got ${String(beta)}.`, {
          details: { key: 'beta', expected: '[0, 50]', actual: beta },
        });
      }
      if (typeof rolloff !== 'number' || !(rolloff > 0 && rolloff <= 1)) {
        throw new InvalidArgumentError(`${fn}: rolloff must be in (0, 1]; got ${String(rolloff)}.`, {
          details: { key: 'rolloff', expected: '(0, 1]', actual: rolloff },
        });
      }
      const L = integerRates ? this.L : 0;
      design = cached(`sinc|${fromRate}|${toRate}|${zc}|${beta}|${rolloff}`, () =>
        designSinc(ratio, L, this.M, zc, beta, rolloff),
      );
    }
    this.mode = design.mode;
    this.taps = design.taps;
    this.center = design.taps / 2;
    this.phases = design.phases;
    this.window = design.window;
    this.kernel = kernelFor(design);
  }

  /** Number of output samples for `inputLength` input samples: `ceil(inputLength · toRate / fromRate)`. */
  outputLength(inputLength: number): number {
    if (this.mode === 'identity') return inputLength;
    if (this.L) return Math.ceil((inputLength * this.L) / this.M);
    return Math.ceil(inputLength * (this.toRate / this.fromRate));
  }

  /**
   * Feeds `chunk` and returns the output samples that no longer depend on future input.
   * @throws {@link NonFiniteError} for NaN or infinite samples (nothing is consumed then).
   */
  process(chunk: ArrayLike<number>): Float32Array {
    const fn = 'Resampler.process';
    checkArrayLike(fn, 'chunk', chunk);
    checkFinite(fn, 'chunk', chunk, this.totalIn);
    if (this.mode === 'identity') {
      this.totalIn += chunk.length;
      return Float32Array.from(chunk);
    }
    this.append(chunk);
    this.totalIn += chunk.length;
    const end = this.readyEnd();
    const out = this.produce(this.nextOut, end);
    this.discard();
    return out;
  }

  /** Returns the remaining output (input is taken as zero after its end) and resets for a new stream. */
  flush(): Float32Array {
    if (this.mode === 'identity') {
      this.reset();
      return new Float32Array(0);
    }
    const out = this.produce(this.nextOut, this.outputLength(this.totalIn));
    this.reset();
    return out;
  }

  /** Forgets all input, ready for a new stream. */
  reset(): void {
    this.bufStart = 0;
    this.bufLen = 0;
    this.totalIn = 0;
    this.nextOut = 0;
  }

  /** One-shot resampling of a whole signal without copying it into the history buffer. @internal */
  run(signal: Float32Array, original: ArrayLike<number> = signal, fn = 'resample'): Float32Array {
    this.reset();
    const check = () => checkFinite(fn, 'signal', original);
    if (this.mode === 'identity') {
      check();
      return signal.slice();
    }
    // NaN/±Infinity in the input make the input span they are copied into non-finite; the spans of
    // the blocks cover the whole input when the filter reaches past a step, so scanning each span
    // (hot in cache, SIMD) replaces a separate pass over the input. A hit is confirmed on the input,
    // which throws the NonFiniteError with its index (huge float64 values can overflow float32).
    const covers =
      this.center >= this.step + 1 &&
      (this.mode === 'rational' ? this.window >= GROUP * this.step + 2 : this.taps >= this.step + 2);
    if (covers) this.onSpan = check;
    else check();
    const saved = this.buf;
    this.buf = signal;
    this.bufStart = 0;
    this.bufLen = signal.length;
    this.totalIn = signal.length;
    try {
      return this.produce(0, this.outputLength(signal.length));
    } finally {
      this.buf = saved;
      this.onSpan = undefined;
      this.reset();
    }
  }

  /** Index of the first input sample read by output `n` (the last is this + taps − 1). */
  private firstInput(n: number): number {
    return this.base(n) - this.center + 1;
  }

  private base(n: number): number {
    return this.mode === 'rational' ? Math.floor((n * this.M) / this.L) : Math.floor(n * this.step);
  }

  /** End (exclusive) of the outputs whose inputs have all arrived. */
  private readyEnd(): number {
    // Output n is ready when base(n) + C <= totalIn - 1.
    const limit = this.totalIn - 1 - this.center;
    if (limit < 0) return this.nextOut;
    let n = Math.max(this.nextOut, Math.floor(limit / this.step) - 2);
    while (this.base(n) <= limit) n++;
    while (n > this.nextOut && this.base(n - 1) > limit) n--;
    return Math.max(n, this.nextOut);
  }

  private produce(n0: number, n1: number): Float32Array {
    const out = new Float32Array(Math.max(0, n1 - n0));
    const kernel = this.kernel!;
    const K = this.taps;
    const C = this.center;
    if (n1 <= n0) return out;
    if (this.mode === 'rational') {
      // Groups of GROUP outputs aligned to multiples of GROUP from the stream start (lanes past n1
      // are computed on zero-padded input and dropped).
      const { L, M } = this;
      const g0 = n0 - (n0 % GROUP);
      const g1 = n1 + ((GROUP - (n1 % GROUP)) % GROUP);
      for (let a = g0; a < g1; a += this.block) {
        const b = Math.min(g1, a + this.block);
        const lo = this.firstInput(a);
        const hi = this.firstInput(b - GROUP) + this.window;
        kernel.reserve(hi - lo, b - a);
        this.fetch(lo, hi, kernel.f32, kernel.xAddr >> 2);
        this.checkSpan(kernel, hi - lo);
        const base = Math.floor((a * M) / L);
        const from = Math.max(a, n0);
        const to = Math.min(b, n1);
        kernel.execRational((b - a) / GROUP, 0, a * M - base * L, L, M, out, from - n0, from - a, to - from);
      }
      this.nextOut = n1;
      return out;
    }
    for (let a = n0; a < n1; a += this.block) {
      const b = Math.min(n1, a + this.block);
      const lo = this.firstInput(a);
      const hi = this.firstInput(b - 1) + K;
      kernel.reserve(hi - lo, b - a);
      this.fetch(lo, hi, kernel.f32, kernel.xAddr >> 2);
      this.checkSpan(kernel, hi - lo);
      const i32 = kernel.i32;
      const f32 = kernel.f32;
      const xAddr = kernel.xAddr;
      const P = this.phases;
      const kb = K * 4;
      let r = kernel.recordIndex(0);
      for (let o = a; o < b; o++) {
        const t = o * this.step;
        const base = Math.floor(t);
        const pos = (t - base) * P;
        const row = Math.floor(pos);
        i32[r] = xAddr + ((base - C + 1 - lo) << 2);
        i32[r + 1] = row * kb;
        f32[r + 2] = pos - row;
        r += 3;
      }
      kernel.exec(b - a, out, a - n0);
    }
    this.nextOut = n1;
    return out;
  }

  private checkSpan(kernel: FirKernel, n: number): void {
    if (this.onSpan && !kernel.spanFinite(n)) {
      this.onSpan();
      this.onSpan = undefined; // finite after all (float64 beyond float32's range): stop checking
    }
  }

  /** Copies input samples [lo, hi) into dst[at…], with zeros outside the received input. */
  private fetch(lo: number, hi: number, dst: Float32Array, at: number): void {
    const s = Math.max(lo, this.bufStart, 0);
    const e = Math.min(hi, this.bufStart + this.bufLen, this.totalIn);
    if (e <= s) {
      dst.fill(0, at, at + hi - lo);
      return;
    }
    if (s > lo) dst.fill(0, at, at + s - lo);
    dst.set(this.buf.subarray(s - this.bufStart, e - this.bufStart), at + s - lo);
    if (hi > e) dst.fill(0, at + e - lo, at + hi - lo);
  }

  private append(chunk: ArrayLike<number>): void {
    const need = this.bufLen + chunk.length;
    if (need > this.buf.length) {
      const next = new Float32Array(Math.max(need, this.buf.length * 2, 4096));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(chunk, this.bufLen);
    this.bufLen = need;
  }

  /** Drops history that no future output reads. */
  private discard(): void {
    // Rational mode recomputes the group that holds nextOut.
    const first = this.mode === 'rational' ? this.nextOut - (this.nextOut % GROUP) : this.nextOut;
    const keep = Math.max(this.bufStart, this.firstInput(first));
    const drop = keep - this.bufStart;
    if (drop <= 0 || drop < this.bufLen / 2) return;
    this.buf.copyWithin(0, drop, this.bufLen);
    this.bufStart = keep;
    this.bufLen -= drop;
  }
}

interface Design {
  mode: 'rational' | 'interpolated';
  /** Rational: the group table of {@link interleaveGroups}; interpolated: rows of `taps` taps. */
  table: Float32Array;
  taps: number;
  phases: number;
  /** Rational: input samples per group of GROUP outputs (0 when interpolated). */
  window: number;
  /** The kernels holding this table (WebAssembly, JavaScript), made on first use. */
  kernels?: [FirKernel | undefined, FirKernel | undefined];
}

/**
 * One kernel per design and backend, shared by every Resampler that uses the design: a kernel keeps
 * no state between calls (each call copies in its input span), and JavaScript runs one call at a
 * time, so sharing saves a WebAssembly instance, its memory and the table copy per Resampler.
 */
function kernelFor(design: Design): FirKernel {
  const wasm = wasmAvailable();
  design.kernels ??= [undefined, undefined];
  const slot = wasm ? 0 : 1;
  let k = design.kernels[slot];
  if (!k) {
    const interpolated = design.mode === 'interpolated';
    k = new FirKernel(design.table, interpolated ? design.taps : design.window, interpolated, wasm);
    design.kernels[slot] = k;
  }
  return k;
}

const designs = new Map<string, Design>();

/** Filter tables are costly to build (~1–3 ms); keep the few most recent. */
function cached(key: string, make: () => Design): Design {
  let d = designs.get(key);
  if (d) {
    designs.delete(key);
  } else {
    d = make();
    if (designs.size >= 8) designs.delete(designs.keys().next().value!);
  }
  designs.set(key, d);
  return d;
}

/** scipy.signal.resample_poly's filter (Kaiser β 5, half length 10·max(L, M)) as an L-phase table. */
function designPolyphase(L: number, M: number): Design {
  const maxRate = Math.max(L, M);
  const halfLen = 10 * maxRate;
  const h = firwinKaiser(2 * halfLen + 1, 1 / maxRate, 5.0);
  const taps = 2 * (Math.ceil(halfLen / L) + 1);
  const C = taps / 2;
  const table = new Float32Array(L * taps);
  for (let p = 0; p < L; p++) {
    for (let k = 0; k < taps; k++) {
      const j = p + L * (C - 1 - k) + halfLen;
      if (j >= 0 && j <= 2 * halfLen) table[p * taps + k] = h[j]! * L;
    }
  }
  const groups = interleaveGroups(table, L, M, taps);
  return { mode: 'rational', table: groups.table, taps, phases: L, window: groups.W };
}

/**
 * Kaiser-windowed sinc table. Row r holds the taps for an output at fractional input position
 * r / rows: tap k multiplies input sample base − C + 1 + k, C = taps / 2 is also the window's
 * half-width. `L` > 0 selects an exact L-phase table (interleaved into groups of eight outputs),
 * otherwise rows are interpolated (taps padded to a multiple of 16 for that kernel).
 */
function designSinc(ratio: number, L: number, M: number, zc: number, beta: number, rolloff: number): Design {
  const down = Math.min(1, ratio);
  const even = 2 * Math.ceil(zc / down);
  const rational = L > 0 && L * even <= MAX_RATIONAL_TABLE;
  const taps = rational ? even : Math.max(16, Math.ceil(even / 16) * 16);
  const C = taps / 2;
  const h = kaiserSinc((rolloff * down) / 2, C, beta);
  const rows = rational ? L : Math.min(MAX_PHASES, Math.max(16, Math.floor(2 ** 21 / taps)));
  const nRows = rational ? rows : rows + 1;
  const table = new Float32Array(nRows * taps);
  for (let r = 0; r < nRows; r++) {
    const frac = r / rows;
    for (let k = 0; k < taps; k++) table[r * taps + k] = h(frac + C - 1 - k);
  }
  if (!rational) return { mode: 'interpolated', table, taps, phases: rows, window: 0 };
  const groups = interleaveGroups(table, L, M, taps);
  return { mode: 'rational', table: groups.table, taps, phases: rows, window: groups.W };
}

/**
 * Resamples a mono signal from `fromRate` to `toRate` Hz with a band-limited (Kaiser-windowed sinc)
 * polyphase filter. Returns `ceil(n · toRate / fromRate)` samples (librosa's `fix=True` length),
 * zero-phase, not rescaled (librosa's `scale=False`). Equal rates return a copy.
 *
 * Quality: see {@link ResampleQuality}. `'default'` keeps ≥ 60 dB SNR (typically 72–84 dB) against an
 * ideal band-limited resampler up to 0.9 × the lower Nyquist frequency; `'polyphase'` reproduces
 * `scipy.signal.resample_poly` / librosa `res_type='polyphase'` to float32 precision.
 *
 * @throws {@link InvalidAudioError} for empty input, {@link NonFiniteError} for NaN/Infinity,
 * {@link InvalidArgumentError} for bad rates or options (see {@link Resampler}).
 * @example
 * ```ts
 * const y16k = resample(y44k, 44100, 16000);                      // 'default' quality
 * const likeLibrosa = resample(y, 22050, 16000, { quality: 'polyphase' });
 * const shifted = resample(y, 22050 / 2 ** (2 / 12), 22050);     // any ratio, e.g. for pitch shift
 * ```
 */
export function resample(
  signal: ArrayLike<number>,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Float32Array {
  const fn = 'resample';
  const arr = checkArrayLike(fn, 'signal', signal);
  if (arr.length === 0) {
    throw new InvalidAudioError(`${fn}: signal is empty; pass at least one sample.`, {
      details: { key: 'signal', expected: '>= 1 sample', actual: 0 },
    });
  }
  const x = arr instanceof Float32Array ? arr : Float32Array.from(arr);
  // Finiteness is checked on the fly (see Resampler.run).
  return new Resampler(fromRate, toRate, options).run(x, arr, fn);
}

/**
 * Resamples every channel of an {@link Audio} to `toRate` Hz (see {@link resample}).
 * Returns the same object when the rate already matches.
 * @throws {@link InvalidAudioError} / {@link NonFiniteError} for invalid audio,
 * {@link InvalidArgumentError} for a bad `toRate`.
 * @example
 * ```ts
 * const audio16k = resampleAudio(audio, 16000);
 * ```
 */
export function resampleAudio(audio: Audio, toRate: number, options: ResampleOptions = {}): Audio {
  assertAudio(audio);
  checkPositive('resampleAudio', 'toRate', toRate, 'a positive, finite sample rate in Hz');
  if (toRate === audio.sampleRate) return audio;
  const r = new Resampler(audio.sampleRate, toRate, options);
  return { sampleRate: toRate, channels: audio.channels.map((ch) => r.run(ch, ch, 'resampleAudio')) };
}
