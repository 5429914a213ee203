import type { MixSource } from '@instr/augment';
import type { Audio } from '@instr/core';
import { type AudioCache, type LoadAudioOptions, loadMonoAudio } from './cache.js';
import type { Dataset } from './dataset.js';

/**
 * The items of a dataset as `@instr/augment` mixer sources (`{ labels, genre, load }`): `load()` decodes
 * the file to mono at `sampleRate` (through `cache` when given), so every source has the same rate.
 * `DataPipeline` does this inside its workers; use this to mix on the calling thread.
 * @example
 * ```ts
 * import { SumN } from '@instr/augment';
 * const mixer = new SumN(datasetMixSources(train, { sampleRate: 22050 }), { n: 2, instruments: train.instruments });
 * const { audio, labels } = await mixer.mix(0, new Rng(1).derive(epoch, 0));
 * ```
 */
export function datasetMixSources(
  dataset: Dataset,
  options: LoadAudioOptions & { cache?: AudioCache },
): MixSource[] {
  const { cache, ...load } = options;
  return dataset.items.map((item) => ({
    labels: item.labels,
    ...(item.genre !== undefined ? { genre: item.genre } : {}),
    load: async (): Promise<Audio> => ({
      sampleRate: load.sampleRate,
      channels: [await loadMonoAudio(item.path, load, cache)],
    }),
  }));
}
