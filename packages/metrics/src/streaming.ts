import { ShapeError } from '@instr/core';
import { type PerExampleMetrics, perExampleFromMatrices, prfFromCounts, sum } from './classification.js';
import { type EvaluateOptions, type Evaluation, evaluateMatrices } from './evaluate.js';
import { Matrix, type MatrixInput, thresholdVector, toPair } from './input.js';
import { type LwlrapOptions, type LwlrapResult, lwlrapAccumulate, lwlrapFinish } from './ranking.js';
import { type ZeroDivision, zeroDivisionValue } from './warnings.js';

function checkCols(expected: number | undefined, got: number): number {
  if (expected !== undefined && expected !== got) {
    throw new ShapeError(`This batch has ${got} classes; earlier batches had ${expected}.`, {
      details: { expected, actual: got },
    });
  }
  return got;
}

/**
 * Collects batches of (labels, scores), e.g. over a validation epoch, and evaluates them together:
 * `compute()` returns exactly what {@link evaluate} returns on the concatenated data. Memory grows with
 * the data (8 bytes per value twice); use {@link ConfusionAccumulator} or {@link LwlrapAccumulator} for
 * constant-memory running metrics.
 *
 * @example
 * ```ts
 * const acc = new StreamingEvaluator({ instruments: InstrumentSet.irmas(), thresholds: 0.5 });
 * for (const batch of batches) acc.add(batch.labels, batch.probabilities);
 * const ev = acc.compute(); // same as evaluate(allLabels, allProbabilities, …)
 * acc.reset(); // next epoch
 * ```
 */
export class StreamingEvaluator {
  private labels = new Float64Array(0);
  private scores = new Float64Array(0);
  private n = 0;
  private k: number | undefined;
  private readonly options: EvaluateOptions;

  constructor(options: EvaluateOptions = {}) {
    this.options = options;
  }

  /** Examples added so far. */
  get count(): number {
    return this.n;
  }

  /** Adds a batch; shapes are checked against each other and against earlier batches. */
  add(yTrue: MatrixInput, yScore: MatrixInput): this {
    const [t, s] = toPair(yTrue, yScore, 'scores');
    this.k = checkCols(this.k, t.cols);
    const need = (this.n + t.rows) * t.cols;
    if (need > this.labels.length) {
      const cap = Math.max(need, this.labels.length * 2, 1024);
      const l = new Float64Array(cap);
      const sc = new Float64Array(cap);
      l.set(this.labels.subarray(0, this.n * t.cols));
      sc.set(this.scores.subarray(0, this.n * t.cols));
      this.labels = l;
      this.scores = sc;
    }
    this.labels.set(t.data, this.n * t.cols);
    this.scores.set(s.data, this.n * t.cols);
    this.n += t.rows;
    return this;
  }

  /** The collected data as matrices (views, not copies). */
  data(): { yTrue: Matrix; yScore: Matrix } {
    const k = this.k ?? 0;
    return {
      yTrue: new Matrix(this.labels.subarray(0, this.n * k), this.n, k),
      yScore: new Matrix(this.scores.subarray(0, this.n * k), this.n, k),
    };
  }

  /** Evaluates everything added so far (options override the constructor's). */
  compute(options: EvaluateOptions = {}): Evaluation {
    const { yTrue, yScore } = this.data();
    return evaluateMatrices(toPair(yTrue, yScore, 'scores')[0], yScore, { ...this.options, ...options });
  }

  /** Forgets all batches. */
  reset(): void {
    this.n = 0;
    this.k = undefined;
  }
}

/**
 * Threshold metrics from a {@link ConfusionAccumulator}.
 * @example
 * ```ts
 * const { f1, hammingScore } = new ConfusionAccumulator().add(yTrue, yScore).compute();
 * ```
 */
export interface ConfusionSummary {
  tp: Float64Array;
  fp: Float64Array;
  fn: Float64Array;
  tn: Float64Array;
  hammingLoss: number;
  hammingScore: number;
  subsetAccuracy: number;
  precision: { micro: number; macro: number; weighted: number; samples: number; perClass: Float64Array };
  recall: { micro: number; macro: number; weighted: number; samples: number; perClass: Float64Array };
  f1: { micro: number; macro: number; weighted: number; samples: number; perClass: Float64Array };
}

