import { ModelError, Tensor } from '@instr/core';
import type { Attr, IrGraph, IrNode } from '../onnx/ir.js';

/**
 * Expands instr composite ops (domain `instr`: `BatchNormTrain`, `Gelu`) into standard ONNX opset-17 ops,
 * keeping their output names, so the graph can be encoded and run by any ONNX runtime.
 *
 * @example
 * ```ts
 * const { model } = encodeModel(lowerGraph(b.toGraph()));
 * ```
 */
export function lowerGraph(graph: IrGraph): IrGraph {
  if (!graph.nodes.some((n) => n.domain === 'instr')) return graph;
  const nodes: IrNode[] = [];
  const initializers = new Map(graph.initializers);
  let k = 0;
  for (const node of graph.nodes) {
    if (node.domain !== 'instr') {
      nodes.push(node);
      continue;
    }
    const tmp = (tag: string) => `${node.name}/${tag}_${k++}`;
    const mk = (op: string, inputs: string[], attrs: Record<string, Attr> = {}, out = tmp(op)): string => {
      nodes.push({ op, domain: '', name: tmp(`${op}_node`), inputs, outputs: [out], attrs });
      return out;
    };
    const constant = (t: Tensor): string => {
      const name = tmp('const');
      initializers.set(name, t);
      return name;
    };
    if (node.op === 'Gelu') {
      const x = node.inputs[0]!;
      const fdt =
        node.attrs.dtype && 'i' in node.attrs.dtype && node.attrs.dtype.i === 11 ? 'float64' : 'float32';
      const c = (v: number) => constant(Tensor.from(fdt, [v], []));
      const e = mk('Erf', [mk('Mul', [x, c(Math.SQRT1_2)])]);
      const half = mk('Mul', [mk('Add', [e, c(1)]), c(0.5)]);
      mk('Mul', [x, half], {}, node.outputs[0]);
      continue;
    }
    if (node.op === 'BatchNormTrain') {
      const [x, gamma, beta] = node.inputs as [string, string, string];
      const [y, mean, varB, xc, invstd] = node.outputs as [string, string, string, string, string];
      const rank = Number((node.attrs.rank as { i: number }).i);
      const fdt = (node.attrs.dtype as { i: number }).i === 11 ? 'float64' : 'float32';
      const eps = (node.attrs.epsilon as { f: number }).f;
      const axes = [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2)];
      const kshape = constant(Tensor.from('int64', [1, -1, ...Array.from({ length: rank - 2 }, () => 1)]));
      const cshape = constant(Tensor.from('int64', [-1]));
      const meanK = mk('ReduceMean', [x], { axes: { ints: axes }, keepdims: { i: 1 } });
      mk('Sub', [x, meanK], {}, xc);
      const ss = mk('ReduceSumSquare', [xc], { axes: { ints: axes }, keepdims: { i: 1 } });
      // per-channel count = Size(x) / C
      const count = mk('Div', [
        mk('Cast', [mk('Size', [x])], { to: { i: fdt === 'float64' ? 11 : 1 } }),
        mk('Cast', [mk('Size', [meanK])], { to: { i: fdt === 'float64' ? 11 : 1 } }),
      ]);
      const varK = mk('Div', [ss, count]);
      const invK = mk('Reciprocal', [mk('Sqrt', [mk('Add', [varK, constant(Tensor.from(fdt, [eps], []))])])]);
      const scaleK = mk('Mul', [invK, mk('Reshape', [gamma, kshape])]);
      mk('Add', [mk('Mul', [xc, scaleK]), mk('Reshape', [beta, kshape])], {}, y);
      mk('Reshape', [meanK, cshape], {}, mean);
      mk('Reshape', [varK, cshape], {}, varB);
      mk('Reshape', [invK, cshape], {}, invstd);
      continue;
    }
    throw new ModelError(`No lowering for composite op instr.${node.op} (node "${node.name}").`, {
      details: { actual: node.op },
    });
  }
  return { ...graph, nodes, initializers };
}
