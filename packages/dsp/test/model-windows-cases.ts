/**
 * Inputs of the golden model-window fixture (`test/fixtures/model/model-input-windows.json`, written by
 * `packages/infer/test/golden/gen-window-contract.ts` from `@instr/infer`'s `featureWindows` before the code
 * moved here). Closed-form signals (no RNG), so only the function under test determines the numbers.
 */

/** `seconds` of a 440 Hz + 1234 Hz mixture with a deterministic hash noise at `rate` Hz, rounded to float32. */
export function goldenSignal(seconds: number, rate: number, seed: number): Float32Array {
  const y = new Float32Array(Math.round(seconds * rate));
  for (let t = 0; t < y.length; t++) {
    // integer hash → [-1, 1): reproducible noise without a generator
    let h = Math.imul(t + 1, 0x9e3779b1) ^ Math.imul(seed + 7, 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d);
    h ^= h >>> 12;
    const noise = (h >>> 0) / 2 ** 31 - 1;
    const env = t / y.length; // the tone swells, so windows differ
    y[t] =
      0.4 * env * Math.sin((2 * Math.PI * 440 * t) / rate) +
      0.2 * Math.sin((2 * Math.PI * 1234 * t) / rate) +
      0.05 * noise;
  }
  return y;
}

const features = (overrides: Record<string, unknown> = {}) => ({
  type: 'logmel' as const,
  nFft: 256,
  hopLength: 128,
  winLength: 256,
  nMels: 16,
  fmin: 0,
  fmax: null,
  htk: false,
  melNorm: 'slaney' as const,
  center: true,
  padMode: 'constant' as const,
  power: 2,
  db: { ref: 1, amin: 1e-10, topDb: 80 },
  ...overrides,
});

type Padding = 'zero' | 'repeat' | 'reflect' | 'drop';
const window = (seconds: number, hopSeconds: number, padding: Padding) => ({ seconds, hopSeconds, padding });

/** One golden case: a clip at `inputRate`, a model at `meta.sampleRate`, and optionally a window override. */
export interface GoldenWindowCase {
  name: string;
  seconds: number;
  inputRate: number;
  seed: number;
  meta: {
    sampleRate: number;
    features: ReturnType<typeof features>;
    normalization: { mean: number; std: number };
    window: { seconds: number; hopSeconds: number; padding: Padding };
  };
  /** Window used instead of `meta.window` (as `classify({ windowSeconds, hopSeconds, padding })`). */
  window?: { seconds: number; hopSeconds: number; padding: Padding };
}

const meta = (w: ReturnType<typeof window>, f = features()) => ({
  sampleRate: 8000,
  features: f,
  normalization: { mean: -35, std: 18 },
  window: w,
});

export const goldenWindowCases: GoldenWindowCase[] = [
  {
    name: 'repeat, half overlap',
    seconds: 1.3,
    inputRate: 8000,
    seed: 1,
    meta: meta(window(0.5, 0.25, 'repeat')),
  },
  { name: 'zero padding', seconds: 1.3, inputRate: 8000, seed: 2, meta: meta(window(0.5, 0.5, 'zero')) },
  {
    name: 'reflect padding',
    seconds: 1.15,
    inputRate: 8000,
    seed: 3,
    meta: meta(window(0.5, 0.4, 'reflect')),
  },
  { name: 'drop', seconds: 1.3, inputRate: 8000, seed: 4, meta: meta(window(0.5, 0.25, 'drop')) },
  {
    name: 'drop, clip shorter than a window (repeated)',
    seconds: 0.3,
    inputRate: 8000,
    seed: 5,
    meta: meta(window(0.5, 0.25, 'drop')),
  },
  {
    name: 'resampled 11025 → 8000 Hz',
    seconds: 1.1,
    inputRate: 11025,
    seed: 6,
    meta: meta(window(0.5, 0.25, 'repeat')),
  },
  {
    name: 'resampled 16000 → 8000 Hz',
    seconds: 0.9,
    inputRate: 16000,
    seed: 7,
    meta: meta(window(0.5, 0.5, 'zero')),
  },
  {
    name: 'rounded hop (1/3 s), no centring',
    seconds: 1.2,
    inputRate: 8000,
    seed: 8,
    meta: meta(
      window(0.5, 1 / 3, 'repeat'),
      features({ center: false, htk: true, melNorm: null, fmin: 30, fmax: 3500 }),
    ),
  },
  {
    name: 'window override',
    seconds: 1.3,
    inputRate: 8000,
    seed: 9,
    meta: meta(window(0.5, 0.25, 'repeat')),
    window: window(0.4, 0.3, 'zero'),
  },
];
