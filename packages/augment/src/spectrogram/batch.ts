import { InvalidArgumentError, type Rng, ShapeError, Tensor } from '@instr/core';
import { type LabelledBatch, Transform, type TransformOptions } from '../transform.js';
import { checkInteger, checkNumber } from '../util.js';

/**
 * Shared base of batch mixers: input is `{ x: [batch, ...], y: [batch, classes] }`.
 * @example
 * ```ts
 * const mixer: BatchMixerBase<object> = new SpecMix();
 * mixer.apply({ x, y }, 1);
 * ```
 */
export abstract class BatchMixerBase<P extends object> extends Transform<LabelledBatch, P> {
  readonly kind = 'labelled-batch' as const;
  /** Smallest rank of `x` this mixer accepts. */
  protected readonly minRank: number = 2;
  protected override validate({ x, y }: LabelledBatch): void {
    for (const [k, t] of [
      ['x', x],
      ['y', y],
    ] as const) {
      if (!(t instanceof Tensor) || t.dtype !== 'float32') {
        throw new InvalidArgumentError(`${this.name}: ${k} must be a float32 Tensor.`, {
          details: { key: k },
        });
      }
    }
    if (x.rank < this.minRank) {
      throw new ShapeError(`${this.name}: x must have rank ≥ ${this.minRank}, got [${x.dims.join(', ')}].`, {
        details: { key: 'x', expected: `rank ≥ ${this.minRank}`, actual: x.dims },
      });
    }
    if (y.rank !== 2 || y.dims[0] !== x.dims[0]) {
      throw new ShapeError(
        `${this.name}: y must be [batch, classes] with batch ${x.dims[0]}, got [${y.dims.join(', ')}].`,
        {
          details: { key: 'y', expected: [x.dims[0], 'classes'], actual: y.dims },
        },
      );
    }
  }
}

/**
 * Options of {@link Mixup}.
 * @example
 * ```ts
 * new Mixup({ alpha: 0.2, per: 'batch', keepMajority: false });
 * ```
 */
export interface MixupOptions extends TransformOptions {
  /** λ ~ Beta(alpha, alpha) (default 0.4, fastai v1's `MixUpCallback`). */
  alpha?: number;
  /** One λ per example (default, fastai) or one for the whole batch (Zhang et al.). */
  per?: 'example' | 'batch';
  /** Use max(λ, 1 − λ) so each example stays dominated by itself (default true, fastai v1). */
  keepMajority?: boolean;
}

/**
 * Drawn mixup parameters: the partner of each example and its weight λ.
 * @example
 * ```ts
 * new Mixup().apply({ x, y }, 1).report.params; // { partners: [3, 0, …], lambdas: [0.81, …] }
 * ```
 */
export interface MixupParams {
  readonly partners: number[];
  readonly lambdas: number[];
}

/**
 * mixup (Zhang et al. 2018): x' = λx + (1 − λ)x[perm], y' = λy + (1 − λ)y[perm], λ ~ Beta(α, α), with a
 * random permutation of the batch (an example may be its own partner). Works on any `[batch, ...]` tensor.
 * @example
 * ```ts
 * const { output } = new Mixup({ alpha: 0.4 }).apply({ x: mels, y: labels }, 7);
 * output.y; // soft labels
 * ```
 */
export class Mixup extends BatchMixerBase<MixupParams> {
  readonly name = 'Mixup';
  readonly alpha: number;
  readonly per: 'example' | 'batch';
  readonly keepMajority: boolean;
  constructor(options: MixupOptions = {}) {
    super(options);
    this.alpha = checkNumber(options.alpha ?? 0.4, 'alpha', Number.MIN_VALUE, 1e6);
    this.per = options.per ?? 'example';
    if (this.per !== 'example' && this.per !== 'batch') {
      throw new InvalidArgumentError(`Mixup: per must be 'example' or 'batch', got ${String(this.per)}.`);
    }
    this.keepMajority = options.keepMajority ?? true;
  }
  protected sample({ x }: LabelledBatch, rng: Rng): MixupParams {
    const B = x.dims[0]!;
    const draw = () => {
      const l = rng.beta(this.alpha, this.alpha);
      return this.keepMajority ? Math.max(l, 1 - l) : l;
    };
    const shared = this.per === 'batch' ? draw() : 0;
    const lambdas = Array.from({ length: B }, () => (this.per === 'batch' ? shared : draw()));
    return { partners: rng.permutation(B), lambdas };
  }
  protected process({ x, y }: LabelledBatch, { partners, lambdas }: MixupParams): LabelledBatch {
    return { x: mixRows(x, partners, lambdas), y: mixRows(y, partners, lambdas) };
  }
}

