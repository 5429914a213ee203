import { InvalidArgumentError, ModelError, ShapeError, Tensor } from '@instr/core';
import type { GraphBuilder, SymTensor } from '../graph/builder.js';
import { fmtShape, isStatic } from '../graph/shape.js';
import type { Dim } from '../onnx/ir.js';
import type { GradContext, GradRule } from './grad.js';

/**
 * Sums `g` over the axes that broadcasting expanded so that it gets `target`'s shape.
 *
 * @example
 * ```ts
 * unbroadcast(b, dy, bias.shape); // [N, C, H, W] → [C, 1, 1]
 * ```
 */
export function unbroadcast(b: GraphBuilder, g: SymTensor, target: readonly Dim[]): SymTensor {
  const lead = g.rank - target.length;
  const keepAxes: number[] = [];
  for (let i = 0; i < target.length; i++) {
    const gd = g.shape[i + lead]!;
    if (target[i] === 1 && gd !== 1) keepAxes.push(i + lead);
  }
  let out = g;
  if (keepAxes.length) out = b.reduceSum(out, keepAxes, true);
  if (lead > 0)
    out = b.reduceSum(
      out,
      Array.from({ length: lead }, (_, i) => i),
      false,
    );
  return out;
}

function staticDims(shape: readonly Dim[], what: string, where: string): number[] {
  if (!isStatic(shape)) {
    throw new ShapeError(`${where}: the gradient needs static ${what}, got ${fmtShape(shape)}.`, {
      details: { actual: shape },
    });
  }
  return shape;
}

/** Expands a reduced gradient back to the input's runtime shape. */
function expandBack(
  b: GraphBuilder,
  g: SymTensor,
  x: SymTensor,
  axes: number[],
  keepdims: boolean,
): SymTensor {
  const gk = keepdims ? g : b.unsqueeze(g, axes);
  return b.expand(gk, b.shapeOf(x), x.shape);
}

function reduceAxes(ctx: GradContext): number[] {
  const x = ctx.inputs[0]!;
  const ax = ctx.node.op === 'ReduceSum' ? ctx.constInts(1) : ctx.ints('axes', []);
  const list = ax && ax.length ? ax : Array.from({ length: x.rank }, (_, i) => i);
  return list.map((a) => (a < 0 ? a + x.rank : a));
}

function convGeometry(ctx: GradContext) {
  const x = ctx.inputs[0]!;
  const w = ctx.inputs[1]!;
  const k = x.rank - 2;
  const kernel = ctx.ints('kernel_shape', w.shape.slice(2) as number[]);
  const strides = ctx.ints('strides', new Array(k).fill(1));
  const pads = ctx.ints('pads', new Array(2 * k).fill(0));
  const dil = ctx.ints('dilations', new Array(k).fill(1));
  const group = ctx.int('group', 1);
  return { k, kernel, strides, pads, dil, group };
}

/** dX of a convolution: ConvTranspose(dY, W) with output_padding restoring the input size. */
function convDX(ctx: GradContext, dy: SymTensor): SymTensor {
  const { b } = ctx;
  const x = ctx.inputs[0]!;
  const w = ctx.inputs[1]!;
  const { k, kernel, strides, pads, dil, group } = convGeometry(ctx);
  const where = b.label('Conv backward');
  const spatial = staticDims(x.shape.slice(2), 'spatial input dims', where);
  const outPad = spatial.map(
    (h, i) => (h + pads[i]! + pads[i + k]! - dil[i]! * (kernel[i]! - 1) - 1) % strides[i]!,
  );
  return b.emit(
    'ConvTranspose',
    [dy, w],
    {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      pads: { ints: pads },
      dilations: { ints: dil },
      group: { i: group },
      output_padding: { ints: outPad },
    },
    [{ dtype: x.dtype, shape: x.shape }],
  )[0]!;
}

/** Tuning of the Conv weight-gradient rule (see {@link configureConvGradient}). */
export interface ConvGradientOptions {
  /**
   * Largest im2col buffer, in bytes per example, for which dW is one batched MatMul over the whole im2col
   * `[N, C, k·k, *out]`. Larger layers take the same products one kernel offset at a time (one strided
   * Slice of the input, a batched MatMul with dY, a sum over the batch), so the extra memory is one copy of
   * the input instead of k·k copies. Default 8 MiB (batch 16: 128 MiB): the reference CNN stays on the
   * single-MatMul path; CNN-model-1's full-resolution 64/128-channel layers (38 MB per example) are chunked.
   */
  im2colBytesPerExample?: number;
}

