import {
  AudioDecodeError,
  type Audio,
  firstNonFinite,
  InvalidArgumentError,
  InvalidAudioError,
  MAX_SAMPLE_RATE,
  MIN_SAMPLE_RATE,
  NonFiniteError,
  toMono,
  UnsupportedFormatError,
} from '@instr/core';
import { type AudioBytes, asUint8Array, concatFloat32, fileDetail, hexPreview, inSource } from './bytes.js';
import { createStreamDecoder, flacStreamInfo, formatName, mpegChannels, oggEnding } from './codecs.js';
import { type ResampleOptions, Resampler } from '../signal/resample.js';
import { type AudioFormat, sniff } from './sniff.js';
import { type ByteSource, type ByteStream, bufferSource, readSequential, streamSource } from './source.js';
import { decodeWavFrames, readWavHeader } from './wav.js';

/**
 * Options of {@link decodeAudio} (and, through {@link DecodeAudioStreamOptions}, of the streaming and file readers).
 * @example
 * ```ts
 * const options: DecodeAudioOptions = { mono: true, sampleRate: 16000, offset: 1, duration: 3, source: 'a.wav' };
 * ```
 */
export interface DecodeAudioOptions {
  /**
   * Average the channels into one (librosa's `to_mono`). Default `false`: keep every channel, as
   * `torchaudio.load` and `soundfile.read` do (librosa.load's `mono=True` default comes with resampling,
   * which decoding does not do).
   */
  mono?: boolean;
  /** Name of the input (a file path or URL) used in error messages and `error.details.file`. Default none. */
  source?: string;
  /** Start reading this many seconds in (librosa.load's `offset`: first frame `⌊offset · rate⌋`). Default 0. */
  offset?: number;
  /**
   * Read at most this many seconds (librosa.load's `duration`: `⌊duration · rate⌋` frames). Decoding stops
   * there, so this also bounds the work spent on a huge upload. Default: to the end.
   */
  duration?: number;
  /**
   * Decode what is there in a truncated file (a WAV whose data is shorter than its header says, a FLAC
   * with fewer samples than its STREAMINFO, an Ogg stream without its last page) instead of throwing.
   * Default `false`.
   */
  allowTruncated?: boolean;
  /**
   * Resample to this rate in Hz after decoding (and after `mono`, `offset` and `duration`, which apply at
   * the file's own rate, as in librosa.load), with `resample` from `@instr/dsp` (band-limited Kaiser sinc;
   * output length `ceil(n · sampleRate / fileRate)`). Default: keep the file's rate.
   */
  sampleRate?: number;
  /** Options of the resampler when `sampleRate` is given (default `{ quality: 'default' }`). */
  resample?: ResampleOptions;
}

/**
 * Options of {@link decodeAudioStream}: those of {@link decodeAudio} plus `chunkSeconds`.
 * @example
 * ```ts
 * const options: DecodeAudioStreamOptions = { chunkSeconds: 30, mono: true };
 * ```
 */
export interface DecodeAudioStreamOptions extends DecodeAudioOptions {
  /** Length of each yielded piece in seconds (the last may be shorter). Default 10. */
  chunkSeconds?: number;
}

interface Resolved {
  sampleRate: number | undefined;
  resample: ResampleOptions | undefined;
  mono: boolean;
  source: string | undefined;
  offset: number;
  duration: number | undefined;
  allowTruncated: boolean;
}

/** A decoded piece and the absolute frame index of its first sample. */
interface Piece {
  sampleRate: number;
  channels: Float32Array[];
  start: number;
}

/** The format found by sniffing, reported before the first piece. @internal */
export interface DecodeHooks {
  onFormat?(format: AudioFormat): void;
}

const SNIFF_BYTES = 64 * 1024;
const MAX_SNIFF_BYTES = 64 * 1024 * 1024;
const COMPRESSED_READ_BYTES = 64 * 1024;
const SUPPORTED = 'WAV, FLAC, MP3, Ogg Vorbis and Ogg Opus';

