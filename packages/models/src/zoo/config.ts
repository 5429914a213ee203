import { ConfigError, IRMAS_CODES } from '@instr/core';
import { ACTIVATIONS, type ActivationName } from '../layers/layers.js';

/**
 * The reference 4-block CNN of ARCHITECTURE.md: per block Conv 3×3 (pad 1, no bias) → BN → ReLU →
 * AvgPool 2×2. Parameters `block{i}.conv.weight`, `block{i}.bn.*`; PyTorch's default conv init.
 */
export interface ReferenceCnnConfig {
  type: 'reference-cnn';
  /** Channels of the 4 blocks. Default `[32, 64, 128, 256]`. */
  channels?: number[];
  /** Input channels. Default 1. */
  inChannels?: number;
  /**
   * Conv weight init: `'torch-default'` (default, PyTorch's `nn.Conv2d` kaiming-uniform a = √5) or
   * `'kaiming-normal'` (He normal, fan-in, ReLU gain √2, as instr's default model).
   */
  init?: ZooInit;
}

/**
 * Weight init of a zoo block that offers a choice: PyTorch's layer default or He normal (fan-in, ReLU gain;
 * biases zero).
 * @example
 * ```ts
 * const backbone: ReferenceCnnConfig = { type: 'reference-cnn', init: 'kaiming-normal' satisfies ZooInit };
 * ```
 */
export type ZooInit = 'torch-default' | 'kaiming-normal';

/**
 * "CNN-model-1" of the Freesound 2019 reference: 4 blocks of 2 × [Conv 3×3 (pad 1, bias) → BN → ReLU] +
 * AvgPool 2×2 with 64 → 128 → 256 → 512 channels (times `width`). Conv init kaiming-normal (fan_in),
 * biases 0; BN 1 / 0, as that system. Parameters `block{i}.conv{1,2}.*`, `block{i}.bn{1,2}.*`.
 */
export interface CnnModel1Config {
  type: 'cnn-model-1';
  /** Width multiplier on the channels (rounded, ≥ 1). Default 1. */
  width?: number;
  /** Base channels of the 4 blocks. Default `[64, 128, 256, 512]`. */
  channels?: number[];
  /** Input channels. Default 1 (the reference used 3 stacked channels). */
  inChannels?: number;
}

/**
 * VGG with batch norm (torchvision `vgg{11,13,16,19}_bn` feature layout): Conv 3×3 (pad 1, bias) → BN →
 * ReLU, MaxPool 2×2 between stages; torchvision init. Parameters `features.{k}.conv.*`, `features.{k}.bn.*`.
 */
export interface VggConfig {
  type: 'vgg';
  /** Default 16 (the Freesound reference's VGG16-BN). */
  depth?: 11 | 13 | 16 | 19;
  /** Width multiplier on 64 … 512. Default 1. */
  width?: number;
  /** Default 1. */
  inChannels?: number;
}

/**
 * ResNeXt (torchvision `resnext50_32x4d` layout by default): stem, 4 stages of bottlenecks with grouped 3×3
 * convs, kaiming-normal (fan_out) init and zero-initialised residual BNs (as the lumen reference).
 * Parameters `stem.*`, `layer{1..4}.{j}.*`.
 */
export interface ResNeXtConfig {
  type: 'resnext';
  /** Blocks per stage. Default `[3, 4, 6, 3]` (ResNeXt-50). */
  layers?: number[];
  /** Cardinality. Default 32. */
  groups?: number;
  /** Width per group. Default 4. */
  baseWidth?: number;
  /** Multiplier on the stem (64) and stage planes (64, 128, 256, 512). Default 1. */
  width?: number;
  /** `'imagenet'`: 7×7 stride-2 conv + 3×3 stride-2 max pool (torchvision); `'small'`: 3×3 stride-1 conv, no pool. Default 'imagenet'. */
  stem?: 'imagenet' | 'small';
  /** Default true. */
  zeroInitResidual?: boolean;
  /** Default 1. */
  inChannels?: number;
}

/**
 * MobileNetV3 (torchvision `mobilenet_v3_small` / `_large` block tables, width multiplier, BN eps 1e-3
 * momentum 0.01, kaiming-normal fan_out init) with a 1-channel input; the features end with the 1×1
 * "last conv" (6× the last block's channels). Parameters `stem.*`, `blocks.{i}.*`, `lastconv.*`.
 */
