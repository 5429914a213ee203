import { existsSync } from 'node:fs';
import { appendFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ConfigError, type InstrumentSet, InvalidArgumentError, Rng, type Tensor } from '@instr/core';
import { flattenEvaluation, StreamingEvaluator } from '@instr/metrics';
import { writeFileAtomic } from '@instr/metrics/node';
import {
  buildTrainingArtifacts,
  decodeCheckpoint,
  type Dim,
  type Loss,
  type ModelFn,
  type OptimizerConfig,
  type OrtModule,
  type TrainingArtifacts,
  TrainSession,
} from '@instr/models';
import { loadCheckpointFile, saveCheckpointFile } from '@instr/models/node';
import { SingleBar } from 'cli-progress';
import type { InferenceSession } from 'onnxruntime-common';
import { checkAggregation, scoreFiles, type WindowAggregation } from '../evaluate/files.js';
import {
  headWarmup as headWarmupSchedule,
  type LrSchedule,
  type PlateauState,
  ReduceLROnPlateau,
  type ScheduleConfig,
  scheduleFromConfig,
} from '../schedules/schedules.js';
import { GradientAccumulator } from './accumulate.js';
import type { TrainData } from './batches.js';
import { checkMixup, MIXUP_STREAM, type MixupConfig, mixupBatch } from './mixup.js';
import { type WarmupCosineConfig, warmupCosine } from './warmup-cosine.js';

/** The session `train()` drives: a `TrainSession`, or a {@link GradientAccumulator} with `accumulate > 1`. */
export type LoopSession = TrainSession | GradientAccumulator;

/** One row of the training history (one epoch). Keys follow the reference's `{split}/{metric}` format. */
export type EpochRecord = { epoch: number; step: number; lr: number; 'train/loss': number } & Record<
  string,
  number
>;

/** The reference's head warm-up: train the head only, then unfreeze the backbone. */
export interface HeadWarmupConfig {
  /** Epochs of head-only training (the reference's `finetune_head_epochs`, 5). */
  epochs: number;
  /** lr of the first warm-up step (`lr_warmup`, 3e-4); the lr decays geometrically to `lr` over the phase. */
  lr: number;
  /** Parameters frozen during the warm-up (the backbone), by name: a RegExp or its source string. */
  freeze: RegExp | string;
}

