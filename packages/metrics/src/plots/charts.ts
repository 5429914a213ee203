import { type InstrumentSet, InvalidArgumentError } from '@instr/core';
import type { DatasetStats, Evaluation } from '../evaluate.js';

/**
 * A Vega-Lite specification (a plain JSON object). Render it with {@link renderSvg}, to PNG with
 * `svgToPng` from `@instr/metrics/node`, or embed it with vega-embed in a page.
 * @example
 * ```ts
 * const spec: ChartSpec = rocCurvesChart(evaluation); // JSON.stringify(spec) works with vega-embed
 * ```
 */
export type ChartSpec = Record<string, unknown>;

/**
 * Common options of the chart builders.
 * @example
 * ```ts
 * perClassMetricsChart(evaluation, { title: 'Validation', width: 900, height: 300 });
 * ```
 */
export interface ChartOptions {
  /** Chart title (each builder has a sensible default). */
  title?: string;
  /** Plot-area width in pixels (default depends on the chart). */
  width?: number;
  /** Plot-area height in pixels (default depends on the chart). */
  height?: number;
}

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif';

/**
 * Shared look: white background, readable fonts, no chart border.
 * @example
 * ```ts
 * const spec = { ...myVegaLiteSpec, config: CHART_CONFIG };
 * ```
 */
export const CHART_CONFIG = {
  background: 'white',
  font: FONT,
  view: { stroke: null },
  axis: {
    labelFontSize: 11,
    titleFontSize: 12,
    gridColor: '#e5e7eb',
    domainColor: '#9ca3af',
    tickColor: '#9ca3af',
  },
  legend: { labelFontSize: 11, titleFontSize: 12, labelLimit: 260 },
  title: { fontSize: 14, anchor: 'start', offset: 10, color: '#111827' },
  header: { labelFontSize: 11, titleFontSize: 12 },
} as const;

function base(title: string, extra: Record<string, unknown>): ChartSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    config: CHART_CONFIG,
    ...extra,
  };
}

const METRIC_LABELS: Record<string, string> = {
  precision: 'Precision',
  recall: 'Recall',
  f1: 'F1',
  ap: 'AP',
  auc: 'ROC AUC',
  lwlrap: 'lwlrap',
  accuracy: 'Accuracy',
};

/**
 * Grouped bars of per-instrument metrics (the reference's `--save-instrument-metrics` chart).
 * @example
 * ```ts
 * const svg = await renderSvg(perClassMetricsChart(evaluation, { metrics: ['precision', 'recall', 'f1'] }));
 * ```
 */
export function perClassMetricsChart(
  ev: Evaluation,
  options: ChartOptions & {
    metrics?: ReadonlyArray<'precision' | 'recall' | 'f1' | 'ap' | 'auc' | 'lwlrap' | 'accuracy'>;
  } = {},
): ChartSpec {
  const metrics = options.metrics ?? ['precision', 'recall', 'f1', 'ap', 'auc'];
  const values: Record<string, unknown>[] = [];
  for (const [code, r] of Object.entries(ev.perClass)) {
    for (const m of metrics) {
      const v = r[m];
      values.push({
        instrument: r.name,
        code,
        metric: METRIC_LABELS[m] ?? m,
        value: Number.isFinite(v) ? v : null,
      });
    }
  }
  const order = Object.values(ev.perClass).map((r) => r.name);
  return base(options.title ?? 'Per-instrument metrics', {
    width: options.width ?? Math.max(420, 70 * ev.numClasses),
    height: options.height ?? 260,
    data: { values },
    mark: { type: 'bar', tooltip: true },
    encoding: {
      x: { field: 'instrument', type: 'nominal', sort: order, title: null, axis: { labelAngle: -30 } },
      xOffset: { field: 'metric', type: 'nominal', sort: metrics.map((m) => METRIC_LABELS[m] ?? m) },
      y: { field: 'value', type: 'quantitative', scale: { domain: [0, 1] }, title: 'Score' },
      color: {
        field: 'metric',
        type: 'nominal',
        sort: metrics.map((m) => METRIC_LABELS[m] ?? m),
        title: 'Metric',
        scale: { scheme: 'tableau10' },
      },
    },
  });
}

