import { type Audio, assertAudio, InvalidArgumentError, ShapeError, Tensor, toMono } from '@instr/core';
import { checkArrayLike, checkFinite, checkPositiveInt } from './validate.js';

/**
 * How the last window is completed when the signal does not fill it.
 * - `'repeat'`: append the signal from its start (repeats of the first window, trimmed), as the
 *   reference systems' `iron_audios` / `chunk_image_by_width(..., "repeat")` do; a single short clip
 *   therefore repeats itself until the window is full.
 * - `'zero'`: pad with zeros (or `padValue`).
 * - `'reflect'`: mirror the signal at its end without repeating the edge sample (numpy `reflect`),
 *   bouncing back and forth when the gap is longer than the signal.
 * - `'drop'`: drop windows that would need padding (a signal shorter than one window gives none).
 * @example
 * ```ts
 * windowAudio(y, { length: 48000, padding: 'zero' satisfies PadPolicy });
 * ```
 */
export type PadPolicy = 'repeat' | 'zero' | 'reflect' | 'drop';

/**
 * Options of {@link windowAudio}, {@link windowAudioBatch} and {@link chunkSpectrogram}.
 *
 * @example
 * ```ts
 * windowAudio(y, { length: 48000, overlap: 0.5, padding: 'repeat' });
 * ```
 */
export interface AudioWindowOptions {
  /** Window length in samples (frames for spectrograms); required. */
  length: number;
  /** Step between window starts (default `length`: no overlap). Give `hop` or `overlap`, not both. */
  hop?: number;
  /** Fraction of a window shared with the next, in [0, 1) (hop = round(length · (1 − overlap))). */
  overlap?: number;
  /** Padding policy of the last window (default `'repeat'`, as the reference systems). */
  padding?: PadPolicy;
  /** Value used by `'zero'` padding (default 0; e.g. the normalised MFCC mean −7.3612 of the references). */
  padValue?: number;
  /**
   * Drop a padded last window whose real content is shorter than this many samples when other windows
   * exist (default 0: keep it). The reference AST pipeline uses n_fft (400).
   */
  dropShorterThan?: number;
}

/**
 * Where a window comes from: samples (or frames) `[start, end)` of its source; `end − start < length` when padded.
 *
 * @example
 * ```ts
 * const { spans } = windowAudio(y, { length: 48000 });
 * const { start, end, isPadded } = spans[0]!; // samples [start, end) of y
 * ```
 */
export interface WindowSpan {
  /** First source sample (or frame) in the window. */
  start: number;
  /** One past the last source sample (or frame) in the window before padding. */
  end: number;
  /** True when the window was completed by padding. */
  isPadded: boolean;
}

/**
 * A window of a batch: its span plus the index of the file it came from.
 *
 * @example
 * ```ts
 * const { spans } = windowAudioBatch([a, b], { length: 48000 });
 * spans[0]!.fileIndex; // 0: the window came from a
 * ```
 */
export interface BatchWindowSpan extends WindowSpan {
  /** Index of the source in the input list. */
  fileIndex: number;
}

/**
 * Result of {@link windowAudio}.
 *
 * @example
 * ```ts
 * const { tensor, spans }: AudioWindows = windowAudio(y, { length: 48000 });
 * ```
 */
export interface AudioWindows {
  /** `[windows, length]`, one contiguous buffer. */
  tensor: Tensor<'float32'>;
  /** Row views into `tensor` (no copies), one per window. */
  windows: Float32Array[];
  /** Source span of each window. */
  spans: WindowSpan[];
}

/**
 * Result of {@link windowAudioBatch}.
 *
 * @example
 * ```ts
 * const batch: BatchWindows = windowAudioBatch([a, b, c], { length: 163680 });
 * batch.tensor.dims; // [windows, 163680]
 * ```
 */
