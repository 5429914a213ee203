import {
  AudioDecodeError,
  type Audio,
  assertAudio,
  InvalidArgumentError,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  NonFiniteError,
  UnsupportedFormatError,
} from '@instr/core';
import { fileDetail, fourCC, inSource } from './bytes.js';
import type { ByteSource } from './source.js';

/**
 * Sample encodings of the WAV files instr reads.
 * @example
 * ```ts
 * (await readAudioInfo(wavBytes)).encoding; // 'pcm' | 'float' | 'alaw' | 'mulaw'
 * ```
 */
export type WavEncoding = 'pcm' | 'float' | 'alaw' | 'mulaw';

/** What a WAV header says, validated. @internal */
export interface WavHeader {
  container: 'RIFF' | 'RF64' | 'BW64';
  /** Format tag after resolving WAVE_FORMAT_EXTENSIBLE (1 PCM, 3 float, 6 A-law, 7 µ-law). */
  formatTag: number;
  extensible: boolean;
  encoding: WavEncoding;
  channels: number;
  sampleRate: number;
  /** Bits of the sample container (8, 16, 24, 32 or 64). */
  bitsPerSample: number;
  /** Meaningful bits (≤ bitsPerSample; from the extensible header or the plain one). */
  validBits: number;
  blockAlign: number;
  dataOffset: number;
  /** Bytes of audio data to read (declared size, or to the end of the input for streamed WAVs). */
  dataBytes: number;
  /** The data size in the header (undefined for the 0 / 0xFFFFFFFF "unknown" placeholders). */
  declaredDataBytes: number | undefined;
  /** Whole frames in the data (Infinity when a stream of unknown length). */
  frames: number;
}

const TAG_NAMES: Record<number, string> = {
  0: 'unknown',
  2: 'Microsoft ADPCM',
  17: 'IMA ADPCM',
  22: 'ITU G.723 ADPCM',
  49: 'GSM 6.10',
  64: 'ITU G.721 ADPCM',
  80: 'MPEG',
  85: 'MPEG Layer III (MP3)',
  146: 'Dolby AC3 SPDIF',
  352: 'WMA v1',
  353: 'WMA v2',
  354: 'WMA Pro',
  255: 'AAC',
  5648: 'AAC (HE)',
  61868: 'FLAC',
};

