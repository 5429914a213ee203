/**
 * @packageDocumentation
 * Node file helpers of `@instr/dsp`: read, stream, inspect and atomically write audio files.
 * Import from `@instr/dsp/node`; everything else in `@instr/dsp` is browser-safe.
 */
export {
  type AudioFileInfo,
  type ReadAudioFileOptions,
  readAudioFile,
  readAudioFileInfo,
  type StreamAudioFileOptions,
  streamAudioFile,
  writeWavFile,
} from './files.js';
