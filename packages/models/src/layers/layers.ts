import { ConfigError, ShapeError, Tensor } from '@instr/core';
import type { GraphBuilder, SymTensor } from '../graph/builder.js';
import { fmtShape } from '../graph/shape.js';
import { createParam, type Init, type InitSource } from './init.js';

/**
 * Runs `fn` inside `b.scope(name)` when a name is given, else in the current scope.
 * @example
 * ```ts
 * const y = inScope(b, 'block1', () => conv2d(b, x, rng, { name: 'conv', outChannels: 8, kernel: 3 }));
 * ```
 */
export function inScope<T>(b: GraphBuilder, name: string | undefined, fn: () => T): T {
  return name ? b.scope(name, fn) : fn();
}

function channelsOf(b: GraphBuilder, x: SymTensor, what: string): number {
  const c = x.shape[1];
  if (typeof c !== 'number') {
    throw new ShapeError(
      `${b.label(what)}: the channel axis of input ${fmtShape(x.shape)} must be static to create parameters.`,
      { details: { actual: x.shape } },
    );
  }
  return c;
}

function lastDim(b: GraphBuilder, x: SymTensor, what: string): number {
  const d = x.shape[x.rank - 1];
  if (typeof d !== 'number') {
    throw new ShapeError(
      `${b.label(what)}: the feature axis of input ${fmtShape(x.shape)} must be static to create parameters.`,
      { details: { actual: x.shape } },
    );
  }
  return d;
}

function positiveInt(v: unknown, key: string, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
    throw new ConfigError(`${where}: ${key} must be a positive integer, got ${JSON.stringify(v)}.`, {
      details: { key, actual: v },
    });
  }
  return v;
}

/** Activation functions by name (PyTorch module names in snake case). */
export type ActivationName =
  | 'relu'
  | 'leaky_relu'
  | 'gelu'
  | 'silu'
  | 'tanh'
  | 'sigmoid'
  | 'hardswish'
  | 'identity';

/**
 * The activation names accepted by {@link activation}.
 * @example
 * ```ts
 * ACTIVATIONS.includes('gelu'); // true
 * ```
 */
export const ACTIVATIONS: readonly ActivationName[] = [
  'relu',
  'leaky_relu',
  'gelu',
  'silu',
  'tanh',
  'sigmoid',
  'hardswish',
  'identity',
];

/**
 * Applies an activation by name (`leaky_relu` slope 0.01 as `nn.LeakyReLU`, `gelu` exact as `nn.GELU`).
 * @throws {@link ConfigError} for an unknown name (`details.key` `'activation'`).
 * @example
 * ```ts
 * const h = activation(b, x, 'gelu');
 * ```
 */
export function activation(b: GraphBuilder, x: SymTensor, name: ActivationName): SymTensor {
  switch (name) {
    case 'relu':
      return b.relu(x);
    case 'leaky_relu':
      return b.leakyRelu(x, 0.01);
    case 'gelu':
      return b.gelu(x);
    case 'silu':
      return b.silu(x);
    case 'tanh':
      return b.tanh(x);
    case 'sigmoid':
      return b.sigmoid(x);
    case 'hardswish':
      return b.hardSwish(x);
    case 'identity':
      return x;
    default:
      throw new ConfigError(
        `Unknown activation ${JSON.stringify(name)}; expected one of ${ACTIVATIONS.join(', ')}.`,
        { details: { key: 'activation', expected: ACTIVATIONS, actual: name } },
      );
  }
}