/**
 * Constant-memory running counts for threshold metrics over many batches: per-class tp/fp/fn/tn plus
 * per-example sums for `'samples'` averages. `compute()` equals the one-shot functions on the concatenated
 * data exactly (integer counts; example sums added in the same order).
 *
 * @example
 * ```ts
 * const acc = new ConfusionAccumulator({ thresholds: 0.5 });
 * acc.add(labels, probabilities); // per batch
 * acc.compute().f1.macro;
 * ```
 */
export class ConfusionAccumulator {
  private tp?: Float64Array;
  private fp?: Float64Array;
  private fn?: Float64Array;
  private tn?: Float64Array;
  private sampleP = 0;
  private sampleR = 0;
  private sampleF = 0;
  private sampleNanP = 0;
  private sampleNanR = 0;
  private sampleNanF = 0;
  private exact = 0;
  private n = 0;
  private readonly thresholds: number | ArrayLike<number>;
  private readonly zeroDivision: ZeroDivision;

  /**
   * @param options.thresholds applied to scores in {@link ConfusionAccumulator.add} (default 0.5);
   *   0/1 predictions pass through any threshold in (0, 1].
   * @param options.zeroDivision as in {@link precisionRecallFscoreSupport} (default `'warn'` → 0).
   */
  constructor(options: { thresholds?: number | ArrayLike<number>; zeroDivision?: ZeroDivision } = {}) {
    this.thresholds = options.thresholds ?? 0.5;
    this.zeroDivision = options.zeroDivision ?? 'warn';
    zeroDivisionValue(this.zeroDivision);
  }

  /** Examples added so far. */
  get count(): number {
    return this.n;
  }

  /** Adds a batch of labels and scores (or 0/1 predictions). */
  add(yTrue: MatrixInput, yScore: MatrixInput): this {
    const [t, s] = toPair(yTrue, yScore, 'scores');
    const k = checkCols(this.tp?.length, t.cols);
    const thr = thresholdVector(this.thresholds, k);
    if (!this.tp) {
      this.tp = new Float64Array(k);
      this.fp = new Float64Array(k);
      this.fn = new Float64Array(k);
      this.tn = new Float64Array(k);
    }
    const pred = new Float64Array(s.data.length);
    for (let i = 0; i < pred.length; i++) pred[i] = s.data[i]! >= thr[i % k]! ? 1 : 0;
    const p = new Matrix(pred, s.rows, k);
    for (let i = 0; i < t.data.length; i++) {
      const c = i % k;
      const a = t.data[i]!;
      const b = pred[i]!;
      if (a === 1) {
        if (b === 1) this.tp[c]!++;
        else this.fn![c]!++;
      } else if (b === 1) this.fp![c]!++;
      else this.tn![c]!++;
    }
    const per: PerExampleMetrics = perExampleFromMatrices(t, p, 1, this.zeroDivision);
    for (let i = 0; i < t.rows; i++) {
      const vp = per.precision[i]!;
      const vr = per.recall[i]!;
      const vf = per.fScore[i]!;
      if (Number.isNaN(vp)) this.sampleNanP++;
      else this.sampleP += vp;
      if (Number.isNaN(vr)) this.sampleNanR++;
      else this.sampleR += vr;
      if (Number.isNaN(vf)) this.sampleNanF++;
      else this.sampleF += vf;
      this.exact += per.exactMatch[i]!;
    }
    this.n += t.rows;
    return this;
  }

