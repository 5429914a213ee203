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

/** cleanlab's `FLOATING_POINT_COMPARISON`: a probability counts as reaching a threshold when `p ≥ t − 1e-6`. */
const FLOAT_EPS = 1e-6;
/** cleanlab's `CONFIDENT_THRESHOLDS_LOWER_BOUND` (2 × the comparison tolerance). */
const THRESHOLD_FLOOR = 2 * FLOAT_EPS;
/** cleanlab's threshold of a side no example is labelled with: larger than any probability. */
const BIG_VALUE = 2;

/** The binary sub-problem of class k: given labels (0/1) and probabilities `[1 − p, p]`. */
interface Binary {
  y: Uint8Array;
  /** p(absent), p(present) per example. */
  q0: Float64Array;
  q1: Float64Array;
}

function binaryOf(labels: Tensor, probabilities: Tensor, n: number, c: number, k: number): Binary {
  const y = new Uint8Array(n);
  const q0 = new Float64Array(n);
  const q1 = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const p = Number(probabilities.data[i * c + k]);
    y[i] = Number(labels.data[i * c + k]) > 0.5 ? 1 : 0;
    q1[i] = p;
    q0[i] = 1 - p;
  }
  return { y, q0, q1 };
}

/** cleanlab `get_confident_thresholds` of a binary sub-problem: [mean(1 − p | y = 0), mean(p | y = 1)]. */
function thresholdsOfBinary(b: Binary): [number, number] {
  let s0 = 0;
  let n0 = 0;
  let s1 = 0;
  let n1 = 0;
  for (let i = 0; i < b.y.length; i++) {
    if (b.y[i]) {
      s1 += b.q1[i]!;
      n1++;
    } else {
      s0 += b.q0[i]!;
      n0++;
    }
  }
  return [
    Math.max(n0 ? s0 / n0 : BIG_VALUE, THRESHOLD_FLOOR),
    Math.max(n1 ? s1 / n1 : BIG_VALUE, THRESHOLD_FLOOR),
  ];
}

/**
 * Per-class confident thresholds of multi-label data, as cleanlab's `get_confident_thresholds(…, multi_label=True)`:
 * for class k, `[mean(1 − p_k | k labelled absent), mean(p_k | k labelled present)]` — the average
 * self-confidence of each side. A side no example has gets 2 (nothing reaches it); values are clipped below at 2e-6.
 * @example
 * ```ts
 * const t = confidentThresholds(labels, oof); // t[k] = [absent, present]
 * ```
 */
export function confidentThresholds(labels: Tensor, probabilities: Tensor): [number, number][] {
  const [n, c] = checkPair(labels, probabilities);
  return Array.from({ length: c }, (_, k) => thresholdsOfBinary(binaryOf(labels, probabilities, n, c, k)));
}

/** numpy's `round` (half to even). */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** cleanlab `round_preserving_sum`: rounds to integers keeping the (rounded) total. */
function roundPreservingSum(floats: number[]): number[] {
  const ints = floats.map(roundHalfEven);
  const total = roundHalfEven(floats.reduce((a, v) => a + v, 0));
  let sum = ints.reduce((a, v) => a + v, 0);
  while (Math.abs(sum - total) > FLOAT_EPS) {
    const diff = roundHalfEven(total - sum);
    const inc = diff < 0 ? -1 : 1;
    const changes = Math.min(Math.abs(diff), floats.length);
    // numpy: argsort(floats − ints), reversed when adding (largest remainders first)
    const order = floats
      .map((_, i) => i)
      .sort((a, b) => floats[a]! - ints[a]! - (floats[b]! - ints[b]!) || a - b);
    if (inc > 0) order.reverse();
    for (const i of order.slice(0, changes)) ints[i]! += inc;
    sum = ints.reduce((a, v) => a + v, 0);
  }
  return ints;
}