/** Standard KSDATAFORMAT_SUBTYPE GUID tail: xxxxxxxx-0000-0010-8000-00aa00389b71. */
const GUID_TAIL = [0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) =>
  (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const u64 = (b: Uint8Array, o: number) => u32(b, o) + u32(b, o + 4) * 2 ** 32;

const isChunkId = (id: string) => id.length === 4 && /^[\x20-\x7e]{4}$/.test(id);

function corrupt(
  message: string,
  source: string | undefined,
  extra: Record<string, unknown> = {},
): AudioDecodeError {
  return new AudioDecodeError(`${message}${inSource(source)}.`, {
    details: { ...fileDetail(source), format: 'wav', ...extra },
  });
}

/**
 * Reads and validates a WAV header from `src`, stopping at the start of the `data` chunk.
 * Unknown chunks are skipped; odd-sized chunks may or may not carry their pad byte; RIFF sizes are ignored;
 * a data size of 0 or 0xFFFFFFFF (streamed WAV) or one running past the end of the input is clipped to it
 * (the latter only with `allowTruncated`). @internal
 */
export async function readWavHeader(
  src: ByteSource,
  source: string | undefined,
  allowTruncated = false,
): Promise<WavHeader> {
  const head = await src.read(0, 12);
  if (head.length < 12) throw corrupt(`WAV header is truncated (${head.length} of 12 bytes)`, source);
  const container = fourCC(head, 0) as WavHeader['container'];
  if ((container !== 'RIFF' && container !== 'RF64' && container !== 'BW64') || fourCC(head, 8) !== 'WAVE') {
    throw corrupt(`Not a RIFF/WAVE file (starts with '${fourCC(head, 0)}…${fourCC(head, 8)}')`, source);
  }
  let pos = 12;
  let fmt:
    | Omit<WavHeader, 'dataOffset' | 'dataBytes' | 'declaredDataBytes' | 'frames' | 'container'>
    | undefined;
  let ds64DataBytes: number | undefined;
  let prevOdd = false;
  for (let guard = 0; guard < 100_000; guard++) {
    let hdr = await src.read(pos, 8);
    if (prevOdd && (hdr.length < 8 || !isChunkId(fourCC(hdr, 0)))) {
      // Writers that forget the pad byte after an odd-sized chunk: try one byte earlier.
      const alt = await src.read(pos - 1, 8);
      if (alt.length === 8 && isChunkId(fourCC(alt, 0))) {
        pos -= 1;
        hdr = alt;
      }
    }
    if (hdr.length < 8) {
      if (!fmt) throw corrupt(`WAV file has no 'fmt ' chunk before its end (offset ${pos})`, source);
      throw corrupt(
        `WAV file has no 'data' chunk before its end (offset ${pos}); it is truncated or empty`,
        source,
      );
    }
    const id = fourCC(hdr, 0);
    const size = u32(hdr, 4);
    if (!isChunkId(id)) {
      throw corrupt(`WAV chunk header at offset ${pos} is corrupt (id bytes are not text)`, source, {
        offset: pos,
      });
    }
    if (id === 'ds64') {
      const body = await src.read(pos + 8, 24);
      if (body.length < 24) throw corrupt(`RF64 'ds64' chunk is truncated`, source);
      ds64DataBytes = u64(body, 8);
    } else if (id === 'fmt ') {
      if (size < 16)
        throw corrupt(`WAV 'fmt ' chunk is ${size} bytes; it needs at least 16`, source, { key: 'fmt' });
      const body = await src.read(pos + 8, Math.min(size, 1024));
      if (body.length < 16) throw corrupt(`WAV 'fmt ' chunk is truncated`, source, { key: 'fmt' });
      fmt = parseFmt(body, source);
    } else if (id === 'data') {
      if (!fmt) throw corrupt(`WAV 'data' chunk comes before any 'fmt ' chunk`, source, { key: 'fmt' });
      const dataOffset = pos + 8;
      let declared: number | undefined = size;
      if (container !== 'RIFF' && size === 0xffffffff) declared = ds64DataBytes;
      if (declared === 0 || declared === 0xffffffff) declared = undefined; // streamed-WAV placeholders
      const available =
        src.size === undefined ? Number.POSITIVE_INFINITY : Math.max(0, src.size - dataOffset);
      let dataBytes = declared ?? available;
      if (declared !== undefined && declared > available) {
        if (!allowTruncated) {
          throw corrupt(
            `WAV file is truncated: its header declares ${declared} bytes of audio data but only ${available} follow` +
              ' (pass allowTruncated: true to decode what is there)',
            source,
            { key: 'data', expected: declared, actual: available },
          );
        }
        dataBytes = available;
      }
      const frames = Number.isFinite(dataBytes)
        ? Math.floor(dataBytes / fmt.blockAlign)
        : Number.POSITIVE_INFINITY;
      return { ...fmt, container, dataOffset, dataBytes, declaredDataBytes: declared, frames };
    }
    pos += 8 + size + (size & 1);
    prevOdd = (size & 1) === 1;
    if (src.size !== undefined && pos > src.size + 1) {
      if (!fmt)
        throw corrupt(
          `WAV chunk '${id}' runs past the end of the file and no 'fmt ' chunk was found`,
          source,
        );
      throw corrupt(`WAV chunk '${id}' runs past the end of the file and no 'data' chunk was found`, source);
    }
  }
  throw corrupt('WAV file has too many chunks before its audio data', source);
}

function parseFmt(b: Uint8Array, source: string | undefined) {
  let formatTag = u16(b, 0);
  const channels = u16(b, 2);
  const sampleRate = u32(b, 4);
  const blockAlign = u16(b, 12);
  const bitsPerSample = u16(b, 14);
  let validBits = bitsPerSample;
  let extensible = false;
  if (formatTag === 0xfffe) {
    extensible = true;
    if (b.length < 40) {
      throw corrupt(`WAVE_FORMAT_EXTENSIBLE 'fmt ' chunk is ${b.length} bytes; it needs 40`, source, {
        key: 'fmt',
      });
    }
    validBits = u16(b, 18) || bitsPerSample;
    formatTag = u16(b, 24);
    for (let i = -2; i < GUID_TAIL.length; i++) {
      if (b[28 + i] !== (i < 0 ? 0 : GUID_TAIL[i])) {
        throw new UnsupportedFormatError(
          `WAV sub-format GUID${inSource(source)} is not a standard KSDATAFORMAT_SUBTYPE (e.g. Ambisonic B-format); ` +
            'convert the file to PCM WAV.',
          { details: { ...fileDetail(source), format: 'wav', key: 'subFormat' } },
        );
      }
    }
  }
  if (channels === 0) throw corrupt('WAV header says 0 channels', source, { key: 'channels', actual: 0 });
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw corrupt(
      `WAV header says the sample rate is ${sampleRate} Hz, outside ${MIN_SAMPLE_RATE}–${MAX_SAMPLE_RATE} Hz`,
      source,
      { key: 'sampleRate', expected: [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE], actual: sampleRate },
    );
  }
  let encoding: WavEncoding;
  if (formatTag === 1) encoding = 'pcm';
  else if (formatTag === 3) encoding = 'float';
  else if (formatTag === 6) encoding = 'alaw';
  else if (formatTag === 7) encoding = 'mulaw';
  else {
    const name = TAG_NAMES[formatTag] ?? 'unknown codec';
    throw new UnsupportedFormatError(
      `WAV format tag 0x${formatTag.toString(16).padStart(4, '0')} (${name})${inSource(source)} is not supported: ` +
        'instr reads PCM, IEEE float, A-law and µ-law WAV. Convert it, e.g. `ffmpeg -i in.wav -c:a pcm_s16le out.wav`.',
      { details: { ...fileDetail(source), format: 'wav', key: 'formatTag', actual: formatTag } },
    );
  }
  // Bytes per sample: the container, which for plain PCM is ceil(bits / 8).
  const containerBytes = extensible ? bitsPerSample / 8 : Math.ceil(bitsPerSample / 8);
  const okBits =
    encoding === 'pcm'
      ? bitsPerSample >= 1 && containerBytes >= 1 && containerBytes <= 4 && Number.isInteger(containerBytes)
      : encoding === 'float'
        ? bitsPerSample === 32 || bitsPerSample === 64
        : bitsPerSample === 8;
  if (!okBits || validBits > containerBytes * 8 || validBits === 0) {
    throw new UnsupportedFormatError(
      `WAV ${encoding} with ${bitsPerSample} bits per sample${validBits !== bitsPerSample ? ` (${validBits} valid)` : ''}` +
        `${inSource(source)} is not supported (PCM: 8/16/24/32-bit; float: 32/64-bit; A-law/µ-law: 8-bit).`,
      { details: { ...fileDetail(source), format: 'wav', key: 'bitsPerSample', actual: bitsPerSample } },
    );
  }
  if (blockAlign !== channels * containerBytes) {
    throw corrupt(
      `WAV block align is ${blockAlign} bytes but ${channels} channel(s) × ${containerBytes} byte(s) per sample = ` +
        `${channels * containerBytes}; the header is corrupt`,
      source,
      { key: 'blockAlign', expected: channels * containerBytes, actual: blockAlign },
    );
  }
  return {
    formatTag,
    extensible,
    encoding,
    channels,
    sampleRate,
    bitsPerSample: containerBytes * 8,
    validBits: Math.min(validBits, containerBytes * 8),
    blockAlign,
  };
}