/** Keeps at most `max` points of a curve (always the first and last), for compact SVG. */
function decimate<T>(points: T[], max: number): T[] {
  if (points.length <= max) return points;
  const out: T[] = [];
  const step = (points.length - 1) / (max - 1);
  for (let i = 0; i < max; i++) out.push(points[Math.round(i * step)]!);
  return out;
}

/**
 * ROC curves of every instrument in one chart, with AUC in the legend and the chance diagonal
 * (the reference's `--save-roc` figure).
 * @example
 * ```ts
 * const spec = rocCurvesChart(evaluation);
 * ```
 */
export function rocCurvesChart(
  ev: Evaluation,
  options: ChartOptions & { maxPoints?: number } = {},
): ChartSpec {
  const values: Record<string, unknown>[] = [];
  const labels: string[] = [];
  for (const [code, curve] of Object.entries(ev.curves.roc)) {
    const r = ev.perClass[code]!;
    const label = `${r.name} (${Number.isFinite(r.auc) ? r.auc.toFixed(2) : 'n/a'})`;
    labels.push(label);
    if (!Number.isFinite(r.auc)) continue;
    const pts = Array.from(curve.fpr, (x, i) => ({ fpr: x, tpr: curve.tpr[i]!, instrument: label, i }));
    for (const p of decimate(pts, options.maxPoints ?? 300)) values.push(p);
  }
  return base(options.title ?? 'ROC curves (AUC)', {
    width: options.width ?? 380,
    height: options.height ?? 380,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#9ca3af' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', strokeWidth: 1.6 },
        encoding: {
          x: { field: 'fpr', type: 'quantitative', title: 'False positive rate', scale: { domain: [0, 1] } },
          y: { field: 'tpr', type: 'quantitative', title: 'True positive rate', scale: { domain: [0, 1] } },
          color: {
            field: 'instrument',
            type: 'nominal',
            sort: labels,
            title: 'Instrument (AUC)',
            scale: { scheme: 'category20' },
          },
          order: { field: 'i', type: 'quantitative' },
        },
      },
    ],
  });
}

/**
 * Precision-recall curves of every instrument (step-wise, as average precision integrates them), AP in
 * the legend.
 * @example
 * ```ts
 * const spec = prCurvesChart(evaluation);
 * ```
 */
export function prCurvesChart(
  ev: Evaluation,
  options: ChartOptions & { maxPoints?: number } = {},
): ChartSpec {
  const values: Record<string, unknown>[] = [];
  const labels: string[] = [];
  for (const [code, curve] of Object.entries(ev.curves.pr)) {
    const r = ev.perClass[code]!;
    const label = `${r.name} (${r.ap.toFixed(2)})`;
    labels.push(label);
    if (r.support === 0) continue;
    const pts = Array.from(curve.recall, (x, i) => ({
      recall: x,
      precision: curve.precision[i]!,
      instrument: label,
      i: -i,
    }));
    for (const p of decimate(pts, options.maxPoints ?? 300)) values.push(p);
  }
  return base(options.title ?? 'Precision-recall curves (AP)', {
    width: options.width ?? 380,
    height: options.height ?? 380,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.6, interpolate: 'step-before' },
    encoding: {
      x: { field: 'recall', type: 'quantitative', title: 'Recall', scale: { domain: [0, 1] } },
      y: { field: 'precision', type: 'quantitative', title: 'Precision', scale: { domain: [0, 1] } },
      color: {
        field: 'instrument',
        type: 'nominal',
        sort: labels,
        title: 'Instrument (AP)',
        scale: { scheme: 'category20' },
      },
      order: { field: 'i', type: 'quantitative' },
    },
  });
}

