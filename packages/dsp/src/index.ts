/**
 * @packageDocumentation
 * Audio features that match librosa and torchaudio, resampling, loudness, model windows and audio decoding.
 * Browser-safe: Node file helpers live in the `@instr/dsp/node` entry.
 */
export * from './features/index.js';
export * from './io/index.js';
export * from './model/index.js';
export * from './model/windows.js';
export * from './signal/index.js';
export * from './spectral/index.js';
