/**
 * `pnpm --filter @instr/metrics bench`: every metric plus threshold search on 100,000 examples x 11
 * classes, and the ratio to scikit-learn measured in the same run when Debian's /usr/bin/python3 has it.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Rng } from '@instr/core';
import {
  evaluate,
  findBestThreshold,
  findBestThresholdsPerClass,
  lwlrap,
  Matrix,
  renderReport,
} from '../src/index.js';

const N = Number(process.env.BENCH_N ?? 100_000);
const K = 11;
const rng = new Rng(1);
const yTrue = new Float64Array(N * K);
const yScore = new Float64Array(N * K);
for (let i = 0; i < N * K; i++) {
  yTrue[i] = rng.uniform() < 0.2 ? 1 : 0;
  yScore[i] = Math.round(Math.min(1, Math.max(0, 0.35 * yTrue[i]! + 0.65 * rng.uniform())) * 1e4) / 1e4;
}
const t = new Matrix(yTrue, N, K);
const s = new Matrix(yScore, N, K);

function time(fn: () => unknown, reps = 3): number {
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

const ours = {
  evaluate: time(() => evaluate(t, s)),
  lwlrap: time(() => lwlrap(t, s)),
  thresholdGlobal: time(() => findBestThreshold(t, s)),
  thresholdPerClass: time(() => findBestThresholdsPerClass(t, s)),
};
const ev = evaluate(t, s);
const t0 = performance.now();
await renderReport(ev);
const reportMs = performance.now() - t0;

let py: Record<string, number> | undefined;
const PY = '/usr/bin/python3';
if (existsSync(PY)) {
  const dir = mkdtempSync(join(tmpdir(), 'metrics-bench-'));
  try {
    writeFileSync(join(dir, 't.bin'), new Uint8Array(yTrue.buffer));
    writeFileSync(join(dir, 's.bin'), new Uint8Array(yScore.buffer));
    const out = execFileSync(
      PY,
      [
        join(import.meta.dirname, 'sklearn_bench.py'),
        join(dir, 't.bin'),
        join(dir, 's.bin'),
        String(N),
        String(K),
      ],
      {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    py = JSON.parse(out.trim().split('\n').pop()!);
  } catch (e) {
    console.log(`scikit-learn comparison skipped: ${(e as Error).message.split('\n')[0]}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.log(`scikit-learn comparison skipped: ${PY} not found.`);
}

const f = (v: number) => `${v.toFixed(1)} ms`;
const ratio = (a: number, b?: number) =>
  b === undefined ? '' : `  (scikit-learn ${f(b)}, ${(b / a).toFixed(1)}x faster)`;
console.log(`@instr/metrics bench: ${N.toLocaleString('en-US')} examples x ${K} classes (best of 3)`);
console.log(
  `  evaluate() — every metric, curves, confusion, calibration: ${f(ours.evaluate)}${ratio(ours.evaluate, py?.sklearn_all)}`,
);
console.log(`  lwlrap: ${f(ours.lwlrap)}${ratio(ours.lwlrap, py?.lwlrap_reference)}`);
console.log(
  `  global threshold search (2 x 1000 thresholds, macro F1): ${f(ours.thresholdGlobal)}${ratio(ours.thresholdGlobal, py?.threshold_search_global_extrapolated)}`,
);
console.log(
  `  per-class threshold search: ${f(ours.thresholdPerClass)}${ratio(ours.thresholdPerClass, py?.threshold_search_per_class_extrapolated)}`,
);
const total = ours.evaluate + ours.thresholdGlobal + ours.thresholdPerClass;
if (py) {
  const pyTotal =
    py.sklearn_all! + py.threshold_search_global_extrapolated! + py.threshold_search_per_class_extrapolated!;
  console.log(
    `  total (all metrics + both searches): ${f(total)} vs scikit-learn ${f(pyTotal)} → ${(pyTotal / total).toFixed(1)}x`,
  );
  console.log(
    '  (scikit-learn threshold searches: 20 thresholds of f1_score timed, x100 for 2000, the reference loop)',
  );
  if (py.threshold_search_numpy_vectorised !== undefined) {
    console.log(
      `  global search vs a vectorised numpy search (sorted columns + searchsorted): ${f(ours.thresholdGlobal)} vs ${f(py.threshold_search_numpy_vectorised)} → ${(py.threshold_search_numpy_vectorised / ours.thresholdGlobal).toFixed(1)}x`,
    );
  }
} else {
  console.log(`  total (all metrics + both searches): ${f(total)}`);
}
console.log(`  renderReport (10 charts, inline SVG): ${f(reportMs)}`);