const MULAW = /* @__PURE__ */ (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const u = ~i & 0xff;
    const sign = u & 0x80;
    const exponent = (u >> 4) & 7;
    const mantissa = u & 0x0f;
    const magnitude = (((mantissa << 3) + 0x84) << exponent) - 0x84;
    t[i] = (sign ? -magnitude : magnitude) / 32768;
  }
  return t;
})();

const ALAW = /* @__PURE__ */ (() => {
  const t = new Float32Array(256);
  for (let i = 0; i < 256; i++) {
    const a = i ^ 0x55;
    const exponent = (a >> 4) & 7;
    const mantissa = a & 0x0f;
    let magnitude = exponent === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (exponent - 1);
    if (!(a & 0x80)) magnitude = -magnitude;
    t[i] = magnitude / 32768;
  }
  return t;
})();

/**
 * Converts `frames` whole frames of WAV data in `bytes` (starting at a frame boundary) into
 * `out[c][outOffset…]`. `firstFrame` is the absolute frame index, used in NaN/Inf errors. @internal
 */
export function decodeWavFrames(
  h: WavHeader,
  bytes: Uint8Array,
  frames: number,
  out: Float32Array[],
  outOffset: number,
  firstFrame: number,
  source: string | undefined,
): void {
  const { channels, blockAlign } = h;
  const bps = h.bitsPerSample / 8;
  for (let c = 0; c < channels; c++) {
    const ch = out[c]!;
    let p = c * bps;
    let o = outOffset;
    if (h.encoding === 'pcm') {
      if (bps === 1) for (let i = 0; i < frames; i++, p += blockAlign) ch[o++] = (bytes[p]! - 128) / 128;
      else if (bps === 2)
        for (let i = 0; i < frames; i++, p += blockAlign)
          ch[o++] = (((bytes[p]! | (bytes[p + 1]! << 8)) << 16) >> 16) / 32768;
      else if (bps === 3)
        for (let i = 0; i < frames; i++, p += blockAlign)
          ch[o++] = (((bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16)) << 8) >> 8) / 8388608;
      else
        for (let i = 0; i < frames; i++, p += blockAlign)
          ch[o++] =
            (bytes[p]! | (bytes[p + 1]! << 8) | (bytes[p + 2]! << 16) | (bytes[p + 3]! << 24)) / 2147483648;
    } else if (h.encoding === 'float') {
      const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (bps === 4) for (let i = 0; i < frames; i++, p += blockAlign) ch[o++] = view.getFloat32(p, true);
      else for (let i = 0; i < frames; i++, p += blockAlign) ch[o++] = view.getFloat64(p, true);
      for (let i = outOffset; i < o; i++) {
        const v = ch[i]!;
        if (v - v !== 0) {
          const index = firstFrame + i - outOffset;
          throw new NonFiniteError(
            `WAV float data${inSource(source)} has a non-finite sample (${v}) at channel ${c}, frame ${index}` +
              `${bps === 8 ? ' (or a 64-bit value too large for float32)' : ''}; the file is corrupt.`,
            { details: { ...fileDetail(source), channel: c, index, actual: v } },
          );
        }
      }
    } else {
      const table = h.encoding === 'mulaw' ? MULAW : ALAW;
      for (let i = 0; i < frames; i++, p += blockAlign) ch[o++] = table[bytes[p]!]!;
    }
  }
}

