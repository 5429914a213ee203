/**
 * Inputs of the golden window-aggregation fixture (`test/fixtures/window-aggregation.json`, written by
 * `packages/infer/test/golden/gen-window-contract.ts` from `@instr/infer`'s `aggregateWindows` before the code
 * moved here). Closed-form probabilities (no RNG), including values attention clamps (0, 1e-9, 1).
 */

/** One case: a row-major `[windows, classes]` float32 probability matrix. */
export interface GoldenAggregationCase {
  name: string;
  classes: number;
  probs: Float32Array;
}

function matrix(windows: number, classes: number, seed: number): Float32Array {
  const p = new Float32Array(windows * classes);
  for (let i = 0; i < p.length; i++) p[i] = 0.5 + 0.5 * Math.sin(1.7 * i + 0.37 * seed * seed + 0.1);
  return p;
}

export function goldenAggregationCases(): GoldenAggregationCase[] {
  const extremes = matrix(5, 4, 4);
  extremes.set([0, 1e-9, 1, 1 - 1e-9], 0);
  extremes.set([1, 1, 0, 0.5], 8);
  return [
    { name: 'one window', classes: 3, probs: matrix(1, 3, 1) },
    { name: 'two windows', classes: 3, probs: matrix(2, 3, 2) },
    { name: 'seven windows, eleven classes', classes: 11, probs: matrix(7, 11, 3) },
    { name: 'extremes (0, 1e-9, 1)', classes: 4, probs: extremes },
    { name: 'forty windows, one class', classes: 1, probs: matrix(40, 1, 5) },
  ];
}
