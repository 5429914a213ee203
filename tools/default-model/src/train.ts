/**
 * Trains instr's default model on the generated corpus, selects the best epoch and tunes per-class
 * thresholds on shared/data/dev (never trained on), and exports an ONNX model with full metadata.
 * Resumable: every epoch writes last.ckpt atomically; `--resume` continues from it.
 *
 *   pnpm --filter @instr/default-model train -- --corpus /work/corpus --out /work/artifacts/default-model
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InstrumentSet, logMelSpec, MODEL_METADATA_KEY, type ModelMetadata, Rng, Tensor } from '@instr/core';
import { Compose, FilterAugment, FrequencyMasking, Mixup, TimeMasking } from '@instr/augment';
import {
  averagePrecisionScore,
  evaluate,
  f1Score,
  findBestThresholdsPerClass,
  meanAveragePrecision,
} from '@instr/metrics';
import { writeReport } from '@instr/metrics/node';
import { buildTrainingArtifacts, TrainSession } from '@instr/models';
import { loadCheckpointFile, saveCheckpointFile, writeModelFiles } from '@instr/models/node';
import { Command } from 'commander';
import * as ort from 'onnxruntime-node';
import { featurise, maxPerFile, readManifest, type WindowSet } from './data.js';
import { referenceCnn } from './model.js';

const program = new Command()
  .option('--corpus <dirs...>', 'corpus folders with manifest.csv (several are concatenated)', [
    '/work/corpus',
  ])
  .option(
    '--dev <dir>',
    'validation folder with manifest.csv',
    resolve(import.meta.dirname, '../../../../shared/data/dev'),
  )
  .option('--out <dir>', 'output folder', resolve(import.meta.dirname, '../../../artifacts/default-model'))
  .option('--epochs <n>', 'epochs', Number, 24)
  .option('--batch <n>', 'batch size', Number, 32)
  .option('--lr <x>', 'peak learning rate', Number, 1e-3)
  .option('--seed <n>', 'seed', Number, 1)
  .option('--limit <n>', 'use only the first n corpus clips (smoke runs)', Number)
  .option('--resume', 'continue from <out>/last.ckpt')
  .option('--export-only', 'skip training: calibrate and export <out>/best.ckpt (e.g. while a run goes on)')
  .parse();
const opts = program.opts<{
  corpus: string[];
  dev: string;
  out: string;
  epochs: number;
  batch: number;
  lr: number;
  seed: number;
  limit?: number;
  resume?: boolean;
  exportOnly?: boolean;
}>();

const instruments = InstrumentSet.irmas();
const K = instruments.size;
const meta: ModelMetadata = {
  schema: 1,
  name: 'instr-default-cnn',
  instruments: instruments.toJSON(),
  sampleRate: 22050,
  features: logMelSpec(),
  window: { seconds: 3, hopSeconds: 1.5, padding: 'repeat' },
  normalization: { mean: 0, std: 1 },
  thresholds: new Array(K).fill(0.5),
  output: 'logits',
  io: { input: 'input', output: 'logits' },
};

mkdirSync(opts.out, { recursive: true });
const log = (record: Record<string, unknown>) => {
  appendFileSync(
    join(opts.out, 'log.jsonl'),
    `${JSON.stringify({ time: new Date().toISOString(), ...record })}\n`,
  );
  console.log(JSON.stringify(record));
};

const progress = (what: string) => (done: number, total: number) => {
  if (done % 200 === 0 || done === total) process.stderr.write(`\r${what}: ${done}/${total}`);
  if (done === total) process.stderr.write('\n');
};

let trainFiles = opts.corpus.flatMap((dir) => readManifest(join(dir, 'manifest.csv'), instruments));
if (opts.limit) trainFiles = trainFiles.slice(0, opts.limit);
const devFiles = readManifest(join(opts.dev, 'manifest.csv'), instruments);
const dev = await featurise(devFiles, meta, instruments, progress('dev features'));
/** The normalisation of an earlier run (its log's data event), so --export-only need not re-read the corpus. */
const logged = (() => {
  const path = join(opts.out, 'log.jsonl');
  if (!opts.exportOnly || !existsSync(path)) return undefined;
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l));
  return lines.filter((r) => r.event === 'data').at(-1) as { mean: number; std: number } | undefined;
})();
const train = logged
  ? { ...dev, x: dev.x.slice(0, 1), y: dev.y.subarray(0, K) }
  : await featurise(trainFiles, meta, instruments, progress('train features'));

