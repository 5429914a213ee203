import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  applyOverrides,
  parseTrainConfig,
  runFromConfig,
  trainConfigJsonSchema,
} from '../src/config/index.js';

const minimal = { data: { train: { type: 'csv', path: 'train.csv' } } };

function keyOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    expect(ConfigError.isInstance(e)).toBe(true);
    return (e as ConfigError).details.key;
  }
  return undefined;
}

describe('training config', () => {
  it('fills every default', () => {
    const c = parseTrainConfig(minimal);
    expect(c.features).toMatchObject({
      sampleRate: 22050,
      nFft: 2048,
      hopLength: 512,
      nMels: 128,
      normalization: 'auto',
    });
    expect(c.features.db).toEqual({ ref: 1, amin: 1e-10, topDb: 80 });
    expect(c.loop).toMatchObject({ epochs: 10, monitor: 'val/f1', resume: false });
    expect(c.optimizer.type).toBe('adamw');
    expect(c.schedule).toEqual({ type: 'onecycle' });
    expect(c.model).toMatchObject({ type: 'simple-cnn' });
    expect(c.export.thresholds).toBe('per-class');
  });
  it('names the bad key in errors (unknown keys, ranges, enums, missing data)', () => {
    expect(keyOf(() => parseTrainConfig({ ...minimal, loop: { epochz: 3 } }))).toBe('loop.epochz');
    expect(keyOf(() => parseTrainConfig({ ...minimal, features: { nMels: 0 } }))).toBe('features.nMels');
    expect(keyOf(() => parseTrainConfig({ ...minimal, schedule: { type: 'cosine' } }))).toBe('schedule.type');
    expect(keyOf(() => parseTrainConfig({ ...minimal, loss: { labelSmoothing: 1 } }))).toBe(
      'loss.labelSmoothing',
    );
    expect(keyOf(() => parseTrainConfig({}))).toBe('data');
    expect(keyOf(() => parseTrainConfig({ data: { train: { type: 'mp3', path: 'x' } } }))).toBe('data.train');
    expect(() => parseTrainConfig({ ...minimal, lr: -1 }, 'cfg.json')).toThrow(/cfg\.json.*"lr"/);
  });
  it('accepts zoo model configs and applies dotted overrides', () => {
    const c = parseTrainConfig(
      applyOverrides(
        { ...minimal, model: { backbone: { type: 'reference-cnn' } } },
        { 'loop.epochs': '3', 'data.batchSize': 16, 'schedule.type': 'constant' },
      ),
    );
    expect(c.loop.epochs).toBe(3);
    expect(c.data.batchSize).toBe(16);
    expect(c.schedule.type).toBe('constant');
    expect((c.model as { backbone: { type: string } }).backbone.type).toBe('reference-cnn');
    expect(() => applyOverrides({ lr: 1 }, { 'lr.x': 1 })).toThrow(ConfigError);
  });
  it('the committed JSON Schema is up to date (regenerate: pnpm --filter @instr/train gen:schema)', () => {
    const committed = JSON.parse(
      readFileSync(new URL('../schema/train-config.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(JSON.parse(JSON.stringify(trainConfigJsonSchema())));
    expect(committed.properties.loop.properties.epochs.default).toBe(10);
    expect(committed.required).toEqual(['data']);
  });
  it('runFromConfig reports unreadable files, bad JSON and bad data with the file or key', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-cfg-'));
    await expect(runFromConfig(join(dir, 'missing.json'))).rejects.toThrow(ConfigError);
    writeFileSync(join(dir, 'bad.json'), '{ "data": ');
    await expect(runFromConfig(join(dir, 'bad.json'))).rejects.toThrow(/not valid JSON/);
    writeFileSync(
      join(dir, 'folder.json'),
      JSON.stringify({ data: { train: { type: 'folder', path: '.' } } }),
    );
    await expect(runFromConfig(join(dir, 'folder.json'))).rejects.toThrow(/data.train.type/);
    await expect(runFromConfig(join(dir, 'folder.json'), { 'loop.epochs': 0 })).rejects.toThrow(
      /loop.epochs/,
    );
  });
});
