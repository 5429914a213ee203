import { InvalidArgumentError, NonFiniteError, ShapeError, Tensor } from '@instr/core';

/**
 * What the metric functions accept for a `[examples, classes]` matrix: a 2-D {@link Tensor} (float32,
 * float64, int32, uint8 or bool), plain nested arrays of numbers or booleans, or an already validated
 * {@link Matrix}. A 1-D tensor or flat array is read as one class (`[examples, 1]`).
 * @example
 * ```ts
 * rocAucScore(Tensor.from('uint8', [1, 0], [1, 2]), [[0.9, 0.1]]);
 * ```
 */
export type MatrixInput =
  | Tensor
  | ReadonlyArray<ReadonlyArray<number | boolean>>
  | ReadonlyArray<number | boolean>
  | Matrix;

/**
 * A validated row-major `[rows, cols]` matrix of float64 values; what every metric works on internally.
 *
 * @example
 * ```ts
 * const m = toMatrix([[1, 0], [0, 1]], 'yTrue', 'labels');
 * m.rows; // 2
 * m.get(1, 1); // 1
 * ```
 */
export class Matrix {
  /** Row-major values, `rows * cols` long. */
  readonly data: Float64Array;
  readonly rows: number;
  readonly cols: number;

  constructor(data: Float64Array, rows: number, cols: number) {
    if (data.length !== rows * cols) {
      throw new ShapeError(
        `Matrix data has ${data.length} values; [${rows}, ${cols}] needs ${rows * cols}.`,
        {
          details: { expected: rows * cols, actual: data.length },
        },
      );
    }
    this.data = data;
    this.rows = rows;
    this.cols = cols;
  }

  /** The value at row `i`, column `j` (no bounds check). */
  get(i: number, j: number): number {
    return this.data[i * this.cols + j]!;
  }

  /** Column `j` as a new Float64Array. */
  column(j: number): Float64Array {
    const out = new Float64Array(this.rows);
    for (let i = 0, o = j; i < this.rows; i++, o += this.cols) out[i] = this.data[o]!;
    return out;
  }

  /** Rows `start` to `end` (exclusive), sharing the buffer. */
  sliceRows(start: number, end: number): Matrix {
    return new Matrix(this.data.subarray(start * this.cols, end * this.cols), end - start, this.cols);
  }

  /** The rows at `indices` (with repeats), copied: used by the bootstrap. */
  takeRows(indices: ArrayLike<number>): Matrix {
    const out = new Float64Array(indices.length * this.cols);
    for (let r = 0; r < indices.length; r++) {
      const src = indices[r]! * this.cols;
      out.set(this.data.subarray(src, src + this.cols), r * this.cols);
    }
    return new Matrix(out, indices.length, this.cols);
  }

  /** A `[rows, cols]` float64 {@link Tensor} over the same buffer. */
  toTensor(): Tensor<'float64'> {
    return new Tensor('float64', this.data, [this.rows, this.cols]);
  }

  /** Nested arrays (for JSON and printing). */
  toArray(): number[][] {
    return Array.from({ length: this.rows }, (_, i) =>
      Array.from(this.data.subarray(i * this.cols, (i + 1) * this.cols)),
    );
  }
}

/**
 * What a matrix holds, which decides the value checks in {@link toMatrix}.
 * @example
 * ```ts
 * toMatrix([[0, 1]], 'yTrue', 'labels');
 * ```
 */
export type MatrixKind = 'labels' | 'scores';

/**
 * Converts and validates a `[examples, classes]` input.
 *
 * - `'labels'`: every value must be 0 or 1 (booleans are accepted);
 * - `'scores'`: every value must be finite (any range; probabilities are not required).
 *
 * @throws {@link ShapeError} for a tensor that is not 1-D or 2-D, ragged nested arrays, or no examples
 *   or no classes.
 * @throws {@link NonFiniteError} for NaN or ±Infinity.
 * @throws {@link InvalidArgumentError} for labels outside {0, 1} or an unsupported value type.
 * @example
 * ```ts
 * const yTrue = toMatrix(Tensor.from('uint8', [1, 0, 0, 1], [2, 2]), 'yTrue', 'labels');
 * const yScore = toMatrix([[0.9, 0.2], [0.4, 0.7]], 'yScore', 'scores');
 * ```
 */
