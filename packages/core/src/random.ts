import { uniformFloat64 } from 'pure-rand/distribution/uniformFloat64';
import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';
import type { JumpableRandomGenerator } from 'pure-rand/types/JumpableRandomGenerator';
import { InvalidArgumentError } from './errors.js';

/** Anything that can seed a generator: a number, or an existing {@link Rng} (used as is). */
export type Seed = number | Rng;

/**
 * A seeded, forkable random generator (xoroshiro128+ from pure-rand) with the distributions instr needs.
 *
 * - `fork()` gives an independent stream (a 2^64-step jump), e.g. one per worker thread.
 * - `derive(...keys)` gives a stream determined only by the seed and the keys, e.g.
 *   `rng.derive(epoch, exampleIndex)`, so results do not depend on scheduling order.
 * - `getState()` / `Rng.fromState()` serialise it for resumable training.
 *
 * @example
 * ```ts
 * const rng = new Rng(42);
 * rng.uniform();          // [0, 1)
 * rng.normal(0, 1);
 * rng.shuffle([1, 2, 3]);
 * const worker = rng.fork();
 * ```
 */
export class Rng {
  private gen: JumpableRandomGenerator;
  private readonly seed: number;
  private spareNormal: number | undefined;

  constructor(seed: number) {
    if (!Number.isSafeInteger(seed)) {
      throw new InvalidArgumentError(`Seed must be a safe integer, got ${seed}.`, {
        details: { key: 'seed', actual: seed },
      });
    }
    this.seed = seed;
    // xoroshiro128+ seeded with s starts with −(s+1): scramble the seed so nearby seeds give unrelated streams.
    this.gen = xoroshiro128plus(mix32(mix32(seed >>> 0) ^ Math.floor(seed / 2 ** 32) ^ 0x5bd1e995) | 0);
  }

  /** `seed` as an Rng: numbers create one, an Rng is returned unchanged. */
  static from(seed: Seed): Rng {
    return seed instanceof Rng ? seed : new Rng(seed);
  }

  /** Restores a generator saved with {@link Rng.getState}. */
  static fromState(state: RngState): Rng {
    const rng = new Rng(state.seed);
    rng.gen = xoroshiro128plusFromState(state.state);
    rng.spareNormal = state.spareNormal ?? undefined;
    return rng;
  }

  /** A JSON-serialisable snapshot of the generator. */
  getState(): RngState {
    return { seed: this.seed, state: [...this.gen.getState()], spareNormal: this.spareNormal ?? null };
  }

  /** An independent stream: a copy jumped 2^64 steps ahead; this generator also jumps, so forks never overlap. */
  fork(): Rng {
    this.gen.jump();
    const child = Rng.fromState(this.getState());
    child.spareNormal = undefined;
    this.gen.jump();
    return child;
  }

  /** A generator determined only by this generator's seed and `keys` (integers), independent of draws made so far. */
  derive(...keys: number[]): Rng {
    let h = mix32(this.seed ^ 0x9e3779b9);
    for (const k of keys) {
      if (!Number.isSafeInteger(k)) throw new InvalidArgumentError(`derive keys must be integers, got ${k}.`);
      h = mix32(h ^ mix32((k | 0) + Math.floor(k / 2 ** 32) * 0x85ebca6b));
    }
    return new Rng(h);
  }

  /** Uniform 32-bit signed integer. */
  nextInt32(): number {
    return this.gen.next();
  }

  /** Uniform float in [0, 1) with 53 random bits, or in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * uniformFloat64(this.gen);
  }

  /** Uniform integer in [low, high] (both inclusive). */
  int(low: number, high: number): number {
    if (!Number.isInteger(low) || !Number.isInteger(high) || high < low) {
      throw new InvalidArgumentError(`int(low, high) needs integers with low ≤ high, got ${low}, ${high}.`);
    }
    return uniformInt(this.gen, low, high);
  }

  /** True with probability `p`. */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Normal deviate (Marsaglia polar method). */
  normal(mean = 0, std = 1): number {
    if (this.spareNormal !== undefined) {
      const z = this.spareNormal;
      this.spareNormal = undefined;
      return mean + std * z;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = this.uniform(-1, 1);
      v = this.uniform(-1, 1);
      s = u * u + v * v;
    } while (s >= 1 || s === 0);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spareNormal = v * f;
    return mean + std * u * f;
  }

