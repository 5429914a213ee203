import { ConfigError, InstrumentSet, InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { bceWithLogitsLoss, type GraphBuilder, type Loss, type SymTensor } from '@instr/models';

/** How {@link posWeightFromCounts} turns label counts into `pos_weight`. */
export type PosWeightVariant = 'negatives' | 'reference';

/** Options of {@link posWeightFromCounts}. */
export interface PosWeightOptions {
  /**
   * `'negatives'` (default): `pos_weight[c] = (N − P_c) / P_c` with N the number of examples and P_c the
   * positives of class c — the ratio of negatives to positives that `torch.nn.BCEWithLogitsLoss` documents.
   * `'reference'`: the reference system's variant, `(T − P_c) / P_c` with T = Σ_c P_c, the total number of
   * labels (equal to N only for single-label data).
   */
  variant?: PosWeightVariant;
  /** Number of examples N (required for `'negatives'` when counts are given instead of a label matrix). */
  examples?: number;
  /** Upper bound of each weight (classes with very few positives; a class without positives gets `max`). Default none. */
  max?: number;
}

/**
 * `pos_weight` per class from training-set label counts (see {@link PosWeightOptions.variant} for the two
 * formulas). Accepts a 0/1 label matrix `[N, C]` (a Tensor or nested arrays) or per-class counts.
 *
 * @throws InvalidArgumentError when a class has no positives (its weight would be infinite) and no `max` is set.
 * @example
 * ```ts
 * posWeightFromCounts([[1, 0], [1, 0], [0, 1], [1, 1]]); // [(4−3)/3, (4−2)/2] = [0.333, 1]
 * posWeightFromCounts([388, 505], { variant: 'reference' }); // [(893−388)/388, (893−505)/505]
 * ```
 */
export function posWeightFromCounts(
  labels: Tensor | readonly (readonly number[])[] | readonly number[],
  options: PosWeightOptions = {},
): number[] {
  const variant = options.variant ?? 'negatives';
  let counts: number[];
  let n: number | undefined = options.examples;
  if (labels instanceof Tensor) {
    if (labels.rank !== 2) {
      throw new ShapeError(`posWeightFromCounts: labels must be [examples, classes], got [${labels.dims}].`, {
        details: { actual: labels.dims },
      });
    }
    const [rows, cols] = labels.dims as [number, number];
    counts = new Array<number>(cols).fill(0);
    const d = labels.data as ArrayLike<number>;
    for (let i = 0; i < rows; i++)
      for (let c = 0; c < cols; c++) counts[c]! += Number(d[i * cols + c]) > 0.5 ? 1 : 0;
    n = rows;
  } else if (labels.length > 0 && Array.isArray(labels[0])) {
    const m = labels as readonly (readonly number[])[];
    counts = new Array<number>(m[0]!.length).fill(0);
    for (const row of m) {
      row.forEach((v, c) => {
        counts[c]! += v > 0.5 ? 1 : 0;
      });
    }
    n = m.length;
  } else {
    counts = [...(labels as readonly number[])];
  }
  const total = variant === 'reference' ? counts.reduce((a, b) => a + b, 0) : n;
  if (total === undefined) {
    throw new InvalidArgumentError(
      'posWeightFromCounts: with per-class counts and variant "negatives", pass options.examples (the number of examples).',
      { details: { key: 'examples' } },
    );
  }
  return counts.map((p, c) => {
    if (!(p > 0) && options.max !== undefined) return options.max;
    if (!(p > 0)) {
      throw new InvalidArgumentError(
        `posWeightFromCounts: class ${c} has no positive examples, so its pos_weight is infinite; drop the class or give it examples.`,
        { details: { key: `counts[${c}]`, actual: p } },
      );
    }
    const w = (total - p) / p;
    return options.max !== undefined ? Math.min(w, options.max) : w;
  });
}

function checkSmoothing(eps: number | undefined): number {
  const e = eps ?? 0;
  if (!(e >= 0 && e < 1)) {
    throw new InvalidArgumentError(`labelSmoothing must be in [0, 1), got ${eps}.`, {
      details: { key: 'labelSmoothing', actual: eps },
    });
  }
  return e;
}

/** Binary label smoothing in the graph: `t·(1 − ε) + ε/2`. */
function smooth(b: GraphBuilder, t: SymTensor, eps: number): SymTensor {
  return eps === 0 ? t : b.add(b.mul(t, 1 - eps), eps / 2);
}

function checkRank(b: GraphBuilder, x: SymTensor, t: SymTensor, what: string): void {
  if (x.rank !== t.rank) {
    throw new ShapeError(`${what}: logits [${x.shape}] and targets [${t.shape}] differ in rank.`, {
      details: { expected: x.shape, actual: t.shape },
    });
  }
  void b;
}

/** Options of {@link bceLoss}. */
export interface BceLossOptions {
  /** Per-class weight of positives (`pos_weight` of `torch.nn.BCEWithLogitsLoss`); see {@link posWeightFromCounts}. */
  posWeight?: readonly number[];
  /** Binary label smoothing ε: targets become `t·(1 − ε) + ε/2`. Default 0. */
  labelSmoothing?: number;
  /** `'mean'` over all elements (default, as PyTorch) or `'sum'`. */
  reduction?: 'mean' | 'sum';
}

/**
 * Binary cross-entropy on logits (as `torch.nn.BCEWithLogitsLoss`, numerically stable), with optional
 * `pos_weight` and label smoothing. Returns a {@link Loss} for `buildTrainingArtifacts`.
 *
 * @example
 * ```ts
 * const loss = bceLoss({ posWeight: posWeightFromCounts(trainLabels), labelSmoothing: 0.05 });
 * buildTrainingArtifacts({ model, loss, inputShape, targetShape, optimizer: { type: 'adamw' } });
 * ```
 */
export function bceLoss(options: BceLossOptions = {}): Loss {
  const eps = checkSmoothing(options.labelSmoothing);
  const inner = bceWithLogitsLoss({ posWeight: options.posWeight, reduction: options.reduction });
  return (b, x, t) => {
    checkPosWeight(options.posWeight, x);
    return inner(b, x, smooth(b, t, eps));
  };
}

function checkPosWeight(pw: readonly number[] | undefined, x: SymTensor): void {
  if (!pw) return;
  const c = x.shape[x.rank - 1];
  if (typeof c === 'number' && c !== pw.length) {
    throw new ShapeError(`posWeight has ${pw.length} values but the logits have ${c} classes.`, {
      details: { key: 'posWeight', expected: c, actual: pw.length },
    });
  }
  if (pw.some((v) => !(v >= 0) || !Number.isFinite(v))) {
    throw new InvalidArgumentError('posWeight values must be finite and ≥ 0.', {
      details: { key: 'posWeight', actual: pw },
    });
  }
}

/** Options of {@link focalLoss}. */
export interface FocalLossOptions {
  /** Focusing parameter γ ≥ 0. Default 2 (as torchvision's `sigmoid_focal_loss`). */
  gamma?: number;
  /**
   * Class-balance weight α ∈ [0, 1] of positives (negatives get 1 − α), or `null` for none. Default 0.25 (as
   * torchvision) for `'standard'`; ignored by `'reference'`.
   */
  alpha?: number | null;
  /**
   * `'standard'` (default): Lin et al. / torchvision `sigmoid_focal_loss`,
   * `α_t · (1 − p_t)^γ · BCE(x, t)` with `p_t = p·t + (1 − p)(1 − t)`.
   * `'reference'`: the reference system's variant `(1 − p)^γ · BCE(x, t, pos_weight)` with p = σ(x) clamped to
   * [1e-9, 1 − 1e-9]; no α. For positives this equals the standard modulating factor, but for negatives it
   * keeps easy negatives (p ≈ 0) at full weight and down-weights hard ones (p ≈ 1) — the opposite of focal
   * loss. Kept for reproducing the reference's numbers.
   */
  variant?: 'standard' | 'reference';
  /** `pos_weight` of the inner BCE (both variants). */
  posWeight?: readonly number[];
  /** Binary label smoothing ε. Default 0. */
  labelSmoothing?: number;
  /** Default `'mean'`. */
  reduction?: 'mean' | 'sum';
}

/** Element-wise stable BCE on logits, with optional pos_weight (as torch). */
function bceElements(b: GraphBuilder, x: SymTensor, t: SymTensor, posWeight?: readonly number[]): SymTensor {
  const softplusNegAbs = b.log(b.add(b.exp(b.neg(b.abs(x))), 1));
  if (posWeight) {
    const p = b.constant(Tensor.from(x.dtype as 'float32', posWeight));
    const coef = b.add(b.mul(b.sub(p, 1), t), 1);
    return b.add(b.mul(b.sub(1, t), x), b.mul(coef, b.add(softplusNegAbs, b.relu(b.neg(x)))));
  }
  return b.add(b.sub(b.relu(x), b.mul(x, t)), softplusNegAbs);
}

function reduce(b: GraphBuilder, l: SymTensor, reduction: 'mean' | 'sum' | undefined): SymTensor {
  const axes = Array.from({ length: l.rank }, (_, i) => i);
  return reduction === 'sum' ? b.reduceSum(l, axes) : b.reduceMean(l, axes);
}

/**
 * Focal loss on logits for multi-label targets; see {@link FocalLossOptions.variant} for the standard form
 * and the reference system's variant.
 *
 * @example
 * ```ts
 * const loss = focalLoss({ gamma: 2, alpha: 0.25 });                  // torchvision sigmoid_focal_loss
 * const ref = focalLoss({ variant: 'reference', gamma: 0.5, posWeight }); // lumen's FOCAL_LOSS_POS_WEIGHT
 * ```
 */
export function focalLoss(options: FocalLossOptions = {}): Loss {
  const gamma = options.gamma ?? 2;
  const variant = options.variant ?? 'standard';
  const alpha = options.alpha === undefined ? 0.25 : options.alpha;
  const eps = checkSmoothing(options.labelSmoothing);
  if (!(gamma >= 0) || !Number.isFinite(gamma)) {
    throw new InvalidArgumentError(`focal loss gamma must be a finite number ≥ 0, got ${gamma}.`, {
      details: { key: 'gamma', actual: gamma },
    });
  }
  if (alpha !== null && !(alpha >= 0 && alpha <= 1)) {
    throw new InvalidArgumentError(`focal loss alpha must be in [0, 1] or null, got ${alpha}.`, {
      details: { key: 'alpha', actual: alpha },
    });
  }
  if (variant !== 'standard' && variant !== 'reference') {
    throw new InvalidArgumentError(`focal loss variant must be "standard" or "reference", got ${variant}.`, {
      details: { key: 'variant', actual: variant },
    });
  }
  return (b, x, t0) => {
    checkRank(b, x, t0, 'focalLoss');
    checkPosWeight(options.posWeight, x);
    const t = smooth(b, t0, eps);
    const ce = bceElements(b, x, t, options.posWeight);
    const p = b.sigmoid(x);
    let l: SymTensor;
    if (variant === 'reference') {
      const pc = b.minimum(b.maximum(p, 1e-9), 1 - 1e-9);
      l = gamma === 0 ? ce : b.mul(b.pow(b.sub(1, pc), gamma), ce);
    } else {
      // 1 − p_t = p(1 − t) + (1 − p)t, kept away from 0 so that the gradient of q^γ stays finite.
      const q = b.add(b.mul(p, b.sub(1, t)), b.mul(b.sub(1, p), t));
      l = gamma === 0 ? ce : b.mul(b.pow(b.maximum(q, 1e-12), gamma), ce);
      if (alpha !== null) l = b.mul(b.add(b.mul(t, 2 * alpha - 1), 1 - alpha), l);
    }
    return reduce(b, l, options.reduction);
  };
}

/** Options of {@link withFamilyLoss}. */
export interface FamilyLossOptions {
  /**
   * The families: an {@link InstrumentSet} (its `family` fields, in first-appearance order), or explicit
   * groups of class indices (e.g. `[[0, 9], [1, 2, 7]]`). Classes in no group are ignored.
   */
  families: InstrumentSet | readonly (readonly number[])[];
  /** Weight of the family term. Default 1 (the reference's `--add-instrument-loss <factor>`). */
  factor?: number;
}

/**
 * The class-index groups of {@link FamilyLossOptions.families}.
 * @example
 * ```ts
 * familyGroups(InstrumentSet.irmas()); // [[0, 9], [1, 2, 7], [3, 4], [5, 6], [8], [10]]
 * ```
 */
export function familyGroups(families: FamilyLossOptions['families']): number[][] {
  if (families instanceof InstrumentSet) return [...families.familyMembers().values()];
  const groups = families.map((g) => [...g]);
  if (
    groups.length === 0 ||
    groups.some((g) => g.length === 0 || g.some((i) => !Number.isInteger(i) || i < 0))
  ) {
    throw new InvalidArgumentError('families must be non-empty groups of non-negative class indices.', {
      details: { key: 'families', actual: families },
    });
  }
  return groups;
}

/**
 * Family logits in the graph: for each family the **max** over its members' logits (`[N, families]`).
 * @example
 * ```ts
 * const fam = familyMax(b, logits, [[0, 9], [1, 2, 7]]);
 * ```
 */
export function familyMax(b: GraphBuilder, x: SymTensor, groups: readonly (readonly number[])[]): SymTensor {
  const c = x.shape[1];
  const cols = groups.map((g) => {
    for (const i of g) {
      if (typeof c === 'number' && i >= c) {
        throw new ShapeError(`Family member index ${i} is out of range for ${c} classes.`, {
          details: { key: 'families', expected: `< ${c}`, actual: i },
        });
      }
    }
    const slices = g.map((i) => b.slice(x, { starts: [i], ends: [i + 1], axes: [1] }));
    return slices.length === 1 ? slices[0]! : b.reduceMax(b.concat(slices, 1), [1], true);
  });
  return cols.length === 1 ? cols[0]! : b.concat(cols, 1);
}

/**
 * Adds the instrument-family auxiliary loss to a base loss: `base + factor · BCE(familyLogits, familyTargets)`
 * where a family's logit is the max of its members' logits and its target the max of their targets (mean
 * BCE over families and examples). With the reference's per-element broadcast and mean reduction this
 * equals its `--add-instrument-loss` term.
 *
 * @example
 * ```ts
 * const loss = withFamilyLoss(bceLoss(), { families: InstrumentSet.irmas(), factor: 0.8 });
 * ```
 */
export function withFamilyLoss(base: Loss, options: FamilyLossOptions): Loss {
  const factor = options.factor ?? 1;
  if (!(factor >= 0) || !Number.isFinite(factor)) {
    throw new InvalidArgumentError(`family loss factor must be a finite number ≥ 0, got ${factor}.`, {
      details: { key: 'factor', actual: factor },
    });
  }
  const groups = familyGroups(options.families);
  return (b, x, t) => {
    const main = base(b, x, t);
    if (factor === 0) return main;
    if (x.rank !== 2) {
      throw new ShapeError(`The family loss needs logits [N, classes], got [${x.shape}].`, {
        details: { actual: x.shape },
      });
    }
    const fl = familyMax(b, x, groups);
    const ft = familyMax(b, t, groups);
    const fam = reduce(b, bceElements(b, fl, ft), 'mean');
    return b.add(main, b.mul(fam, factor));
  };
}

/** A loss described as JSON (the `loss` section of the training config). */
export interface LossConfig {
  /** `'bce'` (default) or `'focal'`. */
  type?: 'bce' | 'focal';
  /** `pos_weight`: `false` (default), `true`/`'negatives'` (from training label counts), `'reference'`, or explicit values. */
  posWeight?: boolean | PosWeightVariant | number[];
  /** Cap of the computed pos_weight values. Default none. */
  posWeightMax?: number;
  labelSmoothing?: number;
  /** Focal γ (default 2). */
  gamma?: number;
  /** Focal α (default 0.25; null = none). */
  alpha?: number | null;
  /** Focal variant (default `'standard'`). */
  focalVariant?: 'standard' | 'reference';
  /** Factor of the family auxiliary loss; 0 or absent = off. */
  familyFactor?: number;
  /** Explicit family groups (class indices); default: the instrument set's families. */
  families?: number[][];
}

/** What {@link lossFromConfig} may need from the training data. */
export interface LossContext {
  /** Training labels (or per-class counts plus `examples`) for `posWeight`. */
  labels?: Tensor | readonly (readonly number[])[];
  counts?: readonly number[];
  examples?: number;
  instruments?: InstrumentSet;
}

/**
 * Builds the {@link Loss} described by a {@link LossConfig}.
 * @throws ConfigError naming the key when the config or the context is incomplete.
 * @example
 * ```ts
 * const loss = lossFromConfig({ type: 'focal', gamma: 0.5, posWeight: true, familyFactor: 0.3 },
 *   { labels: trainLabels, instruments: InstrumentSet.irmas() });
 * ```
 */
export function lossFromConfig(config: LossConfig = {}, ctx: LossContext = {}): Loss {
  let posWeight: number[] | undefined;
  const pw = config.posWeight ?? false;
  if (Array.isArray(pw)) posWeight = pw;
  else if (pw !== false) {
    const variant: PosWeightVariant = pw === 'reference' ? 'reference' : 'negatives';
    const src = ctx.labels ?? ctx.counts;
    if (!src) {
      throw new ConfigError('loss.posWeight needs the training labels (or counts) to compute pos_weight.', {
        details: { key: 'loss.posWeight' },
      });
    }
    posWeight = posWeightFromCounts(src, { variant, examples: ctx.examples, max: config.posWeightMax });
  }
  const type = config.type ?? 'bce';
  let loss: Loss;
  if (type === 'bce') loss = bceLoss({ posWeight, labelSmoothing: config.labelSmoothing });
  else if (type === 'focal')
    loss = focalLoss({
      gamma: config.gamma,
      alpha: config.alpha,
      variant: config.focalVariant,
      posWeight,
      labelSmoothing: config.labelSmoothing,
    });
  else
    throw new ConfigError(`loss.type must be "bce" or "focal", got ${JSON.stringify(type)}.`, {
      details: { key: 'loss.type', actual: type },
    });
  if (config.familyFactor) {
    const families = config.families ?? ctx.instruments;
    if (!families) {
      throw new ConfigError('loss.familyFactor needs loss.families or an instrument set.', {
        details: { key: 'loss.families' },
      });
    }
    loss = withFamilyLoss(loss, { families, factor: config.familyFactor });
  }
  return loss;
}
