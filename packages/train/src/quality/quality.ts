import { type InstrumentSet, InvalidArgumentError, Rng, ShapeError, Tensor } from '@instr/core';
import { writeFileAtomic } from '@instr/metrics/node';

/** Options of {@link labelQualityScores} (defaults as cleanlab's multi-label `get_label_quality_scores`). */
export interface LabelQualityOptions {
  /** Per-class score: `'self_confidence'` (default) or `'normalized_margin'`. */
  method?: 'self_confidence' | 'normalized_margin';
  /** Subtract the per-class confident thresholds before scoring (cleanlab `adjust_pred_probs`; the reference used true). Default false. */
  adjustPredProbs?: boolean;
  /** Weight α of the exponential moving average that aggregates class scores. Default 0.8. */
  alpha?: number;
}

/** Per-sample label quality and the per-class scores it aggregates. */
export interface LabelQuality {
  /** One score per example in [0, 1]; low = likely mislabelled. */
  scores: Float64Array;
  /** `[N, C]` per-class scores (probability the model gives the label as it stands). */
  perClass: Float64Array;
}

function matrixOf(t: Tensor, what: string): [number, number] {
  if (t.rank !== 2)
    throw new ShapeError(`${what} must be [examples, classes], got [${t.dims}].`, {
      details: { key: what, actual: t.dims },
    });
  return [t.dims[0]!, t.dims[1]!];
}

/** cleanlab's per-class confident thresholds of a binary sub-problem: [mean(1−p | y=0), mean(p | y=1)]. */
function thresholdsOf(y: Tensor, p: Tensor, n: number, c: number, k: number): [number, number] {
  let s0 = 0;
  let n0 = 0;
  let s1 = 0;
  let n1 = 0;
  for (let i = 0; i < n; i++) {
    const pi = Number(p.data[i * c + k]);
    if (Number(y.data[i * c + k]) > 0.5) {
      s1 += pi;
      n1++;
    } else {
      s0 += 1 - pi;
      n0++;
    }
  }
  return [n0 ? s0 / n0 : 0.5, n1 ? s1 / n1 : 0.5];
}

/**
 * Per-sample label-quality scores for multi-label data as cleanlab's
 * `multilabel_classification.rank.get_label_quality_scores`: each class is a binary problem with probabilities
 * `[1 − p, p]`; its score is the self-confidence (the probability of the given label) or the normalized margin
 * (`(p_label − p_other + 1)/2`, equal to self-confidence for two classes unless `adjustPredProbs`); the class
 * scores of an example are sorted in descending order and aggregated by an exponential moving average with
 * α = 0.8, so the worst class dominates. Use **out-of-fold** probabilities (see {@link outOfFoldProbabilities}).
 *
 * @example
 * ```ts
 * const { scores } = labelQualityScores(labels, oofProbabilities, { adjustPredProbs: true });
 * ```
 */
export function labelQualityScores(
  labels: Tensor,
  probabilities: Tensor,
  options: LabelQualityOptions = {},
): LabelQuality {
  const [n, c] = matrixOf(labels, 'labels');
  const [pn, pc] = matrixOf(probabilities, 'probabilities');
  if (pn !== n || pc !== c) {
    throw new ShapeError(`labels [${labels.dims}] and probabilities [${probabilities.dims}] differ.`, {
      details: { expected: labels.dims, actual: probabilities.dims },
    });
  }
  const alpha = options.alpha ?? 0.8;
  if (!(alpha >= 0 && alpha <= 1))
    throw new InvalidArgumentError(`alpha must be in [0, 1], got ${alpha}.`, {
      details: { key: 'alpha', actual: alpha },
    });
  const method = options.method ?? 'self_confidence';
  const perClass = new Float64Array(n * c);
  for (let k = 0; k < c; k++) {
    const th = options.adjustPredProbs ? thresholdsOf(labels, probabilities, n, c, k) : undefined;
    for (let i = 0; i < n; i++) {
      const p = Number(probabilities.data[i * c + k]);
      let q0 = 1 - p;
      let q1 = p;
      if (th) {
        const m = Math.max(th[0], th[1]);
        q0 = q0 - th[0] + m;
        q1 = q1 - th[1] + m;
        const s = q0 + q1;
        q0 /= s;
        q1 /= s;
      }
      const y = Number(labels.data[i * c + k]) > 0.5;
      const self = y ? q1 : q0;
      const other = y ? q0 : q1;
      perClass[i * c + k] = method === 'normalized_margin' ? (self - other + 1) / 2 : self;
    }
  }
  const scores = new Float64Array(n);
  const row = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) row[k] = perClass[i * c + k]!;
    row.sort();
    row.reverse(); // descending
    let ema = row[0]!;
    for (let k = 1; k < c; k++) ema = alpha * row[k]! + (1 - alpha) * ema;
    scores[i] = ema;
  }
  return { scores, perClass };
}

