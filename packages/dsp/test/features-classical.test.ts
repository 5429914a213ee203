import { InvalidArgumentError, InvalidAudioError, NonFiniteError, ShapeError } from '@instr/core';
import { sharedDir } from '@instr/test-utils';
import { describe, expect, it } from 'vitest';
import { CLASSICAL_FEATURE_NAMES, classicalFeatures } from '../src/features/index.js';
import { featuresJson, featuresNpy, librosaNpy } from './features-helpers.js';

interface ClassicalGolden {
  names: string[];
  vectors: Record<string, number[]>;
}
const golden = featuresJson<ClassicalGolden>('classical.json');

/**
 * Per-feature check: |ours − reference| ≤ 1e-5·max(|reference|, scale). The scale is the feature's
 * natural magnitude (e.g. 1 for entropies, 80 dB for MFCCs and contrast), so near-zero values of
 * large-range features are compared on that range, as the "1e-5 of the reference's peak".
 */
const SCALE: Record<string, number> = { zcr: 1, rms: 1, sp_flat: 1 };
function compare(name: string, got: Float64Array, ref: number[]) {
  const report: string[] = [];
  let worst = 0;
  let worstName = '';
  CLASSICAL_FEATURE_NAMES.forEach((f, i) => {
    const scale = SCALE[f] ?? (f.startsWith('mfcc') ? Math.max(...ref.slice(0, 10).map(Math.abs)) : 1);
    const tol = 1e-5 * Math.max(Math.abs(ref[i]!), scale);
    const err = Math.abs(got[i]! - ref[i]!);
    if (err / (tol * 1e5) > worst) {
      worst = err / (tol * 1e5);
      worstName = f;
    }
    if (err > tol)
      report.push(`${f}: ${got[i]} vs ${ref[i]} (|diff| ${err.toExponential(2)} > ${tol.toExponential(2)})`);
  });
  console.log(`classical ${name}: worst |diff|/max(|ref|, scale) = ${worst.toExponential(2)} (${worstName})`);
  expect(report, `${name}:\n${report.join('\n')}`).toEqual([]);
}

describe('classicalFeatures (reference SVM baseline vector)', () => {
  it('has the reference names and order', () => {
    expect([...CLASSICAL_FEATURE_NAMES]).toEqual(golden.names);
    expect(CLASSICAL_FEATURE_NAMES.length).toBe(28);
  });

  for (const name of ['tone', 'noise']) {
    it(`matches the numpy re-implementation on "${name}"`, () => {
      const y = featuresNpy(`inputs_${name}.npy`).data as Float32Array;
      compare(name, classicalFeatures(y), golden.vectors[name]!);
    });
  }

  describe.skipIf(!sharedDir)('real clips (needs ../shared)', () => {
    for (const name of ['real_violin', 'real_flute']) {
      it(name, () => {
        const y = librosaNpy(`${name}__input__sr22050`).data as Float32Array;
        compare(name, classicalFeatures(y), golden.vectors[name]!);
      });
    }
  });

  it('rejects bad input with typed errors', () => {
    expect(() => classicalFeatures(new Float32Array(0))).toThrow(InvalidAudioError);
    expect(() => classicalFeatures(new Float32Array(100))).toThrow(ShapeError);
    const bad = new Float32Array(4096);
    bad[10] = Number.NaN;
    expect(() => classicalFeatures(bad)).toThrow(NonFiniteError);
    expect(() => classicalFeatures(new Float32Array(4096).fill(0.1), { sampleRate: -1 })).toThrow(
      InvalidArgumentError,
    );
  });
});
