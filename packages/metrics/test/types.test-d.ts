import { expectTypeOf, test } from 'vitest';
import { averagePrecisionScore, f1Score, precisionRecallFscoreSupport, rocAucScore } from '../src/index.js';

test('average "none" returns one value per class, other averages a number', () => {
  const t = [[1, 0]];
  const p = [[1, 1]];
  expectTypeOf(f1Score(t, p)).toEqualTypeOf<number>();
  expectTypeOf(f1Score(t, p, { average: 'none' })).toEqualTypeOf<Float64Array>();
  expectTypeOf(f1Score(t, p, { average: 'micro' })).toEqualTypeOf<number>();
  expectTypeOf(
    precisionRecallFscoreSupport(t, p, { average: 'none' }).precision,
  ).toEqualTypeOf<Float64Array>();
  expectTypeOf(rocAucScore(t, p, { average: 'none' })).toEqualTypeOf<Float64Array>();
  expectTypeOf(averagePrecisionScore(t, p)).toEqualTypeOf<number>();
});
