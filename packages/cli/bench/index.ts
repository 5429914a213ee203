/**
 * Benchmarks of @instr/cli with the shipped default model (packages/infer/models/default.onnx) unless
 * `--model <file.onnx>` names another one:
 * - realtime factor on a 10-minute file (44.1 kHz mono WAV, so resampling is included), onnxruntime-node
 *   and onnxruntime-web (wasm, in Node and in the built browser app in Chromium);
 * - `instr tag` throughput (files per second) on a generated folder of 3-second clips, 1 and 2 jobs;
 * - HTTP service latency (p50/p99) and throughput under an autocannon load on loopback, with /health
 *   latency measured at the same time (decoding and inference run on worker threads), errors and memory.
 *
 *   pnpm --filter @instr/cli build && pnpm --filter @instr/cli bench [--model m.onnx] [--clips 240]
 *     [--seconds 600] [--duration 10] [--connections 8] [--concurrency 2] [--only realtime,tag,server]
 *
 * The server runs twice: uploads handled on worker threads (the default) and on the main thread
 * (`workers: 0`), to show what the worker threads buy for /health under load.
 *
 * Numbers are noisy on a shared machine; compare ratios taken in the same run. A summary table is printed
 * at the end, with the load average of the machine during the run.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import fastifyStatic from '@fastify/static';
import { createAudio, Rng } from '@instr/core';
import { encodeWav } from '@instr/dsp';
import { writeWavFile } from '@instr/dsp/node';
import { defaultModelPath, loadClassifier } from '@instr/infer';
import autocannon from 'autocannon';
import Table from 'cli-table3';
import Fastify from 'fastify';
import * as ortWeb from 'onnxruntime-web';
import { synthClip } from '../../infer/scripts/make-test-model.js';
import { classifierFromBytes } from '../../infer/src/load.js';
import { createServer } from '../src/index.js';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm … bench -- --model m.onnx` passes the `--` through
const { values: args } = parseArgs({
  args: argv,
  options: {
    model: { type: 'string' },
    clips: { type: 'string', default: '240' },
    seconds: { type: 'string', default: '600' },
    duration: { type: 'string', default: '10' },
    connections: { type: 'string', default: '8' },
    concurrency: { type: 'string', default: '2' },
    only: { type: 'string' },
  },
});

const pkg = join(import.meta.dirname, '..');
const model = args.model ? resolve(args.model) : defaultModelPath();
const bin = join(pkg, 'dist', 'bin.js');
/** Clips are written at a common recording rate, so every number includes resampling to the model's rate. */
const SR = 44100;
const combos = [
  [true, false, false],
  [false, true, false],
  [false, false, true],
  [true, false, true],
];
const only = args.only?.split(',');
const wanted = (part: string) => !only || only.includes(part);

/** Rows of the summary table: what, setting, result. */
const rows: [string, string, string][] = [];
const load: number[] = [];
const sampleLoad = () => load.push(loadavg()[0]!);

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
    sampleLoad();
    console.log(
      `tag: ${count} clips of 3 s, --jobs ${jobs}: ${s.toFixed(2)} s = ${(count / s).toFixed(1)} files/s (incl. process start and model load)`,
    );
    rows.push([
      '`instr tag`, 3-s clips',
      `${count} files, --jobs ${jobs}`,
      `${(count / s).toFixed(1)} files/s (${s.toFixed(1)} s incl. start-up)`,
    ]);
  }
  rmSync(dir, { recursive: true, force: true });
}