const convGradientOptions: Required<ConvGradientOptions> = { im2colBytesPerExample: 8 * 2 ** 20 };

/**
 * Sets how the Conv gradient rule trades memory for speed (affects graphs built afterwards) and returns
 * the previous settings.
 *
 * @example
 * ```ts
 * const previous = configureConvGradient({ im2colBytesPerExample: 0 }); // always one offset at a time
 * // ... build training artifacts ...
 * configureConvGradient(previous);
 * ```
 */
export function configureConvGradient(options: ConvGradientOptions): Required<ConvGradientOptions> {
  const previous = { ...convGradientOptions };
  const v = options.im2colBytesPerExample;
  if (v !== undefined) {
    if (!(v >= 0)) {
      throw new InvalidArgumentError(
        `configureConvGradient: im2colBytesPerExample must be a number ≥ 0, got ${v}.`,
        { details: { im2colBytesPerExample: v } },
      );
    }
    convGradientOptions.im2colBytesPerExample = v;
  }
  return previous;
}

/**
 * dW of a convolution by im2col (strided Slices) and batched MatMuls: one MatMul over the concatenated
 * im2col when it is small, one per kernel offset when it is large (see {@link ConvGradientOptions}).
 */
function convDW(ctx: GradContext, dy: SymTensor): SymTensor {
  const { b } = ctx;
  const x = ctx.inputs[0]!;
  const w = ctx.inputs[1]!;
  const { k, kernel, strides, pads, dil, group } = convGeometry(ctx);
  const where = b.label('Conv backward');
  const outSp = staticDims(dy.shape.slice(2), 'spatial output dims', where);
  const cin = staticDims([x.shape[1]!], 'channels', where)[0]!;
  const cout = w.shape[0] as number;
  const cg = cin / group;
  const coutg = cout / group;
  const kk = kernel.reduce((p, v) => p * v, 1);
  const hw = outSp.reduce((p, v) => p * v, 1);
  const itemBytes = x.dtype === 'float64' ? 8 : 4;
  const chunked = kk > 1 && cin * kk * hw * itemBytes > convGradientOptions.im2colBytesPerExample;
  const xp = pads.some((p) => p > 0) ? b.pad(x, [0, 0, ...pads.slice(0, k), 0, 0, ...pads.slice(k)]) : x;
  const offsets: number[][] = [[]];
  for (let a = 0; a < k; a++) {
    const next: number[][] = [];
    for (const o of offsets) for (let j = 0; j < kernel[a]!; j++) next.push([...o, j]);
    offsets.splice(0, offsets.length, ...next);
  }
  const axes = Array.from({ length: k }, (_, i) => i + 2);
  const dyT = b.transpose(b.reshape(dy, [0, group, coutg, hw]), [0, 1, 3, 2]); // [N, G, HW, Coutg]
  const sliceAt = (o: number[]): SymTensor => {
    const starts = o.map((j, a) => j * dil[a]!);
    const ends = starts.map((s, a) => s + (outSp[a]! - 1) * strides[a]! + 1);
    const identity =
      starts.every((s) => s === 0) &&
      strides.every((s) => s === 1) &&
      xp.shape.slice(2).every((d, a) => d === ends[a]);
    return identity ? xp : b.slice(xp, { starts, ends, axes, steps: strides });
  };
  if (chunked) {
    // One offset at a time: [N, G, Cg, HW] @ [N, G, HW, Coutg] summed over N → [G, Cg, 1, Coutg].
    const parts = offsets.map((o) =>
      b.unsqueeze(b.reduceSum(b.matmul(b.reshape(sliceAt(o), [0, group, cg, hw]), dyT), [0]), [2]),
    );
    const prod = b.concat(parts, 2); // [G, Cg, K, Coutg]
    return b.reshape(b.transpose(prod, [0, 3, 1, 2]), w.shape as number[]);
  }
  const cols = offsets.map((o) => b.unsqueeze(sliceAt(o), [2]));
  const col = cols.length === 1 ? cols[0]! : b.concat(cols, 2); // [N, C, K, *out]
  const colR = b.reshape(col, [0, group, cg * kk, hw]);
  const prod = b.reduceSum(b.matmul(colR, dyT), [0]); // [G, CgK, Coutg]
  return b.reshape(b.transpose(prod, [0, 2, 1]), w.shape as number[]);
}

