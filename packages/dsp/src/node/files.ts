import { randomBytes } from 'node:crypto';
import { type FileHandle, open, rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type Audio, InstrError, IOError } from '@instr/core';
import {
  type DecodeAudioOptions,
  type DecodeAudioStreamOptions,
  decodePieces,
  framePieces,
  resolveChunkSeconds,
  resolveOptions,
} from '../io/decode.js';
import { type AudioInfo, probeSource } from '../io/info.js';
import type { ByteSource } from '../io/source.js';
import { type EncodeWavOptions, encodeWav } from '../io/wav.js';

/**
 * Options of {@link readAudioFile}: those of `decodeAudio`; `source` defaults to the path.
 * @example
 * ```ts
 * await readAudioFile('a.flac', { mono: true, sampleRate: 22050 } satisfies ReadAudioFileOptions);
 * ```
 */
export type ReadAudioFileOptions = DecodeAudioOptions;

/**
 * Options of {@link streamAudioFile}: those of `decodeAudioStream` (`chunkSeconds` default 10).
 * @example
 * ```ts
 * streamAudioFile('long.wav', { chunkSeconds: 60, mono: true } satisfies StreamAudioFileOptions);
 * ```
 */
export type StreamAudioFileOptions = DecodeAudioStreamOptions;

/**
 * Information from {@link readAudioFileInfo}: {@link AudioInfo} plus the file's path and size.
 * @example
 * ```ts
 * const { path, bytes, format, duration } = await readAudioFileInfo('a.ogg');
 * ```
 */
export interface AudioFileInfo extends AudioInfo {
  path: string;
  /** File size in bytes. */
  bytes: number;
}

function ioError(path: string, action: string, cause: unknown): IOError {
  const code = (cause as NodeJS.ErrnoException)?.code;
  const why =
    code === 'ENOENT'
      ? 'no such file or directory'
      : code === 'EACCES' || code === 'EPERM'
        ? 'permission denied'
        : code === 'EISDIR'
          ? 'it is a directory'
          : code === 'ENOTDIR'
            ? 'a parent path is not a directory'
            : ((cause as Error)?.message ?? String(cause));
  return new IOError(`Cannot ${action} ${path}: ${why}.`, { details: { file: path, code }, cause });
}

async function openForRead(path: string): Promise<{ handle: FileHandle; size: number }> {
  if (typeof path !== 'string' || path.length === 0) {
    throw new IOError(`Audio file path must be a non-empty string, got ${JSON.stringify(path)}.`, {
      details: { key: 'path', actual: path },
    });
  }
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (cause) {
    throw ioError(path, 'open audio file', cause);
  }
  try {
    const st = await handle.stat();
    if (st.isDirectory())
      throw ioError(path, 'read audio file', Object.assign(new Error(), { code: 'EISDIR' }));
    return { handle, size: st.size };
  } catch (e) {
    await handle.close().catch(() => {});
    throw InstrError.isInstance(e) ? e : ioError(path, 'stat audio file', e);
  }
}

/** A ranged-read source over an open file. */
function fileSource(handle: FileHandle, size: number, path: string): ByteSource {
  return {
    size,
    async read(offset, length) {
      const n = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(n);
      let got = 0;
      try {
        while (got < n) {
          const { bytesRead } = await handle.read(buf, got, n - got, offset + got);
          if (bytesRead === 0) break;
          got += bytesRead;
        }
      } catch (cause) {
        throw ioError(path, 'read audio file', cause);
      }
      return got === n ? buf : buf.subarray(0, got);
    },
    release() {},
  };
}

/**
 * Reads and decodes an audio file (WAV, FLAC, MP3, Ogg Vorbis, Ogg Opus, identified by content, not by
 * extension). WAV files are read by ranges, so `offset`/`duration` read only what they need.
 *
 * @throws {@link IOError} when the file is missing or unreadable; decoding errors as `decodeAudio`, naming the file.
 * @example
 * ```ts
 * import { readAudioFile } from '@instr/dsp/node';
 * const audio = await readAudioFile('take1.flac', { mono: true });
 * ```
 */
export async function readAudioFile(path: string, options: ReadAudioFileOptions = {}): Promise<Audio> {
  const o = resolveOptions({ ...options, source: options.source ?? path });
  const { handle, size } = await openForRead(path);
  try {
    let result: Audio | undefined;
    const pieces = decodePieces(fileSource(handle, size, path), o, Number.POSITIVE_INFINITY);
    for await (const audio of framePieces(pieces, o, () => Number.POSITIVE_INFINITY)) result = audio;
    return result!;
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Decodes a long audio file piece by piece with bounded memory: yields `Audio` pieces of `chunkSeconds`
 * (default 10; the last may be shorter) whose concatenation equals {@link readAudioFile}'s result.
 * WAV is read by ranges (about 1 MiB at a time); FLAC, MP3 and Ogg are fed to their streaming decoders
 * 64 KiB at a time. The file stays open until the iteration ends or is broken off.
 *
 * @example
 * ```ts
 * import { streamAudioFile } from '@instr/dsp/node';
 * for await (const piece of streamAudioFile('concert.wav', { chunkSeconds: 30, mono: true })) {
 *   process(piece.channels[0]); // 30 s at a time
 * }
 * ```
 */
export async function* streamAudioFile(
  path: string,
  options: StreamAudioFileOptions = {},
): AsyncGenerator<Audio, void, undefined> {
  const o = resolveOptions({ ...options, source: options.source ?? path });
  const chunkSeconds = resolveChunkSeconds(options.chunkSeconds, o.source);
  const { handle, size } = await openForRead(path);
  try {
    const pieces = decodePieces(fileSource(handle, size, path), o, 1 << 20);
    for await (const audio of framePieces(pieces, o, (rate) =>
      Math.max(1, Math.round(chunkSeconds * rate)),
    )) {
      yield audio;
    }
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Format, sample rate, channels, length and size of an audio file, from its headers where they say
 * (WAV, FLAC, Ogg, MP3 with a Xing/LAME header: only the first 64 KiB and the last 64 KiB are read),
 * otherwise by stream-decoding it (`method: 'decoded'`).
 *
 * @throws {@link IOError} when the file is missing or unreadable; format errors as `decodeAudio`.
 * @example
 * ```ts
 * import { readAudioFileInfo } from '@instr/dsp/node';
 * const { format, sampleRate, channels, duration } = await readAudioFileInfo('take1.mp3');
 * ```
 */
export async function readAudioFileInfo(path: string): Promise<AudioFileInfo> {
  const { handle, size } = await openForRead(path);
  try {
    const info = await probeSource(fileSource(handle, size, path), { source: path });
    return { ...info, path, bytes: size };
  } finally {
    await handle.close().catch(() => {});
  }
}

/**
 * Encodes `audio` as WAV ({@link encodeWav}; 16-bit PCM by default) and writes it atomically: to a
 * temporary file in the same folder, then renamed over `path`, so readers never see a half-written file.
 *
 * @throws {@link IOError} when the folder does not exist or is not writable; encoding errors as `encodeWav`.
 * @example
 * ```ts
 * import { writeWavFile } from '@instr/dsp/node';
 * await writeWavFile('out/clip.wav', audio, { bitDepth: 24 });
 * ```
 */
export async function writeWavFile(
  path: string,
  audio: Audio,
  options: EncodeWavOptions = {},
): Promise<void> {
  const bytes = encodeWav(audio, options);
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, bytes, { flag: 'wx' });
    await rename(tmp, path);
  } catch (cause) {
    await unlink(tmp).catch(() => {});
    throw ioError(path, 'write WAV file', cause);
  }
}
