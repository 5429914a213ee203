import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Tensor } from '@instr/core';
import { decodeCheckpoint } from '@instr/models';
import { describe, expect, it } from 'vitest';

const script = new URL('./scripts/train-child.ts', import.meta.url).pathname;

function run(
  args: string[],
  killWhen?: (dir: string) => boolean,
): Promise<{ code: number | null; signal: string | null; out: string }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ['--conditions=instr-source', '--import', 'tsx', script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    p.stdout.on('data', (d) => (out += d));
    p.stderr.on('data', (d) => (out += d));
    let timer: NodeJS.Timeout | undefined;
    if (killWhen) {
      timer = setInterval(() => {
        if (killWhen(args[0]!)) {
          clearInterval(timer);
          p.kill('SIGKILL');
        }
      }, 20);
    }
    p.on('error', reject);
    p.on('exit', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, out });
    });
  });
}

function stepsLogged(dir: string): number {
  const f = join(dir, 'log.jsonl');
  if (!existsSync(f)) return 0;
  return readFileSync(f, 'utf8')
    .split('\n')
    .filter((l) => l.includes('"type":"step"')).length;
}

function weights(dir: string) {
  return decodeCheckpoint(new Uint8Array(readFileSync(join(dir, 'last.ckpt'))));
}

/** Largest absolute difference between the same tensors of two checkpoints. */
function maxWeightDiff(a: ReturnType<typeof weights>, b: ReturnType<typeof weights>): number {
  let max = 0;
  for (const [name, t] of a.tensors) {
    const u = b.tensors.get(name)!;
    for (let i = 0; i < t.size; i++) max = Math.max(max, Math.abs(Number(t.data[i]) - Number(u.data[i])));
  }
  return max;
}

describe('train(): resumable after SIGKILL', () => {
  it('kill mid-epoch (after the head warm-up), resume: same final weights as an uninterrupted run', async () => {
    const a = mkdtempSync(join(tmpdir(), 'instr-train-a-'));
    const b = mkdtempSync(join(tmpdir(), 'instr-train-b-'));
    const full = await run([a, '0', '0']);
    expect(full.out).toContain('child finished');
    // 12 steps per epoch; kill during epoch 2 (after the unfreeze), after the step-10 checkpoint
    const killed = await run([b, '0', '1'], (dir) => stepsLogged(dir) >= 19);
    expect(killed.signal).toBe('SIGKILL');
    expect(stepsLogged(b)).toBeLessThan(36);
    const resumed = await run([b, '1', '0']);
    expect(resumed.out).toContain('child finished');
    // no terminal: progress comes as plain lines (a tenth of an epoch each, then a summary per epoch)
    expect(full.out).toMatch(/^epoch 1\/3 batch \d+\/12 loss \d\.\d{4}/m);
    expect(full.out).toMatch(/^epoch 3\/3 done: train\/loss \d\.\d{4}, val\/\w+ \d\.\d{4}/m);
    expect(resumed.out).not.toMatch(/^epoch 1\/3/m);
    const wa = weights(a);
    const wb = weights(b);
    expect(wb.step).toBe(wa.step);
    expect(wa.step).toBe(36);
    expect(maxWeightDiff(wa, wb)).toBe(0);
    // logs were truncated to the checkpoint and continued: one line per step, one per epoch
    expect(stepsLogged(b)).toBe(36);
    const csv = readFileSync(join(b, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(4);
    expect(csv[0]).toMatch(/^epoch,step,lr,train\/loss,val\/loss,val\/f1/);
    expect(readFileSync(join(a, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(b, 'metrics.csv'), 'utf8'));
  }, 120_000);
});

describe('train(): gradient accumulation', () => {
  it('accumulate 3: 4 updates per epoch, killed and resumed to the same weights', async () => {
    const a = mkdtempSync(join(tmpdir(), 'instr-acc-a-'));
    const b = mkdtempSync(join(tmpdir(), 'instr-acc-b-'));
    const full = await run([a, '0', '0', '3']);
    expect(full.out).toContain('child finished');
    const killed = await run([b, '0', '1', '3'], (dir) => stepsLogged(dir) >= 20);
    expect(killed.signal).toBe('SIGKILL');
    const resumed = await run([b, '1', '0', '3']);
    expect(resumed.out).toContain('child finished');
    const wa = weights(a);
    const wb = weights(b);
    expect(wa.step).toBe(12);
    expect(wb.step).toBe(12);
    expect(maxWeightDiff(wa, wb)).toBe(0);
    expect(stepsLogged(b)).toBe(36);
  }, 120_000);
});

describe('train(): schedules, early stopping, head warm-up', async () => {
  const { memoryData, train } = await import('../src/loop/index.js');
  const { simpleCnn } = await import('../src/recipes/simple-cnn.js');
  const { toyData, toyInstruments } = await import('./helpers.js');
  const { buildTrainingArtifacts } = await import('@instr/models');
  const { loadCheckpointFile } = await import('@instr/models/node');
  const { x, y } = toyData(32, 1);
  const tr = memoryData(x, y, { batchSize: 8, seed: 1 });
  const model = simpleCnn({ classes: 3, channels: [4], hidden: 8, seed: 3 });
  const base = {
    model,
    inputShape: ['N', 1, 8, 8] as const,
    instruments: toyInstruments,
    data: { train: tr.batches, stepsPerEpoch: tr.stepsPerEpoch },
    quiet: true,
    sessionOptions: { intraOpNumThreads: 1 },
  };

  it('plateau halves the lr when the monitor stalls; early stopping ends the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-plateau-'));
    // "max" of a decreasing loss never improves after epoch 1
    const r = await train({
      ...base,
      outDir: dir,
      epochs: 10,
      lr: 1e-2,
      schedule: { type: 'plateau', patience: 0, factor: 0.5 },
      monitor: 'train/loss',
      monitorMode: 'max',
      earlyStopping: { patience: 3 },
    });
    expect(r.stoppedEarly).toBe(true);
    expect(r.history).toHaveLength(4);
    // the lr used in each epoch: reduced after epochs 2, 3 (epoch 1 sets the best)
    expect(r.history.map((h) => h.lr)).toEqual([1e-2, 1e-2, 5e-3, 2.5e-3]);
    expect(r.best!.epoch).toBe(1);
    await r.session.release();
    await expect(train({ ...base, outDir: dir, epochs: 1, lr: 1e-2, monitor: 'val/nope' })).rejects.toThrow(
      /monitor/,
    );
  });

  it('head warm-up: backbone frozen in the warm-up epochs, geometric lr, then trained', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'instr-warm-'));
    const r = await train({
      ...base,
      outDir: dir,
      epochs: 3,
      lr: 1e-3,
      headWarmup: { epochs: 1, lr: 1e-2, freeze: '^backbone\\.' },
    });
    const init = buildTrainingArtifacts({
      model,
      inputShape: base.inputShape,
      targetShape: ['N', 3],
      optimizer: { type: 'adamw' },
    }).initialState();
    const e1 = decodeCheckpoint(await loadCheckpointFile(join(dir, 'epoch-001.ckpt'))).tensors;
    const e3 = decodeCheckpoint(await loadCheckpointFile(join(dir, 'epoch-003.ckpt'))).tensors;
    const same = (a: Tensor, b: Tensor) => a.data.every((v, i) => v === b.data[i]);
    expect(same(e1.get('backbone.block1.conv.weight')!, init.get('backbone.block1.conv.weight')!)).toBe(true);
    expect(same(e1.get('head.fc2.weight')!, init.get('head.fc2.weight')!)).toBe(false);
    expect(same(e3.get('backbone.block1.conv.weight')!, init.get('backbone.block1.conv.weight')!)).toBe(
      false,
    );
    const steps = readFileSync(join(dir, 'log.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
      .filter((l) => l.type === 'step');
    expect(steps[0].lr).toBeCloseTo(1e-2, 12);
    expect(steps[3].lr).toBeCloseTo(1e-3, 12); // 4 warm-up steps: 1e-2 → 1e-3 geometrically
    expect(steps[1].lr).toBeCloseTo(1e-2 * 0.1 ** (1 / 3), 12);
    await r.session.release();
  });
});