/** Options of {@link train}. */
export interface TrainOptions {
  /** The network: `(b, input) => logits` (from `@instr/models` zoo or your own). */
  model: ModelFn;
  /** Model input shape with a symbolic batch axis, e.g. `['N', 1, 128, 128]`. */
  inputShape: readonly Dim[];
  instruments: InstrumentSet;
  data: TrainData;
  /** Run directory: checkpoints, `log.jsonl`, `metrics.csv`. Created if missing. */
  outDir: string;
  epochs: number;
  /** Base learning rate (after the head warm-up; one-cycle's start when `schedule.maxLr` is set). */
  lr: number;
  /** Loss plug-in. Default BCE with logits. */
  loss?: Loss;
  /** Default `{ type: 'adamw', weightDecay: 0.01 }` (the reference's). */
  optimizer?: OptimizerConfig;
  /**
   * A per-step {@link LrSchedule}, a {@link ScheduleConfig} or a {@link WarmupCosineConfig}. Default
   * `{ type: 'constant' }`. `'onecycle'` spans the steps after the head warm-up plus one (as the reference);
   * `'warmup-cosine'` the steps after the head warm-up; `'plateau'` reduces the lr per epoch on `monitor`.
   */
  schedule?: ScheduleConfig | WarmupCosineConfig | LrSchedule;
  /**
   * Batch-level mixup of the training batches (see {@link MixupConfig}), after the data's own augmentation and
   * before the train step. Batch `b` of epoch `e` draws from `new Rng(seed).derive(MIXUP_STREAM, e, b)`, so it is
   * deterministic and a resumed run mixes exactly as an uninterrupted one. Default none.
   */
  mixup?: MixupConfig;
  /** Optional head warm-up phase (frozen backbone, geometric lr), then the backbone is unfrozen. */
  headWarmup?: HeadWarmupConfig;
  /** Seed of dropout masks (the data's shuffling is the data's own). Default 0. */
  seed?: number;
  /** Epoch-record key to select the best checkpoint, stop early and drive plateau. Default `'val/f1'` (or `'train/loss'` without validation data). */
  monitor?: string;
  /** Default `'min'` for keys containing "loss", else `'max'`. */
  monitorMode?: 'min' | 'max';
  /** Stop after `patience` epochs without an improvement larger than `minDelta`. Default off. */
  earlyStopping?: { patience: number; minDelta?: number };
  /** Also write `last.ckpt` every N optimiser steps (so a killed run loses at most N steps). Default off. */
  checkpointEverySteps?: number;
  /** Keep `epoch-NNN.ckpt` for every epoch (for weight averaging / ensembles). Default true. */
  keepEpochCheckpoints?: boolean;
  /**
   * Gradient accumulation: sum the gradients of this many batches before each optimiser update (see
   * {@link GradientAccumulator}; an epoch's last, incomplete group is applied at the epoch end). Schedules then
   * count updates, `ceil(stepsPerEpoch / accumulate)` per epoch. Default 1 (a `TrainSession`).
   */
  accumulate?: number;
  /** Continue from `outDir/last.ckpt` when it exists. Default false (an existing run directory is overwritten). */
  resume?: boolean;
  /**
   * Start from these weights (fine-tuning): parameters and buffers by name, or checkpoint bytes (optimiser
   * state is not taken). Names the model does not have are errors. Ignored when resuming.
   */
  initialWeights?: ReadonlyMap<string, Tensor> | Uint8Array;
  /** No progress bar. Default false (a bar on stderr when it is a TTY). */
  quiet?: boolean;
  /** Called after every step (progress for UIs). */
  onStep?: (info: { epoch: number; step: number; loss: number; lr: number }) => void;
  /** Called after every epoch with its record. */
  onEpoch?: (record: EpochRecord) => void | Promise<void>;
  /** Decision threshold of the per-epoch validation metrics. Default 0.5. */
  threshold?: number;
  /**
   * How validation turns a file's window probabilities into its score when validation batches carry `files`
   * (a `DataPipeline` with `windows: 'model'`): `'max'` (default, as `@instr/infer`), `'mean'` or `'attention'`.
   * Metrics, the monitored value, early stopping and the best checkpoint all use these file-level scores.
   */
  valAggregation?: WindowAggregation;
  /** Most validation windows per model call (default 64). */
  valBatchRows?: number;
  /** ONNX Runtime module. Default `onnxruntime-node`. */
  ort?: OrtModule;
  /** ORT session options (default: 2 intra-op threads, sequential). */
  sessionOptions?: InferenceSession.SessionOptions;
  /** Write a `log.jsonl` line every N steps. Default 1. */
  logEverySteps?: number;
}

/** What {@link train} returns. */
export interface TrainResult {
  /** The session holding the final weights (release it when done). */
  session: LoopSession;
  history: EpochRecord[];
  /** Best epoch by the monitored key, and its checkpoint (`best.ckpt`). */
  best: { epoch: number; value: number; metric: string; checkpoint: string } | undefined;
  /** Path of the last checkpoint. */
  last: string;
  stoppedEarly: boolean;
  /** Optimiser steps done. */
  steps: number;
}

interface LoopState {
  epoch: number;
  batchInEpoch: number;
  lossSum: number;
  lossCount: number;
  history: EpochRecord[];
  best?: { epoch: number; value: number };
  badEpochs: number;
  plateau?: PlateauState;
  stopped: boolean;
}

