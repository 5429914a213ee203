/**
 * Training-engine benchmark: train step and inference of the reference CNN (batch 32, 1×128×128) with
 * onnxruntime-node (2 intra-op threads), against PyTorch CPU (2 threads) measured in the same run when
 * Debian's /usr/bin/python3 has torch. Prints medians, ratios and peak memory.
 * Run: pnpm --filter @instr/models bench   (env BENCH_REPS, BENCH_BATCH)
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { buildInferenceModel, buildTrainingArtifacts, TrainSession } from '../src/index.js';
import { referenceCnn } from '../test/reference-cnn.js';

const here = dirname(fileURLToPath(import.meta.url));
const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const REPS = Number(process.env.BENCH_REPS ?? 5);
const THREADS = 2;

function rssMb(): { rss: number; hwm: number } {
  const s = readFileSync('/proc/self/status', 'utf8');
  const get = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

async function median(f: () => Promise<unknown>): Promise<number> {
  await f();
  await f();
  const ts: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const s = performance.now();
    await f();
    ts.push(performance.now() - s);
  }
  ts.sort((a, b) => a - b);
  return ts[ts.length >> 1]!;
}

async function main(): Promise<void> {
  const rng = new Rng(0);
  const input = Tensor.zeros('float32', [BATCH, 1, 128, 128]);
  rng.fillNormal(input.data);
  const target = Tensor.from(
    'float32',
    Array.from({ length: BATCH * 11 }, () => (rng.uniform() < 0.3 ? 1 : 0)),
    [BATCH, 11],
  );
  const t0 = performance.now();
  const artifacts = buildTrainingArtifacts({
    model: referenceCnn,
    inputShape: ['N', 1, 128, 128],
    targetShape: ['N', 11],
    optimizer: { type: 'adamw', weightDecay: 0.01 },
  });
  const buildMs = performance.now() - t0;
  const sessionOptions = {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
  };
  const session = await TrainSession.create(ort, artifacts, { sessionOptions });
  const before = rssMb();
  const trainMs = await median(() => session.trainStep(input, target, 1e-3));
  const afterTrain = rssMb();
  const { model } = buildInferenceModel(referenceCnn, ['N', 1, 128, 128], session.getWeights(), {
    sigmoid: true,
  });
  const inf = await ort.InferenceSession.create(model, sessionOptions);
  const feeds = { input: input.toOrt(ort.Tensor) };
  const inferMs = await median(() => inf.run(feeds));
  const evalMs = await median(() => session.evaluate(input, target));
  console.log(`reference CNN, batch ${BATCH}, ${THREADS} threads, median of ${REPS}`);
  console.log(
    `  graph build (train + eval)      ${buildMs.toFixed(0)} ms, train-step model ${(artifacts.trainStep.byteLength / 1024).toFixed(0)} KiB`,
  );
  console.log(`  ORT train step                  ${trainMs.toFixed(0)} ms`);
  console.log(`  ORT eval step (loss, unfolded)  ${evalMs.toFixed(0)} ms`);
  console.log(`  ORT inference (BN folded)       ${inferMs.toFixed(0)} ms`);
  console.log(
    `  process peak RSS ${afterTrain.hwm.toFixed(0)} MB (RSS before steps ${before.rss.toFixed(0)} MB, after ${afterTrain.rss.toFixed(0)} MB)`,
  );
  const py = '/usr/bin/python3';
  if (existsSync(py)) {
    try {
      const out = execFileSync(
        py,
        [join(here, 'torch_ref.py'), String(THREADS), String(BATCH), String(REPS)],
        { encoding: 'utf8' },
      );
      const ref = JSON.parse(out.trim().split('\n').pop()!) as {
        train_ms: number;
        eval_ms: number;
        peak_rss_mb: number;
      };
      console.log(
        `  PyTorch train step              ${ref.train_ms.toFixed(0)} ms   → ORT/PyTorch ${(trainMs / ref.train_ms).toFixed(2)}x (target ≤ 1.0x)`,
      );
      console.log(
        `  PyTorch eval forward            ${ref.eval_ms.toFixed(0)} ms   → inference speed-up ${(ref.eval_ms / inferMs).toFixed(2)}x (target ≥ 2.5x)`,
      );
      console.log(`  PyTorch process peak RSS        ${ref.peak_rss_mb.toFixed(0)} MB`);
    } catch (e) {
      console.log(`  (PyTorch reference unavailable: ${(e as Error).message.split('\n')[0]})`);
    }
  }
  await session.release();
  await inf.release();
}

await main();
