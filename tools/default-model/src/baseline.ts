/**
 * The reference system's classical baseline, done properly: the 28 classical features of each clip
 * (MFCC ×10, ZCR, RMS, rolloff, centroid, bandwidth, contrast ×7, flatness, three entropies, Hjorth ×2),
 * standardised with the training statistics (the reference fitted its scaler on the test set), and one
 * L2 logistic regression per instrument. Evaluated on the same dev set as the default model.
 *
 *   pnpm --filter @instr/default-model baseline -- --corpus /work/corpus --out /work/artifacts/baseline
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InstrumentSet, Tensor } from '@instr/core';
import { CLASSICAL_FEATURE_NAMES, classicalFeatures } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';
import { evaluate, findBestThresholdsPerClass } from '@instr/metrics';
import { type DatasetItem, loadCsvDataset } from '@instr/train';
import { Command } from 'commander';
import { cliArgv } from './argv.js';
import { fitLogistic, predictLogistic } from './logreg.js';

const opts = new Command()
  .option('--corpus <dir>', 'training folder with manifest.csv', '/work/corpus')
  .option(
    '--dev <dir>',
    'validation folder with manifest.csv',
    resolve(import.meta.dirname, '../../../../shared/data/dev'),
  )
  .option('--out <dir>', 'output folder', resolve(import.meta.dirname, '../../../artifacts/baseline'))
  .option('--limit <n>', 'use only the first n training clips', Number)
  .option('--C <x>', 'inverse regularisation strength', Number, 1)
  .parse(cliArgv())
  .opts<{ corpus: string; dev: string; out: string; limit?: number; C: number }>();

const instruments = InstrumentSet.irmas();
const K = instruments.size;
const D = CLASSICAL_FEATURE_NAMES.length;

async function featureMatrix(
  files: readonly DatasetItem[],
  what: string,
): Promise<{ x: Float64Array; y: Float32Array }> {
  const x = new Float64Array(files.length * D);
  const y = new Float32Array(files.length * K);
  for (let i = 0; i < files.length; i++) {
    const audio = await readAudioFile(files[i]!.path, { mono: true, sampleRate: 22050 });
    let samples = audio.channels[0]!;
    if (samples.length < 2048) {
      // Too short for the reference's single frame: repeat the clip (as the model windows do).
      const padded = new Float32Array(2048);
      for (let k = 0; k < padded.length; k++) padded[k] = samples[k % samples.length]!;
      samples = padded;
    }
    x.set(classicalFeatures(samples, { sampleRate: 22050 }), i * D);
    y.set(instruments.encode(files[i]!.codes), i * K);
    if ((i + 1) % 200 === 0 || i + 1 === files.length)
      process.stderr.write(`\r${what}: ${i + 1}/${files.length}`);
  }
  process.stderr.write('\n');
  return { x, y };
}

let trainFiles = (await loadCsvDataset(join(opts.corpus, 'manifest.csv'), { instruments })).items;
if (opts.limit) trainFiles = trainFiles.slice(0, opts.limit);
const devFiles = (await loadCsvDataset(join(opts.dev, 'manifest.csv'), { instruments })).items;
const train = await featureMatrix(trainFiles, 'train features');
const dev = await featureMatrix(devFiles, 'dev features');

// Standardise with training statistics only.
const mean = new Float64Array(D);
const std = new Float64Array(D);
const n = trainFiles.length;
for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) mean[j]! += train.x[i * D + j]! / n;
for (let i = 0; i < n; i++) for (let j = 0; j < D; j++) std[j]! += (train.x[i * D + j]! - mean[j]!) ** 2 / n;
for (let j = 0; j < D; j++) std[j] = Math.sqrt(std[j]!) || 1;
for (const set of [train, dev])
  for (let i = 0; i < set.x.length; i++) set.x[i] = (set.x[i]! - mean[i % D]!) / std[i % D]!;

const scores = new Float32Array(devFiles.length * K);
for (let c = 0; c < K; c++) {
  const y = Array.from({ length: n }, (_, i) => train.y[i * K + c]!);
  const model = fitLogistic(train.x, y, D, opts.C);
  predictLogistic(model, dev.x, D).forEach((p, i) => {
    scores[i * K + c] = p;
  });
}
const truth = new Tensor('float32', dev.y, [devFiles.length, K]);
const scoreTensor = new Tensor('float32', scores, [devFiles.length, K]);
const atHalf = evaluate(truth, scoreTensor, { instruments });
const tuned = findBestThresholdsPerClass(truth, scoreTensor, { metric: 'f1' });
const atTuned = evaluate(truth, scoreTensor, { instruments, thresholds: Array.from(tuned.thresholds) });
mkdirSync(opts.out, { recursive: true });
const result = {
  model: `per-class L2 logistic regression (C=${opts.C}) on the 28 classical features, standardised`,
  trainClips: n,
  devFiles: devFiles.length,
  dev: {
    mAP: atHalf.summary.mAP,
    macroF1AtHalf: atHalf.summary.f1.macro,
    macroF1TunedThresholds: atTuned.summary.f1.macro,
    rocAucMacro: atHalf.summary.rocAuc.macro,
  },
  perClass: Object.fromEntries(
    instruments.codes.map((c) => [
      c,
      { ap: atTuned.perClass[c]!.ap, f1: atTuned.perClass[c]!.f1, auc: atTuned.perClass[c]!.auc },
    ]),
  ),
};
writeFileSync(join(opts.out, 'baseline.json'), JSON.stringify(result, null, 2));
console.log(JSON.stringify(result.dev));
