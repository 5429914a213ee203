/**
 * A/B measurements for autodiff and session settings, one child process per measured variant so that
 * peak RSS (VmHWM) belongs to that variant alone. Times are medians; the machine may be shared, so compare
 * the variants of one run as ratios.
 *
 *   node --conditions=instr-source --import tsx bench/ab.ts convgrad reference-cnn,cnn-model-1
 *   node --conditions=instr-source --import tsx bench/ab.ts convtime cnn-model-1   # interleaved step times
 *   node --conditions=instr-source --import tsx bench/ab.ts opttime reference-cnn      # interleaved step times per level
 *   node --conditions=instr-source --import tsx bench/ab.ts optlevel reference-cnn,resnext50_32x4d,mobilenetv3-small
 *
 * Env: BENCH_AB_BATCH (16), BENCH_AB_REPS (3).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng, Tensor } from '@instr/core';
import * as ort from 'onnxruntime-node';
import {
  buildModel,
  buildTrainingArtifacts,
  configureConvGradient,
  type ModelConfig,
  TrainSession,
} from '../src/index.js';

const ZOO_CONFIGS: { name: string; config: ModelConfig; input: number[] }[] = [
  { name: 'reference-cnn', config: { backbone: { type: 'reference-cnn' } }, input: [1, 128, 128] },
  { name: 'cnn-model-1', config: { backbone: { type: 'cnn-model-1' } }, input: [1, 128, 128] },
  { name: 'resnext50_32x4d', config: { backbone: { type: 'resnext' } }, input: [1, 128, 128] },
  {
    name: 'mobilenetv3-small',
    config: { backbone: { type: 'mobilenetv3', variant: 'small' } },
    input: [1, 128, 128],
  },
];

const BATCH = Number(process.env.BENCH_AB_BATCH ?? 16);
const REPS = Number(process.env.BENCH_AB_REPS ?? 3);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
const peakMb = () =>
  Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0) / 1024;

type Level = 'disabled' | 'basic' | 'extended' | 'all';

async function child(name: string, im2col: number, level: Level): Promise<void> {
  const entry = ZOO_CONFIGS.find((c) => c.name === name)!;
  configureConvGradient({ im2colBytesPerExample: im2col });
  const built = buildModel(entry.config, { inputShape: ['N', ...entry.input] });
  const artifacts = buildTrainingArtifacts({
    model: built.model,
    inputShape: ['N', ...entry.input],
    targetShape: ['N', built.instruments.length],
    optimizer: { type: 'adamw', weightDecay: 0.01 },
  });
  const t0 = performance.now();
  const session = await TrainSession.create(ort, artifacts, {
    sessionOptions: {
      intraOpNumThreads: 2,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: level,
    },
  });
  const loadMs = performance.now() - t0;
  const t1 = performance.now();
  const inf = await ort.InferenceSession.create(session.exportInference().model, {
    intraOpNumThreads: 2,
    graphOptimizationLevel: level,
  });
  const infLoadMs = performance.now() - t1;
  const rng = new Rng(0);
  const shape = [BATCH, ...entry.input];
  const input = Tensor.zeros('float32', shape);
  rng.fillNormal(input.data);
  const k = built.instruments.length;
  const target = Tensor.from(
    'float32',
    Array.from({ length: BATCH * k }, () => (rng.uniform() < 0.3 ? 1 : 0)),
    [BATCH, k],
  );
  const base = peakMb();
  const times: number[] = [];
  for (let i = 0; i <= REPS; i++) {
    const s = performance.now();
    await session.trainStep(input, target, 1e-3);
    if (i > 0) times.push(performance.now() - s);
  }
  const trainPeak = peakMb();
  const inferTimes: number[] = [];
  const feed = { input: input.toOrt(ort.Tensor) };
  for (let i = 0; i <= REPS; i++) {
    const s = performance.now();
    await inf.run(feed);
    if (i > 0) inferTimes.push(performance.now() - s);
  }
  console.log(
    JSON.stringify({
      loadMs,
      stepMs: median(times),
      peakMb: trainPeak,
      beforeStepsMb: base,
      infLoadMs,
      inferMs: median(inferTimes),
    }),
  );
}

function run(name: string, im2col: number, level: Level): Record<string, number> {
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=instr-source',
      '--import',
      'tsx',
      fileURLToPath(import.meta.url),
      'child',
      name,
      String(im2col),
      level,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  const line = r.stdout.trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line);
  } catch {
    throw new Error(`child failed: ${r.stderr}`);
  }
}

/** Step times of the two conv-dW variants in one process, steps interleaved (same machine load). */
async function convTime(name: string): Promise<void> {
  const entry = ZOO_CONFIGS.find((c) => c.name === name)!;
  const sessions: TrainSession[] = [];
  for (const limit of [Number.POSITIVE_INFINITY, 8 * 2 ** 20]) {
    configureConvGradient({ im2colBytesPerExample: limit });
    const built = buildModel(entry.config, { inputShape: ['N', ...entry.input] });
    const artifacts = buildTrainingArtifacts({
      model: built.model,
      inputShape: ['N', ...entry.input],
      targetShape: ['N', built.instruments.length],
      optimizer: { type: 'adamw', weightDecay: 0.01 },
    });
    sessions.push(await TrainSession.create(ort, artifacts));
  }
  const rng = new Rng(0);
  const input = Tensor.zeros('float32', [BATCH, ...entry.input]);
  rng.fillNormal(input.data);
  const target = Tensor.zeros('float32', [BATCH, 11]);
  const times: number[][] = [[], []];
  for (let i = 0; i <= REPS; i++) {
    for (let v = 0; v < 2; v++) {
      const s = performance.now();
      await sessions[v]!.trainStep(input, target, 1e-3);
      if (i > 0) times[v]!.push(performance.now() - s);
    }
  }
  const [t0, t1] = times.map(median) as [number, number];
  console.log(
    `${name.padEnd(18)} interleaved step: im2col always ${t0.toFixed(0)} ms, per-offset above 8 MiB/ex ${t1.toFixed(0)} ms, ratio after/before ${(t1 / t0).toFixed(2)}`,
  );
}

