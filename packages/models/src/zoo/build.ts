import { ConfigError, Rng, ShapeError, type Tensor, UnknownInstrumentError } from '@instr/core';
import type { ModelFn } from '../artifacts/train.js';
import { type FloatDType, GraphBuilder, type SymTensor } from '../graph/builder.js';
import { fmtShape } from '../graph/shape.js';
import type { Dim } from '../onnx/ir.js';
import type { InitSource } from '../layers/init.js';
import {
  type ActivationName,
  activation,
  batchNorm,
  layerNorm,
  linear,
  temporalAttentionPool,
} from '../layers/layers.js';
import type { ParamGroup } from '../optim/optimizer.js';
import { buildBackbone } from './backbones.js';
import {
  type HeadConfig,
  type ModelConfig,
  type PoolType,
  type ResolvedModelConfig,
  resolveModelConfig,
  type SimpleHeadConfig,
  type ZooInit,
} from './config.js';

type R<T> = Required<T>;

/** `[N, C, …]` feature maps → `[N, C]` (or `[N, 2C]` for `avgmax`). */
function poolVector(b: GraphBuilder, feats: SymTensor, pool: PoolType): SymTensor {
  const avg = () => b.flatten(b.globalAvgPool(feats), 1);
  const max = () => b.flatten(b.globalMaxPool(feats), 1);
  if (pool === 'avg') return avg();
  if (pool === 'max') return max();
  return b.concat([avg(), max()], 1);
}

/** `[N, C, F, T]` → mean over F → `[N, T, C]`; `[N, C, T]` → `[N, T, C]`. */
function toSequence(b: GraphBuilder, feats: SymTensor): SymTensor {
  const seq = feats.rank === 4 ? b.reduceMean(feats, [2]) : feats;
  if (seq.rank !== 3) {
    throw new ShapeError(
      `attention head: features ${fmtShape(feats.shape)} must be [N, C, F, T] or [N, C, T].`,
      {
        details: { actual: feats.shape },
      },
    );
  }
  return b.transpose(seq, [0, 2, 1]);
}

function deepLayers(
  b: GraphBuilder,
  v: SymTensor,
  src: InitSource,
  c: {
    hidden: number[];
    norm: 'layer' | 'batch' | 'none';
    activation: ActivationName;
    dropout: number;
    init: ZooInit;
  },
  out: number,
): SymTensor {
  const dims = [...c.hidden, out];
  const init = c.init === 'kaiming-normal' ? ({ type: 'kaiming_normal' } as const) : undefined;
  let h = v;
  dims.forEach((d, i) => {
    h = b.scope(`layers.${i}`, () => {
      let y = h;
      if (c.norm === 'layer') y = layerNorm(b, y, { name: 'norm' });
      else if (c.norm === 'batch') y = batchNorm(b, y, { name: 'norm' });
      y = activation(b, y, c.activation);
      y = linear(b, y, src, { name: 'linear', outFeatures: d, ...(init ? { init } : {}) });
      return i < dims.length - 1 ? b.dropout(y, c.dropout) : y;
    });
  });
  return h;
}

interface Pooled {
  feats: SymTensor;
  vector?: SymTensor;
  sequence?: SymTensor;
}

function simpleHead(
  b: GraphBuilder,
  p: Pooled,
  src: InitSource,
  c: R<SimpleHeadConfig>,
  pool: PoolType,
  out: number,
): SymTensor {
  const vec = () => {
    p.vector ??= poolVector(b, p.feats, pool);
    return p.vector;
  };
  switch (c.type) {
    case 'linear':
      return linear(b, b.dropout(vec(), c.dropout), src, { name: 'fc', outFeatures: out });
    case 'deep':
      return deepLayers(b, vec(), src, c, out);
    case 'attention': {
      p.sequence ??= toSequence(b, p.feats);
      const pooled = temporalAttentionPool(b, p.sequence, src, { name: 'attention' });
      return deepLayers(b, pooled, src, c, out);
    }
    case 'fastai': {
      const dims = [...c.hidden, out];
      let h = vec();
      dims.forEach((d, i) => {
        h = b.scope(`layers.${i}`, () => {
          let y = batchNorm(b, h, { name: 'bn' });
          y = b.dropout(y, c.dropout[i]!);
          y = linear(b, y, src, { name: 'linear', outFeatures: d });
          return i < dims.length - 1 ? activation(b, y, c.activation) : y;
        });
      });
      return h;
    }
  }
}

