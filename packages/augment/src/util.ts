import {
  type Audio,
  assertAudio,
  InvalidArgumentError,
  Rng,
  type Seed,
  ShapeError,
  type Tensor,
} from '@instr/core';

/**
 * A generator for `seed`: an {@link Rng} is used as is; a number seeds a new generator that is then forked
 * (a 2^64 jump), because the first outputs of a freshly seeded xoroshiro128+ are a simple function of a small
 * seed (`new Rng(s).uniform()` ≈ 1 for small s) and would bias the first draw.
 */
export function toRng(seed: Seed): Rng {
  if (seed instanceof Rng) return seed;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed)) {
    throw new InvalidArgumentError(`A seed must be a safe integer or an Rng, got ${String(seed)}.`, {
      details: { key: 'seed', actual: seed },
    });
  }
  return new Rng(seed).fork();
}

/** Checks that `value` is a finite number (optionally within [min, max]); returns it. */
export function checkNumber(value: number, key: string, min = -Infinity, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range =
      min === -Infinity && max === Infinity ? 'a finite number' : `a finite number in [${min}, ${max}]`;
    throw new InvalidArgumentError(`Option "${key}" must be ${range}, got ${String(value)}.`, {
      details: { key, expected: [min, max], actual: value },
    });
  }
  return value;
}

/** Checks a probability in [0, 1]. */
export function checkProbability(value: number, key: string): number {
  return checkNumber(value, key, 0, 1);
}

/** Checks that `value` is an integer ≥ `min`. */
export function checkInteger(value: number, key: string, min = 0, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new InvalidArgumentError(
      `Option "${key}" must be an integer in [${min}, ${max}], got ${String(value)}.`,
      {
        details: { key, expected: [min, max], actual: value },
      },
    );
  }
  return value;
}

/** Checks a `[min, max]` pair of finite numbers within bounds with min ≤ max; returns it. */
export function checkRange(
  lo: number,
  hi: number,
  key: string,
  bounds: [number, number] = [-Infinity, Infinity],
): [number, number] {
  checkNumber(lo, `min${cap(key)}`, bounds[0], bounds[1]);
  checkNumber(hi, `max${cap(key)}`, bounds[0], bounds[1]);
  if (lo > hi) {
    throw new InvalidArgumentError(`min${cap(key)} (${lo}) must not exceed max${cap(key)} (${hi}).`, {
      details: { key, expected: 'min ≤ max', actual: [lo, hi] },
    });
  }
  return [lo, hi];
}

function cap(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

/** Validates the structure of an audio input (empty audio is allowed; samples are not scanned). */
export function checkAudio(audio: Audio, who: string): void {
  if (!audio || typeof audio !== 'object' || !Array.isArray(audio.channels)) {
    throw new InvalidArgumentError(`${who} needs an Audio value ({ sampleRate, channels }).`);
  }
  assertAudio(audio, { allowEmpty: true, checkFinite: false, source: who });
}

/** Validates a spectrogram tensor: float32, rank ≥ 2 (last two axes are [mel, time]). */
export function checkSpectrogram(x: Tensor, who: string): void {
  if (x?.dtype !== 'float32') {
    throw new InvalidArgumentError(`${who} needs a float32 Tensor.`, { details: { actual: x?.dtype } });
  }
  if (x.rank < 2) {
    throw new ShapeError(
      `${who} needs a spectrogram of rank ≥ 2 ([mel, time] or [ch, mel, time]), got [${x.dims.join(', ')}].`,
      {
        details: { expected: 'rank ≥ 2', actual: x.dims },
      },
    );
  }
}

/** Applies `fn` to every channel, returning a new Audio. */
export function mapChannels(audio: Audio, fn: (ch: Float32Array, index: number) => Float32Array): Audio {
  return { sampleRate: audio.sampleRate, channels: audio.channels.map((ch, i) => fn(ch, i)) };
}

/** Copies an audio value. */
export function copyAudio(audio: Audio): Audio {
  return mapChannels(audio, (ch) => ch.slice());
}

/** Decibels to an amplitude factor. */
export function dbToAmplitude(db: number): number {
  return 10 ** (db / 20);
}

/** Mean power (mean square) over all channels, in float64. 0 for empty audio. */
export function meanPower(channels: readonly Float32Array[]): number {
  let acc = 0;
  let n = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) acc += ch[i]! * ch[i]!;
    n += ch.length;
  }
  return n === 0 ? 0 : acc / n;
}

/** Largest absolute sample over all channels. */
export function peak(channels: readonly Float32Array[]): number {
  let m = 0;
  for (const ch of channels) {
    for (let i = 0; i < ch.length; i++) {
      const a = Math.abs(ch[i]!);
      if (a > m) m = a;
    }
  }
  return m;
}

/** Crops or zero-pads to `length` (librosa's `fix_length`). */
export function fixLength(x: Float32Array, length: number): Float32Array {
  if (x.length === length) return x;
  if (x.length > length) return x.slice(0, length);
  const out = new Float32Array(length);
  out.set(x);
  return out;
}

/** Repeats `x` (tiling) and crops from `offset` to produce `length` samples. */
export function tileTo(x: Float32Array, length: number, offset = 0): Float32Array {
  const out = new Float32Array(length);
  const n = x.length;
  if (n === 0) return out;
  let pos = 0;
  let src = offset % n;
  while (pos < length) {
    const take = Math.min(n - src, length - pos);
    out.set(x.subarray(src, src + take), pos);
    pos += take;
    src = 0;
  }
  return out;
}

/** Parses a two-element `[min, max]` option. */
export function pair(
  value: readonly [number, number] | undefined,
  fallback: [number, number],
): [number, number] {
  if (value === undefined) return fallback;
  if (!Array.isArray(value) || value.length !== 2) {
    throw new InvalidArgumentError(`Expected a [min, max] pair, got ${JSON.stringify(value)}.`);
  }
  return [value[0], value[1]];
}

/** The `q`-th percentile (0–100) of `values`, with linear interpolation (numpy's default). */
export function percentile(values: Float32Array | Float64Array, q: number): number {
  if (values.length === 0) return 0;
  const a = Float64Array.from(values);
  const pos = (q / 100) * (a.length - 1);
  const lo = Math.floor(pos);
  const vlo = select(a, lo);
  if (lo + 1 >= a.length || pos === lo) return vlo;
  // after select(a, lo), the (lo+1)-th smallest is the minimum of the right part
  let vhi = Infinity;
  for (let i = lo + 1; i < a.length; i++) if (a[i]! < vhi) vhi = a[i]!;
  return vlo + (vhi - vlo) * (pos - lo);
}

/** k-th smallest value (0-based), partially reordering `a` (Hoare quickselect, median-of-three). */
function select(a: Float64Array, k: number): number {
  let left = 0;
  let right = a.length - 1;
  while (right > left) {
    const mid = (left + right) >> 1;
    const pivot = Math.max(Math.min(a[left]!, a[mid]!), Math.min(Math.max(a[left]!, a[mid]!), a[right]!));
    let i = left;
    let j = right;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) right = j;
    else if (k >= i) left = i;
    else return a[k]!;
  }
  return a[k]!;
}
