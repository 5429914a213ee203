import { DTypeError, InvalidArgumentError, ShapeError, Tensor } from '@instr/core';
import fc from 'fast-check';
import ndarray from 'ndarray';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';

describe('Tensor construction', () => {
  it('wraps data without copying and freezes dims', () => {
    const data = new Float32Array(6);
    const t = new Tensor('float32', data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(t.strides).toEqual([3, 1]);
    expect(Object.isFrozen(t.dims)).toBe(true);
  });

  it('rejects a data length that does not match the shape', () => {
    expect(() => new Tensor('float32', new Float32Array(5), [2, 3])).toThrow(ShapeError);
    try {
      new Tensor('float32', new Float32Array(5), [2, 3]);
    } catch (e) {
      expect(ShapeError.isInstance(e)).toBe(true);
      expect((e as ShapeError).details).toMatchObject({ expected: 6, actual: 5 });
    }
  });

  it('rejects the wrong typed array and negative or fractional dims', () => {
    expect(() => new Tensor('float32', new Float64Array(2) as never, [2])).toThrow(DTypeError);
    expect(() => new Tensor('int64', new Int32Array(2) as never, [2])).toThrow(DTypeError);
    expect(() => Tensor.zeros('float32', [2, -1])).toThrow(ShapeError);
    expect(() => Tensor.zeros('float32', [1.5])).toThrow(ShapeError);
    expect(() => new Tensor('complex' as never, new Float32Array(1) as never, [1])).toThrow(DTypeError);
  });

  it('supports every dtype, scalars and empty tensors', () => {
    expect(Tensor.from('int64', [1, 2n, 3]).data).toEqual(new BigInt64Array([1n, 2n, 3n]));
    expect(Tensor.from('bool', [1, 0]).data).toBeInstanceOf(Uint8Array);
    expect(Tensor.from('float64', [0.5]).get(0)).toBe(0.5);
    const scalar = Tensor.from('int32', [7], []);
    expect(scalar.get()).toBe(7);
    expect(Tensor.zeros('uint8', [0, 4]).size).toBe(0);
    expect(Tensor.full('float32', [2, 2], 3).data).toEqual(new Float32Array([3, 3, 3, 3]));
  });

  it('get/set check indices', () => {
    const t = Tensor.zeros('float32', [2, 3]);
    t.set(5, 1, 2);
    expect(t.get(1, 2)).toBe(5);
    expect(t.data[5]).toBe(5);
    expect(() => t.get(2, 0)).toThrow(InvalidArgumentError);
    expect(() => t.get(0)).toThrow(InvalidArgumentError);
  });
});

describe('views', () => {
  const t = Tensor.from('float32', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], [3, 4]);

  it('reshape shares the buffer and infers -1', () => {
    const r = t.reshape([2, -1]);
    expect(r.dims).toEqual([2, 6]);
    expect(r.data.buffer).toBe(t.data.buffer);
    expect(() => t.reshape([5, -1])).toThrow(ShapeError);
    expect(() => t.reshape([-1, -1])).toThrow(ShapeError);
    expect(() => t.reshape([5, 5])).toThrow(ShapeError);
  });

  it('slice and at are views along the first axis', () => {
    const s = t.slice(1, 3);
    expect(s.dims).toEqual([2, 4]);
    expect(s.get(0, 0)).toBe(4);
    s.set(99, 0, 0);
    expect(t.get(1, 0)).toBe(99);
    t.set(4, 1, 0);
    expect(t.slice(-1).get(0, 3)).toBe(11);
    expect(t.at(2).toArray()).toEqual([8, 9, 10, 11]);
    expect(t.at(-3).get(1)).toBe(1);
    expect(() => t.at(3)).toThrow(InvalidArgumentError);
  });

  it('transpose copies with permuted axes', () => {
    const x = Tensor.from(
      'int32',
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const y = x.transpose([2, 0, 1]);
    expect(y.dims).toEqual([4, 2, 3]);
    for (let a = 0; a < 2; a++)
      for (let b = 0; b < 3; b++) for (let c = 0; c < 4; c++) expect(y.get(c, a, b)).toBe(x.get(a, b, c));
    expect(() => x.transpose([0, 0, 1])).toThrow(InvalidArgumentError);
  });

  it('transpose twice is the identity (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 4 }), (dims) => {
        const size = dims.reduce((a, b) => a * b, 1);
        const x = Tensor.from(
          'float64',
          Array.from({ length: size }, (_, i) => i),
          dims,
        );
        const perm = dims.map((_, i) => i).reverse();
        expect(x.transpose(perm).transpose(perm).data).toEqual(x.data);
      }),
    );
  });

  it('astype converts and clone copies', () => {
    const f = Tensor.from('float32', [1.7, -2.2, 0]);
    expect(f.astype('int32').data).toEqual(new Int32Array([1, -2, 0]));
    expect(f.astype('int64').data).toEqual(new BigInt64Array([1n, -2n, 0n]));
    expect(f.astype('bool').data).toEqual(new Uint8Array([1, 1, 0]));
    const c = f.clone();
    c.data[0] = 5;
    expect(f.data[0]).toBeCloseTo(1.7);
  });
});