/** Train step times at each graph optimisation level in one process, steps interleaved. */
async function optTime(name: string): Promise<void> {
  const entry = ZOO_CONFIGS.find((c) => c.name === name)!;
  const levels: Level[] = ['all', 'extended', 'basic', 'disabled'];
  const built = buildModel(entry.config, { inputShape: ['N', ...entry.input] });
  const artifacts = buildTrainingArtifacts({
    model: built.model,
    inputShape: ['N', ...entry.input],
    targetShape: ['N', built.instruments.length],
    optimizer: { type: 'adamw', weightDecay: 0.01 },
  });
  const sessions: TrainSession[] = [];
  for (const level of levels) {
    sessions.push(
      await TrainSession.create(ort, artifacts, {
        sessionOptions: {
          intraOpNumThreads: 2,
          interOpNumThreads: 1,
          executionMode: 'sequential',
          graphOptimizationLevel: level,
        },
      }),
    );
  }
  const rng = new Rng(0);
  const input = Tensor.zeros('float32', [BATCH, ...entry.input]);
  rng.fillNormal(input.data);
  const target = Tensor.zeros('float32', [BATCH, built.instruments.length]);
  const times: number[][] = levels.map(() => []);
  for (let i = 0; i <= REPS; i++) {
    for (let v = 0; v < levels.length; v++) {
      const s = performance.now();
      await sessions[v]!.trainStep(input, target, 1e-3);
      if (i > 0) times[v]!.push(performance.now() - s);
    }
  }
  const all = median(times[0]!);
  console.log(
    `${name.padEnd(18)} interleaved train step: ${levels.map((l, v) => `${l} ${median(times[v]!).toFixed(0)} ms (${(median(times[v]!) / all).toFixed(2)}x)`).join(', ')}`,
  );
}

const [mode, a, b, c] = process.argv.slice(2);
if (mode === 'opttime') {
  for (const name of (a ?? 'reference-cnn').split(',')) await optTime(name);
} else if (mode === 'convtime') {
  for (const name of (a ?? 'reference-cnn,cnn-model-1').split(',')) await convTime(name);
} else if (mode === 'child') {
  await child(a!, Number(b), c as Level);
} else {
  const names = (a ?? 'reference-cnn,cnn-model-1').split(',');
  const out: string[] = [];
  for (const name of names) {
    const variants: [string, number, Level][] =
      mode === 'optlevel'
        ? (['all', 'extended', 'basic', 'disabled'] as Level[]).map((l) => [l, 8 * 2 ** 20, l])
        : [
            ['im2col always (before)', Number.POSITIVE_INFINITY, 'all'],
            ['per-offset above 8 MiB/ex (after)', 8 * 2 ** 20, 'all'],
          ];
    for (const [label, im2col, level] of variants) {
      const r = run(name, im2col, level);
      const line = `${name.padEnd(18)} ${label.padEnd(34)} train load ${r.loadMs!.toFixed(0).padStart(6)} ms  step ${r.stepMs!.toFixed(0).padStart(6)} ms  peak ${r.peakMb!.toFixed(0).padStart(5)} MB | inference load ${r.infLoadMs!.toFixed(0).padStart(5)} ms  run ${r.inferMs!.toFixed(0).padStart(5)} ms`;
      console.log(line);
      out.push(line);
    }
  }
  if (process.env.BENCH_AB_OUT) writeFileSync(process.env.BENCH_AB_OUT, `${out.join('\n')}\n`);
}
