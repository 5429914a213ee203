import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { ConfigError, type FeatureSpec, InstrumentSet, Rng, Tensor } from '@instr/core';
import { writeFileAtomic } from '@instr/metrics/node';
import {
  buildModel,
  type ModelConfig,
  type ModelFn,
  type OptimizerConfig,
  type OrtModule,
} from '@instr/models';
import { loadCheckpointFile } from '@instr/models/node';
import { loadCsvDataset } from '../data/csv.js';
import { concatDatasets, type Dataset } from '../data/dataset.js';
import { loadIrmasTest, loadIrmasTrain } from '../data/irmas.js';
import { trainValSplit } from '../data/split.js';
import { predictBatches } from '../evaluate/predict.js';
import { tuneThresholds, writeEvaluationReport } from '../evaluate/report.js';
import { collectEmbeddings, writeEmbeddings } from '../export/embeddings.js';
import { buildMetadata, createPredictor, exportInferenceModel } from '../export/export.js';
import { train, type EpochRecord } from '../loop/train.js';
import { lossFromConfig } from '../losses/losses.js';
import { framesForSeconds } from '../pipeline/features.js';
import { DataPipeline } from '../pipeline/pipeline.js';
import { featureStatistics } from '../pipeline/statistics.js';
import { simpleCnn } from '../recipes/simple-cnn.js';
import { applyOverrides, parseTrainConfig, type TrainConfig, type TrainConfigInput } from './schema.js';

/** What {@link runFromConfig} produced. */
export interface RunResult {
  config: TrainConfig;
  outDir: string;
  /** The exported ONNX model (with `instr.metadata`). */
  modelPath: string;
  reportPath?: string;
  history: EpochRecord[];
  best?: { epoch: number; value: number; metric: string };
  thresholds: number[];
  /** Validation metrics of the exported model at the tuned thresholds. */
  summary: { f1: number; mAP: number; lwlrap: number; hammingScore: number };
  trainSize: number;
  valSize: number;
}

/** Options of {@link runFromConfig}. */
export interface RunOptions {
  /** ONNX Runtime module (default `onnxruntime-node`). */
  ort?: OrtModule;
  /** Progress and log lines (default: none when `loop.quiet`, else stderr). */
  log?: (line: string) => void;
}

type DatasetCfg = TrainConfig['data']['train'] extends infer T
  ? T extends readonly (infer U)[]
    ? U
    : T
  : never;

async function loadOne(
  d: DatasetCfg,
  base: string,
  instruments: InstrumentSet,
  key: string,
): Promise<Dataset> {
  const path = isAbsolute(d.path) ? d.path : resolve(base, d.path);
  switch (d.type) {
    case 'csv':
      return loadCsvDataset(path, {
        instruments,
        groupColumn: d.groupColumn,
        where: (row) =>
          !d.exclude?.values.includes(row[d.exclude.column] ?? '') &&
          (!d.include || d.include.values.includes(row[d.include.column] ?? '')),
      });
    case 'irmas-train':
      return loadIrmasTrain(path, { instruments });
    case 'irmas-test':
      return loadIrmasTest(path, { instruments });
    default:
      throw new ConfigError(
        `${key}.type "${d.type}" has no labels; training needs csv, irmas-train or irmas-test.`,
        {
          details: { key: `${key}.type`, actual: d.type },
        },
      );
  }
}

async function loadAll(
  v: TrainConfig['data']['train'],
  base: string,
  instruments: InstrumentSet,
  key: string,
): Promise<Dataset> {
  const list = Array.isArray(v) ? v : [v];
  const sets = await Promise.all(
    list.map((d, i) => loadOne(d, base, instruments, Array.isArray(v) ? `${key}.${i}` : key)),
  );
  if (sets.length === 1) return sets[0]!;
  // Two corpora built by the same tool both have `clips/000000.wav`: when ids collide, every id is
  // prefixed by its dataset's key (`data.train.1:clips/000000.wav`) so that reports still name the source.
  const seen = new Set<string>();
  const collide = sets.some((d) => d.items.some((it) => seen.size === seen.add(it.id).size));
  return concatDatasets(
    collide ? sets.map((d, i) => d.map((it) => ({ ...it, id: `${key}.${i}:${it.id}` }))) : sets,
    key,
  );
}