/** Options of {@link conv2d} and {@link conv1d} (PyTorch names and defaults, as `nn.Conv2d`). */
export interface ConvLayerOptions {
  /** Scope of the parameters (`'conv'` → `conv.weight`, `conv.bias`). Default: the current scope. */
  name?: string;
  outChannels: number;
  /** Kernel size per spatial axis (a number applies to all). */
  kernel: number | number[];
  /** Default 1. */
  stride?: number | number[];
  /** Zero padding; `'same'` pads `dilation·(k−1)/2` (odd kernels). Default 0. */
  padding?: number | number[] | 'same';
  /** Default 1. */
  dilation?: number | number[];
  /** Default 1; `groups = in channels` is a depthwise convolution. */
  groups?: number;
  /** Add a bias. Default true (as `nn.Conv2d`). */
  bias?: boolean;
  /** Weight init. Default `{ type: 'torch_default' }` (as `nn.Conv2d`: kaiming-uniform, a = √5). */
  init?: Init;
  /** Bias init. Default: `torch_default` (uniform ±1/√fan_in) when `init` is not given, zeros otherwise. */
  biasInit?: Init;
}

function convN(b: GraphBuilder, x: SymTensor, src: InitSource, o: ConvLayerOptions, k: number): SymTensor {
  const what = k === 1 ? 'conv1d' : 'conv2d';
  if (x.rank !== k + 2) {
    throw new ShapeError(
      `${b.label(what)}: input ${fmtShape(x.shape)} must have rank ${k + 2} ([N, C, ${k === 1 ? 'T' : 'H, W'}]).`,
      { details: { expected: k + 2, actual: x.rank } },
    );
  }
  const cin = channelsOf(b, x, what);
  const cout = positiveInt(o.outChannels, 'outChannels', what);
  const groups = positiveInt(o.groups ?? 1, 'groups', what);
  if (cin % groups !== 0 || cout % groups !== 0) {
    throw new ConfigError(
      `${b.label(what)}: in channels ${cin} and out channels ${cout} must both be divisible by groups ${groups}.`,
      { details: { key: 'groups', actual: groups } },
    );
  }
  const kernel = typeof o.kernel === 'number' ? new Array<number>(k).fill(o.kernel) : [...o.kernel];
  if (kernel.length !== k) {
    throw new ConfigError(`${b.label(what)}: kernel needs ${k} sizes, got ${JSON.stringify(o.kernel)}.`, {
      details: { key: 'kernel', actual: o.kernel },
    });
  }
  for (const v of kernel) positiveInt(v, 'kernel', what);
  const dil = o.dilation ?? 1;
  const padding =
    o.padding === 'same'
      ? kernel.map((kk, i) => {
          if (kk % 2 === 0) {
            throw new ConfigError(`${b.label(what)}: padding 'same' needs odd kernels, got ${kk}.`, {
              details: { key: 'padding', actual: o.kernel },
            });
          }
          return (((typeof dil === 'number' ? dil : dil[i]!) ?? 1) * (kk - 1)) / 2;
        })
      : (o.padding ?? 0);
  const shape = [cout, cin / groups, ...kernel];
  const fanIn = (cin / groups) * kernel.reduce((p, v) => p * v, 1);
  return inScope(b, o.name, () => {
    const w = createParam(b, src, 'weight', shape, o.init ?? { type: 'torch_default' });
    const bias =
      (o.bias ?? true)
        ? createParam(
            b,
            src,
            'bias',
            [cout],
            o.biasInit ?? (o.init ? { type: 'zeros' } : { type: 'torch_default', fanIn }),
          )
        : undefined;
    return b.conv(x, w, bias, { stride: o.stride, padding, dilation: o.dilation, groups });
  });
}

/**
 * 2-D convolution layer as `nn.Conv2d` (weight `[Cout, Cin/groups, kh, kw]`, optional bias).
 * @example
 * ```ts
 * const y = conv2d(b, x, rng, { name: 'conv1', outChannels: 64, kernel: 3, padding: 1, bias: false,
 *   init: { type: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' } });
 * ```
 */
export function conv2d(b: GraphBuilder, x: SymTensor, src: InitSource, options: ConvLayerOptions): SymTensor {
  return convN(b, x, src, options, 2);
}