function forward(b: GraphBuilder, x: SymTensor, src: InitSource, c: ResolvedModelConfig): SymTensor {
  const head = c.head as R<HeadConfig>;
  const inner = (head.type === 'fluffy' ? head.head : head) as R<SimpleHeadConfig>;
  if (c.perInstrument) {
    const logits = c.instruments.map((code) => {
      const feats = b.scope(`backbone.${code}`, () => buildBackbone(b, x, src, c.backbone));
      return b.scope(`head.${code}`, () => simpleHead(b, { feats }, src, inner, c.pool, 1));
    });
    return logits.length === 1 ? logits[0]! : b.concat(logits, 1);
  }
  const feats = b.scope('backbone', () => buildBackbone(b, x, src, c.backbone));
  const pooled: Pooled = { feats };
  return b.scope('head', () => {
    if (head.type !== 'fluffy') return simpleHead(b, pooled, src, inner, c.pool, c.instruments.length);
    const logits = c.instruments.map((code) =>
      b.scope(code, () => simpleHead(b, pooled, src, inner, c.pool, 1)),
    );
    return logits.length === 1 ? logits[0]! : b.concat(logits, 1);
  });
}

/** Options of {@link buildModel}. */
export interface BuildModelOptions {
  /** Seed of the initial weights. Default 0. */
  seed?: number;
  /** Input shape used to draw the initial weights. Default {@link defaultInputShape}. */
  inputShape?: readonly Dim[];
}

/** What {@link buildModel} returns. */
export interface BuiltModel {
  /** The config with every default filled in (JSON; store it with checkpoints). */
  config: ResolvedModelConfig;
  /** The model function for `buildTrainingArtifacts` / `buildInferenceModel`. */
  model: ModelFn;
  /** Initial parameters and buffers by name (drawn once from the seed; shared, treat as read-only). */
  weights: Map<string, Tensor>;
  /** Instrument codes in logit order. */
  instruments: string[];
  /** A suitable input shape: `['N', C, 128, 128]`, or `['N', 1, 16000]` for the waveform front-end. */
  inputShape: Dim[];
  /** Number of parameters (elements). */
  paramCount: number;
  /**
   * A frozen {@link ParamGroup} for these instruments' heads (Fluffy) or heads and backbones
   * (`perInstrument`); pass it in `optimizer.groups`.
   */
  freeze(codes: readonly string[]): ParamGroup;
}

/**
 * The default input shape of a model config: `['N', inChannels, 128, 128]` for spectrogram backbones,
 * `['N', 1, 16000]` (1 s at 16 kHz) for `wav2vec-frontend`.
 * @example
 * ```ts
 * defaultInputShape(resolveModelConfig({ backbone: { type: 'vgg' } })); // ['N', 1, 128, 128]
 * ```
 */
