import { ConfigError, InvalidArgumentError, Rng, ShapeError, Tensor } from '@instr/core';
import type { GraphBuilder, ParamOptions, SymTensor } from '../graph/builder.js';

/**
 * Non-linearity names for {@link calculateGain}, as `torch.nn.init.calculate_gain`.
 */
export type Nonlinearity =
  | 'linear'
  | 'conv1d'
  | 'conv2d'
  | 'sigmoid'
  | 'tanh'
  | 'relu'
  | 'leaky_relu'
  | 'selu'
  | 'gelu'
  | 'silu'
  | 'hardswish';

/**
 * Recommended gain of an initialiser for a non-linearity, as `torch.nn.init.calculate_gain`
 * (`leaky_relu`: √(2/(1+a²)), `a` default 0.01 there; relu √2; tanh 5/3; selu 3/4; linear/conv/sigmoid 1).
 * GELU, SiLU and hard-swish have no PyTorch gain; they use 1, like any other unlisted function.
 *
 * @example
 * ```ts
 * calculateGain('relu');             // 1.4142…
 * calculateGain('leaky_relu', 0.2);  // √(2 / 1.04)
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, a?: number): number {
  switch (nonlinearity) {
    case 'relu':
      return Math.SQRT2;
    case 'leaky_relu': {
      const s = a ?? 0.01;
      return Math.sqrt(2 / (1 + s * s));
    }
    case 'tanh':
      return 5 / 3;
    case 'selu':
      return 3 / 4;
    default:
      return 1;
  }
}

/**
 * `[fan_in, fan_out]` of a weight shape as `torch.nn.init._calculate_fan_in_and_fan_out`:
 * `fan_in = shape[1]·receptive`, `fan_out = shape[0]·receptive` (receptive = product of `shape[2:]`).
 * For a grouped convolution the weight is `[Cout, Cin/groups, k…]`, so fan_in is per group, as PyTorch.
 *
 * @example
 * ```ts
 * fans([64, 32, 3, 3]); // [288, 576]
 * ```
 */
export function fans(shape: readonly number[]): [number, number] {
  if (shape.length < 2) {
    throw new ShapeError(
      `Fan in and fan out need a weight of rank ≥ 2, got shape [${shape.join(', ')}]; initialise biases and vectors with uniform/zeros instead.`,
      { details: { expected: 'rank ≥ 2', actual: shape } },
    );
  }
  const receptive = shape.slice(2).reduce((p, v) => p * v, 1);
  return [shape[1]! * receptive, shape[0]! * receptive];
}

/**
 * A JSON-serialisable description of how a parameter is initialised (PyTorch names and defaults).
 *
 * - `kaiming_normal` / `kaiming_uniform`: He init; `mode` default `'fan_in'`, `nonlinearity` default
 *   `'leaky_relu'` with `a` default 0 (= ReLU gain √2), as `torch.nn.init.kaiming_*_`.
 * - `xavier_normal` / `xavier_uniform`: Glorot init, `gain` default 1.
 * - `torch_default`: what `nn.Linear` / `nn.ConvNd` do on construction: weights kaiming-uniform with
 *   `a = √5` (bound `1/√fan_in`); biases uniform in `±1/√fan_in` of the *weight's* fan-in (`fanIn` must
 *   then be given).
 * - `normal` (`std` default 1), `trunc_normal` (`std` default 1, absolute bounds `a` −2, `b` 2 as
 *   `torch.nn.init.trunc_normal_`), `uniform` (`low` 0, `high` 1), `constant`, `zeros`, `ones`.
 *
 * @example
 * ```ts
 * const spec: InitSpec = { type: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' };
 * ```
 */
export type InitSpec =
  | { type: 'zeros' }
  | { type: 'ones' }
  | { type: 'constant'; value: number }
  | { type: 'normal'; mean?: number; std?: number }
  | { type: 'trunc_normal'; mean?: number; std?: number; a?: number; b?: number }
  | { type: 'uniform'; low?: number; high?: number }
  | {
      type: 'kaiming_normal' | 'kaiming_uniform';
      mode?: 'fan_in' | 'fan_out';
      nonlinearity?: Nonlinearity;
      a?: number;
    }
  | { type: 'xavier_normal' | 'xavier_uniform'; gain?: number }
  | { type: 'torch_default'; fanIn?: number };

/** An initialiser: a spec, or a function of the Rng and the shape. */
export type Init = InitSpec | ((rng: Rng, shape: readonly number[]) => Tensor<'float32'>);

const INIT_TYPES = new Set([
  'zeros',
  'ones',
  'constant',
  'normal',
  'trunc_normal',
  'uniform',
  'kaiming_normal',
  'kaiming_uniform',
  'xavier_normal',
  'xavier_uniform',
  'torch_default',
]);

function size(shape: readonly number[]): number {
  return shape.reduce((p, v) => p * v, 1);
}

function filled(shape: readonly number[], f: (i: number) => number): Tensor<'float32'> {
  const n = size(shape);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = f(i);
  return new Tensor('float32', out, shape);
}

