import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';

const FIXTURES = join(import.meta.dirname, 'fixtures');

/** Parses a fixture, turning "nan" / "inf" / "-inf" strings back into numbers. */
export function loadFixture<T = any>(name: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, name), 'utf8'), (_k, v) =>
    v === 'nan'
      ? Number.NaN
      : v === 'inf'
        ? Number.POSITIVE_INFINITY
        : v === '-inf'
          ? Number.NEGATIVE_INFINITY
          : v,
  );
}

export function sklearnCases(): any[] {
  return readdirSync(FIXTURES)
    .filter((f) => f.startsWith('sklearn_'))
    .sort()
    .map((f) => loadFixture(f));
}

/** Element-wise closeness with NaN == NaN and equal infinities; default tolerance 1e-9. */
export function expectClose(actual: unknown, expected: unknown, tol = 1e-9, path = ''): void {
  if (typeof expected === 'number') {
    const a = actual as number;
    if (Number.isNaN(expected)) {
      expect(Number.isNaN(a), `${path}: expected NaN, got ${a}`).toBe(true);
    } else if (!Number.isFinite(expected)) {
      expect(a, path).toBe(expected);
    } else {
      expect(typeof a, path).toBe('number');
      expect(Math.abs(a - expected), `${path}: ${a} vs ${expected}`).toBeLessThanOrEqual(
        tol * Math.max(1, Math.abs(expected)),
      );
    }
    return;
  }
  if (Array.isArray(expected)) {
    const a = Array.from(actual as ArrayLike<unknown>);
    expect(a.length, `${path}: length`).toBe(expected.length);
    for (let i = 0; i < expected.length; i++) expectClose(a[i], expected[i], tol, `${path}[${i}]`);
    return;
  }
  expect(actual, path).toEqual(expected);
}
