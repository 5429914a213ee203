import { ConfigError, InvalidArgumentError } from '@instr/core';

/**
 * A learning-rate schedule: a pure function of the optimiser step (0 for the first update) → learning rate.
 * Schedules live outside the graph; the loop passes `schedule(step)` to `TrainSession.trainStep`.
 *
 * @example
 * ```ts
 * const lr = oneCycle({ maxLr: 1e-3, totalSteps: 1000 });
 * await session.trainStep(x, y, lr(session.step));
 * ```
 */
export type LrSchedule = (step: number) => number;

function positive(value: number, key: string, integer = false): number {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new InvalidArgumentError(
      `${key} must be a positive ${integer ? 'integer' : 'number'}, got ${value}.`,
      {
        details: { key, actual: value },
      },
    );
  }
  return value;
}

function checkStep(step: number): void {
  if (!Number.isInteger(step) || step < 0) {
    throw new InvalidArgumentError(`A schedule step must be an integer ≥ 0, got ${step}.`, {
      details: { key: 'step', actual: step },
    });
  }
}

/** Options of {@link oneCycle} (defaults as `torch.optim.lr_scheduler.OneCycleLR`). */
export interface OneCycleOptions {
  /** Peak learning rate. */
  maxLr: number;
  /** Number of optimiser steps of the cycle. */
  totalSteps: number;
  /** Fraction of the cycle spent increasing the lr. Default 0.3. */
  pctStart?: number;
  /** `'cos'` (default) or `'linear'`. */
  annealStrategy?: 'cos' | 'linear';
  /** Initial lr = maxLr / divFactor. Default 25. */
  divFactor?: number;
  /** Minimum lr = initial lr / finalDivFactor. Default 1e4. */
  finalDivFactor?: number;
  /** Three phases (up, down to the initial lr, down to the minimum). Default false. */
  threePhase?: boolean;
}

/**
 * One-cycle policy with PyTorch `OneCycleLR` semantics (`pct_start` 0.3, cosine annealing, `div_factor` 25,
 * `final_div_factor` 1e4, `three_phase` false). Steps past `totalSteps − 1` keep annealing past the end
 * (PyTorch raises there; this clamps to the final lr).
 *
 * @example
 * ```ts
 * // the reference: max 5e-4, starting at lr 5e-5
 * const s = oneCycle({ maxLr: 5e-4, divFactor: 5e-4 / 5e-5, totalSteps: stepsPerEpoch * epochs + 1 });
 * s(0); // 5e-5
 * ```
 */
export function oneCycle(options: OneCycleOptions): LrSchedule {
  const maxLr = positive(options.maxLr, 'maxLr');
  const total = positive(options.totalSteps, 'totalSteps', true);
  const pct = options.pctStart ?? 0.3;
  if (!(pct > 0 && pct < 1)) {
    throw new InvalidArgumentError(`pctStart must be in (0, 1), got ${pct}.`, {
      details: { key: 'pctStart', actual: pct },
    });
  }
  const initial = maxLr / positive(options.divFactor ?? 25, 'divFactor');
  const minLr = initial / positive(options.finalDivFactor ?? 1e4, 'finalDivFactor');
  const anneal =
    (options.annealStrategy ?? 'cos') === 'cos'
      ? (a: number, b: number, p: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * p) + 1)
      : (a: number, b: number, p: number) => (b - a) * p + a;
  const phases = options.threePhase
    ? [
        { end: pct * total - 1, from: initial, to: maxLr },
        { end: 2 * pct * total - 2, from: maxLr, to: initial },
        { end: total - 1, from: initial, to: minLr },
      ]
    : [
        { end: pct * total - 1, from: initial, to: maxLr },
        { end: total - 1, from: maxLr, to: minLr },
      ];
  return (step) => {
    checkStep(step);
    const s = Math.min(step, total - 1);
    let start = 0;
    for (let i = 0; i < phases.length; i++) {
      const ph = phases[i]!;
      if (s <= ph.end || i === phases.length - 1)
        return anneal(ph.from, ph.to, (s - start) / (ph.end - start));
      start = ph.end;
    }
    return minLr;
  };
}

