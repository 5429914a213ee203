import {
  type Audio,
  audioLength,
  DatasetError,
  type InstrumentSet,
  InvalidArgumentError,
  type Rng,
  type Seed,
  toMono,
} from '@instr/core';
import {
  checkAudio,
  checkInteger,
  toRng,
  checkNumber,
  checkRange,
  dbToAmplitude,
  peak,
  tileTo,
} from '../util.js';

/**
 * One entry of a source index: its labels (a multi-hot `Float32Array` or a list of instrument codes), an
 * optional genre, and a loader. `load` may return a promise (use {@link SourceMixer.mix}) or audio directly
 * (then {@link SourceMixer.mixSync} works too). Loading is lazy: only drawn sources are loaded.
 * @example
 * ```ts
 * const source: MixSource = { labels: ['pia', 'voi'], genre: 'pop_roc', load: () => readAudioFile(path) };
 * ```
 */
export interface MixSource {
  readonly labels: Float32Array | readonly string[];
  readonly genre?: string;
  load(): Audio | Promise<Audio>;
}

/**
 * Options shared by the dataset mixers.
 * @example
 * ```ts
 * new SumN(sources, { instruments: InstrumentSet.irmas(), genre: 'same', resample: (a, sr) => resampleAudio(a, sr) });
 * ```
 */
export interface SourceMixerOptions {
  /**
   * The label vocabulary. Needed to mix code lists with multi-hot vectors or to use `cooccurrence` with code
   * lists; otherwise the vocabulary is the vector length (multi-hot labels) or every code seen (code lists).
   */
  instruments?: InstrumentSet;
  /** A multi-hot entry counts as "present" when ≥ this value (default 0.5). */
  labelThreshold?: number;
  /** Peak-normalise every loaded source before mixing (default true, as the reference). */
  normalize?: boolean;
  /**
   * Prefer extra sources of the anchor's genre (`same`), of another genre (`different`), or ignore genres
   * (`any`, default). When no candidate qualifies, any candidate is used and the report says so.
   */
  genre?: 'any' | 'same' | 'different';
  /**
   * Co-occurrence weights `[classes][classes]`: instrument j is drawn with weight mean over the anchor's
   * instruments i of `cooccurrence[i][j]` (uniform when the anchor has no labels). Default: uniform.
   */
  cooccurrence?: ArrayLike<ArrayLike<number>>;
  /** Extra weight of a candidate source (multiplies the genre rule); return 0 to exclude it. */
  sourceWeight?: (candidate: MixSource, anchor: MixSource) => number;
  /**
   * Converts audio at another sample rate to the anchor's. Default: none, so mismatched rates throw a
   * {@link DatasetError} (pass e.g. `(a, sr) => resampleAudio(a, sr)` from `@instr/dsp`).
   */
  resample?: (audio: Audio, targetRate: number) => Audio;
}

/**
 * What a mixer did.
 * @example
 * ```ts
 * const { report } = mixer.mixSync(0, 1);
 * if (report.rescale < 1) console.warn(`mixture scaled by ${report.rescale}`);
 * ```
 */
export interface MixReport {
  readonly name: string;
  /** Index of the anchor in the source list, or null for an external anchor. */
  readonly anchor: number | null;
  /** Indices of the extra sources, in mixing order. */
  readonly sources: number[];
  /** The instrument each extra source was drawn for (vocabulary index). */
  readonly drawnFor: number[];
  /** Gain of each extra source relative to the anchor, in dB (sum mixers). */
  readonly gainsDb: number[];
  /** Factor the mixture was scaled by to keep its peak ≤ 1 (1 when not needed). */
  readonly rescale: number;
  /** Samples clipped (only when `clip: true`). */
  readonly clippedSamples: number;
  /** Peak of the returned audio. */
  readonly peak: number;
  /** True when no candidate matched the genre rule for some draw. */
  readonly genreFallback: boolean;
  /** Why fewer extra sources than asked were added, if so. */
  readonly note?: string;
}

/**
 * A mixed example: audio, OR-ed labels (same form as the anchor's) and the report.
 * @example
 * ```ts
 * const { audio, labels, report } = await new SumN(sources, { n: 2 }).mix(7, 42);
 * ```
 */