// Normalisation from the training features only; dev gets the same transform.
let mean = logged?.mean ?? 0;
let std = logged?.std ?? 1;
if (!logged) {
  let sum = 0;
  let sq = 0;
  for (const v of train.x.data) {
    sum += v;
    sq += v * v;
  }
  mean = sum / train.x.size;
  std = Math.sqrt(sq / train.x.size - mean * mean);
}
meta.normalization = { mean, std };
for (const set of logged ? [dev] : [train, dev])
  for (let i = 0; i < set.x.size; i++) set.x.data[i] = (set.x.data[i]! - mean) / std;
if (!logged) {
  log({
    event: 'data',
    trainWindows: train.x.dims[0],
    trainFiles: trainFiles.length,
    devWindows: dev.x.dims[0],
    devFiles: devFiles.length,
    mean,
    std,
  });
}

const [, , mels, frames] = train.x.dims as number[];
const model = referenceCnn(K, opts.seed);
const artifacts = buildTrainingArtifacts({
  model,
  inputShape: ['N', 1, mels!, frames!],
  targetShape: ['N', K],
  optimizer: { type: 'adamw', weightDecay: 0.01, clipGradNorm: 5 },
});
const session = await TrainSession.create(ort, artifacts, { seed: opts.seed });

const stepsPerEpoch = Math.floor(train.x.dims[0]! / opts.batch);
const totalSteps = stepsPerEpoch * opts.epochs;
/** Linear warm-up over the first epoch, then cosine decay to 1 % of the peak. */
const lrAt = (step: number) =>
  step < stepsPerEpoch
    ? (opts.lr * (step + 1)) / stepsPerEpoch
    : opts.lr *
      (0.01 +
        0.99 *
          0.5 *
          (1 + Math.cos((Math.PI * (step - stepsPerEpoch)) / Math.max(1, totalSteps - stepsPerEpoch))));
// A random EQ (±6 dB over 3–5 bands) stands in for the microphones and rooms of real recordings.
const specAugment = new Compose([
  new FilterAugment({ p: 0.8, unitsPerDb: 1 / std }),
  new FrequencyMasking({ p: 0.8 }),
  new TimeMasking({ p: 0.8 }),
]);
const mixup = new Mixup({ alpha: 0.4, p: 0.5 });

let startEpoch = 0;
let best = { epoch: -1, map: -1 };
const lastPath = join(opts.out, 'last.ckpt');
const bestPath = join(opts.out, 'best.ckpt');
if (opts.resume && existsSync(lastPath)) {
  const m = session.loadCheckpoint(await loadCheckpointFile(lastPath));
  startEpoch = (m.epoch as number) + 1;
  best = (m.best as typeof best) ?? best;
  log({ event: 'resume', epoch: startEpoch, step: session.step });
}

/** Window probabilities of a window set with the current weights (eval mode). */
async function windowProbs(set: WindowSet): Promise<Float32Array> {
  const n = set.x.dims[0]!;
  const out = new Float32Array(n * K);
  for (let s = 0; s < n; s += 64) {
    const e = Math.min(n, s + 64);
    const { logits } = await session.evaluate(
      set.x.slice(s, e),
      new Tensor('float32', set.y.subarray(s * K, e * K), [e - s, K]),
    );
    const d = logits.data as Float32Array;
    for (let i = 0; i < d.length; i++) out[s * K + i] = 1 / (1 + Math.exp(-d[i]!));
  }
  return out;
}

const devTruth = () => new Tensor('float32', dev.fileLabels, [devFiles.length, K]);
async function devScores(): Promise<Tensor<'float32'>> {
  return new Tensor('float32', maxPerFile(await windowProbs(dev), dev.fileOfWindow, devFiles.length, K), [
    devFiles.length,
    K,
  ]);
}