/** Fast standard normals (Box–Muller on the Rng's uniforms): about 2x faster than `Rng.normal` for big tensors. */
function normals(rng: Rng, n: number, mean: number, std: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i += 2) {
    const u1 = 1 - rng.uniform();
    const u2 = rng.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * u2);
    if (i + 1 < n) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * u2);
  }
  return out;
}

/**
 * Normal deviates `N(mean, std²)` as a float32 tensor.
 * @example
 * ```ts
 * const w = normalInit(new Rng(0), [128, 64], 0, 0.01);
 * ```
 */
export function normalInit(rng: Rng, shape: readonly number[], mean = 0, std = 1): Tensor<'float32'> {
  return new Tensor('float32', normals(rng, size(shape), mean, std), shape);
}

/**
 * Uniform deviates in `[low, high)` as a float32 tensor.
 * @example
 * ```ts
 * const b = uniformInit(new Rng(0), [64], -0.1, 0.1);
 * ```
 */
export function uniformInit(rng: Rng, shape: readonly number[], low = 0, high = 1): Tensor<'float32'> {
  return filled(shape, () => rng.uniform(low, high));
}

/**
 * Truncated normal as `torch.nn.init.trunc_normal_`: `N(mean, std²)` redrawn outside the absolute bounds
 * `[a, b]` (default −2, 2).
 * @example
 * ```ts
 * const w = truncNormalInit(new Rng(0), [384, 96], 0, 0.02); // ConvNeXt's init
 * ```
 */
export function truncNormalInit(
  rng: Rng,
  shape: readonly number[],
  mean = 0,
  std = 1,
  a = -2,
  b = 2,
): Tensor<'float32'> {
  if (!(b > a)) {
    throw new InvalidArgumentError(`trunc_normal: needs a < b, got a=${a}, b=${b}.`, {
      details: { key: 'a', actual: [a, b] },
    });
  }
  const n = size(shape);
  const out = normals(rng, n, mean, std);
  for (let i = 0; i < n; i++) {
    let v = out[i]!;
    let tries = 0;
    while ((v < a || v > b) && tries++ < 1000) v = mean + std * rng.normal();
    out[i] = Math.min(Math.max(v, a), b);
  }
  return new Tensor('float32', out, shape);
}

/**
 * Kaiming (He) normal init as `torch.nn.init.kaiming_normal_`: `std = gain/√fan` with
 * `gain = calculateGain(nonlinearity, a)`. Defaults as PyTorch: `mode 'fan_in'`, `nonlinearity 'leaky_relu'`, `a 0`.
 * @example
 * ```ts
 * const w = kaimingNormal(new Rng(0), [64, 32, 3, 3], { mode: 'fan_out', nonlinearity: 'relu' });
 * ```
 */
export function kaimingNormal(
  rng: Rng,
  shape: readonly number[],
  options: { mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity; a?: number } = {},
): Tensor<'float32'> {
  const [fin, fout] = fans(shape);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fin : fout;
  const gain = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0);
  return normalInit(rng, shape, 0, gain / Math.sqrt(fan));
}

/**
 * Kaiming (He) uniform init as `torch.nn.init.kaiming_uniform_`: bound `gain·√(3/fan)`.
 * Defaults as PyTorch: `mode 'fan_in'`, `nonlinearity 'leaky_relu'`, `a 0`.
 * @example
 * ```ts
 * const w = kaimingUniform(new Rng(0), [128, 512], { a: Math.sqrt(5) }); // nn.Linear's default
 * ```
 */
export function kaimingUniform(
  rng: Rng,
  shape: readonly number[],
  options: { mode?: 'fan_in' | 'fan_out'; nonlinearity?: Nonlinearity; a?: number } = {},
): Tensor<'float32'> {
  const [fin, fout] = fans(shape);
  const fan = (options.mode ?? 'fan_in') === 'fan_in' ? fin : fout;
  const bound = calculateGain(options.nonlinearity ?? 'leaky_relu', options.a ?? 0) * Math.sqrt(3 / fan);
  return uniformInit(rng, shape, -bound, bound);
}

/**
 * Xavier (Glorot) normal init, `std = gain·√(2/(fan_in+fan_out))`, as `torch.nn.init.xavier_normal_`.
 * @example
 * ```ts
 * const w = xavierNormal(new Rng(0), [64, 64]);
 * ```
 */
export function xavierNormal(rng: Rng, shape: readonly number[], gain = 1): Tensor<'float32'> {
  const [fin, fout] = fans(shape);
  return normalInit(rng, shape, 0, gain * Math.sqrt(2 / (fin + fout)));
}

/**
 * Xavier (Glorot) uniform init, bound `gain·√(6/(fan_in+fan_out))`, as `torch.nn.init.xavier_uniform_`.
 * @example
 * ```ts
 * const w = xavierUniform(new Rng(0), [64, 64]);
 * ```
 */