export interface MixResult {
  readonly audio: Audio;
  readonly labels: Float32Array | string[];
  readonly report: MixReport;
}

interface Plan {
  anchorIndex: number | null;
  anchor: MixSource;
  extras: number[];
  drawnFor: number[];
  genreFallback: boolean;
  note?: string;
  rng: Rng;
}

/**
 * Base of the label-aware dataset mixers ({@link SumN}, {@link ConcatN}, {@link ExponentialN}). Extra sources
 * are drawn the reference way: instruments **not** in the anchor's labels are drawn (without replacement
 * unless there are too few), then for each one a random source holding it.
 * @example
 * ```ts
 * const mixers: SourceMixer[] = [new SumN(sources), new ConcatN(sources), new ExponentialN(sources)];
 * ```
 */
export abstract class SourceMixer {
  abstract readonly name: string;
  readonly sources: readonly MixSource[];
  /** Vocabulary size. */
  readonly classes: number;
  protected readonly codes: readonly string[];
  protected readonly options: SourceMixerOptions;
  private readonly holders: Map<number, number[]>;
  private readonly labelSets: number[][];
  private readonly threshold: number;

  constructor(sources: readonly MixSource[], options: SourceMixerOptions = {}) {
    if (!Array.isArray(sources) || sources.length === 0) {
      throw new DatasetError('A source mixer needs a non-empty list of sources ({ labels, load }).', {
        details: { key: 'sources', actual: Array.isArray(sources) ? 0 : typeof sources },
      });
    }
    this.options = options;
    this.threshold = checkNumber(options.labelThreshold ?? 0.5, 'labelThreshold', Number.MIN_VALUE, 1e9);
    const genre = options.genre ?? 'any';
    if (!['any', 'same', 'different'].includes(genre)) {
      throw new InvalidArgumentError(`genre must be 'any', 'same' or 'different', got ${String(genre)}.`, {
        details: { key: 'genre', actual: genre },
      });
    }
    sources.forEach((s, i) => {
      if (
        !s ||
        typeof s.load !== 'function' ||
        !(s.labels instanceof Float32Array || Array.isArray(s.labels))
      ) {
        throw new DatasetError(`Source ${i} must be { labels: Float32Array | string[], load(): Audio }.`, {
          details: { key: `sources[${i}]` },
        });
      }
    });
    const vectors = sources.some((s) => s.labels instanceof Float32Array);
    const lists = sources.some((s) => Array.isArray(s.labels));
    if (options.instruments) {
      this.codes = options.instruments.codes;
    } else if (vectors && lists) {
      throw new DatasetError(
        'Sources mix multi-hot vectors and code lists: pass `instruments` to relate them.',
        {
          details: { key: 'instruments' },
        },
      );
    } else if (vectors) {
      const n = (sources[0]!.labels as Float32Array).length;
      this.codes = Array.from({ length: n }, (_, i) => String(i));
    } else {
      const seen = new Set<string>();
      for (const s of sources) for (const c of s.labels as readonly string[]) seen.add(c);
      this.codes = [...seen];
    }
    this.classes = this.codes.length;
    this.labelSets = sources.map((s, i) => this.labelIndices(s, `sources[${i}]`));
    this.holders = new Map();
    this.labelSets.forEach((set, i) => {
      for (const k of set) {
        const list = this.holders.get(k) ?? [];
        list.push(i);
        this.holders.set(k, list);
      }
    });
    if (options.cooccurrence) {
      const m = options.cooccurrence;
      if (m.length !== this.classes || Array.from(m).some((row) => row.length !== this.classes)) {
        throw new InvalidArgumentError(`cooccurrence must be a ${this.classes}×${this.classes} matrix.`, {
          details: { key: 'cooccurrence', expected: [this.classes, this.classes] },
        });
      }
      for (let i = 0; i < m.length; i++) {
        for (let j = 0; j < this.classes; j++) checkNumber(Number(m[i]![j]), `cooccurrence[${i}][${j}]`, 0);
      }
    }
    this.sources = sources;
  }

  /** Number of extra sources for this draw. */
  protected abstract extraCount(rng: Rng): number;

  /** Combines the loaded anchor (first) and extras. */
  protected abstract combine(parts: Audio[], plan: Plan): { audio: Audio; report: Partial<MixReport> };

