import { InvalidArgumentError } from './errors.js';

/**
 * How window probabilities become one clip- (file-) level probability per instrument — the one definition
 * training's validation (`@instr/train` `scoreFiles`, `loop.valAggregation`) and inference
 * (`@instr/infer` `classify({ aggregation })`) share:
 * - `max`: the maximum over windows, so a clip's decision is the union of its windows' decisions
 *   (the reference system's behaviour, and the default of both);
 * - `mean`: the average over windows;
 * - `attention`: windows weighted by their own confidence (softmax over windows of each class's
 *   logit with temperature 1) — a smooth compromise between max and mean.
 * @example
 * ```ts
 * const mode: WindowAggregation = 'attention';
 * ```
 */
export type WindowAggregation = 'max' | 'mean' | 'attention';

/**
 * Every {@link WindowAggregation}, in documentation order.
 * @example
 * ```ts
 * WINDOW_AGGREGATIONS.includes('mean'); // true
 * ```
 */
export const WINDOW_AGGREGATIONS: readonly WindowAggregation[] = Object.freeze(['max', 'mean', 'attention']);

/**
 * Checks an aggregation name (for options and configs) and returns it typed.
 * @throws InvalidArgumentError naming `key` (default `'aggregation'`) for anything but `max`, `mean` or `attention`.
 * @example
 * ```ts
 * checkWindowAggregation('max'); // 'max'
 * checkWindowAggregation('median', 'loop.valAggregation'); // throws InvalidArgumentError, details.key 'loop.valAggregation'
 * ```
 */
export function checkWindowAggregation(mode: unknown, key = 'aggregation'): WindowAggregation {
  if (!WINDOW_AGGREGATIONS.includes(mode as WindowAggregation)) {
    throw new InvalidArgumentError(`Unknown aggregation "${String(mode)}"; use max, mean or attention.`, {
      details: { key, expected: WINDOW_AGGREGATIONS, actual: mode },
    });
  }
  return mode as WindowAggregation;
}

/** Anything indexable that stores numbers (`Float32Array` rounds each result to float32, as inference reports). */
export type NumberSink = { [index: number]: number; readonly length: number };

/**
 * Aggregates the probabilities of one clip's windows — rows `[from, to)` of a row-major `[rows, classes]`
 * matrix — into `out[offset … offset + classes)`. The arithmetic runs in float64; storing into a
 * `Float32Array` rounds once at the end (what {@link aggregateWindows} returns), into a `Float64Array` not at all
 * (what training's `scoreFiles` keeps). This is the form to use when many clips' windows share one matrix.
 *
 * Definitions, per class `c` over the `n = to − from` windows: `max` = `max(0, p₁ … pₙ)`; `mean` = `Σ p / n`;
 * `attention` = `Σ wᵢ pᵢ / Σ wᵢ` with `wᵢ = exp(ℓᵢ − max ℓ)`, `ℓ = logit(clamp(p, 1e-7, 1 − 1e-7))`.
 *
 * @throws InvalidArgumentError for an unknown mode, `classes` not a positive integer, fewer than one window,
 * rows outside `probs`, or a destination range outside `out`.
 * @example
 * ```ts
 * const probs = new Float64Array([0.3, 0.3, 0.1, 0.9, 0.7, 0.2]); // 3 windows × 2 classes
 * const out = new Float64Array(2);
 * aggregateWindowRows(probs, 2, 1, 3, 'max', out, 0); // windows 1 and 2 → out = [0.7, 0.9]
 * ```
 */
export function aggregateWindowRows(
  probs: ArrayLike<number>,
  classes: number,
  from: number,
  to: number,
  mode: WindowAggregation,
  out: NumberSink,
  offset: number,
): void {
  checkWindowAggregation(mode);
  if (!Number.isInteger(classes) || classes < 1) {
    throw new InvalidArgumentError(`classes must be a positive integer, got ${classes}.`, {
      details: { key: 'classes', actual: classes },
    });
  }
  const windows = to - from;
  if (!(Number.isInteger(from) && Number.isInteger(to) && windows >= 1)) {
    throw new InvalidArgumentError(`Cannot aggregate ${windows} windows (rows ${from} to ${to}).`, {
      details: { key: 'windows', expected: '≥ 1', actual: windows },
    });
  }
  if (from < 0 || to * classes > probs.length) {
    throw new InvalidArgumentError(
      `Rows [${from}, ${to}) lie outside a probability matrix of ${probs.length / classes} rows × ${classes} classes.`,
      { details: { key: 'probs', expected: to * classes, actual: probs.length } },
    );
  }
  if (!(Number.isInteger(offset) && offset >= 0 && offset + classes <= out.length)) {
    throw new InvalidArgumentError(
      `out[${offset} … ${offset + classes}) lies outside an output of length ${out.length}.`,
      { details: { key: 'offset', expected: `0 … ${out.length - classes}`, actual: offset } },
    );
  }
  const logits = mode === 'attention' ? new Float64Array(windows) : undefined;
  for (let c = 0; c < classes; c++) {
    if (mode === 'max') {
      let m = 0;
      for (let w = from; w < to; w++) m = Math.max(m, probs[w * classes + c]!);
      out[offset + c] = m;
    } else if (mode === 'mean') {
      let s = 0;
      for (let w = from; w < to; w++) s += probs[w * classes + c]!;
      out[offset + c] = s / windows;
    } else {
      const l = logits!;
      let maxLogit = Number.NEGATIVE_INFINITY;
      for (let w = 0; w < windows; w++) {
        const p = Math.min(Math.max(probs[(from + w) * classes + c]!, 1e-7), 1 - 1e-7);
        l[w] = Math.log(p / (1 - p));
        maxLogit = Math.max(maxLogit, l[w]!);
      }
      let num = 0;
      let den = 0;
      for (let w = 0; w < windows; w++) {
        const weight = Math.exp(l[w]! - maxLogit);
        num += weight * probs[(from + w) * classes + c]!;
        den += weight;
      }
      out[offset + c] = num / den;
    }
  }
}

/**
 * Aggregates a whole row-major `[windows, classes]` probability matrix into one probability per class
 * (float32, as `@instr/infer`'s `classify` reports it). See {@link aggregateWindowRows} for the definitions and
 * the row-range form.
 * @throws InvalidArgumentError for an unknown mode or when `probs.length` is not a positive multiple of `classes`.
 * @example
 * ```ts
 * aggregateWindows(new Float32Array([0.1, 0.9, 0.7, 0.2]), 2, 'max'); // Float32Array [0.7, 0.9]
 * ```
 */
export function aggregateWindows(
  probs: ArrayLike<number>,
  classes: number,
  mode: WindowAggregation,
): Float32Array {
  const windows = probs.length / classes;
  if (!Number.isInteger(windows) || windows < 1) {
    throw new InvalidArgumentError(`Cannot aggregate ${probs.length} values over ${classes} classes.`, {
      details: { key: 'probs', expected: `a positive multiple of ${classes}`, actual: probs.length },
    });
  }
  const out = new Float32Array(classes);
  aggregateWindowRows(probs, classes, 0, windows, mode, out, 0);
  return out;
}