async function benchServer(workers: number): Promise<void> {
  const concurrency = Number(args.concurrency);
  const connections = Number(args.connections);
  const duration = Number(args.duration);
  const where = workers === 0 ? 'main thread' : `${workers} worker threads`;
  const app = await createServer({
    ...(args.model ? { model } : {}),
    concurrency,
    queueSize: 4 * connections,
    workers,
    appDir: false,
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  const wav = encodeWav(createAudio(SR, [synthClip(new Rng(1), [true, false, true], SR, 3)]));
  const boundary = '----instrbench';
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.wav"\r\n\r\n`),
    Buffer.from(wav),
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  const classify = () =>
    fetch(`http://127.0.0.1:${port}/classify`, {
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
    }).then((r) => r.json());
  // Warm-up: one request per worker thread, so the load test does not time worker start and model loading.
  await Promise.all(Array.from({ length: concurrency }, classify));
  const rss0 = process.memoryUsage().rss;
  let rssPeak = rss0;
  const sampler = setInterval(() => {
    rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  }, 100);
  const [r, h] = await Promise.all([
    autocannon({
      url: `http://127.0.0.1:${port}/classify`,
      method: 'POST',
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
      body,
      connections,
      duration,
    }),
    // /health at the same time, one connection, about 20 requests per second.
    autocannon({ url: `http://127.0.0.1:${port}/health`, connections: 1, overallRate: 20, duration }),
  ]);
  clearInterval(sampler);
  const rss1 = process.memoryUsage().rss;
  sampleLoad();
  console.log(
    `server: POST /classify (one 3-s 44.1 kHz WAV), ${connections} connections, ${duration} s, concurrency ${concurrency}, ${where}: ` +
      `${r.requests.total} requests, ${r.requests.average.toFixed(1)} req/s, latency p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ` +
      `errors ${r.errors}, timeouts ${r.timeouts}, non-2xx ${r.non2xx}, rss ${(rss0 / 1e6).toFixed(0)} → ${(rss1 / 1e6).toFixed(0)} MB (peak ${(rssPeak / 1e6).toFixed(0)} MB)`,
  );
  console.log(
    `server (${where}): GET /health during the load: ${h.requests.total} requests, latency p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, max ${h.latency.max} ms, errors ${h.errors}, non-2xx ${h.non2xx}`,
  );
  const setting = `${connections} connections × ${duration} s, concurrency ${concurrency}, ${where}`;
  rows.push([
    '`POST /classify`, one 3-s WAV',
    setting,
    `${r.requests.average.toFixed(1)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, ${r.errors} errors, ${r.non2xx} non-2xx`,
  ]);
  rows.push([
    'server memory (process RSS, threads included)',
    setting,
    `${(rss0 / 1e6).toFixed(0)} → ${(rss1 / 1e6).toFixed(0)} MB, peak ${(rssPeak / 1e6).toFixed(0)} MB`,
  ]);
  rows.push([
    '`GET /health` during that load',
    `1 connection, 20 req/s, ${where}`,
    `${h.requests.total} answered (asked: ${20 * duration}), p50 ${h.latency.p50} ms, p99 ${h.latency.p99} ms, max ${h.latency.max} ms, ${h.errors + h.non2xx} failed`,
  ]);
  await app.close();
}

async function benchRealtime(): Promise<void> {
  const seconds = Number(args.seconds);
  const audio = createAudio(SR, [synthClip(new Rng(2), [true, true, true], SR, seconds)]);
  const dir = mkdtempSync(join(tmpdir(), 'instr-bench-rtf-'));
  const file = join(dir, 'long.wav');
  await writeWavFile(file, audio);
  const warm = createAudio(SR, [audio.channels[0]!.subarray(0, SR * 5)]);
  // One intra-op thread, as the server and each `tag` job use; then all cores (onnxruntime's default).
  const node1 = await loadClassifier(model, {
    sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 },
  });
  await node1.classify(warm);
  let t0 = performance.now();
  const a = await node1.classify(audio);
  const tNode1 = (performance.now() - t0) / 1000;
  t0 = performance.now();
  await node1.classifyFile(file);
  const tFile = (performance.now() - t0) / 1000;
  const nodeAll = await loadClassifier(model);
  await nodeAll.classify(warm);
  t0 = performance.now();
  await nodeAll.classify(audio);
  const tNodeAll = (performance.now() - t0) / 1000;
  sampleLoad();
  ortWeb.env.wasm.numThreads = 1;
  const web = await classifierFromBytes(ortWeb as never, new Uint8Array(readFileSync(model)), {
    sessionOptions: { executionProviders: ['wasm'] },
  });
  await web.classify(warm);
  t0 = performance.now();
  const b = await web.classify(audio);
  const tWeb = (performance.now() - t0) / 1000;
  sampleLoad();
  let maxDiff = 0;
  a.timeline.forEach((w, i) => {
    for (const c of Object.keys(w.probabilities))
      maxDiff = Math.max(maxDiff, Math.abs(w.probabilities[c]! - b.timeline[i]!.probabilities[c]!));
  });
  const rtf = (t: number) =>
    `RTF ${(t / seconds).toFixed(4)} (${(seconds / t).toFixed(0)}× realtime, ${t.toFixed(2)} s)`;
  const line = (name: string, t: number) =>
    `${name}: ${t.toFixed(2)} s for ${seconds} s of audio = ${rtf(t)}`;
  console.log(line('realtime, onnxruntime-node, 1 thread, decoded audio', tNode1));
  console.log(line('realtime, onnxruntime-node, 1 thread, classifyFile (WAV decode included)', tFile));
  console.log(
    line(`realtime, onnxruntime-node, default threads (${availableParallelism()} cores)`, tNodeAll),
  );
  console.log(line('realtime, onnxruntime-web (wasm, 1 thread, in Node)', tWeb));
  console.log(
    `realtime: ${a.timeline.length} windows; web vs node max |Δp| = ${maxDiff.toExponential(2)}; web/node time ratio ${(tWeb / tNode1).toFixed(2)}`,
  );
  const what = `${seconds / 60}-min file, 44.1 kHz`;
  rows.push(['RTF onnxruntime-node, 1 thread', what, rtf(tNode1)]);
  rows.push(['RTF onnxruntime-node, 1 thread, WAV decode incl.', what, rtf(tFile)]);
  rows.push([`RTF onnxruntime-node, default threads`, what, rtf(tNodeAll)]);
  rows.push([
    'RTF onnxruntime-web (wasm, 1 thread) in Node',
    what,
    `${rtf(tWeb)}; ${(tWeb / tNode1).toFixed(2)}× Node's time; max Δp ${maxDiff.toExponential(1)}`,
  ]);
  await Promise.all([node1.dispose(), nodeAll.dispose(), web.dispose()]);
  await benchChromium(file, seconds, tFile, what);
  rmSync(dir, { recursive: true, force: true });
}

/** The same 10-minute WAV classified by the built browser app in headless Chromium (decode included). */
async function benchChromium(file: string, seconds: number, tNodeFile: number, what: string): Promise<void> {
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
    sampleLoad();
    console.log(
      `realtime, onnxruntime-web in Chromium (browser app, WAV decode included): ${t.toFixed(2)} s for ${seconds} s = RTF ${(t / seconds).toFixed(4)} (${(seconds / t).toFixed(0)}x realtime); Chromium/Node ratio ${(t / tNodeFile).toFixed(2)}`,
    );
    rows.push([
      'RTF browser app in Chromium (wasm), decode incl.',
      what,
      `RTF ${(t / seconds).toFixed(4)} (${(seconds / t).toFixed(0)}× realtime, ${t.toFixed(2)} s); ${(t / tNodeFile).toFixed(2)}× Node's time`,
    ]);
  } finally {
    await browser.close();
    await server.close();
  }
}

const probe = await loadClassifier(model);
const meta = probe.describe();
await probe.dispose();
console.log(
  `model: ${model} (${meta.name}, ${meta.instruments.length} classes, ${meta.sampleRate} Hz, ${meta.windowSeconds}-s windows); ` +
    `${availableParallelism()} cores, load average ${loadavg()[0]!.toFixed(2)} at start`,
);
sampleLoad();
if (wanted('realtime')) await benchRealtime();
if (wanted('tag')) await benchTag(Number(args.clips));
// Uploads decoded and classified on worker threads (the default), then on the main thread for comparison.
if (wanted('server')) await benchServer(Number(args.concurrency));
if (wanted('server')) await benchServer(0);

const table = new Table({ head: ['what', 'setting', 'result'], style: { head: [], border: [] } });
for (const r of rows) table.push(r);
console.log(
  `\nSummary (${meta.name}; load average during the run ${Math.min(...load).toFixed(1)}–${Math.max(...load).toFixed(1)} on ${availableParallelism()} cores):`,
);
console.log(table.toString());
console.log('\nMarkdown:\n\n| what | setting | result |\n|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
