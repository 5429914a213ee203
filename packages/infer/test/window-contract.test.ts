/**
 * `@instr/infer`'s window functions are the shared implementations (`@instr/dsp` `modelInputWindows`,
 * `@instr/core` `aggregateWindows`) under their old names, and a `Classifier` runs exactly them — so inference
 * scores a file the way training's validation does (which calls the same shared functions).
 */
import { join } from 'node:path';
import * as core from '@instr/core';
import { createAudio, InvalidArgumentError, Rng } from '@instr/core';
import { modelInputWindows } from '@instr/dsp';
import { aggregateWindows, featureWindows, loadClassifier } from '@instr/infer';
import { describe, expect, it } from 'vitest';
import { goldenSignal, goldenWindowCases } from '../../dsp/test/model-windows-cases.js';
import { synthClip } from '../scripts/make-test-model.js';

const modelPath = join(__dirname, 'fixtures', 'tiny-model.onnx');

describe('the train/serve window contract in @instr/infer', () => {
  it('aggregateWindows is @instr/core’s', () => {
    expect(aggregateWindows).toBe(core.aggregateWindows);
  });

  it('featureWindows is modelInputWindows with the times as spans (every golden case)', () => {
    for (const c of goldenWindowCases) {
      const y = goldenSignal(c.seconds, c.inputRate, c.seed);
      const meta = { ...c.meta, features: c.meta.features as core.FeatureSpec } as core.ModelMetadata;
      const window = c.window ?? meta.window;
      const ours = featureWindows(y, c.inputRate, meta, window);
      const shared = modelInputWindows(y, c.inputRate, meta, { window });
      expect(ours.count).toBe(shared.count);
      expect(ours.spans).toEqual(shared.times);
      expect(ours.features.dims).toEqual(shared.features.dims);
      expect(Array.from(ours.features.data)).toEqual(Array.from(shared.features.data));
    }
  });

  it('featureWindows rejects a window ≤ 0 s with an InvalidArgumentError naming the window', () => {
    const c = goldenWindowCases[0]!;
    const meta = { ...c.meta, features: c.meta.features as core.FeatureSpec } as core.ModelMetadata;
    expect(() => featureWindows(new Float32Array(800), 8000, meta, { ...meta.window, seconds: 0 })).toThrow(
      InvalidArgumentError,
    );
    try {
      featureWindows(new Float32Array(800), 8000, meta, { ...meta.window, hopSeconds: -1 });
    } catch (e) {
      expect((e as InvalidArgumentError).details.key).toBe('window');
    }
  });

  it('a Classifier classifies with modelInputWindows → model → sigmoid → aggregateWindows', async () => {
    const c = await loadClassifier(modelPath);
    const meta = c.metadata;
    try {
      const rate = 22050; // resampled to the model's 16 kHz
      const mono = synthClip(new Rng(7), [true, false, true], rate, 2.6);
      const windows = modelInputWindows(mono, rate, meta, { window: { hopSeconds: 0.5 } });
      const probs = await c.runWindows({
        features: windows.features,
        count: windows.count,
        spans: windows.times,
      });
      for (const aggregation of ['max', 'mean', 'attention'] as const) {
        const r = await c.classify(createAudio(rate, [mono]), { aggregation, hopSeconds: 0.5 });
        const want = core.aggregateWindows(probs, meta.instruments.length, aggregation);
        const byClass = meta.instruments.map(
          (i) => r.instruments.find((s) => s.code === i.code)!.probability,
        );
        expect(byClass).toEqual(Array.from(want));
        expect(r.timeline.map((w) => [w.start, w.end])).toEqual(windows.times.map((t) => [t.start, t.end]));
      }
    } finally {
      await c.dispose();
    }
  });
});