/**
 * The log-mel {@link FeatureSpec} (model metadata `features`) of a config.
 * @example
 * ```ts
 * const spec = featureSpecOf(parseTrainConfig(json));
 * ```
 */
export function featureSpecOf(cfg: TrainConfig): FeatureSpec {
  const f = cfg.features;
  return {
    type: 'logmel',
    nFft: f.nFft,
    hopLength: f.hopLength,
    ...(f.winLength !== undefined ? { winLength: f.winLength } : {}),
    nMels: f.nMels,
    fmin: f.fmin,
    fmax: f.fmax,
    htk: f.htk,
    melNorm: f.melNorm,
    center: f.center,
    padMode: f.padMode,
    power: f.power,
    db: { ref: f.db.ref, amin: f.db.amin, topDb: f.db.topDb },
  };
}

/**
 * Trains a model end to end from a JSON config file (what `instr train config.json` runs): loads and splits
 * the data, measures the normalisation, runs the worker-thread pipeline, builds the model (`simple-cnn` or a
 * `@instr/models` zoo config), trains with the loss / optimiser / schedule / loop settings, then tunes
 * thresholds on validation, writes the HTML report and exports `model.onnx` with full metadata.
 * Relative data paths are resolved against the config file's folder.
 *
 * @param config A path to a JSON file or a config object.
 * @param overrides Dotted-key overrides applied before validation (`{ 'loop.epochs': 3 }`).
 * @throws ConfigError naming the key (and file) of an invalid config; DatasetError for bad data.
 * @example
 * ```ts
 * const r = await runFromConfig('configs/irmas.json', { 'loop.epochs': 2 });
 * console.log(r.modelPath, r.summary.f1);
 * ```
 */