export interface MobileNetV3Config {
  type: 'mobilenetv3';
  /** Default 'large' (the lumen reference's MobNet uses large). */
  variant?: 'small' | 'large';
  /** Default 1. */
  width?: number;
  /** Stride of the stem conv; 1 keeps twice the resolution for small spectrograms. Default 2. */
  stemStride?: number;
  /** Default 1. */
  inChannels?: number;
}

/**
 * ConvNeXt (torchvision `convnext_tiny` layout by default): 4×4 stride-4 patchify stem + LayerNorm, stages of
 * {@link convNeXtBlock}s with LayerNorm + 2×2 stride-2 downsampling between them; trunc-normal (0.02)
 * init; stochastic depth rising linearly to `dropPath`. Parameters `stem.*`, `stages.{i}.{j}.*`,
 * `downsample.{i}.*`.
 */
export interface ConvNeXtConfig {
  type: 'convnext';
  /** Blocks per stage. Default `[3, 3, 9, 3]`. */
  depths?: number[];
  /** Channels per stage. Default `[96, 192, 384, 768]`. */
  dims?: number[];
  /** Maximum stochastic-depth probability. Default 0.1 (torchvision's convnext_tiny). */
  dropPath?: number;
  /** Initial layer scale. Default 1e-6. */
  layerScale?: number;
  /** Stem patch size (= stride). Default 4. */
  stemPatch?: number;
  /** Default 1. */
  inChannels?: number;
}

/**
 * wav2vec 2.0's convolutional feature encoder on raw audio `[N, 1, samples]`: 7 Conv1d layers
 * (512 × (10,5), 4 × (3,2), 2 × (2,2): receptive field 400 samples, hop 320), GELU, and either group norm
 * (`groups = channels`, first layer only; wav2vec2-base) or layer norm over channels after every conv
 * (wav2vec2-large-lv60). Conv init kaiming-normal, no conv bias (as Hugging Face `Wav2Vec2FeatureEncoder`).
 * Parameters `conv_layers.{i}.conv.*`, `conv_layers.{i}.layer_norm.*` (Hugging Face names).
 */
export interface Wav2VecFrontEndConfig {
  type: 'wav2vec-frontend';
  /** `[channels, kernel, stride]` per layer. Default `[[512,10,5], [512,3,2]×4, [512,2,2]×2]`. */
  layers?: [number, number, number][];
  /** Default 'group'. */
  norm?: 'group' | 'layer';
  /** Conv bias. Default false. */
  bias?: boolean;
}

/**
 * A backbone, discriminated by `type`. JSON-serialisable; every field but `type` is optional.
 *
 * @example
 * ```ts
 * const a: BackboneConfig = { type: 'cnn-model-1', width: 0.5 };
 * const b: BackboneConfig = { type: 'mobilenetv3', variant: 'small' };
 * const c: BackboneConfig = { type: 'wav2vec-frontend', norm: 'layer' };
 * ```
 */
export type BackboneConfig =
  | ReferenceCnnConfig
  | CnnModel1Config
  | VggConfig
  | ResNeXtConfig
  | MobileNetV3Config
  | ConvNeXtConfig
  | Wav2VecFrontEndConfig;

/** A plain linear classifier `head.fc` (optional dropout before it). */
export interface LinearHeadConfig {
  type: 'linear';
  /** Default 0. */
  dropout?: number;
}

/**
 * The lumen reference's DeepHead with dims `[in, ...hidden, out]`: per layer `norm → activation → Linear`,
 * with dropout after every layer except the last (the reference also dropped out after the last layer; that
 * bug is not reproduced). With no hidden layers: `norm → activation → Linear`. Parameters
 * `layers.{i}.norm.*`, `layers.{i}.linear.*`.
 */
export interface DeepHeadConfig {
  type: 'deep';
  /** Hidden sizes. Default `[]`. */
  hidden?: number[];
  /** Default 'layer'. */
  norm?: 'layer' | 'batch' | 'none';
  /** Default 'relu'. */
  activation?: ActivationName;
  /** Default 0.2. */
  dropout?: number;
  /**
   * Linear weight init: `'torch-default'` (default, `nn.Linear`'s kaiming-uniform a = √5 and uniform biases) or
   * `'kaiming-normal'` (He normal, fan-in, ReLU gain √2, biases zero).
   */
  init?: ZooInit;
}

