import { type FeatureSpec, InvalidArgumentError, logMelSpec, Tensor } from '@instr/core';
import { featureFrames, modelInput, modelInputBatch } from '@instr/dsp';
import { librosaFixture, sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';

const spec: FeatureSpec = logMelSpec();

describe('modelInput', () => {
  it.skipIf(!sharedDir)(
    'equals librosa power_to_db(melspectrogram) before normalisation (needs ../shared)',
    () => {
      const y = librosaFixture('real_voice__input__sr16000').data as Float32Array;
      const ref = librosaFixture('real_voice__power_to_db__melspec-default_ref1_amin1e-10_topdb80');
      const x = modelInput(y, { features: spec, sampleRate: 16000, normalization: { mean: 0, std: 1 } });
      expect(x.dims).toEqual(ref.dims);
      let worst = 0;
      for (let i = 0; i < x.size; i++)
        worst = Math.max(worst, Math.abs(x.data[i]! - (ref.data[i] as number)));
      expect(worst).toBeLessThan(0.01);
    },
  );

  it('normalises and batches windows as [n, 1, mels, frames]', () => {
    const n = 4096;
    const windows = Tensor.zeros('float32', [3, n]);
    for (let w = 0; w < 3; w++)
      for (let i = 0; i < n; i++) windows.data[w * n + i] = Math.sin((i * (w + 1)) / 10);
    const meta = { features: spec, sampleRate: 22050, normalization: { mean: -20, std: 10 } };
    const batch = modelInputBatch(windows, meta);
    expect(batch.dims).toEqual([3, 1, 128, featureFrames(n, spec)]);
    const single = modelInput(windows.at(1).data, meta);
    expect(batch.at(1).reshape(single.dims).data).toEqual(single.data);
    const raw = modelInput(windows.at(1).data, { ...meta, normalization: { mean: 0, std: 1 } });
    expect(single.data[5]).toBeCloseTo((raw.data[5]! + 20) / 10, 5);
    expect(() => modelInputBatch(Tensor.zeros('float32', [4]), meta)).toThrow(InvalidArgumentError);
    expect(() =>
      modelInput(windows.at(0).data, { ...meta, features: { ...spec, type: 'mfcc' as 'logmel' } }),
    ).toThrow(InvalidArgumentError);
  });
});