export async function runFromConfig(
  config: string | TrainConfigInput,
  overrides: Record<string, unknown> = {},
  options: RunOptions = {},
): Promise<RunResult> {
  let json: Record<string, unknown>;
  let file: string | undefined;
  let base = process.cwd();
  if (typeof config === 'string') {
    file = config;
    base = dirname(resolve(config));
    let text: string;
    try {
      text = await readFile(config, 'utf8');
    } catch (cause) {
      throw new ConfigError(`Cannot read the training config ${config}.`, {
        details: { file: config },
        cause,
      });
    }
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch (cause) {
      throw new ConfigError(`The training config ${config} is not valid JSON: ${(cause as Error).message}`, {
        details: { file: config },
        cause,
      });
    }
  } else json = config as Record<string, unknown>;
  const cfg = parseTrainConfig(applyOverrides(json, overrides), file);
  const log = options.log ?? (cfg.loop.quiet ? () => {} : (l: string) => process.stderr.write(`${l}\n`));
  const instruments =
    cfg.instruments === 'irmas' ? InstrumentSet.irmas() : InstrumentSet.custom(cfg.instruments);
  const outDir = resolve(base, cfg.outDir ?? join('runs', cfg.name));

  // ---- data
  let trainSet = await loadAll(cfg.data.train, base, instruments, 'data.train');
  let valSet: Dataset;
  if (cfg.data.val) valSet = await loadAll(cfg.data.val, base, instruments, 'data.val');
  else {
    const split = trainValSplit(trainSet, { valFraction: cfg.data.valFraction, seed: cfg.seed });
    valSet = trainSet.subset(split.val, 'val');
    trainSet = trainSet.subset(split.train, 'train');
  }
  if (cfg.data.limit !== undefined && cfg.data.limit < trainSet.size) {
    trainSet = trainSet.subset(
      new Rng(cfg.seed).choice(trainSet.size, cfg.data.limit).sort((a, b) => a - b),
      'train',
    );
  }
  log(`data: ${trainSet.size} training and ${valSet.size} validation files, ${instruments.size} instruments`);
  const spec = featureSpecOf(cfg);
  const sr = cfg.features.sampleRate;
  const frames = framesForSeconds(spec, sr, cfg.window.seconds);
  let normalization = cfg.features.normalization === 'auto' ? undefined : cfg.features.normalization;
  if (cfg.features.normalization === 'auto') {
    const s = await featureStatistics(trainSet, {
      sampleRate: sr,
      features: spec,
      maxItems: 500,
      seed: cfg.seed,
      cacheDir: cfg.data.cacheDir ?? undefined,
    });
    normalization = { mean: s.mean, std: s.std > 0 ? s.std : 1 };
    log(`normalisation: mean ${s.mean.toFixed(3)}, std ${s.std.toFixed(3)} (${s.files} files)`);
  }
  const common = {
    sampleRate: sr,
    features: spec,
    frames,
    batchSize: cfg.data.batchSize,
    seed: cfg.seed,
    pad: cfg.window.padding,
    normalization: normalization ?? null,
    workers: cfg.data.workers,
    cacheDir: cfg.data.cacheDir,
  } as const;
  const trainPipe = new DataPipeline({
    ...common,
    dataset: trainSet,
    train: true,
    mix: cfg.augmentation.mix
      ? { kind: cfg.augmentation.mix.kind, p: cfg.augmentation.mix.p, options: { n: cfg.augmentation.mix.n } }
      : null,
    augment: cfg.augmentation.module
      ? {
          module: resolve(base, cfg.augmentation.module),
          exportName: cfg.augmentation.exportName,
          // The factory may need the normalisation (e.g. a mask filled with the mean, gains in normalised units).
          options: { normalization: normalization ?? null, ...cfg.augmentation.options },
        }
      : null,
  } as never);
  const modelWindow = {
    seconds: cfg.window.seconds,
    hopSeconds: cfg.window.hopSeconds,
    padding: cfg.window.padding,
  };
  // Validation scores files as inference will: every model window (length, hop, padding of the exported
  // metadata), aggregated per file (loop.valAggregation, max by default).
  const valPipe = new DataPipeline({
    ...common,
    dataset: valSet,
    train: false,
    windows: 'model',
    modelWindow,
  });
  const valAggregation = cfg.loop.valAggregation;
  const inputShape = ['N', 1, cfg.features.nMels, frames];

  // ---- model, loss, optimiser
  let model: ModelFn;
  const mc = cfg.model as { type?: string; channels: number[]; hidden: number; dropout: number };
  if (mc.type === 'simple-cnn') {
    model = simpleCnn({
      classes: instruments.size,
      channels: mc.channels,
      hidden: mc.hidden,
      dropout: mc.dropout,
      seed: cfg.seed,
    });
  } else {
    model = buildModel(
      { ...(cfg.model as unknown as ModelConfig), instruments: instruments.codes },
      { seed: cfg.seed, inputShape },
    ).model;
  }
  const labels = Tensor.zeros('float32', [trainSet.size, instruments.size]);
  trainSet.items.forEach((it, i) => {
    labels.data.set(it.labels, i * instruments.size);
  });
  const loss = lossFromConfig(cfg.loss, { labels, instruments });
  const o = cfg.optimizer;
  const optimizer = {
    type: o.type,
    ...(o.weightDecay !== undefined ? { weightDecay: o.weightDecay } : {}),
    ...(o.betas ? { betas: o.betas } : {}),
    ...(o.eps !== undefined ? { eps: o.eps } : {}),
    ...(o.momentum !== undefined ? { momentum: o.momentum } : {}),
    ...(o.nesterov !== undefined ? { nesterov: o.nesterov } : {}),
    ...(o.clipGradNorm !== undefined ? { clipGradNorm: o.clipGradNorm } : {}),
    ...(o.backboneLrScale !== undefined
      ? { groups: [{ match: /^backbone\./, lrScale: o.backboneLrScale }] }
      : {}),
  } as OptimizerConfig;

  // ---- train
  try {
    const result = await train({
      model,
      inputShape,
      instruments,
      data: {
        train: (e, from) => trainPipe.epoch(e, { fromBatch: from }),
        stepsPerEpoch: trainPipe.batchesPerEpoch,
        val: () => valPipe.epoch(0),
      },
      outDir,
      epochs: cfg.loop.epochs,
      lr: cfg.lr,
      loss,
      optimizer,
      schedule: cfg.schedule,
      mixup: cfg.augmentation.mixup ?? undefined,
      headWarmup: cfg.headWarmup ?? undefined,
      seed: cfg.seed,
      monitor: cfg.loop.monitor,
      monitorMode: cfg.loop.monitorMode,
      earlyStopping: cfg.loop.earlyStopping ?? undefined,
      checkpointEverySteps: cfg.loop.checkpointEverySteps,
      accumulate: cfg.loop.accumulate,
      keepEpochCheckpoints: cfg.loop.keepEpochCheckpoints,
      valAggregation,
      resume: cfg.loop.resume,
      quiet: cfg.loop.quiet,
      ort: options.ort,
      onEpoch: (r) =>
        log(
          `epoch ${r.epoch}: train/loss ${r['train/loss'].toFixed(4)}, val/loss ${r['val/loss']?.toFixed(4)}, val/f1 ${r['val/f1']?.toFixed(4)}`,
        ),
    });
    const session = result.session;
    try {
      const which = cfg.export.checkpoint === 'best' && result.best ? result.best.checkpoint : result.last;
      session.loadCheckpoint(await loadCheckpointFile(which));
      const val = await predictBatches(session, valPipe.epoch(0), { aggregation: valAggregation });
      const t = cfg.export.thresholds;
      const thresholds =
        typeof t === 'number'
          ? new Array<number>(instruments.size).fill(t)
          : tuneThresholds(val.labels, val.probabilities, { mode: t }).thresholds;
      let reportPath: string | undefined = join(outDir, 'report.html');
      const ev = await writeEvaluationReport(reportPath, val.labels, val.probabilities, {
        instruments,
        thresholds,
        history: result.history,
        title: `${cfg.name}: validation`,
        subtitle: `${trainSet.size} training / ${valSet.size} validation files; best epoch ${result.best?.epoch ?? '-'}`,
        trainingLabels: labels,
      });
      if (!cfg.export.report) reportPath = undefined;
      // The validation evaluation at the tuned thresholds (model cards and comparisons read it).
      await writeFileAtomic(
        join(outDir, 'evaluation.json'),
        `${JSON.stringify(
          {
            files: ev.numExamples,
            bestEpoch: result.best?.epoch,
            thresholds,
            summary: ev.summary,
            perClass: ev.perClass,
            warnings: ev.warnings,
          },
          null,
          2,
        )}\n`,
      );
      const summary = {
        f1: ev.summary.f1.macro,
        mAP: ev.summary.mAP,
        lwlrap: ev.summary.lwlrap,
        hammingScore: ev.summary.hammingScore,
      };
      const meta = buildMetadata({
        name: cfg.name,
        instruments,
        sampleRate: sr,
        features: spec,
        window: modelWindow,
        normalization: normalization ?? { mean: 0, std: 1 },
        thresholds,
        card: {
          ...cfg.export.card,
          trainedWith: '@instr/train',
          data: { train: trainSet.source ?? trainSet.name, trainSize: trainSet.size, valSize: valSet.size },
          model: cfg.model,
          loss: cfg.loss,
          optimizer: cfg.optimizer,
          lr: cfg.lr,
          schedule: cfg.schedule,
          batchSize: cfg.data.batchSize,
          augmentation: {
            mix: cfg.augmentation.mix,
            mixup: cfg.augmentation.mixup,
            module: cfg.augmentation.module,
            options: cfg.augmentation.options,
          },
          epochs: result.history.length,
          bestEpoch: result.best?.epoch,
          validation: summary,
          seed: cfg.seed,
        },
      });
      const modelPath = join(outDir, 'model.onnx');
      await exportInferenceModel(modelPath, model, inputShape, session.getWeights(), meta);
      if (cfg.export.embeddings) {
        const ort = options.ort ?? ((await import('onnxruntime-node')) as unknown as OrtModule);
        const p = await createPredictor(ort, model, inputShape, session.getWeights());
        try {
          await writeEmbeddings(
            join(outDir, 'embeddings'),
            await collectEmbeddings(p, valPipe.epoch(0)),
            instruments,
          );
        } finally {
          await p.release();
        }
      }
      const out: RunResult = {
        config: cfg,
        outDir,
        modelPath,
        reportPath,
        history: result.history,
        best: result.best
          ? { epoch: result.best.epoch, value: result.best.value, metric: result.best.metric }
          : undefined,
        thresholds,
        summary,
        trainSize: trainSet.size,
        valSize: valSet.size,
      };
      await writeFileAtomic(
        join(outDir, 'summary.json'),
        `${JSON.stringify({ ...out, history: undefined }, null, 2)}\n`,
      );
      log(`exported ${modelPath} (validation macro F1 ${summary.f1.toFixed(4)} at tuned thresholds)`);
      return out;
    } finally {
      await session.release();
    }
  } finally {
    await Promise.all([trainPipe.close(), valPipe.close()]);
  }
}
