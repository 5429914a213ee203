/** Augmentation module loaded by the pipeline tests' worker threads. */
import { FrequencyMasking, Gain, TimeMasking } from '@instr/augment';
import type { AugmentFactoryContext, PipelineAugmentations } from '../src/index.js';

export default function createAugmentations(
  options: { p?: number } | null,
  context: AugmentFactoryContext,
): PipelineAugmentations {
  if (context.sampleRate <= 0) throw new Error('no sample rate');
  return {
    waveform: new Gain({ minDb: -6, maxDb: 6, p: options?.p ?? 1 }),
    spectrogram: new FrequencyMasking({ maxWidth: 6, p: 0.5 }),
  };
}

export function withTimeMasks(): PipelineAugmentations {
  return { spectrogram: new TimeMasking({ maxWidth: 4 }) };
}

export function broken(): PipelineAugmentations {
  throw new Error('the factory failed on purpose');
}

/** Kills its worker thread on the first example (tests crash handling). */
export function crashing(): PipelineAugmentations {
  return {
    waveform: {
      apply() {
        process.exit(3);
      },
    } as unknown as PipelineAugmentations['waveform'],
  };
}