/**
 * Histogram of a per-example metric over 10 equal bins in [0, 1] (the reference's `--save-metric-hist`).
 * @example
 * ```ts
 * const spec = perExampleHistogramChart(evaluation, { metric: 'fScore' });
 * ```
 */
export function perExampleHistogramChart(
  ev: Evaluation,
  options: ChartOptions & {
    metric?: 'fScore' | 'precision' | 'recall' | 'hammingScore' | 'jaccard';
    bins?: number;
  } = {},
): ChartSpec {
  const metric = options.metric ?? 'fScore';
  const nb = options.bins ?? 10;
  const counts = new Array<number>(nb).fill(0);
  let undefinedCount = 0;
  for (const v of ev.perExample[metric]) {
    if (Number.isNaN(v)) {
      undefinedCount++;
      continue;
    }
    counts[Math.min(nb - 1, Math.max(0, Math.floor(v * nb)))]!++;
  }
  const label =
    metric === 'fScore'
      ? 'F1'
      : metric === 'hammingScore'
        ? 'Hamming score'
        : metric[0]!.toUpperCase() + metric.slice(1);
  const values = counts.map((c, b) => ({ lo: b / nb, hi: (b + 1) / nb, count: c }));
  return base(
    options.title ?? `${label} per example${undefinedCount ? ` (${undefinedCount} undefined)` : ''}`,
    {
      width: options.width ?? 380,
      height: options.height ?? 240,
      data: { values },
      mark: { type: 'bar', color: '#4f7cac', stroke: 'white', strokeWidth: 1, tooltip: true },
      encoding: {
        x: {
          field: 'lo',
          type: 'quantitative',
          bin: { binned: true, step: 1 / nb },
          title: label,
          scale: { domain: [0, 1] },
        },
        x2: { field: 'hi' },
        y: { field: 'count', type: 'quantitative', title: 'Examples' },
      },
    },
  );
}

function heatmap(
  title: string,
  rows: string[],
  cols: string[],
  value: (r: number, c: number) => number,
  text: (r: number, c: number) => string,
  opts: {
    rowTitle: string;
    colTitle: string;
    legend: string;
    scheme?: string;
    domain?: [number, number];
    size?: number;
  },
): ChartSpec {
  const values: Record<string, unknown>[] = [];
  for (let r = 0; r < rows.length; r++) {
    for (let c = 0; c < cols.length; c++) {
      const v = value(r, c);
      values.push({ row: rows[r], col: cols[c], value: Number.isFinite(v) ? v : null, label: text(r, c) });
    }
  }
  const cell = opts.size ?? 34;
  const finite = values.map((v) => v.value as number | null).filter((v): v is number => v !== null);
  const max = finite.length ? Math.max(...finite) : 1;
  return base(title, {
    width: cell * cols.length,
    height: cell * rows.length,
    data: { values },
    encoding: {
      x: {
        field: 'col',
        type: 'nominal',
        sort: cols,
        title: opts.colTitle,
        axis: { labelAngle: -40, orient: 'bottom' },
      },
      y: { field: 'row', type: 'nominal', sort: rows, title: opts.rowTitle },
    },
    layer: [
      {
        mark: { type: 'rect', tooltip: true },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: opts.legend,
            scale: { scheme: opts.scheme ?? 'blues', domain: opts.domain ?? [0, max || 1] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: 9 },
        encoding: {
          text: { field: 'label' },
          color: {
            condition: { test: `datum.value > ${0.6 * (opts.domain?.[1] ?? (max || 1))}`, value: 'white' },
            value: '#111827',
          },
        },
      },
    ],
  });
}

function codesOf(ev: { instruments: InstrumentSet }): string[] {
  return ev.instruments.codes;
}

/**
 * Instrument-pair confusion heatmap: row = true instrument, column = instrument predicted although
 * absent; cell = fraction of the row instrument's examples (diagonal: miss rate). See {@link pairConfusion}.
 * @example
 * ```ts
 * const spec = pairConfusionChart(evaluation);
 * ```
 */