/**
 * fastai's head as used by the Freesound reference: per layer `BatchNorm1d → Dropout → Linear`, with an
 * activation after the hidden layers. Default hidden `[512]`, dropouts `[0.25, 0.5]` (one per layer).
 */
export interface FastaiHeadConfig {
  type: 'fastai';
  /** Default `[512]`. */
  hidden?: number[];
  /** One probability per layer (`hidden.length + 1`). Default `[0.25, 0.5]`. */
  dropout?: number[];
  /** Default 'relu'. */
  activation?: ActivationName;
}

/**
 * The lumen reference's AttentionHead: {@link temporalAttentionPool} over time (`attention.*`), then a
 * {@link DeepHeadConfig} (`layers.*`). 2-D feature maps `[N, C, F, T]` are averaged over frequency first.
 */
export interface AttentionHeadConfig extends Omit<DeepHeadConfig, 'type'> {
  type: 'attention';
}

/** A head producing one logit per class. */
export type SimpleHeadConfig = LinearHeadConfig | DeepHeadConfig | FastaiHeadConfig | AttentionHeadConfig;

/**
 * The lumen reference's Fluffy: one small head per instrument (`head.<code>.*`), each with one output,
 * concatenated to `[N, classes]` in instrument order. Freeze a head with {@link freezeInstruments}.
 */
export interface FluffyHeadConfig {
  type: 'fluffy';
  /** The per-instrument head. Default `{ type: 'deep' }`. */
  head?: SimpleHeadConfig;
}

/**
 * A head, discriminated by `type`.
 * @example
 * ```ts
 * const h: HeadConfig = { type: 'fluffy', head: { type: 'deep', hidden: [64], dropout: 0.2 } };
 * ```
 */
export type HeadConfig = SimpleHeadConfig | FluffyHeadConfig;

/** How a feature map becomes a vector for non-attention heads: mean, max, or both concatenated (mean first). */
export type PoolType = 'avg' | 'max' | 'avgmax';

/**
 * A whole model: backbone → pooling → head → logits `[N, classes]`. JSON-serialisable.
 *
 * @example
 * ```ts
 * const config: ModelConfig = {
 *   backbone: { type: 'cnn-model-1', width: 0.5 },
 *   head: { type: 'fluffy', head: { type: 'deep', hidden: [64] } },
 * };
 * ```
 */
export interface ModelConfig {
  backbone: BackboneConfig;
  /** Default `{ type: 'linear' }`. */
  head?: HeadConfig;
  /** Instrument codes (the logits' order). Default the 11 IRMAS codes. */
  instruments?: string[];
  /** Default `'avgmax'` for `reference-cnn` and `cnn-model-1` (as their references), `'avg'` otherwise. */
  pool?: PoolType;
  /**
   * MobNet-style: one backbone and a one-logit head per instrument (`backbone.<code>.*`, `head.<code>.*`),
   * logits concatenated. Default false.
   */
  perInstrument?: boolean;
}

// ---------------------------------------------------------------------------------------------------------

type Obj = Record<string, unknown>;

const ZOO_INITS = ['torch-default', 'kaiming-normal'] as const;

function fail(key: string, message: string, actual: unknown, expected?: unknown): never {
  throw new ConfigError(`Model config: ${key} ${message} (got ${JSON.stringify(actual)}).`, {
    details: { key, actual, expected },
  });
}

function path(prefix: string, key: string): string {
  return prefix ? `${prefix}.${key}` : key;
}

function checkKeys(o: Obj, allowed: readonly string[], prefix: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k))
      fail(path(prefix, k), `is not a known key; expected one of ${allowed.join(', ')}`, o[k]);
  }
}

function int(o: Obj, key: string, prefix: string, def: number, min = 1): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min)
    fail(path(prefix, key), `must be an integer ≥ ${min}`, v);
  return v;
}

function num(
  o: Obj,
  key: string,
  prefix: string,
  def: number,
  min: number,
  max: number,
  minOpen = false,
): number {
  const v = o[key] ?? def;
  if (typeof v !== 'number' || !Number.isFinite(v) || v > max || (minOpen ? v <= min : v < min)) {
    fail(path(prefix, key), `must be a number in ${minOpen ? '(' : '['}${min}, ${max}]`, v);
  }
  return v;
}

