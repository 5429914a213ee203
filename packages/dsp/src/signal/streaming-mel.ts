import { InvalidArgumentError, Tensor } from '@instr/core';
import { getRealFFTPlan, type LogMelSpectrogramOptions } from '../spectral/index.js';
import {
  buildMelBank,
  type MelBank,
  type MelSpectrogramOptions,
  melSpectrogramFused,
} from '../spectral/mel.js';
import { type PadMode, resolveStft, type StftConfig } from '../spectral/stft.js';
import { checkArrayLike, checkFinite } from './validate.js';

/**
 * Options of {@link StreamingLogMel}: those of `logMelSpectrogram`, plus `log`.
 *
 * @example
 * ```ts
 * new StreamingLogMel({ sampleRate: 16000, nFft: 400, hopLength: 160, nMels: 64, topDb: null });
 * ```
 */
export interface StreamingLogMelOptions extends LogMelSpectrogramOptions {
  /**
   * Clipping to `max − topDb` needs the maximum of the whole spectrogram, which a stream does not know
   * yet, so only `null` (no clipping; the streaming default) is accepted.
   */
  topDb?: null;
  /** Value mapped to 0 dB: a number (default 1). `'max'` needs the whole input and is rejected. */
  ref?: number;
  /** Emit dB values (default true) or the power mel spectrogram (`false`, = `melSpectrogram`). */
  log?: boolean;
}

/**
 * Incremental log-mel spectrogram: feed PCM chunks of any size, get the frames that are complete.
 *
 * The concatenation (along time) of everything {@link StreamingLogMel.push} and
 * {@link StreamingLogMel.flush} return equals, bit for bit, the offline
 * `logMelSpectrogram(y, { ...options, topDb: null })` of the concatenated input, with
 * `center: true` (constant or reflect padding; the first frames are emitted as soon as their samples
 * exist, the frames touching the end at `flush()`) or `center: false`. It uses the same FFT plans,
 * window, filterbank and arithmetic as the offline functions. Defaults are those of
 * `logMelSpectrogram` (librosa): nFft 2048, hop nFft/4, Hann, center, constant padding, power 2,
 * 128 Slaney mels, ref 1, amin 1e-10, except `topDb`, which must be `null`.
 *
 * Latency: a frame is emitted once `nFft − nFft/2` samples past its centre (with `center`) have arrived.
 * Memory stays bounded (about nFft + hop samples of history).
 *
 * @example
 * ```ts
 * const s = new StreamingLogMel({ sampleRate: 16000, nFft: 400, hopLength: 160 });
 * for await (const chunk of pcmChunks) {
 *   const frames = s.push(chunk);          // Tensor [128, k], k ≥ 0
 *   if (frames.dims[1]) model.feed(frames);
 * }
 * model.feed(s.flush());                    // the last frames; s is reset for a new stream
 * ```
 */