/**
 * 1-D convolution layer as `nn.Conv1d` (input `[N, C, T]`).
 * @example
 * ```ts
 * const y = conv1d(b, wave, rng, { name: 'conv0', outChannels: 512, kernel: 10, stride: 5, bias: false });
 * ```
 */
export function conv1d(b: GraphBuilder, x: SymTensor, src: InitSource, options: ConvLayerOptions): SymTensor {
  return convN(b, x, src, options, 1);
}

/** Options of {@link linear} (as `nn.Linear`). */
export interface LinearLayerOptions {
  /** Scope of the parameters (`'fc'` → `fc.weight`, `fc.bias`). */
  name?: string;
  outFeatures: number;
  /** Default true. */
  bias?: boolean;
  /** Weight init. Default `torch_default` (kaiming-uniform a = √5, as `nn.Linear`). */
  init?: Init;
  /** Bias init. Default `torch_default` (±1/√in) when `init` is not given, zeros otherwise. */
  biasInit?: Init;
}

/**
 * Fully connected layer as `nn.Linear` over the last axis (weight `[out, in]`).
 * @example
 * ```ts
 * const logits = linear(b, features, rng, { name: 'fc', outFeatures: 11 });
 * ```
 */
export function linear(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: LinearLayerOptions,
): SymTensor {
  const fin = lastDim(b, x, 'linear');
  const fout = positiveInt(options.outFeatures, 'outFeatures', 'linear');
  return inScope(b, options.name, () => {
    const w = createParam(b, src, 'weight', [fout, fin], options.init ?? { type: 'torch_default' });
    const bias =
      (options.bias ?? true)
        ? createParam(
            b,
            src,
            'bias',
            [fout],
            options.biasInit ?? (options.init ? { type: 'zeros' } : { type: 'torch_default', fanIn: fin }),
          )
        : undefined;
    return b.linear(x, w, bias);
  });
}

/** Options of {@link batchNorm} (as `nn.BatchNorm2d`: momentum 0.1, eps 1e-5, affine). */
export interface BatchNormLayerOptions {
  name?: string;
  /** Default 0.1 (MobileNetV3 uses 0.01). */
  momentum?: number;
  /** Default 1e-5 (MobileNetV3 uses 1e-3). */
  eps?: number;
  /** Initial scale. Default 1 (`0` zero-initialises a residual branch). */
  weightInit?: number;
}

/**
 * Batch normalisation over axis 1 (`[N, C, …]`) with learnable `weight`/`bias` (role `'norm'`, no weight
 * decay) and `running_mean`/`running_var` buffers, as `nn.BatchNorm1d/2d`.
 * @example
 * ```ts
 * const y = batchNorm(b, x, { name: 'bn1' });
 * ```
 */
export function batchNorm(b: GraphBuilder, x: SymTensor, options: BatchNormLayerOptions = {}): SymTensor {
  const c = channelsOf(b, x, 'batchNorm');
  return inScope(b, options.name, () =>
    b.batchNorm(
      x,
      b.param('weight', Tensor.full(b.dtype, [c], options.weightInit ?? 1), { role: 'norm' }),
      b.param('bias', Tensor.zeros(b.dtype, [c]), { role: 'norm' }),
      b.buffer('running_mean', Tensor.zeros(b.dtype, [c])),
      b.buffer('running_var', Tensor.full(b.dtype, [c], 1)),
      { momentum: options.momentum, eps: options.eps },
    ),
  );
}

/** Options of {@link layerNorm} (as `nn.LayerNorm(last dim)`, eps 1e-5). */
export interface LayerNormLayerOptions {
  name?: string;
  /** Default 1e-5 (ConvNeXt uses 1e-6). */
  eps?: number;
}

/**
 * Layer normalisation over the last axis with learnable `weight` and `bias` (role `'norm'`), as `nn.LayerNorm`.
 * @example
 * ```ts
 * const y = layerNorm(b, h, { name: 'norm' }); // h: [N, D] or [N, T, D]
 * ```
 */
