import ndarray, { type NdArray } from 'ndarray';
import { Tensor as OrtTensor } from 'onnxruntime-common';
import {
  type DataType,
  type ElementFor,
  type TypedArrayFor,
  allocate,
  DATA_TYPES,
  matchesDataType,
  TYPED_ARRAY,
} from './dtype.js';
import { DTypeError, InvalidArgumentError, ShapeError } from './errors.js';

/** Shape of a tensor: one non-negative integer per axis, outermost first. */
export type Dims = readonly number[];

/**
 * A dense, row-major, contiguous n-dimensional array of one dtype.
 *
 * Views (`reshape`, `slice`, `at`) share the buffer; nothing is copied unless a method says so.
 * Modelled on onnxruntime-common's tensor so conversion to it is free.
 *
 * @example
 * ```ts
 * const t = Tensor.from('float32', [1, 2, 3, 4, 5, 6], [2, 3]);
 * t.get(1, 2);            // 6
 * t.reshape([3, 2]).dims; // [3, 2], same buffer
 * const ort = t.toOrt();  // onnxruntime tensor over the same Float32Array
 * ```
 */
export class Tensor<D extends DataType = DataType> {
  readonly dtype: D;
  readonly dims: Dims;
  readonly data: TypedArrayFor<D>;
  /** Number of elements (product of dims). */
  readonly size: number;

  /** Wraps `data` (not copied). Throws a {@link ShapeError} if its length does not match `dims`. */
  constructor(dtype: D, data: TypedArrayFor<D>, dims: Dims) {
    if (!DATA_TYPES.includes(dtype)) {
      throw new DTypeError(`Unknown dtype "${String(dtype)}"; expected one of ${DATA_TYPES.join(', ')}.`, {
        details: { expected: DATA_TYPES, actual: dtype },
      });
    }
    if (!matchesDataType(dtype, data)) {
      throw new DTypeError(
        `Tensor of dtype ${dtype} needs a ${TYPED_ARRAY[dtype].name}, got ${describe(data)}.`,
        { details: { expected: TYPED_ARRAY[dtype].name, actual: describe(data) } },
      );
    }
    const size = checkDims(dims);
    if (data.length !== size) {
      throw new ShapeError(
        `Data length ${data.length} does not match shape [${dims.join(', ')}] (${size} elements).`,
        { details: { expected: size, actual: data.length } },
      );
    }
    this.dtype = dtype;
    this.dims = Object.freeze([...dims]);
    this.data = data;
    this.size = size;
  }

  /** A zero-filled tensor. */
  static zeros<D extends DataType>(dtype: D, dims: Dims): Tensor<D> {
    return new Tensor(dtype, allocate(dtype, checkDims(dims)), dims);
  }

  /** A tensor filled with one value. */
  static full<D extends DataType>(dtype: D, dims: Dims, value: ElementFor<D>): Tensor<D> {
    const t = Tensor.zeros(dtype, dims);
    (t.data as unknown as { fill(v: ElementFor<D>): void }).fill(value);
    return t;
  }

  /**
   * Copies `values` into a new tensor. `dims` defaults to `[values.length]`.
   * For int64, numbers are converted to bigint.
   */
  static from<D extends DataType>(
    dtype: D,
    values: ArrayLike<number | bigint>,
    dims: Dims = [values.length],
  ): Tensor<D> {
    const data = allocate(dtype, values.length);
    if (dtype === 'int64') {
      const out = data as BigInt64Array;
      for (let i = 0; i < values.length; i++) out[i] = BigInt(values[i] as number | bigint);
    } else {
      const out = data as Exclude<TypedArrayFor<DataType>, BigInt64Array>;
      for (let i = 0; i < values.length; i++) out[i] = Number(values[i]);
    }
    return new Tensor(dtype, data, dims);
  }

  /** Number of axes. */
  get rank(): number {
    return this.dims.length;
  }

  /** Row-major strides in elements. */
  get strides(): number[] {
    return stridesOf(this.dims);
  }

  /** The element at the given indices (one per axis), with bounds checks. */
  get(...indices: number[]): ElementFor<D> {
    return this.data[this.offsetOf(indices)] as ElementFor<D>;
  }

  /** Sets the element at the given indices: `t.set(value, i, j)`. */
  set(value: ElementFor<D>, ...indices: number[]): void {
    (this.data as unknown as Record<number, ElementFor<D>>)[this.offsetOf(indices)] = value;
  }

