import { join } from 'node:path';
import { type InstrumentSet, InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import { lwlrap } from '@instr/metrics';
import type { Dim, Loss, ModelFn, OptimizerConfig, OrtModule } from '@instr/models';
import type { InferenceSession } from 'onnxruntime-common';
import { predictBatches } from '../evaluate/predict.js';
import { memoryData } from '../loop/batches.js';
import { type LoopSession, train } from '../loop/train.js';
import { foldAssignment } from '../quality/quality.js';
import type { ScheduleConfig } from '../schedules/schedules.js';

/** Labelled examples held in memory (features already computed, as the reference kept its mel arrays). */
export interface MemorySet {
  /** `[N, 1, mels, frames]`. */
  x: Tensor<'float32'>;
  /** `[N, C]`. */
  y: Tensor<'float32'>;
  ids?: readonly string[];
}

/** Options of {@link freesoundWarmup}. */
export interface FreesoundWarmupOptions {
  model: ModelFn;
  inputShape: readonly Dim[];
  instruments: InstrumentSet;
  /** Many examples with unreliable (web) labels. */
  noisy: MemorySet;
  /** Fewer examples with reliable labels. */
  curated: MemorySet;
  /** Run directory (one sub-folder per fold and stage). */
  outDir: string;
  /** Cross-validation folds (the reference: 10). Default 5. */
  folds?: number;
  /** Epochs of each stage. Default `{ noisy: 10, curated: 10, finetune: 5 }`. */
  epochs?: { noisy?: number; curated?: number; finetune?: number };
  /** Learning rate of stage 1; fine-tuning stages use `lr · finetuneLrScale`. */
  lr: number;
  /** Default 0.3. */
  finetuneLrScale?: number;
  batchSize?: number;
  /** Stage-3 selection: keep noisy examples with √(lwlrap₁ · lwlrap₂) ≥ this. Default 0.5. */
  selectThreshold?: number;
  /** At most this many selected noisy examples per fold and label (stage 3 and 4). Default 5. */
  maxPerFoldPerLabel?: number;
  /** Run stage 4 (noisy examples with lwlrap₃ = 1). Default true. */
  stage4?: boolean;
  loss?: Loss;
  optimizer?: OptimizerConfig;
  schedule?: ScheduleConfig;
  seed?: number;
  ort?: OrtModule;
  sessionOptions?: InferenceSession.SessionOptions;
  /** Progress lines. */
  log?: (line: string) => void;
}

/** One fold's outcome. */
export interface FreesoundFoldResult {
  fold: number;
  /** lwlrap on the held-out curated fold of each stage's model (`stage1` … `stage4`) and of the 2+3+4 ensemble. */
  curatedLwlrap: Record<string, number>;
  /** Selected noisy examples (dataset indices) of stages 3 and 4. */
  selected: { stage3: number[]; stage4: number[] };
  /** Checkpoints of each stage's final weights. */
  checkpoints: Record<string, string>;
}

/** Result of {@link freesoundWarmup}. */
export interface FreesoundWarmupResult {
  folds: FreesoundFoldResult[];
  /** Out-of-fold lwlrap over the whole curated set, per stage and for the ensemble of stages 2–4. */
  lwlrap: Record<string, number>;
  /** Out-of-fold ensemble probabilities on the curated set `[N, C]`. */
  ensembleProbabilities: Tensor<'float32'>;
}

/**
 * Per-example lwlrap (label-ranking average precision of one example's positive labels; NaN without positives).
 * Weighted by the number of positives, it averages to the Freesound lwlrap.
 * @example
 * ```ts
 * const l = perExampleLwlrap(labels, probabilities); // Float64Array, one value per example
 * ```
 */
export function perExampleLwlrap(labels: Tensor, scores: Tensor): Float64Array {
  const [n, c] = labels.dims as [number, number];
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const pos: number[] = [];
    for (let k = 0; k < c; k++) if (Number(labels.data[i * c + k]) > 0.5) pos.push(k);
    if (pos.length === 0) {
      out[i] = Number.NaN;
      continue;
    }
    let sum = 0;
    for (const k of pos) {
      const s = Number(scores.data[i * c + k]);
      let rank = 0;
      let hits = 0;
      for (let j = 0; j < c; j++) {
        const sj = Number(scores.data[i * c + j]);
        if (sj >= s) {
          rank++;
          if (Number(labels.data[i * c + j]) > 0.5) hits++;
        }
      }
      sum += hits / rank;
    }
    out[i] = sum / pos.length;
  }
  return out;
}

