/**
 * Benchmark of `src/spectral`: log-mel spectrogram (n_fft 2048, hop 512, 128 slaney mels, power → dB)
 * of 60 s at 44.1 kHz against torchaudio single-threaded (`torch.set_num_threads(1)`), measured in the
 * same run through Debian's /usr/bin/python3 when it has torchaudio. Prints ratios and the realtime
 * factor; absolute times are noisy on a shared machine (best of N is reported for both sides).
 *
 * Run: `pnpm --filter @instr/dsp bench` (registered in bench/index.ts) or
 * `node --conditions=instr-source --import tsx bench/spectral.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { logMelSpectrogram, melSpectrogram, powerToDb, spectrogram, stft } from '../src/spectral/index.js';
import { setSpectralWasmEnabled, spectralWasmAvailable } from '../src/spectral/wasm.js';
import { browserLogMel } from './spectral-browser.js';

const PY = '/usr/bin/python3';
const SR = 44100;
const SECONDS = 60;
const OPTS = { sampleRate: SR, nFft: 2048, hopLength: 512, nMels: 128 } as const;

function signal(n: number): Float32Array {
  const y = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    y[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / SR) + 0.1 * (seed / 2 ** 31 - 0.5);
  }
  return y;
}

/** Best wall time in ms of `fn` over `reps` runs after one warm-up. */
function best(fn: () => unknown, reps = 7): number {
  fn();
  let b = Number.POSITIVE_INFINITY;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    b = Math.min(b, performance.now() - t0);
  }
  return b;
}

function torchMs(): number | null {
  if (!existsSync(PY)) return null;
  const script = fileURLToPath(new URL('./torch_logmel.py', import.meta.url));
  const r = spawnSync(PY, [script, String(SECONDS), '7'], { encoding: 'utf8' });
  if (r.status !== 0) return null;
  try {
    return (JSON.parse(r.stdout.trim().split('\n').pop() ?? '') as { ms: number }).ms;
  } catch {
    return null;
  }
}

/** Summary of {@link benchSpectral}: best ms of ours, torchaudio and headless Chromium (null if not measured). */
export interface SpectralBenchResult {
  oursMs: number;
  torchMs: number | null;
  browserMs: number | null;
  browserWasm: boolean | null;
}

export async function benchSpectral(): Promise<SpectralBenchResult> {
  const y = signal(SR * SECONDS);
  const fmt = (ms: number) => `${ms.toFixed(1)} ms`;
  console.log(
    `\n@instr/dsp spectral — log-mel of ${SECONDS} s at ${SR} Hz (n_fft 2048, hop 512, 128 slaney mels, dB)`,
  );
  console.log(`WebAssembly SIMD kernels: ${spectralWasmAvailable() ? 'yes' : 'no (JavaScript path)'}`);
  // Interleave ours and torch twice, keep the best of each, to damp load changes on a shared machine.
  let ours = Number.POSITIVE_INFINITY;
  let torch: number | null = null;
  for (let round = 0; round < 2; round++) {
    ours = Math.min(
      ours,
      best(() => logMelSpectrogram(y, OPTS)),
    );
    const t = torchMs();
    if (t !== null) torch = torch === null ? t : Math.min(torch, t);
  }
  const mel = best(() => melSpectrogram(y, OPTS));
  const M = melSpectrogram(y, OPTS);
  const db = best(() => powerToDb(M));
  setSpectralWasmEnabled(false);
  const oursJs = best(() => logMelSpectrogram(y, OPTS), 3);
  setSpectralWasmEnabled(true);
  const yShort = y.subarray(0, SR * 10);
  const spec = best(() => spectrogram(yShort, { nFft: 2048, hopLength: 512, power: 2 }), 3);
  const cplx = best(() => stft(yShort, { nFft: 2048, hopLength: 512 }), 3);
  console.log(
    `  logMelSpectrogram            ${fmt(ours)}  (${((SECONDS * 1000) / ours).toFixed(0)}x realtime)`,
  );
  console.log(`    melSpectrogram             ${fmt(mel)}`);
  console.log(`    powerToDb                  ${fmt(db)}`);
  console.log(`  logMelSpectrogram, JS only   ${fmt(oursJs)}`);
  console.log(`  spectrogram (10 s, power)    ${fmt(spec)}`);
  console.log(`  stft (10 s, complex)         ${fmt(cplx)}`);
  if (torch !== null) {
    console.log(`  torchaudio MelSpectrogram+AmplitudeToDB, 1 thread: ${fmt(torch)}`);
    console.log(
      `  speed-up vs torchaudio: ${(torch / ours).toFixed(2)}x (JS-only path: ${(torch / oursJs).toFixed(2)}x)`,
    );
  } else {
    console.log('  torchaudio not available at /usr/bin/python3: no ratio');
  }
  let browserMs: number | null = null;
  let browserWasm: boolean | null = null;
  try {
    const b = await browserLogMel();
    if (b) {
      browserMs = b.ms;
      browserWasm = b.wasm;
      const vs = torch !== null ? `, ${(torch / b.ms).toFixed(2)}x torchaudio` : '';
      console.log(
        `  headless Chromium (${b.wasm ? 'WebAssembly SIMD' : 'JavaScript'}): ${fmt(b.ms)} (${((SECONDS * 1000) / b.ms).toFixed(0)}x realtime${vs})`,
      );
    } else console.log('  no Chromium found: browser run skipped');
  } catch (e) {
    console.log(`  browser run failed: ${String(e)}`);
  }
  return { oursMs: ours, torchMs: torch, browserMs, browserWasm };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await benchSpectral();