/**
 * Trains a model: epochs of train steps through `TrainSession` (one ONNX graph with forward, loss, backward and
 * optimiser), per-epoch validation with `@instr/metrics` (overall and per instrument), JSONL and CSV logs, a
 * progress bar, early stopping, best-checkpoint selection, atomic checkpoints every epoch (and every N steps),
 * and exact resumption: a run killed at any point and resumed with `resume: true` ends with the same weights
 * as an uninterrupted run (same seed and data).
 *
 * Files in `outDir`: `last.ckpt`, `best.ckpt`, `epoch-NNN.ckpt`, `log.jsonl` (`{type:'step'|'epoch', …}`),
 * `metrics.csv` (one row per epoch), `run.json` (the options that matter).
 *
 * @throws InvalidArgumentError for bad options (naming the key); NonFiniteError when the loss diverges.
 * @example
 * ```ts
 * const tr = memoryData(x, y, { batchSize: 16, seed: 1 });
 * const { session, best } = await train({
 *   model: smallCnn({ classes: 4 }), inputShape: ['N', 1, 64, 44], instruments,
 *   data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => va.batches() },
 *   outDir: 'runs/a', epochs: 10, lr: 1e-3, schedule: { type: 'onecycle' },
 *   earlyStopping: { patience: 3 },
 * });
 * ```
 */
