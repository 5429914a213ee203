import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CHROMIUM_ARGS, sharedPath } from '@instr/test-utils';
import { loadClassifier } from '@instr/infer';
import fastifyStatic from '@fastify/static';
import Fastify from 'fastify';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServer } from '../src/index.js';
import { modelPath, pkgDir, tempDir, writeClips } from './helpers.js';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = join(pkgDir, 'test-artifacts');

/** A FLAC from shared/data/dev when the shared folder is there (real audio; any labels). */
function sharedFlac(): string | undefined {
  try {
    const dir = sharedPath('data', 'dev', 'clips');
    const f = existsSync(dir) ? readdirSync(dir).find((n) => n.endsWith('.flac')) : undefined;
    return f ? join(dir, f) : undefined;
  } catch {
    return undefined;
  }
}

describe.skipIf(!existsSync(CHROMIUM))('browser app (Chromium, onnxruntime-web)', () => {
  let browser: Browser;
  let clips: { file: string; labels: string[] }[];
  beforeAll(async () => {
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...CHROMIUM_ARGS, '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'],
    });
    clips = await writeClips(tempDir('instr-app-'), 4, 2);
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => browser?.close());

  it('served by instr serve: upload, table, timeline, CSV download, same probabilities as Node, microphone', async () => {
    const app = await createServer({ model: modelPath, appDir: join(pkgDir, 'dist', 'app') });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const context = await browser.newContext({ acceptDownloads: true, permissions: ['microphone'] });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.waitForFunction(
        () => (window as never as { instr?: { models: unknown[] } }).instr?.models.length === 1,
        null,
        { timeout: 30_000 },
      );
      expect(await page.locator('#model-table tbody tr').count()).toBe(1);

      // Upload two files through the file input, and a third by drag and drop.
      await page.setInputFiles('#audio-files', [clips[0]!.file, clips[3]!.file]);
      await page.waitForFunction(
        () => document.querySelectorAll('#results-table tbody tr').length === 2,
        null,
        { timeout: 30_000 },
      );
      const dropped = readFileSync(clips[2]!.file);
      await page.evaluate(
        async ({ bytes, name }) => {
          const dt = new DataTransfer();
          dt.items.add(new File([new Uint8Array(bytes)], name, { type: 'audio/wav' }));
          document
            .getElementById('drop')!
            .dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
        },
        { bytes: [...dropped], name: 'dropped.wav' },
      );
      await page.waitForFunction(
        () => document.querySelectorAll('#results-table tbody tr').length === 3,
        null,
        { timeout: 30_000 },
      );
      const rows = await page.locator('#results-table tbody tr').allInnerTexts();
      expect(rows[0]).toContain('tone');
      expect(rows[1]).toMatch(/tone, click/);
      expect(rows[2]).toMatch(/dropped\.wav\s+click/);
      expect(await page.locator('#timelines svg.timeline').count()).toBe(3);
      expect(await page.locator('#timelines svg.timeline polyline').count()).toBe(9);

      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-csv')]);
      const csv = readFileSync((await download.path())!, 'utf8')
        .trim()
        .split('\n');
      expect(csv[0]).toBe('file,labels,duration,tone,noise,click');
      expect(csv).toHaveLength(4);
      expect(csv[1]).toMatch(/^clip000\.wav,tone,2\.000,0\.9/);
      expect(csv[2]!.split(',')[1]).toBe('tone;click');
      const [jsonDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-json')]);
      expect(JSON.parse(readFileSync((await jsonDownload.path())!, 'utf8'))).toHaveLength(3);

      // The browser (onnxruntime-web) and Node (onnxruntime-node) agree on every window within 1e-5.
      const files = [clips[3]!.file, sharedFlac()].filter((f): f is string => Boolean(f));
      const node = await loadClassifier(modelPath);
      for (const file of files) {
        const web = await page.evaluate(
          async ({ bytes, name }) =>
            (
              window as never as { instr: { classifyBytes(n: string, b: number[]): Promise<unknown> } }
            ).instr.classifyBytes(name, bytes),
          { bytes: [...readFileSync(file)], name: 'x' },
        );
        const ref = await node.classifyFile(file);
        const w = web as typeof ref;
        expect(w.timeline.length).toBe(ref.timeline.length);
        let maxDiff = 0;
        ref.timeline.forEach((win, i) => {
          for (const code of Object.keys(win.probabilities)) {
            maxDiff = Math.max(
              maxDiff,
              Math.abs(win.probabilities[code]! - w.timeline[i]!.probabilities[code]!),
            );
          }
        });
        expect(maxDiff, file).toBeLessThan(1e-5);
      }

      // Microphone (Chromium's fake device: a tone) → StreamingClassifier → a result row.
      await page.click('#record');
      await page.waitForFunction(() => document.getElementById('live')!.textContent!.includes('s:'), null, {
        timeout: 20_000,
      });
      await page.click('#record');
      await page.waitForFunction(
        () => document.querySelectorAll('#results-table tbody tr').length === 4,
        null,
        { timeout: 20_000 },
      );
      expect(await page.locator('#results-table tbody tr').last().textContent()).toContain('microphone');

      await page.screenshot({ path: join(artifacts, 'app-served.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await context.close();
      await app.close();
    }
  });

  it('runs as a static page with the model fetched from a URL (?model=) or chosen as a file', async () => {
    const server = Fastify();
    await server.register(fastifyStatic, { root: join(pkgDir, 'dist', 'app') });
    server.get('/models-static/tiny.onnx', async (_req, reply) =>
      reply.type('application/octet-stream').send(readFileSync(modelPath)),
    );
    await server.listen({ host: '127.0.0.1', port: 0 });
    const { port } = server.server.address() as AddressInfo;
    const page = await browser.newPage();
    try {
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(`http://127.0.0.1:${port}/index.html?model=models-static/tiny.onnx`);
      await page.waitForFunction(
        () => (window as never as { instr?: { models: unknown[] } }).instr?.models.length === 1,
        null,
        { timeout: 30_000 },
      );
      // A second model chosen as a file; both weighted → an ensemble.
      await page.setInputFiles('#model-file', modelPath);
      await page.waitForFunction(
        () => (window as never as { instr: { models: unknown[] } }).instr.models.length === 2,
        null,
        { timeout: 30_000 },
      );
      await page.locator('input[data-model="1"]').fill('2');
      await page.setInputFiles('#audio-files', [clips[1]!.file]);
      await page.waitForFunction(
        () => document.querySelectorAll('#results-table tbody tr').length === 1,
        null,
        { timeout: 30_000 },
      );
      expect(await page.locator('#results-table tbody tr').first().textContent()).toContain('noise');
      const results = await page.evaluate(
        () => (window as never as { instr: { results: { model: { name: string } }[] } }).instr.results,
      );
      expect(results[0]!.model.name).toBe('ensemble(instr-test-tiny, instr-test-tiny)');
      await page.screenshot({ path: join(artifacts, 'app-static.png'), fullPage: true });
      expect(errors).toEqual([]);
    } finally {
      await page.close();
      await server.close();
    }
  });
});