export function pairConfusionChart(ev: Evaluation, options: ChartOptions = {}): ChartSpec {
  const codes = codesOf(ev);
  const { rates, confusions } = ev.confusion.pairs;
  return heatmap(
    options.title ?? 'Pair confusion: P(column falsely predicted | row true); diagonal = miss rate',
    codes,
    codes,
    (r, c) => rates[r]![c]!,
    (r, c) => (Number.isFinite(rates[r]![c]!) && confusions[r]![c]! > 0 ? rates[r]![c]!.toFixed(2) : ''),
    {
      rowTitle: 'True instrument',
      colTitle: 'Predicted instrument (absent)',
      legend: 'Rate',
      scheme: 'orangered',
      domain: [0, 1],
    },
  );
}

/**
 * Per-instrument 2x2 confusion matrices (scikit-learn's `multilabel_confusion_matrix`) as small
 * multiples, with counts in each cell.
 * @example
 * ```ts
 * const spec = classConfusionChart(evaluation);
 * ```
 */
export function classConfusionChart(
  ev: Evaluation,
  options: ChartOptions & { columns?: number } = {},
): ChartSpec {
  const values: Record<string, unknown>[] = [];
  const names: string[] = [];
  ev.instruments.instruments.forEach((inst, c) => {
    names.push(inst.name);
    const m = ev.confusion.perClass[c]!;
    const total = m[0]![0]! + m[0]![1]! + m[1]![0]! + m[1]![1]!;
    const names2 = [
      ['TN', 'FP'],
      ['FN', 'TP'],
    ];
    for (const [ti, tl] of [
      [0, 'absent'],
      [1, 'present'],
    ] as const) {
      for (const [pi, pl] of [
        [0, 'no'],
        [1, 'yes'],
      ] as const) {
        const count = m[ti]![pi]!;
        values.push({
          instrument: inst.name,
          truth: tl,
          predicted: pl,
          count,
          share: total ? count / total : 0,
          label: `${names2[ti]![pi]} ${count}`,
        });
      }
    }
  });
  return base(options.title ?? 'Per-instrument confusion (columns: predicted no / yes)', {
    data: { values },
    facet: { field: 'instrument', type: 'nominal', sort: names, title: null },
    columns: options.columns ?? 4,
    spec: {
      width: 110,
      height: 70,
      encoding: {
        // No x axis: facet grids draw bottom axes under empty cells; the cell text says TN/FP/FN/TP.
        x: { field: 'predicted', type: 'nominal', sort: ['no', 'yes'], axis: null },
        y: { field: 'truth', type: 'nominal', sort: ['absent', 'present'], title: 'truth' },
      },
      layer: [
        {
          mark: 'rect',
          encoding: {
            color: {
              field: 'share',
              type: 'quantitative',
              scale: { scheme: 'blues', domain: [0, 1] },
              title: 'Share',
            },
          },
        },
        {
          mark: { type: 'text', fontSize: 10 },
          encoding: {
            text: { field: 'label', type: 'nominal' },
            color: { condition: { test: 'datum.share > 0.6', value: 'white' }, value: '#111827' },
          },
        },
      ],
    },
  });
}

/**
 * Reliability diagram: fraction of positives against mean predicted probability per equal-width bin
 * (point size = number of scores), with the diagonal of perfect calibration and the ECE in the title.
 * @throws {@link InvalidArgumentError} when the evaluation has no calibration (scores outside [0, 1]).
 * @example
 * ```ts
 * const spec = reliabilityChart(evaluation);
 * ```
 */