function concatSets(a: MemorySet, b: MemorySet): MemorySet {
  if (a.x.dims.slice(1).join() !== b.x.dims.slice(1).join() || a.y.dims[1] !== b.y.dims[1]) {
    throw new ShapeError(`noisy and curated examples differ in shape: [${a.x.dims}] vs [${b.x.dims}].`, {
      details: { expected: a.x.dims, actual: b.x.dims },
    });
  }
  const x = new Float32Array(a.x.size + b.x.size);
  x.set(a.x.data);
  x.set(b.x.data, a.x.size);
  const y = new Float32Array(a.y.size + b.y.size);
  y.set(a.y.data);
  y.set(b.y.data, a.y.size);
  const n = a.x.dims[0]! + b.x.dims[0]!;
  return {
    x: new Tensor('float32', x, [n, ...a.x.dims.slice(1)]),
    y: new Tensor('float32', y, [n, a.y.dims[1]!]),
    ids: [...(a.ids ?? a.y.dims.map((_, i) => `a${i}`)), ...(b.ids ?? [])],
  };
}

/**
 * The Freesound Audio Tagging 2019 warm-up pipeline (3rd in DCASE 2019 Task 2) as a recipe, per CV fold:
 * 1. train from scratch on the **noisy** set → model 1; per-example lwlrap₁ on the held-out noisy fold;
 * 2. fine-tune model 1 on the **curated** set → model 2; lwlrap₂ on the held-out noisy fold;
 * 3. select held-out noisy examples with √(lwlrap₁·lwlrap₂) ≥ 0.5 (at most 5 per fold and label, best first);
 *    fine-tune model 2 on curated + selected → model 3; lwlrap₃;
 * 4. select noisy examples with lwlrap₃ = 1; fine-tune model 3 on curated + selected → model 4.
 * The prediction is the average of models 2, 3 and 4. Every stage is a {@link train} run (checkpoints, logs,
 * resumable) in `outDir/fold-F/stage-K`, so the whole recipe can be resumed stage by stage.
 *
 * Epochs, learning rates and the optimiser of the original are unknown (its training notebooks were not
 * readable), so they are options here.
 *
 * @example
 * ```ts
 * const r = await freesoundWarmup({ model, inputShape: ['N', 1, 128, 128], instruments, noisy, curated,
 *   outDir: 'runs/fat2019', folds: 10, lr: 1e-3 });
 * r.lwlrap.ensemble;
 * ```
 */