function ints(o: Obj, key: string, prefix: string, def: number[], len?: number, min = 1): number[] {
  const v = o[key] ?? def;
  if (
    !Array.isArray(v) ||
    v.length === 0 ||
    (len !== undefined && v.length !== len) ||
    v.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < min)
  ) {
    fail(path(prefix, key), `must be an array of ${len ?? 'one or more'} integers ≥ ${min}`, v);
  }
  return [...(v as number[])];
}

function oneOf<T extends string | number>(
  o: Obj,
  key: string,
  prefix: string,
  def: T,
  values: readonly T[],
): T {
  const v = o[key] ?? def;
  if (!values.includes(v as T)) fail(path(prefix, key), `must be one of ${values.join(', ')}`, v, values);
  return v as T;
}

function bool(o: Obj, key: string, prefix: string, def: boolean): boolean {
  const v = o[key] ?? def;
  if (typeof v !== 'boolean') fail(path(prefix, key), 'must be true or false', v);
  return v;
}

function object(v: unknown, key: string): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(key, 'must be an object', v);
  return v as Obj;
}

/**
 * The backbone types {@link resolveBackboneConfig} accepts.
 * @example
 * ```ts
 * BACKBONE_TYPES.includes('convnext'); // true
 * ```
 */
export const BACKBONE_TYPES = [
  'reference-cnn',
  'cnn-model-1',
  'vgg',
  'resnext',
  'mobilenetv3',
  'convnext',
  'wav2vec-frontend',
] as const;

/**
 * The head types {@link resolveHeadConfig} accepts.
 * @example
 * ```ts
 * HEAD_TYPES; // ['linear', 'deep', 'fastai', 'attention', 'fluffy']
 * ```
 */
export const HEAD_TYPES = ['linear', 'deep', 'fastai', 'attention', 'fluffy'] as const;

const DEFAULT_W2V: [number, number, number][] = [
  [512, 10, 5],
  [512, 3, 2],
  [512, 3, 2],
  [512, 3, 2],
  [512, 3, 2],
  [512, 2, 2],
  [512, 2, 2],
];

/**
 * Validates a backbone config and fills in every default.
 * @throws {@link ConfigError} naming the key (`details.key`, e.g. `'backbone.width'`).
 * @example
 * ```ts
 * resolveBackboneConfig({ type: 'vgg' }); // { type: 'vgg', depth: 16, width: 1, inChannels: 1 }
 * ```
 */
