/**
 * How the row-range golden cases (`test/fixtures/window-contract.json`) embed a `[windows, classes]` matrix:
 * as rows `[2, 2 + windows)` of a float64 matrix with two rows before and one after, aggregated into
 * `out[3 … 3 + classes)` of an array of `classes + 5` — the `(probs, classes, from, to, mode, out, offset)` form
 * `scoreFiles` uses.
 */
export function rowRangeCase(
  probs32: Float32Array,
  classes: number,
): { probs: Float64Array; from: number; to: number; offset: number; outLength: number } {
  const windows = probs32.length / classes;
  const probs = new Float64Array((windows + 3) * classes);
  for (let i = 0; i < probs.length; i++) probs[i] = 0.25 + 0.5 * Math.cos(0.9 * i); // neighbours, never read
  // float64 probabilities (what sigmoid gives in scoreFiles): the float32 values nudged off the float32 grid
  for (let i = 0; i < probs32.length; i++) probs[2 * classes + i] = probs32[i]! * (1 - 1e-12);
  return { probs, from: 2, to: 2 + windows, offset: 3, outLength: classes + 5 };
}
