import { ascii, type AudioBytes, asUint8Array, fourCC } from './bytes.js';

/**
 * Containers and codecs {@link decodeAudio} can decode.
 * @example
 * ```ts
 * const format: AudioFormat | undefined = sniffAudioFormat(bytes); // e.g. 'ogg-opus'
 * ```
 */
export type AudioFormat = 'wav' | 'flac' | 'mp3' | 'ogg-vorbis' | 'ogg-opus' | 'ogg-flac';

/** What the first bytes of a file say it is. @internal */
export type SniffResult =
  | {
      kind: 'format';
      format: AudioFormat /** Offset of the first audio frame (after an ID3v2 tag). */;
      start: number;
    }
  | { kind: 'unsupported'; name: string }
  | { kind: 'need'; bytes: number }
  | { kind: 'unknown' };

/** Size of an ID3v2 tag at `offset` (header + body + footer), or 0. @internal */
export function id3v2Size(b: Uint8Array, offset = 0): number {
  if (b.length < offset + 10 || ascii(b, offset, 3) !== 'ID3') return 0;
  const s = [b[offset + 6]!, b[offset + 7]!, b[offset + 8]!, b[offset + 9]!];
  if (s.some((x) => x & 0x80)) return 0; // not a synchsafe size: not a tag
  const body = (s[0]! << 21) | (s[1]! << 14) | (s[2]! << 7) | s[3]!;
  const footer = b[offset + 5]! & 0x10 ? 10 : 0;
  return 10 + body + footer;
}

/** True when a valid MPEG audio Layer I/II/III frame header starts at `offset`. @internal */
export function isMpegFrameHeader(b: Uint8Array, offset: number): boolean {
  if (offset + 4 > b.length) return false;
  const b1 = b[offset + 1]!;
  const b2 = b[offset + 2]!;
  if (b[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return false;
  const version = (b1 >> 3) & 3;
  const layer = (b1 >> 1) & 3;
  const bitrate = b2 >> 4;
  const rate = (b2 >> 2) & 3;
  return version !== 1 && layer !== 0 && bitrate !== 15 && rate !== 3;
}

/** True for an ADTS (AAC) frame header at `offset`. */
function isAdts(b: Uint8Array, offset: number): boolean {
  return offset + 4 <= b.length && b[offset] === 0xff && (b[offset + 1]! & 0xf6) === 0xf0;
}

/** Identifies the container/codec from its magic bytes. @internal */
export function sniff(b: Uint8Array, start = 0): SniffResult {
  const n = b.length - start;
  if (n < 4) return { kind: 'need', bytes: start + 12 };
  const id = fourCC(b, start);
  if (id === 'RIFF' || id === 'RF64' || id === 'BW64') {
    if (n < 12) return { kind: 'need', bytes: start + 12 };
    const type = fourCC(b, start + 8);
    if (type === 'WAVE') return { kind: 'format', format: 'wav', start };
    return { kind: 'unsupported', name: `RIFF '${type}' (not WAVE)` };
  }
  if (id === 'RIFX') return { kind: 'unsupported', name: 'big-endian WAV (RIFX)' };
  if (id === 'fLaC') return { kind: 'format', format: 'flac', start };
  if (id === 'OggS') {
    if (n < 27) return { kind: 'need', bytes: start + 64 };
    const segments = b[start + 26]!;
    const packet = start + 27 + segments;
    if (b.length < packet + 8) return { kind: 'need', bytes: packet + 8 };
    if (ascii(b, packet + 1, 6) === 'vorbis' && b[packet] === 1)
      return { kind: 'format', format: 'ogg-vorbis', start };
    if (ascii(b, packet, 8) === 'OpusHead') return { kind: 'format', format: 'ogg-opus', start };
    if (ascii(b, packet + 1, 4) === 'FLAC' && b[packet] === 0x7f)
      return { kind: 'format', format: 'ogg-flac', start };
    if (ascii(b, packet, 5) === 'Speex') return { kind: 'unsupported', name: 'Ogg Speex' };
    if (ascii(b, packet + 1, 6) === 'theora') return { kind: 'unsupported', name: 'Ogg Theora (video)' };
    return {
      kind: 'unsupported',
      name: `Ogg with an unknown codec ('${ascii(b, packet, 8).replace(/[^\x20-\x7e]/g, '.')}')`,
    };
  }
  if (ascii(b, start, 3) === 'ID3') {
    if (n < 10) return { kind: 'need', bytes: start + 10 };
    const size = id3v2Size(b, start);
    if (size === 0) return { kind: 'unknown' };
    if (b.length < start + size + 12) return { kind: 'need', bytes: start + size + 12 };
    const inner = sniff(b, start + size);
    return inner.kind === 'unknown'
      ? { kind: 'unsupported', name: 'ID3-tagged data that is not MPEG audio' }
      : inner;
  }
  if (isMpegFrameHeader(b, start)) return { kind: 'format', format: 'mp3', start };
  if (isAdts(b, start)) return { kind: 'unsupported', name: 'AAC (ADTS)' };
  if (id === 'FORM' && n >= 12) return { kind: 'unsupported', name: `AIFF ('${fourCC(b, start + 8)}')` };
  if (n >= 8 && fourCC(b, start + 4) === 'ftyp')
    return { kind: 'unsupported', name: 'MP4/M4A (AAC or ALAC)' };
  if (id === 'caff') return { kind: 'unsupported', name: 'Core Audio Format (CAF)' };
  if (id === 'wvpk') return { kind: 'unsupported', name: 'WavPack' };
  if (id === 'MAC ') return { kind: 'unsupported', name: "Monkey's Audio (APE)" };
  if (id === '.snd') return { kind: 'unsupported', name: 'Sun/NeXT AU' };
  if (id === 'MThd') return { kind: 'unsupported', name: 'MIDI (notes, not audio)' };
  if (id === '#!AM') return { kind: 'unsupported', name: 'AMR' };
  if (b[start] === 0x30 && b[start + 1] === 0x26 && b[start + 2] === 0xb2 && b[start + 3] === 0x75) {
    return { kind: 'unsupported', name: 'ASF/WMA' };
  }
  if (b[start] === 0x1a && b[start + 1] === 0x45 && b[start + 2] === 0xdf && b[start + 3] === 0xa3) {
    return { kind: 'unsupported', name: 'Matroska/WebM' };
  }
  return { kind: 'unknown' };
}

/**
 * Names the audio format of `bytes` from their magic bytes (never from a file name or content type),
 * or returns `undefined` when they are not a format {@link decodeAudio} can decode.
 * Bytes before an ID3v2 tag's end are skipped, as MP3 (and some FLAC) files carry one.
 *
 * @param bytes - the start of the file (the first 64 KiB is plenty unless an ID3 tag is larger).
 * @example
 * ```ts
 * sniffAudioFormat(new TextEncoder().encode('fLaC\0\0\0\x22')); // 'flac'
 * sniffAudioFormat(new Uint8Array([1, 2, 3, 4])); // undefined
 * ```
 */
export function sniffAudioFormat(bytes: AudioBytes): AudioFormat | undefined {
  const r = sniff(asUint8Array(bytes));
  return r.kind === 'format' ? r.format : undefined;
}
