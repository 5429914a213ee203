import { ConfigError, Tensor } from '@instr/core';
import type { GraphBuilder, ParamInfo, SymTensor } from '../graph/builder.js';

/**
 * A parameter group: parameters matched by `match` (a RegExp on the name, or a predicate) get their own
 * learning-rate multiplier and weight decay, or are frozen. The first matching group wins.
 *
 * @example
 * ```ts
 * const groups: ParamGroup[] = [
 *   { match: /^backbone\./, lrScale: 0.1 },       // fine-tune the backbone 10x slower
 *   { match: /^stem\./, frozen: true },           // never updated, not differentiated
 *   { match: (p) => p.role === 'norm', weightDecay: 0 },
 * ];
 * ```
 */
export interface ParamGroup {
  match: RegExp | ((param: ParamInfo) => boolean);
  /** Multiplies the `lr` graph input for this group. Default 1. */
  lrScale?: number;
  /** Overrides the optimiser's weight decay (also for biases / norm parameters). */
  weightDecay?: number;
  /** Exclude from updates (and from the backward graph). Default false. */
  frozen?: boolean;
}

interface CommonConfig {
  /** Weight decay. Applied to parameters with `decay: true` (weights) only, unless a group overrides it. */
  weightDecay?: number;
  /** Clip gradients to this global L2 norm (as `torch.nn.utils.clip_grad_norm_`, eps 1e-6). Default off. */
  clipGradNorm?: number;
  /** Parameter groups (first match wins). */
  groups?: ParamGroup[];
}

/** SGD as `torch.optim.SGD` (momentum 0, dampening 0, nesterov false, weight_decay 0). */
export interface SgdConfig extends CommonConfig {
  type: 'sgd';
  momentum?: number;
  dampening?: number;
  nesterov?: boolean;
}

/** Adam as `torch.optim.Adam` (betas [0.9, 0.999], eps 1e-8, L2 weight_decay 0). */
export interface AdamConfig extends CommonConfig {
  type: 'adam';
  betas?: [number, number];
  eps?: number;
}

/** AdamW as `torch.optim.AdamW` (betas [0.9, 0.999], eps 1e-8, decoupled weight_decay 0.01). */
export interface AdamWConfig extends CommonConfig {
  type: 'adamw';
  betas?: [number, number];
  eps?: number;
}

/**
 * Optimiser configuration. The learning rate and the step number are graph inputs (`lr`, `step`), so
 * schedules live outside the graph.
 *
 * @example
 * ```ts
 * const opt: OptimizerConfig = { type: 'adamw', weightDecay: 0.01, clipGradNorm: 5 };
 * ```
 */
export type OptimizerConfig = SgdConfig | AdamConfig | AdamWConfig;

/** One optimiser state slot (an extra graph input/output, zero-initialised). */
export interface OptimizerSlot {
  /** Graph input name, e.g. `optim.m.block1.conv.weight`. */
  name: string;
  param: string;
  value: Tensor;
}

/** Result of {@link applyOptimizer}. */
export interface OptimizerUpdate {
  /** Parameter name → its updated value. */
  params: Map<string, SymTensor>;
  /** Slot name → its updated value. */
  slots: Map<string, SymTensor>;
  /** The state slots (inputs) with their initial values. */
  slotInfo: OptimizerSlot[];
  /** Global gradient norm before clipping (a scalar), when clipping is on. */
  gradNorm?: SymTensor;
}

/**
 * The group a parameter falls into (or `undefined`): the first whose `match` accepts it.
 * @example
 * ```ts
 * groupOf(b.params.get('fc.bias')!, [{ match: /bias$/, weightDecay: 0 }]);
 * ```
 */
export function groupOf(param: ParamInfo, groups: readonly ParamGroup[] = []): ParamGroup | undefined {
  return groups.find((g) => (g.match instanceof RegExp ? g.match.test(param.name) : g.match(param)));
}

/**
 * Emits one optimiser update for every parameter in `grads` (standard ONNX ops), with `lr` and `step`
 * (1 for the first update) as scalar graph tensors.
 *
 * @example
 * ```ts
 * const lr = b.input('lr', 'float32', []);
 * const step = b.input('step', 'float32', []);
 * const upd = applyOptimizer(b, grads, { type: 'adamw', weightDecay: 0.01 }, lr, step);
 * ```
 */
