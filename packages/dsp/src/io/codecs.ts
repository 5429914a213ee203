import { AudioDecodeError } from '@instr/core';
import { fileDetail, inSource } from './bytes.js';
import type { AudioFormat } from './sniff.js';

/** A piece of decoded audio. @internal */
export interface PcmPiece {
  sampleRate: number;
  channels: Float32Array[];
}

/** A streaming decoder for one compressed file: feed bytes in order, then flush. @internal */
export interface StreamDecoder {
  decode(bytes: Uint8Array): Promise<PcmPiece | undefined>;
  flush(): Promise<PcmPiece | undefined>;
  /**
   * Native FLAC only: decodes one frame given as raw bytes, bypassing the stream parser. Used to recover a
   * short final frame that codec-parser drops at end of stream (it waits for a following frame sync).
   */
  decodeFrame?(frame: Uint8Array): Promise<PcmPiece | undefined>;
  free(): void;
}

interface WasmResult {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string; inputBytes?: number; frameNumber?: number }[];
}

const NAMES: Record<AudioFormat, string> = {
  wav: 'WAV',
  flac: 'FLAC',
  'ogg-flac': 'Ogg FLAC',
  mp3: 'MP3',
  'ogg-vorbis': 'Ogg Vorbis',
  'ogg-opus': 'Ogg Opus',
};

/** Display name of a format. @internal */
export function formatName(format: AudioFormat): string {
  return NAMES[format];
}

/**
 * Creates the wasm decoder for `format` (loaded on first use, so WAV-only users never load wasm).
 * `mp3Channels` fixes the channel count of MP3 (mpg123 always outputs two). @internal
 */
