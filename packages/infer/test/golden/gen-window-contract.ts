/**
 * Golden fixtures of the train/serve window contract, as `@instr/infer`'s public functions compute it:
 * `featureWindows` (audio → model input windows) and `aggregateWindows` (window → clip probabilities).
 *
 * First run at the commit before the shared implementations moved to `@instr/dsp` (`modelInputWindows`) and
 * `@instr/core` (`aggregateWindows`, `aggregateWindowRows`), with infer's own code; the tests of the shared
 * functions compare against these files bit for bit, so the move provably changed no number. Running it again
 * today must leave both files unchanged (`git diff --exit-code` after the run).
 *
 *   node --conditions=instr-source --import tsx packages/infer/test/golden/gen-window-contract.ts
 *
 * Writes packages/dsp/test/fixtures/model/model-input-windows.json and
 * packages/core/test/fixtures/window-aggregation.json. Inputs are closed-form (no RNG), so only the
 * functions under test determine the output.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { FeatureSpec, ModelMetadata } from '@instr/core';
import { aggregateWindows, featureWindows } from '../../src/shared.js';
import { goldenAggregationCases } from '../../../core/test/window-aggregation-cases.js';
import { goldenSignal, goldenWindowCases } from '../../../dsp/test/model-windows-cases.js';

const root = join(import.meta.dirname, '..', '..', '..', '..');
const b64 = (a: Float32Array | Float64Array) =>
  Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');

const windows = goldenWindowCases.map((c) => {
  const samples = goldenSignal(c.seconds, c.inputRate, c.seed);
  const meta = {
    sampleRate: c.meta.sampleRate,
    features: c.meta.features as FeatureSpec,
    normalization: c.meta.normalization,
    window: c.meta.window,
  } as ModelMetadata;
  const r = featureWindows(samples, c.inputRate, meta, c.window ?? meta.window);
  return {
    ...c,
    dims: r.features.dims,
    count: r.count,
    times: r.spans,
    features: b64(r.features.data),
  };
});

const aggregation = goldenAggregationCases().map((c) => ({
  name: c.name,
  classes: c.classes,
  probs: b64(c.probs),
  out: Object.fromEntries(
    (['max', 'mean', 'attention'] as const).map((mode) => [
      mode,
      b64(aggregateWindows(c.probs, c.classes, mode)),
    ]),
  ),
}));

const write = (path: string, data: unknown) => {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 1)}\n`);
  console.log(`wrote ${path}`);
};
const generator = 'packages/infer/test/golden/gen-window-contract.ts';
write(join(root, 'packages/dsp/test/fixtures/model/model-input-windows.json'), {
  generator,
  encoding: 'features: little-endian float32 [windows, 1, nMels, frames], base64; times in seconds',
  cases: windows,
});
write(join(root, 'packages/core/test/fixtures/window-aggregation.json'), {
  generator,
  encoding: 'probs and out: little-endian float32, base64; probs row-major [windows, classes]',
  cases: aggregation,
});