export interface BatchWindows {
  /** `[windows of all files, length]`. */
  tensor: Tensor<'float32'>;
  /** Source span and file of each window. */
  spans: BatchWindowSpan[];
  /** `windowsPerFile[f]`: how many windows file `f` gave (0 with `'drop'` for a short file). */
  windowsPerFile: number[];
}

/**
 * Result of {@link chunkSpectrogram}.
 *
 * @example
 * ```ts
 * const { tensor, spans }: SpectrogramChunks = chunkSpectrogram(mel, { length: 384 }); // [chunks, nMels, 384]
 * ```
 */
export interface SpectrogramChunks {
  /** `[chunks, bins, width]`. */
  tensor: Tensor<'float32'>;
  /** Source frame span of each chunk. */
  spans: WindowSpan[];
}

interface Plan {
  length: number;
  hop: number;
  padding: PadPolicy;
  padValue: number;
  dropShorterThan: number;
}

const POLICIES: readonly PadPolicy[] = ['repeat', 'zero', 'reflect', 'drop'];

function plan(fn: string, options: AudioWindowOptions): Plan {
  if (options === null || typeof options !== 'object') {
    throw new InvalidArgumentError(`${fn}: options with at least { length } are required.`, {
      details: { key: 'options', actual: options },
    });
  }
  const length = checkPositiveInt(fn, 'length', options.length);
  if (options.hop !== undefined && options.overlap !== undefined) {
    throw new InvalidArgumentError(`${fn}: give either hop or overlap, not both.`, {
      details: { key: 'hop', actual: { hop: options.hop, overlap: options.overlap } },
    });
  }
  let hop = length;
  if (options.hop !== undefined) hop = checkPositiveInt(fn, 'hop', options.hop);
  if (options.overlap !== undefined) {
    const o = options.overlap;
    if (typeof o !== 'number' || !(o >= 0 && o < 1)) {
      throw new InvalidArgumentError(`${fn}: overlap must be in [0, 1); got ${String(o)}.`, {
        details: { key: 'overlap', expected: '[0, 1)', actual: o },
      });
    }
    hop = Math.max(1, Math.round(length * (1 - o)));
  }
  const padding = options.padding ?? 'repeat';
  if (!POLICIES.includes(padding)) {
    throw new InvalidArgumentError(
      `${fn}: padding must be one of ${POLICIES.join(', ')}; got ${String(padding)}.`,
      {
        details: { key: 'padding', expected: POLICIES, actual: padding },
      },
    );
  }
  const padValue = options.padValue ?? 0;
  if (typeof padValue !== 'number' || !Number.isFinite(padValue)) {
    throw new InvalidArgumentError(`${fn}: padValue must be a finite number; got ${String(padValue)}.`, {
      details: { key: 'padValue', actual: padValue },
    });
  }
  const dropShorterThan = options.dropShorterThan ?? 0;
  if (typeof dropShorterThan !== 'number' || !Number.isInteger(dropShorterThan) || dropShorterThan < 0) {
    throw new InvalidArgumentError(
      `${fn}: dropShorterThan must be a non-negative integer; got ${String(dropShorterThan)}.`,
      { details: { key: 'dropShorterThan', actual: dropShorterThan } },
    );
  }
  return { length, hop, padding, padValue, dropShorterThan };
}

/** Window spans over `n` source positions. */
function spansFor(n: number, p: Plan): WindowSpan[] {
  if (n === 0) return [];
  const count = 1 + Math.ceil(Math.max(0, n - p.length) / p.hop);
  const spans: WindowSpan[] = [];
  for (let k = 0; k < count; k++) {
    const start = k * p.hop;
    const end = Math.min(start + p.length, n);
    const isPadded = end - start < p.length;
    if (isPadded && p.padding === 'drop') continue;
    if (isPadded && count > 1 && end - start < p.dropShorterThan) continue;
    spans.push({ start, end, isPadded });
  }
  return spans;
}