export async function createStreamDecoder(
  format: Exclude<AudioFormat, 'wav'>,
  source: string | undefined,
  mp3Channels = 2,
): Promise<StreamDecoder> {
  const name = NAMES[format];
  let inner: {
    ready: Promise<void>;
    decode(b: Uint8Array): WasmResult | Promise<WasmResult>;
    flush?(): Promise<WasmResult>;
    decodeFrames?(frames: Uint8Array[]): WasmResult | Promise<WasmResult>;
    free(): void;
  };
  try {
    if (format === 'flac' || format === 'ogg-flac') {
      const { FLACDecoder } = await import('@wasm-audio-decoders/flac');
      inner = new FLACDecoder();
    } else if (format === 'mp3') {
      const { MPEGDecoder } = await import('mpg123-decoder');
      inner = new MPEGDecoder({ enableGapless: true });
    } else if (format === 'ogg-vorbis') {
      const { OggVorbisDecoder } = await import('@wasm-audio-decoders/ogg-vorbis');
      inner = new OggVorbisDecoder();
    } else {
      const { OggOpusDecoder } = await import('ogg-opus-decoder');
      inner = new OggOpusDecoder();
    }
    await inner.ready;
  } catch (cause) {
    throw new AudioDecodeError(
      `Could not load the ${name} decoder${inSource(source)}: ${messageOf(cause)}.`,
      {
        details: { ...fileDetail(source), format },
        cause,
      },
    );
  }
  let freed = false;
  const convert = (r: WasmResult): PcmPiece | undefined => {
    if (r.errors && r.errors.length > 0) {
      const e = r.errors[0]!;
      const at = e.inputBytes !== undefined ? ` near byte ${e.inputBytes}` : '';
      throw new AudioDecodeError(
        `${name} data${inSource(source)} is corrupt${at}: ${e.message}` +
          (r.errors.length > 1 ? ` (and ${r.errors.length - 1} more errors)` : '') +
          '.',
        { details: { ...fileDetail(source), format, errors: r.errors.length, offset: e.inputBytes } },
      );
    }
    if (!r.samplesDecoded) return undefined;
    if (r.channelData.length === 0 || r.channelData.length > 255 || !(r.sampleRate > 0)) {
      throw new AudioDecodeError(
        `${name} data${inSource(source)} is corrupt: the decoder reports ${r.channelData.length} channels at ${r.sampleRate} Hz.`,
        { details: { ...fileDetail(source), format, actual: r.channelData.length } },
      );
    }
    let channels = r.channelData.map((c) =>
      c.length === r.samplesDecoded ? c : c.subarray(0, r.samplesDecoded),
    );
    if (format === 'mp3' && mp3Channels === 1) channels = channels.slice(0, 1);
    // The wasm decoders may reuse their output buffers: copy into memory we own.
    const out = channels.map((c) => c.slice());
    // libFLAC's wasm build scales integers by 1/(2^(b−1) − 1); libsndfile, soundfile, torchaudio and ffmpeg
    // (and our WAV reader) use 1/2^(b−1). Recover the integers and rescale (exact for b ≤ 24).
    const bits = (r as { bitDepth?: number }).bitDepth;
    if ((format === 'flac' || format === 'ogg-flac') && bits !== undefined && bits >= 4 && bits <= 24) {
      const full = 2 ** (bits - 1);
      const up = full - 1;
      const down = 1 / full;
      for (const c of out) for (let i = 0; i < c.length; i++) c[i] = Math.round(c[i]! * up) * down;
    }
    return { sampleRate: r.sampleRate, channels: out };
  };
  const guard = async (what: () => WasmResult | Promise<WasmResult>): Promise<PcmPiece | undefined> => {
    let r: WasmResult;
    try {
      r = await what();
    } catch (cause) {
      throw new AudioDecodeError(
        `${name} data${inSource(source)} could not be decoded: ${messageOf(cause)}.`,
        {
          details: { ...fileDetail(source), format },
          cause,
        },
      );
    }
    return convert(r);
  };
  // Ogg decoders given a partial last page (a truncated file) emit garbage at flush: feed whole pages only.
  const pager = format.startsWith('ogg') ? new OggPager() : undefined;
  return {
    decode: async (bytes) => {
      const input = pager ? pager.push(bytes) : bytes;
      return input.length > 0 ? guard(() => inner.decode(input)) : undefined;
    },
    flush: async () => (inner.flush ? guard(() => inner.flush!()) : undefined),
    ...(format === 'flac' && inner.decodeFrames
      ? { decodeFrame: (frame: Uint8Array) => guard(() => inner.decodeFrames!([frame])) }
      : {}),
    free: () => {
      if (freed) return;
      freed = true;
      try {
        inner.free();
      } catch {
        // already released
      }
    },
  };
}

/**
 * Splits an Ogg byte stream at page boundaries: `push` returns the bytes up to the end of the last
 * complete page (bytes that are not a page header are passed on for the decoder to resync); an
 * incomplete page is held back until its end arrives, and dropped if it never does. @internal
 */
export class OggPager {
  private held: Uint8Array = new Uint8Array(0);

  push(bytes: Uint8Array): Uint8Array {
    let b = bytes;
    if (this.held.length > 0) {
      b = new Uint8Array(this.held.length + bytes.length);
      b.set(this.held);
      b.set(bytes, this.held.length);
    }
    let i = 0;
    let complete = 0;
    while (i < b.length) {
      if (b.length - i < 4) break;
      if (!(b[i] === 0x4f && b[i + 1] === 0x67 && b[i + 2] === 0x67 && b[i + 3] === 0x53)) {
        // Not at a page: pass bytes on up to the next capture pattern (or keep the last 3, which may start one).
        let j = i + 1;
        while (
          j + 4 <= b.length &&
          !(b[j] === 0x4f && b[j + 1] === 0x67 && b[j + 2] === 0x67 && b[j + 3] === 0x53)
        )
          j++;
        if (j + 4 > b.length) {
          complete = b.length - 3;
          break;
        }
        i = complete = j;
        continue;
      }
      if (b.length - i < 27) break;
      const segments = b[i + 26]!;
      if (b.length - i < 27 + segments) break;
      let body = 0;
      for (let k = 0; k < segments; k++) body += b[i + 27 + k]!;
      const end = i + 27 + segments + body;
      if (end > b.length) break;
      i = complete = end;
    }
    this.held = b.slice(complete);
    return b.subarray(0, complete);
  }
}

