/** Augmentation module of config-run.test.ts: records the options the factory gets, adds a frequency mask. */
import { writeFileSync } from 'node:fs';
import { FrequencyMasking } from '@instr/augment';
import type { PipelineAugmentations } from '../src/index.js';

export function recordOptions(options: { file: string; normalization?: unknown }): PipelineAugmentations {
  writeFileSync(options.file, JSON.stringify(options));
  return { spectrogram: new FrequencyMasking({ maxWidth: 4, p: 0.5 }) };
}
