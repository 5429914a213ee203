// Bundled by bench/spectral-browser.ts (esbuild) and run in headless Chromium: times the 60 s log-mel
// spectrogram in a browser and POSTs the result to the local server that served it.
import { logMelSpectrogram } from '../src/spectral/index.js';
import { spectralWasmAvailable } from '../src/spectral/wasm.js';

const SR = 44100;
const y = new Float32Array(SR * 60);
let seed = 12345;
for (let i = 0; i < y.length; i++) {
  seed = (seed * 1103515245 + 12345) % 2 ** 31;
  y[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) + 0.1 * (seed / 2 ** 31 - 0.5);
}
const opts = { sampleRate: SR, nFft: 2048, hopLength: 512, nMels: 128 };
let result: Record<string, unknown>;
try {
  let checksum = 0;
  for (const v of logMelSpectrogram(y, opts).data) checksum += v;
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 7; r++) {
    const t0 = performance.now();
    logMelSpectrogram(y, opts);
    best = Math.min(best, performance.now() - t0);
  }
  result = { ms: best, wasm: spectralWasmAvailable(), checksum, userAgent: navigator.userAgent };
} catch (e) {
  result = { error: String(e) };
}
await fetch('/result', { method: 'POST', body: JSON.stringify(result) });
