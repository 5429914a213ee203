import { type DataType, Tensor, type TypedArrayFor } from '@instr/core';
import { describe, expectTypeOf, it } from 'vitest';

describe('Tensor typing', () => {
  it('maps dtypes to their typed arrays', () => {
    expectTypeOf(Tensor.zeros('float32', [1]).data).toEqualTypeOf<Float32Array>();
    expectTypeOf(Tensor.zeros('float64', [1]).data).toEqualTypeOf<Float64Array>();
    expectTypeOf(Tensor.zeros('int32', [1]).data).toEqualTypeOf<Int32Array>();
    expectTypeOf(Tensor.zeros('int64', [1]).data).toEqualTypeOf<BigInt64Array>();
    expectTypeOf(Tensor.zeros('bool', [1]).data).toEqualTypeOf<Uint8Array>();
    expectTypeOf<TypedArrayFor<'uint8'>>().toEqualTypeOf<Uint8Array>();
  });

  it('returns bigint elements for int64 and numbers otherwise', () => {
    expectTypeOf(Tensor.zeros('int64', [1]).get(0)).toEqualTypeOf<bigint>();
    expectTypeOf(Tensor.zeros('float32', [1]).get(0)).toEqualTypeOf<number>();
  });

  it('keeps the dtype through views', () => {
    const t = Tensor.zeros('float32', [2, 2]);
    expectTypeOf(t.reshape([4])).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(t.slice(0, 1)).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(t.at(0)).toEqualTypeOf<Tensor<'float32'>>();
    expectTypeOf(t.astype('int32')).toEqualTypeOf<Tensor<'int32'>>();
    expectTypeOf(t.dims).toEqualTypeOf<readonly number[]>();
  });

  it('rejects mismatched storage and unknown dtypes at compile time', () => {
    // @ts-expect-error a Float64Array cannot back a float32 tensor
    new Tensor('float32', new Float64Array(1), [1]);
    // @ts-expect-error unknown dtype
    Tensor.zeros('float16', [1]);
    // @ts-expect-error int64 elements are bigint
    Tensor.zeros('int64', [1]).set(1, 0);
    expectTypeOf<DataType>().toEqualTypeOf<'float32' | 'float64' | 'int32' | 'int64' | 'uint8' | 'bool'>();
  });
});
