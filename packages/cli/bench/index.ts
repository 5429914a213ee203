/**
 * Benchmarks of @instr/cli, all with the small test model (packages/infer/test/fixtures/tiny-model.onnx):
 * - `instr tag` throughput (files per second) on a generated folder of 3-second clips, 1 and 2 jobs;
 * - HTTP service latency (p50/p99) and throughput under an autocannon load on loopback;
 * - realtime factor of the model on a 10-minute file, onnxruntime-node and onnxruntime-web (wasm).
 *   pnpm --filter @instr/cli bench     (the bin must be built: pnpm --filter @instr/cli build)
 * Numbers are noisy on a shared machine; compare ratios.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAudio, Rng } from '@instr/core';
import { encodeWav } from '@instr/dsp';
import { writeWavFile } from '@instr/dsp/node';
import { loadClassifier } from '@instr/infer';
import fastifyStatic from '@fastify/static';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import * as ortWeb from 'onnxruntime-web';
import { synthClip } from '../../infer/scripts/make-test-model.js';
import { classifierFromBytes } from '../../infer/src/load.js';
import { createServer } from '../src/index.js';

const pkg = join(import.meta.dirname, '..');
const model = join(pkg, '..', 'infer', 'test', 'fixtures', 'tiny-model.onnx');
const bin = join(pkg, 'dist', 'bin.js');
const SR = 16000;
const combos = [
  [true, false, false],
  [false, true, false],
  [false, false, true],
  [true, false, true],
];

async function benchTag(count: number): Promise<void> {
  if (!existsSync(bin)) {
    console.log('tag: skipped (build the package first: pnpm --filter @instr/cli build)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'instr-bench-tag-'));
  const lib = join(dir, 'lib');
  mkdirSync(lib);
  for (let i = 0; i < count; i++) {
    await writeWavFile(
      join(lib, `clip${i}.wav`),
      createAudio(SR, [synthClip(new Rng(i), combos[i % 4]!, SR, 3)]),
    );
  }
  for (const jobs of [1, 2]) {
    const out = join(dir, `tags-${jobs}.csv`);
    const t0 = performance.now();
    execFileSync(process.execPath, [bin, 'tag', lib, '-m', model, '-o', out, '-j', String(jobs), '--quiet']);
    const s = (performance.now() - t0) / 1000;
    console.log(
      `tag: ${count} clips of 3 s, --jobs ${jobs}: ${s.toFixed(2)} s = ${(count / s).toFixed(1)} files/s (incl. process start and model load)`,
    );
  }
  rmSync(dir, { recursive: true, force: true });
}

async function benchServer(): Promise<void> {
  const app = await createServer({ model, concurrency: 2, queueSize: 32, appDir: false });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const wav = encodeWav(createAudio(SR, [synthClip(new Rng(1), [true, false, true], SR, 3)]));
  const boundary = '----instrbench';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n`),
    Buffer.from(wav),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const rss0 = process.memoryUsage().rss;
  const r = await autocannon({
    url: `http://127.0.0.1:${port}/classify`,
    method: 'POST',
    headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
    body,
    connections: 8,
    duration: 10,
  });
  const rss1 = process.memoryUsage().rss;
  console.log(
    `server: POST /classify (one 3 s WAV), 8 connections, 10 s: ${r.requests.total} requests, ` +
      `${r.requests.average.toFixed(1)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
      `errors ${r.errors}, non-2xx ${r.non2xx}, rss ${(rss0 / 1e6).toFixed(0)} → ${(rss1 / 1e6).toFixed(0)} MB`,
  );
  await app.close();
}

async function benchRealtime(): Promise<void> {
  const seconds = 600;
  const audio = createAudio(SR, [synthClip(new Rng(2), [true, true, true], SR, seconds)]);
  const dir = mkdtempSync(join(tmpdir(), 'instr-bench-rtf-'));
  const file = join(dir, 'long.wav');
  await writeWavFile(file, audio);
  const node = await loadClassifier(model);
  await node.classify(createAudio(SR, [audio.channels[0]!.subarray(0, SR * 5)]));
  let t0 = performance.now();
  const a = await node.classify(audio);
  const tNode = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await node.classifyFile(file);
  const tFile = (performance.now() - t0) / 1000;
  ortWeb.env.wasm.numThreads = 1;
  const web = await classifierFromBytes(ortWeb as never, new Uint8Array(readFileSync(model)), {
    sessionOptions: { executionProviders: ['wasm'] },
  });
  await web.classify(createAudio(SR, [audio.channels[0]!.subarray(0, SR * 5)]));
  t0 = performance.now();
  const b = await web.classify(audio);
  const tWeb = (performance.now() - t0) / 1000;
  let maxDiff = 0;
  a.timeline.forEach((w, i) => {
    for (const c of Object.keys(w.probabilities))
      maxDiff = Math.max(maxDiff, Math.abs(w.probabilities[c]! - b.timeline[i]!.probabilities[c]!));
  });
  const line = (name: string, t: number) =>
    `${name}: ${t.toFixed(2)} s for ${seconds} s of audio = RTF ${(t / seconds).toFixed(4)} (${(seconds / t).toFixed(0)}x realtime)`;
  console.log(line('realtime, onnxruntime-node, decoded audio', tNode));
  console.log(line('realtime, onnxruntime-node, classifyFile (WAV decode included)', tFile));
  console.log(line('realtime, onnxruntime-web (wasm, 1 thread, in Node)', tWeb));
  console.log(
    `realtime: ${a.timeline.length} windows; web vs node max |Δp| = ${maxDiff.toExponential(2)}; web/node time ratio ${(tWeb / tNode).toFixed(2)}`,
  );
  await benchChromium(file, seconds, tFile);
  rmSync(dir, { recursive: true, force: true });
}

/** The same 10-minute WAV classified by the built browser app in headless Chromium (decode included). */
async function benchChromium(file: string, seconds: number, tNodeFile: number): Promise<void> {
  const appDir = join(pkg, 'dist', 'app');
  if (!existsSync('/usr/bin/chromium') || !existsSync(join(appDir, 'app.js'))) {
    console.log('realtime, Chromium: skipped (needs /usr/bin/chromium and the built app)');
    return;
  }
  const server = Fastify();
  await server.register(fastifyStatic, { root: appDir });
  server.get('/bench/model.onnx', async (_q, reply) =>
    reply.type('application/octet-stream').send(readFileSync(model)),
  );
  server.get('/bench/long.wav', async (_q, reply) =>
    reply.type('application/octet-stream').send(readFileSync(file)),
  );
  await server.listen({ host: '127.0.0.1', port: 0 });
  const { port } = server.server.address() as AddressInfo;
  const { chromium } = await import('playwright-core');
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  try {
    const page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${port}/index.html?model=bench/model.onnx`);
    await page.waitForFunction(
      () => (window as never as { instr?: { models: unknown[] } }).instr?.models.length === 1,
    );
    const t = await page.evaluate(async () => {
      const instr = (
        window as never as { instr: { classifyBytes(n: string, b: Uint8Array): Promise<unknown> } }
      ).instr;
      const bytes = new Uint8Array(await (await fetch('bench/long.wav')).arrayBuffer());
      await instr.classifyBytes('warm.wav', bytes); // warm-up: JIT, wasm compilation
      const t0 = performance.now();
      await instr.classifyBytes('long.wav', bytes);
      return (performance.now() - t0) / 1000;
    });
    console.log(
      `realtime, onnxruntime-web in Chromium (browser app, WAV decode included): ${t.toFixed(2)} s for ${seconds} s = RTF ${(t / seconds).toFixed(4)} (${(seconds / t).toFixed(0)}x realtime); Chromium/Node ratio ${(t / tNodeFile).toFixed(2)}`,
    );
  } finally {
    await browser.close();
    await server.close();
  }
}

await benchTag(240);
await benchServer();
await benchRealtime();
