import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CHROMIUM, runInChromium } from '../bench/spectral-browser.js';
import { chromaStft, logMelSpectrogram, mfcc, rfft, stft } from '../src/spectral/index.js';

/** Max |a − b| / max |b|: engines may differ in the last bit of Math.cos/sin, so results are compared
 * with a tolerance (in practice the float32 outputs are identical). */
function close(a: unknown, b: ArrayLike<number>, tol: number): void {
  const got = a as number[];
  expect(got.length).toBe(b.length);
  let peak = 0;
  let err = 0;
  for (let i = 0; i < b.length; i++) {
    peak = Math.max(peak, Math.abs(b[i]!));
    err = Math.max(err, Math.abs(got[i]! - b[i]!));
  }
  expect(err).toBeLessThanOrEqual(tol * peak);
}

describe.skipIf(!CHROMIUM)(
  'spectral functions in a real browser (headless Chromium; skipped when none is installed)',
  () => {
    it('bundle for the browser (no node: imports) and give the same numbers as Node', async () => {
      const got = (await runInChromium(
        join(import.meta.dirname, 'fixtures', 'spectral-browser', 'entry.ts'),
        90_000,
      )) as Record<string, unknown>;
      expect(got.error).toBeUndefined();
      const y = new Float32Array(12_345);
      let seed = 99;
      for (let i = 0; i < y.length; i++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        y[i] = 0.4 * Math.sin(i / 7) + 0.1 * (seed / 2 ** 31 - 0.5);
      }
      const S = stft(y, { nFft: 400, hopLength: 160 });
      expect(got.wasm).toBe(true);
      close(
        got.logMel,
        logMelSpectrogram(y, { sampleRate: 22050, nFft: 1024, hopLength: 256, nMels: 40 }).data,
        1e-6,
      );
      close(got.stftRe, S.re.data, 1e-6);
      close(got.stftIm, S.im.data, 1e-6);
      close(got.mfcc, mfcc(y, { sampleRate: 16000, nFft: 512, hopLength: 160, nMfcc: 13 }).data, 1e-6);
      close(got.chroma, chromaStft(y, { sampleRate: 22050 }).data, 1e-6);
      close(got.rfft, rfft(y.subarray(0, 1031)).re, 1e-12);
    });
  },
);
