import { InvalidArgumentError, ModelError, ShapeError, Tensor } from '@instr/core';
import type { Attr, Dim, GraphDType, IrGraph, IrNode, ValueInfo } from '../onnx/ir.js';
import { broadcastShapes, fmtShape, freshDim, normAxis, staticSize, windowOut } from './shape.js';

/** Floating-point dtypes a model can be built in. */
export type FloatDType = 'float32' | 'float64';

/** What a graph is built for: `train` (batch statistics, dropout masks), `eval` or `inference`. */
export type BuildMode = 'train' | 'eval' | 'inference';

/**
 * A symbolic tensor: the name of a value in a {@link GraphBuilder}'s graph with its dtype and (symbolic) shape.
 *
 * @example
 * ```ts
 * const x = b.input('input', 'float32', ['N', 1, 128, 128]);
 * x.shape; // ['N', 1, 128, 128]
 * ```
 */
export class SymTensor {
  constructor(
    readonly builder: GraphBuilder,
    readonly name: string,
    readonly dtype: GraphDType,
    readonly shape: readonly Dim[],
  ) {}
  /** Number of axes. */
  get rank(): number {
    return this.shape.length;
  }
  /** `name: dtype[shape]`, for messages. */
  toString(): string {
    return `${this.name}: ${this.dtype}${fmtShape(this.shape)}`;
  }
}

/** Options of {@link GraphBuilder.param}. */
export interface ParamOptions {
  /** Updated by the optimiser. Default true. */
  trainable?: boolean;
  /**
   * Receives weight decay. Default: true for tensors of rank ≥ 2 (weights), false for rank ≤ 1
   * (biases, norm scales and shifts) — the usual "no decay for biases and norm parameters".
   */
  decay?: boolean;
  /** Free-form role used by optimiser parameter groups (e.g. `'weight'`, `'bias'`, `'norm'`). */
  role?: string;
}

/** A registered parameter. */
export interface ParamInfo {
  name: string;
  value: Tensor;
  trainable: boolean;
  decay: boolean;
  role: string;
}

/** A registered non-trainable state tensor (batch-norm running statistics). */
export interface BufferInfo {
  name: string;
  value: Tensor;
}

/** A dropout mask that the runtime must feed each training step. */
export interface DropoutMaskInfo {
  /** Graph input name. */
  name: string;
  /** Shape (the batch axis symbolic). */
  shape: Dim[];
  /** Drop probability; the mask holds 0 or 1/(1-p). */
  p: number;
}

/** Options of {@link GraphBuilder}. */
export interface GraphBuilderOptions {
  /** Build mode. Default `'train'`. */
  mode?: BuildMode;
  /** dtype of parameters, constants and float inputs. Default `'float32'`. */
  dtype?: FloatDType;
  /** Graph name. Default `'instr'`. */
  name?: string;
  /** Whether parameters (and buffers) become graph inputs or initializers. Default: inputs in `train`/`eval`, initializers in `inference`. */
  paramsAs?: 'inputs' | 'initializers';
}

/** Convolution options (PyTorch names; defaults as `torch.nn.Conv2d`). */
export interface ConvOptions {
  /** Stride per spatial axis (a number applies to all). Default 1. */
  stride?: number | number[];
  /** Symmetric zero padding per spatial axis, or explicit ONNX pads `[b1..bk, e1..ek]`. Default 0. */
  padding?: number | number[];
  /** Dilation per spatial axis. Default 1. */
  dilation?: number | number[];
  /** Groups (`in_channels` for depthwise). Default 1. */
  groups?: number;
}

/** Pooling options (defaults as `torch.nn.AvgPool2d` / `MaxPool2d`: stride = kernel, no padding). */
export interface PoolOptions {
  /** Window size per spatial axis. */
  kernel: number | number[];
  /** Default: the kernel size. */
  stride?: number | number[];
  /** Symmetric padding. Default 0. */
  padding?: number | number[];
  /** AveragePool only: count padded zeros in the divisor. Default true (PyTorch's default). */
  countIncludePad?: boolean;
}

type Operand = SymTensor | number;

/**
 * Builds a typed graph of standard ONNX ops (opset 17) with static shape inference at build time.
 * Every op returns a {@link SymTensor}; shape mismatches throw a `ShapeError` naming the op (with the current
 * {@link GraphBuilder.scope}) and both shapes.
 *
 * @example
 * ```ts
 * const b = new GraphBuilder({ mode: 'train' });
 * const x = b.input('input', 'float32', ['N', 1, 128, 128]);
 * const w = b.param('conv.weight', Tensor.zeros('float32', [32, 1, 3, 3]));
 * const y = b.relu(b.conv(x, w, undefined, { padding: 1 }));
 * b.output('features', y);
 * ```
 */
export class GraphBuilder {
  readonly mode: BuildMode;
  readonly dtype: FloatDType;
  readonly name: string;
  readonly paramsAs: 'inputs' | 'initializers';
  /** Nodes in topological order. */
  readonly nodes: IrNode[] = [];
  /** Every value's dtype and shape. */
  readonly values = new Map<string, ValueInfo>();
  /** Producer node of each value (absent for inputs, params, buffers, constants). */
  readonly producer = new Map<string, IrNode>();
  readonly inputs: ValueInfo[] = [];
  readonly outputs: ValueInfo[] = [];
  readonly params = new Map<string, ParamInfo>();
  readonly buffers = new Map<string, BufferInfo>();
  /** Buffer name → value holding its updated contents (train mode). */
  readonly bufferUpdates = new Map<string, string>();
  readonly dropoutMasks: DropoutMaskInfo[] = [];
  /** Constant initializers. */
  readonly constants = new Map<string, Tensor>();
  private readonly scopes: string[] = [];
  private counter = 0;

  constructor(options: GraphBuilderOptions = {}) {
    this.mode = options.mode ?? 'train';
    this.dtype = options.dtype ?? 'float32';
    this.name = options.name ?? 'instr';
    this.paramsAs = options.paramsAs ?? (this.mode === 'inference' ? 'initializers' : 'inputs');
  }

  /** True in `train` mode (batch-norm uses batch statistics, dropout is active). */
  get training(): boolean {
    return this.mode === 'train';
  }

