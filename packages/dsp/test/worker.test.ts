import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build, type Plugin } from 'esbuild';
import { CHROMIUM_ARGS } from '@instr/test-utils';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM } from '../bench/spectral-browser.js';
import { decodeAudio, encodeWav, integratedLoudness, logMelSpectrogram, resample } from '../src/index.js';

const ROOT = join(import.meta.dirname, '..');
const NODE_BUILTIN =
  /^(node:|(assert|buffer|child_process|crypto|fs|fs\/promises|http|https|module|net|os|path|stream|url|util|worker_threads|zlib)$)/;

/** Fails the build on any import of a Node built-in, and records every file it pulls in. */
function noNodeImports(seen: Set<string>): Plugin {
  return {
    name: 'no-node-imports',
    setup(b) {
      b.onResolve({ filter: NODE_BUILTIN }, (args) => ({
        errors: [{ text: `Node-only import '${args.path}' from ${args.importer}` }],
      }));
      b.onLoad({ filter: /.*/ }, (args) => {
        seen.add(args.path);
        return undefined;
      });
    },
  };
}

async function bundle(entry: string, seen = new Set<string>()) {
  const r = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['instr-source'],
    plugins: [noNodeImports(seen)],
    write: false,
    logLevel: 'silent',
  });
  return { js: r.outputFiles[0]!.contents, seen };
}

/** A 3 s 44.1 kHz stereo test clip: two partials and seeded noise. */
function clipWav(): Uint8Array {
  const sr = 44100;
  const n = sr * 3;
  const l = new Float32Array(n);
  const r = new Float32Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    const noise = 0.05 * (seed / 2 ** 31 - 0.5);
    l[i] = 0.3 * Math.sin((2 * Math.PI * 440 * i) / sr) + noise;
    r[i] = 0.2 * Math.sin((2 * Math.PI * 1234.5 * i) / sr) - noise;
  }
  return encodeWav({ sampleRate: sr, channels: [l, r] }, { bitDepth: 32 });
}

function close(got: unknown, want: ArrayLike<number>, tol: number, what: string): void {
  const g = got as number[];
  expect(g.length, what).toBe(want.length);
  let peak = 0;
  let err = 0;
  for (let i = 0; i < want.length; i++) {
    peak = Math.max(peak, Math.abs(want[i]!));
    err = Math.max(err, Math.abs(g[i]! - want[i]!));
  }
  expect(err, what).toBeLessThanOrEqual(tol * Math.max(peak, 1e-30));
}

describe('the main entry is browser-safe', () => {
  it('bundles for the browser platform with no Node built-in import and no src/node file', async () => {
    const { seen } = await bundle(join(ROOT, 'src', 'index.ts'));
    const files = [...seen].map((p) => p.slice(ROOT.length));
    expect(files.filter((f) => f.includes('/src/node/'))).toEqual([]);
    expect(files.length).toBeGreaterThan(20);
    // The Node entry really is Node-only (the check is not vacuous).
    await expect(bundle(join(ROOT, 'src', 'node', 'index.ts'))).rejects.toThrow(/Node-only import/);
  });
});

describe.skipIf(!CHROMIUM)(
  'decode, log-mel, resample and loudness in a real Web Worker (headless Chromium; skipped without one)',
  () => {
    let server: Server;
    let url: string;
    const wav = clipWav();
    const flac = readFileSync(
      join(import.meta.dirname, 'fixtures', 'io', 'sine880_220_stereo_44100_s16.flac'),
    );
    beforeAll(async () => {
      const { js } = await bundle(join(import.meta.dirname, 'fixtures', 'worker', 'worker-entry.ts'));
      const files: Record<string, [string, Uint8Array | string]> = {
        '/': ['text/html', '<!doctype html><meta charset="utf-8"><title>worker</title>'],
        '/worker.js': ['text/javascript', js],
        '/clip.wav': ['application/octet-stream', wav],
        '/clip.flac': ['application/octet-stream', flac],
      };
      server = createServer((req, res) => {
        const f = files[req.url ?? ''];
        if (f) res.writeHead(200, { 'content-type': f[0] }).end(f[1]);
        else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('gives the same numbers as Node within 1e-6 of the peak', async () => {
      const { chromium } = await import('playwright-core');
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: [...CHROMIUM_ARGS],
      });
      let got: Record<string, Record<string, unknown>>;
      try {
        const page = await browser.newPage();
        await page.goto(url);
        got = await page.evaluate(
          () =>
            new Promise((resolve, reject) => {
              const w = new Worker('/worker.js', { type: 'module' });
              w.onmessage = (e) => {
                resolve(e.data);
                w.terminate();
              };
              w.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
              w.postMessage('run');
            }),
        );
      } finally {
        await browser.close();
      }
      expect(got.error).toBeUndefined();
      expect(got.isWorker).toBe(true);
      expect(got.wasm).toBe(true);
      for (const [name, bytes] of [
        ['clip.wav', wav],
        ['clip.flac', flac],
      ] as const) {
        const audio = await decodeAudio(bytes, { mono: true });
        const y = audio.channels[0]!;
        const w = got[name]!;
        expect(w.sampleRate, name).toBe(audio.sampleRate);
        expect(w.length, name).toBe(y.length);
        close(w.samples, y.subarray(0, 4096), 0, `${name} samples`);
        close(
          w.logMel,
          logMelSpectrogram(y, { sampleRate: audio.sampleRate, nMels: 64 }).data,
          1e-6,
          `${name} logMel`,
        );
        close(w.resampled, resample(y, audio.sampleRate, 16000), 1e-6, `${name} resample`);
        const lufs = integratedLoudness(audio);
        expect(Math.abs((w.loudness as number) - lufs), `${name} loudness ${lufs}`).toBeLessThanOrEqual(1e-6);
      }
    });
  },
);
