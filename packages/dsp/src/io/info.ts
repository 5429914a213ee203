import { ascii, type AudioBytes, asUint8Array, fileDetail, inSource } from './bytes.js';
import { flacStreamInfo, mpegChannels, oggEnding, oggLastGranule } from './codecs.js';
import type { DecodeAudioOptions } from './decode.js';
import { decodePieces, detectFormat, resolveOptions } from './decode.js';
import type { AudioFormat } from './sniff.js';
import { type ByteSource, bufferSource } from './source.js';
import { readWavHeader, type WavEncoding } from './wav.js';
import { AudioDecodeError } from '@instr/core';

/**
 * What {@link readAudioInfo} learns about a file without decoding all of it.
 * @example
 * ```ts
 * const { format, sampleRate, channels, frames, duration, method } = await readAudioInfo(bytes);
 * ```
 */
export interface AudioInfo {
  /** Container and codec, from the magic bytes. */
  format: AudioFormat;
  /** Sample rate of the decoded audio in Hz (48000 for Opus, whatever rate it was encoded from). */
  sampleRate: number;
  /** Channels of the decoded audio. */
  channels: number;
  /** Samples per channel after decoding (encoder delay/padding removed where the decoders remove it). */
  frames: number;
  /** `frames / sampleRate`, in seconds. */
  duration: number;
  /** Bits per sample of lossless formats (WAV, FLAC); undefined for lossy ones. */
  bitDepth: number | undefined;
  /** WAV sample encoding; undefined for other formats. */
  encoding: WavEncoding | undefined;
  /** How `frames` was found: from the header (cheap) or by decoding the whole file (MP3 without a Xing header…). */
  method: 'header' | 'decoded';
}

/** Reads format, rate, channels and length from a source, decoding only when the headers do not say. @internal */
export async function probeSource(
  src: ByteSource,
  options: Pick<DecodeAudioOptions, 'source'> = {},
): Promise<AudioInfo> {
  const source = options.source;
  const { format, prefix, start } = await detectFormat(src, source);
  const base = { format, bitDepth: undefined, encoding: undefined } as const;
  if (format === 'wav') {
    const h = await readWavHeader(src, source, true);
    const frames = Number.isFinite(h.frames) ? h.frames : 0;
    return {
      ...base,
      sampleRate: h.sampleRate,
      channels: h.channels,
      frames,
      duration: frames / h.sampleRate,
      bitDepth: h.validBits,
      encoding: h.encoding,
      method: 'header',
    };
  }
  if (format === 'flac') {
    const si = flacStreamInfo(prefix, start);
    if (si?.totalSamples !== undefined) {
      return {
        ...base,
        sampleRate: si.sampleRate,
        channels: si.channels,
        frames: si.totalSamples,
        duration: si.totalSamples / si.sampleRate,
        bitDepth: si.bitDepth,
        method: 'header',
      };
    }
  }
  if (format.startsWith('ogg') && src.size !== undefined) {
    const packet = 27 + prefix[26]!;
    let sampleRate = 0;
    let channels = 0;
    let preSkip = 0;
    let bitDepth: number | undefined;
    if (format === 'ogg-vorbis') {
      channels = prefix[packet + 11] ?? 0;
      sampleRate = u32(prefix, packet + 12);
    } else if (format === 'ogg-opus') {
      channels = prefix[packet + 9] ?? 0;
      preSkip = (prefix[packet + 10] ?? 0) | ((prefix[packet + 11] ?? 0) << 8);
      sampleRate = 48000;
    } else if (ascii(prefix, packet + 9, 4) === 'fLaC') {
      const si = flacStreamInfo(prefix, packet + 9);
      if (si) ({ sampleRate, channels, bitDepth } = si);
    }
    const tailStart = Math.max(0, src.size - 65_536 - 282);
    const tail = await src.read(tailStart, src.size - tailStart);
    const granule = oggEnding(tail) === 'eos' ? oggLastGranule(tail) : undefined;
    if (granule !== undefined && sampleRate > 0 && channels > 0) {
      const frames = Math.max(0, granule - preSkip);
      return {
        ...base,
        sampleRate,
        channels,
        frames,
        duration: frames / sampleRate,
        bitDepth,
        method: 'header',
      };
    }
  }
  if (format === 'mp3') {
    const x = xingFrames(prefix, start);
    if (x) {
      return {
        ...base,
        sampleRate: x.sampleRate,
        channels: mpegChannels(prefix, start),
        frames: x.frames,
        duration: x.frames / x.sampleRate,
        method: 'header',
      };
    }
  }
  // No usable header: decode everything (streamed, so memory stays bounded) and count.
  let frames = 0;
  let sampleRate = 0;
  let channels = 0;
  for await (const p of decodePieces(src, resolveOptions({ source, allowTruncated: true }), 1 << 20)) {
    frames += p.channels[0]!.length;
    sampleRate = p.sampleRate;
    channels = p.channels.length;
  }
  if (frames === 0) {
    throw new AudioDecodeError(`Audio${inSource(source)} decodes to no samples.`, {
      details: { ...fileDetail(source), format, actual: 0 },
    });
  }
  return { ...base, sampleRate, channels, frames, duration: frames / sampleRate, method: 'decoded' };
}