export async function freesoundWarmup(options: FreesoundWarmupOptions): Promise<FreesoundWarmupResult> {
  const o = options;
  const folds = o.folds ?? 5;
  const seed = o.seed ?? 0;
  const bs = o.batchSize ?? 32;
  const thr = o.selectThreshold ?? 0.5;
  const cap = o.maxPerFoldPerLabel ?? 5;
  if (!(thr >= 0 && thr <= 1)) {
    throw new InvalidArgumentError(`selectThreshold must be in [0, 1], got ${thr}.`, {
      details: { key: 'selectThreshold', actual: thr },
    });
  }
  const log = o.log ?? (() => {});
  const nc = o.curated.x.dims[0]!;
  const nn = o.noisy.x.dims[0]!;
  const c = o.instruments.size;
  // curated examples first, then noisy: one tensor, index sets per stage
  const all = concatSets(o.curated, o.noisy);
  const noisyIdx = (i: number) => nc + i;
  const cf = foldAssignment(nc, folds, seed);
  const nf = foldAssignment(nn, folds, seed + 1);
  const stages = ['stage1', 'stage2', 'stage3', 'stage4'].filter((s) => s !== 'stage4' || (o.stage4 ?? true));
  const oof: Record<string, Tensor<'float32'>> = Object.fromEntries(
    [...stages, 'ensemble'].map((s) => [s, Tensor.zeros('float32', [nc, c])]),
  );
  const results: FreesoundFoldResult[] = [];

  for (let f = 0; f < folds; f++) {
    const curTr: number[] = [];
    const curHeld: number[] = [];
    for (let i = 0; i < nc; i++) (cf[i] === f ? curHeld : curTr).push(i);
    const noisyTr: number[] = [];
    const noisyHeld: number[] = [];
    for (let i = 0; i < nn; i++) (nf[i] === f ? noisyHeld : noisyTr).push(noisyIdx(i));
    const held = memoryData(all.x, all.y, { indices: curHeld, shuffle: false, batchSize: bs });
    const noisyHeldData = memoryData(all.x, all.y, { indices: noisyHeld, shuffle: false, batchSize: bs });
    const checkpoints: Record<string, string> = {};
    const curatedLwlrap: Record<string, number> = {};
    const curatedProbs: Record<string, Tensor> = {};
    let weights: Uint8Array | undefined;
    let session: LoopSession | undefined;

    const stage = async (name: string, indices: number[], epochs: number, lr: number) => {
      const tr = memoryData(all.x, all.y, {
        indices,
        batchSize: bs,
        seed: seed + f * 10 + stages.indexOf(name),
      });
      const { readFile } = await import('node:fs/promises');
      const run = await train({
        model: o.model,
        inputShape: o.inputShape,
        instruments: o.instruments,
        data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => held.batches() },
        outDir: join(o.outDir, `fold-${f}`, name),
        epochs,
        lr,
        loss: o.loss,
        optimizer: o.optimizer,
        schedule: o.schedule ?? { type: 'onecycle' },
        monitor: 'val/lwlrap',
        initialWeights: weights,
        keepEpochCheckpoints: false,
        quiet: true,
        seed,
        ort: o.ort,
        sessionOptions: o.sessionOptions,
      });
      if (session) await session.release();
      session = run.session;
      checkpoints[name] = run.last;
      weights = new Uint8Array(await readFile(run.last));
      const p = await predictBatches(session, held.batches());
      curatedProbs[name] = p.probabilities;
      curatedLwlrap[name] = lwlrap(p.labels, p.probabilities).lwlrap;
      log(`fold ${f} ${name}: ${indices.length} examples, curated lwlrap ${curatedLwlrap[name]!.toFixed(4)}`);
      const pn = await predictBatches(session, noisyHeldData.batches());
      return perExampleLwlrap(pn.labels, pn.probabilities);
    };

    const e = { noisy: 10, curated: 10, finetune: 5, ...o.epochs };
    const ft = o.lr * (o.finetuneLrScale ?? 0.3);
    const l1 = await stage('stage1', noisyTr, e.noisy, o.lr);
    const l2 = await stage('stage2', curTr, e.curated, ft);
    const select = (score: (j: number) => number, ok: (s: number) => boolean): number[] => {
      const cand = noisyHeld
        .map((idx, j) => ({ idx, s: score(j) }))
        .filter((x) => Number.isFinite(x.s) && ok(x.s));
      cand.sort((a, b) => b.s - a.s || a.idx - b.idx);
      const perLabel = new Array<number>(c).fill(0);
      const out: number[] = [];
      for (const { idx } of cand) {
        const labs = Array.from({ length: c }, (_, k) => k).filter((k) => all.y.data[idx * c + k]! > 0.5);
        if (labs.some((k) => perLabel[k]! >= cap)) continue;
        for (const k of labs) perLabel[k]! += 1;
        out.push(idx);
      }
      return out;
    };
    const sel3 = select(
      (j) => Math.sqrt(l1[j]! * l2[j]!),
      (s) => s >= thr,
    );
    const l3 = await stage('stage3', [...curTr, ...sel3], e.finetune, ft);
    let sel4: number[] = [];
    if (stages.includes('stage4')) {
      sel4 = select(
        (j) => l3[j]!,
        (s) => s === 1,
      );
      await stage('stage4', [...curTr, ...sel4], e.finetune, ft);
    }
    await (session as LoopSession | undefined)?.release();
    // ensemble of stages 2–4 on the held-out curated fold
    const members = stages.filter((s) => s !== 'stage1');
    const ens = Tensor.zeros('float32', [curHeld.length, c]);
    for (let i = 0; i < ens.size; i++) {
      let s = 0;
      for (const m of members) s += Number(curatedProbs[m]!.data[i]);
      ens.data[i] = s / members.length;
    }
    curatedProbs.ensemble = ens;
    curatedLwlrap.ensemble = lwlrap(memorySubsetLabels(all.y, curHeld), ens).lwlrap;
    for (const [name, p] of Object.entries(curatedProbs)) {
      curHeld.forEach((e2, j) => {
        for (let k = 0; k < c; k++) oof[name]!.data[e2 * c + k] = Number(p.data[j * c + k]);
      });
    }
    results.push({
      fold: f,
      curatedLwlrap,
      selected: { stage3: sel3.map((i) => i - nc), stage4: sel4.map((i) => i - nc) },
      checkpoints,
    });
  }
  const lw: Record<string, number> = {};
  for (const [name, p] of Object.entries(oof)) lw[name] = lwlrap(o.curated.y, p).lwlrap;
  return { folds: results, lwlrap: lw, ensembleProbabilities: oof.ensemble! };
}

function memorySubsetLabels(y: Tensor<'float32'>, idx: readonly number[]): Tensor<'float32'> {
  const c = y.dims[1]!;
  const out = Tensor.zeros('float32', [idx.length, c]);
  idx.forEach((e, j) => {
    out.data.set(y.data.subarray(e * c, (e + 1) * c), j * c);
  });
  return out;
}
