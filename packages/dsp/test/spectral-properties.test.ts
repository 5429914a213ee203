import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fft, istft, rfft, stft } from '../src/spectral/index.js';

function naiveDft(re: number[], im: number[]): { re: number[]; im: number[] } {
  const n = re.length;
  const outRe: number[] = [];
  const outIm: number[] = [];
  for (let k = 0; k < n; k++) {
    let a = 0;
    let b = 0;
    for (let t = 0; t < n; t++) {
      const ang = (-2 * Math.PI * ((k * t) % n)) / n;
      a += re[t]! * Math.cos(ang) - im[t]! * Math.sin(ang);
      b += re[t]! * Math.sin(ang) + im[t]! * Math.cos(ang);
    }
    outRe.push(a);
    outIm.push(b);
  }
  return { re: outRe, im: outIm };
}

const sample = fc.double({ min: -1, max: 1, noNaN: true });

describe('FFT properties', () => {
  it('matches the naive DFT for random lengths (mixed radix and Bluestein)', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 1, max: 160 })
          .chain((n) =>
            fc.tuple(
              fc.array(sample, { minLength: n, maxLength: n }),
              fc.array(sample, { minLength: n, maxLength: n }),
            ),
          ),
        ([re, im]) => {
          const got = fft(re, im);
          const want = naiveDft(re, im);
          const tol = 1e-9 * re.length;
          for (let k = 0; k < re.length; k++) {
            expect(Math.abs(got.re[k]! - want.re[k]!)).toBeLessThan(tol);
            expect(Math.abs(got.im[k]! - want.im[k]!)).toBeLessThan(tol);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it('Parseval: Σ|x|² = Σ|X|²/n, and rfft equals the first half of fft', () => {
    fc.assert(
      fc.property(fc.array(sample, { minLength: 1, maxLength: 700 }), (x) => {
        const n = x.length;
        const X = fft(x);
        let e1 = 0;
        let e2 = 0;
        for (let i = 0; i < n; i++) {
          e1 += x[i]! * x[i]!;
          e2 += X.re[i]! * X.re[i]! + X.im[i]! * X.im[i]!;
        }
        expect(Math.abs(e1 - e2 / n)).toBeLessThan(1e-9 * (1 + e1));
        const R = rfft(x);
        for (let k = 0; k < R.re.length; k++) {
          expect(Math.abs(R.re[k]! - X.re[k]!)).toBeLessThan(1e-9 * n);
          expect(Math.abs(R.im[k]! - X.im[k]!)).toBeLessThan(1e-9 * n);
        }
      }),
      { numRuns: 60 },
    );
  });
});

describe('STFT properties', () => {
  it('istft(stft(x)) ≈ x for hann windows with 75% overlap, any nFft, both pad modes', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(64, 100, 128, 256, 400, 512),
        fc.integer({ min: 1, max: 3000 }),
        fc.constantFrom('constant', 'reflect') as fc.Arbitrary<'constant' | 'reflect'>,
        fc.integer({ min: 0, max: 2 ** 30 }),
        (nFft, n, padMode, seed) => {
          let s = seed;
          const x = Float32Array.from({ length: n }, () => {
            s = (s * 1103515245 + 12345) % 2 ** 31;
            return s / 2 ** 31 - 0.5;
          });
          const hop = nFft / 4;
          const S = stft(x, { nFft, hopLength: hop, padMode });
          const y = istft(S, { hopLength: hop, length: n });
          expect(y.length).toBe(n);
          for (let i = 0; i < n; i++) expect(Math.abs(y[i]! - x[i]!)).toBeLessThan(1e-5);
        },
      ),
      { numRuns: 40 },
    );
  });
});
