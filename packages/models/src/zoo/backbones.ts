import { ShapeError } from '@instr/core';
import type { GraphBuilder, SymTensor } from '../graph/builder.js';
import { fmtShape } from '../graph/shape.js';
import type { Init, InitSource } from '../layers/init.js';
import {
  batchNorm,
  channelLayerNorm,
  conv1d,
  conv2d,
  convBnAct,
  convNeXtBlock,
  groupNorm,
  invertedResidual,
  makeDivisible,
  resNeXtBottleneck,
} from '../layers/layers.js';
import type {
  BackboneConfig,
  CnnModel1Config,
  ConvNeXtConfig,
  MobileNetV3Config,
  ReferenceCnnConfig,
  ResNeXtConfig,
  VggConfig,
  Wav2VecFrontEndConfig,
} from './config.js';

type R<T> = Required<T>;

const scaled = (c: number, width: number) => Math.max(1, Math.round(c * width));

function referenceCnn(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<ReferenceCnnConfig>): SymTensor {
  const init: Init | undefined = c.init === 'kaiming-normal' ? { type: 'kaiming_normal' } : undefined;
  let h = x;
  c.channels.forEach((ch, i) => {
    h = b.scope(`block${i + 1}`, () => {
      const y = conv2d(b, h, src, {
        name: 'conv',
        outChannels: ch,
        kernel: 3,
        padding: 1,
        bias: false,
        ...(init ? { init } : {}),
      });
      return b.avgPool(b.relu(batchNorm(b, y, { name: 'bn' })), { kernel: 2 });
    });
  });
  return h;
}

function cnnModel1(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<CnnModel1Config>): SymTensor {
  const init: Init = { type: 'kaiming_normal' };
  let h = x;
  c.channels.forEach((base, i) => {
    const ch = scaled(base, c.width);
    h = b.scope(`block${i + 1}`, () => {
      let y = conv2d(b, h, src, { name: 'conv1', outChannels: ch, kernel: 3, padding: 1, init });
      y = b.relu(batchNorm(b, y, { name: 'bn1' }));
      y = conv2d(b, y, src, { name: 'conv2', outChannels: ch, kernel: 3, padding: 1, init });
      y = b.relu(batchNorm(b, y, { name: 'bn2' }));
      return b.avgPool(y, { kernel: 2 });
    });
  });
  return h;
}

/**
 * torchvision's VGG feature tables (`'M'` = 2×2 max pool).
 * @example
 * ```ts
 * VGG_LAYOUTS[16].filter((v) => v !== 'M').length; // 13 convolutions
 * ```
 */
export const VGG_LAYOUTS: Record<11 | 13 | 16 | 19, (number | 'M')[]> = {
  11: [64, 'M', 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  13: [64, 64, 'M', 128, 128, 'M', 256, 256, 'M', 512, 512, 'M', 512, 512, 'M'],
  16: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 'M', 512, 512, 512, 'M', 512, 512, 512, 'M'],
  19: [64, 64, 'M', 128, 128, 'M', 256, 256, 256, 256, 'M', 512, 512, 512, 512, 'M', 512, 512, 512, 512, 'M'],
};