  /** Fills `out` with normal deviates. */
  fillNormal(out: Float32Array | Float64Array, mean = 0, std = 1): typeof out {
    for (let i = 0; i < out.length; i++) out[i] = this.normal(mean, std);
    return out;
  }

  /** Exponential deviate with the given rate (mean 1/rate). */
  exponential(rate = 1): number {
    if (!(rate > 0)) throw new InvalidArgumentError(`exponential rate must be > 0, got ${rate}.`);
    return -Math.log(1 - this.uniform()) / rate;
  }

  /** Gamma(shape, scale) deviate (Marsaglia–Tsang; boosted for shape < 1). */
  gamma(shape: number, scale = 1): number {
    if (!(shape > 0) || !(scale > 0)) {
      throw new InvalidArgumentError(`gamma needs shape > 0 and scale > 0, got ${shape}, ${scale}.`);
    }
    if (shape < 1) {
      const u = this.uniform();
      return this.gamma(shape + 1, scale) * u ** (1 / shape);
    }
    const d = shape - 1 / 3;
    const c = 1 / Math.sqrt(9 * d);
    for (;;) {
      let x: number;
      let v: number;
      do {
        x = this.normal();
        v = 1 + c * x;
      } while (v <= 0);
      v = v * v * v;
      const u = this.uniform();
      if (u < 1 - 0.0331 * x ** 4 || Math.log(u) < 0.5 * x * x + d * (1 - v + Math.log(v)))
        return d * v * scale;
    }
  }

  /** Beta(a, b) deviate, as used by mixup. */
  beta(a: number, b: number): number {
    const x = this.gamma(a);
    const y = this.gamma(b);
    return x + y === 0 ? 0.5 : x / (x + y);
  }

  /** Shuffles `items` in place (Fisher–Yates) and returns it. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = this.int(0, i);
      const t = items[i]!;
      items[i] = items[j]!;
      items[j] = t;
    }
    return items;
  }

  /** A random permutation of 0..n-1. */
  permutation(n: number): number[] {
    return this.shuffle(Array.from({ length: n }, (_, i) => i));
  }

  /**
   * `k` indices from 0..n-1. Without replacement (default) they are distinct;
   * optional `weights` (length n, non-negative) bias the draw.
   */
  choice(n: number, k: number, options: { replace?: boolean; weights?: ArrayLike<number> } = {}): number[] {
    const { replace = false, weights } = options;
    if (!Number.isInteger(n) || n < 0 || !Number.isInteger(k) || k < 0) {
      throw new InvalidArgumentError(`choice(n, k) needs non-negative integers, got ${n}, ${k}.`);
    }
    if (!replace && k > n) {
      throw new InvalidArgumentError(`Cannot choose ${k} of ${n} items without replacement.`, {
        details: { expected: `k ≤ ${n}`, actual: k },
      });
    }
    if (k > 0 && n === 0) throw new InvalidArgumentError('Cannot choose from zero items.');
    if (!weights) {
      if (replace) return Array.from({ length: k }, () => this.int(0, n - 1));
      const pool = Array.from({ length: n }, (_, i) => i);
      for (let i = 0; i < k; i++) {
        const j = this.int(i, n - 1);
        [pool[i], pool[j]] = [pool[j]!, pool[i]!];
      }
      return pool.slice(0, k);
    }
    if (weights.length !== n)
      throw new InvalidArgumentError(`choice: ${weights.length} weights for ${n} items.`);
    const w = Array.from(weights, (x) => {
      if (!(x >= 0) || !Number.isFinite(x))
        throw new InvalidArgumentError(`choice: weights must be finite and ≥ 0, got ${x}.`);
      return x;
    });
    const out: number[] = [];
    for (let draw = 0; draw < k; draw++) {
      const total = w.reduce((a, b) => a + b, 0);
      if (total <= 0)
        throw new InvalidArgumentError('choice: fewer items with positive weight than requested.');
      let r = this.uniform() * total;
      let idx = 0;
      while (idx < n - 1 && (r >= w[idx]! || w[idx] === 0)) {
        r -= w[idx]!;
        idx++;
      }
      out.push(idx);
      if (!replace) w[idx] = 0;
    }
    return out;
  }
}

/** Serialised {@link Rng} state. */
export interface RngState {
  seed: number;
  state: number[];
  spareNormal: number | null;
}

/** murmur3 finaliser: a well-mixed 32-bit hash step. */
function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