function poolTransposeWeight(
  b: GraphBuilder,
  c: number,
  kernel: number[],
  value: number,
  dtype: string,
): SymTensor {
  const size = c * kernel.reduce((p, v) => p * v, 1);
  return b.constant(Tensor.from(dtype as 'float32', new Array(size).fill(value), [c, 1, ...kernel]));
}

const zerosLike = (b: GraphBuilder, x: SymTensor) => b.mul(x, 0);

/** The built-in rules, one per op. */
export const RULES: Record<string, GradRule> = {
  Identity: ({ dy: [g] }) => [g],
  Add: ({ b, inputs: [x, y], dy: [g], needs }) => [
    needs[0] ? unbroadcast(b, g!, x!.shape) : undefined,
    needs[1] ? unbroadcast(b, g!, y!.shape) : undefined,
  ],
  Sub: ({ b, inputs: [x, y], dy: [g], needs }) => [
    needs[0] ? unbroadcast(b, g!, x!.shape) : undefined,
    needs[1] ? unbroadcast(b, b.neg(g!), y!.shape) : undefined,
  ],
  Mul: ({ b, inputs: [x, y], dy: [g], needs }) => [
    needs[0] ? unbroadcast(b, b.mul(g!, y!), x!.shape) : undefined,
    needs[1] ? unbroadcast(b, b.mul(g!, x!), y!.shape) : undefined,
  ],
  Div: ({ b, inputs: [x, y], outputs: [z], dy: [g], needs }) => [
    needs[0] ? unbroadcast(b, b.div(g!, y!), x!.shape) : undefined,
    needs[1] ? unbroadcast(b, b.neg(b.div(b.mul(g!, z!), y!)), y!.shape) : undefined,
  ],
  Pow: ({ b, inputs: [x, e], outputs: [z], dy: [g], needs }) => [
    needs[0] ? unbroadcast(b, b.mul(g!, b.mul(e!, b.pow(x!, b.sub(e!, 1)))), x!.shape) : undefined,
    needs[1] ? unbroadcast(b, b.mul(g!, b.mul(z!, b.log(x!))), e!.shape) : undefined,
  ],
  Max: ({ b, inputs: [x, y], dy: [g], needs }) => {
    const yWins = b.greater(y!, x!);
    return [
      needs[0] ? unbroadcast(b, b.where(yWins, 0, g!), x!.shape) : undefined,
      needs[1] ? unbroadcast(b, b.where(yWins, g!, 0), y!.shape) : undefined,
    ];
  },
  Min: ({ b, inputs: [x, y], dy: [g], needs }) => {
    const yWins = b.less(y!, x!);
    return [
      needs[0] ? unbroadcast(b, b.where(yWins, 0, g!), x!.shape) : undefined,
      needs[1] ? unbroadcast(b, b.where(yWins, g!, 0), y!.shape) : undefined,
    ];
  },
  Where: ({ b, inputs: [c, x, y], dy: [g], needs }) => [
    undefined,
    needs[1] ? unbroadcast(b, b.where(c!, g!, 0), x!.shape) : undefined,
    needs[2] ? unbroadcast(b, b.where(c!, 0, g!), y!.shape) : undefined,
  ],
  Neg: ({ b, dy: [g] }) => [b.neg(g!)],
  Exp: ({ b, outputs: [z], dy: [g] }) => [b.mul(g!, z!)],
  Log: ({ b, inputs: [x], dy: [g] }) => [b.div(g!, x!)],
  Sqrt: ({ b, outputs: [z], dy: [g] }) => [b.div(b.mul(g!, 0.5), z!)],
  Reciprocal: ({ b, outputs: [z], dy: [g] }) => [b.neg(b.mul(g!, b.mul(z!, z!)))],
  Abs: ({ b, inputs: [x], dy: [g] }) => [
    b.mul(g!, b.emit('Sign', [x!], {}, [{ dtype: x!.dtype, shape: x!.shape }])[0]!),
  ],
  Erf: ({ b, inputs: [x], dy: [g] }) => [
    b.mul(g!, b.mul(b.exp(b.neg(b.mul(x!, x!))), 2 / Math.sqrt(Math.PI))),
  ],
  Cast: ({ b, inputs: [x], dy: [g] }) => [x!.dtype.startsWith('float') ? b.cast(g!, x!.dtype) : undefined],
  Relu: ({ b, outputs: [z], dy: [g] }) => [b.where(b.greater(z!, 0), g!, 0)],
  LeakyRelu: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    return [b.where(b.greater(x!, 0), g!, b.mul(g!, ctx.float('alpha', 0.01)))];
  },
  Sigmoid: ({ b, outputs: [z], dy: [g] }) => [b.mul(g!, b.mul(z!, b.sub(1, z!)))],
  Tanh: ({ b, outputs: [z], dy: [g] }) => [b.mul(g!, b.sub(1, b.mul(z!, z!)))],
  HardSigmoid: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    const alpha = ctx.float('alpha', 0.2);
    const beta = ctx.float('beta', 0.5);
    const lin = b.add(b.mul(x!, alpha), beta);
    const inside = b.emit('And', [b.greater(lin, 0), b.less(lin, 1)], {}, [
      { dtype: 'bool', shape: x!.shape },
    ])[0]!;
    return [b.where(inside, b.mul(g!, alpha), 0)];
  },
  HardSwish: ({ b, inputs: [x], dy: [g] }) => {
    const mid = b.mul(g!, b.add(b.mul(x!, 1 / 3), 0.5));
    return [b.where(b.less(x!, -3), 0, b.where(b.greater(x!, 3), g!, mid))];
  },
  Gelu: ({ b, inputs: [x], dy: [g] }) => {
    const cdf = b.mul(b.add(b.erf(b.mul(x!, Math.SQRT1_2)), 1), 0.5);
    const pdf = b.mul(b.exp(b.mul(b.mul(x!, x!), -0.5)), 1 / Math.sqrt(2 * Math.PI));
    return [b.mul(g!, b.add(cdf, b.mul(x!, pdf)))];
  },
  Softmax: (ctx) => {
    const {
      b,
      outputs: [z],
      dy: [g],
    } = ctx;
    const axis = ctx.int('axis', -1);
    const s = b.reduceSum(b.mul(g!, z!), [axis], true);
    return [b.mul(z!, b.sub(g!, s))];
  },
  LogSoftmax: (ctx) => {
    const {
      b,
      outputs: [z],
      dy: [g],
    } = ctx;
    const axis = ctx.int('axis', -1);
    return [b.sub(g!, b.mul(b.exp(z!), b.reduceSum(g!, [axis], true)))];
  },
  MatMul: ({ b, inputs: [x, y], dy: [g], needs }) => {
    if (x!.rank < 2 || y!.rank < 2) {
      throw new ShapeError(
        `MatMul backward: rank-1 operands are not supported (${fmtShape(x!.shape)} @ ${fmtShape(y!.shape)}); reshape to 2-D.`,
      );
    }
    const tr = (t: SymTensor) =>
      b.transpose(t, [...Array.from({ length: t.rank - 2 }, (_, i) => i), t.rank - 1, t.rank - 2]);
    return [
      needs[0] ? unbroadcast(b, b.matmul(g!, tr(y!)), x!.shape) : undefined,
      needs[1] ? unbroadcast(b, b.matmul(tr(x!), g!), y!.shape) : undefined,
    ];
  },
  Gemm: (ctx) => {
    const {
      b,
      inputs: [a, bb, c],
      dy: [g],
      needs,
    } = ctx;
    const tA = ctx.int('transA', 0) === 1;
    const tB = ctx.int('transB', 0) === 1;
    const alpha = ctx.float('alpha', 1);
    const beta = ctx.float('beta', 1);
    const o = (x: object) => (alpha === 1 ? x : { ...x, alpha });
    let dA: SymTensor | undefined;
    let dB: SymTensor | undefined;
    if (needs[0]) {
      dA = !tA
        ? tB
          ? b.gemm(g!, bb!, undefined, o({}))
          : b.gemm(g!, bb!, undefined, o({ transB: true }))
        : tB
          ? b.gemm(bb!, g!, undefined, o({ transA: true, transB: true }))
          : b.gemm(bb!, g!, undefined, o({ transB: true }));
    }
    if (needs[1]) {
      dB = !tB
        ? tA
          ? b.gemm(a!, g!, undefined, o({}))
          : b.gemm(a!, g!, undefined, o({ transA: true }))
        : tA
          ? b.gemm(g!, a!, undefined, o({ transA: true, transB: true }))
          : b.gemm(g!, a!, undefined, o({ transA: true }));
    }
    const dC = needs[2] && c ? unbroadcast(b, beta === 1 ? g! : b.mul(g!, beta), c.shape) : undefined;
    return [dA, dB, dC];
  },
  Conv: (ctx) => {
    const {
      b,
      dy: [g],
      needs,
    } = ctx;
    const x = ctx.inputs[0]!;
    return [
      needs[0] ? convDX(ctx, g!) : undefined,
      needs[1] ? convDW(ctx, g!) : undefined,
      needs[2] ? b.reduceSum(g!, [0, ...Array.from({ length: x.rank - 2 }, (_, i) => i + 2)]) : undefined,
    ];
  },
  AveragePool: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    const k = x!.rank - 2;
    const kernel = ctx.ints('kernel_shape', []);
    const strides = ctx.ints('strides', new Array(k).fill(1));
    const pads = ctx.ints('pads', new Array(2 * k).fill(0));
    const where = b.label('AveragePool backward');
    if (ctx.int('count_include_pad', 0) === 0 && pads.some((p) => p > 0)) {
      throw new ModelError(
        `${where}: count_include_pad=0 with padding is not differentiable here; use countIncludePad: true.`,
      );
    }
    const c = staticDims([x!.shape[1]!], 'channels', where)[0]!;
    const spatial = staticDims(x!.shape.slice(2), 'spatial dims', where);
    const outPad = spatial.map((h, i) => (h + pads[i]! + pads[i + k]! - kernel[i]!) % strides[i]!);
    const area = kernel.reduce((p, v) => p * v, 1);
    const w = poolTransposeWeight(b, c, kernel, 1 / area, x!.dtype);
    return [
      b.emit(
        'ConvTranspose',
        [g!, w],
        {
          kernel_shape: { ints: kernel },
          strides: { ints: strides },
          pads: { ints: pads },
          group: { i: c },
          output_padding: { ints: outPad },
        },
        [{ dtype: x!.dtype, shape: x!.shape }],
      )[0]!,
    ];
  },
  MaxPool: ({ b, node, inputs: [x], outputs: [z], dy: [g] }) => {
    const [, idx] = b.emit('MaxPool', [x!], node.attrs, [
      { dtype: x!.dtype, shape: z!.shape },
      { dtype: 'int64', shape: z!.shape },
    ]);
    const flat = b.reshape(x!, [-1]);
    const zeros = zerosLike(b, flat);
    const scattered = b.emit(
      'ScatterElements',
      [zeros, b.reshape(idx!, [-1]), b.reshape(g!, [-1])],
      { axis: { i: 0 }, reduction: { s: 'add' } },
      [{ dtype: x!.dtype, shape: flat.shape }],
    )[0]!;
    return [b.reshapeTo(scattered, b.shapeOf(x!), x!.shape)];
  },
  GlobalAveragePool: ({ b, inputs: [x], outputs: [z], dy: [g] }) => {
    const sp = x!.shape.slice(2);
    const area = isStatic(sp)
      ? b.constant(1 / sp.reduce((p, v) => p * v, 1), x!.dtype)
      : b.div(
          b.cast(b.emit('Size', [z!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
          b.cast(b.emit('Size', [x!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
        );
    return [b.expand(b.mul(g!, area), b.shapeOf(x!), x!.shape)];
  },
  GlobalMaxPool: ({ b, inputs: [x], outputs: [z], dy: [g] }) => [b.where(b.equal(x!, z!), g!, 0)],
  ReduceMean: (ctx) => {
    const {
      b,
      inputs: [x],
      outputs: [z],
      dy: [g],
    } = ctx;
    const axes = reduceAxes(ctx);
    const sizes = axes.map((a) => x!.shape[a]!);
    const count = isStatic(sizes)
      ? b.constant(1 / sizes.reduce((p, v) => p * v, 1), x!.dtype)
      : b.div(
          b.cast(b.emit('Size', [z!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
          b.cast(b.emit('Size', [x!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
        );
    return [expandBack(b, b.mul(g!, count), x!, axes, ctx.int('keepdims', 1) === 1)];
  },
  ReduceSum: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    return [expandBack(b, g!, x!, reduceAxes(ctx), ctx.int('keepdims', 1) === 1)];
  },
  ReduceSumSquare: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    const axes = reduceAxes(ctx);
    const keep = ctx.int('keepdims', 1) === 1;
    const gk = keep ? g! : b.unsqueeze(g!, axes);
    return [b.mul(b.mul(x!, 2), gk)];
  },
  ReduceMax: (ctx) => {
    const {
      b,
      inputs: [x],
      outputs: [z],
      dy: [g],
    } = ctx;
    const axes = reduceAxes(ctx);
    const keep = ctx.int('keepdims', 1) === 1;
    const zk = keep ? z! : b.unsqueeze(z!, axes);
    const gk = keep ? g! : b.unsqueeze(g!, axes);
    return [b.where(b.equal(x!, zk), gk, 0)];
  },
  Reshape: ({ b, inputs: [x], dy: [g] }) => [b.reshapeTo(g!, b.shapeOf(x!), x!.shape)],
  Flatten: ({ b, inputs: [x], dy: [g] }) => [b.reshapeTo(g!, b.shapeOf(x!), x!.shape)],
  Squeeze: ({ b, inputs: [x], dy: [g] }) => [b.reshapeTo(g!, b.shapeOf(x!), x!.shape)],
  Unsqueeze: ({ b, inputs: [x], dy: [g] }) => [b.reshapeTo(g!, b.shapeOf(x!), x!.shape)],
  Expand: ({ b, inputs: [x], dy: [g] }) => [unbroadcast(b, g!, x!.shape)],
  Transpose: (ctx) => {
    const {
      b,
      dy: [g],
    } = ctx;
    const perm = ctx.ints('perm', []);
    const inv = new Array<number>(perm.length);
    perm.forEach((p, i) => {
      inv[p] = i;
    });
    return [b.transpose(g!, inv)];
  },
  Concat: (ctx) => {
    const {
      b,
      inputs,
      dy: [g],
    } = ctx;
    const axis = ctx.int('axis', 0);
    const sizes = staticDims(
      inputs.map((t) => t!.shape[axis]!),
      `sizes along axis ${axis}`,
      b.label('Concat backward'),
    );
    return b.split(g!, sizes, axis);
  },
  Split: (ctx) => {
    const {
      b,
      inputs: [x],
      outputs,
      dy,
    } = ctx;
    const axis = ctx.int('axis', 0);
    const parts = outputs.map((o, i) => dy[i] ?? zerosLike(b, o));
    return [b.concat(parts, axis < 0 ? axis + x!.rank : axis)];
  },
  Slice: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    const where = b.label('Slice backward');
    const starts = ctx.constInts(1)!;
    const ends = ctx.constInts(2)!;
    const axes = ctx.constInts(3) ?? starts.map((_, i) => i);
    const steps = ctx.constInts(4) ?? axes.map(() => 1);
    if (steps.some((s) => s !== 1))
      throw new ModelError(`${where}: only step 1 slices are differentiable here.`);
    const pads = new Array<number>(2 * x!.rank).fill(0);
    axes.forEach((a0, i) => {
      const a = a0 < 0 ? a0 + x!.rank : a0;
      const n = staticDims([x!.shape[a]!], `axis ${a}`, where)[0]!;
      const clamp = (v: number) => Math.min(Math.max(v < 0 ? v + n : v, 0), n);
      const s = clamp(starts[i]!);
      const e = Math.max(s, clamp(ends[i]!));
      pads[a] = s;
      pads[a + x!.rank] = n - e;
    });
    return [b.pad(g!, pads)];
  },
  Pad: (ctx) => {
    const {
      b,
      inputs: [x],
      dy: [g],
    } = ctx;
    const pads = ctx.constInts(1)!;
    const r = x!.rank;
    const axes = Array.from({ length: r }, (_, i) => i);
    return [
      b.slice(g!, {
        starts: axes.map((a) => pads[a]!),
        ends: axes.map((a) => -pads[a + r]! || Number.MAX_SAFE_INTEGER),
        axes,
      }),
    ];
  },
  BatchNormTrain: ({ b, inputs: [x, gamma], outputs: [, , , xc, invstd], dy: [g], needs }) => {
    if (!g) return [];
    const r = x!.rank;
    const axes = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
    const k = (t: SymTensor) => b.reshape(t, [1, -1, ...Array.from({ length: r - 2 }, () => 1)]);
    const sdy = b.reduceSum(g, axes); // [C] = dbeta
    const sdyxc = b.reduceSum(b.mul(g, xc!), axes); // [C]
    const dgamma = needs[1] ? b.mul(sdyxc, invstd!) : undefined;
    let dx: SymTensor | undefined;
    if (needs[0]) {
      const sizes = [x!.shape[0]!, ...x!.shape.slice(2)];
      const invN = isStatic(sizes)
        ? b.constant(1 / sizes.reduce((p, v) => p * v, 1), x!.dtype)
        : b.div(
            b.cast(b.emit('Size', [invstd!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
            b.cast(b.emit('Size', [x!], {}, [{ dtype: 'int64', shape: [] }])[0]!, x!.dtype),
          );
      const gi = b.mul(gamma!, invstd!); // [C]
      const coefXc = b.neg(b.mul(b.mul(b.mul(gi, invstd!), b.mul(invstd!, sdyxc)), invN));
      const coefC = b.neg(b.mul(b.mul(gi, sdy), invN));
      dx = b.add(b.add(b.mul(g, k(gi)), b.mul(xc!, k(coefXc))), k(coefC));
    }
    return [dx, dgamma, needs[2] ? sdy : undefined];
  },
  BatchNormalization: (ctx) => {
    const {
      b,
      inputs: [x, gamma, , mean, variance],
      dy: [g],
      needs,
    } = ctx;
    const r = x!.rank;
    const axes = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2)];
    const k = (t: SymTensor) => b.reshape(t, [1, -1, ...Array.from({ length: r - 2 }, () => 1)]);
    const invstd = b.reciprocal(b.sqrt(b.add(variance!, ctx.float('epsilon', 1e-5))));
    return [
      needs[0] ? b.mul(g!, k(b.mul(gamma!, invstd))) : undefined,
      needs[1] ? b.mul(b.reduceSum(b.mul(g!, b.sub(x!, k(mean!))), axes), invstd) : undefined,
      needs[2] ? b.reduceSum(g!, axes) : undefined,
    ];
  },
  LayerNormalization: (ctx) => {
    const {
      b,
      inputs: [x, gamma, beta],
      outputs: [, mean, invstd],
      dy: [g],
      needs,
    } = ctx;
    const axis = ctx.int('axis', -1);
    const a = axis < 0 ? axis + x!.rank : axis;
    const normAxes = Array.from({ length: x!.rank - a }, (_, i) => i + a);
    const leadAxes = Array.from({ length: a }, (_, i) => i);
    const m = mean!.dtype === x!.dtype ? mean! : b.cast(mean!, x!.dtype);
    const is = invstd!.dtype === x!.dtype ? invstd! : b.cast(invstd!, x!.dtype);
    const xhat = b.mul(b.sub(x!, m), is);
    const out: (SymTensor | undefined)[] = [undefined, undefined, undefined];
    if (needs[0]) {
      const dg = b.mul(g!, gamma!);
      const m1 = b.reduceMean(dg, normAxes, true);
      const m2 = b.reduceMean(b.mul(dg, xhat), normAxes, true);
      out[0] = b.mul(is, b.sub(b.sub(dg, m1), b.mul(xhat, m2)));
    }
    if (needs[1]) out[1] = leadAxes.length ? b.reduceSum(b.mul(g!, xhat), leadAxes) : b.mul(g!, xhat);
    if (needs[2] && beta) out[2] = leadAxes.length ? b.reduceSum(g!, leadAxes) : g;
    return out;
  },
};
