import { type Audio, InvalidArgumentError, Rng, type Seed, ShapeError, Tensor } from '@instr/core';
import { checkProbability, toRng } from './util.js';

/**
 * Parameters of any transform (the default type argument of {@link Report} and {@link Transform}): a record
 * whose values are read as `any`, so every transform's typed parameters are assignable to it.
 * @example
 * ```ts
 * const reports: Report[] = [new Gain().apply(audio, 1).report, new TimeShift().apply(audio, 1).report];
 * ```
 */
// biome-ignore lint/suspicious/noExplicitAny: a record of any transform's parameters.
export type AnyParams = Record<string, any>;

/**
 * What a transform works on: one waveform ({@link Audio}), one spectrogram (a float32 `Tensor`), or a labelled batch.
 * @example
 * ```ts
 * const kind: TransformKind = new Gain().kind; // 'waveform'
 * ```
 */
export type TransformKind = 'waveform' | 'spectrogram' | 'labelled-batch';

/**
 * A batch of examples with their label vectors, as used by batch mixers ({@link Mixup}, {@link SpecMix}).
 * `x` is `[batch, ...]` (e.g. `[batch, ch, mel, time]` or `[batch, samples]`), `y` is `[batch, classes]`.
 * @example
 * ```ts
 * const batch: LabelledBatch = { x: mels, y: labels }; // [B, 1, mel, time], [B, classes]
 * ```
 */
export interface LabelledBatch {
  readonly x: Tensor<'float32'>;
  readonly y: Tensor<'float32'>;
}

/**
 * What one transform did: its name, whether it ran (its probability `p` may skip it), the parameters it
 * drew, and for composites the reports of its children. Useful for debugging, logging and tests.
 * @example
 * ```ts
 * const r: Report = new Gain().apply(audio, 1).report; // { name: 'Gain', applied: true, params: { gainDb } }
 * ```
 */
export interface Report<P extends object = AnyParams> {
  readonly name: string;
  readonly applied: boolean;
  readonly params?: P;
  readonly children?: readonly Report[];
}

/**
 * The output of a transform and what it drew.
 * @example
 * ```ts
 * const { output, report }: Applied<Audio> = new Gain().apply(audio, 1);
 * ```
 */
export interface Applied<X, P extends object = AnyParams> {
  readonly output: X;
  readonly report: Report<P>;
}

/**
 * The two random streams a transform reads.
 * `rng` draws parameters (gains, offsets, which child of a OneOf runs …); `noise` draws content
 * (noise samples, per-pixel masks). They are the same generator except in `per-batch` mode, where every
 * example replays the same parameter stream while its content stream is its own.
 * @example
 * ```ts
 * const rng = new Rng(1);
 * new Gain().run(audio, { rng, noise: rng });
 * ```
 */
export interface AugmentContext {
  readonly rng: Rng;
  readonly noise: Rng;
}

/**
 * Options every transform accepts.
 * @example
 * ```ts
 * new TimeShift({ p: 0.5 });
 * ```
 */
export interface TransformOptions {
  /** Probability of applying the transform (default 1). */
  p?: number;
}

/**
 * How {@link Transform.applyBatch} draws parameters: independently per example (default) or once per batch.
 * @example
 * ```ts
 * new Gain().applyBatch(waves, { seed: 1, sampleRate: 22050, mode: 'per-batch' });
 * ```
 */
export type BatchMode = 'per-example' | 'per-batch';

/**
 * Options of {@link Transform.applyBatch}.
 * @example
 * ```ts
 * const options: BatchOptions = { seed: new Rng(5), sampleRate: 16000, mode: 'per-example' };
 * ```
 */
export interface BatchOptions {
  /** A seed or generator; same seed → same output. */
  seed: Seed;
  /** `per-example` (default): each example draws its own parameters; `per-batch`: all share one draw. */
  mode?: BatchMode;
  /** Sample rate of a waveform batch (required for waveform transforms). */
  sampleRate?: number;
}

