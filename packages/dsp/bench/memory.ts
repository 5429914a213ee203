/**
 * Memory benchmark: 16 kHz log-mel features (n_fft 400, hop 160, 128 mels) of a 60-minute 44.1 kHz
 * 16-bit mono WAV (317 MB, generated in a temp dir and deleted afterwards), streamed
 * (`streamAudioFile` → `Resampler` → `StreamingLogMel`) versus loaded whole
 * (`readAudioFile` → `resample` → `logMelSpectrogram`). Each runs in its own Node process
 * (bench/memory-child.ts) and reports its peak RSS (`process.resourceUsage().maxRSS`) and realtime factor.
 *
 * Run: `pnpm --filter @instr/dsp bench` or `node --conditions=instr-source --import tsx bench/memory.ts [minutes]`.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MemoryRun {
  mode: 'stream' | 'whole';
  frames: number;
  seconds: number;
  ms: number;
  baseRss: number;
  maxRss: number;
  sampledPeak: number;
}

/** Writes a `minutes`-long 44.1 kHz 16-bit mono WAV (a 440 Hz tone plus a chirp-like partial). */
export function writeLongWav(path: string, minutes: number, rate = 44100): number {
  const frames = rate * 60 * minutes;
  const header = new Uint8Array(44);
  const v = new DataView(header.buffer);
  const ascii = (o: number, s: string) => {
    for (let i = 0; i < s.length; i++) header[o + i] = s.charCodeAt(i);
  };
  ascii(0, 'RIFF');
  v.setUint32(4, 36 + frames * 2, true);
  ascii(8, 'WAVE');
  ascii(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, 1, true);
  v.setUint16(22, 1, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, rate * 2, true);
  v.setUint16(32, 2, true);
  v.setUint16(34, 16, true);
  ascii(36, 'data');
  v.setUint32(40, frames * 2, true);
  const fd = openSync(path, 'w');
  try {
    writeSync(fd, header);
    const block = new Int16Array(rate);
    for (let s = 0; s < 60 * minutes; s++) {
      const f2 = 200 + ((s * 37) % 3000);
      for (let i = 0; i < rate; i++) {
        const t = i / rate;
        block[i] = Math.round(8000 * Math.sin(2 * Math.PI * 440 * t) + 4000 * Math.sin(2 * Math.PI * f2 * t));
      }
      writeSync(fd, new Uint8Array(block.buffer));
    }
  } finally {
    closeSync(fd);
  }
  return 44 + frames * 2;
}

/** Runs bench/memory-child.ts in a fresh Node process. */
export function runMemoryChild(mode: 'stream' | 'whole', wav: string): MemoryRun {
  const script = fileURLToPath(new URL('./memory-child.ts', import.meta.url));
  const out = execFileSync(
    process.execPath,
    ['--conditions=instr-source', '--import', 'tsx', script, mode, wav],
    { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8', maxBuffer: 1 << 20 },
  );
  return JSON.parse(out.trim().split('\n').pop()!) as MemoryRun;
}

export interface MemoryBenchResult {
  minutes: number;
  fileMB: number;
  stream: MemoryRun;
  whole: MemoryRun | null;
}

export async function benchMemory(minutes = 60): Promise<MemoryBenchResult> {
  const dir = mkdtempSync(join(tmpdir(), 'instr-memory-bench-'));
  try {
    const wav = join(dir, 'long.wav');
    const size = writeLongWav(wav, minutes);
    const mb = (b: number) => `${(b / 2 ** 20).toFixed(0)} MiB`;
    console.log(
      `\n@instr/dsp memory — 16 kHz log-mel (n_fft 400, hop 160, 128 mels) of a ${minutes}-minute 44.1 kHz 16-bit WAV (${mb(size)})`,
    );
    const stream = runMemoryChild('stream', wav);
    let whole: MemoryRun | null = null;
    try {
      whole = runMemoryChild('whole', wav);
    } catch (e) {
      console.log(`  loading the whole file failed: ${String(e).slice(0, 200)}`);
    }
    for (const r of [stream, whole]) {
      if (!r) continue;
      console.log(
        `  ${r.mode === 'stream' ? 'streamed (streamAudioFile → Resampler → StreamingLogMel)' : 'whole file (readAudioFile → resample → logMelSpectrogram)'}\n` +
          `    ${r.frames} frames, peak RSS ${mb(r.maxRss)} (after imports ${mb(r.baseRss)}, growth ${mb(r.maxRss - r.baseRss)}), ` +
          `${(r.ms / 1000).toFixed(1)} s = ${((r.seconds * 1000) / r.ms).toFixed(0)}x realtime`,
      );
    }
    if (whole && whole.frames !== stream.frames) {
      console.log(`  WARNING: frame counts differ (stream ${stream.frames}, whole ${whole.frames})`);
    }
    return { minutes, fileMB: size / 2 ** 20, stream, whole };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchMemory(Number(process.argv[2] ?? 60));
}
