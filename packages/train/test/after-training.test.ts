import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConfigError,
  InvalidArgumentError,
  MODEL_METADATA_KEY,
  parseModelMetadata,
  ShapeError,
  Tensor,
} from '@instr/core';
import { decodeModel } from '@instr/models';
import { loadCheckpointFile } from '@instr/models/node';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictBatches, tuneThresholds, writeEvaluationReport } from '../src/evaluate/index.js';
import {
  averageWeights,
  buildMetadata,
  collectEmbeddings,
  createPredictor,
  ensemblePredict,
  exportInferenceModel,
  pca2d,
  umap2d,
  writeEmbeddings,
} from '../src/export/index.js';
import { memoryData, type TrainResult, train } from '../src/loop/index.js';
import { simpleCnn } from '../src/recipes/simple-cnn.js';
import { toyData, toyInstruments } from './helpers.js';

const model = simpleCnn({ classes: 3, channels: [8, 16], hidden: 16, seed: 1 });
const shape = ['N', 1, 8, 8] as const;
const so = { intraOpNumThreads: 1, interOpNumThreads: 1 };
const features = {
  type: 'logmel' as const,
  nFft: 512,
  hopLength: 256,
  nMels: 8,
  fmin: 0,
  fmax: null,
  htk: false,
  melNorm: 'slaney' as const,
  center: true,
  padMode: 'constant' as const,
  power: 2,
  db: { ref: 1, amin: 1e-10, topDb: 80 },
};

let dir: string;
let result: TrainResult;
const trainSet = toyData(96, 11);
const valSet = toyData(48, 12);
const tr = memoryData(trainSet.x, trainSet.y, { batchSize: 16, seed: 2 });
const va = memoryData(valSet.x, valSet.y, { batchSize: 24, shuffle: false });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'instr-after-'));
  result = await train({
    model,
    inputShape: shape,
    instruments: toyInstruments,
    data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => va.batches() },
    outDir: dir,
    epochs: 10,
    lr: 3e-2,
    schedule: { type: 'onecycle' },
    earlyStopping: { patience: 3 },
    quiet: true,
    sessionOptions: so,
  });
}, 120_000);

describe('train() results', () => {
  it('learns the toy problem, writes logs and checkpoints, selects the best epoch', () => {
    const last = result.history.at(-1)!;
    expect(last['val/f1']).toBeGreaterThan(0.9);
    expect(last['train/loss']).toBeLessThan(result.history[0]!['train/loss']);
    expect(last['instruments/val/a_f1']).toBeTypeOf('number');
    for (const f of ['last.ckpt', 'best.ckpt', 'epoch-001.ckpt', 'log.jsonl', 'metrics.csv', 'run.json'])
      expect(existsSync(join(dir, f))).toBe(true);
    const bestF1 = Math.max(...result.history.map((r) => r['val/f1']!));
    expect(result.best!.value).toBe(bestF1);
    expect(result.best!.metric).toBe('val/f1');
  });
});