/** Options of {@link cosineWarmRestarts} (as `CosineAnnealingWarmRestarts`). */
export interface CosineRestartsOptions {
  /** Learning rate at the start of each cycle. */
  baseLr: number;
  /** Steps of the first cycle. */
  t0: number;
  /** Growth factor of the cycle length. Default 1. */
  tMult?: number;
  /** Minimum lr. Default 0. */
  etaMin?: number;
}

/**
 * Cosine annealing with warm restarts (SGDR), as PyTorch's `CosineAnnealingWarmRestarts` stepped once per
 * optimiser step.
 * @example
 * ```ts
 * const s = cosineWarmRestarts({ baseLr: 1e-3, t0: stepsPerEpoch * 5 });
 * ```
 */
export function cosineWarmRestarts(options: CosineRestartsOptions): LrSchedule {
  const base = positive(options.baseLr, 'baseLr');
  const t0 = positive(options.t0, 't0', true);
  const mult = options.tMult ?? 1;
  if (!Number.isInteger(mult) || mult < 1) {
    throw new InvalidArgumentError(`tMult must be an integer ≥ 1, got ${mult}.`, {
      details: { key: 'tMult', actual: mult },
    });
  }
  const etaMin = options.etaMin ?? 0;
  return (step) => {
    checkStep(step);
    let tCur = step;
    let ti = t0;
    while (tCur >= ti) {
      tCur -= ti;
      ti *= mult;
    }
    return etaMin + ((base - etaMin) * (1 + Math.cos((Math.PI * tCur) / ti))) / 2;
  };
}

/** Options of {@link linearWarmup} (as `LinearLR`: start factor 1/3, end factor 1, 5 steps). */
export interface LinearWarmupOptions {
  baseLr: number;
  /** Default 1/3. */
  startFactor?: number;
  /** Default 1. */
  endFactor?: number;
  /** Steps of the ramp. Default 5. */
  totalIters?: number;
}

/**
 * Linear warm-up from `baseLr·startFactor` to `baseLr·endFactor` over `totalIters` steps, then constant
 * (PyTorch `LinearLR`).
 * @example
 * ```ts
 * const s = linearWarmup({ baseLr: 1e-3, startFactor: 0.1, totalIters: 500 });
 * ```
 */
export function linearWarmup(options: LinearWarmupOptions): LrSchedule {
  const base = positive(options.baseLr, 'baseLr');
  const a = options.startFactor ?? 1 / 3;
  const e = options.endFactor ?? 1;
  const n = options.totalIters ?? 5;
  if (!(a > 0 && a <= 1) || !(e >= 0 && e <= 1)) {
    throw new InvalidArgumentError(`startFactor must be in (0, 1] and endFactor in [0, 1], got ${a}, ${e}.`, {
      details: { key: 'startFactor', actual: [a, e] },
    });
  }
  positive(n, 'totalIters', true);
  return (step) => {
    checkStep(step);
    return base * (a + ((e - a) * Math.min(step, n)) / n);
  };
}

/** Options of {@link headWarmup}. */
export interface HeadWarmupOptions {
  /** lr of the first warm-up step (the reference's `lr_warmup`, 3e-4). */
  from: number;
  /** lr reached at the last warm-up step (the reference's `lr`, 5e-5). */
  to: number;
  /** Number of warm-up steps S (steps per epoch × head warm-up epochs). */
  steps: number;
}

/**
 * The reference's head warm-up: geometric from `from` to `to` over S steps,
 * `lr_k = from · r^k` with `r = exp(ln(to/from)/(S − 1))`, so step S − 1 has exactly `to`. Steps ≥ S stay at `to`.
 * @example
 * ```ts
 * const warm = headWarmup({ from: 3e-4, to: 5e-5, steps: stepsPerEpoch * 5 });
 * ```
 */
export function headWarmup(options: HeadWarmupOptions): LrSchedule {
  const from = positive(options.from, 'from');
  const to = positive(options.to, 'to');
  const s = positive(options.steps, 'steps', true);
  const r = s > 1 ? Math.exp(Math.log(to / from) / (s - 1)) : 1;
  return (step) => {
    checkStep(step);
    if (s === 1) return to;
    return step >= s - 1 ? to : from * r ** step;
  };
}

/**
 * A constant learning rate.
 * @example
 * ```ts
 * constantLr(1e-3)(123); // 1e-3
 * ```
 */
