/**
 * Training-engine benchmark: train step and inference of the reference CNN (batch 32, 1×128×128) with
 * onnxruntime-node (2 intra-op threads) against PyTorch CPU (2 threads). PyTorch runs in a child process
 * driven line by line, and the two are interleaved run by run so both see the same machine load; the
 * medians and their ratios are printed, with peak memory. Run: pnpm --filter @instr/models bench
 * (env BENCH_REPS, default 7; BENCH_BATCH, default 32).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import { buildInferenceModel, buildTrainingArtifacts, TrainSession } from '../src/index.js';
import { referenceCnn } from '../test/reference-cnn.js';

const here = dirname(fileURLToPath(import.meta.url));
const BATCH = Number(process.env.BENCH_BATCH ?? 32);
const REPS = Number(process.env.BENCH_REPS ?? 7);
const THREADS = 2;
const PY = '/usr/bin/python3';

function memMb(): { rss: number; hwm: number } {
  const s = readFileSync('/proc/self/status', 'utf8');
  const get = (k: string) => Number(new RegExp(`${k}:\\s+(\\d+)`).exec(s)?.[1] ?? 0) / 1024;
  return { rss: get('VmRSS'), hwm: get('VmHWM') };
}

/** A PyTorch child process answering "train" / "eval" / "rss" with a number. */
function startTorch(): { ask(cmd: string): Promise<number>; close(): void } | undefined {
  if (!existsSync(PY)) return undefined;
  const child = spawn(PY, [join(here, 'torch_ref.py'), String(THREADS), String(BATCH), '--serve'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout });
  const queue: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  lines.on('line', (l) => queue.shift()?.resolve(Number(l)));
  child.on('exit', () => {
    for (const q of queue.splice(0))
      q.reject(new Error('PyTorch reference exited (is python3-torch installed?)'));
  });
  return {
    ask: (cmd) =>
      new Promise<number>((resolve, reject) => {
        queue.push({ resolve, reject });
        child.stdin.write(`${cmd}\n`);
      }),
    close: () => child.stdin.end(),
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

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
  // No spinning: idle ORT threads must not steal the CPU from the interleaved PyTorch runs.
  const sessionOptions = {
    intraOpNumThreads: THREADS,
    interOpNumThreads: 1,
    executionMode: 'sequential' as const,
    enableCpuMemArena: process.env.BENCH_ARENA !== '0',
    extra: { session: { intra_op: { allow_spinning: '0' } } },
  };
  const session = await TrainSession.create(ort, artifacts, { sessionOptions });
  const { model } = buildInferenceModel(referenceCnn, ['N', 1, 128, 128], session.getWeights());
  const inf = await ort.InferenceSession.create(model, sessionOptions);
  const feeds = { input: input.toOrt(ort.Tensor) };
  const torch = startTorch();
  const time = async (f: () => Promise<unknown>) => {
    const s = performance.now();
    await f();
    return performance.now() - s;
  };
  const before = memMb();
  const r = {
    ortTrain: [] as number[],
    ortInfer: [] as number[],
    ortEval: [] as number[],
    ptTrain: [] as number[],
    ptEval: [] as number[],
  };
  for (let i = 0; i < REPS + 2; i++) {
    const warm = i < 2;
    const a = await time(() => session.trainStep(input, target, 1e-3));
    const b = torch ? await torch.ask('train') : Number.NaN;
    const c = await time(() => inf.run(feeds));
    const d = torch ? await torch.ask('eval') : Number.NaN;
    const e = await time(() => session.evaluate(input, target));
    if (warm) continue;
    r.ortTrain.push(a);
    r.ptTrain.push(b);
    r.ortInfer.push(c);
    r.ptEval.push(d);
    r.ortEval.push(e);
  }
  const after = memMb();
  const ptRss = torch ? await torch.ask('rss') : Number.NaN;
  torch?.close();
  const ms = (xs: number[]) => `${median(xs).toFixed(0).padStart(6)} ms`;
  console.log(`reference CNN, batch ${BATCH}, ${THREADS} threads, median of ${REPS} interleaved runs`);
  console.log(
    `  graph build (train + eval)       ${buildMs.toFixed(0)} ms; train-step model ${(artifacts.trainStep.byteLength / 1024).toFixed(0)} KiB`,
  );
  console.log(`  ORT train step                 ${ms(r.ortTrain)}`);
  console.log(`  ORT inference (BN folded)      ${ms(r.ortInfer)}`);
  console.log(`  ORT eval step (params as inputs, loss) ${ms(r.ortEval)}`);
  if (torch) {
    console.log(`  PyTorch train step             ${ms(r.ptTrain)}`);
    console.log(`  PyTorch eval forward           ${ms(r.ptEval)}`);
    console.log(
      `  train step ORT / PyTorch       ${(median(r.ortTrain) / median(r.ptTrain)).toFixed(2)}x   (target ≤ 1.0x)`,
    );
    console.log(
      `  inference speed-up vs PyTorch  ${(median(r.ptEval) / median(r.ortInfer)).toFixed(2)}x   (target ≥ 2.5x)`,
    );
  }
  console.log(
    `  memory: Node peak RSS ${after.hwm.toFixed(0)} MB (before the steps ${before.rss.toFixed(0)} MB, after ${after.rss.toFixed(0)} MB); PyTorch peak RSS ${ptRss.toFixed(0)} MB`,
  );
  await session.release();
  await inf.release();
}

await main();
await import('./zoo.js');