/**
 * Options of {@link encodeWav} and `writeWavFile`.
 * @example
 * ```ts
 * encodeWav(audio, { bitDepth: 32, float: true } satisfies EncodeWavOptions);
 * ```
 */
export interface EncodeWavOptions {
  /** Bits per sample: 16 (default), 24 or 32. */
  bitDepth?: 16 | 24 | 32;
  /** Write IEEE float samples instead of integers (needs `bitDepth: 32`). Default false. */
  float?: boolean;
}

/**
 * Encodes audio as a WAV file: integer PCM (16, 24 or 32 bits) or 32-bit IEEE float, interleaved, with
 * WAVE_FORMAT_EXTENSIBLE for more than two channels and a `fact` chunk for float. Integer samples are
 * `round(x · 2^(bits−1))` (ties to even, as libsndfile's `lrintf`), clipped to the integer range; float
 * samples are stored bit-exactly. {@link decodeAudio} reads the result back exactly: float32 in, the same
 * float32 out; integer WAV bytes decoded and re-encoded at the same depth give the same bytes.
 *
 * Empty audio (0 frames) gives a valid header-only file.
 *
 * @throws {@link InvalidAudioError} / {@link NonFiniteError} for invalid audio (no channels, NaN, …).
 * @throws {@link InvalidArgumentError} for an unsupported `bitDepth`, `float` without 32 bits, a non-integer
 * sample rate, more channels than a WAV block can hold, or data over 4 GiB.
 * @example
 * ```ts
 * const audio = createAudio(22050, [new Float32Array(22050).fill(0.25)]);
 * const wav = encodeWav(audio, { bitDepth: 24 }); // Uint8Array, 66,194 bytes
 * const back = await decodeAudio(wav);            // 0.25 exactly
 * ```
 */
