import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MODEL_METADATA_KEY, parseModelMetadata, Tensor } from '@instr/core';
import { decodeModel } from '@instr/models';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { runFromConfig } from '../src/config/index.js';
import { synthInstruments, writeSynthDataset } from './synth.js';

describe('end to end: WAV files → runFromConfig → ONNX with metadata', () => {
  it('trains a small CNN on synthetic timbres clearly above chance and exports a loadable model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-e2e-'));
    writeSynthDataset(dir, 96, 3);
    const config = {
      name: 'synth-e2e',
      outDir: 'run',
      seed: 7,
      instruments: synthInstruments.toJSON(),
      data: { train: { type: 'csv', path: 'manifest.csv' }, valFraction: 0.25, batchSize: 8, workers: 1 },
      features: { sampleRate: 16000, nFft: 512, hopLength: 256, nMels: 32 },
      window: { seconds: 1, hopSeconds: 0.5 },
      model: { type: 'simple-cnn', channels: [8, 16], hidden: 16 },
      lr: 1e-2,
      schedule: { type: 'onecycle' },
      loop: { epochs: 8, quiet: true },
    };
    writeFileSync(join(dir, 'train.json'), JSON.stringify(config));
    const r = await runFromConfig(join(dir, 'train.json'), { 'export.embeddings': true }, { log: () => {} });
    expect(r.trainSize + r.valSize).toBe(96);
    // chance level: each instrument is present in about half of the clips, so predicting "all present" scores
    // a macro F1 of about 2·0.5/1.5 ≈ 0.67 and random guessing about 0.5
    expect(r.valSize).toBeGreaterThan(10);
    console.log(
      `e2e: val macro F1 ${r.summary.f1.toFixed(3)}, mAP ${r.summary.mAP.toFixed(3)}, lwlrap ${r.summary.lwlrap.toFixed(3)}, train/val ${r.trainSize}/${r.valSize}`,
    );
    const history = r.history;
    expect(history).toHaveLength(8);
    expect(history.at(-1)!['train/loss']).toBeLessThan(history[0]!['train/loss']);
    expect(r.summary.f1).toBeGreaterThan(0.85);
    const bytes = new Uint8Array(readFileSync(r.modelPath));
    const meta = parseModelMetadata(JSON.parse(decodeModel(bytes).metadata[MODEL_METADATA_KEY]!));
    expect(meta.instruments.map((i) => i.code)).toEqual(['tone', 'buzz', 'hiss']);
    expect(meta.sampleRate).toBe(16000);
    expect(meta.features.nMels).toBe(32);
    expect(meta.thresholds).toEqual(r.thresholds);
    expect(meta.normalization.std).toBeGreaterThan(0);
    const s = await ort.InferenceSession.create(bytes);
    expect(s.inputNames).toContain(meta.io.input);
    expect(s.outputNames).toContain(meta.io.output);
    const out = await s.run({ [meta.io.input]: Tensor.zeros('float32', [2, 1, 32, 63]).toOrt(ort.Tensor) });
    expect(out[meta.io.output]!.dims).toEqual([2, 3]);
    expect(readFileSync(r.reportPath!, 'utf8')).toContain('<svg');
    expect(readFileSync(join(r.outDir, 'embeddings', 'pca.svg'), 'utf8')).toContain('<svg');
    const summary = JSON.parse(readFileSync(join(r.outDir, 'summary.json'), 'utf8'));
    expect(summary.summary.f1).toBe(r.summary.f1);
  }, 120_000);
});