/**
 * The output of {@link Transform.applyBatch}: the transformed batch and one report per example.
 * @example
 * ```ts
 * const { output, reports } = new TimeMask().applyBatch(waves, { seed: 1, sampleRate: 22050 });
 * ```
 */
export interface BatchApplied<P extends object = AnyParams> {
  readonly output: Tensor<'float32'>;
  readonly reports: readonly Report<P>[];
}

/**
 * Base class of every augmentation. A transform draws its parameters (`sample`), then transforms its input
 * (`process`); it never modifies its input. `apply(x, seed)` is deterministic in the seed.
 *
 * Waveform transforms take {@link Audio}; spectrogram transforms take a float32 `Tensor` whose last two axes
 * are `[mel, time]` (`[mel, time]` or `[ch, mel, time]`); batch mixers take a {@link LabelledBatch}.
 * `applyBatch` runs a waveform or spectrogram transform over a batch tensor (`[batch, samples]`,
 * `[batch, ch, samples]` or `[batch, ch, mel, time]`).
 *
 * @example
 * ```ts
 * const gain = new Gain({ minDb: -6, maxDb: 6 });
 * const { output, report } = gain.apply(audio, 42);
 * report.params; // { gainDb: 3.1… }
 * const batch = gain.applyBatch(waves, { seed: 1, sampleRate: 22050, mode: 'per-batch' });
 * ```
 */
export abstract class Transform<X, P extends object = AnyParams> {
  /** Name used in reports. */
  abstract readonly name: string;
  /** What the transform works on. */
  abstract readonly kind: TransformKind;
  /** Probability of applying it. */
  readonly p: number;

  constructor(options: TransformOptions = {}) {
    this.p = checkProbability(options.p ?? 1, 'p');
  }

  /**
   * Applies the transform to one example (or one labelled batch for batch mixers).
   * @param seed a number or an {@link Rng} (advanced by the call).
   */
  apply(x: X, seed: Seed): Applied<X, P> {
    const rng = toRng(seed);
    return this.run(x, { rng, noise: rng });
  }

  /** Applies the transform with explicit random streams (used by composites and batch application). */
  run(x: X, ctx: AugmentContext): Applied<X, P> {
    if (this.p < 1 && !(ctx.rng.uniform() < this.p)) {
      return { output: this.passThrough(x), report: { name: this.name, applied: false } };
    }
    this.validate(x);
    const params = this.sample(x, ctx.rng);
    return { output: this.process(x, params, ctx.noise), report: { name: this.name, applied: true, params } };
  }

  /**
   * Applies a waveform or spectrogram transform to every example of a batch.
   * Waveform batches are `[batch, samples]` or `[batch, ch, samples]` and need `sampleRate`; outputs whose
   * length changed (time stretch without `keepLength`) are cropped or zero-padded back to the batch length.
   * Spectrogram batches are `[batch, mel, time]`-like tensors of rank ≥ 3 (each item is `x[i]`).
   * @throws {@link InvalidArgumentError} for a labelled-batch transform or a missing sample rate.
   * @throws {@link ShapeError} for a tensor of the wrong rank.
   */
  applyBatch(batch: Tensor<'float32'>, options: BatchOptions): BatchApplied<P> {
    return applyBatch(this as Transform<unknown, P>, batch, options);
  }

  /** What a skipped transform returns (the input itself: transforms never modify their input). */
  protected passThrough(x: X): X {
    return x;
  }

  /** Checks the input before sampling; throws a typed error. */
  protected validate(_x: X): void {}

  /** Draws the parameters for input `x`. */
  protected abstract sample(x: X, rng: Rng): P;

  /** Transforms `x` with the drawn parameters; `noise` draws content randomness. */
  protected abstract process(x: X, params: P, noise: Rng): X;
}

/**
 * A transform on one waveform.
 * @example
 * ```ts
 * const t: WaveformTransform = new Gain();
 * ```
 */
export type WaveformTransform<P extends object = AnyParams> = Transform<Audio, P>;
/**
 * A transform on one spectrogram tensor.
 * @example
 * ```ts
 * const t: SpectrogramTransform = new TimeMasking();
 * ```
 */
