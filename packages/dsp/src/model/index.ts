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
  if (typeof sampleRate !== 'number' || !Number.isFinite(sampleRate) || sampleRate <= 0) {
    throw new InvalidArgumentError(
      `featureSpecOptions: sampleRate must be a positive, finite number of Hz, got ${String(sampleRate)}.`,
      { details: { key: 'sampleRate', expected: '> 0', actual: sampleRate } },
    );
  }
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

/**
 * Number of feature frames a window of `samples` samples yields under `spec`
 * (`1 + ⌊samples / hop⌋` when centred, else `1 + ⌊(samples − nFft) / hop⌋`).
 *
 * @example
 * ```ts
 * featureFrames(48000, meta.features); // 301 for 16 kHz, hop 160, centred
 * ```
 */
export function featureFrames(samples: number, spec: FeatureSpec): number {
  const min = spec.center ? 0 : spec.nFft;
  if (!Number.isInteger(samples) || samples < min) {
    throw new InvalidArgumentError(
      `featureFrames: samples must be an integer ≥ ${min}${spec.center ? '' : ' (nFft, as center is false)'}, got ${samples}.`,
      { details: { key: 'samples', expected: `integer ≥ ${min}`, actual: samples } },
    );
  }
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
  checkNormalization(meta.normalization, 'modelInput');
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
  checkNormalization(meta.normalization, 'modelInputBatch');
  const [n, length] = windows.dims as [number, number];
  const frames = featureFrames(length, meta.features);
  const per = meta.features.nMels * frames;
  const out = new Float32Array(n * per);
  for (let w = 0; w < n; w++) out.set(modelInput(windows.at(w).data, meta).data, w * per);
  return new Tensor('float32', out, [n, 1, meta.features.nMels, frames]);
}

/** `mean` finite and `std` finite and > 0, or an InvalidArgumentError (x − mean) / std would turn into NaN/∞. */
function checkNormalization(norm: ModelMetadata['normalization'], fn: string): void {
  const { mean, std } = norm ?? ({} as ModelMetadata['normalization']);
  if (
    typeof mean !== 'number' ||
    !Number.isFinite(mean) ||
    typeof std !== 'number' ||
    !Number.isFinite(std) ||
    std <= 0
  ) {
    throw new InvalidArgumentError(
      `${fn}: normalization needs a finite mean and a finite std > 0, got mean ${String(mean)}, std ${String(std)}.`,
      {
        details: {
          key: 'normalization',
          expected: 'finite mean, std > 0',
          actual: `${String(mean)}, ${String(std)}`,
        },
      },
    );
  }
}