export async function train(options: TrainOptions): Promise<TrainResult> {
  const o = options;
  if (!Number.isInteger(o.epochs) || o.epochs < 1) {
    throw new InvalidArgumentError(`epochs must be a positive integer, got ${o.epochs}.`, {
      details: { key: 'epochs', actual: o.epochs },
    });
  }
  if (!(o.lr > 0))
    throw new InvalidArgumentError(`lr must be > 0, got ${o.lr}.`, { details: { key: 'lr', actual: o.lr } });
  const spe = o.data.stepsPerEpoch;
  if (!Number.isInteger(spe) || spe < 1) {
    throw new InvalidArgumentError(`data.stepsPerEpoch must be a positive integer, got ${spe}.`, {
      details: { key: 'data.stepsPerEpoch', actual: spe },
    });
  }
  const hw = o.headWarmup;
  if (hw && (!Number.isInteger(hw.epochs) || hw.epochs < 0 || hw.epochs >= o.epochs)) {
    throw new InvalidArgumentError(`headWarmup.epochs must be an integer in [0, epochs), got ${hw.epochs}.`, {
      details: { key: 'headWarmup.epochs', actual: hw.epochs },
    });
  }
  const monitor = o.monitor ?? (o.data.val ? 'val/f1' : 'train/loss');
  const valAggregation = checkAggregation(o.valAggregation ?? 'max', 'valAggregation');
  const mode = o.monitorMode ?? (/loss/i.test(monitor) ? 'min' : 'max');
  const ort = o.ort ?? ((await import('onnxruntime-node')) as unknown as OrtModule);
  await mkdir(o.outDir, { recursive: true });
  const paths = {
    last: join(o.outDir, 'last.ckpt'),
    best: join(o.outDir, 'best.ckpt'),
    log: join(o.outDir, 'log.jsonl'),
    csv: join(o.outDir, 'metrics.csv'),
    run: join(o.outDir, 'run.json'),
  };

  const k = o.accumulate ?? 1;
  if (!Number.isInteger(k) || k < 1) {
    throw new InvalidArgumentError(`accumulate must be a positive integer, got ${k}.`, {
      details: { key: 'accumulate', actual: k },
    });
  }
  const upe = Math.ceil(spe / k); // optimiser updates per epoch

  // ---- schedule
  const warmEpochs = hw?.epochs ?? 0;
  const warmSteps = warmEpochs * upe;
  const schedCfg = o.schedule ?? { type: 'constant' };
  const main: LrSchedule =
    typeof schedCfg === 'function'
      ? schedCfg
      : schedCfg.type === 'warmup-cosine'
        ? warmupCosine({
            lr: o.lr,
            stepsPerEpoch: upe,
            totalSteps: upe * (o.epochs - warmEpochs),
            warmupEpochs: schedCfg.warmupEpochs,
            final: schedCfg.final,
          })
        : scheduleFromConfig(schedCfg, {
            lr: o.lr,
            totalSteps: upe * (o.epochs - warmEpochs) + 1,
            stepsPerEpoch: upe,
          });
  const usePlateau = typeof schedCfg !== 'function' && schedCfg.type === 'plateau';
  const pc = usePlateau ? (schedCfg as Extract<ScheduleConfig, { type: 'plateau' }>) : undefined;
  const mixup = o.mixup ? checkMixup(o.mixup) : undefined;
  const mixRng = new Rng(o.seed ?? 0);
  const plateau = pc
    ? new ReduceLROnPlateau({
        lr: o.lr,
        mode,
        factor: pc.factor,
        patience: pc.patience,
        cooldown: pc.cooldown,
        minLr: pc.minLr,
        threshold: pc.threshold,
      })
    : undefined;
  const warm =
    hw && warmSteps > 0 ? headWarmupSchedule({ from: hw.lr, to: o.lr, steps: warmSteps }) : undefined;
  const lrAt = (step: number): number => {
    if (warm && step < warmSteps) return warm(step);
    return plateau ? plateau.lr : main(step - warmSteps);
  };

  // ---- sessions per phase
  const optimizer = o.optimizer ?? { type: 'adamw', weightDecay: 0.01 };
  const freeze = hw ? (typeof hw.freeze === 'string' ? new RegExp(hw.freeze) : hw.freeze) : undefined;
  const build = (frozen: boolean): TrainingArtifacts =>
    buildTrainingArtifacts({
      model: o.model,
      inputShape: o.inputShape,
      targetShape: ['N', o.instruments.size],
      loss: o.loss,
      optimizer,
      freeze: frozen ? freeze : undefined,
    });
  const phaseOf = (epoch: number): 'head' | 'full' => (hw && epoch < warmEpochs ? 'head' : 'full');
  const makeSession = async (phase: 'head' | 'full'): Promise<LoopSession> =>
    k > 1
      ? GradientAccumulator.create(
          ort,
          {
            model: o.model,
            inputShape: o.inputShape,
            targetShape: ['N', o.instruments.size],
            loss: o.loss,
            optimizer,
            freeze: phase === 'head' ? freeze : undefined,
          },
          { microBatches: k, seed: o.seed ?? 0, sessionOptions: o.sessionOptions },
        )
      : TrainSession.create(ort, build(phase === 'head'), {
          seed: o.seed ?? 0,
          sessionOptions: o.sessionOptions,
        });

  // ---- state, resume
  let st: LoopState = {
    epoch: 0,
    batchInEpoch: 0,
    lossSum: 0,
    lossCount: 0,
    history: [],
    badEpochs: 0,
    stopped: false,
  };
  let session: LoopSession;
  if (o.resume && existsSync(paths.last)) {
    const bytes = await loadCheckpointFile(paths.last);
    const loop = (decodeCheckpoint(bytes).meta as { loop?: LoopState } | undefined)?.loop;
    if (!loop) {
      throw new ConfigError(`${paths.last} has no training-loop state; it was not written by train().`, {
        details: { file: paths.last },
      });
    }
    session = await makeSession(phaseOf(loop.epoch));
    session.loadCheckpoint(bytes);
    st = loop;
    if (st.plateau && plateau) plateau.load(st.plateau);
    await truncateLog(paths.log, st.epoch * spe + st.batchInEpoch, st.epoch);
  } else {
    session = await makeSession(phaseOf(0));
    if (o.initialWeights) {
      const w =
        o.initialWeights instanceof Uint8Array
          ? decodeCheckpoint(o.initialWeights).tensors
          : o.initialWeights;
      session.setState(new Map([...w].filter(([k]) => !k.startsWith('optim.'))));
    }
    await writeFileAtomic(paths.log, '');
  }
  await writeFileAtomic(
    paths.run,
    `${JSON.stringify(
      {
        instruments: o.instruments.toJSON(),
        inputShape: o.inputShape,
        epochs: o.epochs,
        lr: o.lr,
        optimizer: { ...optimizer, groups: undefined },
        schedule: typeof schedCfg === 'function' ? 'custom' : schedCfg,
        headWarmup: hw ? { ...hw, freeze: String(freeze?.source) } : undefined,
        seed: o.seed ?? 0,
        monitor,
        monitorMode: mode,
        valAggregation,
        stepsPerEpoch: spe,
        mixup,
      },
      null,
      2,
    )}\n`,
  );

  const save = async (path: string) => {
    if (plateau) st.plateau = plateau.state();
    await saveCheckpointFile(path, session.saveCheckpoint({ loop: st }));
  };
  const bar =
    !o.quiet && process.stderr.isTTY
      ? new SingleBar({
          format: 'epoch {epoch} |{bar}| {value}/{total} loss {loss} lr {lr}',
          hideCursor: true,
        })
      : undefined;
  // Without a terminal (nohup, CI logs) the bar is invisible: plain lines every tenth of an epoch instead.
  const lines = !o.quiet && !bar;
  const started = Date.now();
  const stepsAtStart = st.epoch * spe + st.batchInEpoch;
  const progressLine = (epoch: number, batch: number, loss: string) => {
    const done = epoch * spe + batch - stepsAtStart;
    const left = o.epochs * spe - (epoch * spe + batch);
    const eta = done > 0 ? ((Date.now() - started) / done) * left : Number.NaN;
    process.stderr.write(
      `epoch ${epoch + 1}/${o.epochs} batch ${batch}/${spe} loss ${loss}${Number.isFinite(eta) ? ` eta ${formatMinutes(eta)}` : ''}\n`,
    );
  };

  try {
    while (st.epoch < o.epochs && !st.stopped) {
      const epoch = st.epoch;
      // phase change: rebuild the train-step artifacts with the new frozen set, carry weights, optimiser state, step, RNG
      if (hw && epoch === warmEpochs && session.artifacts.spec.freeze) {
        const next = await makeSession('full');
        next.loadCheckpoint(session.saveCheckpoint());
        await session.release();
        session = next;
      }
      bar?.start(spe, st.batchInEpoch, { epoch: epoch + 1, loss: '-', lr: '-' });
      for await (const batch of o.data.train(epoch, st.batchInEpoch)) {
        if (st.batchInEpoch >= spe) break;
        const lr = lrAt(session.step);
        const b = mixup
          ? mixupBatch(batch, mixup, mixRng.derive(MIXUP_STREAM, epoch, st.batchInEpoch))
          : batch;
        const r = await session.trainStep(b.x, b.y, lr);
        const updated = 'updated' in r ? r.updated : true;
        st.batchInEpoch += 1;
        st.lossSum += r.loss * batch.y.dims[0]!;
        st.lossCount += batch.y.dims[0]!;
        const step = session.step;
        const globalBatch = epoch * spe + st.batchInEpoch;
        if (globalBatch % (o.logEverySteps ?? 1) === 0) {
          await appendFile(
            paths.log,
            `${JSON.stringify({ type: 'step', epoch, batch: globalBatch, step, loss: r.loss, lr, gradNorm: r.gradNorm })}\n`,
          );
        }
        o.onStep?.({ epoch, step, loss: r.loss, lr });
        bar?.update(st.batchInEpoch, { loss: r.loss.toFixed(4), lr: lr.toExponential(2) });
        if (lines && st.batchInEpoch % Math.max(1, Math.round(spe / 10)) === 0)
          progressLine(epoch, st.batchInEpoch, (st.lossSum / st.lossCount).toFixed(4));
        if (o.checkpointEverySteps && updated && step % o.checkpointEverySteps === 0 && st.batchInEpoch < spe)
          await save(paths.last);
      }
      bar?.stop();
      if (session instanceof GradientAccumulator) await session.flush(lrAt(session.step));
      const record: EpochRecord = {
        epoch: epoch + 1,
        step: session.step,
        lr: lrAt(Math.max(0, session.step - 1)),
        'train/loss': st.lossCount ? st.lossSum / st.lossCount : Number.NaN,
      };
      if (o.data.val) {
        const ev = new StreamingEvaluator({
          instruments: o.instruments,
          thresholds: o.threshold ?? 0.5,
          zeroDivision: 0,
        });
        // File-level scores: every window of a validation file through the model, aggregated per file as
        // inference does (batches without `files` have one row per file).
        let ls = 0;
        let ln = 0;
        for await (const f of scoreFiles(session, o.data.val(), {
          aggregation: valAggregation,
          maxRows: o.valBatchRows,
        })) {
          ls += f.lossSum;
          ln += f.rows;
          ev.add(f.y, f.p);
        }
        record['val/loss'] = ln ? ls / ln : Number.NaN;
        if (ln > 0) Object.assign(record, flattenEvaluation(ev.compute(), { prefix: 'val/' }));
      }
      const value = record[monitor];
      if (value === undefined) {
        throw new ConfigError(
          `monitor "${monitor}" is not an epoch-record key; available: ${Object.keys(record)
            .filter((k) => !k.startsWith('instruments/'))
            .join(', ')}.`,
          {
            details: { key: 'monitor', actual: monitor },
          },
        );
      }
      const minDelta = o.earlyStopping?.minDelta ?? 0;
      const improved =
        Number.isFinite(value) &&
        (st.best === undefined ||
          (mode === 'max' ? value > st.best.value + minDelta : value < st.best.value - minDelta));
      if (improved) {
        st.best = { epoch: epoch + 1, value };
        st.badEpochs = 0;
      } else st.badEpochs += 1;
      plateau?.step(value);
      st.history.push(record);
      st.epoch += 1;
      st.batchInEpoch = 0;
      st.lossSum = 0;
      st.lossCount = 0;
      if (o.earlyStopping && st.badEpochs >= o.earlyStopping.patience) st.stopped = true;
      if (improved) await save(paths.best);
      if (o.keepEpochCheckpoints ?? true)
        await save(join(o.outDir, `epoch-${String(epoch + 1).padStart(3, '0')}.ckpt`));
      await save(paths.last);
      await appendFile(paths.log, `${JSON.stringify({ type: 'epoch', ...record })}\n`);
      await writeFileAtomic(paths.csv, toCsv(st.history));
      await o.onEpoch?.(record);
      if (lines) {
        process.stderr.write(
          `epoch ${epoch + 1}/${o.epochs} done: train/loss ${record['train/loss'].toFixed(4)}, ${monitor} ${value.toFixed(4)}${improved ? ' (best)' : ''}\n`,
        );
      }
    }
  } finally {
    bar?.stop();
  }
  return {
    session,
    history: st.history,
    best: st.best ? { ...st.best, metric: monitor, checkpoint: paths.best } : undefined,
    last: paths.last,
    stoppedEarly: st.stopped && st.epoch < o.epochs,
    steps: session.step,
  };
}

