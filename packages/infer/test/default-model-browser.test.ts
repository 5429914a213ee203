/**
 * The browser entry's `loadClassifier()` without a model, for real, in headless Chromium (skipped, saying
 * so, when /usr/bin/chromium is absent), served by a static server on 127.0.0.1:
 * - an esbuild bundle (which leaves `new URL('../models/default.onnx', import.meta.url)` as it is) at
 *   /dist-test/, with /models/ mapped to this package's models/ folder;
 * - a Vite production build of a page that imports `@instr/infer` (Vite emits the model as an asset
 *   and rewrites the URL), at /vite/.
 * Its probabilities must equal Node's `loadClassifier()` on the same audio within 1e-5.
 */
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createAudio, Rng } from '@instr/core';
import { encodeWav } from '@instr/dsp';
import { type ClassificationResult, defaultModelPath, defaultModelUrl, loadClassifier } from '@instr/infer';
import { CHROMIUM_ARGS, sharedDir } from '@instr/test-utils';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { synthClip } from '../scripts/make-test-model.js';
import { defaultModelUrl as browserDefaultModelUrl } from '../src/browser.js';

const CHROMIUM = '/usr/bin/chromium';
const pkgDir = join(import.meta.dirname, '..');
const ortDist = dirname(createRequire(join(pkgDir, 'package.json')).resolve('onnxruntime-web'));

describe('defaultModelUrl() points at the shipped model file (both entries)', () => {
  it('resolves to models/default.onnx of this package', () => {
    expect(fileURLToPath(browserDefaultModelUrl())).toBe(join(pkgDir, 'models', 'default.onnx'));
    expect(defaultModelUrl().href).toBe(browserDefaultModelUrl().href);
    expect(defaultModelPath()).toBe(join(pkgDir, 'models', 'default.onnx'));
    expect(existsSync(defaultModelPath())).toBe(true);
  });

  it('the package exports ./models/* so bundlers can import the file', () => {
    const pkg = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8'));
    expect(pkg.exports['./models/*']).toBe('./models/*');
    expect(pkg.files).toContain('models');
    // Node resolves the subpath through the exports map (what Vite's `?url` import does first).
    expect(createRequire(join(pkgDir, 'package.json')).resolve('@instr/infer/models/default.onnx')).toBe(
      defaultModelPath(),
    );
  });
});

/** A FLAC from shared/data/dev when the shared folder is there (real audio). */
function devFlac(): string | undefined {
  const dir = sharedDir && join(sharedDir, 'data', 'dev', 'clips');
  const f = dir && existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.flac')) : undefined;
  return f ? join(dir!, f) : undefined;
}

if (!existsSync(CHROMIUM))
  console.warn(`default-model-browser.test: ${CHROMIUM} is absent; the Chromium test is skipped.`);

