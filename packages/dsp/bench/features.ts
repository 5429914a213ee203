/**
 * Benchmark of `src/features`: the 28-value classical vector and the wavelet scalogram (plus entropies,
 * HPSS and onset/tempo), against the Python reference measured in the same run when Debian's
 * /usr/bin/python3 has numpy/scipy/torch. Prints ratios (ours / reference); absolute times are noisy on
 * a shared machine.
 *
 * Run: `pnpm --filter @instr/dsp bench` (registered in bench/index.ts) or
 * `node --conditions=instr-source --import tsx bench/features.ts`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Tensor } from '@instr/core';
import * as features from '../src/features/index.js';

const PY = '/usr/bin/python3';

function signal(n: number, sr = 22050): Float32Array {
  const y = new Float32Array(n);
  let seed = 12345;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const t = i / sr;
    y[i] =
      0.4 * Math.sin(2 * Math.PI * 330 * t) +
      0.2 * Math.sin(2 * Math.PI * 880 * t) +
      0.02 * (seed / 2 ** 31 - 0.5);
  }
  return y;
}

/** Median wall time in ms of `fn` over `reps` runs after one warm-up. */
function time(fn: () => unknown, reps = 5): number {
  fn();
  const t: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  return t[Math.floor(t.length / 2)]!;
}

/** Times the Python reference; returns ms per case, or null without a usable interpreter. */
function pythonTimes(n3: number, n30: number): Record<string, number> | null {
  if (!existsSync(PY)) return null;
  const script = `
import json, sys, time, os
import numpy as np
sys.path.insert(0, os.path.join(${JSON.stringify(fileURLToPath(new URL('../scripts', import.meta.url)))}))
import gen_features_reference as ref
out = {}
def med(f, reps=5):
    f(); ts = []
    for _ in range(reps):
        t0 = time.perf_counter(); f(); ts.append((time.perf_counter() - t0) * 1000)
    return sorted(ts)[len(ts) // 2]
rng = np.random.default_rng(0)
y3 = rng.standard_normal(${n3}).astype(np.float32) * 0.1
y30 = rng.standard_normal(${n30}).astype(np.float32) * 0.1
out['classical_3s_numpy'] = med(lambda: ref.classical_vector(y3))
out['entropies_3s_numpy'] = med(lambda: (ref.perm_entropy(y3, normalize=True), ref.spectral_entropy(y3, 22050, True), ref.svd_entropy(y3, normalize=True), ref.hjorth_params(y3)))
try:
    import torch
    torch.set_num_threads(1)
    w = torch.from_numpy(ref.wavelet_filters('gaussian')).unsqueeze(1)
    conv = torch.nn.Conv1d(1, 128, 2048, stride=512, bias=False)
    conv.weight.data = w
    x3 = torch.from_numpy(y3)[None, None]
    x30 = torch.from_numpy(y30)[None, None]
    with torch.no_grad():
        out['scalogram_3s_torch'] = med(lambda: conv(x3).abs())
        out['scalogram_30s_torch'] = med(lambda: conv(x30).abs())
except Exception as e:
    print('torch unavailable:', e, file=sys.stderr)
print(json.dumps(out))
`;
  const r = spawnSync(PY, ['-c', script], { encoding: 'utf8', timeout: 300_000 });
  if (r.status !== 0) {
    console.warn(`python reference failed: ${r.stderr.slice(0, 300)}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
}

export async function benchFeatures(): Promise<void> {
  const sr = 22050;
  const y3 = signal(3 * sr);
  const y30 = signal(30 * sr);
  const rows: [string, number, string?][] = [];
  const classical = (features as Record<string, unknown>).classicalFeatures as
    | ((y: Float32Array, o?: object) => Float64Array)
    | undefined;
  if (classical) rows.push(['classical_3s', time(() => classical(y3)), 'classical_3s_numpy']);
  rows.push([
    'entropies_3s',
    time(() => {
      features.permutationEntropy(y3, { normalize: true });
      features.spectralEntropy(y3, sr, { normalize: true });
      features.svdEntropy(y3, { normalize: true });
      features.hjorthParameters(y3);
    }),
    'entropies_3s_numpy',
  ]);
  rows.push(['scalogram_3s', time(() => features.scalogram(y3)), 'scalogram_3s_torch']);
  rows.push(['scalogram_30s', time(() => features.scalogram(y30), 3), 'scalogram_30s_torch']);
  const mag = Tensor.zeros('float32', [1025, 1300]);
  for (let i = 0; i < mag.size; i++) mag.data[i] = Math.abs(Math.sin(i * 0.731));
  rows.push(['hpss_1025x1300', time(() => features.hpss(mag), 3)]);
  const env = Float32Array.from({ length: 1300 }, (_, i) =>
    i % 22 === 0 ? 1 : 0.05 * Math.abs(Math.sin(i)),
  );
  rows.push(['tempo_1300_frames', time(() => features.tempoFromEnvelope(env, sr))]);
  rows.push(['beat_track_1300_frames', time(() => features.beatTrackFromEnvelope(env, sr))]);

  const py = pythonTimes(y3.length, y30.length);
  console.log('\n@instr/dsp features benchmark (median ms; ratio = ours / reference, < 1 is faster)');
  for (const [name, ms, refKey] of rows) {
    const refMs = refKey && py ? py[refKey] : undefined;
    const ratio = refMs ? `  ratio ${(ms / refMs).toFixed(2)} vs ${refKey} (${refMs.toFixed(1)} ms)` : '';
    console.log(`  ${name.padEnd(24)} ${ms.toFixed(1).padStart(8)} ms${ratio}`);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await benchFeatures();
}
