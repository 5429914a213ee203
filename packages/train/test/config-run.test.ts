import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_METADATA_KEY, parseModelMetadata } from '@instr/core';
import { decodeModel } from '@instr/models';
import { describe, expect, it } from 'vitest';
import { runFromConfig } from '../src/config/index.js';
import { synthInstruments, writeSynthDataset } from './synth.js';

describe('runFromConfig: mixup, warmup-cosine, augmentation module export and options', () => {
  it('passes the measured normalisation to the named factory, mixes batches, writes evaluation.json', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-cfg-run-'));
    writeSynthDataset(dir, 24, 3);
    const recorded = join(dir, 'options.json');
    const config = {
      name: 'mixup-run',
      outDir: 'run',
      seed: 3,
      instruments: synthInstruments.toJSON(),
      data: { train: { type: 'csv', path: 'manifest.csv' }, valFraction: 0.25, batchSize: 6, workers: 0 },
      features: { sampleRate: 16000, nFft: 512, hopLength: 256, nMels: 32 },
      window: { seconds: 1, hopSeconds: 0.5 },
      model: { type: 'simple-cnn', channels: [4], hidden: 8 },
      augmentation: {
        mixup: { alpha: 0.4, p: 1 },
        module: new URL('./config-augment-module.ts', import.meta.url).pathname,
        exportName: 'recordOptions',
        options: { file: recorded },
      },
      schedule: { type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 },
      loop: { epochs: 2, quiet: true, monitor: 'val/map' },
    };
    writeFileSync(join(dir, 'train.json'), JSON.stringify(config));
    const r = await runFromConfig(join(dir, 'train.json'), {}, { log: () => {} });
    const meta = parseModelMetadata(
      JSON.parse(decodeModel(new Uint8Array(readFileSync(r.modelPath))).metadata[MODEL_METADATA_KEY]!),
    );
    const options = JSON.parse(readFileSync(recorded, 'utf8'));
    expect(options.file).toBe(recorded);
    expect(options.normalization).toEqual(meta.normalization);
    expect(meta.normalization.std).toBeGreaterThan(0);
    const run = JSON.parse(readFileSync(join(r.outDir, 'run.json'), 'utf8'));
    expect(run.mixup).toEqual({ alpha: 0.4, p: 1, labels: 'mix' });
    expect(run.schedule.type).toBe('warmup-cosine');
    // warm-up over epoch 1: the lr climbs linearly to the peak (1e-3) at its last step, then decays
    const steps = readFileSync(join(r.outDir, 'log.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.includes('"type":"step"'))
      .map((l) => JSON.parse(l) as { lr: number });
    expect(steps).toHaveLength(2 * run.stepsPerEpoch);
    expect(steps[run.stepsPerEpoch - 1]!.lr).toBeCloseTo(1e-3, 12);
    expect(steps[0]!.lr).toBeCloseTo(1e-3 / run.stepsPerEpoch, 12);
    expect(steps.at(-1)!.lr).toBeLessThan(1e-3);
    const ev = JSON.parse(readFileSync(join(r.outDir, 'evaluation.json'), 'utf8'));
    expect(ev.files).toBe(r.valSize);
    expect(ev.thresholds).toEqual(r.thresholds);
    expect(ev.summary.mAP).toBe(r.summary.mAP);
    expect(Object.keys(ev.perClass)).toEqual(['tone', 'buzz', 'hiss']);
    expect(meta.card?.augmentation).toMatchObject({ mixup: { alpha: 0.4, p: 1 } });
    expect(existsSync(join(r.outDir, 'best.ckpt'))).toBe(true);
    expect(r.best?.metric).toBe('val/map');
  }, 120_000);
});

describe('runFromConfig: several training datasets', () => {
  it('joins two corpora whose relative file names collide (ids prefixed by their dataset key)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-cfg-two-'));
    writeSynthDataset(join(dir, 'a'), 12, 1);
    writeSynthDataset(join(dir, 'b'), 12, 2);
    const config = {
      name: 'two-corpora',
      outDir: 'run',
      seed: 1,
      instruments: synthInstruments.toJSON(),
      data: {
        train: [
          { type: 'csv', path: 'a/manifest.csv' },
          { type: 'csv', path: 'b/manifest.csv' },
        ],
        valFraction: 0.25,
        batchSize: 6,
        workers: 0,
      },
      features: { sampleRate: 16000, nFft: 512, hopLength: 256, nMels: 32 },
      window: { seconds: 1, hopSeconds: 0.5 },
      model: { type: 'simple-cnn', channels: [4], hidden: 8 },
      loop: { epochs: 1, quiet: true },
      export: { report: false },
    };
    writeFileSync(join(dir, 'train.json'), JSON.stringify(config));
    const r = await runFromConfig(join(dir, 'train.json'), {}, { log: () => {} });
    expect(r.trainSize + r.valSize).toBe(24);
  }, 120_000);
});
