import { InvalidArgumentError, Tensor } from '@instr/core';
import { chromaStft, melSpectrogram, powerToDb, type Signal } from '../spectral/index.js';
import { checkInt, checkPositive, checkSignal } from './validate.js';
import { scalogram, type WaveletForm } from './wavelet.js';

/**
 * Options of {@link melChromaScalogram}.
 * @example
 * ```ts
 * melChromaScalogram(y, { nBins: 64, hopLength: 256, tuning: 0 });
 * ```
 */
export interface MelChromaScalogramOptions {
  /** Sample rate of `y`. Default 22050 (the reference's). */
  sampleRate?: number;
  /** Height of every channel: mel bands, chroma bins and wavelet scales. Default 128 (the reference's). */
  nBins?: number;
  /** FFT length of the mel and chroma STFTs. Default 2048. */
  nFft?: number;
  /** Hop between frames, for the STFTs and the scalogram's stride. Default 512. */
  hopLength?: number;
  /** Chroma tuning in fractions of a bin; `null` estimates it (librosa's default). Default null. */
  tuning?: number | null;
  /** Wavelet shape of the scalogram channel. Default `'gaussian'`. */
  wavelet?: WaveletForm;
  /** Scalogram kernel length. Default 2048. */
  kernelSize?: number;
  /** Dynamic range of the mel channel in dB (`powerToDb` top_db). Default 80. */
  topDb?: number;
}

/**
 * Three-channel image `[3, nBins, frames]` (float32) in the spirit of the reference's MELCHROWAV, with its
 * bugs fixed:
 * - channel 0: mel power spectrogram (`nBins` Slaney mels, nFft 2048, hop 512) in dB via `powerToDb`
 *   (the reference applied `amplitude_to_db` to a power spectrogram, doubling every dB value);
 * - channel 1: `chromaStft` with `nChroma = nBins` (as the reference: `n_chroma = n_mels`);
 * - channel 2: the wavelet {@link scalogram} with `center: true`, so its frames are centred on the same
 *   samples as the STFT frames (the reference right-padded an unpadded, 2-frame-late scalogram);
 * each channel z-scored over the whole image (population std; a constant channel becomes zeros).
 * All channels have `1 + floor(n / hopLength)` frames.
 *
 * @example
 * ```ts
 * const img = melChromaScalogram(y); // Tensor<'float32'> [3, 128, 1 + floor(y.length / 512)]
 * ```
 * @throws {@link InvalidAudioError} for an empty signal, {@link ShapeError} for fewer than `nFft` samples,
 *   {@link NonFiniteError}, {@link InvalidArgumentError} for bad options.
 */
export function melChromaScalogram(y: Signal, options: MelChromaScalogramOptions = {}): Tensor<'float32'> {
  const fn = 'melChromaScalogram';
  const sampleRate = options.sampleRate ?? 22050;
  const nBins = options.nBins ?? 128;
  const nFft = options.nFft ?? 2048;
  const hopLength = options.hopLength ?? 512;
  checkPositive(fn, 'sampleRate', sampleRate);
  checkInt(fn, 'nBins', nBins, 1);
  checkInt(fn, 'nFft', nFft, 1);
  checkInt(fn, 'hopLength', hopLength, 1);
  checkSignal(fn, y, nFft, 'y');
  if (options.topDb !== undefined) checkPositive(fn, 'topDb', options.topDb, true);
  const mel = powerToDb(melSpectrogram(y, { sampleRate, nFft, hopLength, nMels: nBins }), {
    topDb: options.topDb ?? 80,
  });
  const chroma = chromaStft(y, {
    sampleRate,
    nFft,
    hopLength,
    nChroma: nBins,
    tuning: options.tuning ?? null,
  });
  const wav = scalogram(y, {
    nScales: nBins,
    stride: hopLength,
    kernelSize: options.kernelSize ?? 2048,
    wavelet: options.wavelet ?? 'gaussian',
    center: true,
  });
  const frames = mel.dims[1]!;
  for (const [name, t] of [
    ['chroma', chroma],
    ['scalogram', wav],
  ] as const) {
    if (t.dims[0] !== nBins || t.dims[1] !== frames) {
      throw new InvalidArgumentError(
        `${fn}: the ${name} channel is [${t.dims.join(', ')}], expected [${nBins}, ${frames}]; use an even kernelSize.`,
        { details: { key: name, expected: [nBins, frames], actual: t.dims } },
      );
    }
  }
  const out = new Float32Array(3 * nBins * frames);
  [mel, chroma, wav].forEach((t, c) => {
    zscoreInto(t.data, out, c * nBins * frames);
  });
  return new Tensor('float32', out, [3, nBins, frames]);
}

/** Writes `(x - mean) / std` (population std, float64 statistics) into `out` at `offset`. */
function zscoreInto(x: Float32Array, out: Float32Array, offset: number): void {
  let mean = 0;
  for (let i = 0; i < x.length; i++) mean += x[i]!;
  mean /= x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) v += (x[i]! - mean) ** 2;
  const std = Math.sqrt(v / x.length);
  const inv = std > 0 ? 1 / std : 0;
  for (let i = 0; i < x.length; i++) out[offset + i] = (x[i]! - mean) * inv;
}
