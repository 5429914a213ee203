/**
 * `pnpm --filter @instr/dsp bench`: runs every benchmark of the package in turn, then prints a summary
 * table of the issue's performance targets with the ratios measured in this run.
 * `INSTR_BENCH_MINUTES` sets the memory benchmark's file length (default 60).
 */
import { benchFeatures } from './features.js';
import { benchMemory, type MemoryBenchResult } from './memory.js';
import { type ResampleBenchResult, runResampleBench } from './signal-resample.js';
import { benchSpectral, type SpectralBenchResult } from './spectral.js';

async function attempt<T>(name: string, fn: () => Promise<T>): Promise<T | null> {
  try {
    return await fn();
  } catch (e) {
    console.log(`\n${name} benchmark failed: ${String(e).slice(0, 500)}`);
    return null;
  }
}

await attempt('features', benchFeatures);
const rs: ResampleBenchResult | null = await attempt('resample', runResampleBench);
const sp: SpectralBenchResult | null = await attempt('spectral', benchSpectral);
const minutes = Number(process.env.INSTR_BENCH_MINUTES ?? 60);
const mem: MemoryBenchResult | null = await attempt('memory', () => benchMemory(minutes));

const x = (v: number) => `${v.toFixed(2)}x`;
const na = 'not measured';
const rows: [string, string, string, string][] = [];
const verdict = (ok: boolean | null) => (ok === null ? '?' : ok ? 'yes' : 'NO');
{
  const r = sp?.torchMs && sp.oursMs ? sp.torchMs / sp.oursMs : null;
  rows.push([
    'log-mel 60 s @ 44.1 kHz vs torchaudio (1 thread)',
    r === null ? na : `${x(r)} faster (${sp!.oursMs.toFixed(0)} vs ${sp!.torchMs!.toFixed(0)} ms)`,
    '≥ 1.5x',
    verdict(r === null ? null : r >= 1.5),
  ]);
  const b = sp?.torchMs && sp.browserMs ? sp.torchMs / sp.browserMs : null;
  rows.push([
    `log-mel in headless Chromium (${sp?.browserWasm ? 'wasm SIMD' : 'JS'}) vs torchaudio`,
    b === null ? na : `${x(b)} faster (${sp!.browserMs!.toFixed(0)} ms)`,
    '≥ 1.5x',
    verdict(b === null ? null : b >= 1.5),
  ]);
}
{
  const r = rs?.torchMs ? rs.torchMs / rs.oursMs : null;
  rows.push([
    'resample 60 s 44.1k→16k (default) vs torchaudio',
    r === null ? na : `${x(r)} faster (${rs!.oursMs.toFixed(0)} vs ${rs!.torchMs!.toFixed(0)} ms)`,
    '> 1x',
    verdict(r === null ? null : r > 1),
  ]);
  const snr = rs?.snrDb ?? null;
  rows.push([
    'resample 44.1k→16k passband SNR vs long-kernel ref',
    snr === null
      ? na
      : `${snr.toFixed(1)} dB${rs?.torchSnrDb != null ? ` (torchaudio ${rs.torchSnrDb.toFixed(1)} dB)` : ''}`,
    '≥ 60 dB',
    verdict(snr === null ? null : snr >= 60),
  ]);
}
if (mem) {
  const MiB = 2 ** 20;
  const s = mem.stream;
  const w = mem.whole;
  rows.push([
    `${mem.minutes}-min file streamed: peak RSS (growth)`,
    `${(s.maxRss / MiB).toFixed(0)} MiB (+${((s.maxRss - s.baseRss) / MiB).toFixed(0)}), ${((s.seconds * 1000) / s.ms).toFixed(0)}x realtime` +
      (w
        ? `; whole file ${(w.maxRss / MiB).toFixed(0)} MiB (+${((w.maxRss - w.baseRss) / MiB).toFixed(0)}), ${((w.seconds * 1000) / w.ms).toFixed(0)}x realtime`
        : ''),
    'bounded',
    verdict(s.maxRss - s.baseRss < 256 * MiB && (!w || s.maxRss < w.maxRss)),
  ]);
} else rows.push(['long file streamed: peak RSS', na, 'bounded', '?']);

const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((r) => r[i].length), 6));
const line = (r: string[]) => `| ${r.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
console.log(
  '\n@instr/dsp benchmark summary (ratios measured in this run; machine load makes absolute times noisy)',
);
console.log(line(['target', 'measured', 'goal', 'met']));
console.log(line(widths.map((w) => '-'.repeat(w))));
for (const r of rows) console.log(line(r));