  /**
   * Runs `fn` with `name` appended to the scope: parameter names become `name.param` and op names in errors
   * read `name/op`.
   *
   * @example
   * ```ts
   * const y = b.scope('block1', () => b.relu(b.conv(x, b.param('conv.weight', w))));
   * ```
   */
  scope<T>(name: string, fn: () => T): T {
    this.scopes.push(name);
    try {
      return fn();
    } finally {
      this.scopes.pop();
    }
  }

  /** The current scope prefix joined with `sep`. */
  scoped(name: string, sep = '.'): string {
    return this.scopes.length ? `${this.scopes.join(sep)}${sep}${name}` : name;
  }

  /**
   * Declares a graph input.
   * @example
   * ```ts
   * const x = b.input('input', 'float32', ['N', 1, 128, 128]);
   * ```
   */
  input(name: string, dtype: GraphDType, shape: readonly Dim[]): SymTensor {
    this.checkNew(name);
    const v: ValueInfo = { name, dtype, shape: [...shape] };
    this.values.set(name, v);
    this.inputs.push(v);
    return this.sym(name);
  }

  /**
   * Registers a parameter with its initial value (named within the current scope).
   * @example
   * ```ts
   * const w = b.param('fc.weight', kaimingUniform(rng, [11, 128]));
   * const bias = b.param('fc.bias', Tensor.zeros('float32', [11]));  // no weight decay by default
   * ```
   */
  param(name: string, value: Tensor, options: ParamOptions = {}): SymTensor {
    const full = this.scoped(name);
    this.checkNew(full);
    if (value.dtype !== this.dtype) {
      throw new InvalidArgumentError(
        `param "${full}": value is ${value.dtype} but the builder builds ${this.dtype}.`,
        {
          details: { expected: this.dtype, actual: value.dtype, key: full },
        },
      );
    }
    const rank = value.dims.length;
    this.params.set(full, {
      name: full,
      value,
      trainable: options.trainable ?? true,
      decay: options.decay ?? rank >= 2,
      role: options.role ?? (rank >= 2 ? 'weight' : 'bias'),
    });
    this.values.set(full, { name: full, dtype: value.dtype, shape: [...value.dims] });
    return this.sym(full);
  }

  /**
   * Registers a non-trainable state tensor (e.g. batch-norm running mean), named within the scope.
   * @example
   * ```ts
   * const rm = b.buffer('bn.running_mean', Tensor.zeros('float32', [32]));
   * ```
   */
  buffer(name: string, value: Tensor): SymTensor {
    const full = this.scoped(name);
    this.checkNew(full);
    this.buffers.set(full, { name: full, value });
    this.values.set(full, { name: full, dtype: value.dtype as GraphDType, shape: [...value.dims] });
    return this.sym(full);
  }

  /**
   * Records the new value of a buffer after this step (train mode); the train-step model outputs it.
   * @example
   * ```ts
   * b.updateBuffer(rm, b.add(b.mul(rm, 0.9), b.mul(mean, 0.1)));
   * ```
   */
  updateBuffer(buffer: SymTensor, value: SymTensor): void {
    if (!this.buffers.has(buffer.name)) {
      throw new InvalidArgumentError(`updateBuffer: "${buffer.name}" is not a buffer.`, {
        details: { key: buffer.name },
      });
    }
    this.bufferUpdates.set(buffer.name, value.name);
  }

  /**
   * A constant (an initializer). A number becomes a scalar of `dtype` (default: the builder's float dtype).
   * @example
   * ```ts
   * const half = b.constant(0.5);
   * const axes = b.constant(Tensor.from('int64', [0, 2, 3]));
   * ```
   */
  constant(value: Tensor | number, dtype: GraphDType = this.dtype): SymTensor {
    const t = typeof value === 'number' ? Tensor.from(dtype as 'float32', [value], []) : value;
    const key = `const_${this.counter++}`;
    this.constants.set(key, t);
    this.values.set(key, { name: key, dtype: t.dtype as GraphDType, shape: [...t.dims] });
    return this.sym(key);
  }

  /** An int64 1-D constant (shapes, axes). */
  ints(values: readonly number[]): SymTensor {
    return this.constant(Tensor.from('int64', values));
  }

  /**
   * Marks `x` as a graph output called `name` (an Identity node renames it).
   * @example
   * ```ts
   * b.output('logits', logits);
   * ```
   */
  output(name: string, x: SymTensor): SymTensor {
    this.checkNew(name);
    const [y] = this.emit('Identity', [x], {}, [{ dtype: x.dtype, shape: x.shape }], name);
    this.outputs.push({ name, dtype: x.dtype, shape: [...x.shape] });
    return y!;
  }

  /** The {@link SymTensor} of an existing value. */
  sym(name: string): SymTensor {
    const v = this.values.get(name);
    if (!v) throw new ModelError(`Unknown graph value "${name}".`, { details: { key: name } });
    return new SymTensor(this, name, v.dtype, v.shape);
  }

  /**
   * Low-level: appends one node with explicitly given output types. Ops without a helper method can be
   * added this way; autodiff needs a rule for them if they lie between a parameter and the loss.
   *
   * @example
   * ```ts
   * const [y] = b.emit('Erf', [x], {}, [{ dtype: x.dtype, shape: x.shape }]);
   * ```
   */
  emit(
    op: string,
    inputs: readonly (SymTensor | undefined)[],
    attrs: Record<string, Attr>,
    outputs: readonly { dtype: GraphDType; shape: readonly Dim[] }[],
    outputName?: string,
    domain = '',
  ): SymTensor[] {
    const id = this.counter++;
    const nodeName = this.scoped(`${op}_${id}`, '/');
    const outNames = outputs.map((_, i) => (i === 0 && outputName ? outputName : `${nodeName}:${i}`));
    const node: IrNode = {
      op,
      domain,
      name: nodeName,
      inputs: inputs.map((x) => x?.name ?? ''),
      outputs: outNames,
      attrs,
    };
    this.nodes.push(node);
    return outputs.map((o, i) => {
      const name = outNames[i]!;
      this.values.set(name, { name, dtype: o.dtype, shape: [...o.shape] });
      this.producer.set(name, node);
      return this.sym(name);
    });
  }

  private checkNew(name: string): void {
    if (this.values.has(name)) {
      throw new InvalidArgumentError(`Graph value "${name}" is already defined; names must be unique.`, {
        details: { key: name },
      });
    }
  }

  /** `Conv "scope/op"` for messages. */
  label(op: string): string {
    return this.scopes.length ? `${op} (in ${this.scopes.join('/')})` : op;
  }