/** One suspected label error. */
export interface LabelIssue {
  /** Example index. */
  index: number;
  id?: string;
  /** Class index and code. */
  classIndex: number;
  code?: string;
  /** `'missing'`: labelled absent, confidently present. `'spurious'`: labelled present, confidently absent. */
  kind: 'missing' | 'spurious';
  /** The model's probability of the class. */
  probability: number;
  /** The example's label-quality score (lower = more suspicious). */
  quality: number;
}

/**
 * Suspected label errors by confident learning, class by class (as cleanlab's multi-label
 * `find_label_issues(filter_by='confident_learning')`): per class the confident thresholds are the mean
 * probability of "present" over examples labelled present and of "absent" over those labelled absent; an
 * example falls off the diagonal of the confident joint — a suspected error — when the only (or the more
 * probable) label whose probability reaches its threshold is the opposite of its given label. Sorted by the
 * example's label quality (worst first).
 *
 * @example
 * ```ts
 * const issues = findLabelIssues(labels, oofProbabilities, { ids, instruments });
 * ```
 */
export function findLabelIssues(
  labels: Tensor,
  probabilities: Tensor,
  options: { ids?: readonly string[]; instruments?: InstrumentSet; quality?: LabelQuality } = {},
): LabelIssue[] {
  const [n, c] = matrixOf(labels, 'labels');
  const q = options.quality ?? labelQualityScores(labels, probabilities);
  const out: LabelIssue[] = [];
  for (let k = 0; k < c; k++) {
    const [t0, t1] = thresholdsOf(labels, probabilities, n, c, k);
    for (let i = 0; i < n; i++) {
      const p = Number(probabilities.data[i * c + k]);
      const y = Number(labels.data[i * c + k]) > 0.5;
      const above0 = 1 - p >= t0;
      const above1 = p >= t1;
      let confident: 0 | 1 | undefined;
      if (above0 && above1) confident = p > 1 - p ? 1 : 0;
      else if (above1) confident = 1;
      else if (above0) confident = 0;
      if (confident === undefined || confident === (y ? 1 : 0)) continue;
      out.push({
        index: i,
        id: options.ids?.[i],
        classIndex: k,
        code: options.instruments?.codes[k],
        kind: y ? 'spurious' : 'missing',
        probability: p,
        quality: q.scores[i]!,
      });
    }
  }
  return out.sort((a, b) => a.quality - b.quality || a.index - b.index);
}

/**
 * Seeded random k-fold assignment: a permutation cut into k nearly equal folds (the fold of each example). For
 * stratified, group-aware folds of a `Dataset` use `kFold` from the data module and pass its folds to
 * {@link outOfFoldProbabilities}.
 * @example
 * ```ts
 * const fold = foldAssignment(100, 5, 42); // fold[i] ∈ 0..4
 * ```
 */
export function foldAssignment(n: number, k: number, seed = 0): Int32Array {
  if (!Number.isInteger(k) || k < 2 || k > n) {
    throw new InvalidArgumentError(`folds must be an integer in [2, ${n}], got ${k}.`, {
      details: { key: 'folds', actual: k },
    });
  }
  const perm = new Rng(seed).permutation(n);
  const fold = new Int32Array(n);
  perm.forEach((e, r) => {
    fold[e] = r % k;
  });
  return fold;
}

/**
 * Out-of-fold probabilities: for each fold, `fitPredict(trainIndices, heldIndices, fold)` trains on the other
 * folds and returns probabilities `[held, C]` for the held-out examples (in the order given). `folds` is a
 * number of random folds (seeded by `options.seed`) or explicit `{ train, val }` index lists (e.g. the
 * data module's stratified `kFold(dataset, …)`); every example must be held out exactly once.
 * @example
 * ```ts
 * const oof = await outOfFoldProbabilities(y.dims[0], 5, async (tr, held, f) => {
 *   const run = await train({ ...opts, outDir: `cv/${f}`, data: dataFor(tr) });
 *   return (await predictBatches(run.session, memoryData(x, y, { indices: held, shuffle: false }).batches())).probabilities;
 * }, { seed: 1, classes: 11 });
 * ```
 */
