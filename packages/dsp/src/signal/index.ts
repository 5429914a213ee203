/**
 * Signal utilities: band-limited resampling, loudness (peak, RMS, EBU R128), model windows and
 * streaming log-mel features.
 */
export { MAX_RESAMPLE_RATIO, Resampler, resample, resampleAudio } from './resample.js';
export type { ResampleOptions, ResampleQuality } from './resample.js';
export {
  integratedLoudness,
  kWeightingCoefficients,
  normalizeLoudness,
  normalizePeak,
  normalizeRms,
  peakLevel,
  rmsLevel,
} from './loudness.js';
export type { LoudnessOptions, LevelNormalizeOptions, SignalOrAudio, SilencePolicy } from './loudness.js';
export { chunkSpectrogram, StreamingWindower, windowAudio, windowAudioBatch } from './windows.js';
export type { StreamedWindow } from './windows.js';
export type {
  AudioWindows,
  BatchWindowSpan,
  BatchWindows,
  PadPolicy,
  SpectrogramChunks,
  AudioWindowOptions,
  WindowSpan,
} from './windows.js';
export { StreamingLogMel } from './streaming-mel.js';
export type { StreamingLogMelOptions } from './streaming-mel.js';