  /**
   * Mixes the anchor (an index into the sources, or an external source) with extra sources.
   * @example
   * ```ts
   * const mixer = new SumN(sources, { n: 2 });
   * const { audio, labels, report } = await mixer.mix(17, rng.derive(epoch, 17));
   * ```
   */
  async mix(anchor: number | MixSource, seed: Seed): Promise<MixResult> {
    const plan = this.plan(anchor, seed);
    const parts = await Promise.all(
      [plan.anchor, ...plan.extras.map((i) => this.sources[i]!)].map((s) => s.load()),
    );
    return this.finish(parts, plan);
  }

  /**
   * Like {@link SourceMixer.mix} for sources whose `load()` returns audio synchronously.
   * @throws {@link InvalidArgumentError} when a loader returns a promise.
   */
  mixSync(anchor: number | MixSource, seed: Seed): MixResult {
    const plan = this.plan(anchor, seed);
    const parts = [plan.anchor, ...plan.extras.map((i) => this.sources[i]!)].map((s) => {
      const a = s.load();
      if (a && typeof (a as Promise<Audio>).then === 'function') {
        throw new InvalidArgumentError(
          `${this.name}.mixSync: a source loader returned a promise; use mix() instead.`,
        );
      }
      return a as Audio;
    });
    return this.finish(parts, plan);
  }

  private labelIndices(s: MixSource, where: string): number[] {
    if (s.labels instanceof Float32Array) {
      if (s.labels.length !== this.classes) {
        throw new DatasetError(`${where} has ${s.labels.length} labels; expected ${this.classes}.`, {
          details: { key: where, expected: this.classes, actual: s.labels.length },
        });
      }
      const out: number[] = [];
      s.labels.forEach((v, i) => {
        if (v >= this.threshold) out.push(i);
      });
      return out;
    }
    return (s.labels as readonly string[]).map((c) => {
      const i = this.codes.indexOf(c);
      if (i < 0) {
        throw new DatasetError(`${where} has unknown instrument "${c}"; known: ${this.codes.join(' ')}.`, {
          details: { key: where, actual: c },
        });
      }
      return i;
    });
  }

  private plan(anchor: number | MixSource, seed: Seed): Plan {
    const rng = toRng(seed);
    let anchorIndex: number | null = null;
    let src: MixSource;
    let set: number[];
    if (typeof anchor === 'number') {
      checkInteger(anchor, 'anchor', 0, this.sources.length - 1);
      anchorIndex = anchor;
      src = this.sources[anchor]!;
      set = this.labelSets[anchor]!;
    } else {
      src = anchor;
      set = this.labelIndices(anchor, 'anchor');
    }
    const k = this.extraCount(rng);
    const inAnchor = new Set(set);
    const pool = [...this.holders.keys()]
      .filter((i) => !inAnchor.has(i) && this.holders.get(i)!.some((s) => s !== anchorIndex))
      .sort((a, b) => a - b);
    const plan: Plan = { anchorIndex, anchor: src, extras: [], drawnFor: [], genreFallback: false, rng };
    if (k === 0) return plan;
    if (pool.length === 0) {
      plan.note = 'no source holds an instrument outside the anchor’s labels';
      return plan;
    }
    const m = this.options.cooccurrence;
    let weights: number[] | undefined;
    if (m && set.length > 0) {
      weights = pool.map((j) => set.reduce((acc, i) => acc + Number(m[i]![j]), 0) / set.length);
      if (!weights.some((w) => w > 0)) weights = undefined;
    }
    const replace = pool.length < k;
    const positive = weights ? weights.filter((w) => w > 0).length : pool.length;
    const picked = rng.choice(pool.length, k, {
      replace: replace || positive < k,
      ...(weights ? { weights } : {}),
    });
    for (const p of picked) {
      const instrument = pool[p]!;
      const { index, fallback } = this.pickSource(instrument, src, anchorIndex, rng);
      plan.extras.push(index);
      plan.drawnFor.push(instrument);
      plan.genreFallback ||= fallback;
    }
    return plan;
  }

