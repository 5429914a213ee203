import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sortFloat64 } from '../src/sort.js';

describe('sortFloat64', () => {
  it('sorts like Float64Array.prototype.sort (large arrays take the radix path)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 1, 0.5, -1e-300, 5e-324)), {
          minLength: 1000,
          maxLength: 3000,
        }),
        (values) => {
          const a = Float64Array.from(values);
          const ref = Float64Array.from(values).sort();
          expect(Array.from(sortFloat64(a))).toEqual(Array.from(ref).map((v) => (Object.is(v, -0) ? -0 : v)));
        },
      ),
      { numRuns: 30 },
    );
  });
  it('works on subarray views at an offset', () => {
    const buf = new Float64Array(5000).map((_, i) => Math.sin(i) * 100);
    const view = buf.subarray(7, 4000);
    const ref = view.slice().sort();
    sortFloat64(view);
    expect(Array.from(view)).toEqual(Array.from(ref));
    expect(buf[0]).toBe(0);
  });
});