export function layerNorm(b: GraphBuilder, x: SymTensor, options: LayerNormLayerOptions = {}): SymTensor {
  const d = lastDim(b, x, 'layerNorm');
  return inScope(b, options.name, () =>
    b.layerNorm(
      x,
      b.param('weight', Tensor.full(b.dtype, [d], 1), { role: 'norm' }),
      b.param('bias', Tensor.zeros(b.dtype, [d]), { role: 'norm' }),
      { eps: options.eps },
    ),
  );
}

/**
 * Layer normalisation over the channel axis of a channels-first tensor `[N, C, …]` (ConvNeXt's
 * `LayerNorm2d`): moves C last, normalises, moves it back.
 * @example
 * ```ts
 * const y = channelLayerNorm(b, x, { name: 'norm', eps: 1e-6 });
 * ```
 */
export function channelLayerNorm(
  b: GraphBuilder,
  x: SymTensor,
  options: LayerNormLayerOptions = {},
): SymTensor {
  const r = x.rank;
  const toLast = [0, ...Array.from({ length: r - 2 }, (_, i) => i + 2), 1];
  const back = [0, r - 1, ...Array.from({ length: r - 2 }, (_, i) => i + 1)];
  return b.transpose(layerNorm(b, b.transpose(x, toLast), options), back);
}

/** Options of {@link groupNorm} (as `nn.GroupNorm`, eps 1e-5, affine). */
export interface GroupNormLayerOptions {
  name?: string;
  /** Number of groups; must divide the channels. `groups = C` normalises each channel over time/space. */
  groups: number;
  /** Default 1e-5. */
  eps?: number;
}

/**
 * Group normalisation as `nn.GroupNorm(groups, C)`: statistics per example and group over the group's
 * channels and all spatial positions (biased variance), then a per-channel affine (`weight`, `bias`).
 * wav2vec 2.0's feature encoder uses `groups = C` on its first layer.
 * @example
 * ```ts
 * const y = groupNorm(b, x, { name: 'norm', groups: 512 }); // x: [N, 512, T]
 * ```
 */
export function groupNorm(b: GraphBuilder, x: SymTensor, options: GroupNormLayerOptions): SymTensor {
  const c = channelsOf(b, x, 'groupNorm');
  const g = positiveInt(options.groups, 'groups', 'groupNorm');
  if (c % g !== 0) {
    throw new ConfigError(`${b.label('groupNorm')}: groups ${g} must divide the channels ${c}.`, {
      details: { key: 'groups', actual: g },
    });
  }
  return inScope(b, options.name, () => {
    const eps = options.eps ?? 1e-5;
    const xs = b.reshape(x, [0, g, -1]); // [N, G, C/G·S]
    const mean = b.reduceMean(xs, [2], true);
    const xc = b.sub(xs, mean);
    const variance = b.reduceMean(b.mul(xc, xc), [2], true);
    const xn = b.reshapeTo(b.div(xc, b.sqrt(b.add(variance, eps))), b.shapeOf(x), x.shape);
    const bshape = [c, ...x.shape.slice(2).map(() => 1)];
    const w = b.param('weight', Tensor.full(b.dtype, [c], 1), { role: 'norm' });
    const bias = b.param('bias', Tensor.zeros(b.dtype, [c]), { role: 'norm' });
    return b.add(b.mul(xn, b.reshape(w, bshape)), b.reshape(bias, bshape));
  });
}

/**
 * Inverted dropout (identity outside training). A thin alias of `b.dropout` for symmetry with the layers.
 * @example
 * ```ts
 * const h = dropout(b, x, 0.2);
 * ```
 */
export function dropout(b: GraphBuilder, x: SymTensor, p: number): SymTensor {
  return b.dropout(x, p);
}