  private pickSource(instrument: number, anchor: MixSource, anchorIndex: number | null, rng: Rng) {
    const candidates = this.holders.get(instrument)!.filter((s) => s !== anchorIndex);
    const rule = this.options.genre ?? 'any';
    const custom = this.options.sourceWeight;
    const base = candidates.map((c) =>
      custom ? Math.max(0, Number(custom(this.sources[c]!, anchor)) || 0) : 1,
    );
    let weights = base;
    let fallback = false;
    if (rule !== 'any') {
      const g = anchor.genre;
      const ruled = candidates.map((c, i) => {
        const cg = this.sources[c]!.genre;
        const ok = rule === 'same' ? g !== undefined && cg === g : cg !== undefined && cg !== g;
        return ok ? base[i]! : 0;
      });
      if (ruled.some((w) => w > 0)) weights = ruled;
      else fallback = true;
    }
    if (!weights.some((w) => w > 0)) weights = candidates.map(() => 1);
    const [i] = rng.choice(candidates.length, 1, { weights });
    return { index: candidates[i!]!, fallback };
  }

  private finish(loaded: Audio[], plan: Plan): MixResult {
    const rate = loaded[0]!.sampleRate;
    const parts = loaded.map((a, i) => {
      checkAudio(a, i === 0 ? `${this.name} anchor` : `${this.name} source ${plan.extras[i - 1]}`);
      if (a.sampleRate === rate) return a;
      if (this.options.resample) return this.options.resample(a, rate);
      throw new DatasetError(
        `${this.name}: source ${plan.extras[i - 1]} is at ${a.sampleRate} Hz but the anchor is at ${rate} Hz; pass a \`resample\` option.`,
        { details: { expected: rate, actual: a.sampleRate } },
      );
    });
    const channels = new Set(parts.map((a) => a.channels.length));
    let aligned =
      channels.size === 1 ? parts : parts.map((a) => ({ sampleRate: rate, channels: [toMono(a)] }));
    if (this.options.normalize ?? true) {
      aligned = aligned.map((a) => {
        const pk = peak(a.channels);
        return pk > 0 ? { sampleRate: rate, channels: a.channels.map((ch) => ch.map((v) => v / pk)) } : a;
      });
    }
    const { audio, report } = this.combine(aligned, plan);
    const labels = this.orLabels(plan);
    return {
      audio,
      labels,
      report: {
        name: this.name,
        anchor: plan.anchorIndex,
        sources: plan.extras,
        drawnFor: plan.drawnFor,
        gainsDb: [],
        rescale: 1,
        clippedSamples: 0,
        peak: peak(audio.channels),
        genreFallback: plan.genreFallback,
        ...(plan.note ? { note: plan.note } : {}),
        ...report,
      },
    };
  }

  private orLabels(plan: Plan): Float32Array | string[] {
    const all = [plan.anchor, ...plan.extras.map((i) => this.sources[i]!)];
    if (plan.anchor.labels instanceof Float32Array) {
      const out = new Float32Array(this.classes);
      for (const s of all) {
        if (s.labels instanceof Float32Array)
          for (let i = 0; i < out.length; i++) out[i] = Math.max(out[i]!, s.labels[i]!);
        else for (const c of s.labels) out[this.codes.indexOf(c)] = 1;
      }
      return out;
    }
    const present = new Set<number>();
    for (const s of all) for (const i of this.labelIndices(s, 'source')) present.add(i);
    return [...present].sort((a, b) => a - b).map((i) => this.codes[i]!);
  }
}

/**
 * Options of {@link SumN} and {@link ExponentialN}.
 * @example
 * ```ts
 * new SumN(sources, { n: 2, combine: 'sum', gainDb: [-6, 0], length: 'anchor', shorter: 'tile' });
 * ```
 */
export interface SumMixOptions extends SourceMixerOptions {
  /** `mean` (default, the reference) or `sum` of the parts. */
  combine?: 'mean' | 'sum';
  /** Gain of each extra source relative to the anchor, drawn uniformly in dB (default [−6, 6]; [0, 0] = reference). */
  gainDb?: readonly [number, number];
  /** Output length: the `longest` part (default, the reference; others zero-padded) or the `anchor`'s. */
  length?: 'longest' | 'anchor';
  /** With `length: 'anchor'`, how shorter extras are extended: `pad` with zeros (default) or `tile`. */
  shorter?: 'pad' | 'tile';
  /** Hard-clip to [−1, 1] instead of rescaling when the peak exceeds 1 (default false: rescale, never clip). */
  clip?: boolean;
}

