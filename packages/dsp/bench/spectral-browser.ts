/**
 * Runs bench/spectral-browser-entry.ts in headless Chromium (Debian's /usr/bin/chromium, or
 * $CHROMIUM_PATH) and returns its best log-mel time; null when no browser is installed.
 * The bundle is built with esbuild; the browser is started and stopped by its pid.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

export interface BrowserResult {
  ms: number;
  wasm: boolean;
  checksum: number;
  userAgent: string;
}

/** The Chromium binary to use, if any. */
export const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser'].find(
  (p) => p && existsSync(p),
);

/** Times the 60 s log-mel in headless Chromium (null without a browser). */
export async function browserLogMel(timeoutMs = 120_000): Promise<BrowserResult | null> {
  const r = await runInChromium(join(import.meta.dirname, 'spectral-browser-entry.ts'), timeoutMs);
  if (r === null) return null;
  const res = r as BrowserResult & { error?: string };
  if (res.error) throw new Error(res.error);
  return res;
}

/**
 * Bundles `entry` for the browser (esbuild, `instr-source` condition), serves it to headless Chromium and
 * resolves with the JSON the page POSTs to `/result`. Null when no Chromium is installed.
 */
export async function runInChromium(entry: string, timeoutMs = 120_000): Promise<unknown | null> {
  const chromium = CHROMIUM;
  if (!chromium) return null;
  const bundle = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    conditions: ['instr-source'],
    write: false,
    logLevel: 'silent',
  });
  const js = bundle.outputFiles[0]!.contents;
  const html = '<!doctype html><meta charset="utf-8"><script type="module" src="/bundle.js"></script>';
  let onResult: (body: string) => void = () => {};
  const server = createServer((req, res) => {
    if (req.url === '/result' && req.method === 'POST') {
      let body = '';
      req.on('data', (d) => {
        body += d;
      });
      req.on('end', () => {
        res.writeHead(204).end();
        onResult(body);
      });
    } else if (req.url === '/') res.writeHead(200, { 'content-type': 'text/html' }).end(html);
    else if (req.url === '/bundle.js') res.writeHead(200, { 'content-type': 'text/javascript' }).end(js);
    else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  const profile = mkdtempSync(join(tmpdir(), 'instr-spectral-chromium-'));
  let browser: ChildProcess | undefined;
  try {
    const body = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no result from the browser in time')), timeoutMs);
      onResult = (b) => {
        clearTimeout(timer);
        resolve(b);
      };
      browser = spawn(
        chromium,
        [
          '--headless',
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--no-first-run',
          `--user-data-dir=${profile}`,
          url,
        ],
        { stdio: 'ignore' },
      );
      browser.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
    });
    return JSON.parse(body) as unknown;
  } finally {
    const b = browser as ChildProcess | undefined;
    if (b && b.exitCode === null) {
      const exited = new Promise((resolve) => b.once('exit', resolve));
      b.kill('SIGTERM');
      const force = setTimeout(() => b.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(force);
    }
    server.close();
    // Chromium's helper processes can still be writing to the profile for a moment after it exits:
    // retry, and never fail a measurement over a temp folder.
    try {
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
    } catch {
      // left in the OS temp dir
    }
  }
}
