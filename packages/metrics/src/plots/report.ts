import type { BootstrapResult } from '../bootstrap.js';
import type { Evaluation } from '../evaluate.js';
import { datasetStats } from '../evaluate.js';
import type { MatrixInput } from '../input.js';
import {
  type ChartSpec,
  classConfusionChart,
  cooccurrenceChart,
  type EpochRecord,
  labelDistributionChart,
  pairConfusionChart,
  perClassMetricsChart,
  perExampleHistogramChart,
  prCurvesChart,
  reliabilityChart,
  rocCurvesChart,
  trainingCurvesChart,
} from './charts.js';
import { renderSvg } from './render.js';

/**
 * Options of {@link renderReport}.
 * @example
 * ```ts
 * await renderReport(ev, { title: 'IRMAS test', subtitle: 'convnext, epoch 30', history, intervals: { mAP: ci } });
 * ```
 */
export interface ReportOptions {
  /** Page title (default "Evaluation report"). */
  title?: string;
  /** A line under the title (model, dataset, date — whatever identifies the run). */
  subtitle?: string;
  /** Training history; adds the training-curves chart. */
  history?: readonly EpochRecord[];
  /** Labels of the training set; adds its label distribution and co-occurrence (default: the evaluated labels). */
  trainingLabels?: MatrixInput;
  /** Confidence intervals to show next to summary metrics, keyed like `'f1.macro'`, `'mAP'`, `'lwlrap'`. */
  intervals?: Record<string, BootstrapResult>;
  /** Extra charts appended at the end, each with an id and a caption. */
  extraCharts?: { id: string; caption: string; spec: ChartSpec }[];
}

/**
 * The ids of the charts a report contains (each is a `<figure data-plot="id">` holding an inline SVG).
 * @example
 * ```ts
 * reportChartIds(ev, { history }); // ['per-class-metrics', 'roc', 'pr', …, 'training', …]
 * ```
 */
export function reportChartIds(ev: Evaluation, options: ReportOptions = {}): string[] {
  const ids = ['per-class-metrics', 'roc', 'pr', 'f1-per-example', 'pair-confusion', 'class-confusion'];
  if (ev.calibration) ids.push('reliability');
  if (options.history?.length) ids.push('training');
  ids.push('label-distribution', 'cooccurrence');
  for (const c of options.extraCharts ?? []) ids.push(c.id);
  return ids;
}

const esc = (s: unknown) =>
  String(s).replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );
const fmt = (v: number, digits = 3) => (Number.isFinite(v) ? v.toFixed(digits) : '—');

/**
 * Renders a self-contained HTML report of an {@link Evaluation}: summary cards, a per-instrument table,
 * threshold and warning notes, and every chart as inline SVG (per-instrument metrics, ROC and PR curves,
 * F1 per example, pair and per-class confusion, reliability, training curves, label distribution and
 * co-occurrence). Inline CSS, no scripts, no network access: open it anywhere or attach it to a CI run.
 * Use `writeReport` from `@instr/metrics/node` to write it to a file atomically.
 *
 * @example
 * ```ts
 * const html = await renderReport(evaluate(yTrue, yScore, { thresholds: 0.31 }), { title: 'IRMAS test', history });
 * ```
 */
