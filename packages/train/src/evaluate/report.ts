import { type InstrumentSet, InvalidArgumentError, type Tensor } from '@instr/core';
import {
  type ChartSpec,
  type Evaluation,
  evaluate,
  findBestThreshold,
  findBestThresholdsPerClass,
  type ThresholdMetric,
  trainingCurvesChart,
} from '@instr/metrics';
import { writeReport } from '@instr/metrics/node';
import type { EpochRecord } from '../loop/train.js';

/** Options of {@link tuneThresholds}. */
export interface TuneThresholdsOptions {
  /** `'global'` (one threshold, the reference's search) or `'per-class'` (default). */
  mode?: 'global' | 'per-class';
  /** Objective. Default `'f1'` (macro F1 globally; each class's F1 per class). */
  metric?: ThresholdMetric;
  /** Clip per-class thresholds to this range (very rare classes can end at extreme values). Default [0.05, 0.95]. */
  clip?: readonly [number, number];
  /**
   * Classes with fewer validation positives (or negatives) than this keep the global threshold: a per-class
   * search on a handful of positives is noise (and with none it picks the lowest threshold). Default 5.
   */
  minSupport?: number;
}

/** Result of {@link tuneThresholds}. */
export interface TunedThresholds {
  /** One threshold per class (equal values for `'global'`). */
  thresholds: number[];
  /** The global threshold (always computed, for reference). */
  global: number;
  /** Objective at the global threshold. */
  globalScore: number;
  mode: 'global' | 'per-class';
}

/**
 * Decision thresholds tuned on validation probabilities with `@instr/metrics`' coarse-to-fine search
 * (the reference's search with its bugs fixed).
 * @example
 * ```ts
 * const { thresholds } = tuneThresholds(val.labels, val.probabilities, { mode: 'per-class' });
 * ```
 */
export function tuneThresholds(
  labels: Tensor,
  probabilities: Tensor,
  options: TuneThresholdsOptions = {},
): TunedThresholds {
  const mode = options.mode ?? 'per-class';
  if (mode !== 'global' && mode !== 'per-class') {
    throw new InvalidArgumentError(`threshold mode must be "global" or "per-class", got ${mode}.`, {
      details: { key: 'mode', actual: mode },
    });
  }
  const g = findBestThreshold(labels, probabilities, { metric: options.metric });
  const k = labels.dims[1]!;
  let thresholds = new Array<number>(k).fill(g.threshold);
  if (mode === 'per-class') {
    const [lo, hi] = options.clip ?? [0.05, 0.95];
    const min = options.minSupport ?? 5;
    const n = labels.dims[0]!;
    const per = findBestThresholdsPerClass(labels, probabilities, { metric: options.metric }).thresholds;
    thresholds = Array.from(per, (t, c) => {
      let pos = 0;
      for (let i = 0; i < n; i++) pos += Number(labels.data[i * k + c]) > 0.5 ? 1 : 0;
      if (pos < min || n - pos < min) return g.threshold;
      return Math.min(hi, Math.max(lo, t));
    });
  }
  return {
    thresholds: thresholds.map((t) => Math.min(1, Math.max(0, t))),
    global: g.threshold,
    globalScore: g.score,
    mode,
  };
}

/** Options of {@link writeEvaluationReport}. */
export interface EvaluationReportOptions {
  instruments: InstrumentSet;
  thresholds?: number | readonly number[];
  /** Training history (from `train()`); adds training curves (loss, overall metrics; per-instrument keys dropped). */
  history?: readonly EpochRecord[];
  title?: string;
  subtitle?: string;
  trainingLabels?: Tensor;
  extraCharts?: { id: string; caption: string; spec: ChartSpec }[];
}

/**
 * Evaluates probabilities and writes the `@instr/metrics` HTML report (summary, per-instrument table, ROC/PR,
 * confusion, calibration, label statistics) with the training curves. Returns the evaluation.
 * @example
 * ```ts
 * const ev = await writeEvaluationReport('runs/a/report.html', test.labels, test.probabilities, { instruments, thresholds, history });
 * ```
 */
export async function writeEvaluationReport(
  path: string,
  labels: Tensor,
  probabilities: Tensor,
  options: EvaluationReportOptions,
): Promise<Evaluation> {
  const ev = evaluate(labels, probabilities, {
    instruments: options.instruments,
    thresholds:
      typeof options.thresholds === 'number' || options.thresholds === undefined
        ? (options.thresholds ?? 0.5)
        : [...options.thresholds],
    zeroDivision: 0,
  });
  const history = options.history?.map((r) => {
    const keep: Record<string, number> = { epoch: r.epoch };
    for (const [k, v] of Object.entries(r)) {
      if (/^(train|val)\/(loss|f1|map|lwlrap)$/.test(k)) keep[k] = v;
    }
    return keep as { epoch: number } & Record<string, number>;
  });
  await writeReport(path, ev, {
    title: options.title ?? 'Evaluation report',
    subtitle: options.subtitle,
    history: history?.length ? history : undefined,
    trainingLabels: options.trainingLabels,
    extraCharts: options.extraCharts,
  });
  return ev;
}

/**
 * The training-curves chart of a history (loss and overall validation metrics).
 * @example
 * ```ts
 * const svg = await renderSvg(historyChart(result.history));
 * ```
 */
export function historyChart(history: readonly EpochRecord[]): ChartSpec {
  return trainingCurvesChart(
    history.map((r) => ({
      epoch: r.epoch,
      'train/loss': r['train/loss'],
      ...(r['val/loss'] !== undefined ? { 'val/loss': r['val/loss'], 'val/f1': r['val/f1']! } : {}),
    })),
  );
}