/**
 * Stochastic depth ("drop path", as `torchvision.ops.StochasticDepth(p, 'row')`): in training, each
 * example's residual branch is zeroed with probability `p` and scaled by `1/(1−p)` otherwise; the mask
 * (`[N, 1, …]`) is a dropout-mask input that `TrainSession` fills. Identity in eval/inference or for `p = 0`.
 * @example
 * ```ts
 * const y = b.add(x, dropPath(b, branch, 0.1));
 * ```
 */
export function dropPath(b: GraphBuilder, x: SymTensor, p: number): SymTensor {
  if (!(p >= 0 && p < 1)) {
    throw new ConfigError(`dropPath: p must be in [0, 1), got ${p}.`, {
      details: { key: 'dropPath', actual: p },
    });
  }
  if (!b.training || p === 0) return x;
  const name = b.scoped(`drop_path_${b.dropoutMasks.length}`);
  const shape = [x.shape[0]!, ...x.shape.slice(1).map(() => 1)];
  const mask = b.input(name, x.dtype, shape);
  b.dropoutMasks.push({ name, shape, p });
  return b.mul(x, mask);
}

/** Norm + activation options shared by the conv blocks. */
export interface ConvNormActOptions {
  /** Batch-norm momentum. Default 0.1. */
  bnMomentum?: number;
  /** Batch-norm eps. Default 1e-5. */
  bnEps?: number;
  /** Conv weight init. Default kaiming-normal (fan_out, relu), as torchvision's CNNs. */
  init?: Init;
}

