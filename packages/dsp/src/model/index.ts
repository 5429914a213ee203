import { type FeatureSpec, InvalidArgumentError, type ModelMetadata, Tensor } from '@instr/core';
import { type LogMelSpectrogramOptions, logMelSpectrogram } from '../spectral/index.js';

/**
 * The `logMelSpectrogram` options a {@link FeatureSpec} (model metadata) stands for.
 * @example
 * ```ts
 * const options = featureSpecOptions(meta.features, meta.sampleRate);
 * const x = logMelSpectrogram(samples, options);
 * ```
 */
export function featureSpecOptions(spec: FeatureSpec, sampleRate: number): LogMelSpectrogramOptions {
  if (spec.type !== 'logmel') {
    throw new InvalidArgumentError(
      `Unsupported feature type "${String(spec.type)}"; instr models use "logmel".`,
      {
        details: { key: 'features.type', actual: spec.type },
      },
    );
  }
  return {
    sampleRate,
    nFft: spec.nFft,
    hopLength: spec.hopLength,
    winLength: spec.winLength,
    nMels: spec.nMels,
    fmin: spec.fmin,
    fmax: spec.fmax ?? undefined,
    htk: spec.htk,
    norm: spec.melNorm,
    center: spec.center,
    padMode: spec.padMode,
    power: spec.power,
    ref: spec.db.ref,
    amin: spec.db.amin,
    topDb: spec.db.topDb,
  };
}

/** Number of feature frames a window of `samples` samples yields under `spec`. */
export function featureFrames(samples: number, spec: FeatureSpec): number {
  return spec.center
    ? 1 + Math.floor(samples / spec.hopLength)
    : 1 + Math.floor((samples - spec.nFft) / spec.hopLength);
}

/**
 * Model input of one window, exactly as training and inference both compute it: log-mel `[nMels, frames]`
 * of the window's samples, then `(x − mean) / std`. Training (`@instr/train`) and inference
 * (`@instr/infer`) call this one function, so features cannot drift apart.
 *
 * @example
 * ```ts
 * const x = modelInput(windowSamples, meta); // Tensor<'float32'> [nMels, frames]
 * ```
 */
export function modelInput(
  samples: Float32Array,
  meta: Pick<ModelMetadata, 'features' | 'sampleRate' | 'normalization'>,
): Tensor<'float32'> {
  const x = logMelSpectrogram(samples, featureSpecOptions(meta.features, meta.sampleRate));
  const { mean, std } = meta.normalization;
  const inv = 1 / std;
  const d = x.data;
  for (let i = 0; i < d.length; i++) d[i] = (d[i]! - mean) * inv;
  return x;
}

/**
 * Model inputs of many equal-length windows as one batch `[windows, 1, nMels, frames]`.
 * @example
 * ```ts
 * const batch = modelInputBatch(windows.tensor, meta); // windows.tensor: [n, samples] from windowAudio
 * ```
 */
export function modelInputBatch(
  windows: Tensor<'float32'>,
  meta: Pick<ModelMetadata, 'features' | 'sampleRate' | 'normalization'>,
): Tensor<'float32'> {
  if (windows.rank !== 2) {
    throw new InvalidArgumentError(
      `modelInputBatch expects windows [n, samples], got [${windows.dims.join(', ')}].`,
      {
        details: { key: 'windows', expected: '[n, samples]', actual: windows.dims },
      },
    );
  }
  const [n, length] = windows.dims as [number, number];
  const frames = featureFrames(length, meta.features);
  const per = meta.features.nMels * frames;
  const out = new Float32Array(n * per);
  for (let w = 0; w < n; w++) out.set(modelInput(windows.at(w).data, meta).data, w * per);
  return new Tensor('float32', out, [n, 1, meta.features.nMels, frames]);
}