  /**
   * A view with another shape over the same buffer. One dimension may be `-1` (inferred).
   * @throws {@link ShapeError} if the element counts differ.
   */
  reshape(dims: Dims): Tensor<D> {
    const inferred = dims.filter((d) => d === -1).length;
    if (inferred > 1)
      throw new ShapeError('reshape: at most one dimension may be -1.', { details: { actual: dims } });
    let resolved = [...dims];
    if (inferred === 1) {
      const known = dims.reduce((p, d) => (d === -1 ? p : p * d), 1);
      if (known === 0 || this.size % known !== 0) {
        throw new ShapeError(`reshape: cannot infer -1 in [${dims.join(', ')}] for ${this.size} elements.`, {
          details: { expected: this.size, actual: dims },
        });
      }
      resolved = dims.map((d) => (d === -1 ? this.size / known : d));
    }
    const size = checkDims(resolved);
    if (size !== this.size) {
      throw new ShapeError(
        `reshape: [${this.dims.join(', ')}] has ${this.size} elements, [${resolved.join(', ')}] has ${size}.`,
        { details: { expected: this.dims, actual: resolved } },
      );
    }
    return new Tensor(this.dtype, this.data, resolved);
  }

  /** A view of rows `start` (inclusive) to `end` (exclusive) along the first axis. Negative indices count from the end. */
  slice(start: number, end: number = this.dims[0] ?? 0): Tensor<D> {
    if (this.rank === 0) throw new ShapeError('slice: a scalar tensor has no axis to slice.');
    const n = this.dims[0]!;
    const s = clampIndex(start, n);
    const e = Math.max(s, clampIndex(end, n));
    const inner = this.size / (n || 1);
    const data = this.data.subarray(s * inner, e * inner) as TypedArrayFor<D>;
    return new Tensor(this.dtype, data, [e - s, ...this.dims.slice(1)]);
  }

  /** A view of item `i` of the first axis (rank drops by one). */
  at(i: number): Tensor<D> {
    const n = this.dims[0] ?? 0;
    if (!Number.isInteger(i) || i < -n || i >= n) {
      throw new InvalidArgumentError(`at: index ${i} is out of range for an axis of length ${n}.`, {
        details: { expected: `[-${n}, ${n})`, actual: i },
      });
    }
    return this.slice(i < 0 ? i + n : i, (i < 0 ? i + n : i) + 1).reshape(this.dims.slice(1));
  }

  /** A deep copy with its own buffer. */
  clone(): Tensor<D> {
    return new Tensor(this.dtype, this.data.slice() as TypedArrayFor<D>, this.dims);
  }

  /** A copy with axes permuted: `perm[i]` is the source axis of output axis `i`. */
  transpose(perm: readonly number[] = [...this.dims.keys()].reverse()): Tensor<D> {
    const rank = this.rank;
    if (perm.length !== rank || [...perm].sort((a, b) => a - b).some((p, i) => p !== i)) {
      throw new InvalidArgumentError(
        `transpose: [${perm.join(', ')}] is not a permutation of ${rank} axes.`,
        {
          details: { actual: perm },
        },
      );
    }
    const outDims = perm.map((p) => this.dims[p]!);
    const out = Tensor.zeros(this.dtype, outDims);
    const srcStrides = this.strides;
    const stepFor = perm.map((p) => srcStrides[p]!);
    const idx = new Array<number>(rank).fill(0);
    const src = this.data as unknown as ArrayLike<number | bigint>;
    const dst = out.data as unknown as Record<number, number | bigint>;
    let srcOffset = 0;
    for (let o = 0; o < out.size; o++) {
      dst[o] = src[srcOffset]!;
      for (let ax = rank - 1; ax >= 0; ax--) {
        idx[ax]!++;
        srcOffset += stepFor[ax]!;
        if (idx[ax]! < outDims[ax]!) break;
        srcOffset -= stepFor[ax]! * outDims[ax]!;
        idx[ax] = 0;
      }
    }
    return out;
  }

  /** A copy converted to another dtype (numbers are truncated toward zero for integer targets). */
  astype<T extends DataType>(dtype: T): Tensor<T> {
    if ((dtype as DataType) === this.dtype) return this.clone() as unknown as Tensor<T>;
    const out = allocate(dtype, this.size);
    const src = this.data as unknown as ArrayLike<number | bigint>;
    if (dtype === 'int64') {
      for (let i = 0; i < this.size; i++) (out as BigInt64Array)[i] = BigInt(Math.trunc(Number(src[i])));
    } else {
      const o = out as unknown as Record<number, number>;
      for (let i = 0; i < this.size; i++) o[i] = dtype === 'bool' ? (Number(src[i]) ? 1 : 0) : Number(src[i]);
    }
    return new Tensor(dtype, out, this.dims);
  }

  /** Nested plain arrays (for printing and tests). */
  toArray(): unknown {
    const build = (axis: number, offset: number): unknown => {
      if (axis === this.rank) return this.data[offset];
      const stride = this.strides[axis]!;
      return Array.from({ length: this.dims[axis]! }, (_, i) => build(axis + 1, offset + i * stride));
    };
    return build(0, 0);
  }

