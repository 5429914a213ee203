import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeAudio } from '../src/index.js';

const CHROMIUM = [
  process.env.CHROMIUM_PATH,
  '/usr/bin/chromium',
  '/usr/bin/chromium-browser',
  '/usr/bin/google-chrome',
].find((p) => p && existsSync(p));
const FIX = join(import.meta.dirname, 'fixtures', 'io');
const FILES = [
  'wav_s24le_6ch.wav',
  'wav_mulaw_1ch.wav',
  'sine880_220_stereo_44100_s16.flac',
  'sine440_mono_16000.oga',
  'sine440_mono_22050.mp3',
  'sine1000_1500_stereo_44100.ogg',
  'sine660_mono_48000.opus',
];

describe.skipIf(!CHROMIUM)(
  'decodeAudio in a real browser (headless Chromium; skipped when none is installed)',
  () => {
    let server: Server;
    let url: string;
    let onResult: (json: string) => void = () => {};
    beforeAll(async () => {
      const bundle = await build({
        entryPoints: [join(FIX, 'browser-entry.ts')],
        bundle: true,
        format: 'esm',
        platform: 'browser',
        conditions: ['instr-source'],
        define: { FILES: JSON.stringify(FILES) },
        write: false,
        logLevel: 'silent',
      });
      const js = bundle.outputFiles[0]!.contents;
      const html =
        '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script><body></body>';
      server = createServer((req, res) => {
        const path = req.url ?? '/';
        if (path === '/result' && req.method === 'POST') {
          let body = '';
          req.on('data', (d) => {
            body += d;
          });
          req.on('end', () => {
            res.writeHead(204).end();
            onResult(body);
          });
        } else if (path === '/') {
          res.writeHead(200, { 'content-type': 'text/html' }).end(html);
        } else if (path === '/bundle.js') {
          res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
        } else if (path.startsWith('/fixtures/') && FILES.includes(path.slice(10))) {
          // A misleading content type on purpose: the format must come from the bytes.
          res.writeHead(200, { 'content-type': 'text/plain' }).end(readFileSync(join(FIX, path.slice(10))));
        } else res.writeHead(404).end();
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    });
    afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('decodes every format, whole and streamed, exactly as in Node', async () => {
      // The page POSTs its results to /result; Chromium is stopped (by its pid) as soon as they arrive.
      let browser: ChildProcess | undefined;
      const json = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no result from the browser within 90 s')), 90_000);
        onResult = (body) => {
          clearTimeout(timer);
          resolve(body);
        };
        browser = spawn(
          CHROMIUM!,
          ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run', url],
          {
            stdio: 'ignore',
          },
        );
        browser.on('error', (e) => {
          clearTimeout(timer);
          reject(e);
        });
      }).finally(async () => {
        // Stop the browser we started (by its pid), letting it close its own helper processes.
        if (!browser || browser.exitCode !== null) return;
        const exited = new Promise((resolve) => browser!.once('exit', resolve));
        browser.kill('SIGTERM');
        const force = setTimeout(() => browser!.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(force);
      });
      const result = JSON.parse(json) as Record<string, Record<string, unknown>>;
      expect(result.crashed).toBeUndefined();
      for (const name of FILES) {
        const node = await decodeAudio(readFileSync(join(FIX, name)));
        let sum = 0;
        for (const ch of node.channels) for (const v of ch) sum += v;
        expect(result[name], name).toEqual({
          format: expect.any(String),
          sampleRate: node.sampleRate,
          channels: node.channels.length,
          frames: node.channels[0]!.length,
          sum,
          streamed: node.channels[0]!.length,
          same: true,
        });
      }
      expect(result.junk).toEqual({ code: 'UNSUPPORTED_FORMAT' });
    });
  },
);
