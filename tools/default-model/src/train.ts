/**
 * Trains instr's default model with @instr/train — `runFromConfig` on the committed recipe
 * (tools/default-model/recipe.json) plus these flags — exactly what `instr train recipe.json` runs: the corpus
 * to train on, shared/data/dev to select the epoch (val/map) and tune per-class thresholds (never trained on),
 * and an ONNX model with full metadata. Progress, `log.jsonl`, `metrics.csv`, checkpoints, `report.html`,
 * `evaluation.json`, `summary.json` and `model.onnx` come from @instr/train, in `--out`.
 *
 *   pnpm --filter @instr/default-model train -- --corpus /work/corpus --out /work/artifacts/default-model
 *   pnpm --filter @instr/default-model train -- --out /work/artifacts/default-model --resume      # after a kill
 *   pnpm --filter @instr/default-model train -- --out /work/artifacts/default-model --export-only # while it runs
 *
 * `--export-only` copies the run's checkpoints and logs to `<out>/export-only/`, resumes there with as many epochs
 * as the run has finished (no training step), tunes the thresholds on dev and exports the best epoch, leaving
 * the live run untouched.
 */
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { decodeCheckpoint } from '@instr/models';
import { runFromConfig } from '@instr/train';
import { Command } from 'commander';
import { cliArgv } from './argv.js';

const recipePath = resolve(import.meta.dirname, '../recipe.json');
const recipe = JSON.parse(readFileSync(recipePath, 'utf8'));

const opts = new Command()
  .allowExcessArguments(false)
  .option('--corpus <dirs...>', 'corpus folders with manifest.csv (several are concatenated)', [
    '/work/corpus',
  ])
  .option(
    '--dev <dir>',
    'validation folder with manifest.csv',
    resolve(import.meta.dirname, '../../../../shared/data/dev'),
  )
  .option('--out <dir>', 'run folder', resolve(import.meta.dirname, '../../../../artifacts/default-model'))
  .option('--epochs <n>', 'epochs', Number, recipe.loop.epochs)
  .option('--batch <n>', 'batch size', Number, recipe.data.batchSize)
  .option('--lr <x>', 'peak learning rate', Number, recipe.lr)
  .option(
    '--seed <n>',
    'seed (data order, augmentation, mixup, initial weights, dropout)',
    Number,
    recipe.seed,
  )
  .option('--limit <n>', 'train on a seeded random subset of n corpus clips (smoke runs)', Number)
  .option('--workers <n>', 'input pipeline worker threads (default min(2, cores − 1))', Number)
  .option('--cache-dir <dir>', 'decoded-audio cache (@instr/train AudioCache)')
  .option('--resume', 'continue from <out>/last.ckpt')
  .option('--export-only', 'no training: export the best epoch of the run in <out> into <out>/export-only')
  .option('--quiet', 'no progress output')
  .parse(cliArgv())
  .opts<{
    corpus: string[];
    dev: string;
    out: string;
    epochs: number;
    batch: number;
    lr: number;
    seed: number;
    limit?: number;
    workers?: number;
    cacheDir?: string;
    resume?: boolean;
    exportOnly?: boolean;
    quiet?: boolean;
  }>();

let outDir = resolve(opts.out);
let epochs = opts.epochs;
let resume = opts.resume ?? false;
if (opts.exportOnly) {
  const last = join(outDir, 'last.ckpt');
  if (!existsSync(last)) throw new Error(`--export-only: ${last} does not exist.`);
  const dest = join(outDir, 'export-only');
  mkdirSync(dest, { recursive: true });
  for (const f of ['last.ckpt', 'best.ckpt', 'log.jsonl', 'metrics.csv']) {
    if (existsSync(join(outDir, f))) copyFileSync(join(outDir, f), join(dest, f));
  }
  const loop = (
    decodeCheckpoint(new Uint8Array(readFileSync(join(dest, 'last.ckpt')))).meta as {
      loop?: { epoch: number };
    }
  ).loop;
  if (!loop || loop.epoch < 1) throw new Error(`--export-only: ${last} holds no finished epoch yet.`);
  epochs = loop.epoch;
  resume = true;
  outDir = dest;
}

const aug = recipe.augmentation;
const head = recipe.model.head;
const overrides: Record<string, unknown> = {
  'data.train': opts.corpus.map((dir) => ({ type: 'csv', path: resolve(dir, 'manifest.csv') })),
  'data.val': { type: 'csv', path: resolve(opts.dev, 'manifest.csv') },
  'data.batchSize': opts.batch,
  outDir,
  seed: opts.seed,
  lr: opts.lr,
  'loop.epochs': epochs,
  'loop.resume': resume,
  ...(opts.quiet ? { 'loop.quiet': true } : {}),
  ...(opts.limit ? { 'data.limit': opts.limit } : {}),
  ...(opts.workers !== undefined ? { 'data.workers': opts.workers } : {}),
  ...(opts.cacheDir ? { 'data.cacheDir': resolve(opts.cacheDir) } : {}),
  // What docs/model-card.md prints (tools/default-model/src/card.ts), from the recipe.
  'export.card': {
    recipe: {
      config: 'tools/default-model/recipe.json',
      model: `reference 4-block CNN (${recipe.model.backbone.channels.join('-')}), GAP+GMP, FC ${head.hidden.join('-')}, dropout ${head.dropout}, Kaiming-normal init`,
      optimizer: `AdamW wd ${recipe.optimizer.weightDecay}, clip ${recipe.optimizer.clipGradNorm}`,
      schedule: `linear warm-up ${recipe.schedule.warmupEpochs} epoch, cosine to ${100 * recipe.schedule.final} % of the peak`,
      lr: opts.lr,
      epochs: opts.epochs,
      batch: opts.batch,
      augmentation: `FilterAugment ±6 dB p ${aug.options.filterAugment.p}, SpecAugment masks p ${aug.options.frequencyMasking.p}, mixup alpha ${aug.mixup.alpha} p ${aug.mixup.p}`,
      seed: opts.seed,
      ...(opts.limit ? { limit: opts.limit } : {}),
    },
    data: {
      train: `generated clips (${opts.corpus.join(', ')})`,
      validation: 'shared/data/dev (model selection and thresholds only)',
    },
  },
};

const result = await runFromConfig(recipePath, overrides);
console.log(
  JSON.stringify({
    event: 'done',
    outDir: result.outDir,
    model: result.modelPath,
    bestEpoch: result.best?.epoch,
    devMap: result.best?.value,
    devMacroF1: result.summary.f1,
    devMapAtExport: result.summary.mAP,
    trainFiles: result.trainSize,
    devFiles: result.valSize,
  }),
);
