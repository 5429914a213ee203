/**
 * Train an instrument recogniser on the real audio in ../shared/data (train/ to train, dev/ to validate and tune
 * thresholds) through its manifests, then export `runs/train-shared/model.onnx` with full metadata, an HTML
 * report and a label-quality-ready history.
 *
 * Run: `node --conditions=instr-source --import tsx examples/train-shared.ts [epochs] [limit]`
 * (`limit` trains on that many files only, for a quick look). Skips with a message when shared/ is absent.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runFromConfig, type TrainConfigInput } from '@instr/train';

const here = dirname(fileURLToPath(import.meta.url));
const sharedDir = process.env.INSTR_SHARED_DIR ?? resolve(here, '..', '..', 'shared');
const trainManifest = join(sharedDir, 'data', 'train', 'manifest.csv');
const devManifest = join(sharedDir, 'data', 'dev', 'manifest.csv');

if (!existsSync(trainManifest) || !existsSync(devManifest)) {
  console.log(
    `train-shared: ${trainManifest} or ${devManifest} not found; set INSTR_SHARED_DIR to the shared/ folder. Skipping.`,
  );
  process.exit(0);
}

const epochs = Number(process.argv[2] ?? 10);
const limit = process.argv[3] ? Number(process.argv[3]) : undefined;
// Noise clips and impulse responses are augmentation material, not training examples.
const notAnExample = { column: 'kind', values: ['noise', 'impulse_response'] };

const config: TrainConfigInput = {
  name: 'train-shared',
  outDir: resolve(here, '..', 'runs', 'train-shared'),
  seed: 1,
  data: {
    train: { type: 'csv', path: trainManifest, exclude: notAnExample },
    val: { type: 'csv', path: devManifest, exclude: notAnExample },
    batchSize: 16,
    cacheDir: resolve(here, '..', '.cache', 'train-shared'),
    ...(limit ? { limit } : {}),
  },
  features: { sampleRate: 22050, nFft: 1024, hopLength: 512, nMels: 64 },
  window: { seconds: 2, hopSeconds: 1, padding: 'repeat' },
  // isolated notes are single-label: mixing pairs of training examples ("sum with 2") teaches polyphony
  augmentation: { mix: { kind: 'sum', p: 0.5, n: 2 } },
  model: { type: 'simple-cnn', channels: [32, 64, 128], hidden: 128, dropout: 0.2 },
  loss: { type: 'bce', posWeight: true, posWeightMax: 10 },
  optimizer: { type: 'adamw', weightDecay: 0.01, clipGradNorm: 5 },
  lr: 1e-3,
  schedule: { type: 'onecycle' },
  loop: { epochs, earlyStopping: { patience: 4 }, checkpointEverySteps: 50, resume: true },
  export: {
    thresholds: 'per-class',
    card: { data: 'shared/data train (real recordings); see its manifest for licences' },
  },
};

const t0 = Date.now();
const r = await runFromConfig(config);
console.log(
  `train-shared: ${r.trainSize} training / ${r.valSize} dev files, ${r.history.length} epochs in ${((Date.now() - t0) / 1000).toFixed(0)} s`,
);
console.log(`best epoch ${r.best?.epoch} (${r.best?.metric} ${r.best?.value.toFixed(4)})`);
console.log(
  `dev at tuned thresholds: macro F1 ${r.summary.f1.toFixed(4)}, mAP ${r.summary.mAP.toFixed(4)}, lwlrap ${r.summary.lwlrap.toFixed(4)}`,
);
console.log(`model: ${r.modelPath}\nreport: ${r.reportPath}`);