describe('after training', () => {
  it('tunes thresholds, writes the HTML report, exports an ONNX model with valid metadata that ORT runs', async () => {
    const val = await predictBatches(result.session, va.batches());
    expect(val.probabilities.dims).toEqual([48, 3]);
    const tuned = tuneThresholds(val.labels, val.probabilities);
    expect(tuned.thresholds).toHaveLength(3);
    const g = tuneThresholds(val.labels, val.probabilities, { mode: 'global' });
    // a class without validation positives keeps the global threshold
    const noA = val.labels.clone();
    for (let i = 0; i < 48; i++) noA.data[i * 3] = 0;
    const t2 = tuneThresholds(noA, val.probabilities);
    expect(t2.thresholds[0]).toBe(t2.global);
    expect(new Set(g.thresholds).size).toBe(1);
    const ev = await writeEvaluationReport(join(dir, 'report.html'), val.labels, val.probabilities, {
      instruments: toyInstruments,
      thresholds: tuned.thresholds,
      history: result.history,
      title: 'toy',
    });
    expect(ev.summary.f1.macro).toBeGreaterThan(0.8);
    const html = readFileSync(join(dir, 'report.html'), 'utf8');
    expect(html).toContain('<svg');
    expect(html.toLowerCase()).toContain('training curves');

    const meta = buildMetadata({
      name: 'toy',
      instruments: toyInstruments,
      sampleRate: 16000,
      features,
      window: { seconds: 1, hopSeconds: 0.5, padding: 'zero' },
      normalization: { mean: 0, std: 1 },
      thresholds: tuned.thresholds,
      card: { data: 'toy', epochs: result.history.length },
    });
    const path = join(dir, 'model.onnx');
    await exportInferenceModel(path, model, shape, result.session.getWeights(), meta);
    const bytes = new Uint8Array(readFileSync(path));
    const parsed = parseModelMetadata(JSON.parse(decodeModel(bytes).metadata[MODEL_METADATA_KEY]!));
    expect(parsed.thresholds).toEqual(tuned.thresholds);
    const s = await ort.InferenceSession.create(bytes);
    const first = [...va.batches()][0]!;
    const out = await s.run({ input: first.x.toOrt(ort.Tensor) });
    const probs = out.probabilities!.data as Float32Array;
    // equals the eval-mode session's probabilities (batch-norm folded)
    for (let i = 0; i < 24 * 3; i++)
      expect(Math.abs(probs[i]! - val.probabilities.data[i]!)).toBeLessThan(1e-4);
    expect(() =>
      buildMetadata({ ...meta, instruments: toyInstruments, thresholds: [0.5], name: 'x' } as never),
    ).toThrow(ConfigError);
  });

  it('averages checkpoint weights, ensembles predictors, exports embeddings with a PCA plot', async () => {
    const ckpts = await Promise.all(
      ['epoch-001.ckpt', 'epoch-002.ckpt'].map((f) => loadCheckpointFile(join(dir, f))),
    );
    const avg = averageWeights(ckpts);
    expect([...avg.keys()].some((k) => k.startsWith('optim.'))).toBe(false);
    const w = avg.get('head.fc2.bias')!;
    const a = averageWeights([ckpts[0]!]).get('head.fc2.bias')!;
    const b = averageWeights([ckpts[1]!]).get('head.fc2.bias')!;
    for (let i = 0; i < w.size; i++)
      expect(Number(w.data[i])).toBeCloseTo((Number(a.data[i]) + Number(b.data[i])) / 2, 6);
    const p1 = await createPredictor(ort, model, shape, result.session.getWeights(), so);
    const p2 = await createPredictor(ort, model, shape, avg, so);
    const ens = await ensemblePredict([p1, p2], va.batches());
    const one = await ensemblePredict([p1], va.batches());
    const two = await ensemblePredict([p2], va.batches());
    for (let i = 0; i < ens.probabilities.size; i++) {
      expect(ens.probabilities.data[i]).toBeCloseTo(
        (one.probabilities.data[i]! + two.probabilities.data[i]!) / 2,
        6,
      );
    }
    const emb = await collectEmbeddings(p1, va.batches());
    expect(emb.embeddings.dims).toEqual([48, 16]);
    const proj = await writeEmbeddings(join(dir, 'emb'), emb, toyInstruments, {
      umap: { seed: 1, nEpochs: 50 },
    });
    expect(proj.points).toHaveLength(48);
    expect(proj.explainedVariance[0]).toBeGreaterThan(proj.explainedVariance[1]);
    expect(readFileSync(join(dir, 'emb', 'pca.svg'), 'utf8')).toContain('<svg');
    expect(readFileSync(join(dir, 'emb', 'umap.svg'), 'utf8')).toContain('<svg');
    const u1 = umap2d(emb.embeddings, { seed: 3, nEpochs: 30 });
    expect(umap2d(emb.embeddings, { seed: 3, nEpochs: 30 }).points).toEqual(u1.points);
    expect(
      readFileSync(join(dir, 'emb', 'embeddings.tsv'), 'utf8')
        .split('\n')[0]!
        .split('\t'),
    ).toHaveLength(16);
    await p1.release();
    await p2.release();
    expect(() => pca2d(Tensor.zeros('float32', [1, 3]))).toThrow(InvalidArgumentError);
    expect(() => averageWeights([])).toThrow(ShapeError);
  });

  it('resume of a finished run is a no-op; bad options throw typed errors', async () => {
    const again = await train({
      model,
      inputShape: shape,
      instruments: toyInstruments,
      data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => va.batches() },
      outDir: dir,
      epochs: 10,
      lr: 3e-2,
      schedule: { type: 'onecycle' },
      earlyStopping: { patience: 3 },
      resume: true,
      quiet: true,
      sessionOptions: so,
    });
    expect(again.steps).toBe(result.steps);
    await again.session.release();
    const base = {
      model,
      inputShape: shape,
      instruments: toyInstruments,
      data: { train: tr.batches, stepsPerEpoch: 6 },
      outDir: dir,
      epochs: 1,
      lr: 1e-3,
    };
    await expect(train({ ...base, epochs: 0 })).rejects.toThrow(/epochs/);
    await expect(train({ ...base, lr: -1 })).rejects.toThrow(InvalidArgumentError);
    await expect(train({ ...base, data: { train: tr.batches, stepsPerEpoch: 0 } })).rejects.toThrow(
      /stepsPerEpoch/,
    );
    await expect(train({ ...base, headWarmup: { epochs: 1, lr: 1e-3, freeze: 'x' } })).rejects.toThrow(
      /headWarmup.epochs/,
    );
  });
});
