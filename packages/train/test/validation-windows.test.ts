import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  aggregateWindowRows,
  aggregateWindows,
  createAudio,
  InstrumentSet,
  InvalidArgumentError,
  Rng,
  Tensor,
} from '@instr/core';
import { encodeWav, modelInputWindows } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';
import type { GraphBuilder, ModelFn, SymTensor } from '@instr/models';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { featureSpecOf } from '../src/config/run.js';
import { parseTrainConfig } from '../src/config/schema.js';
import { loadCsvDataset } from '../src/data/csv.js';
import type { Dataset } from '../src/data/dataset.js';
import { aggregateRows, predictBatches, scoreFiles } from '../src/evaluate/index.js';
import { buildMetadata, exportInferenceModel } from '../src/export/export.js';
import { memoryData, train } from '../src/loop/index.js';
import {
  DataPipeline,
  framesForSeconds,
  type ModelWindow,
  modelWindowInputs,
} from '../src/pipeline/index.js';

const SR = 16000;
const instruments = InstrumentSet.custom([
  { code: 'tone', name: 'Tone', family: 'tonal' },
  { code: 'other', name: 'Other', family: 'noise' },
]);
const spec = featureSpecOf(
  parseTrainConfig({
    data: { train: { type: 'csv', path: 'x.csv' } },
    features: { sampleRate: SR, nFft: 512, hopLength: 256, nMels: 16 },
  }),
);
const window: ModelWindow = { seconds: 1, hopSeconds: 1, padding: 'repeat' };
const frames = framesForSeconds(spec, SR, window.seconds);
const normalization = { mean: -40, std: 20 };

/** `seconds` of faint noise with a loud 440 Hz tone in [from, to) seconds. */
function clip(seconds: number, tone: [number, number] | null, seed: number): Float32Array {
  const rng = new Rng(seed);
  const y = new Float32Array(Math.round(seconds * SR));
  for (let t = 0; t < y.length; t++) {
    y[t] = 0.001 * rng.normal();
    if (tone && t >= tone[0] * SR && t < tone[1] * SR) y[t]! += 0.5 * Math.sin((2 * Math.PI * 440 * t) / SR);
  }
  return y;
}

/**
 * A hand-made "detector": logit(tone) = 2 · (max of the window's normalised log-mel − bias), logit(other) = −4.
 * No training needed, so the test is about windowing and aggregation only.
 */
function detector(bias: number): ModelFn {
  return (b: GraphBuilder, x: SymTensor) =>
    b.scope('head', () => {
      const m = b.flatten(b.globalMaxPool(x), 1); // [N, 1]
      return b.linear(
        m,
        b.param('fc.weight', Tensor.from('float32', [2, 0], [2, 1])),
        b.param('fc.bias', Tensor.from('float32', [-2 * bias, -4], [2])),
      );
    });
}

const maxOf = (t: Tensor<'float32'>) => t.data.reduce((a, v) => Math.max(a, v), Number.NEGATIVE_INFINITY);