const KAIMING_OUT: Init = { type: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' };

/**
 * `Conv (no bias) → BatchNorm → activation` with parameters `<name>.conv.*`, `<name>.bn.*`.
 * @example
 * ```ts
 * const y = convBnAct(b, x, rng, { name: 'stem', outChannels: 16, kernel: 3, stride: 2, activation: 'hardswish' });
 * ```
 */
export function convBnAct(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: Omit<ConvLayerOptions, 'bias' | 'biasInit'> & ConvNormActOptions & { activation?: ActivationName },
): SymTensor {
  return inScope(b, options.name, () => {
    const conv = (x.rank === 3 ? conv1d : conv2d)(b, x, src, {
      ...options,
      name: 'conv',
      bias: false,
      padding: options.padding ?? 'same',
      init: options.init ?? KAIMING_OUT,
    });
    const bn = batchNorm(b, conv, { name: 'bn', momentum: options.bnMomentum, eps: options.bnEps });
    return activation(b, bn, options.activation ?? 'relu');
  });
}

/** Options of {@link depthwiseSeparableConv}. */
export interface DepthwiseSeparableOptions extends ConvNormActOptions {
  name?: string;
  outChannels: number;
  /** Depthwise kernel. Default 3. */
  kernel?: number;
  /** Depthwise stride. Default 1. */
  stride?: number;
  /** Default 'relu'. */
  activation?: ActivationName;
}

/**
 * Depthwise-separable convolution (MobileNet v1): depthwise `k×k` conv (groups = C) → BN → act →
 * pointwise 1×1 conv → BN → act. Parameters `dw.conv`, `dw.bn`, `pw.conv`, `pw.bn`.
 * @example
 * ```ts
 * const y = depthwiseSeparableConv(b, x, rng, { name: 'ds1', outChannels: 64, stride: 2 });
 * ```
 */
export function depthwiseSeparableConv(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: DepthwiseSeparableOptions,
): SymTensor {
  const c = channelsOf(b, x, 'depthwiseSeparableConv');
  return inScope(b, options.name, () => {
    const dw = convBnAct(b, x, src, {
      ...options,
      name: 'dw',
      outChannels: c,
      groups: c,
      kernel: options.kernel ?? 3,
      stride: options.stride ?? 1,
    });
    return convBnAct(b, dw, src, {
      ...options,
      name: 'pw',
      outChannels: options.outChannels,
      kernel: 1,
      stride: 1,
    });
  });
}

/** Options of {@link squeezeExcitation2d}. */
export interface SqueezeExcitationOptions {
  name?: string;
  /** Hidden channels of the bottleneck (torchvision MobileNetV3: `makeDivisible(C/4, 8)`). */
  squeezeChannels: number;
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Gate: `'sigmoid'` (SENet) or `'hardsigmoid'` (MobileNetV3). Default 'sigmoid'. */
  gate?: 'sigmoid' | 'hardsigmoid';
}

/**
 * Squeeze-and-excitation as `torchvision.ops.SqueezeExcitation`: global average pool → 1×1 conv `fc1`
 * (with bias) → act → 1×1 conv `fc2` → gate → channel-wise scale of `x`.
 * @example
 * ```ts
 * const y = squeezeExcitation2d(b, x, rng, { name: 'se', squeezeChannels: 16, gate: 'hardsigmoid' });
 * ```
 */
export function squeezeExcitation2d(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: SqueezeExcitationOptions,
): SymTensor {
  return inScope(b, options.name, () => {
    const s = b.globalAvgPool(x);
    const h = activation(
      b,
      (x.rank === 3 ? conv1d : conv2d)(b, s, src, {
        name: 'fc1',
        outChannels: options.squeezeChannels,
        kernel: 1,
        init: KAIMING_OUT,
      }),
      options.activation ?? 'relu',
    );
    const g0 = (x.rank === 3 ? conv1d : conv2d)(b, h, src, {
      name: 'fc2',
      outChannels: channelsOf(b, x, 'squeezeExcitation'),
      kernel: 1,
      init: KAIMING_OUT,
    });
    const g = options.gate === 'hardsigmoid' ? b.hardSigmoid(g0) : b.sigmoid(g0);
    return b.mul(x, g);
  });
}

/**
 * Rounds channels to a multiple of `divisor` (at least `divisor`, never below 90 % of `v`), as
 * torchvision's `_make_divisible` used by MobileNet.
 * @example
 * ```ts
 * makeDivisible(72 / 4, 8); // 24
 * ```
 */
export function makeDivisible(v: number, divisor = 8, minValue = divisor): number {
  const nv = Math.max(minValue, Math.floor((v + divisor / 2) / divisor) * divisor);
  return nv < 0.9 * v ? nv + divisor : nv;
}

/** Options of {@link invertedResidual}. */
export interface InvertedResidualOptions {
  name?: string;
  /** Expanded (hidden) channels; no expansion conv when equal to the input channels. */
  expandChannels: number;
  outChannels: number;
  /** Depthwise kernel (3 or 5 in MobileNetV3). */
  kernel: number;
  stride: number;
  /** Squeeze-excitation after the depthwise conv (squeeze channels `makeDivisible(expand/4, 8)`, hard-sigmoid gate). */
  se: boolean;
  /** 'relu' or 'hardswish' in MobileNetV3. */
  activation: ActivationName;
  /** Default 0.01 (torchvision MobileNetV3). */
  bnMomentum?: number;
  /** Default 1e-3 (torchvision MobileNetV3). */
  bnEps?: number;
}

/**
 * MobileNetV3 inverted residual block as torchvision's `InvertedResidual`: [1×1 expand → BN → act] →
 * depthwise k×k (stride) → BN → act → [SE] → 1×1 project → BN, plus the input when stride 1 and the
 * channels match. Parameters `expand.*`, `dw.*`, `se.fc1/fc2`, `project.*`.
 * @example
 * ```ts
 * const y = invertedResidual(b, x, rng, { name: 'b3', expandChannels: 72, outChannels: 40, kernel: 5,
 *   stride: 2, se: true, activation: 'relu' });
 * ```
 */
export function invertedResidual(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  o: InvertedResidualOptions,
): SymTensor {
  const cin = channelsOf(b, x, 'invertedResidual');
  const bn = { bnMomentum: o.bnMomentum ?? 0.01, bnEps: o.bnEps ?? 1e-3 };
  return inScope(b, o.name, () => {
    let h = x;
    if (o.expandChannels !== cin) {
      h = convBnAct(b, h, src, {
        ...bn,
        name: 'expand',
        outChannels: o.expandChannels,
        kernel: 1,
        activation: o.activation,
      });
    }
    h = convBnAct(b, h, src, {
      ...bn,
      name: 'dw',
      outChannels: o.expandChannels,
      groups: o.expandChannels,
      kernel: o.kernel,
      stride: o.stride,
      activation: o.activation,
    });
    if (o.se) {
      h = squeezeExcitation2d(b, h, src, {
        name: 'se',
        squeezeChannels: makeDivisible(o.expandChannels / 4, 8),
        gate: 'hardsigmoid',
      });
    }
    h = convBnAct(b, h, src, {
      ...bn,
      name: 'project',
      outChannels: o.outChannels,
      kernel: 1,
      activation: 'identity',
    });
    return o.stride === 1 && cin === o.outChannels ? b.add(h, x) : h;
  });
}

/** Options of {@link resNeXtBottleneck}. */
export interface ResNeXtBottleneckOptions {
  name?: string;
  /** Planes (output channels = planes · expansion). */
  planes: number;
  /** Stride of the grouped 3×3 conv (ResNet v1.5). Default 1. */
  stride?: number;
  /** Cardinality (groups of the 3×3 conv). Default 32. */
  groups?: number;
  /** Width per group at planes 64. Default 4 (ResNeXt-50 32×4d). */
  baseWidth?: number;
  /** Default 4. */
  expansion?: number;
  /** Zero-initialise the last BN's scale (torchvision `zero_init_residual`). Default true. */
  zeroInitResidual?: boolean;
}

/**
 * ResNeXt bottleneck as torchvision's `Bottleneck` with `groups`/`width_per_group`: 1×1 (width) → BN → ReLU
 * → grouped 3×3 (stride) → BN → ReLU → 1×1 (planes·4) → BN, plus the identity or a `downsample`
 * (1×1 conv stride + BN) when the shape changes, then ReLU. `width = ⌊planes·baseWidth/64⌋·groups`.
 * @example
 * ```ts
 * const y = resNeXtBottleneck(b, x, rng, { name: '0', planes: 64, groups: 32, baseWidth: 4 });
 * ```
 */
export function resNeXtBottleneck(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  o: ResNeXtBottleneckOptions,
): SymTensor {
  const cin = channelsOf(b, x, 'resNeXtBottleneck');
  const groups = o.groups ?? 32;
  const expansion = o.expansion ?? 4;
  const stride = o.stride ?? 1;
  const width = Math.floor((o.planes * (o.baseWidth ?? 4)) / 64) * groups;
  const cout = o.planes * expansion;
  const init = KAIMING_OUT;
  return inScope(b, o.name, () => {
    let h = conv2d(b, x, src, { name: 'conv1', outChannels: width, kernel: 1, bias: false, init });
    h = b.relu(batchNorm(b, h, { name: 'bn1' }));
    h = conv2d(b, h, src, {
      name: 'conv2',
      outChannels: width,
      kernel: 3,
      stride,
      padding: 1,
      groups,
      bias: false,
      init,
    });
    h = b.relu(batchNorm(b, h, { name: 'bn2' }));
    h = conv2d(b, h, src, { name: 'conv3', outChannels: cout, kernel: 1, bias: false, init });
    h = batchNorm(b, h, { name: 'bn3', weightInit: (o.zeroInitResidual ?? true) ? 0 : 1 });
    const identity =
      stride !== 1 || cin !== cout
        ? b.scope('downsample', () =>
            batchNorm(
              b,
              conv2d(b, x, src, { name: 'conv', outChannels: cout, kernel: 1, stride, bias: false, init }),
              {
                name: 'bn',
              },
            ),
          )
        : x;
    return b.relu(b.add(h, identity));
  });
}

/** Options of {@link convNeXtBlock}. */
export interface ConvNeXtBlockOptions {
  name?: string;
  /** Depthwise kernel. Default 7. */
  kernel?: number;
  /** MLP expansion. Default 4. */
  expansion?: number;
  /** Initial layer-scale value. Default 1e-6. */
  layerScale?: number;
  /** Stochastic-depth probability. Default 0. */
  dropPath?: number;
}

const TRUNC_002: Init = { type: 'trunc_normal', std: 0.02 };

/**
 * ConvNeXt block as torchvision's `CNBlock`: depthwise 7×7 conv → (channels last) LayerNorm (eps 1e-6) →
 * Linear 4C → GELU → Linear C → layer scale → (channels first) → stochastic depth → + input.
 * Parameters `dwconv`, `norm`, `pwconv1`, `pwconv2`, `layer_scale` (`[C, 1, 1]`); weights trunc-normal
 * (std 0.02), biases zero, as torchvision.
 * @example
 * ```ts
 * const y = convNeXtBlock(b, x, rng, { name: '0', dropPath: 0.1 });
 * ```
 */
export function convNeXtBlock(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: ConvNeXtBlockOptions = {},
): SymTensor {
  const c = channelsOf(b, x, 'convNeXtBlock');
  const k = options.kernel ?? 7;
  return inScope(b, options.name, () => {
    let h = conv2d(b, x, src, {
      name: 'dwconv',
      outChannels: c,
      kernel: k,
      padding: (k - 1) / 2,
      groups: c,
      init: TRUNC_002,
    });
    h = b.transpose(h, [0, 2, 3, 1]);
    h = layerNorm(b, h, { name: 'norm', eps: 1e-6 });
    h = linear(b, h, src, { name: 'pwconv1', outFeatures: c * (options.expansion ?? 4), init: TRUNC_002 });
    h = b.gelu(h);
    h = linear(b, h, src, { name: 'pwconv2', outFeatures: c, init: TRUNC_002 });
    h = b.transpose(h, [0, 3, 1, 2]);
    const gamma = createParam(
      b,
      src,
      'layer_scale',
      [c, 1, 1],
      { type: 'constant', value: options.layerScale ?? 1e-6 },
      {
        decay: false,
        role: 'norm',
      },
    );
    h = b.mul(h, gamma);
    return b.add(x, dropPath(b, h, options.dropPath ?? 0));
  });
}

/** Options of {@link temporalAttentionPool}. */
export interface TemporalAttentionOptions {
  name?: string;
}

/**
 * Learned attention pooling over time, the reference system's `AttentionLayer`: for `x` `[N, T, D]`,
 * `w = softmax_T(w2(tanh(W1·h)) / √D)` with `W1` a D×D Linear (`W1`) and `w2` a D×1 Linear (`w2`), output
 * `Σ_T w·h` `[N, D]`. Linear layers use PyTorch's default init.
 * @example
 * ```ts
 * const pooled = temporalAttentionPool(b, frames, rng, { name: 'attention' }); // [N, D]
 * ```
 */
export function temporalAttentionPool(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  options: TemporalAttentionOptions = {},
): SymTensor {
  if (x.rank !== 3) {
    throw new ShapeError(
      `${b.label('temporalAttentionPool')}: input ${fmtShape(x.shape)} must be [N, T, D].`,
      {
        details: { expected: 3, actual: x.rank },
      },
    );
  }
  const d = lastDim(b, x, 'temporalAttentionPool');
  return inScope(b, options.name, () => {
    const h = b.tanh(linear(b, x, src, { name: 'W1', outFeatures: d }));
    const scores = b.div(linear(b, h, src, { name: 'w2', outFeatures: 1 }), Math.sqrt(d)); // [N, T, 1]
    const att = b.softmax(scores, 1);
    return b.reduceSum(b.mul(x, att), [1]);
  });
}