  /**
   * An onnxruntime tensor over the same buffer (no copy).
   * Pass the `Tensor` class of the runtime you use if it is a separate copy of onnxruntime-common.
   */
  toOrt(OrtTensorClass: typeof OrtTensor = OrtTensor): OrtTensor {
    return new OrtTensorClass(this.dtype, this.data as never, this.dims);
  }

  /**
   * Wraps an onnxruntime CPU tensor without copying.
   * @throws {@link DTypeError} for element types instr does not use (string, float16, …).
   */
  static fromOrt(t: OrtTensor): Tensor {
    const dtype = t.type as DataType;
    if (!DATA_TYPES.includes(dtype)) {
      throw new DTypeError(`onnxruntime tensor of type "${t.type}" has no instr dtype.`, {
        details: { expected: DATA_TYPES, actual: t.type },
      });
    }
    return new Tensor(dtype, t.data as TypedArrayFor<typeof dtype>, t.dims);
  }

  /** An ndarray over the same buffer (no copy). */
  toNdarray(): NdArray {
    return ndarray(this.data as never, [...this.dims]);
  }

  /**
   * A tensor from an ndarray. Shares the buffer when the array is row-major contiguous
   * (any offset); copies only when its strides demand it (a transposed or stepped view).
   * `dtype` defaults to the dtype implied by the array's storage (Uint8Array → uint8).
   */
  static fromNdarray<D extends DataType>(array: NdArray, dtype?: D): Tensor<D> {
    const storage = array.data as unknown;
    const inferred = dtype ?? (inferDataType(storage) as D);
    if (!matchesDataType(inferred, storage)) {
      throw new DTypeError(`ndarray storage ${describe(storage)} does not match dtype ${inferred}.`, {
        details: { expected: inferred, actual: describe(storage) },
      });
    }
    const dims = [...array.shape];
    const size = checkDims(dims);
    const contiguous = stridesOf(dims).every((s, i) => dims[i] === 1 || s === array.stride[i]);
    const typed = storage as TypedArrayFor<D>;
    if (contiguous) {
      return new Tensor(
        inferred,
        typed.subarray(array.offset, array.offset + size) as TypedArrayFor<D>,
        dims,
      );
    }
    const out = Tensor.zeros(inferred, dims);
    const dst = out.data as unknown as Record<number, number | bigint>;
    const src = typed as unknown as ArrayLike<number | bigint>;
    const idx = new Array<number>(dims.length).fill(0);
    for (let o = 0; o < size; o++) {
      let off = array.offset;
      for (let ax = 0; ax < dims.length; ax++) off += idx[ax]! * array.stride[ax]!;
      dst[o] = src[off]!;
      for (let ax = dims.length - 1; ax >= 0; ax--) {
        if (++idx[ax]! < dims[ax]!) break;
        idx[ax] = 0;
      }
    }
    return out;
  }

  private offsetOf(indices: number[]): number {
    if (indices.length !== this.rank) {
      throw new InvalidArgumentError(`Expected ${this.rank} indices, got ${indices.length}.`, {
        details: { expected: this.rank, actual: indices.length },
      });
    }
    let offset = 0;
    let stride = 1;
    for (let ax = this.rank - 1; ax >= 0; ax--) {
      const i = indices[ax]!;
      const n = this.dims[ax]!;
      if (!Number.isInteger(i) || i < 0 || i >= n) {
        throw new InvalidArgumentError(`Index ${i} is out of range for axis ${ax} of length ${n}.`, {
          details: { expected: `[0, ${n})`, actual: i, axis: ax },
        });
      }
      offset += i * stride;
      stride *= n;
    }
    return offset;
  }
}

/** Row-major strides (in elements) of a shape. */
export function stridesOf(dims: Dims): number[] {
  const strides = new Array<number>(dims.length);
  let s = 1;
  for (let i = dims.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= dims[i]!;
  }
  return strides;
}

/** Validates a shape and returns its element count. */
export function checkDims(dims: Dims): number {
  let size = 1;
  for (const d of dims) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(`Invalid shape [${dims.join(', ')}]: dimensions must be non-negative integers.`, {
        details: { actual: dims },
      });
    }
    size *= d;
  }
  return size;
}

function clampIndex(i: number, n: number): number {
  const j = i < 0 ? i + n : i;
  return Math.min(Math.max(j, 0), n);
}

function inferDataType(data: unknown): DataType {
  if (data instanceof Float32Array) return 'float32';
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  throw new DTypeError(`Unsupported storage ${describe(data)}; use a typed array.`, {
    details: { actual: describe(data) },
  });
}

function describe(x: unknown): string {
  if (x === null) return 'null';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}