  /** Metrics of everything added so far. */
  compute(): ConfusionSummary {
    if (!this.tp) {
      throw new ShapeError('ConfusionAccumulator.compute(): no batch was added.', { details: { actual: 0 } });
    }
    const k = this.tp.length;
    const counts = { tp: this.tp, fp: this.fp!, fn: this.fn!, tn: this.tn! };
    const res = (average: 'micro' | 'macro' | 'weighted' | 'none') =>
      prfFromCountsAvg(counts, average, this.zeroDivision);
    const none = res('none');
    const micro = res('micro');
    const macro = res('macro');
    const weighted = res('weighted');
    const wrong = sum(this.fp!) + sum(this.fn!);
    const total = this.n * k;
    const sp = this.n - this.sampleNanP ? this.sampleP / (this.n - this.sampleNanP) : Number.NaN;
    const sr = this.n - this.sampleNanR ? this.sampleR / (this.n - this.sampleNanR) : Number.NaN;
    const sf = this.n - this.sampleNanF ? this.sampleF / (this.n - this.sampleNanF) : Number.NaN;
    return {
      tp: this.tp.slice(),
      fp: this.fp!.slice(),
      fn: this.fn!.slice(),
      tn: this.tn!.slice(),
      hammingLoss: wrong / total,
      hammingScore: 1 - wrong / total,
      subsetAccuracy: this.exact / this.n,
      precision: { micro: micro.p, macro: macro.p, weighted: weighted.p, samples: sp, perClass: none.pc },
      recall: { micro: micro.r, macro: macro.r, weighted: weighted.r, samples: sr, perClass: none.rc },
      f1: { micro: micro.f, macro: macro.f, weighted: weighted.f, samples: sf, perClass: none.fc },
    };
  }

  /** Clears the counts. */
  reset(): void {
    this.tp = this.fp = this.fn = this.tn = undefined;
    this.sampleP = this.sampleR = this.sampleF = 0;
    this.sampleNanP = this.sampleNanR = this.sampleNanF = 0;
    this.exact = 0;
    this.n = 0;
  }
}

/** Precision/recall/F1 from counts through the same code as the one-shot functions. */
function prfFromCountsAvg(
  counts: { tp: Float64Array; fp: Float64Array; fn: Float64Array; tn: Float64Array },
  average: 'micro' | 'macro' | 'weighted' | 'none',
  zeroDivision: ZeroDivision,
): { p: number; r: number; f: number; pc: Float64Array; rc: Float64Array; fc: Float64Array } {
  const r = prfFromCounts(counts, { average, zeroDivision });
  if (average === 'none') {
    return {
      p: Number.NaN,
      r: Number.NaN,
      f: Number.NaN,
      pc: r.precision as Float64Array,
      rc: r.recall as Float64Array,
      fc: r.fScore as Float64Array,
    };
  }
  const e = new Float64Array(0);
  return { p: r.precision as number, r: r.recall as number, f: r.fScore as number, pc: e, rc: e, fc: e };
}

/**
 * Constant-memory lwlrap over batches: per-class sums of per-label precisions and positive counts, as
 * the Freesound reference's streaming accumulator. `compute()` equals {@link lwlrap} on all data.
 *
 * @example
 * ```ts
 * const acc = new LwlrapAccumulator();
 * acc.add(labels, sigmoidOutputs);
 * acc.compute().lwlrap;
 * ```
 */
export class LwlrapAccumulator {
  private sums?: Float64Array;
  private positives?: Float64Array;
  private readonly ties: 'reference' | 'pessimistic';

  constructor(options: LwlrapOptions = {}) {
    this.ties = options.ties ?? 'reference';
  }

  /** Adds a batch. */
  add(yTrue: MatrixInput, yScore: MatrixInput): this {
    const [t, s] = toPair(yTrue, yScore, 'scores');
    checkCols(this.sums?.length, t.cols);
    if (!this.sums) {
      this.sums = new Float64Array(t.cols);
      this.positives = new Float64Array(t.cols);
    }
    lwlrapAccumulate(t, s, this.sums, this.positives!, this.ties);
    return this;
  }

  /** lwlrap of everything added so far. */
  compute(): LwlrapResult {
    if (!this.sums)
      throw new ShapeError('LwlrapAccumulator.compute(): no batch was added.', { details: { actual: 0 } });
    return lwlrapFinish(this.sums, this.positives!);
  }

  /** Clears the sums. */
  reset(): void {
    this.sums = this.positives = undefined;
  }
}
