import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  aggregateWindowRows,
  aggregateWindows,
  checkWindowAggregation,
  InvalidArgumentError,
  WINDOW_AGGREGATIONS,
  type WindowAggregation,
} from '../src/index.js';
import { goldenAggregationCases } from './window-aggregation-cases.js';

const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'window-aggregation.json'), 'utf8'),
) as {
  cases: { name: string; classes: number; probs: string; out: Record<WindowAggregation, string> }[];
};
const float32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const modes = ['max', 'mean', 'attention'] as const;
const keyOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(InvalidArgumentError);
    return (e as InvalidArgumentError).details.key;
  }
  return undefined;
};

describe('window aggregation', () => {
  it('the fixture holds the inputs of window-aggregation-cases.ts', () => {
    const cases = goldenAggregationCases();
    expect(golden.cases.map((c) => c.name)).toEqual(cases.map((c) => c.name));
    golden.cases.forEach((g, i) => expect(float32(g.probs)).toEqual(cases[i]!.probs));
  });

  // Written by @instr/infer's aggregateWindows before the code moved here (packages/infer/test/golden).
  it.each(golden.cases)('$name: bit-identical to the pre-move golden fixture', (g) => {
    const probs = float32(g.probs);
    for (const mode of modes) {
      const want = float32(g.out[mode]);
      const got = aggregateWindows(probs, g.classes, mode);
      expect(Array.from(got).map((v, c) => Object.is(v, want[c]))).toEqual(Array.from(want, () => true));
      // the row form into a Float32Array is the same function
      const rows = new Float32Array(g.classes + 2);
      aggregateWindowRows(probs, g.classes, 0, probs.length / g.classes, mode, rows, 1);
      expect(Array.from(rows.subarray(1, 1 + g.classes))).toEqual(Array.from(want));
      expect([rows[0], rows[g.classes + 1]]).toEqual([0, 0]);
    }
  });

  it('aggregates a row range of a larger matrix exactly as that block alone', () => {
    for (const c of goldenAggregationCases()) {
      const windows = c.probs.length / c.classes;
      const big = new Float64Array((windows + 4) * c.classes).fill(0.99);
      big.set(c.probs, 3 * c.classes);
      for (const mode of modes) {
        const alone = new Float64Array(c.classes);
        aggregateWindowRows(c.probs, c.classes, 0, windows, mode, alone, 0);
        const out = new Float64Array(c.classes + 2).fill(-1);
        aggregateWindowRows(big, c.classes, 3, 3 + windows, mode, out, 2);
        expect(Array.from(out.subarray(2))).toEqual(Array.from(alone));
        expect(Array.from(out.subarray(0, 2))).toEqual([-1, -1]);
      }
    }
  });

  it('follows the definitions: max, mean, and attention between them weighted towards confident windows', () => {
    const p = new Float64Array([0.1, 0.9, 0.7, 0.2, 0.4, 0.5]); // 3 windows × 2 classes
    const out = new Float64Array(2);
    aggregateWindowRows(p, 2, 0, 3, 'max', out, 0);
    expect(Array.from(out)).toEqual([0.7, 0.9]);
    aggregateWindowRows(p, 2, 0, 3, 'mean', out, 0);
    expect(out[0]).toBeCloseTo(0.4, 15);
    expect(out[1]).toBeCloseTo(1.6 / 3, 15);
    aggregateWindowRows(p, 2, 0, 3, 'attention', out, 0);
    // class 0: weights ∝ p / (1 − p) = 1/9, 7/3, 2/3
    const w = [1 / 9, 7 / 3, 2 / 3];
    expect(out[0]).toBeCloseTo((w[0]! * 0.1 + w[1]! * 0.7 + w[2]! * 0.4) / (w[0]! + w[1]! + w[2]!), 12);
    expect(out[0]).toBeGreaterThan(0.4);
    expect(out[0]).toBeLessThan(0.7);
    // attention clamps p to [1e-7, 1 − 1e-7] before the logit: 1e-9 weighs as 1e-7 against 5e-7
    const tiny = new Float64Array(1);
    aggregateWindowRows([1e-9, 5e-7], 1, 0, 2, 'attention', tiny, 0);
    const lw = [Math.log(1e-7 / (1 - 1e-7)), Math.log(5e-7 / (1 - 5e-7))];
    const ww = lw.map((l) => Math.exp(l - lw[1]!));
    expect(tiny[0]).toBe((ww[0]! * 1e-9 + ww[1]! * 5e-7) / (ww[0]! + ww[1]!));
    // … and 1 weighs as 1 − 1e-7, so a certain window does not take all the weight from a nearly certain one
    aggregateWindowRows([1, 1 - 1e-7], 1, 0, 2, 'attention', tiny, 0);
    expect(tiny[0]).toBe((1 + (1 - 1e-7)) / 2);
    // a lone window is itself in every mode
    for (const mode of modes)
      expect(Array.from(aggregateWindows([0.25, 0.75], 2, mode))).toEqual([0.25, 0.75]);
  });

  it('checks names and shapes with InvalidArgumentErrors naming the key', () => {
    expect(WINDOW_AGGREGATIONS).toEqual(['max', 'mean', 'attention']);
    for (const m of WINDOW_AGGREGATIONS) expect(checkWindowAggregation(m)).toBe(m);
    expect(keyOf(() => checkWindowAggregation('median'))).toBe('aggregation');
    expect(keyOf(() => checkWindowAggregation(undefined, 'loop.valAggregation'))).toBe('loop.valAggregation');
    expect(keyOf(() => aggregateWindows([0.5, 0.5], 2, 'median' as never))).toBe('aggregation');
    expect(keyOf(() => aggregateWindows([0.5, 0.5, 0.5], 2, 'max'))).toBe('probs');
    expect(keyOf(() => aggregateWindows([], 2, 'max'))).toBe('probs');
    const out = new Float64Array(2);
    const p = [0.1, 0.2, 0.3, 0.4];
    expect(keyOf(() => aggregateWindowRows(p, 2, 1, 1, 'max', out, 0))).toBe('windows');
    expect(keyOf(() => aggregateWindowRows(p, 0, 0, 1, 'max', out, 0))).toBe('classes');
    expect(keyOf(() => aggregateWindowRows(p, 2, 1, 3, 'max', out, 0))).toBe('probs');
    expect(keyOf(() => aggregateWindowRows(p, 2, -1, 1, 'max', out, 0))).toBe('probs');
    expect(keyOf(() => aggregateWindowRows(p, 2, 0, 2, 'max', out, 1))).toBe('offset');
    expect(keyOf(() => aggregateWindowRows(p, 2, 0, 2, 'mean', out, 0))).toBeUndefined();
  });
});