/** Epoch records so far (from the log when resuming or exporting, so curves cover the whole run). */
const history: { epoch: number; [k: string]: number }[] = (() => {
  const path = join(opts.out, 'log.jsonl');
  if (!existsSync(path)) return [];
  const byEpoch = new Map<number, { epoch: number; [k: string]: number }>();
  for (const line of readFileSync(path, 'utf8').split('\n').filter(Boolean)) {
    const r = JSON.parse(line);
    if (r.event === 'epoch') {
      const { event: _e, time: _t, ...rest } = r;
      byEpoch.set(r.epoch, rest);
    }
  }
  return [...byEpoch.values()]
    .filter((r) => opts.resume || opts.exportOnly || r.epoch < 0)
    .sort((a, b) => a.epoch - b.epoch);
})();
const per = 1 * mels! * frames!;
for (let epoch = startEpoch; epoch < (opts.exportOnly ? 0 : opts.epochs); epoch++) {
  const rng = new Rng(opts.seed).derive(epoch);
  const order = rng.permutation(train.x.dims[0]!);
  let lossSum = 0;
  const t0 = Date.now();
  for (let s = 0; s < stepsPerEpoch; s++) {
    const x = new Float32Array(opts.batch * per);
    const y = new Float32Array(opts.batch * K);
    for (let i = 0; i < opts.batch; i++) {
      const j = order[s * opts.batch + i]!;
      x.set(train.x.data.subarray(j * per, (j + 1) * per), i * per);
      y.set(train.y.subarray(j * K, (j + 1) * K), i * K);
    }
    let xb = new Tensor('float32', x, [opts.batch, 1, mels!, frames!]);
    let yb = new Tensor('float32', y, [opts.batch, K]);
    const stepRng = rng.derive(s);
    xb = specAugment.applyBatch(xb, { seed: stepRng.fork() }).output as Tensor<'float32'>;
    const mixed = mixup.apply({ x: xb, y: yb }, stepRng.fork()).output;
    xb = mixed.x;
    yb = mixed.y;
    const { loss } = await session.trainStep(xb, yb, lrAt(session.step));
    lossSum += loss;
    if (s % 20 === 0)
      process.stderr.write(
        `\repoch ${epoch} step ${s}/${stepsPerEpoch} loss ${(lossSum / (s + 1)).toFixed(4)}`,
      );
  }
  process.stderr.write('\n');
  const scores = await devScores();
  const truth = devTruth();
  const map = meanAveragePrecision(truth, scores);
  const decisions = new Tensor(
    'float32',
    scores.data.map((v) => (v >= 0.5 ? 1 : 0)),
    scores.dims,
  );
  const f1 = f1Score(truth, decisions, { average: 'macro', zeroDivision: 0 });
  const record = {
    epoch,
    trainLoss: lossSum / stepsPerEpoch,
    valMap: map,
    valF1: Number(f1),
    lr: lrAt(session.step),
    seconds: (Date.now() - t0) / 1000,
  };
  const previous = history.findIndex((r) => r.epoch === epoch);
  if (previous >= 0) history.splice(previous);
  history.push(record);
  log({ event: 'epoch', ...record });
  if (map > best.map) {
    best = { epoch, map };
    await saveCheckpointFile(bestPath, session.saveCheckpoint({ epoch, best }));
  }
  await saveCheckpointFile(lastPath, session.saveCheckpoint({ epoch, best }));
}

// Best epoch → per-class thresholds on dev → export.
const bestMeta = session.loadCheckpoint(await loadCheckpointFile(bestPath));
best = (bestMeta.best as typeof best) ?? best;
const scores = await devScores();
const truth = devTruth();
const search = findBestThresholdsPerClass(truth, scores, { metric: 'f1' });
// A class absent from dev has no evidence for a threshold: keep 0.5 there.
const positives = instruments.codes.map(
  (_, c) => truth.data.filter((_, i) => i % K === c && truth.data[i]! > 0).length,
);
meta.thresholds = Array.from(search.thresholds, (t, c) =>
  positives[c]! > 0 ? Math.min(Math.max(t, 0.05), 0.95) : 0.5,
);
const evaluation = evaluate(truth, scores, { instruments, thresholds: meta.thresholds });
const ap = averagePrecisionScore(truth, scores, { average: 'none' });
meta.card = {
  recipe: {
    model: 'reference 4-block CNN (32-64-128-256), GAP+GMP, FC 128, dropout 0.3',
    optimizer: 'AdamW wd 0.01, clip 5',
    lr: opts.lr,
    epochs: opts.epochs,
    batch: opts.batch,
    augmentation: 'FilterAugment ±6 dB p 0.8, SpecAugment masks p 0.8, mixup alpha 0.4 p 0.5',
    seed: opts.seed,
  },
  data: {
    train: `${trainFiles.length} generated clips (${opts.corpus.join(', ')})`,
    validation: 'shared/data/dev (model selection and thresholds only)',
  },
  bestEpoch: best.epoch,
  dev: {
    macroF1: evaluation.summary.f1.macro,
    mAP: best.map,
    perClassAP: Object.fromEntries(instruments.codes.map((c, i) => [c, ap[i]])),
  },
};
const encoded = session.exportInference({ metadata: { [MODEL_METADATA_KEY]: JSON.stringify(meta) } });
await writeModelFiles(join(opts.out, 'default.onnx'), encoded);
writeFileSync(
  join(opts.out, 'metrics.json'),
  JSON.stringify(
    {
      best,
      history,
      summary: evaluation.summary,
      perClass: evaluation.perClass,
      thresholds: meta.thresholds,
    },
    null,
    2,
  ),
);
await writeReport(join(opts.out, 'report.html'), evaluation, {
  title: 'instr default model — dev evaluation',
  history,
});
log({
  event: 'done',
  bestEpoch: best.epoch,
  devMap: best.map,
  devMacroF1: evaluation.summary.f1.macro,
  bytes: encoded.model.length,
});
await session.release();