/** Source position that fills padded position `j` (0-based after the end) of an `n`-long source. */
function padSource(policy: PadPolicy, n: number, length: number, j: number): number {
  if (policy === 'repeat') return j % Math.min(n, length);
  // reflect: positions n, n+1, … map to n−2, n−3, …, bouncing with period 2(n−1).
  if (n === 1) return 0;
  const period = 2 * (n - 1);
  const m = (n - 1 + j + 1) % period;
  return m < n ? m : period - m;
}

/** Fills `out` (length `p.length`) with source positions [start, end) then padding. */
function fillWindow(src: ArrayLike<number>, n: number, span: WindowSpan, p: Plan, out: Float32Array): void {
  const real = span.end - span.start;
  if (src instanceof Float32Array) out.set(src.subarray(span.start, span.end));
  else for (let i = 0; i < real; i++) out[i] = src[span.start + i]!;
  if (p.padding === 'zero') {
    out.fill(p.padValue, real);
    return;
  }
  for (let i = real; i < p.length; i++) {
    // For 'repeat', the fill continues the pattern of the first window: position j of the padding
    // takes source j (mod the first window's length).
    out[i] = src[padSource(p.padding, n, p.length, i - real)]!;
  }
}

function asSignal(fn: string, x: ArrayLike<number> | Audio, key: string): ArrayLike<number> {
  if (typeof x === 'object' && x !== null && 'channels' in x && 'sampleRate' in x) {
    assertAudio(x as Audio, { allowEmpty: true, source: key });
    return toMono(x as Audio);
  }
  const arr = checkArrayLike(fn, key, x);
  checkFinite(fn, key, arr);
  return arr;
}

/**
 * Cuts a signal (or the mono mix of an {@link Audio}) into model windows of `length` samples every `hop`
 * samples. Windows start at 0, hop, 2·hop, … until the signal is covered; the last one is completed
 * by `padding` (default `'repeat'`: the signal's start is appended, and a clip shorter than one window
 * repeats itself). Every sample of the signal lies in at least one window. Empty input gives no windows.
 *
 * @throws {@link InvalidArgumentError} for length/hop ≤ 0 or non-integer, both hop and overlap, a bad
 * policy; {@link NonFiniteError} for NaN/Infinity samples.
 * @example
 * ```ts
 * // 3-s windows at 16 kHz with 50 % overlap; the last one is filled from the start of the clip.
 * const { tensor, spans } = windowAudio(y16k, { length: 48000, overlap: 0.5 });
 * tensor.dims;   // [windows, 48000]
 * spans[0];      // { start: 0, end: 48000, isPadded: false }
 * ```
 */
export function windowAudio(signal: ArrayLike<number> | Audio, options: AudioWindowOptions): AudioWindows {
  const p = plan('windowAudio', options);
  const x = asSignal('windowAudio', signal, 'signal');
  const spans = spansFor(x.length, p);
  const data = new Float32Array(spans.length * p.length);
  const windows = spans.map((span, i) => {
    const row = data.subarray(i * p.length, (i + 1) * p.length);
    fillWindow(x, x.length, span, p, row);
    return row;
  });
  return { tensor: new Tensor('float32', data, [spans.length, p.length]), windows, spans };
}

/**
 * {@link windowAudio} over many files at once: one `[windows, length]` tensor with every file's windows
 * in order, and for each window its span and file index (to aggregate predictions per file).
 * @throws as {@link windowAudio}; the error names the file index.
 * @example
 * ```ts
 * const { tensor, spans, windowsPerFile } = windowAudioBatch([a, b, c], { length: 48000 });
 * spans[5].fileIndex; // which file window 5 came from
 * ```
 */