/** Validates and fills defaults. @internal */
export function resolveOptions(options: DecodeAudioOptions | undefined): Resolved {
  const o = options ?? {};
  if (typeof o !== 'object') {
    throw new InvalidArgumentError(`decodeAudio options must be an object, got ${typeof o}.`, {
      details: { key: 'options' },
    });
  }
  const source = o.source === undefined ? undefined : String(o.source);
  const offset = o.offset ?? 0;
  if (typeof offset !== 'number' || !Number.isFinite(offset) || offset < 0) {
    throw new InvalidArgumentError(`offset must be a finite number of seconds ≥ 0, got ${String(offset)}.`, {
      details: { key: 'offset', actual: offset, ...fileDetail(source) },
    });
  }
  const duration = o.duration;
  if (
    duration !== undefined &&
    (typeof duration !== 'number' || !(duration > 0) || !Number.isFinite(duration))
  ) {
    throw new InvalidArgumentError(
      `duration must be a finite number of seconds > 0, got ${String(duration)}.`,
      {
        details: { key: 'duration', actual: duration, ...fileDetail(source) },
      },
    );
  }
  const sampleRate = o.sampleRate;
  if (
    sampleRate !== undefined &&
    (typeof sampleRate !== 'number' ||
      !Number.isFinite(sampleRate) ||
      sampleRate < MIN_SAMPLE_RATE ||
      sampleRate > MAX_SAMPLE_RATE)
  ) {
    throw new InvalidArgumentError(
      `sampleRate must be a rate in Hz between ${MIN_SAMPLE_RATE} and ${MAX_SAMPLE_RATE}, got ${String(sampleRate)}.`,
      {
        details: {
          key: 'sampleRate',
          actual: sampleRate,
          expected: [MIN_SAMPLE_RATE, MAX_SAMPLE_RATE],
          ...fileDetail(source),
        },
      },
    );
  }
  return {
    mono: o.mono ?? false,
    source,
    offset,
    duration,
    allowTruncated: o.allowTruncated ?? false,
    sampleRate,
    resample: o.resample,
  };
}

const frameRange = (o: Resolved, sampleRate: number) => {
  const start = Math.floor(o.offset * sampleRate);
  const end =
    o.duration === undefined ? Number.POSITIVE_INFINITY : start + Math.floor(o.duration * sampleRate);
  return { start, end };
};

/** Sniffs the format from the first bytes of `src`. @internal */
export async function detectFormat(
  src: ByteSource,
  source: string | undefined,
): Promise<{ format: AudioFormat; prefix: Uint8Array; start: number }> {
  let want = SNIFF_BYTES;
  for (;;) {
    const prefix = await src.read(0, want);
    if (prefix.length === 0) {
      throw new AudioDecodeError(`Audio input${inSource(source)} is empty (0 bytes).`, {
        details: { ...fileDetail(source), actual: 0 },
      });
    }
    const r = sniff(prefix);
    if (r.kind === 'format') return { format: r.format, prefix, start: r.start };
    if (r.kind === 'need' && prefix.length >= want && r.bytes > want && r.bytes <= MAX_SNIFF_BYTES) {
      want = r.bytes;
      continue;
    }
    if (r.kind === 'unsupported') {
      throw new UnsupportedFormatError(
        `Audio${inSource(source)} is ${r.name}, which instr cannot decode (it reads ${SUPPORTED}); ` +
          'convert it, e.g. `ffmpeg -i in -c:a flac out.flac`.',
        { details: { ...fileDetail(source), actual: r.name } },
      );
    }
    const truncated = r.kind === 'need' ? ' (too short to identify)' : '';
    throw new UnsupportedFormatError(
      `Audio${inSource(source)} is not a recognised audio format${truncated}: it starts with ${hexPreview(prefix)}. ` +
        `instr reads ${SUPPORTED}, identified by their content, not by file name.`,
      { details: { ...fileDetail(source), actual: hexPreview(prefix) } },
    );
  }
}