function vgg(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<VggConfig>): SymTensor {
  const init: Init = { type: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' };
  let h = x;
  let k = 0;
  for (const v of VGG_LAYOUTS[c.depth]) {
    if (v === 'M') {
      h = b.maxPool(h, { kernel: 2 });
      continue;
    }
    h = b.scope(`features.${k++}`, () => {
      const y = conv2d(b, h, src, {
        name: 'conv',
        outChannels: scaled(v, c.width),
        kernel: 3,
        padding: 1,
        init,
      });
      return b.relu(batchNorm(b, y, { name: 'bn' }));
    });
  }
  return h;
}

function resnext(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<ResNeXtConfig>): SymTensor {
  const init: Init = { type: 'kaiming_normal', mode: 'fan_out', nonlinearity: 'relu' };
  const stemCh = scaled(64, c.width);
  let h = b.scope('stem', () => {
    const big = c.stem === 'imagenet';
    const y = conv2d(b, x, src, {
      name: 'conv',
      outChannels: stemCh,
      kernel: big ? 7 : 3,
      stride: big ? 2 : 1,
      padding: big ? 3 : 1,
      bias: false,
      init,
    });
    const a = b.relu(batchNorm(b, y, { name: 'bn' }));
    return big ? b.maxPool(a, { kernel: 3, stride: 2, padding: 1 }) : a;
  });
  [64, 128, 256, 512].forEach((planes, i) => {
    h = b.scope(`layer${i + 1}`, () => {
      let y = h;
      for (let j = 0; j < c.layers[i]!; j++) {
        y = resNeXtBottleneck(b, y, src, {
          name: String(j),
          planes: scaled(planes, c.width),
          stride: j === 0 && i > 0 ? 2 : 1,
          groups: c.groups,
          baseWidth: c.baseWidth,
          zeroInitResidual: c.zeroInitResidual,
        });
      }
      return y;
    });
  });
  return h;
}

/**
 * `[kernel, expanded, out, se, activation, stride]` rows of torchvision's MobileNetV3 tables.
 * @example
 * ```ts
 * MOBILENETV3_LAYOUTS.small.length; // 11 inverted-residual blocks
 * ```
 */
export const MOBILENETV3_LAYOUTS: Record<
  'small' | 'large',
  [number, number, number, boolean, 'RE' | 'HS', number][]
> = {
  large: [
    [3, 16, 16, false, 'RE', 1],
    [3, 64, 24, false, 'RE', 2],
    [3, 72, 24, false, 'RE', 1],
    [5, 72, 40, true, 'RE', 2],
    [5, 120, 40, true, 'RE', 1],
    [5, 120, 40, true, 'RE', 1],
    [3, 240, 80, false, 'HS', 2],
    [3, 200, 80, false, 'HS', 1],
    [3, 184, 80, false, 'HS', 1],
    [3, 184, 80, false, 'HS', 1],
    [3, 480, 112, true, 'HS', 1],
    [3, 672, 112, true, 'HS', 1],
    [5, 672, 160, true, 'HS', 2],
    [5, 960, 160, true, 'HS', 1],
    [5, 960, 160, true, 'HS', 1],
  ],
  small: [
    [3, 16, 16, true, 'RE', 2],
    [3, 72, 24, false, 'RE', 2],
    [3, 88, 24, false, 'RE', 1],
    [5, 96, 40, true, 'HS', 2],
    [5, 240, 40, true, 'HS', 1],
    [5, 240, 40, true, 'HS', 1],
    [5, 120, 48, true, 'HS', 1],
    [5, 144, 48, true, 'HS', 1],
    [5, 288, 96, true, 'HS', 2],
    [5, 576, 96, true, 'HS', 1],
    [5, 576, 96, true, 'HS', 1],
  ],
};

function mobilenetv3(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<MobileNetV3Config>): SymTensor {
  const adj = (ch: number) => makeDivisible(ch * c.width, 8);
  const bn = { bnMomentum: 0.01, bnEps: 1e-3 };
  const table = MOBILENETV3_LAYOUTS[c.variant];
  let h = convBnAct(b, x, src, {
    ...bn,
    name: 'stem',
    outChannels: adj(16),
    kernel: 3,
    stride: c.stemStride,
    activation: 'hardswish',
  });
  table.forEach(([k, exp, out, se, act, stride], i) => {
    h = invertedResidual(b, h, src, {
      ...bn,
      name: `blocks.${i}`,
      expandChannels: adj(exp),
      outChannels: adj(out),
      kernel: k,
      stride,
      se,
      activation: act === 'RE' ? 'relu' : 'hardswish',
    });
  });
  const last = adj(table[table.length - 1]![2]) * 6;
  return convBnAct(b, h, src, {
    ...bn,
    name: 'lastconv',
    outChannels: last,
    kernel: 1,
    activation: 'hardswish',
  });
}

function convnext(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<ConvNeXtConfig>): SymTensor {
  const init: Init = { type: 'trunc_normal', std: 0.02 };
  let h = b.scope('stem', () =>
    channelLayerNorm(
      b,
      conv2d(b, x, src, {
        name: 'conv',
        outChannels: c.dims[0]!,
        kernel: c.stemPatch,
        stride: c.stemPatch,
        init,
      }),
      { name: 'norm', eps: 1e-6 },
    ),
  );
  const total = c.depths.reduce((p, v) => p + v, 0);
  let id = 0;
  c.depths.forEach((depth, i) => {
    if (i > 0) {
      h = b.scope(`downsample.${i - 1}`, () =>
        conv2d(b, channelLayerNorm(b, h, { name: 'norm', eps: 1e-6 }), src, {
          name: 'conv',
          outChannels: c.dims[i]!,
          kernel: 2,
          stride: 2,
          init,
        }),
      );
    }
    for (let j = 0; j < depth; j++) {
      const p = total > 1 ? (c.dropPath * id) / (total - 1) : 0;
      id++;
      h = convNeXtBlock(b, h, src, { name: `stages.${i}.${j}`, layerScale: c.layerScale, dropPath: p });
    }
  });
  return h;
}

function wav2vec(b: GraphBuilder, x: SymTensor, src: InitSource, c: R<Wav2VecFrontEndConfig>): SymTensor {
  if (x.rank !== 3) {
    throw new ShapeError(`wav2vec-frontend: input ${fmtShape(x.shape)} must be raw audio [N, 1, samples].`, {
      details: { expected: ['N', 1, 'samples'], actual: x.shape },
    });
  }
  let h = x;
  c.layers.forEach(([ch, k, s], i) => {
    h = b.scope(`conv_layers.${i}`, () => {
      let y = conv1d(b, h, src, {
        name: 'conv',
        outChannels: ch,
        kernel: k,
        stride: s,
        bias: c.bias,
        init: { type: 'kaiming_normal' },
      });
      if (c.norm === 'layer') {
        y = channelLayerNorm(b, y, { name: 'layer_norm' });
      } else if (i === 0) {
        y = groupNorm(b, y, { name: 'layer_norm', groups: ch });
      }
      return b.gelu(y);
    });
  });
  return h;
}

/**
 * Builds a backbone's feature extractor on `x` (in the builder's current scope) from a resolved config:
 * `[N, C, H, W]` feature maps for the 2-D backbones, `[N, C, T]` for `wav2vec-frontend`.
 * @example
 * ```ts
 * const feats = b.scope('backbone', () =>
 *   buildBackbone(b, x, new Rng(0), resolveBackboneConfig({ type: 'cnn-model-1', width: 0.25 })));
 * ```
 */
export function buildBackbone(
  b: GraphBuilder,
  x: SymTensor,
  src: InitSource,
  config: Required<BackboneConfig>,
): SymTensor {
  const want = config.type === 'wav2vec-frontend' ? 1 : config.inChannels;
  const rank = config.type === 'wav2vec-frontend' ? 3 : 4;
  if (x.rank !== rank || (typeof x.shape[1] === 'number' && x.shape[1] !== want)) {
    throw new ShapeError(
      `${config.type}: input ${fmtShape(x.shape)} must be ${rank === 3 ? '[N, 1, samples]' : `[N, ${want}, H, W]`}.`,
      { details: { expected: rank === 3 ? ['N', 1, 'samples'] : ['N', want, 'H', 'W'], actual: x.shape } },
    );
  }
  switch (config.type) {
    case 'reference-cnn':
      return referenceCnn(b, x, src, config);
    case 'cnn-model-1':
      return cnnModel1(b, x, src, config);
    case 'vgg':
      return vgg(b, x, src, config);
    case 'resnext':
      return resnext(b, x, src, config);
    case 'mobilenetv3':
      return mobilenetv3(b, x, src, config);
    case 'convnext':
      return convnext(b, x, src, config);
    case 'wav2vec-frontend':
      return wav2vec(b, x, src, config);
  }
}