  private lift(a: Operand, like: SymTensor): SymTensor {
    return typeof a === 'number' ? this.constant(a, like.dtype) : a;
  }

  private unary(op: string, x: SymTensor, attrs: Record<string, Attr> = {}): SymTensor {
    return this.emit(op, [x], attrs, [{ dtype: x.dtype, shape: x.shape }])[0]!;
  }

  private binary(op: string, a: Operand, b: Operand, outDtype?: GraphDType): SymTensor {
    if (typeof a === 'number' && typeof b === 'number') {
      throw new InvalidArgumentError(`${op}: at least one operand must be a tensor.`);
    }
    const ta = this.lift(a, b as SymTensor);
    const tb = this.lift(b, ta);
    if (ta.dtype !== tb.dtype) {
      throw new ShapeError(`${this.label(op)}: dtypes differ (${ta.dtype} vs ${tb.dtype}).`, {
        details: { expected: ta.dtype, actual: tb.dtype },
      });
    }
    const shape = broadcastShapes(ta.shape, tb.shape, this.label(op));
    return this.emit(op, [ta, tb], {}, [{ dtype: outDtype ?? ta.dtype, shape }])[0]!;
  }

  // ---- elementwise arithmetic -------------------------------------------------------------------

  /** `a + b` with numpy broadcasting (ONNX Add). Numbers become scalar constants. */
  add(a: Operand, b: Operand): SymTensor {
    return this.binary('Add', a, b);
  }
  /** `a - b` with broadcasting (ONNX Sub). */
  sub(a: Operand, b: Operand): SymTensor {
    return this.binary('Sub', a, b);
  }
  /** `a * b` with broadcasting (ONNX Mul). */
  mul(a: Operand, b: Operand): SymTensor {
    return this.binary('Mul', a, b);
  }
  /** `a / b` with broadcasting (ONNX Div). */
  div(a: Operand, b: Operand): SymTensor {
    return this.binary('Div', a, b);
  }
  /** `a ^ b` (ONNX Pow). */
  pow(a: Operand, b: Operand): SymTensor {
    return this.binary('Pow', a, b);
  }
  /** Elementwise maximum of two tensors (ONNX Max). */
  maximum(a: Operand, b: Operand): SymTensor {
    return this.binary('Max', a, b);
  }
  /** Elementwise minimum of two tensors (ONNX Min). */
  minimum(a: Operand, b: Operand): SymTensor {
    return this.binary('Min', a, b);
  }
  /** `a > b` → bool (ONNX Greater). */
  greater(a: Operand, b: Operand): SymTensor {
    return this.binary('Greater', a, b, 'bool');
  }
  /** `a < b` → bool (ONNX Less). */
  less(a: Operand, b: Operand): SymTensor {
    return this.binary('Less', a, b, 'bool');
  }
  /** `a == b` → bool (ONNX Equal). */
  equal(a: Operand, b: Operand): SymTensor {
    return this.binary('Equal', a, b, 'bool');
  }
  /** `cond ? a : b` with broadcasting (ONNX Where). */
  where(cond: SymTensor, a: Operand, b: Operand): SymTensor {
    const ta = this.lift(a, b as SymTensor);
    const tb = this.lift(b, ta);
    const shape = broadcastShapes(
      broadcastShapes(cond.shape, ta.shape, this.label('Where')),
      tb.shape,
      this.label('Where'),
    );
    return this.emit('Where', [cond, ta, tb], {}, [{ dtype: ta.dtype, shape }])[0]!;
  }
  /** `-x`. */
  neg(x: SymTensor): SymTensor {
    return this.unary('Neg', x);
  }
  /** `e^x`. */
  exp(x: SymTensor): SymTensor {
    return this.unary('Exp', x);
  }
  /** Natural logarithm. */
  log(x: SymTensor): SymTensor {
    return this.unary('Log', x);
  }
  /** Square root. */
  sqrt(x: SymTensor): SymTensor {
    return this.unary('Sqrt', x);
  }
  /** `1 / x`. */
  reciprocal(x: SymTensor): SymTensor {
    return this.unary('Reciprocal', x);
  }
  /** `|x|`. */
  abs(x: SymTensor): SymTensor {
    return this.unary('Abs', x);
  }
  /** Error function (ONNX Erf). */
  erf(x: SymTensor): SymTensor {
    return this.unary('Erf', x);
  }
  /** Converts the element type (ONNX Cast). */
  cast(x: SymTensor, dtype: GraphDType): SymTensor {
    const code = { float32: 1, uint8: 2, int32: 6, int64: 7, bool: 9, float64: 11 }[dtype];
    return this.emit('Cast', [x], { to: { i: code } }, [{ dtype, shape: x.shape }])[0]!;
  }
  /** Passes `x` through (ONNX Identity). */
  identity(x: SymTensor): SymTensor {
    return this.unary('Identity', x);
  }

  // ---- activations ----------------------------------------------------------------------------

  /** `max(x, 0)`. */
  relu(x: SymTensor): SymTensor {
    return this.unary('Relu', x);
  }
  /** Leaky ReLU; `alpha` default 0.01 (as `torch.nn.LeakyReLU`). */
  leakyRelu(x: SymTensor, alpha = 0.01): SymTensor {
    return this.unary('LeakyRelu', x, { alpha: { f: alpha } });
  }
  /** Logistic sigmoid. */
  sigmoid(x: SymTensor): SymTensor {
    return this.unary('Sigmoid', x);
  }
  /** Hyperbolic tangent. */
  tanh(x: SymTensor): SymTensor {
    return this.unary('Tanh', x);
  }
  /** Exact GELU `x·Φ(x)` (as `torch.nn.GELU()`); exported as Erf-based standard ops. */
  gelu(x: SymTensor): SymTensor {
    return this.emit(
      'Gelu',
      [x],
      { dtype: { i: x.dtype === 'float64' ? 11 : 1 } },
      [{ dtype: x.dtype, shape: x.shape }],
      undefined,
      'instr',
    )[0]!;
  }
  /** SiLU / swish `x·sigmoid(x)`. */
  silu(x: SymTensor): SymTensor {
    return this.mul(x, this.sigmoid(x));
  }
  /** Hard swish `x·relu6(x+3)/6` (as `torch.nn.Hardswish`). */
  hardSwish(x: SymTensor): SymTensor {
    return this.unary('HardSwish', x);
  }
  /** Hard sigmoid `relu6(x+3)/6` (as `torch.nn.Hardsigmoid`). */
  hardSigmoid(x: SymTensor): SymTensor {
    return this.unary('HardSigmoid', x, { alpha: { f: 1 / 6 }, beta: { f: 0.5 } });
  }
  /** Softmax along `axis` (default -1). */
  softmax(x: SymTensor, axis = -1): SymTensor {
    return this.unary('Softmax', x, { axis: { i: normAxis(axis, x.rank, this.label('Softmax')) } });
  }
  /** Log-softmax along `axis` (default -1). */
  logSoftmax(x: SymTensor, axis = -1): SymTensor {
    return this.unary('LogSoftmax', x, { axis: { i: normAxis(axis, x.rank, this.label('LogSoftmax')) } });
  }