describe('train(): batch mixup', () => {
  it('mixup on: killed mid-epoch and resumed to the same weights; it changes the training', async () => {
    const a = mkdtempSync(join(tmpdir(), 'instr-mix-a-'));
    const b = mkdtempSync(join(tmpdir(), 'instr-mix-b-'));
    const plain = mkdtempSync(join(tmpdir(), 'instr-mix-plain-'));
    const full = await run([a, '0', '0', '1', 'mix']);
    expect(full.out).toContain('child finished');
    const killed = await run([b, '0', '1', '1', 'mix'], (dir) => stepsLogged(dir) >= 19);
    expect(killed.signal).toBe('SIGKILL');
    expect(stepsLogged(b)).toBeLessThan(36);
    const resumed = await run([b, '1', '0', '1', 'mix']);
    expect(resumed.out).toContain('child finished');
    const wa = weights(a);
    const wb = weights(b);
    expect(wa.step).toBe(36);
    expect(wb.step).toBe(36);
    expect(maxWeightDiff(wa, wb)).toBe(0);
    expect(readFileSync(join(a, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(b, 'metrics.csv'), 'utf8'));
    const runJson = JSON.parse(readFileSync(join(a, 'run.json'), 'utf8'));
    expect(runJson.mixup).toEqual({ alpha: 0.4, p: 0.5, labels: 'mix' });
    expect(runJson.schedule).toEqual({ type: 'warmup-cosine', warmupEpochs: 1, final: 0.01 });
    // The same run with labels 'max' (union targets instead of λ-mixed ones) ends with other weights.
    expect((await run([plain, '0', '0', '1', 'max'])).out).toContain('child finished');
    const wp = weights(plain);
    let diff = 0;
    for (const [name, t] of wa.tensors) {
      const u = wp.tensors.get(name)!;
      for (let i = 0; i < t.size; i++) diff = Math.max(diff, Math.abs(Number(t.data[i]) - Number(u.data[i])));
    }
    expect(diff).toBeGreaterThan(0);
  }, 180_000);
});
