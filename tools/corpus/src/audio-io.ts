/** Reading the shared FLAC material and writing 16-bit WAV clips, atomically. */
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { threadId } from 'node:worker_threads';
import { AudioDecodeError } from '@instr/core';
import { FLACDecoder } from '@wasm-audio-decoders/flac';
import wavefile from 'wavefile';
import { resampleRate } from './dsp.js';

const { WaveFile } = wavefile;

/** Decoded mono audio. */
export interface MonoAudio {
  sampleRate: number;
  samples: Float32Array;
}

let decoder: FLACDecoder | null = null;

/**
 * Decodes a FLAC file to mono (mean of channels).
 * TODO(dsp-io): switch to `readAudioFile` from `@instr/dsp/node` once it lands.
 * @throws {@link AudioDecodeError} when the file does not decode.
 */
export async function decodeFlacFile(path: string): Promise<MonoAudio> {
  const bytes = readFileSync(path);
  if (!decoder) decoder = new FLACDecoder();
  await decoder.ready;
  const decoded = await decoder.decodeFile(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  await decoder.reset();
  if (decoded.samplesDecoded === 0 || decoded.channelData.length === 0 || decoded.errors.length > 0) {
    throw new AudioDecodeError(
      `Could not decode FLAC ${path} (${decoded.errors.length} errors, ${decoded.samplesDecoded} samples).`,
      {
        details: { file: path },
      },
    );
  }
  const chans = decoded.channelData;
  const n = decoded.samplesDecoded;
  const mono = new Float32Array(n);
  for (const ch of chans) for (let i = 0; i < n; i++) mono[i]! += ch[i]! / chans.length;
  return { sampleRate: decoded.sampleRate, samples: mono };
}

/** Per-thread cache of decoded, resampled shared files. */
export class AudioCache {
  private readonly cache = new Map<string, Float32Array>();
  constructor(
    private readonly rootDir: string,
    private readonly sampleRate: number,
  ) {}

  /** Mono samples of `file` (relative to the root) at the cache's sample rate. */
  async get(file: string): Promise<Float32Array> {
    let x = this.cache.get(file);
    if (!x) {
      const audio = await decodeFlacFile(`${this.rootDir}/${file}`);
      x = resampleRate(audio.samples, audio.sampleRate, this.sampleRate);
      this.cache.set(file, x);
    }
    return x;
  }
}

/** 16-bit PCM mono WAV bytes (`round(x * 32768)`, clipped to the 16-bit range). */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array {
  const pcm = new Int16Array(samples.length);
  for (let i = 0; i < samples.length; i++) {
    pcm[i] = Math.max(-32768, Math.min(32767, Math.round(samples[i]! * 32768)));
  }
  const wav = new WaveFile();
  wav.fromScratch(1, sampleRate, '16', pcm);
  return wav.toBuffer();
}

/** Reads a WAV file written by {@link encodeWav16} back to floats in [-1, 1]. */
export function decodeWav(bytes: Uint8Array): MonoAudio {
  const wav = new WaveFile();
  wav.fromBuffer(bytes);
  const fmt = wav.fmt as { sampleRate: number; numChannels: number; bitsPerSample: number };
  const raw = wav.getSamples(false, Float64Array) as unknown as Float64Array | Float64Array[];
  const ch = Array.isArray(raw) ? raw[0]! : raw;
  const samples = new Float32Array(ch.length);
  for (let i = 0; i < ch.length; i++) samples[i] = ch[i]! / 32768;
  return { sampleRate: fmt.sampleRate, samples };
}

/** Writes `data` to `path` atomically (temp file in the same folder, then rename). */
export function writeFileAtomic(path: string, data: Uint8Array | string): void {
  const tmp = `${path}.tmp-${process.pid}-${threadId}`;
  writeFileSync(tmp, data);
  renameSync(tmp, path);
}
