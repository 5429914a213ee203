import { Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { encodeModel, GraphBuilder, gradients, lowerGraph, type SymTensor } from '../src/index.js';

export interface GradCase {
  /** Inputs to create: name → shape (random normal unless `init` is given). */
  inputs: Record<string, number[]>;
  init?: Record<string, (rng: Rng, n: number) => number[]>;
  /** Which inputs to differentiate (default all). */
  wrt?: string[];
  build: (b: GraphBuilder, x: Record<string, SymTensor>) => SymTensor;
  dtype?: 'float32' | 'float64';
  mode?: 'train' | 'eval';
  /** Elements checked per input (default 12). */
  samples?: number;
  seed?: number;
}

/** Central finite differences vs autodiff through onnxruntime-node; returns the worst relative error. */
export async function gradCheck(c: GradCase): Promise<{ maxErr: number; details: string[] }> {
  const dtype = c.dtype ?? 'float64';
  const rng = new Rng(c.seed ?? 1);
  const b = new GraphBuilder({ dtype, mode: c.mode ?? 'train' });
  const syms: Record<string, SymTensor> = {};
  const values: Record<string, Tensor> = {};
  for (const [name, shape] of Object.entries(c.inputs)) {
    syms[name] = b.input(name, dtype, shape);
    const n = shape.reduce((p, v) => p * v, 1);
    const vals = c.init?.[name]?.(rng, n) ?? Array.from({ length: n }, () => rng.normal());
    values[name] = Tensor.from(dtype, vals, shape);
  }
  const out = c.build(b, syms);
  const n = out.shape.reduce<number>((p, v) => p * (v as number), 1);
  const r = b.constant(
    Tensor.from(
      dtype,
      Array.from({ length: n }, () => rng.normal()),
      out.shape as number[],
    ),
  );
  const loss = b.reduceSum(
    b.mul(out, r),
    Array.from({ length: out.rank }, (_, i) => i),
  );
  const wrt = (c.wrt ?? Object.keys(c.inputs)).map((k) => syms[k]!);
  const grads = gradients(b, loss, wrt);
  b.output('loss', loss);
  grads.forEach((g, i) => {
    b.output(`grad_${wrt[i]!.name}`, g);
  });
  const graph = lowerGraph(b.toGraph());
  const { model } = encodeModel(graph);
  const session = await ort.InferenceSession.create(model, {
    intraOpNumThreads: 1,
    graphOptimizationLevel: 'disabled',
  });
  const extra: Record<string, ort.Tensor> = {};
  for (const [k, buf] of b.buffers) extra[k] = buf.value.toOrt(ort.Tensor);
  for (const m of b.dropoutMasks) {
    const shape = m.shape as number[];
    const n = shape.reduce((p, v) => p * v, 1);
    extra[m.name] = Tensor.from(
      dtype,
      Array.from({ length: n }, () => (rng.bernoulli(m.p) ? 0 : 1 / (1 - m.p))),
      shape,
    ).toOrt(ort.Tensor);
  }
  const feeds = () => ({
    ...extra,
    ...Object.fromEntries(Object.entries(values).map(([k, t]) => [k, t.toOrt(ort.Tensor)])),
  });
  const base = await session.run(feeds());
  const eps = dtype === 'float64' ? 1e-6 : 1e-2;
  let maxErr = 0;
  const details: string[] = [];
  for (const w of wrt) {
    const t = values[w.name]!;
    const g = base[`grad_${w.name}`]!.data as Float64Array;
    const count = Math.min(t.size, c.samples ?? 12);
    const idx = t.size <= count ? Array.from({ length: t.size }, (_, i) => i) : rng.choice(t.size, count);
    for (const i of idx) {
      const orig = t.data[i] as number;
      t.data[i] = orig + eps;
      const lp = (await session.run(feeds(), ['loss'])).loss!.data[0] as number;
      t.data[i] = orig - eps;
      const lm = (await session.run(feeds(), ['loss'])).loss!.data[0] as number;
      t.data[i] = orig;
      const num = (lp - lm) / (2 * eps);
      const ana = g[i]!;
      const scale = dtype === 'float64' ? 1e-6 : 1e-2;
      const err = Math.abs(num - ana) / Math.max(Math.abs(num), Math.abs(ana), scale * 100);
      if (err > maxErr) maxErr = err;
      if (err > (dtype === 'float64' ? 1e-5 : 3e-3))
        details.push(`${w.name}[${i}]: numeric ${num} vs autodiff ${ana}`);
    }
  }
  await session.release();
  return { maxErr, details };
}
