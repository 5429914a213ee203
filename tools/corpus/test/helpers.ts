import { existsSync } from 'node:fs';
import { rfft } from '@instr/dsp';
import { sharedDir } from '@instr/test-utils';
import { DEFAULT_SOUNDFONTS } from '../src/gm.js';

/** Small SoundFonts that keep tests fast. */
export const TEST_SOUNDFONTS = DEFAULT_SOUNDFONTS.filter(
  (s) => s.id === 'TimGM6mb.sf2' || s.id === 'sf_GMbank.sf2',
).filter((s) => existsSync(s.path));
export const hasSoundFont = TEST_SOUNDFONTS.some((s) => s.id === 'TimGM6mb.sf2');
export { sharedDir };

if (!hasSoundFont)
  console.warn(
    '[corpus tests] TimGM6mb.sf2 not installed (apt-get install timgm6mb-soundfont): SoundFont tests skipped.',
  );
if (!sharedDir)
  console.warn(
    '[corpus tests] shared/ not found beside the checkout (set INSTR_SHARED_DIR): real-material tests skipped.',
  );

/** Magnitude spectrum (first size/2+1 bins) of `x` zero-padded/truncated to `size`, Hann-windowed. */
function magnitudeSpectrum(x: Float32Array, size: number): Float64Array {
  const n = Math.min(size, x.length);
  const a = new Float64Array(size);
  for (let i = 0; i < n; i++) a[i] = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / (n - 1)));
  const { re, im } = rfft(a);
  return re.map((r, k) => Math.hypot(r, im[k]!));
}

/**
 * Fundamental estimate: the candidate frequency in [lo, hi] maximising the summed log magnitude of its
 * first 4 harmonics (harmonic sum), refined on a 0.25-bin grid.
 */
export function estimateF0(x: Float32Array, sampleRate: number, lo: number, hi: number): number {
  const size = 1 << 15;
  const mag = magnitudeSpectrum(x, size);
  const binHz = sampleRate / size;
  const at = (f: number) => {
    const b = f / binHz;
    const i = Math.round(b);
    let m = 0;
    for (let k = i - 2; k <= i + 2; k++) if (k >= 0 && k < mag.length) m = Math.max(m, mag[k]!);
    return m;
  };
  const max = Math.max(...mag);
  let best = lo;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let f = lo; f <= hi; f += binHz / 4) {
    let score = 0;
    for (let h = 1; h <= 4; h++) score += Math.log(at(f * h) / max + 1e-4);
    if (score > bestScore) {
      bestScore = score;
      best = f;
    }
  }
  return best;
}