/** Confident joint of a binary sub-problem and the guessed true label of each example (−1: not confident). */
function confidentJointOfBinary(
  b: Binary,
  t: [number, number],
  calibrate: boolean,
): { cj: number[][]; guess: Int8Array } {
  const n = b.y.length;
  const cj = [
    [0, 0],
    [0, 0],
  ];
  const guess = new Int8Array(n).fill(-1);
  for (let i = 0; i < n; i++) {
    const above0 = b.q0[i]! >= t[0] - FLOAT_EPS;
    const above1 = b.q1[i]! >= t[1] - FLOAT_EPS;
    if (!above0 && !above1) continue;
    // two confident sides: the more probable (argmax; a tie goes to "absent"); one: that side
    const g = above0 && above1 ? (b.q1[i]! > b.q0[i]! ? 1 : 0) : above1 ? 1 : 0;
    guess[i] = g;
    cj[b.y[i]!]![g]! += 1;
  }
  cj[0]![0] = Math.max(cj[0]![0]!, 1);
  cj[1]![1] = Math.max(cj[1]![1]!, 1);
  if (!calibrate) return { cj, guess };
  // calibrate_confident_joint: rows sum to the label counts, the whole to N, then integer rounding by row
  const counts = [0, 0];
  for (let i = 0; i < n; i++) counts[b.y[i]!]! += 1;
  let cal = cj.map((row, r) => {
    const s = Math.max(row[0]! + row[1]!, 1e-100);
    return row.map((v) => (v / s) * counts[r]!);
  });
  const total = Math.max(
    cal.flat().reduce((a, v) => a + v, 0),
    1e-100,
  );
  cal = cal.map((row) => row.map((v) => (v / total) * n));
  return { cj: cal.map(roundPreservingSum), guess };
}

/**
 * The one-vs-rest confident joint of multi-label data, as cleanlab's
 * `compute_confident_joint(labels, pred_probs, multi_label=True)`: for each class k a 2×2 count matrix
 * `[given][guessed true]` (0 = absent, 1 = present) of the examples whose probability of a side reaches that side's
 * confident threshold (both: the more probable side), with the diagonal at least 1, calibrated by default so row r
 * sums to the number of examples labelled r.
 * @example
 * ```ts
 * const cj = confidentJoint(labels, oof); // cj[k][1][0]: labelled present, confidently absent
 * ```
 */
export function confidentJoint(
  labels: Tensor,
  probabilities: Tensor,
  options: { calibrate?: boolean } = {},
): number[][][] {
  const [n, c] = checkPair(labels, probabilities);
  return Array.from({ length: c }, (_, k) => {
    const b = binaryOf(labels, probabilities, n, c, k);
    return confidentJointOfBinary(b, thresholdsOfBinary(b), options.calibrate ?? true).cj;
  });
}

