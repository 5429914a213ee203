import { ConfigError } from '@instr/core';
import { describe, expect, it } from 'vitest';
import { parseTrainConfig, trainConfigJsonSchema } from '../src/config/index.js';

const minimal = { data: { train: { type: 'csv', path: 'train.csv' } } };

function errorOf(f: () => unknown): ConfigError {
  try {
    f();
  } catch (e) {
    expect(ConfigError.isInstance(e)).toBe(true);
    return e as ConfigError;
  }
  throw new Error('expected a ConfigError');
}

describe('training config: mixup, warmup-cosine, augmentation export', () => {
  it('defaults: no mixup, the default export of the augmentation module', () => {
    const c = parseTrainConfig(minimal);
    expect(c.augmentation.mixup).toBeNull();
    expect(c.augmentation.exportName).toBe('default');
  });

  it('fills mixup defaults (alpha 0.4, p 0.5, λ-mixed labels) and accepts the warmup-cosine schedule', () => {
    const c = parseTrainConfig({
      ...minimal,
      augmentation: { mixup: {}, module: 'augment.ts', exportName: 'createAugmentations' },
      schedule: { type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 },
    });
    expect(c.augmentation.mixup).toEqual({ alpha: 0.4, p: 0.5, labels: 'mix' });
    expect(c.augmentation.exportName).toBe('createAugmentations');
    expect(c.schedule).toEqual({ type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 });
    expect(
      parseTrainConfig({ ...minimal, augmentation: { mixup: { alpha: 0.2, p: 1, labels: 'max' } } })
        .augmentation.mixup,
    ).toEqual({ alpha: 0.2, p: 1, labels: 'max' });
  });

  it('errors name the key and the file', () => {
    const cases: [unknown, string][] = [
      [{ augmentation: { mixup: { alpha: 0 } } }, 'augmentation.mixup.alpha'],
      [{ augmentation: { mixup: { p: 2 } } }, 'augmentation.mixup.p'],
      [{ augmentation: { mixup: { labels: 'sum' } } }, 'augmentation.mixup.labels'],
      [{ augmentation: { mixup: { alpah: 0.4 } } }, 'augmentation.mixup.alpah'],
      [{ augmentation: { exportName: '' } }, 'augmentation.exportName'],
      [{ schedule: { type: 'warmup-cosine', final: 1.5 } }, 'schedule.final'],
      [{ schedule: { type: 'warmup-cosine', warmupEpochs: -1 } }, 'schedule.warmupEpochs'],
    ];
    for (const [part, key] of cases) {
      const e = errorOf(() => parseTrainConfig({ ...minimal, ...(part as object) }, 'recipe.json'));
      expect(e.details.key, key).toBe(key);
      expect(e.message).toContain(`"${key}"`);
      expect(e.message).toContain('recipe.json');
    }
  });

  it('the JSON Schema documents mixup and warmup-cosine', () => {
    const s = trainConfigJsonSchema() as {
      properties: { augmentation: { properties: Record<string, { default?: unknown }> } };
    };
    expect(s.properties.augmentation.properties.mixup!.default).toBeNull();
    expect(JSON.stringify(s)).toContain('"warmup-cosine"');
  });
});
