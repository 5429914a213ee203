/**
 * Model-zoo benchmark: for every backbone config (default sizes) one AdamW train step at batch 16 on
 * 1×128×128 spectrograms (16000 samples for the waveform front-end) with onnxruntime-node (2 intra-op
 * threads): graph build and session creation time, median step time, peak RSS during the steps, and the same
 * net in PyTorch (scripts/zoo_bench_torch.py, 2 threads, a child process answering line by line) with steps
 * interleaved so both see the same machine load, and the ratio of the medians.
 * Run: pnpm --filter @instr/models bench (env BENCH_ZOO=0 skips it; BENCH_ZOO_ONLY=vgg16,convnext picks
 * configs; BENCH_ZOO_REPS, default 3; BENCH_ZOO_BATCH, default 16; BENCH_ARENA=0 disables ORT's arena).
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import {
  buildModel,
  buildTrainingArtifacts,
  describeModel,
  type ModelConfig,
  TrainSession,
} from '../src/index.js';

const here = dirname(fileURLToPath(import.meta.url));
const PY = '/usr/bin/python3';
const BATCH = Number(process.env.BENCH_ZOO_BATCH ?? 16);
const REPS = Number(process.env.BENCH_ZOO_REPS ?? 3);
const THREADS = 2;

/** The benchmarked configs (linear head, 11 classes). */
export const ZOO_BENCH_CONFIGS: { name: string; config: ModelConfig; input: number[] }[] = [
  { name: 'reference-cnn', config: { backbone: { type: 'reference-cnn' } }, input: [1, 128, 128] },
  { name: 'cnn-model-1', config: { backbone: { type: 'cnn-model-1' } }, input: [1, 128, 128] },
  { name: 'vgg16', config: { backbone: { type: 'vgg' } }, input: [1, 128, 128] },
  { name: 'resnext50_32x4d', config: { backbone: { type: 'resnext' } }, input: [1, 128, 128] },
  {
    name: 'mobilenetv3-small',
    config: { backbone: { type: 'mobilenetv3', variant: 'small' } },
    input: [1, 128, 128],
  },
  {
    name: 'mobilenetv3-large',
    config: { backbone: { type: 'mobilenetv3', variant: 'large' } },
    input: [1, 128, 128],
  },
  { name: 'convnext-tiny', config: { backbone: { type: 'convnext' } }, input: [1, 128, 128] },
  { name: 'wav2vec-frontend', config: { backbone: { type: 'wav2vec-frontend' } }, input: [1, 16000] },
];

function peakMb(): number {
  const s = readFileSync('/proc/self/status', 'utf8');
  return Number(/VmHWM:\s+(\d+)/.exec(s)?.[1] ?? 0) / 1024;
}

function resetPeak(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5'); // resets VmHWM (Linux ≥ 4.0)
  } catch {
    // not Linux: the peak is then the process-wide maximum
  }
}

/** A PyTorch child process for one config, answering "step" / "rss" with a number. */
function startTorch(
  config: ModelConfig,
  shape: number[],
): Promise<{ ask(cmd: string): Promise<number>; close(): void }> {
  const child = spawn(
    PY,
    [
      join(here, '..', 'scripts', 'zoo_bench_torch.py'),
      JSON.stringify(config),
      JSON.stringify(shape),
      String(THREADS),
    ],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  );
  const lines = createInterface({ input: child.stdout });
  const queue: { resolve: (v: number) => void; reject: (e: Error) => void }[] = [];
  let ready: (() => void) | undefined;
  const started = new Promise<void>((resolve, reject) => {
    ready = resolve;
    child.on('error', reject);
  });
  lines.on('line', (l) => {
    if (l === 'ready') ready?.();
    else queue.shift()?.resolve(Number(l));
  });
  child.on('exit', () => {
    for (const q of queue.splice(0))
      q.reject(new Error('PyTorch reference exited (is python3-torch installed?)'));
  });
  return started.then(() => ({
    ask: (cmd: string) =>
      new Promise<number>((resolve, reject) => {
        queue.push({ resolve, reject });
        child.stdin.write(`${cmd}\n`);
      }),
    close: () => child.stdin.end(),
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

async function benchOne(entry: (typeof ZOO_BENCH_CONFIGS)[number]): Promise<void> {
  const shape = [BATCH, ...entry.input];
  const t0 = performance.now();
  const built = buildModel(entry.config, { inputShape: ['N', ...entry.input] });
  const artifacts = buildTrainingArtifacts({
    model: built.model,
    inputShape: ['N', ...entry.input],
    targetShape: ['N', built.instruments.length],
    optimizer: { type: 'adamw', weightDecay: 0.01 },
  });
  const buildMs = performance.now() - t0;
  const t1 = performance.now();
  const session = await TrainSession.create(ort, artifacts, {
    sessionOptions: {
      intraOpNumThreads: THREADS,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      enableCpuMemArena: process.env.BENCH_ARENA !== '0',
      extra: { session: { intra_op: { allow_spinning: '0' } } },
    },
  });
  const createMs = performance.now() - t1;
  const rng = new Rng(0);
  const input = Tensor.zeros('float32', shape);
  rng.fillNormal(input.data);
  const classes = built.instruments.length;
  const target = Tensor.from(
    'float32',
    Array.from({ length: BATCH * classes }, () => (rng.uniform() < 0.3 ? 1 : 0)),
    [BATCH, classes],
  );
  const torch = existsSync(PY) ? await startTorch(entry.config, shape).catch(() => undefined) : undefined;
  resetPeak();
  const times: number[] = [];
  const ptTimes: number[] = [];
  for (let i = 0; i < REPS + 1; i++) {
    const s = performance.now();
    await session.trainStep(input, target, 1e-3);
    const ms = performance.now() - s;
    const pt = torch ? await torch.ask('step') : Number.NaN;
    if (i > 0) {
      times.push(ms);
      ptTimes.push(pt);
    }
  }
  const ortPeak = peakMb();
  await session.release();
  const d = describeModel(entry.config, [1, ...entry.input]);
  let torchText = '';
  if (torch) {
    const rss = await torch.ask('rss');
    torch.close();
    const pt = median(ptTimes);
    torchText = `  PyTorch ${pt.toFixed(0).padStart(6)} ms, peak ${rss.toFixed(0)} MB  ORT/PyTorch ${(median(times) / pt).toFixed(2)}x`;
  }
  console.log(
    `${entry.name.padEnd(18)} ${(d.params / 1e6).toFixed(2).padStart(6)} M params ${(d.macs / 1e9).toFixed(2).padStart(6)} GMACs/ex | build ${buildMs.toFixed(0)} ms, session ${createMs.toFixed(0)} ms | ORT step ${median(times).toFixed(0).padStart(6)} ms, peak ${ortPeak.toFixed(0)} MB${torchText}`,
  );
}

/** Runs the zoo benchmark (all configs, or those named in BENCH_ZOO_ONLY). */
export async function benchZoo(): Promise<void> {
  const only = process.env.BENCH_ZOO_ONLY?.split(',').map((s) => s.trim());
  console.log(
    `\nmodel zoo: AdamW train step, batch ${BATCH}, ${THREADS} threads, median of ${REPS} interleaved ORT/PyTorch steps (after 1 warm-up)`,
  );
  for (const entry of ZOO_BENCH_CONFIGS) {
    if (only && !only.includes(entry.name)) continue;
    await benchOne(entry);
  }
}

if (process.env.BENCH_ZOO !== '0') await benchZoo();