describe('onnxruntime conversion', () => {
  it('toOrt shares the buffer for every dtype', () => {
    for (const dtype of ['float32', 'float64', 'int32', 'int64', 'uint8', 'bool'] as const) {
      const t = Tensor.zeros(dtype, [2, 2]);
      const o = t.toOrt(ort.Tensor);
      expect(o.type).toBe(dtype);
      expect(o.dims).toEqual([2, 2]);
      expect(o.data).toBe(t.data);
    }
  });

  it('fromOrt wraps without copying and round-trips through a real session', async () => {
    const o = new ort.Tensor('float32', new Float32Array([1, 2, 3, 4]), [2, 2]);
    const t = Tensor.fromOrt(o);
    expect(t.data).toBe(o.data);
    expect(t.dims).toEqual([2, 2]);
    expect(() => Tensor.fromOrt(new ort.Tensor('string', ['a'], [1]))).toThrow(DTypeError);
  });
});

describe('ndarray conversion', () => {
  it('toNdarray shares the buffer', () => {
    const t = Tensor.from('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
    const a = t.toNdarray();
    expect(a.data).toBe(t.data);
    expect(a.get(1, 2)).toBe(6);
    a.set(0, 0, 42);
    expect(t.get(0, 0)).toBe(42);
  });

  it('fromNdarray shares contiguous arrays (with an offset) and copies strided views', () => {
    const data = new Float64Array([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    const a = ndarray(data, [3, 4]);
    const t = Tensor.fromNdarray(a);
    expect(t.dtype).toBe('float64');
    expect(t.data.buffer).toBe(data.buffer);
    const rows = a.hi(3, 4).lo(1, 0); // rows 1..2: contiguous, offset 4
    const v = Tensor.fromNdarray(rows);
    expect(v.data.buffer).toBe(data.buffer);
    expect(v.toArray()).toEqual([
      [4, 5, 6, 7],
      [8, 9, 10, 11],
    ]);
    const tr = a.transpose(1, 0); // strided: must copy
    const c = Tensor.fromNdarray(tr);
    expect(c.data.buffer).not.toBe(data.buffer);
    expect(c.dims).toEqual([4, 3]);
    expect(c.get(3, 2)).toBe(11);
    const stepped = a.step(1, 2); // every other column
    expect(Tensor.fromNdarray(stepped).toArray()).toEqual([
      [0, 2],
      [4, 6],
      [8, 10],
    ]);
    expect(() => Tensor.fromNdarray(ndarray([1, 2, 3] as never, [3]))).toThrow(DTypeError);
  });
});
