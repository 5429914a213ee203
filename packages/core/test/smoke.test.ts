import { describe, expect, it } from 'vitest';
import { Tensor } from '@instr/core';
import { sharedDir, librosaFixture } from '@instr/test-utils';

describe('workspace wiring', () => {
  it('imports @instr/core from source', () => {
    expect(Tensor.from('float32', [1, 2, 3]).dims).toEqual([3]);
  });
  it.skipIf(!sharedDir)('reads a librosa fixture from shared/', () => {
    const t = librosaFixture('sig_a__input__sr22050');
    expect(t.dims).toEqual([88200]);
    expect(t.dtype).toBe('float32');
  });
});