export async function outOfFoldProbabilities(
  n: number,
  folds: number | readonly { train: readonly number[]; val: readonly number[] }[],
  fitPredict: (train: number[], held: number[], fold: number) => Promise<Tensor>,
  options: { seed?: number; classes: number },
): Promise<Tensor<'float32'>> {
  let splits: { train: number[]; val: number[] }[];
  if (typeof folds === 'number') {
    const f = foldAssignment(n, folds, options.seed ?? 0);
    splits = Array.from({ length: folds }, (_, k) => {
      const val: number[] = [];
      const train: number[] = [];
      for (let i = 0; i < n; i++) (f[i] === k ? val : train).push(i);
      return { train, val };
    });
  } else splits = folds.map((f) => ({ train: [...f.train], val: [...f.val] }));
  const seen = new Uint8Array(n);
  for (const s of splits) for (const i of s.val) seen[i] = (seen[i] ?? 0) + 1;
  if (seen.some((v) => v !== 1)) {
    throw new InvalidArgumentError(
      'outOfFoldProbabilities: every example must be held out by exactly one fold.',
      {
        details: { key: 'folds' },
      },
    );
  }
  const c = options.classes;
  const out = Tensor.zeros('float32', [n, c]);
  for (let k = 0; k < splits.length; k++) {
    const held = splits[k]!.val;
    const tr = splits[k]!.train;
    const p = await fitPredict(tr, held, k);
    if (p.dims[0] !== held.length || p.dims[1] !== c) {
      throw new ShapeError(`fold ${k}: fitPredict returned [${p.dims}], expected [${held.length}, ${c}].`, {
        details: { expected: [held.length, c], actual: p.dims },
      });
    }
    held.forEach((e, j) => {
      for (let q = 0; q < c; q++) out.data[e * c + q] = Number(p.data[j * c + q]);
    });
  }
  return out;
}

/**
 * Writes a label-quality report: `label_quality.csv` (id, score, labels, per-class scores), `label_issues.csv`
 * and a small self-contained HTML page (cumulative score histogram as the reference's plot, and the worst examples).
 * @example
 * ```ts
 * await writeLabelQualityReport('runs/cv', { ids, labels, quality, issues, instruments });
 * ```
 */
export async function writeLabelQualityReport(
  dir: string,
  r: {
    ids: readonly string[];
    labels: Tensor;
    quality: LabelQuality;
    issues: readonly LabelIssue[];
    instruments: InstrumentSet;
  },
): Promise<void> {
  const { mkdir } = await import('node:fs/promises');
  await mkdir(dir, { recursive: true });
  const c = r.instruments.size;
  const esc = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const rows = r.ids.map((id, i) => {
    const labs = r.instruments.codes.filter((_, k) => Number(r.labels.data[i * c + k]) > 0.5).join(' ');
    const per = Array.from(r.quality.perClass.subarray(i * c, (i + 1) * c), (v) => v.toFixed(6));
    return [esc(id), r.quality.scores[i]!.toFixed(6), esc(labs), ...per].join(',');
  });
  await writeFileAtomic(
    `${dir}/label_quality.csv`,
    `id,score,labels,${r.instruments.codes.join(',')}\n${rows.join('\n')}\n`,
  );
  const iss = r.issues.map((x) =>
    [
      esc(x.id ?? String(x.index)),
      x.code ?? x.classIndex,
      x.kind,
      x.probability.toFixed(6),
      x.quality.toFixed(6),
    ].join(','),
  );
  await writeFileAtomic(
    `${dir}/label_issues.csv`,
    `id,instrument,kind,probability,quality\n${iss.join('\n')}\n`,
  );
  const sorted = Array.from(r.quality.scores).sort((a, b) => a - b);
  const bins = 20;
  const cum = Array.from(
    { length: bins },
    (_, b) => sorted.filter((s) => s <= (b + 1) / bins).length / Math.max(sorted.length, 1),
  );
  const bars = cum
    .map(
      (v, b) =>
        `<rect x="${30 + b * 20}" y="${210 - v * 200}" width="18" height="${v * 200}" fill="#4c78a8"><title>≤ ${((b + 1) / bins).toFixed(2)}: ${(100 * v).toFixed(1)}%</title></rect>`,
    )
    .join('');
  const worst = r.issues
    .slice(0, 50)
    .map(
      (x) =>
        `<tr><td>${htmlEsc(x.id ?? String(x.index))}</td><td>${htmlEsc(x.code ?? String(x.classIndex))}</td><td>${x.kind}</td><td>${x.probability.toFixed(3)}</td><td>${x.quality.toFixed(3)}</td></tr>`,
    )
    .join('');
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>Label quality</title><style>body{font-family:system-ui,sans-serif;margin:2em}td,th{padding:2px 8px;text-align:left}</style></head><body>
<h1>Label quality</h1><p>${r.ids.length} examples, ${r.issues.length} suspected label errors (confident learning on out-of-fold probabilities).</p>
<h2>Cumulative distribution of label-quality scores</h2><svg width="460" height="230" role="img">${bars}<line x1="30" y1="210" x2="430" y2="210" stroke="#333"/><text x="30" y="228" font-size="11">0</text><text x="420" y="228" font-size="11">1</text></svg>
<h2>Suspected label errors (worst first)</h2><table><tr><th>id</th><th>instrument</th><th>kind</th><th>p</th><th>quality</th></tr>${worst}</table></body></html>\n`;
  await writeFileAtomic(`${dir}/label_quality.html`, html);
}

function htmlEsc(s: string): string {
  return s.replace(/[&<>"]/g, (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[ch]!);
}
