import { Rng, Tensor } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  freesoundBatchAugment,
  freesoundSpectrogramAugment,
  lumenSpectrogramAugment,
  lumenWaveformAugment,
} from '../src/index.js';
import { hasNaN, sine } from './helpers.js';

describe('reference presets', () => {
  it('lumen waveform chain: fixed order, length kept, p 0.5 polarity', () => {
    const aug = lumenWaveformAugment();
    const x = sine(440, 0.5);
    const { output, report } = aug.apply(x, 1);
    expect(report.children!.map((c) => c.name)).toEqual([
      'PolarityInversion',
      'PitchShift',
      'TimeStretch',
      'TimeShift',
      'ColoredNoise',
      'TimeMask',
    ]);
    expect(output.channels[0]).toHaveLength(x.channels[0]!.length);
    expect(hasNaN(output.channels[0]!)).toBe(false);
    const flips = Array.from({ length: 200 }, (_, s) => aug.transforms[0]!.apply(x, s).report.applied).filter(
      Boolean,
    ).length;
    expect(flips).toBeGreaterThan(70);
    expect(flips).toBeLessThan(130);
  });

  it('spectrogram presets keep shapes; batch preset mixes labels', () => {
    const mels = Tensor.zeros('float32', [4, 1, 128, 87]);
    new Rng(1).fillNormal(mels.data);
    expect(
      lumenSpectrogramAugment({ randomErasing: true }).applyBatch(mels, { seed: 1 }).output.dims,
    ).toEqual([4, 1, 128, 87]);
    expect(freesoundSpectrogramAugment().applyBatch(mels, { seed: 2 }).output.dims).toEqual([4, 1, 128, 87]);
    const y = Tensor.zeros('float32', [4, 11]);
    for (let b = 0; b < 4; b++) y.data[b * 11 + b] = 1;
    const { output, report } = freesoundBatchAugment().apply({ x: mels, y }, 3);
    expect(report.children!.map((c) => c.name)).toEqual(['Mixup', 'SpecMix']);
    expect(output.y.dims).toEqual([4, 11]);
  });
});