/** Drops log lines written after the checkpoint being resumed (batches > `batch`, epochs ≥ `epoch` + 1). */
async function truncateLog(path: string, batch: number, epochsDone: number): Promise<void> {
  if (!existsSync(path)) return;
  const lines = (await readFile(path, 'utf8')).split('\n').filter((l) => {
    if (!l.trim()) return false;
    try {
      const r = JSON.parse(l) as { type: string; batch: number; epoch: number };
      return r.type === 'step' ? r.batch <= batch : r.epoch <= epochsDone;
    } catch {
      return false;
    }
  });
  await writeFileAtomic(path, lines.length ? `${lines.join('\n')}\n` : '');
}

/**
 * Epoch records as CSV (union of keys, `epoch` first).
 * @example
 * ```ts
 * await writeFile('metrics.csv', toCsv(result.history));
 * ```
 */
export function toCsv(history: readonly Record<string, number>[]): string {
  const keys = ['epoch', ...new Set(history.flatMap((r) => Object.keys(r)).filter((k) => k !== 'epoch'))];
  const esc = (k: string) => (/[",\n]/.test(k) ? `"${k.replace(/"/g, '""')}"` : k);
  const rows = history.map((r) => keys.map((k) => (r[k] === undefined ? '' : String(r[k]))).join(','));
  return `${keys.map(esc).join(',')}\n${rows.join('\n')}\n`;
}

/** `12 min` / `1 h 05 min` for progress lines. */
function formatMinutes(ms: number): string {
  const m = Math.round(ms / 60_000);
  return m < 60 ? `${m} min` : `${Math.floor(m / 60)} h ${String(m % 60).padStart(2, '0')} min`;
}
