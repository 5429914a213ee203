import { InstrumentSet, Rng, Tensor } from '@instr/core';

export const toyInstruments = InstrumentSet.custom([
  { code: 'a', family: 'f1' },
  { code: 'b', family: 'f1' },
  { code: 'c', family: 'f2' },
]);

/**
 * A toy multi-label problem on [N, 1, 8, 8] "spectrograms": class k adds a bright band in rows 2k..2k+1 (plus
 * noise), so a small CNN learns it in a few steps.
 */
export function toyData(n: number, seed = 1): { x: Tensor<'float32'>; y: Tensor<'float32'> } {
  const rng = new Rng(seed);
  const x = Tensor.zeros('float32', [n, 1, 8, 8]);
  const y = Tensor.zeros('float32', [n, 3]);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < 64; j++) x.data[i * 64 + j] = rng.normal(0, 0.5);
    let any = false;
    for (let k = 0; k < 3; k++) {
      if (rng.bernoulli(0.4) || (k === 2 && !any)) {
        any = true;
        y.data[i * 3 + k] = 1;
        for (let r = 2 * k; r < 2 * k + 2; r++)
          for (let c = 0; c < 8; c++) x.data[i * 64 + r * 8 + c]! += 1.5;
      }
    }
  }
  return { x, y };
}