export function resolveBackboneConfig(config: BackboneConfig, prefix = 'backbone'): Required<BackboneConfig> {
  const o = object(config, prefix);
  const p = prefix;
  switch (o.type) {
    case 'reference-cnn':
      checkKeys(o, ['type', 'channels', 'inChannels', 'init'], p);
      return {
        type: o.type,
        channels: ints(o, 'channels', p, [32, 64, 128, 256], 4),
        inChannels: int(o, 'inChannels', p, 1),
        init: oneOf(o, 'init', p, 'torch-default', ZOO_INITS),
      };
    case 'cnn-model-1':
      checkKeys(o, ['type', 'width', 'channels', 'inChannels'], p);
      return {
        type: o.type,
        width: num(o, 'width', p, 1, 0, 16, true),
        channels: ints(o, 'channels', p, [64, 128, 256, 512], 4),
        inChannels: int(o, 'inChannels', p, 1),
      };
    case 'vgg':
      checkKeys(o, ['type', 'depth', 'width', 'inChannels'], p);
      return {
        type: o.type,
        depth: oneOf(o, 'depth', p, 16, [11, 13, 16, 19] as const),
        width: num(o, 'width', p, 1, 0, 16, true),
        inChannels: int(o, 'inChannels', p, 1),
      };
    case 'resnext': {
      checkKeys(
        o,
        ['type', 'layers', 'groups', 'baseWidth', 'width', 'stem', 'zeroInitResidual', 'inChannels'],
        p,
      );
      const r = {
        type: o.type,
        layers: ints(o, 'layers', p, [3, 4, 6, 3], 4),
        groups: int(o, 'groups', p, 32),
        baseWidth: int(o, 'baseWidth', p, 4),
        width: num(o, 'width', p, 1, 0, 16, true),
        stem: oneOf(o, 'stem', p, 'imagenet', ['imagenet', 'small'] as const),
        zeroInitResidual: bool(o, 'zeroInitResidual', p, true),
        inChannels: int(o, 'inChannels', p, 1),
      };
      const planes = Math.max(1, Math.round(64 * r.width));
      if (Math.floor((planes * r.baseWidth) / 64) < 1) {
        fail(
          `${p}.baseWidth`,
          `is too small for width ${r.width}: each of the ${r.groups} groups would get 0 channels`,
          r.baseWidth,
        );
      }
      return r;
    }
    case 'mobilenetv3':
      checkKeys(o, ['type', 'variant', 'width', 'stemStride', 'inChannels'], p);
      return {
        type: o.type,
        variant: oneOf(o, 'variant', p, 'large', ['small', 'large'] as const),
        width: num(o, 'width', p, 1, 0, 16, true),
        stemStride: oneOf(o, 'stemStride', p, 2, [1, 2] as const),
        inChannels: int(o, 'inChannels', p, 1),
      };
    case 'convnext': {
      checkKeys(o, ['type', 'depths', 'dims', 'dropPath', 'layerScale', 'stemPatch', 'inChannels'], p);
      const depths = ints(o, 'depths', p, [3, 3, 9, 3]);
      const dims = ints(o, 'dims', p, [96, 192, 384, 768]);
      if (dims.length !== depths.length)
        fail(`${p}.dims`, `must have one entry per stage (${depths.length})`, dims);
      return {
        type: o.type,
        depths,
        dims,
        dropPath: num(o, 'dropPath', p, 0.1, 0, 0.99),
        layerScale: num(o, 'layerScale', p, 1e-6, 0, 1e3, true),
        stemPatch: int(o, 'stemPatch', p, 4),
        inChannels: int(o, 'inChannels', p, 1),
      };
    }
    case 'wav2vec-frontend': {
      checkKeys(o, ['type', 'layers', 'norm', 'bias'], p);
      const layers = o.layers ?? DEFAULT_W2V;
      if (
        !Array.isArray(layers) ||
        layers.length === 0 ||
        layers.some(
          (l) =>
            !Array.isArray(l) ||
            l.length !== 3 ||
            l.some((x: unknown) => typeof x !== 'number' || !Number.isInteger(x) || x < 1),
        )
      ) {
        fail(
          `${p}.layers`,
          'must be a non-empty array of [channels, kernel, stride] positive integers',
          layers,
        );
      }
      return {
        type: o.type,
        layers: (layers as [number, number, number][]).map((l) => [...l] as [number, number, number]),
        norm: oneOf(o, 'norm', p, 'group', ['group', 'layer'] as const),
        bias: bool(o, 'bias', p, false),
      };
    }
    default:
      return fail(`${p}.type`, `must be one of ${BACKBONE_TYPES.join(', ')}`, o.type, BACKBONE_TYPES);
  }
}

function resolveDropout(o: Obj, key: string, p: string, def: number): number {
  return num(o, key, p, def, 0, 0.99);
}

/**
 * Validates a head config and fills in every default.
 * @throws {@link ConfigError} naming the key (e.g. `'head.hidden'`).
 * @example
 * ```ts
 * resolveHeadConfig({ type: 'deep', hidden: [128] });
 * // { type: 'deep', hidden: [128], norm: 'layer', activation: 'relu', dropout: 0.2 }
 * ```
 */