/** Decodes `src` into pieces, in order. @internal */
export async function* decodePieces(
  src: ByteSource,
  o: Resolved,
  wavReadBytes: number,
  hooks: DecodeHooks = {},
): AsyncGenerator<Piece> {
  const { format, prefix, start } = await detectFormat(src, o.source);
  hooks.onFormat?.(format);
  if (format === 'wav') {
    yield* wavPieces(src, o, wavReadBytes);
    return;
  }
  const source = o.source;
  const name = formatName(format);
  const streamInfo = format === 'flac' ? flacStreamInfo(prefix, start) : undefined;
  const dec = await createStreamDecoder(format, source, format === 'mp3' ? mpegChannels(prefix, start) : 2);
  const isOgg = format.startsWith('ogg');
  let tail: Uint8Array = new Uint8Array(0);
  let frames = 0;
  let rate = 0;
  let nch = 0;
  const check = (p: { sampleRate: number; channels: Float32Array[] }): Piece => {
    if (rate === 0) {
      rate = p.sampleRate;
      nch = p.channels.length;
    } else if (p.sampleRate !== rate || p.channels.length !== nch) {
      throw new AudioDecodeError(
        `${name} stream${inSource(source)} changes from ${nch} channel(s) at ${rate} Hz to ` +
          `${p.channels.length} at ${p.sampleRate} Hz (a chained stream); split it first.`,
        {
          details: {
            ...fileDetail(source),
            format,
            expected: [nch, rate],
            actual: [p.channels.length, p.sampleRate],
          },
        },
      );
    }
    p.channels.forEach((ch, c) => {
      const i = firstNonFinite(ch);
      if (i >= 0) {
        throw new NonFiniteError(
          `${name} decoder produced a non-finite sample${inSource(source)} at channel ${c}.`,
          {
            details: { ...fileDetail(source), format, channel: c, index: frames + i },
          },
        );
      }
    });
    const piece = { sampleRate: p.sampleRate, channels: p.channels, start: frames };
    frames += p.channels[0]!.length;
    return piece;
  };
  try {
    for await (const bytes of readSequential(src, start, COMPRESSED_READ_BYTES)) {
      if (isOgg) tail = keepTail(tail, bytes, 65_536 + 282);
      else if (streamInfo) tail = keepTail(tail, bytes, FLAC_TAIL_BYTES);
      const p = await dec.decode(bytes);
      if (p) yield check(p);
    }
    const last = await dec.flush();
    if (last) yield check(last);
    const missing = (streamInfo?.totalSamples ?? 0) - frames;
    if (streamInfo && missing > 0 && dec.decodeFrame) {
      const recovered = await recoverFinalFlacFrame(tail, missing, dec.decodeFrame);
      if (recovered) yield check(recovered);
    }
  } finally {
    dec.free();
  }
  if (o.allowTruncated) return;
  if (streamInfo?.totalSamples !== undefined && frames < streamInfo.totalSamples) {
    throw new AudioDecodeError(
      `FLAC file${inSource(source)} is truncated or corrupt: decoded ${frames} of the ${streamInfo.totalSamples} samples ` +
        'its header declares (pass allowTruncated: true to keep what was decoded).',
      { details: { ...fileDetail(source), format, expected: streamInfo.totalSamples, actual: frames } },
    );
  }
  if (isOgg) {
    const ending = oggEnding(tail);
    if (ending !== 'eos') {
      throw new AudioDecodeError(
        `${name} stream${inSource(source)} ${ending === 'incomplete' ? 'ends inside a page' : 'has no end-of-stream page'}: ` +
          'the file is truncated (pass allowTruncated: true to keep what was decoded).',
        { details: { ...fileDetail(source), format, key: 'eos' } },
      );
    }
  }
}

/** Bytes kept from the end of a FLAC stream: more than the largest legal frame of ordinary files. */
const FLAC_TAIL_BYTES = 1 << 20;

/**
 * codec-parser emits a FLAC frame only once it sees the next frame's sync code, and its flush drops a
 * short final frame (seen on real files whose last block is shorter than the rest). Find that frame in
 * the stream's tail — the last sync code from which exactly the missing samples decode cleanly (libFLAC
 * checks the header CRC-8 and frame CRC-16, so a false sync inside audio data does not decode) — and
 * decode it on its own.
 */