abstract class SumBase extends SourceMixer {
  readonly combineMode: 'mean' | 'sum';
  readonly gainDb: readonly [number, number];
  readonly length: 'longest' | 'anchor';
  readonly shorter: 'pad' | 'tile';
  readonly clip: boolean;
  constructor(sources: readonly MixSource[], options: SumMixOptions) {
    super(sources, options);
    this.combineMode = oneOf(options.combine ?? 'mean', ['mean', 'sum'], 'combine');
    const g = options.gainDb ?? [-6, 6];
    this.gainDb = checkRange(g[0], g[1], 'gainDb', [-120, 60]);
    this.length = oneOf(options.length ?? 'longest', ['longest', 'anchor'], 'length');
    this.shorter = oneOf(options.shorter ?? 'pad', ['pad', 'tile'], 'shorter');
    this.clip = options.clip ?? false;
  }
  protected combine(parts: Audio[], plan: Plan): { audio: Audio; report: Partial<MixReport> } {
    const rng = plan.rng;
    const gainsDb = parts.slice(1).map(() => rng.uniform(this.gainDb[0], this.gainDb[1]));
    const L = this.length === 'anchor' ? audioLength(parts[0]!) : Math.max(...parts.map(audioLength));
    const C = parts[0]!.channels.length;
    const acc = Array.from({ length: C }, () => new Float64Array(L));
    parts.forEach((a, p) => {
      const g = p === 0 ? 1 : dbToAmplitude(gainsDb[p - 1]!);
      const n = audioLength(a);
      const offset = this.length === 'anchor' && n > L ? rng.int(0, n - L) : 0;
      a.channels.forEach((ch, c) => {
        const src =
          this.length === 'anchor' && this.shorter === 'tile' && n < L && n > 0 ? tileTo(ch, L) : ch;
        const lim = Math.min(L, src.length - offset);
        const dst = acc[c]!;
        for (let i = 0; i < lim; i++) dst[i]! += g * src[offset + i]!;
      });
    });
    const div = this.combineMode === 'mean' ? parts.length : 1;
    const channels = acc.map((d) => Float32Array.from(d, (v) => v / div));
    return {
      audio: { sampleRate: parts[0]!.sampleRate, channels },
      report: { gainsDb, ...limitPeak(channels, this.clip) },
    };
  }
}

function limitPeak(channels: Float32Array[], clip: boolean): { rescale: number; clippedSamples: number } {
  const pk = peak(channels);
  if (pk <= 1) return { rescale: 1, clippedSamples: 0 };
  if (clip) {
    let n = 0;
    for (const ch of channels) {
      for (let i = 0; i < ch.length; i++) {
        if (ch[i]! > 1) {
          ch[i] = 1;
          n++;
        } else if (ch[i]! < -1) {
          ch[i] = -1;
          n++;
        }
      }
    }
    return { rescale: 1, clippedSamples: n };
  }
  const s = 1 / pk;
  for (const ch of channels) for (let i = 0; i < ch.length; i++) ch[i]! *= s;
  return { rescale: s, clippedSamples: 0 };
}

function oneOf<T extends string>(value: T, allowed: readonly T[], key: string): T {
  if (!allowed.includes(value)) {
    throw new InvalidArgumentError(
      `Option "${key}" must be one of ${allowed.join(', ')}, got ${String(value)}.`,
      {
        details: { key, expected: allowed, actual: value },
      },
    );
  }
  return value;
}

/**
 * "Sum with N": the anchor plus N − 1 sources holding instruments not in its labels, each peak-normalised,
 * mixed at random relative gains (dB), combined by `mean` (reference) or `sum`; labels are OR-ed. The result
 * never clips unless `clip: true`: if its peak exceeds 1 it is rescaled and the report says by how much.
 * @example
 * ```ts
 * const mixer = new SumN(sources, { n: 2, gainDb: [-6, 0] });
 * const { audio, labels, report } = mixer.mixSync(0, 42);
 * ```
 */