describe('validation scores every model window of a file, as inference does', () => {
  let dir: string;
  let dataset: Dataset;
  let bias: number;
  const files = {
    // the tone only in the last of three windows: a centre crop (1–2 s) misses it
    late: clip(3, [2.05, 3], 1),
    // no tone at all
    quiet: clip(3, null, 2),
    // the tone in the middle, and a short last window (2.5 s: padded by repeating the start)
    middle: clip(2.5, [1, 2], 3),
  };
  const labels: Record<keyof typeof files, string> = { late: 'tone', quiet: '', middle: 'tone' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'instr-valwin-'));
    const rows = ['file,labels'];
    for (const [name, y] of Object.entries(files)) {
      writeFileSync(join(dir, `${name}.wav`), encodeWav(createAudio(SR, [y])));
      rows.push(`${name}.wav,${labels[name as keyof typeof files]}`);
    }
    writeFileSync(join(dir, 'val.csv'), `${rows.join('\n')}\n`);
    // the detector's threshold halfway between a tone window and a quiet window (normalised log-mel maxima)
    const meta = { sampleRate: SR, features: spec, normalization, window };
    const toneMax = maxOf(modelWindowInputs(clip(1, [0, 1], 9), meta).x);
    const quietMax = maxOf(modelWindowInputs(clip(1, null, 9), meta).x);
    expect(toneMax).toBeGreaterThan(quietMax + 1);
    bias = (toneMax + quietMax) / 2;
    dataset = await loadCsvDataset(join(dir, 'val.csv'), { instruments });
  });

  const pipeline = (windows: 'model' | 'one') =>
    new DataPipeline({
      dataset,
      sampleRate: SR,
      features: spec,
      frames,
      batchSize: 2,
      seed: 0,
      train: false,
      windows,
      ...(windows === 'model' ? { modelWindow: window } : {}),
      normalization,
      workers: 0,
    });

  let outDir: string;
  const pipes: DataPipeline[] = [];
  afterAll(async () => {
    await Promise.all(pipes.map((p) => p.close()));
  });

  it("cuts windows with @instr/dsp's modelInputWindows — what @instr/infer runs (bit-identical inputs)", async () => {
    const valPipe = pipeline('model');
    pipes.push(valPipe);
    const meta = buildMetadata({
      name: 't',
      instruments,
      sampleRate: SR,
      features: spec,
      window,
      normalization,
    });
    const rows: number[] = [];
    for await (const b of valPipe.epoch(0)) {
      const per = b.x.size / b.y.dims[0]!;
      let row = 0;
      for (const k of new Set(b.files)) {
        const item = dataset.items[b.indices[row]!]!;
        const audio = await readAudioFile(item.path, { mono: true });
        const ref = modelInputWindows(audio.channels[0]!, audio.sampleRate, meta, { window });
        const n = b.files.filter((f) => f === k).length;
        expect(n).toBe(ref.count);
        expect(Array.from(b.x.data.subarray(row * per, (row + n) * per))).toEqual(
          Array.from(ref.features.data),
        );
        rows.push(n);
        row += n;
      }
    }
    expect(rows).toEqual([3, 3, 3]); // 3 s → 3 windows; 2.5 s → 2 full windows + 1 padded
  });

  it('scores a file whose instrument is only in its last window positive (a centre crop misses it)', async () => {
    const valPipe = pipeline('model');
    const centre = pipeline('one');
    pipes.push(valPipe, centre);
    const tr = memoryData(
      Tensor.zeros('float32', [2, 1, spec.nMels, frames]),
      Tensor.zeros('float32', [2, 2]),
      {
        batchSize: 2,
      },
    );
    outDir = mkdtempSync(join(tmpdir(), 'instr-valwin-run-'));
    const run = await train({
      model: detector(bias),
      inputShape: ['N', 1, spec.nMels, frames],
      instruments,
      data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => valPipe.epoch(0) },
      outDir,
      epochs: 1,
      lr: 1e-12, // the hand-made weights stay as they are
      optimizer: { type: 'sgd' },
      keepEpochCheckpoints: false,
      quiet: true,
      sessionOptions: { intraOpNumThreads: 1 },
    });
    try {
      const rec = run.history[0]!;
      // file level: both tone files found, the quiet one not
      expect(rec['instruments/val/Tone_recall']).toBe(1);
      expect(rec['instruments/val/Tone_precision']).toBe(1);
      const files = await predictBatches(run.session, valPipe.epoch(0));
      expect(files.ids.map((id) => id.replace(/\.wav$/, ''))).toEqual(['late', 'quiet', 'middle']);
      const tone = (p: Tensor, i: number) => p.data[i * 2] as number;
      expect(tone(files.probabilities, 0)).toBeGreaterThan(0.9);
      expect(tone(files.probabilities, 1)).toBeLessThan(0.1);
      expect(tone(files.probabilities, 2)).toBeGreaterThan(0.9);
      // the old behaviour: one centre-cropped window per file misses the late tone
      const crop = await predictBatches(run.session, centre.epoch(0));
      expect(tone(crop.probabilities, 0)).toBeLessThan(0.1);
      // mean aggregation: a third of the windows → about the mean of one high and two low probabilities
      const mean = await predictBatches(run.session, valPipe.epoch(0), { aggregation: 'mean' });
      expect(tone(mean.probabilities, 0)).toBeGreaterThan(0.25);
      expect(tone(mean.probabilities, 0)).toBeLessThan(0.45);
      // the same scores in slices of one window per model call
      const sliced: number[] = [];
      for await (const f of scoreFiles(run.session, valPipe.epoch(0), { maxRows: 1 }))
        sliced.push(...f.p.data);
      expect(sliced.map((v) => Math.fround(v))).toEqual(Array.from(files.probabilities.data));
    } finally {
      await run.session.release();
    }
  });

  it("file-level scores equal the exported model run as @instr/infer's Classifier runs it", async () => {
    // The Classifier's path, without depending on @instr/infer (train never imports it): the file at its own
    // rate → @instr/dsp modelInputWindows → the exported ONNX model (sigmoid inside) → @instr/core
    // aggregateWindows. @instr/infer's test/window-contract.test.ts checks that a Classifier is exactly this.
    const valPipe = pipeline('model');
    pipes.push(valPipe);
    const { loadCheckpointFile } = await import('@instr/models/node');
    const ort = await import('onnxruntime-node');
    const weights = await loadCheckpointFile(join(outDir, 'last.ckpt'));
    const meta = buildMetadata({
      name: 'detector',
      instruments,
      sampleRate: SR,
      features: spec,
      window,
      normalization,
      thresholds: 0.5,
    });
    const path = join(outDir, 'model.onnx');
    await exportInferenceModel(path, detector(bias), ['N', 1, spec.nMels, frames], weights, meta);
    const exported = await ort.InferenceSession.create(path);
    const tr = memoryData(
      Tensor.zeros('float32', [1, 1, spec.nMels, frames]),
      Tensor.zeros('float32', [1, 2]),
    );
    const run = await train({
      model: detector(bias),
      inputShape: ['N', 1, spec.nMels, frames],
      instruments,
      data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch },
      outDir: join(outDir, 'again'),
      epochs: 1,
      lr: 1e-12,
      optimizer: { type: 'sgd' },
      initialWeights: weights,
      keepEpochCheckpoints: false,
      quiet: true,
    });
    try {
      const windowProbs: Float32Array[] = [];
      for (let i = 0; i < dataset.size; i++) {
        const audio = await readAudioFile(dataset.items[i]!.path, { mono: true });
        const w = modelInputWindows(audio.channels[0]!, audio.sampleRate, meta);
        const out = await exported.run({
          [meta.io.input]: new ort.Tensor('float32', w.features.data, [...w.features.dims]),
        });
        windowProbs.push(out[meta.io.output]!.data as Float32Array);
      }
      for (const aggregation of ['max', 'mean', 'attention'] as const) {
        const ours = await predictBatches(run.session, valPipe.epoch(0), { aggregation });
        for (let i = 0; i < dataset.size; i++) {
          const served = aggregateWindows(windowProbs[i]!, 2, aggregation);
          for (let k = 0; k < 2; k++)
            expect(Math.abs(served[k]! - (ours.probabilities.data[i * 2 + k] as number))).toBeLessThan(1e-5);
          if (aggregation === 'max')
            expect(served[0]! >= meta.thresholds[0]!).toBe(
              labels[ours.ids[i]!.replace(/\.wav$/, '') as keyof typeof files] === 'tone',
            );
        }
      }
    } finally {
      await run.session.release();
      await exported.release();
    }
  });

  it("rejects bad windows: 'model' options with typed errors naming the key", () => {
    const base = { dataset, sampleRate: SR, features: spec, frames, batchSize: 2, seed: 0, workers: 0 };
    const key = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        return (e as InvalidArgumentError).details.key;
      }
      return undefined;
    };
    expect(key(() => new DataPipeline({ ...base, train: false, windows: 'model' }))).toBe('modelWindow');
    expect(key(() => new DataPipeline({ ...base, train: true, windows: 'model', modelWindow: window }))).toBe(
      'windows',
    );
    expect(
      key(
        () =>
          new DataPipeline({
            ...base,
            train: false,
            windows: 'model',
            modelWindow: { ...window, seconds: 2 },
          }),
      ),
    ).toBe('modelWindow.seconds');
    expect(
      key(
        () =>
          new DataPipeline({
            ...base,
            train: false,
            windows: 'model',
            modelWindow: { ...window, padding: 'wrap' as never },
          }),
      ),
    ).toBe('modelWindow.padding');
    expect(() => aggregateRows([0.5], 1, 0, 1, 'median' as never, new Float64Array(1), 0)).toThrow(
      InvalidArgumentError,
    );
  });

  it("aggregates windows with @instr/core's definitions, as @instr/infer does (max, mean, attention)", () => {
    const rng = new Rng(5);
    for (const windows of [1, 2, 7]) {
      const C = 3;
      const probs = new Float32Array(windows * C);
      for (let i = 0; i < probs.length; i++) probs[i] = rng.uniform(0, 1);
      probs[0] = 1e-9; // clamped by attention
      for (const mode of ['max', 'mean', 'attention'] as const) {
        const ref = aggregateWindows(probs, C, mode); // what @instr/infer's classify reports
        const out = new Float64Array(C);
        aggregateRows(probs, C, 0, windows, mode, out, 0); // the deprecated name
        const shared = new Float64Array(C);
        aggregateWindowRows(probs, C, 0, windows, mode, shared, 0);
        expect(Array.from(out)).toEqual(Array.from(shared));
        for (let c = 0; c < C; c++) expect(Math.fround(out[c]!)).toBe(ref[c]!);
      }
    }
  });
});