export class StreamingLogMel {
  /** Number of mel bands (rows of every emitted tensor). */
  readonly nMels: number;
  /** Samples between frames. */
  readonly hopLength: number;
  /** FFT length. */
  readonly nFft: number;
  private readonly cfg: StftConfig;
  private readonly bank: MelBank;
  private readonly power: number;
  private readonly log: boolean;
  private readonly amin: number;
  private readonly offset: number;
  private readonly pad: number;
  // History: buf[i] is sample bufStart + i.
  private buf = new Float64Array(0);
  private bufStart = 0;
  private bufLen = 0;
  private total = 0;
  private nextFrame = 0;
  private readonly frame: Float64Array;
  private readonly re: Float64Array;
  private readonly im: Float64Array;
  private readonly spec: Float64Array;
  /** Options of the offline mel path used for blocks of interior frames (center false). */
  private readonly blockOptions: MelSpectrogramOptions;
  /** Every chunk so far was a Float32Array: interior frames can take the WebAssembly block path. */
  private float32 = true;
  /**
   * @throws {@link InvalidArgumentError} for the options `logMelSpectrogram` rejects, and for a numeric
   * `topDb` or a non-numeric `ref`.
   */
  constructor(options: StreamingLogMelOptions) {
    const fn = 'StreamingLogMel';
    if (options === null || typeof options !== 'object') {
      throw new InvalidArgumentError(`${fn}: options with a sampleRate are required.`, {
        details: { key: 'options' },
      });
    }
    if (options.topDb !== undefined && options.topDb !== null) {
      throw new InvalidArgumentError(
        `${fn}: topDb ${String(options.topDb)} clips to the maximum of the whole spectrogram, which a stream does not know; ` +
          'use topDb: null (and clip downstream if needed).',
        { details: { key: 'topDb', expected: null, actual: options.topDb } },
      );
    }
    const ref = options.ref ?? 1;
    if (typeof ref !== 'number' || !Number.isFinite(ref)) {
      throw new InvalidArgumentError(
        `${fn}: ref must be a finite number (not 'max' or a function) when streaming.`,
        {
          details: { key: 'ref', expected: 'number', actual: typeof ref === 'number' ? ref : String(ref) },
        },
      );
    }
    const amin = options.amin ?? 1e-10;
    if (typeof amin !== 'number' || !(amin > 0) || !Number.isFinite(amin)) {
      throw new InvalidArgumentError(`${fn}: amin must be a positive number; got ${String(amin)}.`, {
        details: { key: 'amin', actual: amin },
      });
    }
    const power = options.power ?? 2;
    if (typeof power !== 'number' || !(power > 0) || !Number.isFinite(power)) {
      throw new InvalidArgumentError(`${fn}: power must be a positive number; got ${String(power)}.`, {
        details: { key: 'power', actual: power },
      });
    }
    this.cfg = resolveStft(options, fn);
    this.bank = buildMelBank({ ...options, nFft: this.cfg.nFft }, fn);
    this.power = power;
    this.log = options.log ?? true;
    this.amin = amin;
    // As powerToDb: 10·log10(max(amin, |ref|)).
    this.offset = 10 * Math.log10(Math.max(amin, Math.abs(ref)));
    this.nMels = this.bank.nMels;
    this.hopLength = this.cfg.hop;
    this.nFft = this.cfg.nFft;
    this.pad = this.cfg.center ? Math.floor(this.cfg.nFft / 2) : 0;
    this.frame = new Float64Array(this.cfg.nFft);
    this.re = new Float64Array(this.cfg.bins);
    this.im = new Float64Array(this.cfg.bins);
    this.spec = new Float64Array(this.cfg.bins);
    this.blockOptions = { ...options, center: false, power };
  }

  /**
   * Feeds samples; returns the newly complete frames as `[nMels, k]` (k may be 0).
   * @throws {@link NonFiniteError} for NaN/Infinity samples (nothing is consumed then).
   */
  push(chunk: ArrayLike<number>): Tensor<'float32'> {
    const fn = 'StreamingLogMel.push';
    checkArrayLike(fn, 'chunk', chunk);
    checkFinite(fn, 'chunk', chunk, this.total);
    if (!(chunk instanceof Float32Array) && chunk.length > 0) this.float32 = false;
    this.append(chunk);
    this.total += chunk.length;
    // Frame t reads samples [t·hop − pad, t·hop − pad + nFft). It is final once every index is either
    // received or (left of 0) determined without knowing the length: constant → 0, edge → y[0],
    // reflect → y[−j], which needs −j < received (always true when the frame's right end has arrived
    // and pad < nFft).
    const { hop, nFft } = this.cfg;
    let end = this.nextFrame;
    while (end * hop - this.pad + nFft <= this.total) end++;
    return this.emit(end, this.total, false);
  }

  /** Emits the remaining frames (end padding applied) and resets for a new stream. */
  flush(): Tensor<'float32'> {
    const n = this.total;
    const { nFft, hop } = this.cfg;
    const padded = n + 2 * this.pad;
    const nFrames = n === 0 || padded < nFft ? 0 : 1 + Math.floor((padded - nFft) / hop);
    const out = this.emit(Math.max(nFrames, this.nextFrame), n, true);
    this.reset();
    return out;
  }

  /** Forgets all input, ready for a new stream. */
  reset(): void {
    this.bufStart = 0;
    this.bufLen = 0;
    this.total = 0;
    this.nextFrame = 0;
    this.float32 = true;
  }