function mixRows(t: Tensor<'float32'>, partners: number[], weights: number[]): Tensor<'float32'> {
  const B = t.dims[0]!;
  const inner = B ? t.size / B : 0;
  const out = Tensor.zeros('float32', t.dims);
  for (let b = 0; b < B; b++) {
    const l = weights[b]!;
    const o = b * inner;
    const q = partners[b]! * inner;
    for (let i = 0; i < inner; i++) out.data[o + i] = l * t.data[o + i]! + (1 - l) * t.data[q + i]!;
  }
  return out;
}

/**
 * Options of {@link SpecMix}.
 * @example
 * ```ts
 * new SpecMix({ maxFreqFraction: 0.2, maxTimeFraction: 0.3, bands: 2, labelWeight: 'area' });
 * ```
 */
export interface SpecMixOptions extends TransformOptions {
  /** Largest replaced fraction of the frequency axis per band (default 0.25, the reference's `masking_max_percentage`). */
  maxFreqFraction?: number;
  /** Largest replaced fraction of the time axis per band (default 0.25). */
  maxTimeFraction?: number;
  /** Number of frequency bands and of time bands (default 1 each, as the reference). */
  bands?: number;
  /**
   * Label weight α of the partner: `reference` (default): α = h + w − h·w from the drawn fractions, exactly as the
   * Freesound reference; `area`: the exact fraction of replaced cells (needed when `bands` > 1).
   */
  labelWeight?: 'reference' | 'area';
}

/**
 * One example's SpecMix draw.
 * @example
 * ```ts
 * const ex = new SpecMix().apply({ x, y }, 1).report.params!.examples[0]!;
 * ex.alpha === ex.freqFraction + ex.timeFraction - ex.freqFraction * ex.timeFraction; // true
 * ```
 */
export interface SpecMixExample {
  readonly partner: number;
  /** Drawn fractions h% and w% (summed over bands). */
  readonly freqFraction: number;
  readonly timeFraction: number;
  /** Replaced rows `[start, end)` (frequency bands) and columns (time bands). */
  readonly freqBands: readonly [number, number][];
  readonly timeBands: readonly [number, number][];
  /** Weight of the partner's labels. */
  readonly alpha: number;
}

/**
 * SpecMix (the Freesound 2019 reference's `MyMixUpCallback`): each example takes one frequency band and then
 * one time band from a partner (a random permutation of the batch; possibly itself). Per example
 * h%, w% ~ U(0, 0.25); `int(h%·H)` rows starting at `int(U(0, H − rows))` and `int(w%·W)` columns starting
 * at `int(U(0, W − cols))` are copied from the partner; labels become (1 − α)·y + α·y_partner with
 * α = h% + w% − h%·w%. `x` is `[batch, mel, time]` or `[batch, ch, mel, time]`.
 * @example
 * ```ts
 * const { output, report } = new SpecMix().apply({ x: mels, y: labels }, 11);
 * report.params?.examples[0]; // { partner, freqBands, timeBands, alpha, … }
 * ```
 */