export function constantLr(lr: number): LrSchedule {
  positive(lr, 'lr');
  return (step) => {
    checkStep(step);
    return lr;
  };
}

/**
 * Chains schedules: each runs for its `steps` (the last one forever), with its own step counter from 0.
 * @example
 * ```ts
 * const s = chainSchedules([
 *   { schedule: headWarmup({ from: 3e-4, to: 5e-5, steps: 500 }), steps: 500 },
 *   { schedule: oneCycle({ maxLr: 5e-4, divFactor: 10, totalSteps: 2001 }) },
 * ]);
 * ```
 */
export function chainSchedules(parts: readonly { schedule: LrSchedule; steps?: number }[]): LrSchedule {
  if (parts.length === 0) throw new InvalidArgumentError('chainSchedules needs at least one schedule.');
  parts.slice(0, -1).forEach((p, i) => {
    positive(p.steps ?? Number.NaN, `parts[${i}].steps`, true);
  });
  return (step) => {
    checkStep(step);
    let s = step;
    for (let i = 0; i < parts.length - 1; i++) {
      const n = parts[i]!.steps!;
      if (s < n) return parts[i]!.schedule(s);
      s -= n;
    }
    return parts[parts.length - 1]!.schedule(s);
  };
}

/** Options of {@link ReduceLROnPlateau} (defaults as PyTorch's `ReduceLROnPlateau`). */
export interface PlateauOptions {
  /** Initial learning rate. */
  lr: number;
  /** `'min'` (default) when lower is better (a loss), `'max'` for a score. */
  mode?: 'min' | 'max';
  /** Multiplier of the lr on a plateau. Default 0.1. */
  factor?: number;
  /** Epochs without improvement tolerated before reducing. Default 10. */
  patience?: number;
  /** Minimum change that counts as an improvement. Default 1e-4. */
  threshold?: number;
  /** `'rel'` (default): relative to the best; `'abs'`. */
  thresholdMode?: 'rel' | 'abs';
  /** Epochs to wait after a reduction before counting again. Default 0. */
  cooldown?: number;
  /** Lower bound of the lr. Default 0. */
  minLr?: number;
  /** Reductions smaller than this are skipped. Default 1e-8. */
  eps?: number;
}

/** Serializable state of {@link ReduceLROnPlateau}. */
export interface PlateauState {
  lr: number;
  best: number;
  numBad: number;
  cooldownCounter: number;
}

/**
 * Reduce-on-plateau (PyTorch semantics: patience, factor, threshold, cooldown, min_lr, eps): call
 * {@link ReduceLROnPlateau.step} with the monitored metric after each epoch; read {@link ReduceLROnPlateau.lr}.
 *
 * @example
 * ```ts
 * const plateau = new ReduceLROnPlateau({ lr: 1e-3, mode: 'max', patience: 3, factor: 0.5 });
 * for (const epoch of epochs) { await trainEpoch(plateau.lr); plateau.step(valF1); }
 * ```
 */
export class ReduceLROnPlateau {
  private s: PlateauState;
  private readonly o: Required<PlateauOptions>;

  constructor(options: PlateauOptions) {
    const o: Required<PlateauOptions> = {
      lr: options.lr,
      mode: options.mode ?? 'min',
      factor: options.factor ?? 0.1,
      patience: options.patience ?? 10,
      threshold: options.threshold ?? 1e-4,
      thresholdMode: options.thresholdMode ?? 'rel',
      cooldown: options.cooldown ?? 0,
      minLr: options.minLr ?? 0,
      eps: options.eps ?? 1e-8,
    };
    positive(o.lr, 'lr');
    if (!(o.factor > 0 && o.factor < 1)) {
      throw new InvalidArgumentError(`factor must be in (0, 1), got ${o.factor}.`, {
        details: { key: 'factor', actual: o.factor },
      });
    }
    if (!Number.isInteger(o.patience) || o.patience < 0) {
      throw new InvalidArgumentError(`patience must be an integer ≥ 0, got ${o.patience}.`, {
        details: { key: 'patience', actual: o.patience },
      });
    }
    if (!Number.isInteger(o.cooldown) || o.cooldown < 0) {
      throw new InvalidArgumentError(`cooldown must be an integer ≥ 0, got ${o.cooldown}.`, {
        details: { key: 'cooldown', actual: o.cooldown },
      });
    }
    if (o.mode !== 'min' && o.mode !== 'max') {
      throw new InvalidArgumentError(`mode must be "min" or "max", got ${o.mode}.`, {
        details: { key: 'mode', actual: o.mode },
      });
    }
    this.o = o;
    this.s = { lr: o.lr, best: o.mode === 'min' ? Infinity : -Infinity, numBad: 0, cooldownCounter: 0 };
  }

