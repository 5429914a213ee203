/**
 * Trains the small test model used by @instr/infer's tests: three synthetic "instruments" (a harmonic
 * tone, band-limited noise and a click train) mixed at random, a 2-block CNN on log-mel windows of 1 s
 * at 16 kHz. Deterministic (seed 7). Writes test/fixtures/tiny-model.onnx.
 *
 *   node --conditions=instr-source --import tsx packages/infer/scripts/make-test-model.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { InstrumentSet, logMelSpec, MODEL_METADATA_KEY, type ModelMetadata, Rng, Tensor } from '@instr/core';
import { modelInputBatch } from '@instr/dsp';
import { buildTrainingArtifacts, type GraphBuilder, type SymTensor, TrainSession } from '@instr/models';
import * as ort from 'onnxruntime-node';

const SR = 16000;
const instruments = InstrumentSet.custom([
  { code: 'tone', name: 'Harmonic tone', family: 'pitched' },
  { code: 'noise', name: 'Band noise', family: 'unpitched' },
  { code: 'click', name: 'Click train', family: 'unpitched' },
]);

export const testModelMetadata: ModelMetadata = {
  schema: 1,
  name: 'instr-test-tiny',
  instruments: instruments.toJSON(),
  sampleRate: SR,
  features: logMelSpec({ nFft: 512, hopLength: 256, nMels: 32 }),
  window: { seconds: 1, hopSeconds: 0.5, padding: 'repeat' },
  normalization: { mean: -40, std: 20 },
  thresholds: [0.5, 0.5, 0.5],
  output: 'logits',
  io: { input: 'input', output: 'logits' },
  card: { data: 'synthetic tones, noise and clicks (scripts/make-test-model.ts)', purpose: 'tests only' },
};

/** `seconds` of a random mixture of the labelled instruments at rate `sr`. */
export function synthClip(rng: Rng, labels: boolean[], sr = SR, seconds = 1): Float32Array {
  const n = Math.round(sr * seconds);
  const y = new Float32Array(n);
  if (labels[0]) {
    const f0 = rng.uniform(150, 600);
    for (let h = 1; h <= 5; h++) {
      const a = rng.uniform(0.1, 0.3) / h;
      for (let i = 0; i < n; i++) y[i]! += a * Math.sin((2 * Math.PI * f0 * h * i) / sr);
    }
  }
  if (labels[1]) {
    const a = rng.uniform(0.05, 0.2);
    // Low-passed white noise; the pole follows the rate so the spectrum is the same at any rate.
    const pole = Math.exp((-2 * Math.PI * 2000) / sr);
    let prev = 0;
    for (let i = 0; i < n; i++) {
      prev = pole * prev + (1 - pole) * rng.normal() * 2.5;
      y[i]! += a * prev;
    }
  }
  if (labels[2]) {
    const period = Math.round(sr / rng.uniform(4, 12));
    const offset = rng.int(0, period - 1);
    const decay = (6 * sr) / SR;
    for (let i = offset; i < n; i += period)
      for (let k = 0; k < 6 * decay && i + k < n; k++) y[i + k]! += 0.8 * Math.exp(-k / decay);
  }
  return y;
}

function model(b: GraphBuilder, x: SymTensor): SymTensor {
  const rng = new Rng(7);
  const init = (dims: number[], fanIn: number) =>
    rng.fillNormal(
      new Float32Array(dims.reduce((a, c) => a * c, 1)),
      0,
      Math.sqrt(2 / fanIn),
    ) as Float32Array;
  const block = (name: string, h: SymTensor, cin: number, cout: number) =>
    b.scope(name, () => {
      const w = b.param(
        'conv.weight',
        new Tensor('float32', init([cout, cin, 3, 3], cin * 9), [cout, cin, 3, 3]),
      );
      const c = b.conv(h, w, undefined, { padding: 1 });
      const bn = b.scope('bn', () =>
        b.batchNorm(
          c,
          b.param('weight', Tensor.full('float32', [cout], 1)),
          b.param('bias', Tensor.zeros('float32', [cout])),
          b.buffer('running_mean', Tensor.zeros('float32', [cout])),
          b.buffer('running_var', Tensor.full('float32', [cout], 1)),
        ),
      );
      return b.avgPool(b.relu(bn), { kernel: 2 });
    });
  const h = block('block2', block('block1', x, 1, 8), 8, 16);
  const pooled = b.concat([b.flatten(b.globalAvgPool(h), 1), b.flatten(b.globalMaxPool(h), 1)], 1);
  return b.scope('head', () =>
    b.linear(
      pooled,
      b.param('weight', new Tensor('float32', init([3, 32], 32), [3, 32])),
      b.param('bias', Tensor.zeros('float32', [3])),
    ),
  );
}

async function main() {
  const rng = new Rng(7);
  const frames = 1 + Math.floor(SR / 256);
  const artifacts = buildTrainingArtifacts({
    model,
    inputShape: ['N', 1, 32, frames],
    targetShape: ['N', 3],
    optimizer: { type: 'adamw', weightDecay: 0.01 },
  });
  const session = await TrainSession.create(ort, artifacts, { seed: 7 });
  const batch = 16;
  for (let step = 0; step < 800; step++) {
    const labels = Array.from({ length: batch }, () => [0, 1, 2].map(() => rng.bernoulli(0.5)));
    const windows = Tensor.zeros('float32', [batch, SR]);
    labels.forEach((l, i) => windows.data.set(synthClip(rng, l), i * SR));
    const x = modelInputBatch(windows, testModelMetadata);
    const y = Tensor.from('float32', labels.flat().map(Number), [batch, 3]);
    const { loss } = await session.trainStep(x, y, step < 500 ? 3e-3 : 1e-3);
    if (step % 25 === 0) console.log(`step ${step} loss ${loss.toFixed(4)}`);
  }
  const encoded = session.exportInference({
    metadata: { [MODEL_METADATA_KEY]: JSON.stringify(testModelMetadata) },
  });
  const out = join(import.meta.dirname, '..', 'test', 'fixtures', 'tiny-model.onnx');
  writeFileSync(out, encoded.model);
  console.log(`wrote ${out} (${encoded.model.length} bytes)`);
  await session.release();
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) await main();