export function toMatrix(input: MatrixInput, name: string, kind: MatrixKind): Matrix {
  if (input instanceof Matrix) {
    const seen = VALIDATED.get(input);
    if (seen === 'labels' || seen === kind) return input;
  }
  let data: Float64Array;
  let rows: number;
  let cols: number;
  if (input instanceof Matrix) {
    data = input.data;
    rows = input.rows;
    cols = input.cols;
  } else if (input instanceof Tensor) {
    if (input.rank !== 1 && input.rank !== 2) {
      throw new ShapeError(
        `${name} must be a [examples, classes] tensor; got shape [${input.dims.join(', ')}]. Reshape it to 2-D.`,
        { details: { key: name, expected: '[examples, classes]', actual: input.dims } },
      );
    }
    if (input.dtype === 'int64') {
      throw new InvalidArgumentError(`${name} has dtype int64; convert it with .astype('float64') first.`, {
        details: {
          key: name,
          expected: ['float32', 'float64', 'int32', 'uint8', 'bool'],
          actual: input.dtype,
        },
      });
    }
    rows = input.dims[0]!;
    cols = input.rank === 2 ? input.dims[1]! : 1;
    data =
      input.data instanceof Float64Array ? input.data : Float64Array.from(input.data as ArrayLike<number>);
  } else if (Array.isArray(input)) {
    rows = input.length;
    if (rows > 0 && !Array.isArray(input[0])) {
      cols = 1;
      data = new Float64Array(rows);
      for (let i = 0; i < rows; i++) data[i] = scalar(input[i], name, i, 0);
    } else {
      cols = rows > 0 ? (input[0] as unknown[]).length : 0;
      data = new Float64Array(rows * cols);
      for (let i = 0; i < rows; i++) {
        const row = input[i] as unknown;
        if (!Array.isArray(row) || row.length !== cols) {
          throw new ShapeError(
            `${name} row ${i} has ${Array.isArray(row) ? row.length : 'no'} values; row 0 has ${cols}. Every row needs one value per class.`,
            {
              details: {
                key: name,
                expected: cols,
                actual: Array.isArray(row) ? row.length : typeof row,
                index: i,
              },
            },
          );
        }
        for (let j = 0; j < cols; j++) data[i * cols + j] = scalar(row[j], name, i, j);
      }
    }
  } else {
    throw new InvalidArgumentError(
      `${name} must be a Tensor or nested arrays of numbers; got ${input === null ? 'null' : typeof input}.`,
      { details: { key: name, actual: input === null ? 'null' : typeof input } },
    );
  }
  if (rows === 0 || cols === 0) {
    throw new ShapeError(
      `${name} is empty (shape [${rows}, ${cols}]); metrics need at least one example and one class.`,
      {
        details: { key: name, expected: '[n >= 1, k >= 1]', actual: [rows, cols] },
      },
    );
  }
  if (kind === 'labels') {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v !== 0 && v !== 1) {
        const r = Math.floor(i / cols);
        throw new InvalidArgumentError(
          `${name}[${r}][${i % cols}] is ${v}; labels must be 0 or 1. Binarise probabilities with a threshold first.`,
          { details: { key: name, expected: [0, 1], actual: v, index: [r, i % cols] } },
        );
      }
    }
  } else {
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (v - v !== 0) {
        const r = Math.floor(i / cols);
        throw new NonFiniteError(`${name}[${r}][${i % cols}] is ${v}; scores must be finite numbers.`, {
          details: { key: name, actual: v, index: [r, i % cols] },
        });
      }
    }
  }
  const out = input instanceof Matrix ? input : new Matrix(data, rows, cols);
  VALIDATED.set(out, kind);
  return out;
}

/** Matrices already checked (labels are also valid scores); the data is assumed not to be mutated afterwards. */
const VALIDATED = new WeakMap<Matrix, MatrixKind>();

function scalar(v: unknown, name: string, i: number, j: number): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  throw new InvalidArgumentError(`${name}[${i}][${j}] is ${typeof v}; expected a number or boolean.`, {
    details: { key: name, actual: typeof v, index: [i, j] },
  });
}

/**
 * Validates a pair of matrices with the same shape (e.g. `yTrue` and `yScore`).
 * @throws {@link ShapeError} when the shapes differ.
 * @example
 * ```ts
 * const [t, s] = toPair([[1, 0]], [[0.8, 0.1]], 'scores');
 * ```
 */
export function toPair(yTrue: MatrixInput, other: MatrixInput, kind: MatrixKind): [Matrix, Matrix] {
  const t = toMatrix(yTrue, 'yTrue', 'labels');
  const o = toMatrix(other, kind === 'labels' ? 'yPred' : 'yScore', kind);
  if (t.rows !== o.rows || t.cols !== o.cols) {
    const oname = kind === 'labels' ? 'yPred' : 'yScore';
    throw new ShapeError(
      `yTrue has shape [${t.rows}, ${t.cols}] but ${oname} has [${o.rows}, ${o.cols}]; they must match (one row per example, one column per class).`,
      { details: { expected: [t.rows, t.cols], actual: [o.rows, o.cols] } },
    );
  }
  return [t, o];
}

/**
 * Binarises scores: 1 where `score >= threshold` (one threshold, or one per class), else 0.
 * The `>=` rule matches `InstrumentSet.decode`.
 *
 * @throws {@link ShapeError} when a per-class threshold array has the wrong length.
 * @example
 * ```ts
 * binarize([[0.2, 0.7]], 0.5).toArray(); // [[0, 1]]
 * binarize([[0.2, 0.7]], [0.1, 0.8]).toArray(); // [[1, 0]]
 * ```
 */
export function binarize(yScore: MatrixInput, threshold: number | ArrayLike<number> = 0.5): Matrix {
  const s = toMatrix(yScore, 'yScore', 'scores');
  const t = thresholdVector(threshold, s.cols);
  const out = new Float64Array(s.data.length);
  const k = s.cols;
  for (let i = 0; i < s.data.length; i++) out[i] = s.data[i]! >= t[i % k]! ? 1 : 0;
  return new Matrix(out, s.rows, k);
}

/** Expands a threshold (scalar or per class) to a per-class vector, checking it. */
export function thresholdVector(threshold: number | ArrayLike<number>, k: number): Float64Array {
  if (typeof threshold === 'number') {
    if (Number.isNaN(threshold)) {
      throw new InvalidArgumentError('threshold is NaN; pass a number (e.g. 0.5) or one per class.', {
        details: { key: 'threshold', actual: threshold },
      });
    }
    return new Float64Array(k).fill(threshold);
  }
  if (threshold.length !== k) {
    throw new ShapeError(
      `Got ${threshold.length} thresholds for ${k} classes; pass one number or one per class.`,
      {
        details: { key: 'thresholds', expected: k, actual: threshold.length },
      },
    );
  }
  const out = Float64Array.from(threshold);
  const bad = out.findIndex((v) => Number.isNaN(v));
  if (bad >= 0) {
    throw new InvalidArgumentError(`threshold for class ${bad} is NaN.`, {
      details: { key: 'thresholds', index: bad },
    });
  }
  return out;
}
