import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

describe('train(): resumable after SIGKILL', () => {
  it('kill mid-epoch (after the head warm-up), resume: same final weights as an uninterrupted run', async () => {
    const a = mkdtempSync(join(tmpdir(), 'instr-train-a-'));
    const b = mkdtempSync(join(tmpdir(), 'instr-train-b-'));
    const full = await run([a, '0', '0']);
    expect(full.out).toContain('done');
    // 12 steps per epoch; kill during epoch 2 (after the unfreeze), after the step-10 checkpoint
    const killed = await run([b, '0', '1'], (dir) => stepsLogged(dir) >= 19);
    expect(killed.signal).toBe('SIGKILL');
    expect(stepsLogged(b)).toBeLessThan(36);
    const resumed = await run([b, '1', '0']);
    expect(resumed.out).toContain('done');
    const wa = weights(a);
    const wb = weights(b);
    expect(wb.step).toBe(wa.step);
    expect(wa.step).toBe(36);
    let maxDiff = 0;
    for (const [name, t] of wa.tensors) {
      const u = wb.tensors.get(name)!;
      for (let i = 0; i < t.size; i++)
        maxDiff = Math.max(maxDiff, Math.abs((t.data[i] as number) - (u.data[i] as number)));
    }
    expect(maxDiff).toBe(0);
    // logs were truncated to the checkpoint and continued: one line per step, one per epoch
    expect(stepsLogged(b)).toBe(36);
    const csv = readFileSync(join(b, 'metrics.csv'), 'utf8').trim().split('\n');
    expect(csv.length).toBe(4);
    expect(csv[0]).toMatch(/^epoch,step,lr,train\/loss,val\/loss,val\/f1/);
    expect(readFileSync(join(a, 'metrics.csv'), 'utf8')).toBe(readFileSync(join(b, 'metrics.csv'), 'utf8'));
  }, 120_000);
});
