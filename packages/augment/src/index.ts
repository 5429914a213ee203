/**
 * @packageDocumentation
 * Seeded, composable audio augmentations for instrument recognition: waveform transforms (gain, polarity,
 * reversal, shift, masks, coloured and background noise, reverb, pitch shift, time stretch, EQ, clipping,
 * loudness), spectrogram transforms (SpecAugment masks, random erasing, SpecMix, mixup, zoom, lighting),
 * label-aware dataset mixers (sum / concat / exponential N) and Compose / OneOf / SomeOf.
 * Browser-safe. Every transform reports the parameters it drew; same seed → same output.
 */
export * from './compose.js';
export * from './mix/mixers.js';
export * from './spectrogram/batch.js';
export * from './spectrogram/spectrogram.js';
export * from './transform.js';
export * from './waveform/basic.js';
export * from './waveform/filters.js';
export * from './waveform/vocoder.js';
export { type ClipSet, preloadClips } from './waveform/clips.js';
export * from './waveform/loudness.js';
export * from './waveform/noise.js';
export * from './waveform/reverb.js';
export * from './presets.js';
