import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FeatureSpec, InvalidArgumentError, type WindowSpec } from '@instr/core';
import { modelInputBatch, modelInputWindows, resample, windowAudio } from '@instr/dsp';
import { describe, expect, it } from 'vitest';
import { type GoldenWindowCase, goldenSignal, goldenWindowCases } from './model-windows-cases.js';

interface GoldenOutput extends GoldenWindowCase {
  dims: number[];
  count: number;
  times: { start: number; end: number }[];
  features: string;
}
const golden = JSON.parse(
  readFileSync(join(import.meta.dirname, 'fixtures', 'model', 'model-input-windows.json'), 'utf8'),
) as { cases: GoldenOutput[] };

const float32 = (b64: string) => {
  const bytes = Buffer.from(b64, 'base64');
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};
const run = (c: GoldenWindowCase) =>
  modelInputWindows(
    goldenSignal(c.seconds, c.inputRate, c.seed),
    c.inputRate,
    { ...c.meta, features: c.meta.features as FeatureSpec },
    c.window ? { window: c.window } : {},
  );

describe('modelInputWindows', () => {
  it('covers every golden case of the fixture', () => {
    expect(golden.cases.map((c) => c.name)).toEqual(goldenWindowCases.map((c) => c.name));
  });

  // Written by @instr/infer's featureWindows before this code moved here (packages/infer/test/golden).
  it.each(golden.cases)('$name: bit-identical to the pre-move golden fixture', (c) => {
    const r = run(c);
    expect(r.count).toBe(c.count);
    expect(r.features.dims).toEqual(c.dims);
    expect(r.times).toEqual(c.times);
    const want = float32(c.features);
    expect(r.features.data.length).toBe(want.length);
    let differ = 0;
    for (let i = 0; i < want.length; i++) if (!Object.is(r.features.data[i], want[i])) differ++;
    expect(differ).toBe(0);
  });

  it('spans are the samples at the model rate behind the times, and padded windows are marked', () => {
    for (const c of goldenWindowCases) {
      const r = run(c);
      const sr = c.meta.sampleRate;
      expect(r.spans).toHaveLength(r.count);
      r.spans.forEach((s, i) => {
        expect(r.times[i]).toEqual({ start: s.start / sr, end: s.end / sr });
        const length = Math.round((c.window ?? c.meta.window).seconds * sr);
        expect(s.isPadded).toBe(s.end - s.start < length);
      });
    }
  });

  it('is resample → windowAudio → modelInputBatch, step by step', () => {
    const c = goldenWindowCases.find((k) => k.inputRate === 11025)!;
    const y = goldenSignal(c.seconds, c.inputRate, c.seed);
    const meta = { ...c.meta, features: c.meta.features as FeatureSpec };
    const sr = meta.sampleRate;
    const cut = windowAudio(resample(y, c.inputRate, sr), {
      length: Math.round(meta.window.seconds * sr),
      hop: Math.round(meta.window.hopSeconds * sr),
      padding: meta.window.padding,
    });
    const r = modelInputWindows(y, c.inputRate, meta);
    expect(Array.from(r.features.data)).toEqual(Array.from(modelInputBatch(cut.tensor, meta).data));
    expect(r.spans).toEqual(cut.spans);
  });

  it("turns 'drop' into 'repeat' only for a clip shorter than one window", () => {
    const base = goldenWindowCases[0]!;
    const meta = { ...base.meta, features: base.meta.features as FeatureSpec };
    const drop: WindowSpec = { seconds: 0.5, hopSeconds: 0.25, padding: 'drop' };
    const short = goldenSignal(0.3, 8000, 1);
    const asDrop = modelInputWindows(short, 8000, meta, { window: drop });
    const asRepeat = modelInputWindows(short, 8000, meta, { window: { ...drop, padding: 'repeat' } });
    expect(asDrop.count).toBe(1);
    expect(Array.from(asDrop.features.data)).toEqual(Array.from(asRepeat.features.data));
    // a longer clip drops its short last window
    const long = goldenSignal(1.3, 8000, 1);
    expect(modelInputWindows(long, 8000, meta, { window: drop }).count).toBe(4);
    expect(modelInputWindows(long, 8000, meta, { window: { ...drop, padding: 'zero' } }).count).toBe(5);
  });

  it('takes each window field from the options, the rest from the metadata', () => {
    const c = goldenWindowCases[0]!;
    const meta = { ...c.meta, features: c.meta.features as FeatureSpec };
    const y = goldenSignal(c.seconds, c.inputRate, c.seed);
    const partial = modelInputWindows(y, 8000, meta, { window: { hopSeconds: 0.5 } });
    const full = modelInputWindows(y, 8000, { ...meta, window: { ...meta.window, hopSeconds: 0.5 } });
    expect(partial.count).toBe(3);
    expect(partial.times).toEqual(full.times);
    expect(Array.from(partial.features.data)).toEqual(Array.from(full.features.data));
  });

  it('passes resampler options through', () => {
    const c = goldenWindowCases.find((k) => k.inputRate === 11025)!;
    const meta = { ...c.meta, features: c.meta.features as FeatureSpec };
    const y = goldenSignal(c.seconds, c.inputRate, c.seed);
    const def = modelInputWindows(y, c.inputRate, meta);
    const fast = modelInputWindows(y, c.inputRate, meta, { resample: { quality: 'fast' } });
    const ref = modelInputBatch(
      windowAudio(resample(y, c.inputRate, 8000, { quality: 'fast' }), { length: 4000, hop: 2000 }).tensor,
      meta,
    );
    expect(Array.from(fast.features.data)).toEqual(Array.from(ref.data));
    expect(Array.from(fast.features.data)).not.toEqual(Array.from(def.features.data));
  });

  it('rejects a window or hop ≤ 0 s with an InvalidArgumentError naming the window', () => {
    const c = goldenWindowCases[0]!;
    const meta = { ...c.meta, features: c.meta.features as FeatureSpec };
    const y = goldenSignal(0.5, 8000, 1);
    for (const window of [{ seconds: 0 }, { hopSeconds: -1 }, { seconds: Number.NaN }]) {
      try {
        modelInputWindows(y, 8000, meta, { window });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as InvalidArgumentError).details.key).toBe('window');
      }
    }
  });

  it('gives no windows for empty audio (the caller decides what that means)', () => {
    const c = goldenWindowCases[0]!;
    const r = modelInputWindows(new Float32Array(0), 8000, {
      ...c.meta,
      features: c.meta.features as FeatureSpec,
    });
    expect(r.count).toBe(0);
    expect(r.features.dims[0]).toBe(0);
    expect(r.spans).toEqual([]);
  });
});
