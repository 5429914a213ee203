/**
 * Golden fixture of `@instr/train`'s forms of the train/serve window contract: `modelWindowInputs` (spans in
 * samples at the model rate, the pipeline's `windows: 'model'`) and `aggregateRows` (float64, a row range of a
 * larger matrix written at an offset, as `scoreFiles` calls it).
 *
 * First run at the commit before both moved to `@instr/dsp` (`modelInputWindows`) and `@instr/core`
 * (`aggregateWindowRows`), with train's own copies; `test/window-contract.test.ts` compares the shared
 * functions and train's (deprecated) names against it bit for bit. Running it again must leave the file
 * unchanged (`git diff --exit-code` after the run).
 *
 *   node --conditions=instr-source --import tsx packages/train/test/scripts/gen-window-contract.ts
 */
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goldenAggregationCases } from '../../../core/test/window-aggregation-cases.js';
import { goldenSignal, goldenWindowCases } from '../../../dsp/test/model-windows-cases.js';
import { aggregateRows } from '../../src/evaluate/files.js';
import { modelWindowInputs } from '../../src/pipeline/features.js';
import { rowRangeCase } from '../window-contract-cases.js';

const b64 = (a: Float64Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const sha256 = (a: Float32Array) =>
  createHash('sha256')
    .update(Buffer.from(a.buffer, a.byteOffset, a.byteLength))
    .digest('hex');

const windows = goldenWindowCases
  .filter((c) => c.inputRate === c.meta.sampleRate) // the pipeline resamples on load
  .map((c) => {
    const samples = goldenSignal(c.seconds, c.inputRate, c.seed);
    const r = modelWindowInputs(samples, { ...c.meta, window: c.window ?? c.meta.window });
    return { name: c.name, dims: r.x.dims, count: r.count, spans: r.spans, sha256: sha256(r.x.data) };
  });

const rows = goldenAggregationCases().map((c) => {
  const { probs, from, to, offset, outLength } = rowRangeCase(c.probs, c.classes);
  const out = Object.fromEntries(
    (['max', 'mean', 'attention'] as const).map((mode) => {
      const o = new Float64Array(outLength).fill(-1);
      aggregateRows(probs, c.classes, from, to, mode, o, offset);
      return [mode, b64(o)];
    }),
  );
  return { name: c.name, classes: c.classes, from, to, offset, out };
});

const path = join(import.meta.dirname, '..', 'fixtures', 'window-contract.json');
writeFileSync(
  path,
  `${JSON.stringify(
    {
      generator: 'packages/train/test/scripts/gen-window-contract.ts',
      encoding:
        'windows: spans in samples at meta.sampleRate, sha256 of the float32 inputs [windows, 1, nMels, frames]; rows: out is a little-endian float64 array, base64 (−1 outside the written range)',
      windows,
      rows,
    },
    null,
    1,
  )}\n`,
);
console.log(`wrote ${path}`);
