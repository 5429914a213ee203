import { readNpy, Tensor, UnsupportedFormatError, writeNpy } from '@instr/core';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// Core cannot depend on @instr/test-utils (which depends on core), so it finds shared/ itself.
const fixtures = join(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'librosa');
const sharedDir = existsSync(fixtures) ? fixtures : undefined;
const librosaFixture = (name: string) => readNpy(readFileSync(join(fixtures, `${name}.npy`)));
import { describe, expect, it } from 'vitest';

describe('npy', () => {
  it('round-trips every dtype', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'] as const) {
      const t = Tensor.from(dtype, [1, 0, 1, 1, 0, 1], [2, 3]);
      const back = readNpy(writeNpy(t));
      expect(back.dtype).toBe(dtype);
      expect(back.dims).toEqual([2, 3]);
      expect(back.data).toEqual(t.data);
    }
    expect(readNpy(writeNpy(Tensor.from('float32', [3], []))).dims).toEqual([]);
  });

  it('rejects non-npy and truncated input', () => {
    expect(() => readNpy(new Uint8Array([1, 2, 3]))).toThrow(UnsupportedFormatError);
    const bytes = writeNpy(Tensor.zeros('float64', [100]));
    expect(() => readNpy(bytes.subarray(0, bytes.length - 8))).toThrow(UnsupportedFormatError);
  });

  it.skipIf(!sharedDir)(
    'reads librosa fixtures, including complex64 and 0-d arrays (needs ../shared)',
    () => {
      const stft = librosaFixture('sig_a__stft__nfft400_hop160_hann_center_constant');
      expect(stft.dims).toEqual([201, 552, 2]);
      const tuning = librosaFixture('sig_a__estimate_tuning__powerstft-nfft2048-hop512-constant_bpo12');
      expect(tuning.dims).toEqual([]);
      expect(tuning.dtype).toBe('float64');
      const onsets = librosaFixture('sig_b__onset_detect__default');
      expect(onsets.dtype).toBe('int64');
    },
  );
});

describe('npy from Node Buffers', () => {
  it('copies the payload even when given a Buffer view (Buffer#slice shares memory)', async () => {
    const { Buffer } = await import('node:buffer');
    const t = Tensor.from('float32', [1.5, -2, 3.25]);
    const bytes = writeNpy(t);
    const padded = Buffer.concat([Buffer.from([9, 9, 9]), Buffer.from(bytes)]);
    const view = padded.subarray(3);
    expect(Array.from(readNpy(view).data as Float32Array)).toEqual([1.5, -2, 3.25]);
  });
});