function checkPair(labels: Tensor, probabilities: Tensor): [number, number] {
  const [n, c] = matrixOf(labels, 'labels');
  const [pn, pc] = matrixOf(probabilities, 'probabilities');
  if (pn !== n || pc !== c) {
    throw new ShapeError(`labels [${labels.dims}] and probabilities [${probabilities.dims}] differ.`, {
      details: { expected: labels.dims, actual: probabilities.dims },
    });
  }
  return [n, c];
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
  const [n, c] = checkPair(labels, probabilities);
  const alpha = options.alpha ?? 0.8;
  if (!(alpha >= 0 && alpha <= 1))
    throw new InvalidArgumentError(`alpha must be in [0, 1], got ${alpha}.`, {
      details: { key: 'alpha', actual: alpha },
    });
  const method = options.method ?? 'self_confidence';
  if (method !== 'self_confidence' && method !== 'normalized_margin') {
    throw new InvalidArgumentError(
      `method must be self_confidence or normalized_margin, got ${String(method)}.`,
      {
        details: { key: 'method', actual: method },
      },
    );
  }
  const perClass = new Float64Array(n * c);
  for (let k = 0; k < c; k++) {
    const b = binaryOf(labels, probabilities, n, c, k);
    const th = options.adjustPredProbs ? thresholdsOfBinary(b) : undefined;
    for (let i = 0; i < n; i++) {
      let q0 = b.q0[i]!;
      let q1 = b.q1[i]!;
      if (th) {
        // cleanlab _subtract_confident_thresholds: p − t + max(t), renormalised
        const m = Math.max(th[0], th[1]);
        q0 = q0 - th[0] + m;
        q1 = q1 - th[1] + m;
        const s = q0 + q1;
        q0 /= s;
        q1 /= s;
      }
      const y = b.y[i] === 1;
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
 * How {@link findLabelIssues} decides which labels of a class are errors (cleanlab's `filter_by`):
 * - `'prune_by_noise_rate'` (default, as cleanlab): for each off-diagonal cell (given r, true g) of the calibrated
 *   confident joint, the that-many examples labelled r with the largest margin `p(g) − p(r)`;
 * - `'prune_by_class'`: for each given side r, the `count(r) − joint[r][r]` examples with the lowest `p(r)`;
 * - `'both'`: flagged by both;
 * - `'confident_learning'`: the off-diagonal examples of the confident joint themselves.
 * @example
 * ```ts
 * findLabelIssues(labels, oof, { filterBy: 'confident_learning' satisfies LabelIssueFilter });
 * ```
 */
export type LabelIssueFilter = 'prune_by_noise_rate' | 'prune_by_class' | 'both' | 'confident_learning';

/**
 * Options of {@link findLabelIssues}.
 * @example
 * ```ts
 * const o: FindLabelIssuesOptions = { filterBy: 'prune_by_noise_rate', minExamplesPerClass: 1, ids };
 * ```
 */
export interface FindLabelIssuesOptions {
  /** Example ids, copied into the issues. */
  ids?: readonly string[];
  /** Instrument codes are copied into the issues. */
  instruments?: InstrumentSet;
  /** Scores used to rank the issues (default: `labelQualityScores(labels, probabilities)`, cleanlab's ranking). */
  quality?: LabelQuality;
  /** Default `'prune_by_noise_rate'` (cleanlab's default). */
  filterBy?: LabelIssueFilter;
  /** A side of a class with at most this many examples is never pruned (cleanlab `min_examples_per_class`). Default 1. */
  minExamplesPerClass?: number;
}

/** The issue mask of one binary sub-problem, as cleanlab's `find_label_issues(labels, [1 − p, p], filter_by)`. */
function binaryIssues(b: Binary, filterBy: LabelIssueFilter, minExamples: number): Uint8Array {
  const n = b.y.length;
  const t = thresholdsOfBinary(b);
  const q = [b.q0, b.q1] as const;
  const mask = new Uint8Array(n);
  if (filterBy === 'confident_learning') {
    const { guess } = confidentJointOfBinary(b, t, false);
    for (let i = 0; i < n; i++) if (guess[i]! >= 0 && guess[i] !== b.y[i]) mask[i] = 1;
  } else {
    const { cj } = confidentJointOfBinary(b, t, true);
    const prune = keepAtLeast(cj, minExamples); // prune[r][g]: given r, true g (cleanlab's prune_count_matrix transposed)
    const byGiven = [0, 1].map((r) => {
      const rows: number[] = [];
      for (let i = 0; i < n; i++) if (b.y[i] === r) rows.push(i);
      return rows;
    });
    const byNoise = new Uint8Array(n);
    const byClass = new Uint8Array(n);
    for (const r of [0, 1] as const) {
      const rows = byGiven[r]!;
      // cleanlab only writes a side's mask back when it has more than one example
      if (rows.length <= minExamples || rows.length <= 1) continue;
      const g = (1 - r) as 0 | 1;
      const k = prune[r]![g]!;
      if (k > 0) {
        // largest margin p(g) − p(r) first
        const order = [...rows].sort((a, c) => q[g][c]! - q[r][c]! - (q[g][a]! - q[r][a]!) || a - c);
        for (const i of order.slice(0, k)) byNoise[i] = 1;
      }
      const m = rows.length - prune[r]![r]!;
      if (m >= 1) {
        const order = [...rows].sort((a, c) => q[r][a]! - q[r][c]! || a - c); // lowest p(r) first
        for (const i of order.slice(0, m)) byClass[i] = 1;
      }
    }
    for (let i = 0; i < n; i++) {
      mask[i] =
        filterBy === 'prune_by_noise_rate'
          ? byNoise[i]!
          : filterBy === 'prune_by_class'
            ? byClass[i]!
            : byNoise[i]! & byClass[i]!;
    }
  }
  // never an issue where the model's more probable side is the given label
  for (let i = 0; i < n; i++) if (mask[i] && (b.q1[i]! > b.q0[i]! ? 1 : 0) === b.y[i]) mask[i] = 0;
  return mask;
}

/** cleanlab `_keep_at_least_n_per_class` (frac_noise 1) on a `[given][true]` joint. */
function keepAtLeast(cj: number[][], minExamples: number): number[][] {
  // cleanlab works on the transpose (columns = given labels); here rows are given labels
  const out = cj.map((row) => [...row]);
  for (let r = 0; r < 2; r++) {
    const diag = cj[r]![r]!;
    const newDiag = Math.max(diag, minExamples);
    const nonZero = cj[r]!.filter((v) => v !== 0).length;
    const dec = (newDiag - diag) / Math.max(nonZero - 1, 1);
    for (let g = 0; g < 2; g++) out[r]![g] = Math.max(cj[r]![g]! - dec, 0);
    out[r]![r] = newDiag;
    for (let g = 0; g < 2; g++) out[r]![g] = Math.trunc(out[r]![g]!);
  }
  return out;
}

/**
 * Suspected label errors by confident learning, class by class, as cleanlab's multi-label
 * `find_label_issues` (`find_multilabel_issues_per_class`): each class is a binary problem with probabilities
 * `[1 − p, p]`; its confident thresholds are the mean self-confidence of each side ({@link confidentThresholds}),
 * the calibrated confident joint ({@link confidentJoint}) estimates how many labels of each side are wrong, and
 * `filterBy` picks which ({@link LabelIssueFilter}; default `prune_by_noise_rate`, as cleanlab). A label whose
 * more probable side (p ≥ ½ or not) agrees with it is never an issue. Each flagged (example, class) pair is one
 * issue — `missing` (labelled absent, confidently present) or `spurious` — sorted by the example's label quality
 * (worst first; cleanlab's `return_indices_ranked_by='self_confidence'` order), then example, then class.
 *
 * @example
 * ```ts
 * const issues = findLabelIssues(labels, oofProbabilities, { ids, instruments });
 * const suspects = [...new Set(issues.map((i) => i.index))]; // examples, worst first
 * ```
 */
export function findLabelIssues(
  labels: Tensor,
  probabilities: Tensor,
  options: FindLabelIssuesOptions = {},
): LabelIssue[] {
  const [n, c] = checkPair(labels, probabilities);
  const filterBy = options.filterBy ?? 'prune_by_noise_rate';
  if (!['prune_by_noise_rate', 'prune_by_class', 'both', 'confident_learning'].includes(filterBy)) {
    throw new InvalidArgumentError(`Unknown filterBy "${String(filterBy)}".`, {
      details: { key: 'filterBy', actual: filterBy },
    });
  }
  const minExamples = options.minExamplesPerClass ?? 1;
  if (!(Number.isInteger(minExamples) && minExamples >= 0)) {
    throw new InvalidArgumentError(`minExamplesPerClass must be an integer ≥ 0, got ${minExamples}.`, {
      details: { key: 'minExamplesPerClass', actual: minExamples },
    });
  }
  const q = options.quality ?? labelQualityScores(labels, probabilities);
  const out: LabelIssue[] = [];
  for (let k = 0; k < c; k++) {
    const b = binaryOf(labels, probabilities, n, c, k);
    const mask = binaryIssues(b, filterBy, minExamples);
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      out.push({
        index: i,
        id: options.ids?.[i],
        classIndex: k,
        code: options.instruments?.codes[k],
        kind: b.y[i] ? 'spurious' : 'missing',
        probability: b.q1[i]!,
        quality: q.scores[i]!,
      });
    }
  }
  return out.sort((a, b) => a.quality - b.quality || a.index - b.index || a.classIndex - b.classIndex);
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
