/**
 * L2-regularised binary logistic regression fitted by Newton's method (IRLS), with an unpenalised
 * intercept — the model scikit-learn's `LogisticRegression(C=1)` fits, to convergence.
 * (npm's ml-logistic-regression has no intercept, no regularisation and a fixed-step gradient loop.)
 */
import { Matrix, solve } from 'ml-matrix';

export interface LogisticModel {
  weights: Float64Array;
  intercept: number;
}

/** Fits one binary classifier on rows `x` (n × d, row-major) with 0/1 targets `y`. */
export function fitLogistic(
  x: Float64Array,
  y: ArrayLike<number>,
  d: number,
  C = 1,
  iterations = 50,
): LogisticModel {
  const n = y.length;
  const w = new Float64Array(d + 1); // w[d] = intercept
  for (let it = 0; it < iterations; it++) {
    const grad = new Float64Array(d + 1);
    const hess = Matrix.zeros(d + 1, d + 1);
    for (let i = 0; i < n; i++) {
      let z = w[d]!;
      for (let j = 0; j < d; j++) z += w[j]! * x[i * d + j]!;
      const p = 1 / (1 + Math.exp(-z));
      const r = p - y[i]!;
      const s = Math.max(p * (1 - p), 1e-10);
      for (let j = 0; j <= d; j++) {
        const xj = j === d ? 1 : x[i * d + j]!;
        grad[j]! += r * xj;
        for (let k = j; k <= d; k++) {
          const xk = k === d ? 1 : x[i * d + k]!;
          hess.set(j, k, hess.get(j, k) + s * xj * xk);
        }
      }
    }
    for (let j = 0; j <= d; j++) for (let k = 0; k < j; k++) hess.set(j, k, hess.get(k, j));
    // Penalty ½‖w‖²/C on the weights, not the intercept.
    for (let j = 0; j < d; j++) {
      grad[j]! += w[j]! / C;
      hess.set(j, j, hess.get(j, j) + 1 / C);
    }
    const step = solve(hess, Matrix.columnVector(Array.from(grad))).to1DArray();
    let size = 0;
    for (let j = 0; j <= d; j++) {
      w[j]! -= step[j]!;
      size = Math.max(size, Math.abs(step[j]!));
    }
    if (size < 1e-8) break;
  }
  return { weights: w.subarray(0, d), intercept: w[d]! };
}

/** Probability of the positive class for each row. */
export function predictLogistic(model: LogisticModel, x: Float64Array, d: number): Float64Array {
  const n = x.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let z = model.intercept;
    for (let j = 0; j < d; j++) z += model.weights[j]! * x[i * d + j]!;
    out[i] = 1 / (1 + Math.exp(-z));
  }
  return out;
}