function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** FLAC STREAMINFO of a native FLAC file (needs the first 42 bytes). @internal */
export interface FlacStreamInfo {
  sampleRate: number;
  channels: number;
  bitDepth: number;
  /** Samples per channel, or undefined when the encoder did not know (0). */
  totalSamples: number | undefined;
}

/** Reads STREAMINFO from the first 42 bytes of a native FLAC file, if present. @internal */
export function flacStreamInfo(b: Uint8Array, start = 0): FlacStreamInfo | undefined {
  const s = start + 8;
  if (b.length < s + 18 || (b[start + 4]! & 0x7f) !== 0) return undefined;
  const sampleRate = (b[s + 10]! << 12) | (b[s + 11]! << 4) | (b[s + 12]! >> 4);
  const channels = ((b[s + 12]! >> 1) & 7) + 1;
  const bitDepth = (((b[s + 12]! & 1) << 4) | (b[s + 13]! >> 4)) + 1;
  const low = ((b[s + 14]! << 24) | (b[s + 15]! << 16) | (b[s + 16]! << 8) | b[s + 17]!) >>> 0;
  const total = (b[s + 13]! & 0x0f) * 2 ** 32 + low;
  return { sampleRate, channels, bitDepth, totalSamples: total === 0 ? undefined : total };
}

/** Channel count in the MPEG audio frame header at `offset` (channel mode 3 = mono). @internal */
export function mpegChannels(b: Uint8Array, offset: number): number {
  return offset + 4 <= b.length && b[offset + 3]! >> 6 === 3 ? 1 : 2;
}

/**
 * How an Ogg stream ends, from its last bytes: 'eos' when the last complete page carries the
 * end-of-stream flag, 'no-eos' when it does not, 'incomplete' when the bytes end inside a page. @internal
 */
export function oggEnding(tail: Uint8Array): 'eos' | 'no-eos' | 'incomplete' {
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53) continue;
    const segments = tail[i + 26]!;
    if (i + 27 + segments > tail.length) continue;
    let body = 0;
    for (let k = 0; k < segments; k++) body += tail[i + 27 + k]!;
    const end = i + 27 + segments + body;
    if (end === tail.length) return tail[i + 5]! & 4 ? 'eos' : 'no-eos';
    if (end < tail.length) return 'incomplete'; // the last page found ends before the data: junk or a cut page follows
  }
  return 'incomplete';
}

/** Granule position (samples) of the last complete Ogg page in `tail`, or undefined. @internal */
export function oggLastGranule(tail: Uint8Array): number | undefined {
  for (let i = tail.length - 27; i >= 0; i--) {
    if (tail[i] !== 0x4f || tail[i + 1] !== 0x67 || tail[i + 2] !== 0x67 || tail[i + 3] !== 0x53) continue;
    const segments = tail[i + 26]!;
    if (i + 27 + segments > tail.length) continue;
    let body = 0;
    for (let k = 0; k < segments; k++) body += tail[i + 27 + k]!;
    if (i + 27 + segments + body > tail.length) continue;
    const lo = (tail[i + 6]! | (tail[i + 7]! << 8) | (tail[i + 8]! << 16) | (tail[i + 9]! << 24)) >>> 0;
    const hi = (tail[i + 10]! | (tail[i + 11]! << 8) | (tail[i + 12]! << 16) | (tail[i + 13]! << 24)) >>> 0;
    if (hi === 0xffffffff && lo === 0xffffffff) continue; // no granule on this page
    return hi * 2 ** 32 + lo;
  }
  return undefined;
}
