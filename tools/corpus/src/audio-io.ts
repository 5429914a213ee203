/**
 * Reading the shared audio material (decoded and resampled by `@instr/dsp`) and writing 16-bit WAV clips,
 * atomically.
 */
import { renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { encodeWav } from '@instr/dsp';
import { readAudioFile } from '@instr/dsp/node';

/** Per-thread cache of decoded, resampled shared files. */
export class AudioCache {
  private readonly cache = new Map<string, Float32Array>();
  constructor(
    private readonly rootDir: string,
    private readonly sampleRate: number,
  ) {}

  /**
   * Mono samples (mean of the channels) of `file` (relative to the root) at the cache's sample rate:
   * `readAudioFile` of `@instr/dsp/node` (FLAC, WAV, Ogg, MP3) resampled with `@instr/dsp`'s default quality.
   * @throws {@link AudioDecodeError} (from `@instr/core`) when the file does not decode.
   */
  async get(file: string): Promise<Float32Array> {
    let x = this.cache.get(file);
    if (!x) {
      const audio = await readAudioFile(`${this.rootDir}/${file}`, {
        mono: true,
        sampleRate: this.sampleRate,
      });
      x = audio.channels[0]!;
      this.cache.set(file, x);
    }
    return x;
  }
}

/** 16-bit PCM mono WAV bytes (`encodeWav` of `@instr/dsp`: `round(x · 32768)`, clipped to the 16-bit range). */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  return encodeWav({ sampleRate, channels: [samples] });
}

/** Writes `data` to `path` atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${threadId}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
