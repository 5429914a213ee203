/**
 * Evaluates shipped model files on shared/data/dev exactly as users run them (@instr/infer, per-class
 * thresholds from the model) and times a 3-s clip, e.g. to compare the float and int8 models.
 *
 *   pnpm --filter @instr/default-model evaluate -- ../../packages/infer/models/default.onnx default.int8.onnx
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { InstrumentSet, Tensor } from '@instr/core';
import { readAudioFile } from '@instr/dsp/node';
import { loadClassifier } from '@instr/infer';
import { averagePrecisionScore, f1Score } from '@instr/metrics';
import { loadCsvDataset } from '@instr/train';
import { Command } from 'commander';
import { cliArgv } from './argv.js';

const program = new Command()
  .argument('<models...>', 'ONNX model files')
  .option('--json <file>', 'also write the results to this JSON file')
  .option('--dev <dir>', 'validation folder', resolve(import.meta.dirname, '../../../../shared/data/dev'))
  .parse(cliArgv());
const { dev, json } = program.opts<{ dev: string; json?: string }>();
const results: Record<string, unknown>[] = [];
const instruments = InstrumentSet.irmas();
const { items: files } = await loadCsvDataset(`${dev}/manifest.csv`, { instruments });
const audios = await Promise.all(files.map((f) => readAudioFile(f.path)));
const truth = new Tensor(
  'float32',
  Float32Array.from(files.flatMap((f) => [...instruments.encode(f.codes)])),
  [files.length, instruments.size],
);

for (const path of program.args) {
  const classifier = await loadClassifier(path);
  const scores = new Float32Array(files.length * instruments.size);
  const decisions = new Float32Array(files.length * instruments.size);
  for (let i = 0; i < files.length; i++) {
    const r = await classifier.classify(audios[i]!);
    instruments.codes.forEach((code, c) => {
      const s = r.instruments.find((x) => x.code === code)!;
      scores[i * instruments.size + c] = s.probability;
      decisions[i * instruments.size + c] = s.present ? 1 : 0;
    });
  }
  const shape = [files.length, instruments.size];
  const f1 = f1Score(truth, new Tensor('float32', decisions, shape), { average: 'macro', zeroDivision: 0 });
  const map = averagePrecisionScore(truth, new Tensor('float32', scores, shape), { average: 'macro' });
  // Latency of one 3-s clip (decoded audio in, result out), median of 30 runs after warm-up.
  const first = audios[0]!;
  const clip = {
    sampleRate: first.sampleRate,
    channels: [first.channels[0]!.slice(0, 3 * first.sampleRate)],
  };
  const times: number[] = [];
  for (let k = 0; k < 35; k++) {
    const t0 = performance.now();
    await classifier.classify(clip);
    if (k >= 5) times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const result = {
    model: path,
    devFiles: files.length,
    macroF1: Number(f1),
    mAP: map,
    clip3sMsMedian: times[15],
  };
  results.push(result);
  console.log(JSON.stringify(result));
  await classifier.dispose();
}
if (json) writeFileSync(json, JSON.stringify(results, null, 2));
