import { InvalidArgumentError, NonFiniteError, ShapeError, Tensor, InstrumentSet } from '@instr/core';
import { describe, expect, it } from 'vitest';
import {
  bootstrap,
  calibration,
  evaluate,
  f1Score,
  findBestThreshold,
  hammingLoss,
  lwlrap,
  precisionRecallFscoreSupport,
  rocAucScore,
  StreamingEvaluator,
  toMatrix,
} from '../src/index.js';

describe('bad input throws typed errors from @instr/core', () => {
  it('shape mismatch between yTrue and yScore', () => {
    expect(() => rocAucScore([[1, 0]], [[0.5, 0.5, 0.1]])).toThrowError(ShapeError);
    expect(() =>
      hammingLoss(
        [
          [1, 0],
          [0, 1],
        ],
        [[1, 0]],
      ),
    ).toThrowError(/yTrue has shape \[2, 2\] but yPred has \[1, 2\]/);
    const e = (() => {
      try {
        f1Score([[1, 0]], [[1]]);
      } catch (err) {
        return err;
      }
    })();
    expect(ShapeError.isInstance(e)).toBe(true);
  });
  it('ragged nested arrays', () => {
    expect(() => toMatrix([[1, 0], [1]], 'yTrue', 'labels')).toThrowError(ShapeError);
  });
  it('3-D tensors', () => {
    expect(() => toMatrix(Tensor.zeros('float32', [2, 2, 2]), 'yScore', 'scores')).toThrowError(ShapeError);
  });
  it('NaN and infinite scores', () => {
    expect(() => rocAucScore([[1, 0]], [[Number.NaN, 0.2]])).toThrowError(NonFiniteError);
    expect(() => lwlrap([[1, 0]], [[Number.POSITIVE_INFINITY, 0.2]])).toThrowError(NonFiniteError);
    expect(() => evaluate([[1, 0]], Tensor.from('float32', [0.2, Number.NaN], [1, 2]))).toThrowError(
      /yScore\[0\]\[1\] is NaN/,
    );
  });
  it('labels outside {0, 1}', () => {
    expect(() => f1Score([[2, 0]], [[1, 0]])).toThrowError(InvalidArgumentError);
    expect(() => rocAucScore([[0.5, 1]], [[0.2, 0.3]])).toThrowError(/labels must be 0 or 1/);
    expect(() => f1Score([[1, 0]], [[0.7, 0]])).toThrowError(InvalidArgumentError);
  });
  it('empty input', () => {
    expect(() => f1Score([], [])).toThrowError(ShapeError);
    expect(() => rocAucScore([[]], [[]])).toThrowError(/empty/);
    expect(() => evaluate(Tensor.zeros('float32', [0, 11]), Tensor.zeros('float32', [0, 11]))).toThrowError(
      ShapeError,
    );
  });
  it('bad options', () => {
    expect(() => precisionRecallFscoreSupport([[1]], [[1]], { zeroDivision: 0.5 })).toThrowError(
      InvalidArgumentError,
    );
    expect(() => precisionRecallFscoreSupport([[1]], [[1]], { average: 'binary' as never })).toThrowError(
      InvalidArgumentError,
    );
    expect(() => precisionRecallFscoreSupport([[1]], [[1]], { beta: -1 })).toThrowError(InvalidArgumentError);
    expect(() => calibration([[1]], [[1.5]])).toThrowError(/probabilities in \[0, 1\]/);
    expect(() => findBestThreshold([[1]], [[0.5]], { metric: 'nope' as never })).toThrowError(
      InvalidArgumentError,
    );
    expect(() => bootstrap([[1]], [[0.5]], () => 1, { nResamples: 0 })).toThrowError(InvalidArgumentError);
    expect(() => evaluate([[1, 0]], [[0.5, 0.2]], { thresholds: [0.5] })).toThrowError(ShapeError);
    expect(() => evaluate([[1, 0]], [[0.5, 0.2]], { instruments: InstrumentSet.irmas() })).toThrowError(
      /11 classes/,
    );
    expect(() => toMatrix(Tensor.zeros('int64', [1, 1]), 'yScore', 'scores')).toThrowError(
      InvalidArgumentError,
    );
    expect(() => toMatrix('x' as never, 'yScore', 'scores')).toThrowError(InvalidArgumentError);
  });
  it('batches with a different class count in a streaming evaluator', () => {
    const acc = new StreamingEvaluator().add([[1, 0]], [[0.4, 0.2]]);
    expect(() => acc.add([[1, 0, 1]], [[0.4, 0.2, 0.9]])).toThrowError(ShapeError);
  });
});

describe('accepted inputs', () => {
  it('Tensor float32 / float64 / uint8 / bool and nested arrays give the same result', () => {
    const yt = [
      [1, 0, 1],
      [0, 1, 0],
      [1, 1, 0],
    ];
    const ys = [
      [0.9, 0.2, 0.6],
      [0.1, 0.8, 0.3],
      [0.7, 0.4, 0.2],
    ];
    const ref = rocAucScore(yt, ys);
    const flatT = yt.flat();
    const flatS = ys.flat();
    expect(rocAucScore(Tensor.from('uint8', flatT, [3, 3]), Tensor.from('float64', flatS, [3, 3]))).toBe(ref);
    expect(rocAucScore(Tensor.from('bool', flatT, [3, 3]), Tensor.from('float64', flatS, [3, 3]))).toBe(ref);
    expect(rocAucScore(Tensor.from('float32', flatT, [3, 3]), Tensor.from('float64', flatS, [3, 3]))).toBe(
      ref,
    );
    expect(
      rocAucScore(
        yt.map((r) => r.map((v) => v === 1)),
        ys,
      ),
    ).toBe(ref);
  });
  it('zero_division warn yields 0 and a warning with the indices', () => {
    const warnings: { metric: string; indices: readonly number[] }[] = [];
    const r = precisionRecallFscoreSupport(
      [
        [1, 0],
        [1, 0],
      ],
      [
        [1, 0],
        [0, 0],
      ],
      {
        average: 'none',
        onWarning: (w) => warnings.push(w),
      },
    );
    expect(Array.from(r.precision)).toEqual([1, 0]);
    expect(warnings.map((w) => [w.metric, w.indices])).toEqual([
      ['precision', [1]],
      ['recall', [1]],
      ['f-score', [1]],
    ]);
    expect(r.warnings).toHaveLength(3);
    const nan = precisionRecallFscoreSupport([[1, 0]], [[1, 0]], {
      average: 'macro',
      zeroDivision: Number.NaN,
    });
    expect(nan.precision).toBe(1); // the NaN class is left out of the average
    expect(nan.warnings).toHaveLength(0);
  });
  it('undefined AUC gives NaN for the class and a warning, not an exception', () => {
    const w: string[] = [];
    const per = rocAucScore(
      [
        [1, 0],
        [1, 1],
      ],
      [
        [0.5, 0.2],
        [0.3, 0.9],
      ],
      { average: 'none', onWarning: (x) => w.push(x.metric) },
    );
    expect(Number.isNaN(per[0]!)).toBe(true);
    expect(per[1]).toBe(1);
    expect(
      rocAucScore(
        [
          [1, 0],
          [1, 1],
        ],
        [
          [0.5, 0.2],
          [0.3, 0.9],
        ],
      ),
    ).toBe(1);
    expect(w).toEqual(['roc-auc']);
  });
});
