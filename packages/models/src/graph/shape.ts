import { ShapeError } from '@instr/core';
import type { Dim } from '../onnx/ir.js';

/**
 * `[N, 3, 128]` style rendering of a symbolic shape.
 * @example
 * ```ts
 * fmtShape(['N', 3]); // '[N, 3]'
 * ```
 */
export function fmtShape(shape: readonly Dim[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Numpy-style broadcast of two symbolic shapes; `where` names the op for the error message.
 * @example
 * ```ts
 * broadcastShapes(['N', 3, 1], [4], 'Add'); // ['N', 3, 4]
 * ```
 */
export function broadcastShapes(a: readonly Dim[], b: readonly Dim[], where: string): Dim[] {
  const rank = Math.max(a.length, b.length);
  const out: Dim[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da === db || db === 1) out.push(da);
    else if (da === 1) out.push(db);
    else if (typeof da === 'string') out.push(typeof db === 'number' ? db : da);
    else if (typeof db === 'string') out.push(da);
    else {
      throw new ShapeError(
        `${where}: shapes ${fmtShape(a)} and ${fmtShape(b)} cannot be broadcast (axis ${i}: ${da} vs ${db}).`,
        { details: { expected: a, actual: b } },
      );
    }
  }
  return out;
}

/**
 * Resolves a possibly negative axis against a rank, with a ShapeError naming the op when out of range.
 * @example
 * ```ts
 * normAxis(-1, 4, 'Softmax'); // 3
 * ```
 */
export function normAxis(axis: number, rank: number, where: string): number {
  const a = axis < 0 ? axis + rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= rank) {
    throw new ShapeError(`${where}: axis ${axis} is out of range for rank ${rank}.`, {
      details: { expected: `[-${rank}, ${rank})`, actual: axis },
    });
  }
  return a;
}

/**
 * True when every axis is a static size.
 * @example
 * ```ts
 * isStatic([2, 3]); // true
 * ```
 */
export function isStatic(shape: readonly Dim[]): shape is number[] {
  return shape.every((d) => typeof d === 'number');
}

/**
 * Product of the static sizes; `undefined` if any axis is symbolic.
 * @example
 * ```ts
 * staticSize([2, 3]); // 6
 * ```
 */
export function staticSize(shape: readonly Dim[]): number | undefined {
  let s = 1;
  for (const d of shape) {
    if (typeof d !== 'number') return undefined;
    s *= d;
  }
  return s;
}

let fresh = 0;
/**
 * A new symbolic dimension name derived from `base`.
 * @example
 * ```ts
 * freshDim('T'); // 'T_1'
 * ```
 */
export function freshDim(base: string): string {
  fresh += 1;
  return `${base}_${fresh}`;
}

/**
 * Output length of a sliding window (conv / pool, floor mode).
 * @example
 * ```ts
 * windowOut(128, 3, 1, 1, 1, 1); // 128
 * ```
 */
export function windowOut(
  len: Dim,
  k: number,
  stride: number,
  padBegin: number,
  padEnd: number,
  dilation: number,
): Dim {
  if (typeof len !== 'number') return freshDim(len);
  return Math.floor((len + padBegin + padEnd - ((k - 1) * dilation + 1)) / stride) + 1;
}