export function resolveHeadConfig(config: HeadConfig, prefix = 'head'): Required<HeadConfig> {
  const o = object(config, prefix);
  const p = prefix;
  switch (o.type) {
    case 'linear':
      checkKeys(o, ['type', 'dropout'], p);
      return { type: 'linear', dropout: resolveDropout(o, 'dropout', p, 0) };
    case 'deep':
    case 'attention': {
      checkKeys(o, ['type', 'hidden', 'norm', 'activation', 'dropout', 'init'], p);
      const hidden = o.hidden ?? [];
      if (
        !Array.isArray(hidden) ||
        hidden.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1)
      ) {
        fail(`${p}.hidden`, 'must be an array of positive integers', hidden);
      }
      return {
        type: o.type,
        hidden: [...(hidden as number[])],
        norm: oneOf(o, 'norm', p, 'layer', ['layer', 'batch', 'none'] as const),
        activation: oneOf(o, 'activation', p, 'relu', ACTIVATIONS),
        dropout: resolveDropout(o, 'dropout', p, 0.2),
        init: oneOf(o, 'init', p, 'torch-default', ZOO_INITS),
      };
    }
    case 'fastai': {
      checkKeys(o, ['type', 'hidden', 'dropout', 'activation'], p);
      const hidden = o.hidden === undefined ? [512] : (o.hidden as number[]);
      if (
        !Array.isArray(hidden) ||
        hidden.some((x) => typeof x !== 'number' || !Number.isInteger(x) || x < 1)
      ) {
        fail(`${p}.hidden`, 'must be an array of positive integers', hidden);
      }
      const dropout = o.dropout ?? (hidden.length === 1 ? [0.25, 0.5] : hidden.map(() => 0.25).concat([0.5]));
      if (
        !Array.isArray(dropout) ||
        dropout.length !== hidden.length + 1 ||
        dropout.some((x) => typeof x !== 'number' || !(x >= 0 && x < 1))
      ) {
        fail(`${p}.dropout`, `must be ${hidden.length + 1} probabilities in [0, 1) (one per layer)`, dropout);
      }
      return {
        type: 'fastai',
        hidden: [...hidden],
        dropout: [...(dropout as number[])],
        activation: oneOf(o, 'activation', p, 'relu', ACTIVATIONS),
      };
    }
    case 'fluffy': {
      checkKeys(o, ['type', 'head'], p);
      const inner = (o.head ?? { type: 'deep' }) as HeadConfig;
      if ((inner as unknown as Obj)?.type === 'fluffy')
        fail(`${p}.head.type`, 'cannot itself be fluffy', 'fluffy');
      return { type: 'fluffy', head: resolveHeadConfig(inner, `${p}.head`) as Required<SimpleHeadConfig> };
    }
    default:
      return fail(`${p}.type`, `must be one of ${HEAD_TYPES.join(', ')}`, o.type, HEAD_TYPES);
  }
}

/** A {@link ModelConfig} with every default filled in (what {@link buildModel} records). */
export interface ResolvedModelConfig {
  backbone: Required<BackboneConfig>;
  head: Required<HeadConfig>;
  instruments: string[];
  pool: PoolType;
  perInstrument: boolean;
}

/**
 * Validates a model config and fills in every default.
 * @throws {@link ConfigError} naming the key (`details.key`, e.g. `'backbone.type'`, `'instruments'`).
 * @example
 * ```ts
 * const resolved = resolveModelConfig({ backbone: { type: 'mobilenetv3', variant: 'small' } });
 * resolved.head; // { type: 'linear', dropout: 0 }
 * ```
 */
export function resolveModelConfig(config: ModelConfig): ResolvedModelConfig {
  const o = object(config, 'config');
  checkKeys(o, ['backbone', 'head', 'instruments', 'pool', 'perInstrument'], '');
  if (o.backbone === undefined) fail('backbone', 'is required', undefined);
  const backbone = resolveBackboneConfig(o.backbone as BackboneConfig);
  const head = resolveHeadConfig((o.head ?? { type: 'linear' }) as HeadConfig);
  const instruments = o.instruments ?? [...IRMAS_CODES];
  if (
    !Array.isArray(instruments) ||
    instruments.length === 0 ||
    instruments.some((c) => typeof c !== 'string' || !/^[A-Za-z0-9_-]+$/.test(c)) ||
    new Set(instruments).size !== instruments.length
  ) {
    fail(
      'instruments',
      'must be a non-empty array of distinct codes made of letters, digits, "_" or "-"',
      instruments,
    );
  }
  const pool = oneOf(
    o,
    'pool',
    '',
    backbone.type === 'reference-cnn' || backbone.type === 'cnn-model-1' ? 'avgmax' : 'avg',
    ['avg', 'max', 'avgmax'] as const,
  );
  return {
    backbone,
    head,
    instruments: [...(instruments as string[])],
    pool,
    perInstrument: bool(o, 'perInstrument', '', false),
  };
}
