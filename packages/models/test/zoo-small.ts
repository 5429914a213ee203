import type { Dim, ModelConfig } from '../src/index.js';

/**
 * Small versions of the backbones and heads that test/zoo-parity.test.ts does not already train through
 * onnxruntime-node (it covers CNN-model-1 + Fluffy, MobileNetV3-small + attention, ConvNeXt + deep,
 * ResNeXt + fastai and the group-norm wav2vec front-end). MobileNetV3-large differs from -small only in its
 * block table, checked against PyTorch by the parameter and MAC counts; its train graph takes ~15 s to load.
 */
export const SMALL_CONFIGS: { name: string; config: ModelConfig; input: Dim[] }[] = [
  {
    name: 'reference-cnn + linear',
    config: { backbone: { type: 'reference-cnn', channels: [4, 8, 8, 16] } },
    input: [2, 1, 32, 32],
  },

  {
    name: 'vgg11 + deep',
    config: { backbone: { type: 'vgg', depth: 11, width: 1 / 16 }, head: { type: 'deep', hidden: [16] } },
    input: [2, 1, 32, 32],
  },

  {
    name: 'convnext + attention',
    config: {
      backbone: { type: 'convnext', depths: [1, 1, 2, 1], dims: [8, 16, 16, 32], dropPath: 0.2 },
      head: { type: 'attention', hidden: [16] },
    },
    input: [2, 1, 64, 64],
  },
  {
    name: 'wav2vec (group norm) + attention',
    config: {
      backbone: {
        type: 'wav2vec-frontend',
        layers: [
          [16, 10, 5],
          [16, 3, 2],
          [16, 3, 2],
          [16, 3, 2],
          [16, 3, 2],
          [16, 2, 2],
          [16, 2, 2],
        ],
      },
      head: { type: 'attention' },
    },
    input: [2, 1, 1600],
  },
  {
    name: 'wav2vec (layer norm) + fluffy',
    config: {
      backbone: {
        type: 'wav2vec-frontend',
        norm: 'layer',
        layers: [
          [8, 10, 5],
          [8, 3, 2],
          [8, 3, 2],
        ],
      },
      head: { type: 'fluffy', head: { type: 'deep', hidden: [4] } },
      instruments: ['cel', 'flu', 'vio'],
    },
    input: [2, 1, 800],
  },
  {
    name: 'per-instrument backbones (MobNet-style)',
    config: {
      backbone: { type: 'cnn-model-1', width: 1 / 16 },
      perInstrument: true,
      instruments: ['pia', 'voi'],
    },
    input: [2, 1, 32, 32],
  },
];
