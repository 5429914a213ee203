import { InvalidArgumentError, type Rng } from '@instr/core';
import {
  type AnyParams,
  type Applied,
  type AugmentContext,
  type Report,
  Transform,
  type TransformKind,
  type TransformOptions,
} from './transform.js';
import { checkInteger, checkNumber } from './util.js';

/**
 * Parameters a composite reports (its children's reports are in `report.children`).
 * @example
 * ```ts
 * aug.apply(audio, 1).report.params?.order; // e.g. [0, 2]
 * ```
 */
export interface ComposeParams {
  /** Indices (into the composite's list) of the transforms that were run, in order. */
  readonly order: readonly number[];
}

abstract class Composite<X> extends Transform<X, ComposeParams> {
  readonly kind: TransformKind;
  readonly transforms: readonly Transform<X, AnyParams>[];

  constructor(
    transforms: readonly Transform<X, AnyParams>[],
    options: TransformOptions,
    who: string,
    allowEmpty: boolean,
  ) {
    super(options);
    if (!Array.isArray(transforms)) throw new InvalidArgumentError(`${who} needs an array of transforms.`);
    if (!allowEmpty && transforms.length === 0) {
      throw new InvalidArgumentError(`${who} needs at least one transform.`, {
        details: { key: 'transforms', actual: 0 },
      });
    }
    const kinds = new Set(transforms.map((t) => t.kind));
    if (transforms.some((t) => !(t instanceof Transform))) {
      throw new InvalidArgumentError(`${who}: every item must be a Transform.`);
    }
    if (kinds.size > 1) {
      throw new InvalidArgumentError(
        `${who} mixes transform kinds (${[...kinds].join(', ')}); compose one kind at a time.`,
        {
          details: { key: 'transforms', actual: [...kinds] },
        },
      );
    }
    this.kind = transforms[0]?.kind ?? 'waveform';
    this.transforms = [...transforms];
  }

  /** Picks the indices to run, in order. */
  protected abstract pick(rng: Rng): number[];

  override run(x: X, ctx: AugmentContext): Applied<X, ComposeParams> {
    if (this.p < 1 && !(ctx.rng.uniform() < this.p)) {
      return { output: x, report: { name: this.name, applied: false } };
    }
    const order = this.pick(ctx.rng);
    const children: Report[] = [];
    let y = x;
    for (const i of order) {
      const res = this.transforms[i]!.run(y, ctx);
      y = res.output;
      children.push(res.report);
    }
    return { output: y, report: { name: this.name, applied: true, params: { order }, children } };
  }

  protected sample(): ComposeParams {
    return { order: [] };
  }

  protected process(x: X): X {
    return x;
  }
}

/**
 * Options of {@link Compose}.
 * @example
 * ```ts
 * const aug = new Compose([new Gain(), new TimeShift()], { shuffle: true, p: 0.8 });
 * ```
 */
export interface ComposeOptions extends TransformOptions {
  /** Run the transforms in a random order (default false: the given order). */
  shuffle?: boolean;
}

/**
 * Runs transforms one after the other (each with its own probability).
 * @example
 * ```ts
 * const aug = new Compose([new Gain(), new TimeShift(), new PitchShift({ p: 0.5 })]);
 * const { output, report } = aug.apply(audio, 7);
 * report.children?.map((r) => [r.name, r.applied, r.params]);
 * ```
 */
export class Compose<X> extends Composite<X> {
  readonly name = 'Compose';
  readonly shuffle: boolean;
  constructor(transforms: readonly Transform<X, AnyParams>[], options: ComposeOptions = {}) {
    super(transforms, options, 'Compose', true);
    this.shuffle = options.shuffle ?? false;
  }
  protected pick(rng: Rng): number[] {
    const order = this.transforms.map((_, i) => i);
    return this.shuffle ? rng.shuffle(order) : order;
  }
}

/**
 * Options of {@link OneOf}.
 * @example
 * ```ts
 * new OneOf([new Gain(), new PolarityInversion()], { weights: [2, 1] });
 * ```
 */