export function defaultInputShape(config: ResolvedModelConfig): Dim[] {
  const bb = config.backbone;
  return bb.type === 'wav2vec-frontend' ? ['N', 1, 16000] : ['N', bb.inChannels, 128, 128];
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A RegExp matching the parameters that belong to the given instruments: their heads `head.<code>.*`
 * (Fluffy), and with `perInstrument` also their backbones `backbone.<code>.*` (MobNet-style models).
 * @example
 * ```ts
 * instrumentParamPattern(['vio', 'cel']).test('head.vio.layers.0.linear.weight'); // true
 * instrumentParamPattern(['vio'], true).test('backbone.vio.stem.conv.weight');    // true
 * ```
 */
export function instrumentParamPattern(codes: readonly string[], perInstrument = false): RegExp {
  return new RegExp(
    `^${perInstrument ? '(?:head|backbone)' : 'head'}\\.(?:${codes.map(escapeRe).join('|')})\\.`,
  );
}

/**
 * A frozen optimiser {@link ParamGroup} for the given instruments' heads (and, with `perInstrument`, their
 * backbones): the reference's `freeze_instrument_head(code)`. Unknown codes throw.
 * @throws {@link UnknownInstrumentError} for a code not in `instruments`.
 * @example
 * ```ts
 * const optimizer = { type: 'adamw', groups: [freezeInstruments(['vio'], built.instruments)] };
 * ```
 */
export function freezeInstruments(
  codes: readonly string[],
  instruments: readonly string[],
  perInstrument = false,
): ParamGroup {
  for (const c of codes) {
    if (!instruments.includes(c)) {
      throw new UnknownInstrumentError(
        `Cannot freeze "${c}": the model's instruments are ${instruments.join(', ')}.`,
        { details: { key: 'codes', expected: instruments, actual: c } },
      );
    }
  }
  return { match: instrumentParamPattern(codes, perInstrument), frozen: true };
}

/**
 * Builds a model from a JSON config: validates it (a {@link ConfigError} names the bad key), and returns the
 * {@link ModelFn} with its initial weights drawn once from `seed` (the same seed gives the same weights;
 * the train, eval and inference graphs reuse them).
 *
 * Parameter names: `backbone.*` and `head.*` (Fluffy: `head.<code>.*`; per-instrument:
 * `backbone.<code>.*`, `head.<code>.*`).
 *
 * @example
 * ```ts
 * const built = buildModel({ backbone: { type: 'cnn-model-1', width: 0.5 }, head: { type: 'fluffy' } }, { seed: 1 });
 * const artifacts = buildTrainingArtifacts({
 *   model: built.model, inputShape: built.inputShape, targetShape: ['N', built.instruments.length],
 *   optimizer: { type: 'adamw', groups: [built.freeze(['vio'])] },
 * });
 * ```
 */
export function buildModel(config: ModelConfig, options: BuildModelOptions = {}): BuiltModel {
  const resolved = resolveModelConfig(config);
  const seed = options.seed ?? 0;
  const cache = new Map<string, Tensor>();
  const model: ModelFn = (b, x) => forward(b, x, { rng: new Rng(seed), cache }, resolved);
  const inputShape = [...(options.inputShape ?? defaultInputShape(resolved))];
  const b = new GraphBuilder({ mode: 'eval', dtype: 'float32' });
  model(b, b.input('input', 'float32', inputShape));
  const weights = new Map<string, Tensor>();
  let paramCount = 0;
  for (const p of b.params.values()) {
    weights.set(p.name, p.value);
    paramCount += p.value.size;
  }
  for (const buf of b.buffers.values()) weights.set(buf.name, buf.value);
  const perHead = resolved.perInstrument || resolved.head.type === 'fluffy';
  return {
    config: resolved,
    model,
    weights,
    instruments: [...resolved.instruments],
    inputShape,
    paramCount,
    freeze: (codes) => {
      if (!perHead) {
        throw new ConfigError(
          'freeze: this model has one shared head; use head { type: "fluffy" } or perInstrument: true for per-instrument heads.',
          { details: { key: 'head.type', actual: resolved.head.type } },
        );
      }
      return freezeInstruments(codes, resolved.instruments, resolved.perInstrument);
    },
  };
}

/** One row of {@link describeModel}: the ops of one module scope. */
export interface LayerDescription {
  /** Scope path, e.g. `backbone.block1.conv1`. */
  name: string;
  /** ONNX ops in this scope, in order (e.g. `['Conv']`). */
  ops: string[];
  /** Shape of the scope's last output. */
  outputShape: Dim[];
  /** Parameters registered directly in this scope (elements). */
  params: number;
  /** Multiply-accumulates of Conv / Gemm / MatMul. */
  macs: number;
  /** `2·macs` plus one per output element of every other arithmetic op (one per window element for pooling). */
  flops: number;
}

/** What {@link describeModel} returns. */
export interface ModelDescription {
  /** Parameters (elements), as `sum(p.numel() for p in model.parameters())`. */
  params: number;
  /** Buffer elements (batch-norm running statistics). */
  buffers: number;
  /** Total multiply-accumulates for the given input shape. */
  macs: number;
  /** Total FLOPs (see {@link LayerDescription.flops}). */
  flops: number;
  outputShape: Dim[];
  layers: LayerDescription[];
}

const FREE_OPS = new Set([
  'Reshape',
  'Flatten',
  'Transpose',
  'Squeeze',
  'Unsqueeze',
  'Identity',
  'Concat',
  'Slice',
  'Split',
  'Shape',
  'Gather',
  'Expand',
  'Cast',
  'Pad',
]);

const numeric = (shape: readonly Dim[]) =>
  shape.reduce<number>((p, d) => p * (typeof d === 'number' ? d : 1), 1);

/**
 * Parameter count and compute of a model config for an input shape (eval mode): total and per module scope.
 * Symbolic axes (the batch) count as 1, so the numbers are per example for `['N', …]`.
 *
 * @example
 * ```ts
 * const d = describeModel({ backbone: { type: 'mobilenetv3', variant: 'small' } }, [1, 1, 128, 128]);
 * console.log(d.params, (d.macs / 1e6).toFixed(1), 'M MACs');
 * ```
 */
export function describeModel(
  config: ModelConfig,
  inputShape: readonly Dim[],
  options: { dtype?: FloatDType } = {},
): ModelDescription {
  const resolved = resolveModelConfig(config);
  const b = new GraphBuilder({ mode: 'eval', dtype: options.dtype ?? 'float32' });
  const y = forward(
    b,
    b.input('input', b.dtype, inputShape),
    { rng: new Rng(0), shapesOnly: true },
    resolved,
  );
  const rows = new Map<string, LayerDescription>();
  const paramSize = new Map([...b.params.values()].map((p) => [p.name, p.value.size]));
  const counted = new Set<string>();
  for (const node of b.nodes) {
    const cut = node.name.lastIndexOf('/');
    const scope = cut < 0 ? '' : node.name.slice(0, cut).replaceAll('/', '.');
    const outShape = b.values.get(node.outputs[0]!)?.shape ?? [];
    const inShape = (i: number) => b.values.get(node.inputs[i] ?? '')?.shape ?? [];
    let macs = 0;
    let flops = 0;
    if (node.op === 'Conv') {
      const w = inShape(1) as number[];
      macs = numeric(outShape) * numeric(w.slice(1));
    } else if (node.op === 'Gemm') {
      const a = inShape(0);
      const trans = node.attrs.transA && 'i' in node.attrs.transA && node.attrs.transA.i === 1;
      macs = numeric(outShape) * numeric([a[trans ? 0 : 1]!]);
    } else if (node.op === 'MatMul') {
      const a = inShape(0);
      macs = numeric(outShape) * numeric([a[a.length - 1]!]);
    } else if (node.op === 'AveragePool' || node.op === 'MaxPool') {
      const k =
        node.attrs.kernel_shape && 'ints' in node.attrs.kernel_shape ? node.attrs.kernel_shape.ints : [];
      flops = numeric(outShape) * numeric(k);
    } else if (
      node.op === 'GlobalAveragePool' ||
      node.op === 'GlobalMaxPool' ||
      node.op.startsWith('Reduce')
    ) {
      flops = numeric(inShape(0));
    } else if (!FREE_OPS.has(node.op)) {
      flops =
        numeric(outShape) * (node.op === 'LayerNormalization' || node.op === 'BatchNormalization' ? 4 : 1);
    }
    flops += 2 * macs;
    let params = 0;
    for (const i of node.inputs) {
      if (paramSize.has(i) && !counted.has(i)) {
        counted.add(i);
        params += paramSize.get(i)!;
      }
    }
    const row = rows.get(scope) ?? { name: scope, ops: [], outputShape: [], params: 0, macs: 0, flops: 0 };
    if (!FREE_OPS.has(node.op) || row.ops.length === 0) row.ops.push(node.op);
    row.outputShape = [...outShape];
    row.params += params;
    row.macs += macs;
    row.flops += flops;
    rows.set(scope, row);
  }
  const layers = [...rows.values()];
  let params = 0;
  for (const s of paramSize.values()) params += s;
  let buffers = 0;
  for (const buf of b.buffers.values()) buffers += buf.value.size;
  return {
    params,
    buffers,
    macs: layers.reduce((p, l) => p + l.macs, 0),
    flops: layers.reduce((p, l) => p + l.flops, 0),
    outputShape: [...y.shape],
    layers,
  };
}
