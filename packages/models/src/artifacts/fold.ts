import { Tensor } from '@instr/core';
import type { IrGraph, IrNode } from '../onnx/ir.js';

/**
 * Folds eval-mode BatchNormalization into the preceding Conv when the conv's weight (and bias) and the
 * batch-norm's parameters are initializers and the conv output feeds only that batch-norm:
 * `W' = W·γ/√(σ²+ε)` per output channel, `b' = (b − μ)·γ/√(σ²+ε) + β`. Returns a new graph.
 *
 * @example
 * ```ts
 * const folded = foldBatchNorm(lowerGraph(b.toGraph()));
 * ```
 */
export function foldBatchNorm(graph: IrGraph): IrGraph {
  const uses = new Map<string, number>();
  for (const n of graph.nodes) for (const i of n.inputs) uses.set(i, (uses.get(i) ?? 0) + 1);
  for (const o of graph.outputs) uses.set(o.name, (uses.get(o.name) ?? 0) + 1);
  const producer = new Map<string, IrNode>();
  for (const n of graph.nodes) for (const o of n.outputs) producer.set(o, n);
  const init = new Map(graph.initializers);
  const removed = new Set<IrNode>();
  const replaced = new Map<IrNode, IrNode>();
  for (const bn of graph.nodes) {
    if (bn.op !== 'BatchNormalization' || bn.outputs.length !== 1) continue;
    const conv = producer.get(bn.inputs[0]!);
    if (!conv || conv.op !== 'Conv' || uses.get(bn.inputs[0]!) !== 1) continue;
    const [, wName, bName] = conv.inputs;
    const w = init.get(wName!);
    const [gamma, beta, mean, variance] = bn.inputs.slice(1).map((n) => init.get(n));
    if (!w || !gamma || !beta || !mean || !variance || (uses.get(wName!) ?? 0) > 1) continue;
    const bias = bName ? init.get(bName) : undefined;
    if (bName && (!bias || (uses.get(bName) ?? 0) > 1)) continue;
    const eps = bn.attrs.epsilon && 'f' in bn.attrs.epsilon ? bn.attrs.epsilon.f : 1e-5;
    const cout = w.dims[0]!;
    const per = w.size / cout;
    const nw = Tensor.zeros(w.dtype as 'float32', w.dims);
    const nb = Tensor.zeros(w.dtype as 'float32', [cout]);
    const W = w.data as Float32Array;
    for (let c = 0; c < cout; c++) {
      const s = (gamma.data[c] as number) / Math.sqrt((variance.data[c] as number) + eps);
      for (let i = 0; i < per; i++) nw.data[c * per + i] = W[c * per + i]! * s;
      nb.data[c] =
        ((bias ? (bias.data[c] as number) : 0) - (mean.data[c] as number)) * s + (beta.data[c] as number);
    }
    const wNew = `${wName}.folded`;
    const bNew = `${wName}.folded_bias`;
    init.set(wNew, nw);
    init.set(bNew, nb);
    replaced.set(conv, { ...conv, inputs: [conv.inputs[0]!, wNew, bNew], outputs: [bn.outputs[0]!] });
    removed.add(bn);
  }
  const nodes = graph.nodes.filter((n) => !removed.has(n)).map((n) => replaced.get(n) ?? n);
  const used = new Set(nodes.flatMap((n) => n.inputs));
  for (const o of graph.outputs) used.add(o.name);
  const initializers = new Map([...init].filter(([k]) => used.has(k)));
  return { ...graph, nodes, initializers };
}