export async function renderReport(ev: Evaluation, options: ReportOptions = {}): Promise<string> {
  const title = options.title ?? 'Evaluation report';
  const stats = options.trainingLabels ? datasetStats(options.trainingLabels) : ev.dataset;
  const charts: { id: string; caption: string; spec: ChartSpec; wide?: boolean }[] = [
    {
      id: 'per-class-metrics',
      caption:
        'Per-instrument precision, recall, F1, average precision and ROC AUC at the decision thresholds.',
      spec: perClassMetricsChart(ev),
      wide: true,
    },
    {
      id: 'roc',
      caption: 'ROC curve per instrument (legend: AUC). Dashed: chance.',
      spec: rocCurvesChart(ev),
    },
    {
      id: 'pr',
      caption: 'Precision-recall curve per instrument (legend: average precision).',
      spec: prCurvesChart(ev),
    },
    {
      id: 'f1-per-example',
      caption: 'Distribution of F1 over examples at the decision thresholds.',
      spec: perExampleHistogramChart(ev),
    },
    {
      id: 'pair-confusion',
      caption:
        'Which instrument is predicted when another is true: row = instrument present, column = instrument predicted although absent, value = share of the row instrument’s examples. Diagonal = miss rate (1 − recall).',
      spec: pairConfusionChart(ev),
    },
    {
      id: 'class-confusion',
      caption:
        'Per-instrument 2×2 confusion matrices (scikit-learn’s multilabel_confusion_matrix): rows = instrument absent / present, columns = predicted no / yes; colour = share of all examples.',
      spec: classConfusionChart(ev),
      wide: true,
    },
  ];
  if (ev.calibration) {
    charts.push({
      id: 'reliability',
      caption:
        'Reliability diagram over all (example, instrument) scores, 10 equal-width bins; point size = number of scores.',
      spec: reliabilityChart(ev),
    });
  }
  if (options.history?.length) {
    charts.push({
      id: 'training',
      caption: 'Loss and metrics per epoch.',
      spec: trainingCurvesChart(options.history),
      wide: true,
    });
  }
  const dsName = options.trainingLabels ? 'training' : 'evaluated';
  charts.push(
    {
      id: 'label-distribution',
      caption: `Label distribution of the ${dsName} data.`,
      spec: labelDistributionChart(stats, ev.instruments),
      wide: true,
    },
    {
      id: 'cooccurrence',
      caption: `How often instruments occur together in the ${dsName} data (P(column | row)).`,
      spec: cooccurrenceChart(stats, ev.instruments, { normalize: true }),
    },
  );
  for (const c of options.extraCharts ?? []) charts.push({ ...c, wide: true });
  const svgs = await Promise.all(charts.map((c) => renderSvg(c.spec)));

  const s = ev.summary;
  const ci = (key: string) => {
    const r = options.intervals?.[key];
    return r
      ? `<span class="ci">${Math.round(r.confidence * 100)}% CI ${fmt(r.low)}–${fmt(r.high)}</span>`
      : '';
  };
  const cards: [string, number, string, string][] = [
    ['F1 (macro)', s.f1.macro, 'f1.macro', 'Unweighted mean of per-instrument F1'],
    ['F1 (micro)', s.f1.micro, 'f1.micro', 'F1 of all labels pooled'],
    ['mAP', s.mAP, 'mAP', 'Mean average precision over instruments'],
    ['ROC AUC (macro)', s.rocAuc.macro, 'rocAuc.macro', 'Mean of per-instrument ROC AUC'],
    ['lwlrap', s.lwlrap, 'lwlrap', 'Label-weighted label-ranking average precision'],
    ['Hamming score', s.hammingScore, 'hammingScore', 'Fraction of correct labels'],
    ['Subset accuracy', s.subsetAccuracy, 'subsetAccuracy', 'Examples with every label right'],
    ['ECE', s.ece, 'ece', 'Expected calibration error (lower is better)'],
  ];
  const thresholds = [...new Set(ev.thresholds)];
  const rows = Object.entries(ev.perClass)
    .map(
      ([code, r]) =>
        `<tr><td><code>${esc(code)}</code></td><td>${esc(r.name)}</td><td class="n">${r.support}</td><td class="n">${r.predicted}</td><td class="n">${fmt(r.threshold)}</td>${[
          r.precision,
          r.recall,
          r.f1,
          r.ap,
          r.auc,
          r.lwlrap,
          r.ece,
        ]
          .map((v) => `<td class="n">${fmt(v)}</td>`)
          .join('')}</tr>`,
    )
    .join('\n');
  const avgRows = (['micro', 'macro', 'weighted', 'samples'] as const)
    .map(
      (a) =>
        `<tr><td>${a}</td><td class="n">${fmt(s.precision[a])}</td><td class="n">${fmt(s.recall[a])}</td><td class="n">${fmt(s.f1[a])}</td><td class="n">${a === 'samples' ? '—' : fmt(s.averagePrecision[a])}</td><td class="n">${a === 'samples' ? '—' : fmt(s.rocAuc[a])}</td></tr>`,
    )
    .join('\n');
  const warnings = ev.warnings.length
    ? `<section><h2>Notes</h2><ul class="warn">${ev.warnings.map((w) => `<li>${esc(w.message)}</li>`).join('')}</ul></section>`
    : '';
  const figures = charts
    .map(
      (c, i) =>
        `<figure data-plot="${esc(c.id)}" class="${c.wide ? 'wide' : ''}">${svgs[i]}<figcaption>${esc(c.caption)}</figcaption></figure>`,
    )
    .join('\n');

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<header>
<h1>${esc(title)}</h1>
${options.subtitle ? `<p class="sub">${esc(options.subtitle)}</p>` : ''}
<p class="meta">${ev.numExamples.toLocaleString('en-US')} examples · ${ev.numClasses} instruments · ${ev.dataset.positives.reduce((a, b) => a + b, 0).toLocaleString('en-US')} positive labels · threshold${thresholds.length > 1 ? 's per instrument' : ` ${fmt(thresholds[0]!)}`}</p>
</header>
<main>
<section class="cards">
${cards.map(([label, v, key, help]) => `<div class="card" title="${esc(help)}"><div class="label">${esc(label)}</div><div class="value">${fmt(v)}</div>${ci(key)}</div>`).join('\n')}
</section>
<section>
<h2>Per instrument</h2>
<table>
<thead><tr><th>Code</th><th>Instrument</th><th class="n">Support</th><th class="n">Predicted</th><th class="n">Threshold</th><th class="n">Precision</th><th class="n">Recall</th><th class="n">F1</th><th class="n">AP</th><th class="n">AUC</th><th class="n">lwlrap</th><th class="n">ECE</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</section>
<section>
<h2>Averages</h2>
<table class="narrow">
<thead><tr><th>Average</th><th class="n">Precision</th><th class="n">Recall</th><th class="n">F1</th><th class="n">AP</th><th class="n">ROC AUC</th></tr></thead>
<tbody>
${avgRows}
</tbody>
</table>
<p class="small">Ranking metrics: LRAP ${fmt(s.labelRankingAveragePrecision)}, coverage error ${fmt(s.coverageError, 2)}, label ranking loss ${fmt(s.labelRankingLoss)}. Hamming loss ${fmt(s.hammingLoss)}.</p>
</section>
${warnings}
<section>
<h2>Charts</h2>
<div class="grid">
${figures}
</div>
</section>
</main>
<footer>Generated by @instr/metrics.</footer>
</body>
</html>
`;
}

const CSS = `
:root{color-scheme:light;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--bg:#f9fafb;--accent:#2563eb}
*{box-sizing:border-box}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",Arial,sans-serif;color:var(--fg);background:var(--bg);line-height:1.45}
header{padding:24px 32px 8px;background:white;border-bottom:1px solid var(--line)}
h1{margin:0 0 4px;font-size:24px}
h2{font-size:17px;margin:28px 0 10px}
.sub{margin:0 0 4px;color:var(--fg)}
.meta,.small,footer{color:var(--muted);font-size:13px}
main{padding:8px 32px 32px;max-width:1500px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:12px;margin-top:20px}
.card{background:white;border:1px solid var(--line);border-radius:8px;padding:12px 14px}
.card .label{font-size:12px;color:var(--muted);text-transform:uppercase;letter-spacing:.03em}
.card .value{font-size:26px;font-weight:600;font-variant-numeric:tabular-nums}
.card .ci{display:block;font-size:12px;color:var(--muted)}
table{border-collapse:collapse;background:white;border:1px solid var(--line);font-size:13px;width:100%}
table.narrow{width:auto}
th,td{padding:6px 10px;border-bottom:1px solid var(--line);text-align:left;white-space:nowrap}
th{background:#f3f4f6;font-weight:600}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
tbody tr:hover{background:#f3f4f6}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px}
.warn li{color:#92400e;font-size:13px}
.grid{display:flex;flex-wrap:wrap;gap:16px}
figure{margin:0;background:white;border:1px solid var(--line);border-radius:8px;padding:12px;max-width:100%;overflow-x:auto}
figure svg{display:block;max-width:100%;height:auto}
figure.wide{flex-basis:100%}
figcaption{font-size:12px;color:var(--muted);margin-top:6px;max-width:720px}
footer{padding:16px 32px}
`;