  private emit(end: number, n: number, final: boolean): Tensor<'float32'> {
    const count = Math.max(0, end - this.nextFrame);
    const out = new Float32Array(this.nMels * count);
    const { nFft, hop, window, bins, padMode } = this.cfg;
    const plan = getRealFFTPlan(nFft);
    const { frame, re, im, spec, bank, power } = this;
    const { nMels, weights, lo, hi } = bank;
    const tmp = new Float32Array(1);
    for (let c = 0; c < count; c++) {
      const t = this.nextFrame + c;
      const start = t * hop - this.pad;
      const run = this.float32 ? this.interiorRun(c, count) : 0;
      if (run >= 8 && (power === 1 || power === 2)) {
        // A run of frames inside the received samples: the offline fused (WebAssembly) mel path over just
        // those samples gives the same float32 values as the per-frame loop below (the kernel is
        // bit-identical to the JavaScript FFT), many times faster.
        const from = start - this.bufStart;
        const seg = Float32Array.from(this.buf.subarray(from, from + (run - 1) * hop + nFft));
        const M = melSpectrogramFused(seg, this.blockOptions, 'StreamingLogMel').data;
        for (let m = 0; m < nMels; m++) {
          const src = m * run;
          const dst = m * count + c;
          if (this.log) {
            for (let j = 0; j < run; j++) {
              out[dst + j] = 10 * Math.log10(Math.max(Math.abs(M[src + j]!), this.amin)) - this.offset;
            }
          } else {
            out.set(M.subarray(src, src + run), dst);
          }
        }
        c += run - 1;
        continue;
      }
      if (start >= 0 && start + nFft <= this.total) {
        frame.set(this.buf.subarray(start - this.bufStart, start - this.bufStart + nFft));
      } else {
        for (let i = 0; i < nFft; i++) frame[i] = this.sample(start + i, n, padMode, final);
      }
      plan.forwardUnchecked(frame, 0, re, im, window);
      if (power === 2) {
        for (let k = 0; k < bins; k++) spec[k] = re[k]! * re[k]! + im[k]! * im[k]!;
      } else if (power === 1) {
        for (let k = 0; k < bins; k++) spec[k] = Math.sqrt(re[k]! * re[k]! + im[k]! * im[k]!);
      } else {
        const h = power / 2;
        for (let k = 0; k < bins; k++) spec[k] = (re[k]! * re[k]! + im[k]! * im[k]!) ** h;
      }
      for (let m = 0; m < nMels; m++) {
        let acc = 0;
        const row = m * bins;
        const e = hi[m]!;
        for (let k = lo[m]!; k < e; k++) acc += weights[row + k]! * spec[k]!;
        if (this.log) {
          tmp[0] = acc; // the offline path stores the mel value as float32 before the dB conversion
          out[m * count + c] = 10 * Math.log10(Math.max(Math.abs(tmp[0]!), this.amin)) - this.offset;
        } else {
          out[m * count + c] = acc;
        }
      }
    }
    this.nextFrame = Math.max(this.nextFrame, end);
    this.discard();
    return new Tensor('float32', out, [this.nMels, count]);
  } /** Number of consecutive frames from emitted index `c` (of `count`) that lie inside the received samples. */
  private interiorRun(c: number, count: number): number {
    const { hop, nFft } = this.cfg;
    let k = c;
    while (k < count) {
      const start = (this.nextFrame + k) * hop - this.pad;
      if (start < 0 || start + nFft > this.total) break;
      k++;
    }
    return k - c;
  }

  /** Sample j of the (padded) signal of final length n (numpy.pad semantics, as the offline STFT). */
  private sample(j: number, n: number, mode: PadMode, final: boolean): number {
    if (j >= 0 && j < this.total) return this.buf[j - this.bufStart]!;
    if (mode === 'constant') return 0;
    if (!final && j >= 0) return 0; // not reached: frames are emitted early only when j < total
    const at = (m: number) => this.buf[m - this.bufStart]!;
    if (mode === 'edge' || n === 1) return j < 0 ? at(0) : at(n - 1);
    if (j < 0 && -j < this.total) return at(-j);
    const period = 2 * (n - 1);
    let m = j % period;
    if (m < 0) m += period;
    if (m >= n) m = period - m;
    return at(m);
  }

  private append(chunk: ArrayLike<number>): void {
    const need = this.bufLen + chunk.length;
    if (need > this.buf.length) {
      const next = new Float64Array(Math.max(need, this.buf.length * 2, 4096));
      next.set(this.buf.subarray(0, this.bufLen));
      this.buf = next;
    }
    this.buf.set(chunk, this.bufLen);
    this.bufLen = need;
  }

  /** Drops samples no future frame or end reflection can read (keeps the first nFft for start reflection). */
  private discard(): void {
    const { nFft, hop } = this.cfg;
    const nextStart = this.nextFrame * hop - this.pad;
    const keep = Math.max(this.bufStart, Math.min(nextStart, this.total - nFft - 2));
    const drop = keep - this.bufStart;
    if (drop <= 0 || drop < this.bufLen / 2) return;
    this.buf.copyWithin(0, drop, this.bufLen);
    this.bufStart = keep;
    this.bufLen -= drop;
  }
}