export function applyOptimizer(
  b: GraphBuilder,
  grads: Map<string, SymTensor>,
  config: OptimizerConfig,
  lr: SymTensor,
  step: SymTensor,
): OptimizerUpdate {
  validate(config);
  const out: OptimizerUpdate = { params: new Map(), slots: new Map(), slotInfo: [] };
  let scaled = grads;
  if (config.clipGradNorm !== undefined) {
    let total: SymTensor | undefined;
    for (const g of grads.values()) {
      const s = b.reduceSumSquare(
        g,
        Array.from({ length: g.rank }, (_, i) => i),
      );
      total = total ? b.add(total, s) : s;
    }
    if (total) {
      const norm = b.sqrt(total);
      out.gradNorm = norm;
      const coef = b.minimum(b.div(config.clipGradNorm, b.add(norm, 1e-6)), 1);
      scaled = new Map([...grads].map(([k, g]) => [k, b.mul(g, coef)]));
    }
  }
  const slot = (kind: string, param: string): SymTensor => {
    const info = b.params.get(param)!;
    const name = `optim.${kind}.${param}`;
    const value = Tensor.zeros(info.value.dtype, info.value.dims);
    out.slotInfo.push({ name, param, value });
    return b.input(name, info.value.dtype as 'float32', [...info.value.dims]);
  };
  const defaultWd = config.weightDecay ?? (config.type === 'adamw' ? 0.01 : 0);
  let bc1: SymTensor | undefined;
  let bc2Sqrt: SymTensor | undefined;
  for (const [name, g0] of scaled) {
    const info = b.params.get(name)!;
    const group = groupOf(info, config.groups);
    const wd = group?.weightDecay ?? (info.decay ? defaultWd : 0);
    const plr = group?.lrScale !== undefined && group.lrScale !== 1 ? b.mul(lr, group.lrScale) : lr;
    const p = b.sym(name);
    b.scope(`optim`, () => {
      let g = g0;
      if (config.type === 'sgd') {
        if (wd) g = b.add(g, b.mul(p, wd));
        const mom = config.momentum ?? 0;
        let d = g;
        if (mom) {
          const buf = slot('momentum', name);
          const damp = config.dampening ?? 0;
          let nb = b.add(b.mul(buf, mom), damp ? b.mul(g, 1 - damp) : g);
          if (damp) nb = b.where(b.less(step, 1.5), g, nb); // PyTorch: the first step copies the gradient
          out.slots.set(buf.name, nb);
          d = config.nesterov ? b.add(g, b.mul(nb, mom)) : nb;
        }
        out.params.set(name, b.sub(p, b.mul(d, plr)));
        return;
      }
      const [b1, b2] = config.betas ?? [0.9, 0.999];
      const eps = config.eps ?? 1e-8;
      if (config.type === 'adam' && wd) g = b.add(g, b.mul(p, wd));
      let p1 = p;
      if (config.type === 'adamw' && wd) p1 = b.mul(p, b.sub(1, b.mul(plr, wd)));
      const m = slot('m', name);
      const v = slot('v', name);
      const m1 = b.add(b.mul(m, b1), b.mul(g, 1 - b1));
      const v1 = b.add(b.mul(v, b2), b.mul(b.mul(g, g), 1 - b2));
      bc1 ??= b.sub(1, b.pow(b.constant(b1, step.dtype), step));
      bc2Sqrt ??= b.sqrt(b.sub(1, b.pow(b.constant(b2, step.dtype), step)));
      const denom = b.add(b.div(b.sqrt(v1), bc2Sqrt), eps);
      const stepSize = b.div(plr, bc1);
      out.params.set(name, b.sub(p1, b.mul(stepSize, b.div(m1, denom))));
      out.slots.set(m.name, m1);
      out.slots.set(v.name, v1);
    });
  }
  return out;
}

function validate(c: OptimizerConfig): void {
  const bad = (key: string, value: unknown, expected: string) => {
    throw new ConfigError(`optimizer.${key} must be ${expected}, got ${JSON.stringify(value)}.`, {
      details: { key, actual: value, expected },
    });
  };
  if (!['sgd', 'adam', 'adamw'].includes(c.type)) bad('type', c.type, "'sgd', 'adam' or 'adamw'");
  if (c.weightDecay !== undefined && !(c.weightDecay >= 0)) bad('weightDecay', c.weightDecay, '≥ 0');
  if (c.clipGradNorm !== undefined && !(c.clipGradNorm > 0)) bad('clipGradNorm', c.clipGradNorm, '> 0');
  if (c.type === 'sgd') {
    if (c.momentum !== undefined && !(c.momentum >= 0)) bad('momentum', c.momentum, '≥ 0');
    if (c.nesterov && !(c.momentum! > 0 && !c.dampening))
      bad('nesterov', c.nesterov, 'used with momentum > 0 and dampening 0');
  } else {
    const [b1, b2] = c.betas ?? [0.9, 0.999];
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) bad('betas', c.betas, 'two numbers in [0, 1)');
    if (c.eps !== undefined && !(c.eps > 0)) bad('eps', c.eps, '> 0');
  }
}