  // ---- linear algebra ---------------------------------------------------------------------------

  /** Matrix product with numpy semantics (ONNX MatMul, batched and broadcast). */
  matmul(a: SymTensor, b: SymTensor): SymTensor {
    const where = this.label('MatMul');
    if (a.rank < 1 || b.rank < 1) throw new ShapeError(`${where}: operands must have rank ≥ 1.`);
    const as = a.rank === 1 ? [1, a.shape[0]!] : a.shape;
    const bs = b.rank === 1 ? [b.shape[0]!, 1] : b.shape;
    const k1 = as[as.length - 1]!;
    const k2 = bs[bs.length - 2]!;
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
      throw new ShapeError(
        `${where}: inner dimensions differ: ${fmtShape(a.shape)} @ ${fmtShape(b.shape)} (${k1} vs ${k2}).`,
        { details: { expected: a.shape, actual: b.shape } },
      );
    }
    const batch = broadcastShapes(as.slice(0, -2), bs.slice(0, -2), where);
    const shape = [...batch];
    if (a.rank > 1) shape.push(as[as.length - 2]!);
    if (b.rank > 1) shape.push(bs[bs.length - 1]!);
    return this.emit('MatMul', [a, b], {}, [{ dtype: a.dtype, shape }])[0]!;
  }

  /** `alpha·op(A)·op(B) + beta·C` on 2-D tensors (ONNX Gemm). */
  gemm(
    a: SymTensor,
    b: SymTensor,
    c?: SymTensor,
    options: { transA?: boolean; transB?: boolean; alpha?: number; beta?: number } = {},
  ): SymTensor {
    const where = this.label('Gemm');
    if (a.rank !== 2 || b.rank !== 2) {
      throw new ShapeError(
        `${where}: A and B must be 2-D, got ${fmtShape(a.shape)} and ${fmtShape(b.shape)}.`,
        {
          details: { expected: 2, actual: [a.rank, b.rank] },
        },
      );
    }
    const [m, k1] = options.transA ? [a.shape[1]!, a.shape[0]!] : [a.shape[0]!, a.shape[1]!];
    const [k2, n] = options.transB ? [b.shape[1]!, b.shape[0]!] : [b.shape[0]!, b.shape[1]!];
    if (typeof k1 === 'number' && typeof k2 === 'number' && k1 !== k2) {
      throw new ShapeError(
        `${where}: inner dimensions differ: A ${fmtShape(a.shape)}${options.transA ? 'ᵀ' : ''} and B ${fmtShape(b.shape)}${options.transB ? 'ᵀ' : ''} (${k1} vs ${k2}).`,
        { details: { expected: a.shape, actual: b.shape } },
      );
    }
    if (c) broadcastShapes([m, n], c.shape, where);
    const attrs: Record<string, Attr> = {};
    if (options.transA) attrs.transA = { i: 1 };
    if (options.transB) attrs.transB = { i: 1 };
    if (options.alpha !== undefined) attrs.alpha = { f: options.alpha };
    if (options.beta !== undefined) attrs.beta = { f: options.beta };
    return this.emit('Gemm', c ? [a, b, c] : [a, b], attrs, [{ dtype: a.dtype, shape: [m, n] }])[0]!;
  }

  /**
   * `x·Wᵀ + bias` as `torch.nn.Linear` (weight `[out, in]`). Rank-2 inputs use Gemm; higher ranks use MatMul.
   * @example
   * ```ts
   * const h = b.linear(x, b.param('fc.weight', w), b.param('fc.bias', bias));
   * ```
   */
  linear(x: SymTensor, weight: SymTensor, bias?: SymTensor): SymTensor {
    const where = this.label('Linear');
    const fin = x.shape[x.rank - 1];
    if (weight.rank !== 2 || (typeof fin === 'number' && fin !== weight.shape[1])) {
      throw new ShapeError(
        `${where}: input ${fmtShape(x.shape)} does not match weight ${fmtShape(weight.shape)} (expects [out, ${String(fin)}]).`,
        { details: { expected: ['out', fin], actual: weight.shape } },
      );
    }
    if (x.rank === 2) return this.gemm(x, weight, bias, { transB: true });
    const y = this.matmul(x, this.transpose(weight, [1, 0]));
    return bias ? this.add(y, bias) : y;
  }

  // ---- convolution and pooling -------------------------------------------------------------------

  /**
   * N-d convolution (ONNX Conv) with PyTorch's argument names; weight `[Cout, Cin/groups, k...]`.
   * @example
   * ```ts
   * const y = b.conv(x, w, bias, { padding: 1, stride: 2, groups: 1 });
   * ```
   */
  conv(x: SymTensor, w: SymTensor, bias?: SymTensor, options: ConvOptions = {}): SymTensor {
    const where = this.label('Conv');
    const k = x.rank - 2;
    if (k < 1 || w.rank !== x.rank) {
      throw new ShapeError(
        `${where}: input ${fmtShape(x.shape)} and weight ${fmtShape(w.shape)} must both be [N, C, spatial...] of equal rank.`,
        {
          details: { expected: x.rank, actual: w.rank },
        },
      );
    }
    const groups = options.groups ?? 1;
    const cin = x.shape[1]!;
    const cout = w.shape[0] as number;
    if (typeof cin === 'number' && cin !== (w.shape[1] as number) * groups) {
      throw new ShapeError(
        `${where}: input has ${cin} channels (shape ${fmtShape(x.shape)}) but weight ${fmtShape(w.shape)} with groups ${groups} expects ${(w.shape[1] as number) * groups}.`,
        { details: { expected: (w.shape[1] as number) * groups, actual: cin } },
      );
    }
    if (cout % groups !== 0) {
      throw new ShapeError(`${where}: out channels ${cout} are not divisible by groups ${groups}.`, {
        details: { expected: groups, actual: cout },
      });
    }
    if (bias && (bias.rank !== 1 || bias.shape[0] !== cout)) {
      throw new ShapeError(`${where}: bias ${fmtShape(bias.shape)} must be [${cout}].`, {
        details: { expected: [cout], actual: bias.shape },
      });
    }
    const kernel = w.shape.slice(2) as number[];
    const strides = spread(options.stride ?? 1, k, 'stride', where);
    const dil = spread(options.dilation ?? 1, k, 'dilation', where);
    const pads = padsOf(options.padding ?? 0, k, where);
    const spatial = x.shape
      .slice(2)
      .map((d, i) => windowOut(d, kernel[i]!, strides[i]!, pads[i]!, pads[i + k]!, dil[i]!));
    for (const [i, d] of spatial.entries()) {
      if (typeof d === 'number' && d <= 0) {
        throw new ShapeError(
          `${where}: spatial axis ${i} of input ${fmtShape(x.shape)} is too small for kernel ${fmtShape(kernel)} (output ${d}).`,
          { details: { expected: kernel, actual: x.shape } },
        );
      }
    }
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      pads: { ints: pads },
      dilations: { ints: dil },
      group: { i: groups },
    };
    return this.emit('Conv', bias ? [x, w, bias] : [x, w], attrs, [
      { dtype: x.dtype, shape: [x.shape[0]!, cout, ...spatial] },
    ])[0]!;
  }

  /** Average pooling (ONNX AveragePool). `countIncludePad` defaults to true as in PyTorch. */
  avgPool(x: SymTensor, options: PoolOptions): SymTensor {
    return this.pool('AveragePool', x, options);
  }

  /** Max pooling (ONNX MaxPool). */
  maxPool(x: SymTensor, options: PoolOptions): SymTensor {
    return this.pool('MaxPool', x, options);
  }

  private pool(op: 'AveragePool' | 'MaxPool', x: SymTensor, options: PoolOptions): SymTensor {
    const where = this.label(op);
    const k = x.rank - 2;
    if (k < 1) throw new ShapeError(`${where}: input ${fmtShape(x.shape)} must be [N, C, spatial...].`);
    const kernel = spread(options.kernel, k, 'kernel', where);
    const strides = spread(options.stride ?? options.kernel, k, 'stride', where);
    const pads = padsOf(options.padding ?? 0, k, where);
    const spatial = x.shape
      .slice(2)
      .map((d, i) => windowOut(d, kernel[i]!, strides[i]!, pads[i]!, pads[i + k]!, 1));
    for (const d of spatial) {
      if (typeof d === 'number' && d <= 0) {
        throw new ShapeError(
          `${where}: input ${fmtShape(x.shape)} is smaller than the window ${fmtShape(kernel)}.`,
          {
            details: { expected: kernel, actual: x.shape },
          },
        );
      }
    }
    const attrs: Record<string, Attr> = {
      kernel_shape: { ints: kernel },
      strides: { ints: strides },
      pads: { ints: pads },
    };
    if (op === 'AveragePool') attrs.count_include_pad = { i: options.countIncludePad === false ? 0 : 1 };
    return this.emit(op, [x], attrs, [{ dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...spatial] }])[0]!;
  }

  /** Mean over all spatial axes, keeping them as size 1: `[N, C, 1, 1]` (ONNX GlobalAveragePool). */
  globalAvgPool(x: SymTensor): SymTensor {
    if (x.rank < 3)
      throw new ShapeError(
        `${this.label('GlobalAveragePool')}: input ${fmtShape(x.shape)} must be [N, C, spatial...].`,
      );
    return this.emit('GlobalAveragePool', [x], {}, [
      { dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] },
    ])[0]!;
  }

  /** Max over all spatial axes, keeping them as size 1 (ONNX GlobalMaxPool). */
  globalMaxPool(x: SymTensor): SymTensor {
    if (x.rank < 3)
      throw new ShapeError(
        `${this.label('GlobalMaxPool')}: input ${fmtShape(x.shape)} must be [N, C, spatial...].`,
      );
    return this.emit('GlobalMaxPool', [x], {}, [
      { dtype: x.dtype, shape: [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)] },
    ])[0]!;
  }

  // ---- normalisation and regularisation --------------------------------------------------------

  /**
   * Batch normalisation over axis 1 (as `torch.nn.BatchNorm1d/2d`, momentum 0.1, eps 1e-5).
   * In `train` mode it normalises with the batch statistics and records running-stat updates
   * (`running = (1-momentum)·running + momentum·stat`, unbiased variance as PyTorch); otherwise it uses the
   * running statistics (ONNX BatchNormalization).
   *
   * @example
   * ```ts
   * const y = b.batchNorm(x, gamma, beta, runningMean, runningVar);
   * ```
   */
  batchNorm(
    x: SymTensor,
    gamma: SymTensor,
    beta: SymTensor,
    runningMean: SymTensor,
    runningVar: SymTensor,
    options: { momentum?: number; eps?: number } = {},
  ): SymTensor {
    const where = this.label('BatchNormalization');
    const c = x.shape[1];
    for (const [n, t] of [
      ['scale', gamma],
      ['bias', beta],
      ['running mean', runningMean],
      ['running var', runningVar],
    ] as const) {
      if (t.rank !== 1 || (typeof c === 'number' && t.shape[0] !== c)) {
        throw new ShapeError(
          `${where}: ${n} ${fmtShape(t.shape)} does not match the channels of input ${fmtShape(x.shape)}.`,
          {
            details: { expected: [c], actual: t.shape },
          },
        );
      }
    }
    const eps = options.eps ?? 1e-5;
    const momentum = options.momentum ?? 0.1;
    if (!this.training) {
      return this.emit(
        'BatchNormalization',
        [x, gamma, beta, runningMean, runningVar],
        { epsilon: { f: eps } },
        [{ dtype: x.dtype, shape: x.shape }],
      )[0]!;
    }
    const cs = [c!];
    // Outputs: y, batch mean, biased batch variance, centred input (saved for backward), 1/sqrt(var+eps).
    const [y, mean, varB] = this.emit(
      'BatchNormTrain',
      [x, gamma, beta],
      { epsilon: { f: eps }, rank: { i: x.rank }, dtype: { i: x.dtype === 'float64' ? 11 : 1 } },
      [
        { dtype: x.dtype, shape: x.shape },
        { dtype: x.dtype, shape: cs },
        { dtype: x.dtype, shape: cs },
        { dtype: x.dtype, shape: x.shape },
        { dtype: x.dtype, shape: cs },
      ],
      undefined,
      'instr',
    );
    if (this.buffers.has(runningMean.name) && this.buffers.has(runningVar.name)) {
      const count = staticSize([x.shape[0]!, ...x.shape.slice(2)]);
      const n = count ?? this.reduceMeanCount(x);
      const unbiased = typeof n === 'number' ? this.mul(varB!, n / Math.max(n - 1, 1)) : this.mul(varB!, n);
      this.updateBuffer(
        runningMean,
        this.add(this.mul(runningMean, 1 - momentum), this.mul(mean!, momentum)),
      );
      this.updateBuffer(
        runningVar,
        this.add(this.mul(runningVar, 1 - momentum), this.mul(unbiased, momentum)),
      );
    }
    return y!;
  }

  /** n/(n-1) for a symbolic batch: computed in-graph from Shape. */
  private reduceMeanCount(x: SymTensor): SymTensor {
    const shape = this.cast(this.shapeOf(x), x.dtype);
    const all = this.emit('ReduceProd', [shape], { keepdims: { i: 0 } }, [{ dtype: x.dtype, shape: [] }])[0]!;
    const c = this.cast(this.gather(this.shapeOf(x), 1), x.dtype);
    const n = this.div(all, c);
    return this.div(n, this.sub(n, 1));
  }

  /**
   * Layer normalisation over the trailing axes from `axis` (default -1), as `torch.nn.LayerNorm` (eps 1e-5).
   * @example
   * ```ts
   * const y = b.layerNorm(x, gamma, beta);
   * ```
   */
  layerNorm(
    x: SymTensor,
    gamma: SymTensor,
    beta?: SymTensor,
    options: { axis?: number; eps?: number } = {},
  ): SymTensor {
    const where = this.label('LayerNormalization');
    const axis = normAxis(options.axis ?? -1, x.rank, where);
    const normShape = x.shape.slice(axis);
    if (
      gamma.shape.length !== normShape.length ||
      gamma.shape.some((d, i) => typeof normShape[i] === 'number' && d !== normShape[i])
    ) {
      throw new ShapeError(
        `${where}: scale ${fmtShape(gamma.shape)} does not match normalised shape ${fmtShape(normShape)} of input ${fmtShape(x.shape)}.`,
        {
          details: { expected: normShape, actual: gamma.shape },
        },
      );
    }
    const statShape = [...x.shape.slice(0, axis), ...normShape.map(() => 1)];
    return this.emit(
      'LayerNormalization',
      beta ? [x, gamma, beta] : [x, gamma],
      { axis: { i: axis }, epsilon: { f: options.eps ?? 1e-5 } },
      // Mean and InvStdDev are computed in float32 (stash_type 1), whatever the input dtype.
      [
        { dtype: x.dtype, shape: x.shape },
        { dtype: 'float32', shape: statShape },
        { dtype: 'float32', shape: statShape },
      ],
    )[0]!;
  }

  /**
   * Inverted dropout. In `train` mode the mask is a graph input (`<scope>.dropout_<k>`, 0 or 1/(1-p),
   * same shape as `x`) that the runtime fills from a seeded {@link Rng} each step (see `TrainSession`);
   * in `eval`/`inference` it is the identity.
   *
   * @example
   * ```ts
   * const h = b.dropout(x, 0.3);
   * ```
   */
  dropout(x: SymTensor, p: number): SymTensor {
    if (!(p >= 0 && p < 1)) {
      throw new InvalidArgumentError(`dropout: p must be in [0, 1), got ${p}.`, {
        details: { expected: '[0, 1)', actual: p },
      });
    }
    if (!this.training || p === 0) return x;
    const name = this.scoped(`dropout_${this.dropoutMasks.length}`);
    const mask = this.input(name, x.dtype, x.shape);
    this.dropoutMasks.push({ name, shape: [...x.shape], p });
    return this.mul(x, mask);
  }

  // ---- shape manipulation ------------------------------------------------------------------------

  /** Joins tensors along `axis` (ONNX Concat). */
  concat(xs: readonly SymTensor[], axis: number): SymTensor {
    const where = this.label('Concat');
    if (xs.length === 0) throw new InvalidArgumentError(`${where}: needs at least one tensor.`);
    const first = xs[0]!;
    const ax = normAxis(axis, first.rank, where);
    let total: Dim = 0;
    for (const t of xs) {
      if (
        t.rank !== first.rank ||
        t.shape.some(
          (d, i) =>
            i !== ax && typeof d === 'number' && typeof first.shape[i] === 'number' && d !== first.shape[i],
        )
      ) {
        throw new ShapeError(
          `${where}: ${fmtShape(t.shape)} does not match ${fmtShape(first.shape)} outside axis ${ax}.`,
          {
            details: { expected: first.shape, actual: t.shape },
          },
        );
      }
      const d = t.shape[ax]!;
      total = typeof total === 'number' && typeof d === 'number' ? total + d : freshDim('concat');
    }
    const shape = [...first.shape];
    shape[ax] = total;
    return this.emit('Concat', xs, { axis: { i: ax } }, [{ dtype: first.dtype, shape }])[0]!;
  }

  /**
   * Reshape with ONNX semantics: `0` copies the input axis, one `-1` is inferred.
   * @example
   * ```ts
   * b.reshape(x, [0, -1]); // [N, C, H, W] → [N, C·H·W]
   * ```
   */
  reshape(x: SymTensor, shape: readonly number[]): SymTensor {
    const where = this.label('Reshape');
    const out: Dim[] = shape.map((d, i) => (d === 0 ? x.shape[i]! : d));
    const minus = shape.indexOf(-1);
    const known = out.filter((_, i) => i !== minus);
    const inSym = x.shape.filter((d) => typeof d === 'string') as string[];
    const outSym = known.filter((d) => typeof d === 'string') as string[];
    const inNum = x.shape.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
    const outNum = known.reduce<number>((p, d) => (typeof d === 'number' ? p * d : p), 1);
    const symEqual = inSym.length === outSym.length && [...inSym].sort().join() === [...outSym].sort().join();
    if (minus >= 0) {
      if (symEqual) {
        if (outNum === 0 || inNum % outNum !== 0) {
          throw new ShapeError(`${where}: cannot reshape ${fmtShape(x.shape)} to ${fmtShape(shape)}.`, {
            details: { expected: x.shape, actual: shape },
          });
        }
        out[minus] = inNum / outNum;
      } else {
        out[minus] =
          inSym.length === 1 && outSym.length === 0 && inNum === outNum ? inSym[0]! : freshDim('reshape');
      }
    } else if (symEqual && inNum !== outNum) {
      throw new ShapeError(
        `${where}: ${fmtShape(x.shape)} (${inNum} elements) cannot become ${fmtShape(out)} (${outNum}).`,
        {
          details: { expected: x.shape, actual: shape },
        },
      );
    }
    return this.emit('Reshape', [x, this.ints(shape)], {}, [{ dtype: x.dtype, shape: out }])[0]!;
  }

  /** Reshape to a runtime shape tensor (int64 1-D); `like` gives the static shape to record. */
  reshapeTo(x: SymTensor, shape: SymTensor, like: readonly Dim[]): SymTensor {
    return this.emit('Reshape', [x, shape], {}, [{ dtype: x.dtype, shape: like }])[0]!;
  }

  /** Flattens to 2-D `[prod(dims < axis), prod(dims ≥ axis)]` (ONNX Flatten, default axis 1). */
  flatten(x: SymTensor, axis = 1): SymTensor {
    const tail = staticSize(x.shape.slice(axis));
    const head = staticSize(x.shape.slice(0, axis));
    const shape: Dim[] = [head ?? (axis === 1 ? x.shape[0]! : freshDim('flat')), tail ?? freshDim('flat')];
    return this.emit('Flatten', [x], { axis: { i: axis } }, [{ dtype: x.dtype, shape }])[0]!;
  }

  /** Permutes axes: output axis i is input axis `perm[i]` (ONNX Transpose). */
  transpose(x: SymTensor, perm: readonly number[]): SymTensor {
    const where = this.label('Transpose');
    if (perm.length !== x.rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      throw new ShapeError(
        `${where}: [${perm.join(', ')}] is not a permutation of the axes of ${fmtShape(x.shape)}.`,
        {
          details: { expected: x.rank, actual: perm },
        },
      );
    }
    return this.emit('Transpose', [x], { perm: { ints: perm } }, [
      { dtype: x.dtype, shape: perm.map((p) => x.shape[p]!) },
    ])[0]!;
  }

  /**
   * Slices `[start, end)` with `step` along `axes` (ONNX Slice; negative indices count from the end).
   * @example
   * ```ts
   * b.slice(x, { starts: [0], ends: [64], axes: [3] });
   * ```
   */
  slice(
    x: SymTensor,
    spec: { starts: number[]; ends: number[]; axes?: number[]; steps?: number[] },
  ): SymTensor {
    const where = this.label('Slice');
    const axes = (spec.axes ?? spec.starts.map((_, i) => i)).map((a) => normAxis(a, x.rank, where));
    const steps = spec.steps ?? axes.map(() => 1);
    const shape = [...x.shape];
    axes.forEach((ax, i) => {
      const n = x.shape[ax]!;
      const step = steps[i]!;
      if (typeof n !== 'number') {
        shape[ax] = freshDim('slice');
        return;
      }
      const clamp = (v: number, lo: number, hi: number) => Math.min(Math.max(v, lo), hi);
      let s = spec.starts[i]!;
      let e = spec.ends[i]!;
      s = s < 0 ? s + n : s;
      e = e < 0 ? e + n : e;
      if (step > 0) {
        s = clamp(s, 0, n);
        e = clamp(e, 0, n);
        shape[ax] = Math.max(0, Math.ceil((e - s) / step));
      } else {
        s = clamp(s, 0, n - 1);
        e = clamp(e, -1, n - 1);
        shape[ax] = Math.max(0, Math.ceil((e - s) / step));
      }
    });
    return this.emit(
      'Slice',
      [x, this.ints(spec.starts), this.ints(spec.ends), this.ints(axes), this.ints(steps)],
      {},
      [{ dtype: x.dtype, shape }],
    )[0]!;
  }

  /** Removes size-1 axes (ONNX Squeeze). */
  squeeze(x: SymTensor, axes: readonly number[]): SymTensor {
    const where = this.label('Squeeze');
    const ax = axes.map((a) => normAxis(a, x.rank, where));
    for (const a of ax) {
      if (typeof x.shape[a] === 'number' && x.shape[a] !== 1) {
        throw new ShapeError(`${where}: axis ${a} of ${fmtShape(x.shape)} has size ${x.shape[a]}, not 1.`, {
          details: { expected: 1, actual: x.shape[a] },
        });
      }
    }
    return this.emit('Squeeze', [x, this.ints(ax)], {}, [
      { dtype: x.dtype, shape: x.shape.filter((_, i) => !ax.includes(i)) },
    ])[0]!;
  }

  /** Inserts size-1 axes at the given output positions (ONNX Unsqueeze). */
  unsqueeze(x: SymTensor, axes: readonly number[]): SymTensor {
    const rank = x.rank + axes.length;
    const ax = axes.map((a) => normAxis(a, rank, this.label('Unsqueeze')));
    const shape: Dim[] = [];
    let j = 0;
    for (let i = 0; i < rank; i++) shape.push(ax.includes(i) ? 1 : x.shape[j++]!);
    return this.emit('Unsqueeze', [x, this.ints(ax)], {}, [{ dtype: x.dtype, shape }])[0]!;
  }

  /** Splits along `axis` into pieces of the given sizes (ONNX Split). */
  split(x: SymTensor, sizes: readonly number[], axis: number): SymTensor[] {
    const ax = normAxis(axis, x.rank, this.label('Split'));
    return this.emit(
      'Split',
      [x, this.ints(sizes)],
      { axis: { i: ax } },
      sizes.map((s) => {
        const shape = [...x.shape];
        shape[ax] = s;
        return { dtype: x.dtype, shape };
      }),
    );
  }

  /** Zero (constant) padding; `pads` as ONNX `[b1..bk, e1..ek]` over all axes. */
  pad(x: SymTensor, pads: readonly number[]): SymTensor {
    const r = x.rank;
    const shape = x.shape.map((d, i) =>
      typeof d === 'number'
        ? d + pads[i]! + pads[i + r]!
        : pads[i]! + pads[i + r]! === 0
          ? d
          : freshDim('pad'),
    );
    return this.emit('Pad', [x, this.ints(pads)], { mode: { s: 'constant' } }, [
      { dtype: x.dtype, shape },
    ])[0]!;
  }

  /** The runtime shape as an int64 1-D tensor (ONNX Shape). */
  shapeOf(x: SymTensor): SymTensor {
    return this.emit('Shape', [x], {}, [{ dtype: 'int64', shape: [x.rank] }])[0]!;
  }

  /** Element `index` of a 1-D tensor as a scalar (ONNX Gather on axis 0). */
  gather(x: SymTensor, index: number): SymTensor {
    return this.emit('Gather', [x, this.constant(Tensor.from('int64', [index], []))], { axis: { i: 0 } }, [
      { dtype: x.dtype, shape: [] },
    ])[0]!;
  }

  /** Broadcasts `x` to a runtime shape (ONNX Expand); `like` is the static shape to record. */
  expand(x: SymTensor, shape: SymTensor, like: readonly Dim[]): SymTensor {
    return this.emit('Expand', [x, shape], {}, [{ dtype: x.dtype, shape: like }])[0]!;
  }

  // ---- reductions -------------------------------------------------------------------------------

  /** Mean over `axes` (ONNX ReduceMean). `keepdims` default false. */
  reduceMean(x: SymTensor, axes: readonly number[], keepdims = false): SymTensor {
    return this.reduce('ReduceMean', x, axes, keepdims);
  }
  /** Sum over `axes` (ONNX ReduceSum). */
  reduceSum(x: SymTensor, axes: readonly number[], keepdims = false): SymTensor {
    return this.reduce('ReduceSum', x, axes, keepdims);
  }
  /** Maximum over `axes` (ONNX ReduceMax). */
  reduceMax(x: SymTensor, axes: readonly number[], keepdims = false): SymTensor {
    return this.reduce('ReduceMax', x, axes, keepdims);
  }
  /** Sum of squares over `axes` (ONNX ReduceSumSquare). */
  reduceSumSquare(x: SymTensor, axes: readonly number[], keepdims = false): SymTensor {
    return this.reduce('ReduceSumSquare', x, axes, keepdims);
  }

  private reduce(op: string, x: SymTensor, axes: readonly number[], keepdims: boolean): SymTensor {
    const where = this.label(op);
    const ax = [...new Set(axes.map((a) => normAxis(a, x.rank, where)))].sort((a, b) => a - b);
    const shape = keepdims
      ? x.shape.map((d, i) => (ax.includes(i) ? 1 : d))
      : x.shape.filter((_, i) => !ax.includes(i));
    const attrs: Record<string, Attr> = { keepdims: { i: keepdims ? 1 : 0 } };
    // Opset 17: ReduceSum takes axes as an input, the others as an attribute.
    if (op === 'ReduceSum') {
      return this.emit(op, [x, this.ints(ax)], attrs, [{ dtype: x.dtype, shape }])[0]!;
    }
    attrs.axes = { ints: ax };
    return this.emit(op, [x], attrs, [{ dtype: x.dtype, shape }])[0]!;
  }

  // ---- graph assembly ---------------------------------------------------------------------------

  /**
   * The graph in instr's IR: declared inputs, then parameters and buffers (as inputs or initializers per
   * {@link GraphBuilderOptions.paramsAs}); outputs as declared with {@link GraphBuilder.output}.
   * Unused nodes are dropped.
   */
  toGraph(extraInputs: readonly string[] = []): IrGraph {
    const initializers = new Map<string, Tensor>(this.constants);
    const inputs = [...this.inputs];
    for (const name of extraInputs) inputs.push(this.values.get(name)!);
    const stateNames = [...this.params.keys(), ...this.buffers.keys()];
    for (const name of stateNames) {
      const info = this.values.get(name)!;
      if (this.paramsAs === 'inputs') inputs.push(info);
      else initializers.set(name, this.params.get(name)?.value ?? this.buffers.get(name)!.value);
    }
    const graph: IrGraph = {
      name: this.name,
      nodes: this.nodes,
      inputs,
      outputs: [...this.outputs],
      initializers,
    };
    return pruneGraph(graph);
  }
}