const u32 = (b: Uint8Array, o: number) =>
  ((b[o] ?? 0) | ((b[o + 1] ?? 0) << 8) | ((b[o + 2] ?? 0) << 16) | ((b[o + 3] ?? 0) << 24)) >>> 0;
const be32 = (b: Uint8Array, o: number) =>
  (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;

const MPEG_RATES = [
  [11025, 12000, 8000], // MPEG 2.5
  [0, 0, 0],
  [22050, 24000, 16000], // MPEG 2
  [44100, 48000, 32000], // MPEG 1
];

/**
 * Sample count of an MP3 from its Xing/Info header (frames × samples per frame, minus the LAME tag's
 * encoder delay and padding, as mpg123's gapless mode removes them). @internal
 */
export function xingFrames(b: Uint8Array, start: number): { frames: number; sampleRate: number } | undefined {
  if (start + 4 > b.length) return undefined;
  const version = (b[start + 1]! >> 3) & 3;
  const layer = (b[start + 1]! >> 1) & 3; // 1 = layer III
  const sampleRate = MPEG_RATES[version]![(b[start + 2]! >> 2) & 3] ?? 0;
  if (layer !== 1 || sampleRate === 0) return undefined;
  const mono = b[start + 3]! >> 6 === 3;
  const sideInfo = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17;
  const x = start + 4 + sideInfo;
  const tag = ascii(b, x, 4);
  if (tag !== 'Xing' && tag !== 'Info') return undefined;
  const flags = be32(b, x + 4);
  if (!(flags & 1)) return undefined;
  const frameCount = be32(b, x + 8);
  const samplesPerFrame = version === 3 ? 1152 : 576;
  let p = x + 8 + 4;
  if (flags & 2) p += 4;
  if (flags & 4) p += 100;
  if (flags & 8) p += 4;
  let delay = 0;
  let padding = 0;
  if (ascii(b, p, 4) === 'LAME' || ascii(b, p, 4) === 'Lavc' || ascii(b, p, 4) === 'Lavf') {
    const d = p + 21;
    if (d + 3 <= b.length) {
      delay = (b[d]! << 4) | (b[d + 1]! >> 4);
      padding = ((b[d + 1]! & 0x0f) << 8) | b[d + 2]!;
    }
  }
  const frames = frameCount * samplesPerFrame - delay - padding;
  return frames > 0 ? { frames, sampleRate } : undefined;
}

/**
 * Format, sample rate, channel count and length of audio bytes, read from the headers when they say
 * (WAV, FLAC STREAMINFO, Ogg granule positions, MP3 Xing/LAME header) and otherwise by decoding.
 * Same errors as {@link decodeAudio} for unknown or corrupt input; truncated files are reported as they are.
 *
 * @example
 * ```ts
 * const info = await readAudioInfo(bytes);
 * console.log(info.format, info.sampleRate, info.channels, info.duration.toFixed(2));
 * ```
 */
export async function readAudioInfo(
  bytes: AudioBytes,
  options: { source?: string } = {},
): Promise<AudioInfo> {
  return probeSource(bufferSource(asUint8Array(bytes, options.source)), options);
}