export interface OneOfOptions extends TransformOptions {
  /** Relative weights of the transforms (default: equal). */
  weights?: readonly number[];
}

/**
 * Runs exactly one of the transforms, chosen at random (optionally weighted).
 * @example
 * ```ts
 * const noise = new OneOf([new ColoredNoise(), new BackgroundNoise({ clips })], { weights: [1, 3] });
 * ```
 */
export class OneOf<X> extends Composite<X> {
  readonly name = 'OneOf';
  readonly weights: readonly number[] | undefined;
  constructor(transforms: readonly Transform<X, AnyParams>[], options: OneOfOptions = {}) {
    super(transforms, options, 'OneOf', false);
    this.weights = checkWeights(options.weights, transforms.length, 'OneOf');
  }
  protected pick(rng: Rng): number[] {
    return rng.choice(this.transforms.length, 1, this.weights ? { weights: this.weights } : {});
  }
}

/**
 * Options of {@link SomeOf}.
 * @example
 * ```ts
 * new SomeOf([new Gain(), new TimeShift(), new TimeMask()], { n: [1, 2] });
 * ```
 */
export interface SomeOfOptions extends TransformOptions {
  /** How many transforms to run: a count, or an inclusive `[min, max]` range drawn uniformly. */
  n: number | readonly [number, number];
  /** Relative weights of the transforms (default: equal). */
  weights?: readonly number[];
  /** Draw with replacement (a transform may run twice; default false). */
  replace?: boolean;
}

/**
 * Runs `n` distinct transforms chosen at random; they run in their list order (as audiomentations' `SomeOf`).
 * @example
 * ```ts
 * const aug = new SomeOf([new Gain(), new LowPassFilter(), new PitchShift()], { n: [1, 2] });
 * ```
 */
export class SomeOf<X> extends Composite<X> {
  readonly name = 'SomeOf';
  readonly n: readonly [number, number];
  readonly weights: readonly number[] | undefined;
  readonly replace: boolean;
  constructor(transforms: readonly Transform<X, AnyParams>[], options: SomeOfOptions) {
    super(transforms, options, 'SomeOf', false);
    const raw = options?.n;
    const [lo, hi] =
      typeof raw === 'number' ? [raw, raw] : Array.isArray(raw) ? raw : [Number.NaN, Number.NaN];
    this.replace = options.replace ?? false;
    const max = this.replace ? Number.MAX_SAFE_INTEGER : transforms.length;
    checkInteger(lo!, 'n', 0, max);
    checkInteger(hi!, 'n', lo!, max);
    this.n = [lo!, hi!];
    this.weights = checkWeights(options.weights, transforms.length, 'SomeOf');
    if (this.weights && !this.replace && this.weights.filter((w) => w > 0).length < hi!) {
      throw new InvalidArgumentError(
        `SomeOf: only ${this.weights.filter((w) => w > 0).length} transforms have a positive weight; n is up to ${hi}.`,
      );
    }
  }
  protected pick(rng: Rng): number[] {
    const k = rng.int(this.n[0], this.n[1]);
    const picked = rng.choice(this.transforms.length, k, {
      replace: this.replace,
      ...(this.weights ? { weights: this.weights } : {}),
    });
    return picked.sort((a, b) => a - b);
  }
}

function checkWeights(
  weights: readonly number[] | undefined,
  n: number,
  who: string,
): readonly number[] | undefined {
  if (weights === undefined) return undefined;
  if (!Array.isArray(weights) || weights.length !== n) {
    throw new InvalidArgumentError(`${who}: ${weights?.length} weights for ${n} transforms.`, {
      details: { key: 'weights', expected: n, actual: weights?.length },
    });
  }
  weights.forEach((w, i) => {
    checkNumber(w, `weights[${i}]`, 0);
  });
  if (!weights.some((w) => w > 0))
    throw new InvalidArgumentError(`${who}: at least one weight must be positive.`);
  return [...weights];
}