export function windowAudioBatch(
  signals: readonly (ArrayLike<number> | Audio)[],
  options: AudioWindowOptions,
): BatchWindows {
  const fn = 'windowAudioBatch';
  if (!Array.isArray(signals)) {
    throw new InvalidArgumentError(`${fn}: signals must be an array of signals or Audio objects.`, {
      details: { key: 'signals', actual: typeof signals },
    });
  }
  const p = plan(fn, options);
  const sources = signals.map((s, f) => asSignal(fn, s, `signals[${f}]`));
  const perFile = sources.map((x) => spansFor(x.length, p));
  const total = perFile.reduce((s, sp) => s + sp.length, 0);
  const data = new Float32Array(total * p.length);
  const spans: BatchWindowSpan[] = [];
  perFile.forEach((list, f) => {
    const x = sources[f]!;
    for (const span of list) {
      const row = data.subarray(spans.length * p.length, (spans.length + 1) * p.length);
      fillWindow(x, x.length, span, p, row);
      spans.push({ ...span, fileIndex: f });
    }
  });
  return {
    tensor: new Tensor('float32', data, [total, p.length]),
    spans,
    windowsPerFile: perFile.map((l) => l.length),
  };
}

/**
 * Cuts a spectrogram `[bins, frames]` (librosa's layout) along time into chunks `[chunks, bins, width]`
 * of `length` frames every `hop` frames, completing the last chunk by `padding` exactly as
 * {@link windowAudio} does for samples (`'repeat'` = the reference systems' `chunk_image_by_width`:
 * frames from the start are appended; a single short spectrogram repeats itself).
 * @throws {@link ShapeError} unless the input is a 2-D float tensor with at least one bin;
 * {@link InvalidArgumentError} for bad options; {@link NonFiniteError} for NaN/Infinity values.
 * @example
 * ```ts
 * const mel = logMelSpectrogram(y, { sampleRate: 16000, nFft: 400, hopLength: 160 }); // [128, frames]
 * const { tensor } = chunkSpectrogram(mel, { length: 384 });                            // [chunks, 128, 384]
 * ```
 */
export function chunkSpectrogram(spec: Tensor, options: AudioWindowOptions): SpectrogramChunks {
  const fn = 'chunkSpectrogram';
  if (
    !(spec instanceof Tensor) ||
    spec.rank !== 2 ||
    (spec.dtype !== 'float32' && spec.dtype !== 'float64')
  ) {
    throw new ShapeError(`${fn}: spec must be a 2-D float32/float64 Tensor [bins, frames].`, {
      details: {
        key: 'spec',
        expected: '[bins, frames]',
        actual: spec instanceof Tensor ? `${spec.dtype} [${spec.dims.join(', ')}]` : typeof spec,
      },
    });
  }
  const [bins, frames] = spec.dims as [number, number];
  if (bins === 0) {
    throw new ShapeError(`${fn}: spec has no bins.`, { details: { key: 'spec', actual: spec.dims } });
  }
  const p = plan(fn, options);
  const src = spec.data as Float32Array | Float64Array;
  checkFinite(fn, 'spec', src);
  const spans = spansFor(frames, p);
  const W = p.length;
  const data = new Float32Array(spans.length * bins * W);
  const row = new Float32Array(W);
  spans.forEach((span, c) => {
    for (let b = 0; b < bins; b++) {
      fillWindow(src.subarray(b * frames, (b + 1) * frames), frames, span, p, row);
      data.set(row, (c * bins + b) * W);
    }
  });
  return { tensor: new Tensor('float32', data, [spans.length, bins, W]), spans };
}

/**
 * A window produced by {@link StreamingWindower}: its samples (`length` of them) and its span.
 *
 * @example
 * ```ts
 * const w = new StreamingWindower({ length: 48000 });
 * for (const win of w.push(chunk)) model.run(win.samples, win.span); // StreamedWindow
 * ```
 */
export interface StreamedWindow {
  samples: Float32Array;
  span: WindowSpan;
}

/**
 * {@link windowAudio} for a stream: push chunks of any size and get each window as soon as its samples
 * have arrived; `flush()` returns the remaining (padded) windows. The windows, spans and samples are
 * identical to `windowAudio` of the whole signal, while memory stays bounded by about two windows
 * (the first window is kept for `'repeat'` padding).
 *
 * @example
 * ```ts
 * const w = new StreamingWindower({ length: 66150, hop: 33075 });
 * for await (const chunk of microphone) for (const { samples, span } of w.push(chunk)) classify(samples);
 * for (const last of w.flush()) classify(last.samples);
 * ```
 */