export function encodeWav(audio: Audio, options: EncodeWavOptions = {}): Uint8Array {
  const bitDepth = options.bitDepth ?? 16;
  const float = options.float ?? false;
  if (bitDepth !== 16 && bitDepth !== 24 && bitDepth !== 32) {
    throw new InvalidArgumentError(`encodeWav bitDepth must be 16, 24 or 32, got ${String(bitDepth)}.`, {
      details: { key: 'bitDepth', expected: [16, 24, 32], actual: bitDepth },
    });
  }
  if (float && bitDepth !== 32) {
    throw new InvalidArgumentError(`encodeWav float output needs bitDepth 32, got ${bitDepth}.`, {
      details: { key: 'float', expected: 32, actual: bitDepth },
    });
  }
  assertAudio(audio, { allowEmpty: true });
  const { channels, sampleRate } = audio;
  const nch = channels.length;
  const frames = channels[0]!.length;
  const bps = bitDepth / 8;
  const blockAlign = nch * bps;
  const dataBytes = frames * blockAlign;
  if (!Number.isInteger(sampleRate)) {
    throw new InvalidArgumentError(
      `encodeWav: WAV needs an integer sample rate, got ${sampleRate} Hz; resample first.`,
      {
        details: { key: 'sampleRate', actual: sampleRate },
      },
    );
  }
  if (blockAlign > 0xffff) {
    throw new InvalidArgumentError(
      `encodeWav: ${nch} channels × ${bps} bytes exceed WAV's 65535-byte frame; write fewer channels per file.`,
      { details: { key: 'channels', actual: nch } },
    );
  }
  const extensible = nch > 2;
  const fmtSize = extensible ? 40 : float ? 18 : 16;
  const factSize = float ? 12 : 0;
  const headerBytes = 12 + 8 + fmtSize + factSize + 8;
  if (headerBytes + dataBytes > 0xffffffff) {
    throw new InvalidArgumentError(
      `encodeWav: ${dataBytes} bytes of audio exceed the 4 GiB WAV limit; split the audio or use fewer bits.`,
      { details: { key: 'audio', actual: dataBytes } },
    );
  }
  const out = new Uint8Array(headerBytes + dataBytes);
  const v = new DataView(out.buffer);
  const tag = float ? 3 : 1;
  let p = 0;
  const str = (s: string) => {
    for (let i = 0; i < 4; i++) out[p++] = s.charCodeAt(i);
  };
  str('RIFF');
  v.setUint32(p, out.length - 8, true);
  p += 4;
  str('WAVE');
  str('fmt ');
  v.setUint32(p, fmtSize, true);
  const f = p + 4; // fmt body
  v.setUint16(f, extensible ? 0xfffe : tag, true);
  v.setUint16(f + 2, nch, true);
  v.setUint32(f + 4, sampleRate, true);
  v.setUint32(f + 8, sampleRate * blockAlign, true);
  v.setUint16(f + 12, blockAlign, true);
  v.setUint16(f + 14, bitDepth, true);
  if (fmtSize >= 18) v.setUint16(f + 16, fmtSize - 18, true);
  if (extensible) {
    v.setUint16(f + 18, bitDepth, true); // valid bits
    v.setUint32(f + 20, 0, true); // channel mask: unspecified
    v.setUint16(f + 24, tag, true); // sub-format GUID: tag, 0000, standard tail
    out.set(GUID_TAIL, f + 28);
  }
  p = f + fmtSize;
  if (float) {
    str('fact');
    v.setUint32(p, 4, true);
    v.setUint32(p + 4, frames, true);
    p += 8;
  }
  str('data');
  v.setUint32(p, dataBytes, true);
  p += 4;
  for (let c = 0; c < nch; c++) {
    const ch = channels[c]!;
    let q = p + c * bps;
    if (float) {
      for (let i = 0; i < frames; i++, q += blockAlign) v.setFloat32(q, ch[i]!, true);
    } else {
      const scale = 2 ** (bitDepth - 1);
      const max = scale - 1;
      for (let i = 0; i < frames; i++, q += blockAlign) {
        const s = quantize(ch[i]!, scale, max);
        out[q] = s & 0xff;
        out[q + 1] = (s >> 8) & 0xff;
        if (bps >= 3) out[q + 2] = (s >> 16) & 0xff;
        if (bps === 4) out[q + 3] = (s >> 24) & 0xff;
      }
    }
  }
  return out;
}

function quantize(x: number, scale: number, max: number): number {
  const y = x * scale;
  if (y >= max) return max;
  if (y <= -scale) return -scale;
  let r = Math.round(y);
  if (r - y === 0.5 && r % 2 !== 0) r -= 1; // ties to even
  return r;
}
