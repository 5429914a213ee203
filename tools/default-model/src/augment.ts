/**
 * The default model's spectrogram augmentations, built in each worker of @instr/train's pipeline
 * (recipe.json: `augmentation.module` / `exportName`). The pipeline applies them to each training window's
 * log-mel **in dB, before normalisation**; `runFromConfig` passes the measured normalisation in the options.
 *
 * - FilterAugment (p 0.8, ±6 dB over 3–5 bands): a random EQ standing in for microphones and rooms. The input
 *   is in dB, so `unitsPerDb` is 1 — the same gains as the old loop's `1 / std` on normalised features.
 * - FrequencyMasking and TimeMasking (p 0.8 each): masks filled with the normalisation mean, i.e. 0 after
 *   normalisation, as the old loop masked normalised features with 0.
 */
import {
  Compose,
  FilterAugment,
  type FilterAugmentOptions,
  FrequencyMasking,
  TimeMasking,
  type AxisMaskingOptions,
} from '@instr/augment';
import type { PipelineAugmentations } from '@instr/train';

/** Options of {@link createAugmentations} (recipe.json `augmentation.options` + what runFromConfig adds). */
export interface DefaultAugmentOptions {
  filterAugment?: FilterAugmentOptions | null;
  frequencyMasking?: AxisMaskingOptions | null;
  timeMasking?: AxisMaskingOptions | null;
  /** Added by runFromConfig: the normalisation applied after these transforms (`null` = none). */
  normalization?: { mean: number; std: number } | null;
}

/**
 * Builds the spectrogram augmentation chain of the default model.
 * @example
 * ```ts
 * const { spectrogram } = createAugmentations({ filterAugment: { p: 0.8 }, normalization: { mean: -40, std: 18 } });
 * ```
 */
export function createAugmentations(options: DefaultAugmentOptions = {}): PipelineAugmentations {
  const fill = options.normalization?.mean ?? 0;
  const transforms = [
    options.filterAugment === null
      ? undefined
      : new FilterAugment({ p: 0.8, unitsPerDb: 1, ...options.filterAugment }),
    options.frequencyMasking === null
      ? undefined
      : new FrequencyMasking({ p: 0.8, value: fill, ...options.frequencyMasking }),
    options.timeMasking === null
      ? undefined
      : new TimeMasking({ p: 0.8, value: fill, ...options.timeMasking }),
  ].filter((t) => t !== undefined);
  return { spectrogram: new Compose(transforms) };
}

export default createAugmentations;
