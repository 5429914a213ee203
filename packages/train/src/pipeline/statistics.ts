import { type FeatureSpec, Rng } from '@instr/core';
import { logMelSpectrogram, type ResampleOptions } from '@instr/dsp';
import { AudioCache, loadMonoAudio } from '../data/cache.js';
import type { Dataset } from '../data/dataset.js';
import { mapConcurrent, type ProgressCallback } from '../data/files.js';
import { logMelOptions } from './features.js';

/**
 * Options of {@link featureStatistics}.
 * @example
 * ```ts
 * await featureStatistics(ds, { sampleRate: 22050, features: spec, maxItems: 500 } satisfies FeatureStatisticsOptions);
 * ```
 */
export interface FeatureStatisticsOptions {
  sampleRate: number;
  features: FeatureSpec;
  /** Use at most this many files, drawn at random with `seed` (default: all). */
  maxItems?: number;
  /** Seed of the file draw (default 0). */
  seed?: number;
  /** Decode through a disk cache in this folder. */
  cacheDir?: string;
  resample?: ResampleOptions;
  /** Files decoded at once. Default 2. */
  concurrency?: number;
  onProgress?: ProgressCallback;
}

/**
 * Mean and standard deviation of every log-mel value over (a sample of) a dataset: the
 * `normalization` of the model metadata and of {@link DataPipeline}.
 * @example
 * ```ts
 * const normalization = await featureStatistics(train, { sampleRate: 22050, features: spec, maxItems: 500 });
 * ```
 */
export async function featureStatistics(
  dataset: Dataset,
  options: FeatureStatisticsOptions,
): Promise<{ mean: number; std: number; values: number; files: number }> {
  const opts = logMelOptions(options.features, options.sampleRate);
  let indices = Array.from({ length: dataset.size }, (_, i) => i);
  if (options.maxItems !== undefined && options.maxItems < dataset.size) {
    indices = new Rng(options.seed ?? 0).choice(dataset.size, options.maxItems).sort((a, b) => a - b);
  }
  const cache = options.cacheDir ? new AudioCache({ dir: options.cacheDir }) : undefined;
  const parts = await mapConcurrent(
    indices,
    options.concurrency ?? 2,
    async (i) => {
      const y = await loadMonoAudio(
        dataset.items[i]!.path,
        { sampleRate: options.sampleRate, resample: options.resample ?? { quality: 'default' } },
        cache,
      );
      const m = logMelSpectrogram(y, opts).data;
      let s = 0;
      let s2 = 0;
      for (let k = 0; k < m.length; k++) {
        const v = m[k]!;
        s += v;
        s2 += v * v;
      }
      return { s, s2, n: m.length };
    },
    (done, total, k) => options.onProgress?.({ done, total, id: dataset.items[indices[k]!]!.id }),
  );
  let s = 0;
  let s2 = 0;
  let n = 0;
  for (const p of parts) {
    s += p.s;
    s2 += p.s2;
    n += p.n;
  }
  const mean = n > 0 ? s / n : 0;
  const std = n > 0 ? Math.sqrt(Math.max(s2 / n - mean * mean, 0)) : 1;
  return { mean, std: std > 0 ? std : 1, values: n, files: indices.length };
}