export function xavierUniform(rng: Rng, shape: readonly number[], gain = 1): Tensor<'float32'> {
  const [fin, fout] = fans(shape);
  const bound = gain * Math.sqrt(6 / (fin + fout));
  return uniformInit(rng, shape, -bound, bound);
}

/**
 * Draws a tensor of `shape` from an {@link Init}.
 * @throws {@link ConfigError} for an unknown spec type (`details.key` `'init.type'`).
 * @example
 * ```ts
 * initTensor(new Rng(0), [32, 1, 3, 3], { type: 'kaiming_normal' });
 * initTensor(new Rng(0), [32], { type: 'torch_default', fanIn: 9 }); // a conv bias
 * ```
 */
export function initTensor(rng: Rng, shape: readonly number[], init: Init): Tensor<'float32'> {
  if (typeof init === 'function') {
    const t = init(rng, shape);
    if (t.dims.join() !== shape.join()) {
      throw new ShapeError(
        `Initialiser returned shape [${t.dims.join(', ')}], expected [${shape.join(', ')}].`,
        { details: { expected: shape, actual: t.dims } },
      );
    }
    return t;
  }
  if (!init || !INIT_TYPES.has(init.type)) {
    throw new ConfigError(
      `Unknown initialiser type ${JSON.stringify((init as { type?: unknown })?.type)}; expected one of ${[...INIT_TYPES].join(', ')}.`,
      {
        details: { key: 'init.type', expected: [...INIT_TYPES], actual: (init as { type?: unknown })?.type },
      },
    );
  }
  switch (init.type) {
    case 'zeros':
      return Tensor.zeros('float32', shape);
    case 'ones':
      return Tensor.full('float32', shape, 1);
    case 'constant':
      return Tensor.full('float32', shape, init.value);
    case 'normal':
      return normalInit(rng, shape, init.mean ?? 0, init.std ?? 1);
    case 'trunc_normal':
      return truncNormalInit(rng, shape, init.mean ?? 0, init.std ?? 1, init.a ?? -2, init.b ?? 2);
    case 'uniform':
      return uniformInit(rng, shape, init.low ?? 0, init.high ?? 1);
    case 'kaiming_normal':
      return kaimingNormal(rng, shape, init);
    case 'kaiming_uniform':
      return kaimingUniform(rng, shape, init);
    case 'xavier_normal':
      return xavierNormal(rng, shape, init.gain ?? 1);
    case 'xavier_uniform':
      return xavierUniform(rng, shape, init.gain ?? 1);
    case 'torch_default': {
      if (shape.length >= 2) return kaimingUniform(rng, shape, { a: Math.sqrt(5) });
      if (!(init.fanIn && init.fanIn > 0)) {
        throw new ConfigError(
          'torch_default init of a bias needs fanIn (the fan-in of its weight), as nn.Linear/nn.ConvNd use it.',
          { details: { key: 'init.fanIn', actual: init.fanIn } },
        );
      }
      const bound = 1 / Math.sqrt(init.fanIn);
      return uniformInit(rng, shape, -bound, bound);
    }
  }
}

/**
 * Where layers get initial parameter values: an {@link Rng} (values drawn in call order), or an Rng plus a
 * cache by full parameter name shared between builds of the same model (the train, eval and inference
 * graphs), so initial values are drawn once. {@link buildModel} uses the cached form.
 *
 * @example
 * ```ts
 * const src: InitSource = { rng: new Rng(1), cache: new Map() };
 * const y = conv2d(b, x, src, { outChannels: 32, kernel: 3, padding: 1 });
 * ```
 */
export type InitSource =
  | Rng
  | {
      rng: Rng;
      cache?: Map<string, Tensor>;
      /** Register zero tensors instead of drawing values (for shape and size analysis). Default false. */
      shapesOnly?: boolean;
    };

/**
 * Registers a parameter drawn from `init` (or reused from the source's cache), named `name` in the
 * builder's current scope.
 *
 * @example
 * ```ts
 * const w = createParam(b, new Rng(0), 'weight', [64, 32, 3, 3], { type: 'kaiming_normal' });
 * ```
 */
export function createParam(
  b: GraphBuilder,
  source: InitSource,
  name: string,
  shape: readonly number[],
  init: Init,
  options: ParamOptions = {},
): SymTensor {
  const full = b.scoped(name);
  const rng = source instanceof Rng ? source : source.rng;
  const cache = source instanceof Rng ? undefined : source.cache;
  let value = cache?.get(full);
  if (value && value.dims.join() !== shape.join()) {
    throw new ShapeError(
      `Cached initial value of "${full}" is [${value.dims.join(', ')}], but the layer needs [${shape.join(', ')}].`,
      { details: { key: full, expected: shape, actual: value.dims } },
    );
  }
  if (!value && !(source instanceof Rng) && source.shapesOnly) {
    return b.param(name, Tensor.zeros(b.dtype, shape), options);
  }
  if (!value) {
    value = initTensor(rng, shape, init);
    cache?.set(full, value);
  }
  return b.param(name, value.dtype === b.dtype ? value : value.astype(b.dtype), options);
}
