// Child process of loop.test.ts: a small deterministic run (killed and resumed by the test).
import { train } from '../../src/loop/index.js';
import { memoryData } from '../../src/loop/batches.js';
import { simpleCnn } from '../../src/recipes/simple-cnn.js';
import { toyData, toyInstruments } from '../helpers.js';

// argv: outDir resume(0|1) slow(0|1) [accumulate] [mixup: 'mix' | 'max' → batch mixup + warmup-cosine schedule]
const [outDir, resume, slow, accumulate, mixup] = process.argv.slice(2);
const { x, y } = toyData(48, 3);
const tr = memoryData(x, y, { batchSize: 4, seed: 5 });
const va = memoryData(toyData(12, 4).x, toyData(12, 4).y, { batchSize: 6, shuffle: false });
await train({
  model: simpleCnn({ classes: 3, channels: [4, 8], hidden: 8, dropout: 0.2, seed: 2 }),
  inputShape: ['N', 1, 8, 8],
  instruments: toyInstruments,
  data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch, val: () => va.batches() },
  outDir: outDir!,
  epochs: 3,
  lr: 3e-3,
  schedule: mixup ? { type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 } : { type: 'onecycle' },
  mixup: mixup ? { alpha: 0.4, p: 0.5, labels: mixup as 'mix' | 'max' } : undefined,
  headWarmup: { epochs: 1, lr: 1e-2, freeze: '^backbone\\.' },
  checkpointEverySteps: accumulate ? 2 : 5,
  accumulate: accumulate && accumulate !== '1' ? Number(accumulate) : undefined,
  resume: resume === '1',
  quiet: false, // stderr is a pipe: plain progress lines, checked by the resume test
  seed: 9,
  sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1, executionMode: 'sequential' },
  onStep:
    slow === '1'
      ? () => {
          const t = Date.now();
          while (Date.now() - t < 60);
        }
      : undefined,
});
console.log('child finished');