async function recoverFinalFlacFrame(
  tail: Uint8Array,
  missing: number,
  decodeFrame: (
    frame: Uint8Array,
  ) => Promise<Piece | { sampleRate: number; channels: Float32Array[] } | undefined>,
): Promise<{ sampleRate: number; channels: Float32Array[] } | undefined> {
  for (let i = tail.length - 2; i >= 0 && tail.length - i <= FLAC_TAIL_BYTES; i--) {
    if (tail[i] !== 0xff || (tail[i + 1]! & 0xfe) !== 0xf8 || !flacFrameHeaderValid(tail, i)) continue;
    try {
      const piece = await decodeFrame(tail.subarray(i));
      if (piece && piece.channels[0]!.length === missing) return piece;
    } catch {
      // Not a frame start: keep looking further back.
    }
  }
  return undefined;
}

/** True if a FLAC frame header starting at `i` is well formed and its CRC-8 matches (RFC 9639 §9.1). */
function flacFrameHeaderValid(b: Uint8Array, i: number): boolean {
  let p = i + 4;
  if (p > b.length) return false;
  const blockCode = b[i + 2]! >> 4;
  const rateCode = b[i + 2]! & 0x0f;
  if (blockCode === 0 || rateCode === 0x0f || (b[i + 3]! & 1) !== 0 || b[i + 3]! >> 4 > 10) return false;
  // The UTF-8-like coded frame or sample number: 1 to 7 bytes.
  const first = b[p]!;
  let extra = 0;
  if (first >= 0x80) {
    if ((first & 0xe0) === 0xc0) extra = 1;
    else if ((first & 0xf0) === 0xe0) extra = 2;
    else if ((first & 0xf8) === 0xf0) extra = 3;
    else if ((first & 0xfc) === 0xf8) extra = 4;
    else if ((first & 0xfe) === 0xfc) extra = 5;
    else if (first === 0xfe) extra = 6;
    else return false;
  }
  p += 1 + extra;
  if (blockCode === 6) p += 1;
  else if (blockCode === 7) p += 2;
  if (rateCode === 12) p += 1;
  else if (rateCode === 13 || rateCode === 14) p += 2;
  if (p >= b.length) return false;
  let crc = 0;
  for (let k = i; k < p; k++) {
    crc ^= b[k]!;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc === b[p];
}

function keepTail(tail: Uint8Array, bytes: Uint8Array, max: number): Uint8Array {
  if (bytes.length >= max) return bytes.slice(bytes.length - max);
  const keep = Math.min(tail.length, max - bytes.length);
  const out = new Uint8Array(keep + bytes.length);
  out.set(tail.subarray(tail.length - keep));
  out.set(bytes, keep);
  return out;
}

async function* wavPieces(src: ByteSource, o: Resolved, readBytes: number): AsyncGenerator<Piece> {
  const source = o.source;
  const h = await readWavHeader(src, source, o.allowTruncated);
  const range = frameRange(o, h.sampleRate);
  const end = Math.min(h.frames, range.end);
  const framesPerRead = Math.max(1, Math.floor(readBytes / h.blockAlign));
  let pos = Math.min(range.start, h.frames);
  src.release(h.dataOffset + pos * h.blockAlign);
  let eof = false;
  if (pos >= end) {
    // Nothing to read (no frames, or an offset past the end): still report the rate and position.
    yield {
      sampleRate: h.sampleRate,
      channels: Array.from({ length: h.channels }, () => new Float32Array(0)),
      start: pos,
    };
  }
  while (pos < end) {
    const want = Math.min(framesPerRead, end - pos);
    const bytes = await src.read(h.dataOffset + pos * h.blockAlign, want * h.blockAlign);
    const got = Math.floor(bytes.length / h.blockAlign);
    if (got > 0) {
      const channels = Array.from({ length: h.channels }, () => new Float32Array(got));
      decodeWavFrames(h, bytes, got, channels, 0, pos, source);
      yield { sampleRate: h.sampleRate, channels, start: pos };
      pos += got;
      src.release(h.dataOffset + pos * h.blockAlign);
    }
    if (got < want) {
      eof = true;
      break;
    }
  }
  if (eof && Number.isFinite(h.frames) && pos < end && !o.allowTruncated) {
    throw new AudioDecodeError(
      `WAV file${inSource(source)} is truncated: its header declares ${h.frames} frames but the data ends after ${pos}` +
        ' (pass allowTruncated: true to decode what is there).',
      { details: { ...fileDetail(source), format: 'wav', key: 'data', expected: h.frames, actual: pos } },
    );
  }
}

/**
 * Cuts pieces to `[offset, offset + duration)` (at the file's rate), downmixes and resamples when asked,
 * and regroups them into pieces of `chunkFrames(outputRate)` frames (Infinity: one piece).
 * Throws for empty results. @internal
 */
export async function* framePieces(
  pieces: AsyncGenerator<Piece>,
  o: Resolved,
  chunkFrames: (sampleRate: number) => number,
): AsyncGenerator<Audio> {
  let range: { start: number; end: number } | undefined;
  let size = 0;
  let rate = 0;
  let outRate = 0;
  let nch = 0;
  let resamplers: Resampler[] | undefined;
  let pending: Float32Array[][] = [];
  let pendingFrames = 0;
  let kept = 0;
  let lastFrame = 0;
  const emit = (n: number): Audio => {
    const channels: Float32Array[] = [];
    const rest: Float32Array[] = [];
    for (let c = 0; c < pending[0]!.length; c++) {
      const all = concatFloat32(
        pending.map((p) => p[c]!),
        pendingFrames,
      );
      channels.push(n === pendingFrames ? all : all.slice(0, n));
      if (n < pendingFrames) rest.push(all.subarray(n));
    }
    pending = n < pendingFrames ? [rest] : [];
    pendingFrames -= n;
    return { sampleRate: outRate, channels };
  };
  const push = (channels: Float32Array[], resampled: boolean) => {
    let x = channels;
    if (!resampled) {
      if (o.mono && x.length > 1) x = [toMono({ sampleRate: rate, channels: x })];
      if (resamplers) x = x.map((ch, c) => resamplers![c]!.process(ch));
    }
    if (x[0]!.length === 0) return;
    pending.push(x);
    pendingFrames += x[0]!.length;
  };
  try {
    for await (const p of pieces) {
      if (!range) {
        range = frameRange(o, p.sampleRate);
        rate = p.sampleRate;
        nch = p.channels.length;
        outRate = o.sampleRate ?? rate;
        if (outRate !== rate) {
          const outChannels = o.mono ? 1 : nch;
          resamplers = Array.from({ length: outChannels }, () => new Resampler(rate, outRate, o.resample));
        }
        size = chunkFrames(outRate);
      }
      const n = p.channels[0]!.length;
      lastFrame = p.start + n;
      const from = Math.max(0, range.start - p.start);
      const to = Math.min(n, range.end - p.start);
      if (to > from) {
        push(from === 0 && to === n ? p.channels : p.channels.map((ch) => ch.subarray(from, to)), false);
        kept += to - from;
        while (pendingFrames >= size) yield emit(size);
      }
      if (p.start + n >= range.end) break;
    }
  } finally {
    await pieces.return(undefined);
  }
  if (resamplers && kept > 0) {
    push(
      resamplers.map((r) => r.flush()),
      true,
    );
    while (pendingFrames >= size) yield emit(size);
  }
  if (pendingFrames > 0) yield emit(pendingFrames);
  if (kept === 0) {
    const where = inSource(o.source);
    if (range && range.start > 0 && lastFrame <= range.start) {
      throw new InvalidArgumentError(
        `offset ${o.offset} s is at or past the end of the audio${where} (${(lastFrame / rate).toFixed(3)} s).`,
        { details: { ...fileDetail(o.source), key: 'offset', actual: o.offset, expected: lastFrame / rate } },
      );
    }
    throw new InvalidAudioError(`Audio${where} has no samples.`, {
      details: { ...fileDetail(o.source), actual: 0 },
    });
  }
}

/**
 * Decodes a whole audio file held in memory. The format is identified from the bytes themselves
 * (WAV — PCM 8/16/24/32-bit, float 32/64-bit, A-law, µ-law, WAVE_FORMAT_EXTENSIBLE, RF64 — FLAC, Ogg FLAC,
 * MP3 and other MPEG layer I/II/III, Ogg Vorbis, Ogg Opus), never from a file name or content type.
 * Samples are float32; integer PCM is scaled by 1/2^(bits−1) as libsndfile, soundfile and torchaudio do.
 * Opus always decodes at 48 kHz. MP3 encoder delay and padding are removed when a LAME/Xing header says so.
 * Works in Node and browsers; the FLAC/MP3/Ogg decoders (WebAssembly) load on first use.
 *
 * @param bytes - the file's bytes.
 * @throws {@link UnsupportedFormatError} for unknown bytes or codecs instr does not read (AAC, ADPCM WAV, …).
 * @throws {@link AudioDecodeError} for empty, truncated or corrupt input and absurd headers.
 * @throws {@link NonFiniteError} for NaN/Inf samples in a float WAV.
 * @throws {@link InvalidAudioError} when the file holds no samples.
 * @throws {@link InvalidArgumentError} for invalid options or an `offset` past the end.
 * @example
 * ```ts
 * const res = await fetch('/clip.mp3');
 * const audio = await decodeAudio(new Uint8Array(await res.arrayBuffer()), { mono: true, source: '/clip.mp3' });
 * audio.sampleRate;          // e.g. 44100
 * audio.channels[0].length;  // samples
 * ```
 */
export async function decodeAudio(bytes: AudioBytes, options?: DecodeAudioOptions): Promise<Audio> {
  const o = resolveOptions(options);
  const data = asUint8Array(bytes, o.source);
  let result: Audio | undefined;
  for await (const audio of framePieces(
    decodePieces(bufferSource(data), o, Number.POSITIVE_INFINITY),
    o,
    () => Infinity,
  )) {
    result = audio;
  }
  return result!;
}

/**
 * Decodes an audio byte stream (a `fetch` body, a Node `Readable`, any `AsyncIterable<Uint8Array>`) piece by
 * piece, holding only about one piece in memory: yields {@link Audio} pieces of `chunkSeconds` (the last may be
 * shorter) whose concatenation equals {@link decodeAudio} of the whole input. Same formats, options and
 * errors as {@link decodeAudio}; errors found late (a truncated end) are thrown after the pieces before them.
 *
 * @example
 * ```ts
 * const res = await fetch('/long-recording.flac');
 * for await (const piece of decodeAudioStream(res.body!, { chunkSeconds: 30, mono: true })) {
 *   console.log(piece.sampleRate, piece.channels[0].length);
 * }
 * ```
 */
export async function* decodeAudioStream(
  stream: ByteStream,
  options?: DecodeAudioStreamOptions,
): AsyncGenerator<Audio, void, undefined> {
  const o = resolveOptions(options);
  const chunkSeconds = resolveChunkSeconds(options?.chunkSeconds, o.source);
  const src = streamSource(stream);
  try {
    yield* framePieces(decodePieces(src, o, 1 << 20), o, (rate) =>
      Math.max(1, Math.round(chunkSeconds * rate)),
    );
  } finally {
    await src.close();
  }
}

/** Validates `chunkSeconds` (default 10). @internal */
export function resolveChunkSeconds(value: number | undefined, source: string | undefined): number {
  const chunkSeconds = value ?? 10;
  if (typeof chunkSeconds !== 'number' || !Number.isFinite(chunkSeconds) || chunkSeconds <= 0) {
    throw new InvalidArgumentError(`chunkSeconds must be a finite number > 0, got ${String(chunkSeconds)}.`, {
      details: { key: 'chunkSeconds', actual: chunkSeconds, ...fileDetail(source) },
    });
  }
  return chunkSeconds;
}
