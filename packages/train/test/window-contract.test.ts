/**
 * Training's forms of the train/serve window contract against the golden fixture written by train's own copies
 * before they moved to @instr/dsp / @instr/core (`test/scripts/gen-window-contract.ts`): the shared functions and
 * train's deprecated names give the same numbers, bit for bit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { aggregateWindowRows, type FeatureSpec, type WindowAggregation } from '@instr/core';
import { modelInputWindows } from '@instr/dsp';
import { describe, expect, it } from 'vitest';
import { goldenAggregationCases } from '../../core/test/window-aggregation-cases.js';
import { goldenSignal, goldenWindowCases } from '../../dsp/test/model-windows-cases.js';
import { aggregateRows } from '../src/evaluate/index.js';
import { modelWindowInputs } from '../src/pipeline/index.js';
import { rowRangeCase } from './window-contract-cases.js';

const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'window-contract.json'), 'utf8'),
) as {
  windows: {
    name: string;
    dims: number[];
    count: number;
    spans: { start: number; end: number }[];
    sha256: string;
  }[];
  rows: {
    name: string;
    classes: number;
    from: number;
    to: number;
    offset: number;
    out: Record<WindowAggregation, string>;
  }[];
};
const sha256 = (a: Float32Array) =>
  createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');
const float64 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
};

describe('window contract: golden values of the pre-move train code', () => {
  const cases = goldenWindowCases.filter((c) => c.inputRate === c.meta.sampleRate);

  it('the fixture covers every same-rate window case and every aggregation case', () => {
    expect(golden.windows.map((w) => w.name)).toEqual(cases.map((c) => c.name));
    expect(golden.rows.map((r) => r.name)).toEqual(goldenAggregationCases().map((c) => c.name));
  });

  it.each(golden.windows)('$name: model windows (shared and deprecated name) are bit-identical', (g) => {
    const c = cases.find((k) => k.name === g.name)!;
    const meta = { ...c.meta, features: c.meta.features as FeatureSpec, window: c.window ?? c.meta.window };
    const y = goldenSignal(c.seconds, c.inputRate, c.seed);
    const shared = modelInputWindows(y, meta.sampleRate, meta);
    expect(shared.count).toBe(g.count);
    expect(shared.features.dims).toEqual(g.dims);
    expect(shared.spans.map((s) => ({ start: s.start, end: s.end }))).toEqual(g.spans);
    expect(sha256(shared.features.data)).toBe(g.sha256);
    const old = modelWindowInputs(y, meta);
    expect(old.count).toBe(g.count);
    expect(old.spans).toEqual(g.spans);
    expect(sha256(old.x.data)).toBe(g.sha256);
  });

  it.each(golden.rows)('$name: row-range aggregation (shared and deprecated name) is bit-identical', (g) => {
    const c = goldenAggregationCases().find((k) => k.name === g.name)!;
    const { probs, from, to, offset, outLength } = rowRangeCase(c.probs, c.classes);
    expect([from, to, offset]).toEqual([g.from, g.to, g.offset]);
    for (const mode of ['max', 'mean', 'attention'] as const) {
      const want = float64(g.out[mode]);
      const shared = new Float64Array(outLength).fill(-1);
      aggregateWindowRows(probs, c.classes, from, to, mode, shared, offset);
      const old = new Float64Array(outLength).fill(-1);
      aggregateRows(probs, c.classes, from, to, mode, old, offset);
      expect(Array.from(shared).map((v, i) => Object.is(v, want[i]))).toEqual(Array.from(want, () => true));
      expect(Array.from(old)).toEqual(Array.from(shared));
    }
  });
});