export class StreamingWindower {
  private readonly p: Plan;
  private head: Float32Array;
  private headLength = 0;
  private buffer = new Float32Array(0);
  /** Source position of buffer[0]. */
  private bufferStart = 0;
  private bufferLength = 0;
  private total = 0;
  private emitted = 0;

  constructor(options: AudioWindowOptions) {
    this.p = plan('StreamingWindower', options);
    this.head = new Float32Array(this.p.length);
  }

  /** Samples pushed so far. */
  get samplesSeen(): number {
    return this.total;
  }

  /** Adds samples; returns the windows they complete. @throws {@link NonFiniteError} for NaN/Infinity. */
  push(chunk: ArrayLike<number>): StreamedWindow[] {
    const x = checkArrayLike('StreamingWindower.push', 'chunk', chunk);
    checkFinite('StreamingWindower.push', 'chunk', x);
    const { length, hop } = this.p;
    if (this.headLength < length) {
      const take = Math.min(length - this.headLength, x.length);
      for (let i = 0; i < take; i++) this.head[this.headLength + i] = x[i]!;
      this.headLength += take;
    }
    this.append(x);
    this.total += x.length;
    const out: StreamedWindow[] = [];
    while (this.emitted * hop + length <= this.total) {
      const start = this.emitted * hop;
      const off = start - this.bufferStart;
      out.push({
        samples: this.buffer.slice(off, off + length),
        span: { start, end: start + length, isPadded: false },
      });
      this.emitted++;
    }
    this.compact();
    return out;
  }

  /** Returns the windows still due at the end of the stream (as `windowAudio` pads them) and resets. */
  flush(): StreamedWindow[] {
    const n = this.total;
    const all = spansFor(n, this.p);
    const due = all.filter((s) => s.start >= this.emitted * this.p.hop);
    // A view of the whole stream as far as padding needs it: the kept head plus the buffered tail.
    const head = this.head;
    const buffer = this.buffer;
    const bufferStart = this.bufferStart;
    const source = new Proxy({ length: n } as ArrayLike<number>, {
      get: (target, key) => {
        if (key === 'length') return target.length;
        const i = Number(key);
        return i >= bufferStart ? buffer[i - bufferStart] : head[i];
      },
    });
    const out = due.map((span) => {
      const samples = new Float32Array(this.p.length);
      fillWindow(source, n, span, this.p, samples);
      return { samples, span };
    });
    this.reset();
    return out;
  }

  /** Forgets the stream. */
  reset(): void {
    this.head = new Float32Array(this.p.length);
    this.headLength = 0;
    this.buffer = new Float32Array(0);
    this.bufferStart = 0;
    this.bufferLength = 0;
    this.total = 0;
    this.emitted = 0;
  }

  private append(x: ArrayLike<number>): void {
    const need = this.bufferLength + x.length;
    if (need > this.buffer.length) {
      const grown = new Float32Array(Math.max(need, 2 * this.buffer.length, 2 * this.p.length));
      grown.set(this.buffer.subarray(0, this.bufferLength));
      this.buffer = grown;
    }
    if (x instanceof Float32Array) this.buffer.set(x, this.bufferLength);
    else for (let i = 0; i < x.length; i++) this.buffer[this.bufferLength + i] = x[i]!;
    this.bufferLength = need;
  }

  /** Drops samples no future window or padding can need (reflect padding reads up to a window back). */
  private compact(): void {
    const keepFrom = Math.max(0, Math.min(this.emitted * this.p.hop, this.total - this.p.length - 1));
    const drop = keepFrom - this.bufferStart;
    if (drop <= 0 || drop < this.bufferLength / 2) return;
    this.buffer.copyWithin(0, drop, this.bufferLength);
    this.bufferLength -= drop;
    this.bufferStart = keepFrom;
  }
}