export type SpectrogramTransform<P extends object = AnyParams> = Transform<Tensor<'float32'>, P>;

function applyBatch<P extends object>(
  t: Transform<unknown, P>,
  batch: Tensor<'float32'>,
  options: BatchOptions,
): BatchApplied<P> {
  const mode = options.mode ?? 'per-example';
  if (mode !== 'per-example' && mode !== 'per-batch') {
    throw new InvalidArgumentError(
      `applyBatch: mode must be 'per-example' or 'per-batch', got ${String(mode)}.`,
      {
        details: { key: 'mode', actual: mode },
      },
    );
  }
  if (!(batch instanceof Tensor) || batch.dtype !== 'float32') {
    throw new InvalidArgumentError('applyBatch needs a float32 Tensor.', { details: { key: 'batch' } });
  }
  const rng = toRng(options.seed);
  const shared = mode === 'per-batch' ? rng.fork().getState() : undefined;
  const contexts = (n: number): AugmentContext[] =>
    Array.from({ length: n }, () => {
      const own = rng.fork();
      return shared ? { rng: Rng.fromState(shared), noise: own } : { rng: own, noise: own };
    });
  if (t.kind === 'labelled-batch') {
    throw new InvalidArgumentError(
      `${t.name} mixes whole batches: call apply({ x, y }, seed) instead of applyBatch.`,
    );
  }
  const B = batch.dims[0] ?? 0;
  if (t.kind === 'waveform') {
    const sr = options.sampleRate;
    if (sr === undefined || !Number.isFinite(sr) || sr <= 0) {
      throw new InvalidArgumentError(
        `applyBatch: waveform transforms need a positive sampleRate, got ${sr}.`,
        {
          details: { key: 'sampleRate', actual: sr },
        },
      );
    }
    if (batch.rank !== 2 && batch.rank !== 3) {
      throw new ShapeError(
        `applyBatch: a waveform batch is [batch, samples] or [batch, ch, samples], got [${batch.dims.join(', ')}].`,
        { details: { expected: '[batch, samples] | [batch, ch, samples]', actual: batch.dims } },
      );
    }
    const C = batch.rank === 3 ? batch.dims[1]! : 1;
    const S = batch.dims[batch.rank - 1]!;
    const out = Tensor.zeros('float32', batch.dims);
    const reports: Report<P>[] = [];
    const ctxs = contexts(B);
    for (let b = 0; b < B; b++) {
      const channels = Array.from({ length: C }, (_, c) =>
        batch.data.subarray((b * C + c) * S, (b * C + c + 1) * S),
      );
      const res = (t as unknown as Transform<Audio, P>).run({ sampleRate: sr, channels }, ctxs[b]!);
      const oc = res.output.channels;
      if (oc.length !== C) {
        throw new ShapeError(`${t.name} changed the channel count from ${C} to ${oc.length} inside a batch.`);
      }
      for (let c = 0; c < C; c++) {
        const src = oc[c]!;
        out.data.set(src.length > S ? src.subarray(0, S) : src, (b * C + c) * S);
      }
      reports.push(res.report);
    }
    return { output: out, reports };
  }
  if (batch.rank < 3) {
    throw new ShapeError(
      `applyBatch: a spectrogram batch is [batch, mel, time] or [batch, ch, mel, time], got [${batch.dims.join(', ')}].`,
      { details: { expected: 'rank ≥ 3', actual: batch.dims } },
    );
  }
  const out = Tensor.zeros('float32', batch.dims);
  const inner = B === 0 ? 0 : batch.size / B;
  const reports: Report<P>[] = [];
  const ctxs = contexts(B);
  for (let b = 0; b < B; b++) {
    const res = (t as unknown as Transform<Tensor<'float32'>, P>).run(batch.at(b), ctxs[b]!);
    if (res.output.size !== inner) {
      throw new ShapeError(`${t.name} changed the item shape inside a batch.`, {
        details: { expected: batch.dims.slice(1), actual: res.output.dims },
      });
    }
    out.data.set(res.output.data, b * inner);
    reports.push(res.report);
  }
  return { output: out, reports };
}
