/**
 * `pnpm --filter @instr/dsp bench`: runs every benchmark of the package in turn.
 * Add a benchmark with one line in BENCHES (a module path and the function it exports).
 */
const BENCHES: [string, string][] = [
  ['./features.js', 'benchFeatures'],
  ['./signal-resample.js', 'runResampleBench'],
  ['./spectral.js', 'benchSpectral'],
];

for (const [path, fn] of BENCHES) {
  const mod = (await import(path)) as Record<string, () => unknown>;
  await mod[fn]!();
}
export {};
