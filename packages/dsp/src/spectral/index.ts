/**
 * Spectral core of @instr/dsp: FFT, windows, STFT/ISTFT, mel, dB, MFCC, chroma and spectral features,
 * with librosa 0.11's defaults.
 */
export * from './chroma.js';
export * from './db.js';
export * from './fft.js';
export * from './features.js';
export {
  fftFrequencies,
  hzToMel,
  type MelFilterbankOptions,
  type MelNorm,
  type MelScaleOptions,
  type MelSpectrogramOptions,
  melFilterbank,
  melFrequencies,
  melFromSpectrogram,
  melSpectrogram,
  melToHz,
} from './mel.js';
export * from './mfcc.js';
export * from './normalize.js';
export {
  type ComplexSpectrogram,
  type IstftOptions,
  istft,
  type PadMode,
  type SpectrogramOptions,
  type StftOptions,
  spectrogram,
  stft,
} from './stft.js';
export type { Signal } from './util.js';
export {
  blackman,
  type FrameOptions,
  frame,
  getWindow,
  hamming,
  hann,
  padCenter,
  type WindowName,
  type WindowOptions,
  type WindowSpec,
} from './windows.js';
