import { InvalidArgumentError, Rng } from '@instr/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const draw = (rng: Rng, n = 5) => Array.from({ length: n }, () => rng.uniform());

describe('Rng', () => {
  it('is deterministic by seed and differs across seeds', () => {
    expect(draw(new Rng(1))).toEqual(draw(new Rng(1)));
    expect(draw(new Rng(1))).not.toEqual(draw(new Rng(2)));
    expect(draw(new Rng(2 ** 40 + 3))).not.toEqual(draw(new Rng(3)));
    expect(() => new Rng(1.5)).toThrow(InvalidArgumentError);
  });

  it('uniform values lie in [0, 1) with the right mean', () => {
    const rng = new Rng(7);
    let sum = 0;
    for (let i = 0; i < 20000; i++) {
      const u = rng.uniform();
      expect(u >= 0 && u < 1).toBe(true);
      sum += u;
    }
    expect(sum / 20000).toBeCloseTo(0.5, 1);
  });

  it('forks give independent, reproducible streams', () => {
    const a = new Rng(3);
    const f1 = a.fork();
    const f2 = a.fork();
    expect(draw(f1)).not.toEqual(draw(f2));
    const b = new Rng(3);
    expect(draw(b.fork())).toEqual(draw(new Rng(3).fork()));
  });

  it('derive depends only on seed and keys', () => {
    const a = new Rng(9);
    draw(a, 100);
    expect(draw(a.derive(2, 17))).toEqual(draw(new Rng(9).derive(2, 17)));
    expect(draw(a.derive(2, 17))).not.toEqual(draw(a.derive(2, 18)));
    expect(draw(a.derive(2, 17))).not.toEqual(draw(new Rng(10).derive(2, 17)));
  });

  it('state round-trips for resumable runs', () => {
    const a = new Rng(11);
    a.normal();
    const saved = JSON.parse(JSON.stringify(a.getState()));
    const expected = [a.normal(), a.uniform(), a.int(0, 9)];
    const b = Rng.fromState(saved);
    expect([b.normal(), b.uniform(), b.int(0, 9)]).toEqual(expected);
  });

  it('normal, gamma, beta and exponential have the right moments', () => {
    const rng = new Rng(5);
    const n = 40000;
    const mean = (f: () => number) => {
      let s = 0;
      for (let i = 0; i < n; i++) s += f();
      return s / n;
    };
    expect(mean(() => rng.normal(2, 3))).toBeCloseTo(2, 1);
    expect(Math.sqrt(mean(() => rng.normal() ** 2))).toBeCloseTo(1, 1);
    expect(mean(() => rng.gamma(2.5, 2))).toBeCloseTo(5, 0);
    expect(mean(() => rng.gamma(0.3))).toBeCloseTo(0.3, 1);
    expect(mean(() => rng.beta(0.4, 0.4))).toBeCloseTo(0.5, 1);
    expect(mean(() => rng.beta(2, 6))).toBeCloseTo(0.25, 1);
    expect(mean(() => rng.exponential(4))).toBeCloseTo(0.25, 1);
    expect(() => rng.gamma(0)).toThrow(InvalidArgumentError);
    expect(() => rng.exponential(-1)).toThrow(InvalidArgumentError);
  });

  it('int covers its inclusive range uniformly', () => {
    const rng = new Rng(8);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60000; i++) counts[rng.int(0, 5)]++;
    for (const c of counts) expect(Math.abs(c - 10000)).toBeLessThan(500);
    expect(() => rng.int(3, 2)).toThrow(InvalidArgumentError);
  });

  it('shuffle and permutation are permutations (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), (n, seed) => {
        const p = new Rng(seed).permutation(n);
        expect([...p].sort((a, b) => a - b)).toEqual(Array.from({ length: n }, (_, i) => i));
      }),
    );
  });

  it('choice without replacement gives distinct items and honours weights', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 50 }),
        fc.integer(),
        (n, k, seed) => {
          const kk = Math.min(k, n);
          const c = new Rng(seed).choice(n, kk);
          expect(new Set(c).size).toBe(kk);
          expect(c.every((i) => i >= 0 && i < n)).toBe(true);
        },
      ),
    );
    expect(() => new Rng(1).choice(3, 4)).toThrow(InvalidArgumentError);
    const rng = new Rng(4);
    const hits = [0, 0, 0];
    for (let i = 0; i < 30000; i++) hits[rng.choice(3, 1, { weights: [1, 0, 3] })[0]!]++;
    expect(hits[1]).toBe(0);
    expect(hits[2]! / hits[0]!).toBeCloseTo(3, 0);
    const two = new Rng(2).choice(3, 2, { weights: [0, 1, 1] });
    expect(two.sort()).toEqual([1, 2]);
    expect(() => new Rng(2).choice(3, 3, { weights: [0, 1, 1] })).toThrow(InvalidArgumentError);
    expect(() => new Rng(2).choice(2, 1, { weights: [Number.NaN, 1] })).toThrow(InvalidArgumentError);
  });
});

describe('Rng seeding', () => {
  it('first draws of nearby seeds are spread over [0, 1)', () => {
    const firsts = Array.from({ length: 200 }, (_, s) => new Rng(s).uniform());
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
    expect(new Set(firsts.map((u) => Math.floor(u * 10))).size).toBe(10);
  });
});
