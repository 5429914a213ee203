import { InvalidArgumentError } from '@instr/core';

/**
 * How a ratio with a zero denominator is reported, as scikit-learn's `zero_division`:
 * `'warn'` → 0 and a {@link MetricWarning}; `0`; `1`; `NaN` (NaN values are then left out of
 * macro/weighted/samples averages, as scikit-learn ≥ 1.3 does).
 * @example
 * ```ts
 * precisionScore(yTrue, yPred, { zeroDivision: 1 });
 * ```
 */
export type ZeroDivision = 'warn' | 0 | 1 | number;

/**
 * A note that a value was ill-defined (sklearn's `UndefinedMetricWarning`): which metric, why, and at
 * which class or example indices.
 *
 * @example
 * ```ts
 * const warnings: MetricWarning[] = [];
 * f1Score([[0, 0]], [[0, 0]], { zeroDivision: 'warn', onWarning: (w) => warnings.push(w) });
 * warnings[0].metric; // 'f-score'
 * ```
 */
export interface MetricWarning {
  /** The metric concerned: 'precision', 'recall', 'f-score', 'roc-auc', 'average-precision', … */
  readonly metric: string;
  /** Human-readable explanation. */
  readonly message: string;
  /** Whether `indices` are classes or examples. */
  readonly axis: 'class' | 'example' | 'all';
  /** The classes or examples affected. */
  readonly indices: readonly number[];
}

/**
 * A sink for {@link MetricWarning}s.
 * @example
 * ```ts
 * const onWarning: WarningHandler = (w) => console.warn(w.metric, w.indices);
 * ```
 */
export type WarningHandler = (warning: MetricWarning) => void;

/** Resolves and checks a `zeroDivision` option; returns the value used for 0/0. */
export function zeroDivisionValue(zd: ZeroDivision | undefined): number {
  if (zd === undefined || zd === 'warn') return 0;
  if (zd === 0 || zd === 1 || Number.isNaN(zd)) return zd;
  throw new InvalidArgumentError(`zeroDivision must be 'warn', 0, 1 or NaN; got ${String(zd)}.`, {
    details: { key: 'zeroDivision', expected: ['warn', 0, 1, Number.NaN], actual: zd },
  });
}