export class SumN extends SumBase {
  readonly name = 'SumN';
  readonly n: number;
  constructor(sources: readonly MixSource[], options: SumMixOptions & { n?: number } = {}) {
    super(sources, options);
    /** Total number of parts (default 3, the reference's `sum_n_samples`). */
    this.n = checkInteger(options.n ?? 3, 'n', 1, 64);
  }
  protected extraCount(): number {
    return this.n - 1;
  }
}

/**
 * Sums the anchor with a random number of extra sources k = min(⌊Exponential(rate)⌋, maxExtra)
 * (the reference's documented "exponential adding"; mean k ≈ 1/(e^rate − 1)), otherwise as {@link SumN}.
 * @example
 * ```ts
 * const mixer = new ExponentialN(sources, { rate: 1, maxExtra: 5 });
 * mixer.mixSync(3, 1).report.sources.length; // k
 * ```
 */
export class ExponentialN extends SumBase {
  readonly name = 'ExponentialN';
  readonly rate: number;
  readonly maxExtra: number;
  constructor(
    sources: readonly MixSource[],
    options: SumMixOptions & { rate?: number; maxExtra?: number } = {},
  ) {
    super(sources, options);
    this.rate = checkNumber(options.rate ?? 1, 'rate', Number.MIN_VALUE, 1e6);
    this.maxExtra = checkInteger(options.maxExtra ?? 5, 'maxExtra', 0, 64);
  }
  protected extraCount(rng: Rng): number {
    return Math.min(Math.floor(rng.exponential(this.rate)), this.maxExtra);
  }
}

/**
 * Options of {@link ConcatN}.
 * @example
 * ```ts
 * new ConcatN(sources, { n: 2, length: 'anchor', shuffle: true });
 * ```
 */
export interface ConcatMixOptions extends SourceMixerOptions {
  /** Total number of parts (default 3, the reference's `concat_n_samples`; the reference's bug made it N + 1). */
  n?: number;
  /** `total` (default): the parts one after another; `anchor`: each part cropped to anchor length / N. */
  length?: 'total' | 'anchor';
  /** Shuffle the order of the parts (default false: anchor first, as the reference). */
  shuffle?: boolean;
}

/**
 * "Concat N": the anchor followed by N − 1 sources holding instruments not in its labels; labels are OR-ed.
 * @example
 * ```ts
 * const { audio, labels } = new ConcatN(sources, { n: 2, length: 'anchor' }).mixSync(5, 9);
 * ```
 */
export class ConcatN extends SourceMixer {
  readonly name = 'ConcatN';
  readonly n: number;
  readonly length: 'total' | 'anchor';
  readonly shuffle: boolean;
  constructor(sources: readonly MixSource[], options: ConcatMixOptions = {}) {
    super(sources, options);
    this.n = checkInteger(options.n ?? 3, 'n', 1, 64);
    this.length = oneOf(options.length ?? 'total', ['total', 'anchor'], 'length');
    this.shuffle = options.shuffle ?? false;
  }
  protected extraCount(): number {
    return this.n - 1;
  }
  protected combine(parts: Audio[], plan: Plan): { audio: Audio; report: Partial<MixReport> } {
    const rng = plan.rng;
    const order = parts.map((_, i) => i);
    if (this.shuffle) rng.shuffle(order);
    const C = parts[0]!.channels.length;
    let pieces: Float32Array[][];
    if (this.length === 'total') {
      pieces = order.map((i) => parts[i]!.channels.map((ch) => ch));
    } else {
      const L = audioLength(parts[0]!);
      const m = parts.length;
      pieces = order.map((i, k) => {
        const seg = Math.floor(L / m) + (k === m - 1 ? L % m : 0);
        const a = parts[i]!;
        const n = audioLength(a);
        const off = n > seg ? rng.int(0, n - seg) : 0;
        return a.channels.map((ch) => {
          const out = new Float32Array(seg);
          out.set(ch.subarray(off, off + Math.min(seg, n)));
          return out;
        });
      });
    }
    const total = pieces.reduce((s, p) => s + p[0]!.length, 0);
    const channels = Array.from({ length: C }, (_, c) => {
      const out = new Float32Array(total);
      let pos = 0;
      for (const p of pieces) {
        out.set(p[c]!, pos);
        pos += p[c]!.length;
      }
      return out;
    });
    return { audio: { sampleRate: parts[0]!.sampleRate, channels }, report: {} };
  }
}