describe.skipIf(!existsSync(CHROMIUM))('loadClassifier() with no model in Chromium (onnxruntime-web)', () => {
  let browser: Browser;
  let server: Server;
  let origin: string;
  let tmp: string;
  const requests: string[] = [];
  let modelMissing = false;
  const audioFiles: Record<string, string> = {};
  let viteOut: string;

  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'instr-infer-default-'));
    // 4.5 s of synthetic tone + noise at 16 kHz (the model resamples to its rate), as a 16-bit WAV.
    const wav = join(tmp, 'synth.wav');
    writeFileSync(
      wav,
      encodeWav(createAudio(16000, [synthClip(new Rng(7), [true, true, false], 16000, 4.5)]), {
        bitDepth: 16,
      }),
    );
    audioFiles['/audio/synth.wav'] = wav;
    const flac = devFlac();
    if (flac) audioFiles['/audio/dev.flac'] = flac;
    else
      console.warn(
        'default-model-browser.test: ../shared/data/dev is absent; only the synthetic WAV is used.',
      );

    const bundle = await build({
      entryPoints: [join(pkgDir, 'test', 'fixtures', 'default-model-page.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      // As packages/cli's app: workspace sources; onnxruntime-web's wasm backend, its .wasm served from /ort/.
      conditions: ['instr-source', 'onnxruntime-web-use-extern-wasm'],
      alias: { 'onnxruntime-web': 'onnxruntime-web/wasm' },
      write: false,
      logLevel: 'silent',
    });
    const js = bundle.outputFiles[0]!.contents;
    // The bundle must keep the asset expression: its URL resolves against the bundle's own URL.
    expect(Buffer.from(js).toString('utf8')).toContain('new URL("../models/default.onnx", import.meta.url)');
    const html =
      '<!doctype html><meta charset="utf-8"><script type="module" src="/dist-test/page.js"></script><body></body>';
    // A Vite production build of a page that imports @instr/infer from node_modules (a link to this package).
    const app = join(tmp, 'vite-app');
    mkdirSync(join(app, 'node_modules', '@instr'), { recursive: true });
    symlinkSync(pkgDir, join(app, 'node_modules', '@instr', 'infer'), 'dir');
    writeFileSync(join(app, 'index.html'), '<!doctype html><script type="module" src="./main.js"></script>');
    writeFileSync(
      join(app, 'main.js'),
      [
        "import { defaultModelUrl, loadClassifier } from '@instr/infer';",
        "import explicit from '@instr/infer/models/default.onnx?url';",
        'window.instr = {',
        '  defaultModelUrl: defaultModelUrl().href,',
        '  explicit,',
        '  async classifyDefault(url) {',
        '    const classifier = await loadClassifier();',
        '    const result = await classifier.classifyBlob(await (await fetch(url)).blob());',
        '    const { name } = classifier.describe();',
        '    await classifier.dispose();',
        '    return { result, name };',
        '  },',
        '};',
        '',
      ].join('\n'),
    );
    viteOut = join(tmp, 'vite-dist');
    const vite = await import('vite');
    await vite.build({
      root: app,
      base: '/vite/',
      configFile: false,
      logLevel: 'silent',
      // Workspace packages from their TypeScript sources (the published dist has the same expression).
      resolve: { conditions: ['instr-source', ...vite.defaultClientConditions] },
      build: { outDir: viteOut, emptyOutDir: true, minify: false },
    });
    const types: Record<string, string> = {
      '.wasm': 'application/wasm',
      '.mjs': 'text/javascript',
      '.js': 'text/javascript',
      '.html': 'text/html',
    };
    server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      requests.push(path);
      if (path === '/dist-test/index.html') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
      else if (path === '/dist-test/page.js')
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
      else if (path === '/models/default.onnx' && !modelMissing)
        res
          .writeHead(200, { 'content-type': 'application/octet-stream' })
          .end(readFileSync(join(pkgDir, 'models', 'default.onnx')));
      else if (/^\/ort\/ort-wasm-simd-threaded\.(wasm|mjs)$/.test(path))
        res
          .writeHead(200, { 'content-type': types[extname(path)]! })
          .end(readFileSync(join(ortDist, path.slice(5))));
      else if (path.startsWith('/vite/') && !path.includes('..')) {
        const file = normalize(join(viteOut, path.slice(6) || 'index.html'));
        if (file.startsWith(viteOut) && existsSync(file))
          res
            .writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' })
            .end(readFileSync(file));
        else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      } else if (audioFiles[path])
        res
          .writeHead(200, { 'content-type': 'application/octet-stream' })
          .end(readFileSync(audioFiles[path]!));
      else res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  async function openPage(at = '/dist-test/index.html'): Promise<{ page: Page; errors: string[] }> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${origin}${at}`);
    await page.waitForFunction(() => 'instr' in window, null, { timeout: 30_000 });
    return { page, errors };
  }

  /** Classifies every audio file with the page's `loadClassifier()` and with Node's; returns the model requests. */
  async function compareWithNode(page: Page, label: string): Promise<string[]> {
    const node = await loadClassifier();
    const modelRequests: string[] = [];
    try {
      for (const [path, file] of Object.entries(audioFiles)) {
        requests.length = 0;
        const web = (await page.evaluate(
          (url) =>
            (
              window as never as { instr: { classifyDefault(u: string): Promise<unknown> } }
            ).instr.classifyDefault(url),
          path,
        )) as { result: ClassificationResult; name: string };
        modelRequests.push(...requests.filter((r) => r.endsWith('.onnx')));
        const ref = await node.classifyFile(file);
        expect(web.name).toBe(node.describe().name);
        expect(web.result.labels, path).toEqual(ref.labels);
        expect(web.result.duration).toBeCloseTo(ref.duration, 9);
        expect(web.result.timeline.length, path).toBe(ref.timeline.length);
        expect(web.result.timeline.length).toBeGreaterThan(1);
        let maxDiff = 0;
        ref.timeline.forEach((w, i) => {
          expect(web.result.timeline[i]!.start).toBe(w.start);
          for (const code of Object.keys(w.probabilities)) {
            maxDiff = Math.max(
              maxDiff,
              Math.abs(w.probabilities[code]! - web.result.timeline[i]!.probabilities[code]!),
            );
          }
        });
        for (const s of ref.instruments) {
          const b = web.result.instruments.find((x) => x.code === s.code)!;
          maxDiff = Math.max(maxDiff, Math.abs(s.probability - b.probability));
        }
        console.log(
          `default-model-browser.test (${label}): ${path}: max |web − node| = ${maxDiff.toExponential(2)}`,
        );
        expect(maxDiff, path).toBeLessThan(1e-5);
      }
    } finally {
      await node.dispose();
    }
    return modelRequests;
  }

  it('esbuild bundle: fetches ../models/default.onnx next to the bundle and matches Node within 1e-5', async () => {
    const { page, errors } = await openPage();
    try {
      expect(
        await page.evaluate(
          () => (window as never as { instr: { defaultModelUrl: string } }).instr.defaultModelUrl,
        ),
      ).toBe(`${origin}/models/default.onnx`);
      const fetched = await compareWithNode(page, 'esbuild');
      expect(fetched).toEqual(Object.keys(audioFiles).map(() => '/models/default.onnx'));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('Vite build: the model is emitted as an asset, found without configuration, and matches Node', async () => {
    const assets = readdirSync(join(viteOut, 'assets')).filter((f) => f.endsWith('.onnx'));
    // One copy, byte for byte the shipped model, reached by both defaultModelUrl() and the `?url` import.
    expect(assets).toHaveLength(1);
    expect(readFileSync(join(viteOut, 'assets', assets[0]!)).equals(readFileSync(defaultModelPath()))).toBe(
      true,
    );
    const { page, errors } = await openPage('/vite/index.html');
    try {
      const urls = await page.evaluate(
        () => (window as never as { instr: { defaultModelUrl: string; explicit: string } }).instr,
      );
      expect(urls.defaultModelUrl).toBe(`${origin}/vite/assets/${assets[0]}`);
      expect(urls.explicit).toBe(`/vite/assets/${assets[0]}`);
      const fetched = await compareWithNode(page, 'vite');
      expect(fetched).toEqual(Object.keys(audioFiles).map(() => `/vite/assets/${assets[0]}`));
      expect(errors).toEqual([]);
    } finally {
      await page.close();
    }
  });

  it('a missing default model is an IOError naming its URL', async () => {
    modelMissing = true;
    const { page } = await openPage();
    try {
      const error = (await page.evaluate(() =>
        (window as never as { instr: { loadError(): Promise<unknown> } }).instr.loadError(),
      )) as { instr: boolean; io: boolean; code: string; file: string; message: string } | undefined;
      expect(error).toMatchObject({
        instr: true,
        io: true,
        code: 'IO',
        file: `${origin}/models/default.onnx`,
      });
      expect(error!.message).toContain('HTTP 404');
      expect(error!.message).toContain('default model');
    } finally {
      modelMissing = false;
      await page.close();
    }
  });
});
