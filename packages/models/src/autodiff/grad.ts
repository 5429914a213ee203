import { InvalidArgumentError, ModelError, ShapeError, Tensor } from '@instr/core';
import type { GraphBuilder, SymTensor } from '../graph/builder.js';
import { fmtShape } from '../graph/shape.js';
import type { Attr, IrNode } from '../onnx/ir.js';
import { RULES } from './rules.js';

/** What a gradient rule receives for one forward node. */
export interface GradContext {
  /** The builder to emit backward ops into. */
  b: GraphBuilder;
  node: IrNode;
  /** Forward inputs (`undefined` for omitted optional inputs). */
  inputs: (SymTensor | undefined)[];
  /** Forward outputs. */
  outputs: SymTensor[];
  /** Gradient of the loss w.r.t. each output (`undefined` where no gradient flows). */
  dy: (SymTensor | undefined)[];
  /** Which inputs need a gradient; rules may skip the others. */
  needs: boolean[];
  /** An int attribute (or `fallback`). */
  int(name: string, fallback: number): number;
  /** A float attribute (or `fallback`). */
  float(name: string, fallback: number): number;
  /** An ints attribute (or `fallback`). */
  ints(name: string, fallback: readonly number[]): number[];
  /** The values of a constant (initializer) input, e.g. axes of ReduceSum. */
  constInts(index: number): number[] | undefined;
}

/**
 * One reverse-mode rule: given the output gradients, returns the gradient of each input
 * (`undefined` for inputs that get none). Rules emit standard ops through `ctx.b`.
 */
export type GradRule = (ctx: GradContext) => (SymTensor | undefined)[];

/**
 * Adds or replaces the gradient rule of an op type (e.g. for an op emitted with {@link GraphBuilder.emit}).
 *
 * @example
 * ```ts
 * registerGradient('Softsign', ({ b, inputs: [x], dy: [g] }) => {
 *   const d = b.add(b.abs(x!), 1);
 *   return [b.div(g!, b.mul(d, d))];
 * });
 * ```
 */
export function registerGradient(op: string, rule: GradRule): void {
  RULES[op] = rule;
}

/** Ops that never carry gradient (integer / boolean results, shapes). */
const NON_DIFF = new Set([
  'Shape',
  'Size',
  'Greater',
  'Less',
  'Equal',
  'Not',
  'And',
  'Or',
  'Sign',
  'ConstantOfShape',
  'ArgMax',
  'ArgMin',
  'Floor',
  'Ceil',
  'Round',
]);

/** Options of {@link gradients}. */
export interface GradientsOptions {
  /** Gradient to seed the loss with (default: ones; the loss must then be a scalar). */
  seed?: SymTensor;
}

/**
 * Reverse-mode automatic differentiation over the builder's graph: appends the backward graph (standard ONNX
 * ops, one rule per op) and returns the gradient of `loss` w.r.t. each tensor in `wrt` (same order).
 * Only nodes on a path from some `wrt` tensor to the loss are differentiated, so frozen parameters and
 * the input cost nothing. Gradients of tensors used several times are summed; broadcasting is undone by
 * ReduceSum over the broadcast axes. A `wrt` tensor the loss does not depend on gets a zero gradient.
 *
 * @example
 * ```ts
 * const loss = bceWithLogits(b, logits, target);
 * const [dW, dB] = gradients(b, loss, [w, bias]);
 * ```
 */
export function gradients(
  b: GraphBuilder,
  loss: SymTensor,
  wrt: readonly SymTensor[],
  options: GradientsOptions = {},
): SymTensor[] {
  if (!options.seed && loss.rank !== 0) {
    throw new ShapeError(
      `gradients: the loss must be a scalar, got shape ${fmtShape(loss.shape)}; reduce it first or pass a seed.`,
      {
        details: { expected: [], actual: loss.shape },
      },
    );
  }
  const nodes = b.nodes.slice();
  const lossIndex = nodes.findIndex((n) => n.outputs.includes(loss.name));
  if (lossIndex < 0) throw new InvalidArgumentError(`gradients: "${loss.name}" is not computed by any node.`);
  // forward reachability from wrt
  const reach = new Set(wrt.map((w) => w.name));
  for (const n of nodes) {
    if (NON_DIFF.has(n.op)) continue;
    if (n.inputs.some((i) => reach.has(i))) for (const o of n.outputs) reach.add(o);
  }
  const grads = new Map<string, SymTensor>();
  grads.set(loss.name, options.seed ?? b.constant(1, loss.dtype));
  const accumulate = (name: string, g: SymTensor) => {
    const prev = grads.get(name);
    grads.set(name, prev ? b.add(prev, g) : g);
  };
  for (let i = lossIndex; i >= 0; i--) {
    const node = nodes[i]!;
    if (NON_DIFF.has(node.op)) continue;
    const dy = node.outputs.map((o) => grads.get(o));
    if (dy.every((g) => g === undefined)) continue;
    const needs = node.inputs.map((x) => x !== '' && reach.has(x));
    if (!needs.some(Boolean)) continue;
    const rule = RULES[node.op];
    if (!rule) {
      throw new ModelError(
        `gradients: no gradient rule for op ${node.op} (node "${node.name}"); add one with registerGradient().`,
        {
          details: { actual: node.op, key: node.name },
        },
      );
    }
    const ctx: GradContext = {
      b,
      node,
      inputs: node.inputs.map((x) => (x === '' ? undefined : b.sym(x))),
      outputs: node.outputs.map((o) => b.sym(o)),
      dy,
      needs,
      int: (name, fb) => attrNum(node.attrs[name], fb),
      float: (name, fb) => attrNum(node.attrs[name], fb),
      ints: (name, fb) => {
        const a = node.attrs[name];
        return a && 'ints' in a ? [...a.ints] : [...fb];
      },
      constInts: (index) => {
        const t = b.constants.get(node.inputs[index] ?? '');
        return t ? Array.from(t.data as ArrayLike<number | bigint>, Number) : undefined;
      },
    };
    const dx = b.scope(`grad`, () => rule(ctx));
    dx.forEach((g, j) => {
      if (g && needs[j]) accumulate(node.inputs[j]!, g);
    });
  }
  return wrt.map((w) => {
    const g = grads.get(w.name);
    if (g) return g;
    const shape = w.shape.map((d) => (typeof d === 'number' ? d : 1));
    return b.constant(Tensor.zeros(w.dtype as 'float32', shape));
  });
}

function attrNum(a: Attr | undefined, fb: number): number {
  if (!a) return fb;
  if ('i' in a) return a.i;
  if ('f' in a) return a.f;
  return fb;
}