export function reliabilityChart(ev: Evaluation, options: ChartOptions = {}): ChartSpec {
  if (!ev.calibration) {
    throw new InvalidArgumentError(
      'This evaluation has no calibration bins: its scores are not probabilities in [0, 1].',
    );
  }
  const values = ev.calibration.bins
    .filter((b) => b.count > 0)
    .map((b) => ({
      predicted: b.meanPredicted,
      observed: b.fractionPositive,
      count: b.count,
      lo: b.lower,
      hi: b.upper,
    }));
  return base(options.title ?? `Reliability (ECE ${ev.calibration.ece.toFixed(3)})`, {
    width: options.width ?? 340,
    height: options.height ?? 340,
    layer: [
      {
        data: {
          values: [
            { x: 0, y: 0 },
            { x: 1, y: 1 },
          ],
        },
        mark: { type: 'line', strokeDash: [4, 4], color: '#9ca3af' },
        encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
      },
      {
        data: { values },
        mark: { type: 'line', color: '#c2410c', point: false },
        encoding: {
          x: {
            field: 'predicted',
            type: 'quantitative',
            title: 'Mean predicted probability',
            scale: { domain: [0, 1] },
          },
          y: {
            field: 'observed',
            type: 'quantitative',
            title: 'Fraction of positives',
            scale: { domain: [0, 1] },
          },
        },
      },
      {
        data: { values },
        mark: { type: 'circle', color: '#c2410c', opacity: 0.8, tooltip: true },
        encoding: {
          x: { field: 'predicted', type: 'quantitative' },
          y: { field: 'observed', type: 'quantitative' },
          size: {
            field: 'count',
            type: 'quantitative',
            title: 'Scores',
            scale: { type: 'sqrt', range: [20, 400] },
          },
        },
      },
    ],
  });
}

/**
 * One epoch of training history: `epoch` plus any numeric series (e.g. `trainLoss`, `valLoss`, `valF1`).
 * @example
 * ```ts
 * const history: EpochRecord[] = [{ epoch: 1, trainLoss: 0.61, valLoss: 0.66, valF1: 0.38 }];
 * ```
 */
export type EpochRecord = { epoch: number } & Record<string, number>;

/**
 * Training curves from epoch records: series whose name contains "loss" go to the top panel, every other
 * series (metrics) to the bottom panel, each with its own y scale.
 * @example
 * ```ts
 * trainingCurvesChart([{ epoch: 1, trainLoss: 0.6, valLoss: 0.7, valF1: 0.3 }, { epoch: 2, trainLoss: 0.4, valLoss: 0.5, valF1: 0.45 }]);
 * ```
 */
export function trainingCurvesChart(history: readonly EpochRecord[], options: ChartOptions = {}): ChartSpec {
  if (history.length === 0)
    throw new InvalidArgumentError('trainingCurvesChart needs at least one epoch record.');
  const values: Record<string, unknown>[] = [];
  for (const rec of history) {
    if (!Number.isFinite(rec.epoch)) {
      throw new InvalidArgumentError(
        `Every epoch record needs a numeric "epoch"; got ${JSON.stringify(rec)}.`,
        { details: { key: 'epoch' } },
      );
    }
    for (const [key, v] of Object.entries(rec)) {
      if (key === 'epoch' || typeof v !== 'number' || !Number.isFinite(v)) continue;
      values.push({ epoch: rec.epoch, series: key, value: v, panel: /loss/i.test(key) ? 'Loss' : 'Metrics' });
    }
  }
  const panel = (name: string) => ({
    transform: [{ filter: `datum.panel === '${name}'` }],
    width: options.width ?? 460,
    height: options.height ?? 180,
    title: name,
    mark: { type: 'line', point: true, strokeWidth: 1.8 },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { tickMinStep: 1 } },
      y: { field: 'value', type: 'quantitative', title: name, scale: { zero: false } },
      color: { field: 'series', type: 'nominal', title: 'Series', scale: { scheme: 'tableau10' } },
    },
  });
  const panels = ['Loss', 'Metrics'].filter((p) => values.some((v) => v.panel === p));
  return base(options.title ?? 'Training curves', {
    data: { values },
    vconcat: panels.map(panel),
    resolve: { scale: { color: 'independent' } },
  });
}