/**
 * Drops nodes that no output depends on, and initializers nothing reads.
 * @example
 * ```ts
 * const g = pruneGraph(graph);
 * ```
 */
export function pruneGraph(graph: IrGraph): IrGraph {
  const needed = new Set(graph.outputs.map((o) => o.name));
  const keep: IrNode[] = [];
  for (let i = graph.nodes.length - 1; i >= 0; i--) {
    const n = graph.nodes[i]!;
    if (n.outputs.some((o) => needed.has(o))) {
      keep.push(n);
      for (const x of n.inputs) if (x) needed.add(x);
    }
  }
  keep.reverse();
  const initializers = new Map([...graph.initializers].filter(([k]) => needed.has(k)));
  return { ...graph, nodes: keep, initializers };
}

function spread(v: number | readonly number[], k: number, what: string, where: string): number[] {
  const out = typeof v === 'number' ? new Array<number>(k).fill(v) : [...v];
  if (out.length !== k || out.some((x) => !Number.isInteger(x) || x < 1)) {
    throw new InvalidArgumentError(
      `${where}: ${what} must be a positive integer or ${k} of them, got ${JSON.stringify(v)}.`,
      {
        details: { key: what, actual: v },
      },
    );
  }
  return out;
}

function padsOf(p: number | readonly number[], k: number, where: string): number[] {
  let out: number[];
  if (typeof p === 'number') out = new Array<number>(2 * k).fill(p);
  else if (p.length === k) out = [...p, ...p];
  else out = [...p];
  if (out.length !== 2 * k || out.some((x) => !Number.isInteger(x) || x < 0)) {
    throw new InvalidArgumentError(
      `${where}: padding must be a non-negative integer, ${k} or ${2 * k} of them, got ${JSON.stringify(p)}.`,
      {
        details: { key: 'padding', actual: p },
      },
    );
  }
  return out;
}
