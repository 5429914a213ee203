/** Element types a {@link Tensor} can hold; names and storage follow onnxruntime-common. */
export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
  /** One byte per element, 0 or 1, as onnxruntime stores booleans. */
  bool: Uint8Array;
}

/** A tensor element type name. */
export type DataType = keyof DataTypeMap;

/** The typed array that stores elements of type `D`. */
export type TypedArrayFor<D extends DataType> = DataTypeMap[D];

/** Numeric dtypes (everything except int64, whose elements are bigint). */
export type NumberDataType = Exclude<DataType, 'int64'>;

/** The JavaScript value of one element: `bigint` for int64, `number` otherwise. */
export type ElementFor<D extends DataType> = D extends 'int64' ? bigint : number;

type TypedArrayConstructor =
  | Float32ArrayConstructor
  | Float64ArrayConstructor
  | Int32ArrayConstructor
  | BigInt64ArrayConstructor
  | Uint8ArrayConstructor;

/** The constructor of each dtype's typed array. */
export const TYPED_ARRAY: { readonly [D in DataType]: TypedArrayConstructor } = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
  int64: BigInt64Array,
  uint8: Uint8Array,
  bool: Uint8Array,
};

/** All dtype names. */
export const DATA_TYPES: readonly DataType[] = Object.keys(TYPED_ARRAY) as DataType[];

/** Allocates a zero-filled typed array of `length` elements of dtype `D`. */
export function allocate<D extends DataType>(dtype: D, length: number): TypedArrayFor<D> {
  return new TYPED_ARRAY[dtype](length) as TypedArrayFor<D>;
}

/** True if `data` is the storage type of `dtype` (bool and uint8 share Uint8Array). */
export function matchesDataType(dtype: DataType, data: unknown): boolean {
  return data instanceof TYPED_ARRAY[dtype];
}