export class SpecMix extends BatchMixerBase<{ examples: SpecMixExample[] }> {
  readonly name = 'SpecMix';
  protected override readonly minRank = 3;
  readonly maxFreqFraction: number;
  readonly maxTimeFraction: number;
  readonly bands: number;
  readonly labelWeight: 'reference' | 'area';
  constructor(options: SpecMixOptions = {}) {
    super(options);
    this.maxFreqFraction = checkNumber(options.maxFreqFraction ?? 0.25, 'maxFreqFraction', 0, 1);
    this.maxTimeFraction = checkNumber(options.maxTimeFraction ?? 0.25, 'maxTimeFraction', 0, 1);
    this.bands = checkInteger(options.bands ?? 1, 'bands', 0, 100);
    this.labelWeight = options.labelWeight ?? 'reference';
    if (this.labelWeight !== 'reference' && this.labelWeight !== 'area') {
      throw new InvalidArgumentError(
        `SpecMix: labelWeight must be 'reference' or 'area', got ${String(this.labelWeight)}.`,
      );
    }
    if (this.bands > 1 && this.labelWeight === 'reference') {
      throw new InvalidArgumentError(
        `SpecMix: the reference label weight h + w − h·w is only defined for one band per axis; with bands = ${this.bands} use labelWeight: 'area'.`,
        { details: { key: 'labelWeight', actual: this.labelWeight } },
      );
    }
  }
  protected sample({ x }: LabelledBatch, rng: Rng): { examples: SpecMixExample[] } {
    const B = x.dims[0]!;
    const H = x.dims[x.rank - 2]!;
    const W = x.dims[x.rank - 1]!;
    const partners = rng.permutation(B);
    const examples: SpecMixExample[] = [];
    for (let b = 0; b < B; b++) {
      const freqBands: [number, number][] = [];
      const timeBands: [number, number][] = [];
      let hSum = 0;
      let wSum = 0;
      for (let k = 0; k < this.bands; k++) {
        const h = rng.uniform(0, this.maxFreqFraction);
        const rows = Math.trunc(h * H);
        const r0 = Math.trunc(rng.uniform(0, H - rows));
        freqBands.push([r0, r0 + rows]);
        hSum += h;
      }
      for (let k = 0; k < this.bands; k++) {
        const w = rng.uniform(0, this.maxTimeFraction);
        const cols = Math.trunc(w * W);
        const c0 = Math.trunc(rng.uniform(0, W - cols));
        timeBands.push([c0, c0 + cols]);
        wSum += w;
      }
      let alpha: number;
      if (this.labelWeight === 'reference') {
        alpha = hSum + wSum - hSum * wSum;
      } else {
        const rowIn = new Uint8Array(H);
        const colIn = new Uint8Array(W);
        for (const [s, e] of freqBands) rowIn.fill(1, s, e);
        for (const [s, e] of timeBands) colIn.fill(1, s, e);
        const r = rowIn.reduce((a, v) => a + v, 0);
        const c = colIn.reduce((a, v) => a + v, 0);
        alpha = H * W ? (r * W + c * H - r * c) / (H * W) : 0;
      }
      examples.push({
        partner: partners[b]!,
        freqFraction: hSum,
        timeFraction: wSum,
        freqBands,
        timeBands,
        alpha,
      });
    }
    return { examples };
  }
  protected process({ x, y }: LabelledBatch, { examples }: { examples: SpecMixExample[] }): LabelledBatch {
    const B = x.dims[0]!;
    const H = x.dims[x.rank - 2]!;
    const W = x.dims[x.rank - 1]!;
    const inner = B ? x.size / B : 0;
    const C = H * W ? inner / (H * W) : 0;
    const out = x.clone();
    const yOut = y.clone();
    const K = y.dims[1]!;
    examples.forEach((ex, b) => {
      const src = ex.partner * inner;
      const dst = b * inner;
      for (let c = 0; c < C; c++) {
        const plane = c * H * W;
        for (const [s, e] of ex.freqBands) {
          out.data.set(x.data.subarray(src + plane + s * W, src + plane + e * W), dst + plane + s * W);
        }
        for (const [s, e] of ex.timeBands) {
          for (let h = 0; h < H; h++) {
            const o = plane + h * W;
            out.data.set(x.data.subarray(src + o + s, src + o + e), dst + o + s);
          }
        }
      }
      for (let k = 0; k < K; k++) {
        yOut.data[b * K + k] = (1 - ex.alpha) * y.data[b * K + k]! + ex.alpha * y.data[ex.partner * K + k]!;
      }
    });
    return { x: out, y: yOut };
  }
}