  /** The current learning rate. */
  get lr(): number {
    return this.s.lr;
  }

  /** Records an epoch's metric; returns the (possibly reduced) lr. NaN metrics count as no improvement. */
  step(metric: number): number {
    const s = this.s;
    if (this.isBetter(metric)) {
      s.best = metric;
      s.numBad = 0;
    } else s.numBad += 1;
    if (s.cooldownCounter > 0) {
      s.cooldownCounter -= 1;
      s.numBad = 0;
    }
    if (s.numBad > this.o.patience) {
      const next = Math.max(s.lr * this.o.factor, this.o.minLr);
      if (s.lr - next > this.o.eps) s.lr = next;
      s.cooldownCounter = this.o.cooldown;
      s.numBad = 0;
    }
    return s.lr;
  }

  /** State for checkpoints. */
  state(): PlateauState {
    return { ...this.s };
  }

  /** Restores {@link ReduceLROnPlateau.state}. */
  load(state: PlateauState): void {
    this.s = { ...state, best: state.best ?? (this.o.mode === 'min' ? Infinity : -Infinity) };
  }

  private isBetter(a: number): boolean {
    const { mode, threshold, thresholdMode } = this.o;
    const best = this.s.best;
    if (mode === 'min') return thresholdMode === 'rel' ? a < best * (1 - threshold) : a < best - threshold;
    return thresholdMode === 'rel' ? a > best * (threshold + 1) : a > best + threshold;
  }
}

/** A schedule described as JSON (the `schedule` section of the training config). */
export type ScheduleConfig =
  | { type: 'constant' }
  | {
      type: 'onecycle';
      maxLr?: number;
      pctStart?: number;
      divFactor?: number;
      finalDivFactor?: number;
      annealStrategy?: 'cos' | 'linear';
      threePhase?: boolean;
    }
  | { type: 'cosine-restarts'; epochsPerCycle?: number; tMult?: number; etaMin?: number }
  | {
      type: 'plateau';
      factor?: number;
      patience?: number;
      cooldown?: number;
      minLr?: number;
      threshold?: number;
    };

/**
 * The per-step schedule of a config after the head warm-up (plateau is epoch-based and handled by the loop,
 * so here it is the constant base lr).
 * @throws ConfigError naming `schedule.type` for unknown types.
 * @example
 * ```ts
 * const s = scheduleFromConfig({ type: 'onecycle', maxLr: 5e-4 }, { lr: 5e-5, totalSteps: 1000, stepsPerEpoch: 100 });
 * ```
 */
export function scheduleFromConfig(
  config: ScheduleConfig,
  ctx: { lr: number; totalSteps: number; stepsPerEpoch: number },
): LrSchedule {
  switch (config.type) {
    case 'constant':
    case 'plateau':
      return constantLr(ctx.lr);
    case 'onecycle': {
      const maxLr = config.maxLr ?? ctx.lr;
      return oneCycle({
        maxLr,
        totalSteps: Math.max(2, ctx.totalSteps),
        pctStart: config.pctStart,
        divFactor: config.divFactor ?? (config.maxLr !== undefined ? maxLr / ctx.lr : undefined),
        finalDivFactor: config.finalDivFactor,
        annealStrategy: config.annealStrategy,
        threePhase: config.threePhase,
      });
    }
    case 'cosine-restarts':
      return cosineWarmRestarts({
        baseLr: ctx.lr,
        t0: Math.max(1, ctx.stepsPerEpoch * (config.epochsPerCycle ?? 1)),
        tMult: config.tMult,
        etaMin: config.etaMin,
      });
    default:
      throw new ConfigError(
        `schedule.type must be constant, onecycle, cosine-restarts or plateau, got ${JSON.stringify((config as { type: unknown }).type)}.`,
        {
          details: { key: 'schedule.type' },
        },
      );
  }
}
