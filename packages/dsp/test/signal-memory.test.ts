import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runMemoryChild, writeLongWav } from '../bench/memory.js';

// The 60-minute version with the whole-file comparison is `pnpm --filter @instr/dsp bench` (bench/memory.ts).
describe('streamed features of a long file use bounded memory', () => {
  const dir = mkdtempSync(join(tmpdir(), 'instr-signal-memory-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('streamAudioFile → Resampler → StreamingLogMel: peak RSS does not grow with the file length (2 vs 10 minutes)', () => {
    const short = join(dir, 'short.wav');
    const long = join(dir, 'long.wav');
    writeLongWav(short, 2);
    writeLongWav(long, 10);
    const a = runMemoryChild('stream', short);
    rmSync(short);
    const b = runMemoryChild('stream', long);
    // Every frame is produced: 16 kHz, hop 160, centred → 1 + samples / 160 frames.
    expect(a.frames).toBe(1 + (2 * 60 * 16000) / 160);
    expect(b.frames).toBe(1 + (10 * 60 * 16000) / 160);
    const growthA = a.maxRss - a.baseRss;
    const growthB = b.maxRss - b.baseRss;
    const MiB = 2 ** 20;
    console.log(
      `signal-memory: RSS growth 2 min ${(growthA / MiB).toFixed(0)} MiB, 10 min ${(growthB / MiB).toFixed(0)} MiB`,
    );
    // Holding the 10-minute signal would need its float32 samples alone (10·60·44100·4 B = 101 MiB) on top
    // of what 2 minutes need; streaming keeps a few 10 s pieces, the resampler and mel state (~66 MiB
    // total growth measured, mostly V8 heap headroom, at 5, 10, 20 and 60 minutes alike).
    expect(growthB - growthA).toBeLessThan(40 * MiB);
    expect(growthB).toBeLessThan(10 * 60 * 44100 * 4);
  });
});
