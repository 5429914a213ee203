/**
 * Audio I/O, browser-safe: bytes in, {@link Audio} out, and WAV encoding.
 * Node file helpers are in `@instr/dsp/node`.
 */
export type { AudioBytes } from './bytes.js';
export {
  type DecodeAudioOptions,
  type DecodeAudioStreamOptions,
  decodeAudio,
  decodeAudioStream,
} from './decode.js';
export { type AudioFormat, sniffAudioFormat } from './sniff.js';
export type { ByteStream } from './source.js';
export { type EncodeWavOptions, encodeWav } from './wav.js';
export { type AudioInfo, readAudioInfo } from './info.js';
export type { WavEncoding } from './wav.js';