/**
 * Label distribution of a dataset: positives per instrument, and how many examples have 0, 1, 2, …
 * labels (the reference's dataset distribution plots).
 * @example
 * ```ts
 * labelDistributionChart(datasetStats(yTrue), InstrumentSet.irmas());
 * ```
 */
export function labelDistributionChart(
  stats: DatasetStats,
  instruments: InstrumentSet,
  options: ChartOptions = {},
): ChartSpec {
  checkStats(stats, instruments);
  const per = instruments.instruments.map((inst, c) => ({
    instrument: inst.name,
    family: inst.family,
    count: stats.positives[c]!,
  }));
  const last = stats.labelsPerExample.reduce((acc, v, i) => (v > 0 ? i : acc), 0);
  const perEx = stats.labelsPerExample.slice(0, last + 1).map((count, m) => ({ labels: String(m), count }));
  return base(options.title ?? 'Label distribution', {
    hconcat: [
      {
        width: options.width ?? Math.max(300, 34 * instruments.size),
        height: options.height ?? 220,
        title: 'Examples per instrument',
        data: { values: per },
        mark: { type: 'bar', tooltip: true },
        encoding: {
          x: {
            field: 'instrument',
            type: 'nominal',
            sort: per.map((p) => p.instrument),
            title: null,
            axis: { labelAngle: -35 },
          },
          y: { field: 'count', type: 'quantitative', title: 'Examples' },
          color: { field: 'family', type: 'nominal', title: 'Family', scale: { scheme: 'set2' } },
        },
      },
      {
        width: 160,
        height: options.height ?? 220,
        title: 'Labels per example',
        data: { values: perEx },
        mark: { type: 'bar', color: '#6b7280', tooltip: true },
        encoding: {
          x: {
            field: 'labels',
            type: 'ordinal',
            title: 'Instruments in the example',
            axis: { labelAngle: 0 },
          },
          y: { field: 'count', type: 'quantitative', title: 'Examples' },
        },
      },
    ],
    resolve: { scale: { color: 'independent' } },
  });
}

/**
 * Label co-occurrence heatmap: cell (a, b) = examples where both instruments play (diagonal = all
 * examples of a); `normalize: true` shows the fraction of a's examples that also contain b.
 * @example
 * ```ts
 * cooccurrenceChart(datasetStats(yTrue), InstrumentSet.irmas(), { normalize: true });
 * ```
 */
export function cooccurrenceChart(
  stats: DatasetStats,
  instruments: InstrumentSet,
  options: ChartOptions & { normalize?: boolean } = {},
): ChartSpec {
  checkStats(stats, instruments);
  const codes = instruments.codes;
  const m = stats.cooccurrence;
  const val = (r: number, c: number) =>
    options.normalize ? (m[r]![r]! ? m[r]![c]! / m[r]![r]! : Number.NaN) : m[r]![c]!;
  return heatmap(
    options.title ??
      (options.normalize ? 'Co-occurrence: P(column | row)' : 'Label co-occurrence (examples)'),
    codes,
    codes,
    val,
    (r, c) =>
      options.normalize
        ? Number.isFinite(val(r, c)) && m[r]![c]! > 0
          ? val(r, c).toFixed(2)
          : ''
        : m[r]![c]!
          ? String(m[r]![c])
          : '',
    {
      rowTitle: 'Instrument',
      colTitle: 'Also present',
      legend: options.normalize ? 'Fraction' : 'Examples',
      scheme: 'greens',
      domain: options.normalize ? [0, 1] : undefined,
    },
  );
}

function checkStats(stats: DatasetStats, instruments: InstrumentSet): void {
  if (stats.positives.length !== instruments.size) {
    throw new InvalidArgumentError(
      `Dataset stats have ${stats.positives.length} classes; the instrument set has ${instruments.size}.`,
      {
        details: { expected: instruments.size, actual: stats.positives.length },
      },
    );
  }
}
