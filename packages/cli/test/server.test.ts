import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { encodeWav } from '@instr/dsp';
import { writeWavFile } from '@instr/dsp/node';
import { loadClassifier } from '@instr/infer';
import { sharedDir, sharedPath } from '@instr/test-utils';
import autocannon from 'autocannon';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateDataset } from '../src/commands/eval.js';
import { createServer, loadEvalDataset } from '../src/index.js';
import {
  clipAudio,
  type Health,
  modelPath,
  multipart,
  tempDir,
  waitForHealth,
  writeClips,
} from './helpers.js';

const wav = (labels: boolean[], seconds: number, seed: number) => encodeWav(clipAudio(labels, seconds, seed));

describe('HTTP service (fastify.inject)', () => {
  let app: FastifyInstance;
  let dataRoot: string;
  let outside: string;
  beforeAll(async () => {
    const base = tempDir('instr-server-');
    const modelsDir = join(base, 'models');
    mkdirSync(join(modelsDir, 'more'), { recursive: true });
    copyFileSync(modelPath, join(modelsDir, 'tiny.onnx'));
    copyFileSync(modelPath, join(modelsDir, 'more', 'tiny2.onnx'));
    writeFileSync(join(modelsDir, 'broken.onnx'), 'not a model');
    dataRoot = join(base, 'data');
    mkdirSync(dataRoot);
    const clips = await writeClips(join(dataRoot, 'set'), 4, 1.5);
    writeFileSync(
      join(dataRoot, 'set', 'manifest.csv'),
      `file,labels\n${clips.map((c) => `${c.file.slice(join(dataRoot, 'set').length + 1)},${c.labels.join(';')}`).join('\n')}\n`,
    );
    outside = join(base, 'outside');
    mkdirSync(outside);
    writeFileSync(join(outside, 'manifest.csv'), 'file,labels\n');
    symlinkSync(outside, join(dataRoot, 'escape'));
    app = await createServer({
      model: modelPath,
      modelsDir,
      dataRoots: [dataRoot],
      limits: { fileBytes: 400_000, files: 3, seconds: 10 },
      appDir: false,
    });
  });
  afterAll(async () => app?.close());

  it('answers health, readiness, models, the OpenAPI document and the docs page', async () => {
    expect((await app.inject('/health')).json()).toMatchObject({ status: 'ok' });
    expect((await app.inject('/ready')).json()).toEqual({ ready: true, models: 3 });
    const models = (await app.inject('/models')).json().models;
    expect(models.map((m: { name: string }) => m.name)).toEqual(['default', 'more/tiny2.onnx', 'tiny.onnx']);
    expect(models[0]).toMatchObject({ title: 'instr-test-tiny', instruments: ['tone', 'noise', 'click'] });
    const doc = (await app.inject('/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/classify', '/classify/stream', '/evaluate', '/models']),
    );
    expect(Object.keys(doc.paths['/classify'].post.requestBody.content)).toEqual(['multipart/form-data']);
    const docs = await app.inject('/docs/');
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
    const file = await app.inject('/models/file/tiny.onnx');
    expect(file.statusCode).toBe(200);
    expect(file.rawPayload.length).toBeGreaterThan(1000);
    expect((await app.inject('/models/file/../../etc/passwd')).statusCode).toBe(404);
  });

  it('classifies one and several uploads; options in the query or as fields', async () => {
    const one = await app.inject({
      method: 'POST',
      url: '/classify',
      ...multipart([{ name: 'tone.wav', bytes: wav([true, false, false], 1.5, 1) }]),
    });
    expect(one.statusCode).toBe(200);
    const [r] = one.json().results;
    expect(r).toMatchObject({
      file: 'tone.wav',
      labels: ['tone'],
      model: { name: 'instr-test-tiny' },
      timeline: [],
    });
    const many = await app.inject({
      method: 'POST',
      url: '/classify?topK=1&timeline=true',
      ...multipart([
        { name: 'noise.wav', bytes: wav([false, true, false], 1.5, 2), type: 'application/octet-stream' },
        { name: 'click.wav', bytes: wav([false, false, true], 1.5, 3) },
      ]),
    });
    const results = many.json().results;
    expect(results.map((x: { labels: string[] }) => x.labels)).toEqual([['noise'], ['click']]);
    expect(results[0].instruments).toHaveLength(1);
    expect(results[0].timeline.length).toBeGreaterThan(1);
    const fields = await app.inject({
      method: 'POST',
      url: '/classify',
      ...multipart([{ name: 'tone.wav', bytes: wav([true, false, false], 1.5, 1) }], { thresholds: '1' }),
    });
    expect(fields.json().results[0].labels).toEqual([]);
  });

  it('combines a weighted ensemble (models=a:2,b:1)', async () => {
    const bytes = wav([true, false, true], 1.5, 4);
    const single = (
      await app.inject({ method: 'POST', url: '/classify', ...multipart([{ name: 'a.wav', bytes }]) })
    ).json().results[0];
    const both = await app.inject({
      method: 'POST',
      url: '/classify?models=tiny.onnx:2,more/tiny2.onnx:1',
      ...multipart([{ name: 'a.wav', bytes }]),
    });
    expect(both.statusCode).toBe(200);
    const e = both.json().results[0];
    expect(e.model.name).toBe('ensemble(instr-test-tiny, instr-test-tiny)');
    for (const s of single.instruments) {
      expect(e.instruments.find((x: { code: string }) => x.code === s.code).probability).toBeCloseTo(
        s.probability,
        5,
      );
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/classify?model=nope.onnx',
      ...multipart([{ name: 'a.wav', bytes }]),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
    const bad = await app.inject({
      method: 'POST',
      url: '/classify?models=a.onnx:-1',
      ...multipart([{ name: 'a.wav', bytes }]),
    });
    expect(bad.statusCode).toBe(400);
  });

  it('rejects non-audio, corrupt, oversize, overlong and too many files with structured errors, and stays up', async () => {
    const post = (files: { name: string; bytes: Uint8Array; type?: string }[], url = '/classify') =>
      app.inject({ method: 'POST', url, ...multipart(files) });
    const text = await post([
      { name: 'notes.wav', bytes: new TextEncoder().encode('hello, not audio'), type: 'audio/wav' },
    ]);
    expect(text.statusCode).toBe(415);
    expect(text.json().error).toMatchObject({ code: 'UNSUPPORTED_FORMAT', details: { file: 'notes.wav' } });
    const full = wav([true, false, false], 1.5, 5);
    const corrupt = await post([{ name: 'cut.wav', bytes: full.subarray(0, 60) }]);
    expect(corrupt.statusCode).toBe(422);
    expect(corrupt.json().error.code).toBe('AUDIO_DECODE');
    const big = await post([{ name: 'big.wav', bytes: wav([true, false, false], 13, 6) }]);
    expect(big.statusCode).toBe(413);
    expect(big.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    const long = await app.inject({
      method: 'POST',
      url: '/classify',
      ...multipart([
        {
          name: 'long.wav',
          bytes: encodeWav(clipAudio([true, false, false], 11, 7, 8000), { bitDepth: 16 }),
        },
      ]),
    });
    expect(long.statusCode).toBe(413);
    expect(long.json().error.code).toBe('AUDIO_TOO_LONG');
    const four = Array.from({ length: 4 }, (_, i) => ({
      name: `f${i}.wav`,
      bytes: wav([true, false, false], 1, 10 + i),
    }));
    const tooMany = await post(four);
    expect(tooMany.statusCode).toBe(413);
    expect(tooMany.json().error.code).toBe('TOO_MANY_FILES');
    const mixed = await post([
      { name: 'ok.wav', bytes: full },
      { name: 'bad.wav', bytes: new Uint8Array(100) },
    ]);
    expect(mixed.statusCode).toBe(200);
    expect(mixed.json().results[1]).toMatchObject({ file: 'bad.wav', error: { code: 'UNSUPPORTED_FORMAT' } });
    const notMultipart = await app.inject({ method: 'POST', url: '/classify', payload: { a: 1 } });
    expect(notMultipart.statusCode).toBe(415);
    expect(notMultipart.json().error.code).toBeTypeOf('string');
    const empty = await app.inject({ method: 'POST', url: '/classify', ...multipart([]) });
    expect(empty.statusCode).toBe(400);
    expect((await app.inject('/nope')).json().error.code).toBe('NOT_FOUND');
    expect((await app.inject('/health')).statusCode).toBe(200);
  });

  it('streams NDJSON, one line per file', async () => {
    const r = await app.inject({
      method: 'POST',
      url: '/classify/stream',
      ...multipart([
        { name: 'a.wav', bytes: wav([true, false, false], 1, 20) },
        { name: 'b.txt', bytes: new TextEncoder().encode('text') },
        { name: 'c.wav', bytes: wav([false, false, true], 1, 21) },
      ]),
    });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toContain('application/x-ndjson');
    const lines = r.body
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => l.file)).toEqual(['a.wav', 'b.txt', 'c.wav']);
    expect(lines[0].labels).toEqual(['tone']);
    expect(lines[1].error.code).toBe('UNSUPPORTED_FORMAT');
    expect(lines[2].labels).toEqual(['click']);
  });

  it('evaluates datasets under the data roots only', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/evaluate',
      payload: { dataset: 'set/manifest.csv' },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ files: 4, model: 'instr-test-tiny', skipped: [] });
    expect(ok.json().summary.f1.micro).toBeGreaterThan(0.8);
    // The files are classified on worker threads; the metrics are those `instr eval` computes in-process.
    const classifier = await loadClassifier(modelPath);
    const direct = await evaluateDataset(
      classifier,
      await loadEvalDataset(join(dataRoot, 'set', 'manifest.csv')),
      {},
    );
    await classifier.dispose();
    expect(ok.json()).toMatchObject(metricsOf(direct));
    // A file that cannot be decoded is skipped with its own message, as `instr eval` does.
    writeFileSync(join(dataRoot, 'set', 'junk.wav'), 'not audio');
    writeFileSync(
      join(dataRoot, 'set', 'with-junk.csv'),
      'file,labels\nclip000.wav,tone\njunk.wav,noise\nsub/clip001.wav,noise\n',
    );
    const junk = await app.inject({
      method: 'POST',
      url: '/evaluate',
      payload: { dataset: 'set/with-junk.csv' },
    });
    expect(junk.statusCode).toBe(200);
    expect(junk.json().files).toBe(2);
    expect(junk.json().skipped).toEqual([
      { file: 'set/junk.wav', error: expect.stringMatching(/junk\.wav/) },
    ]);
    for (const dataset of [
      '../outside/manifest.csv',
      '/etc/passwd',
      'set/../../outside/manifest.csv',
      outside,
    ]) {
      const r = await app.inject({ method: 'POST', url: '/evaluate', payload: { dataset } });
      expect(r.statusCode, dataset).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN_PATH');
    }
    const link = await app.inject({
      method: 'POST',
      url: '/evaluate',
      payload: { dataset: 'escape/manifest.csv' },
    });
    expect(link.statusCode).toBe(403);
    // A manifest inside the roots must not reach audio outside them (relative, absolute or via a link).
    copyFileSync(join(dataRoot, 'set', 'clip000.wav'), join(outside, 'secret.wav'));
    for (const [name, entry] of [
      ['up.csv', '../../outside/secret.wav'],
      ['absolute.csv', join(outside, 'secret.wav')],
      ['linked.csv', '../escape/secret.wav'],
    ] as const) {
      writeFileSync(join(dataRoot, 'set', name), `file,labels\nclip000.wav,tone\n${entry},tone\n`);
      const r = await app.inject({ method: 'POST', url: '/evaluate', payload: { dataset: `set/${name}` } });
      expect(r.statusCode, name).toBe(403);
      expect(r.json().error.code).toBe('FORBIDDEN_PATH');
      expect(r.json().error.message).toContain('secret.wav');
    }
    const missing = await app.inject({
      method: 'POST',
      url: '/evaluate',
      payload: { dataset: 'nothing.csv' },
    });
    expect(missing.statusCode).toBe(404);
    const invalid = await app.inject({ method: 'POST', url: '/evaluate', payload: { nope: 1 } });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.code).toBe('INVALID_ARGUMENT');
  });
});

/** The parts of an /evaluate answer that {@link evaluateDataset} computes, as JSON carries them. */
function metricsOf(r: Awaited<ReturnType<typeof evaluateDataset>>) {
  const ev = r.evaluation;
  return JSON.parse(
    JSON.stringify({
      files: ev.numExamples,
      thresholds: ev.thresholds,
      summary: ev.summary,
      perClass: ev.perClass,
    }),
  );
}

describe.skipIf(!sharedDir)('HTTP service /evaluate on real audio (needs ../shared/data/dev)', () => {
  it('gives exactly the metrics `instr eval` computes on the main thread, with and without worker threads', async () => {
    const root = tempDir('instr-server-dev-');
    const all = await loadEvalDataset(sharedPath('data', 'dev', 'manifest.csv'));
    // Every 15th file (14 FLACs of a few seconds, most labels of the set, some with none), by absolute path.
    const items = all.filter((_, i) => i % 15 === 0);
    writeFileSync(
      join(root, 'dev.csv'),
      `file,labels\n${items.map((i) => `"${i.file}",${i.labels.join(';')}`).join('\n')}\n`,
    );
    const classifier = await loadClassifier();
    const direct = await evaluateDataset(classifier, items, {});
    const directMean = await evaluateDataset(classifier, items, { threshold: 0.4, aggregation: 'mean' });
    await classifier.dispose();
    expect(direct.skipped).toBe(0);
    // The audio must lie under a data root too: the shared dev folder is the second root.
    const dataRoots = [root, sharedPath('data', 'dev')];
    const pooled = await createServer({ dataRoots, appDir: false });
    const local = await createServer({ dataRoots, appDir: false, workers: 0 });
    try {
      const evaluate = (app: FastifyInstance, extra: Record<string, unknown> = {}) =>
        app.inject({ method: 'POST', url: '/evaluate', payload: { dataset: 'dev.csv', ...extra } });
      const [a, b] = await Promise.all([evaluate(pooled), evaluate(local)]);
      expect(a.statusCode).toBe(200);
      expect(a.json()).toMatchObject({ model: 'instr-default-cnn', skipped: [], ...metricsOf(direct) });
      expect(a.json()).toEqual(b.json());
      const mean = await evaluate(pooled, { thresholds: 0.4, aggregation: 'mean' });
      expect(mean.json()).toMatchObject(metricsOf(directMean));
      expect(mean.json().summary).not.toEqual(a.json().summary);
    } finally {
      await Promise.all([pooled.close(), local.close()]);
    }
  });
});

describe('HTTP service timeouts', () => {
  it('answers 504 TIMEOUT when processing takes longer than timeoutMs, and the slot is released', async () => {
    const app = await createServer({
      model: modelPath,
      timeoutMs: 5,
      concurrency: 1,
      queueSize: 0,
      appDir: false,
    });
    try {
      const body = multipart([{ name: 'long.wav', bytes: wav([true, true, true], 60, 60) }]);
      const r = await app.inject({ method: 'POST', url: '/classify', ...body });
      expect(r.statusCode).toBe(504);
      expect(r.json().error).toMatchObject({ code: 'TIMEOUT', details: { timeoutMs: 5 } });
      // The work that timed out still finishes on its worker thread (ONNX Runtime cannot be cancelled, and
      // terminating the thread inside it would abort the process), then frees its slot.
      expect(await waitForHealth(app, (h) => h.active === 0)).toMatchObject({
        active: 0,
        waiting: 0,
        classifying: 0,
      });
    } finally {
      await app.close();
    }
  });
});

describe('HTTP service on 127.0.0.1', () => {
  it('answers 429 when the queue is full, then recovers', async () => {
    const app = await createServer({ model: modelPath, concurrency: 1, queueSize: 0, appDir: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      // Hold the only slot: a request whose body never finishes arriving.
      const body = multipart([{ name: 'a.wav', bytes: wav([true, false, false], 1, 30) }]);
      const held = httpRequest({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: '/classify',
        headers: body.headers,
      });
      held.on('error', () => {});
      held.write(body.payload.subarray(0, 200));
      await new Promise((r) => setTimeout(r, 300));
      const busy = await fetch(`http://127.0.0.1:${port}/classify`, {
        method: 'POST',
        body: body.payload,
        headers: body.headers,
      });
      expect(busy.status).toBe(429);
      expect((await busy.json()).error.code).toBe('BUSY');
      held.end(body.payload.subarray(200));
      await new Promise((r) => held.on('response', (res) => res.resume().on('end', r)));
      const again = await fetch(`http://127.0.0.1:${port}/classify`, {
        method: 'POST',
        body: body.payload,
        headers: body.headers,
      });
      expect(again.status).toBe(200);
      expect((await again.json()).results[0].labels).toEqual(['tone']);
    } finally {
      await app.close();
    }
  });

  it('rejects oversize, non-audio, corrupt, too many files and escaping paths over real sockets, and stays up', async () => {
    const root = tempDir('instr-server-http-');
    const app = await createServer({
      model: modelPath,
      dataRoots: [root],
      limits: { fileBytes: 200_000, files: 2, seconds: 30 },
      appDir: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    const url = `http://127.0.0.1:${port}`;
    const upload = async (files: { name: string; bytes: Uint8Array }[]) => {
      const form = new FormData();
      for (const f of files)
        form.append('file', new Blob([new Uint8Array(f.bytes)], { type: 'audio/wav' }), f.name);
      const r = await fetch(`${url}/classify`, { method: 'POST', body: form });
      return { status: r.status, body: await r.json() };
    };
    try {
      const big = await upload([{ name: 'big.wav', bytes: wav([true, false, false], 8, 40) }]);
      expect([big.status, big.body.error.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
      const text = await upload([
        { name: 'a.wav', bytes: new TextEncoder().encode('<html>not audio</html>') },
      ]);
      expect([text.status, text.body.error.code]).toEqual([415, 'UNSUPPORTED_FORMAT']);
      const cut = await upload([
        { name: 'cut.wav', bytes: wav([true, false, false], 1, 41).subarray(0, 50) },
      ]);
      expect([cut.status, cut.body.error.code]).toEqual([422, 'AUDIO_DECODE']);
      const three = Array.from({ length: 3 }, (_, i) => ({
        name: `${i}.wav`,
        bytes: wav([true, false, false], 1, 42 + i),
      }));
      const many = await upload(three);
      expect([many.status, many.body.error.code]).toEqual([413, 'TOO_MANY_FILES']);
      for (const dataset of ['../../etc/passwd', '/etc/passwd']) {
        const r = await fetch(`${url}/evaluate`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ dataset }),
        });
        expect(r.status).toBe(403);
        expect((await r.json()).error.code).toBe('FORBIDDEN_PATH');
      }
      const ok = await upload([{ name: 'ok.wav', bytes: wav([false, false, true], 1, 50) }]);
      expect(ok.status).toBe(200);
      expect(ok.body.results[0].labels).toEqual(['click']);
      expect((await fetch(`${url}/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });

  it('serves a bounded load test with no errors and bounded memory', async () => {
    const app = await createServer({ model: modelPath, concurrency: 2, queueSize: 16, appDir: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const { port } = app.server.address() as AddressInfo;
    try {
      const body = multipart([{ name: 'a.wav', bytes: wav([true, false, true], 2, 31) }]);
      const before = process.memoryUsage().rss;
      const result = await autocannon({
        url: `http://127.0.0.1:${port}/classify`,
        method: 'POST',
        headers: body.headers,
        body: body.payload,
        connections: 4,
        duration: 4,
      });
      const after = process.memoryUsage().rss;
      console.log(
        `load test: ${result.requests.total} requests, ${result.requests.average.toFixed(1)} req/s, ` +
          `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, rss +${((after - before) / 1e6).toFixed(1)} MB`,
      );
      expect(result.errors).toBe(0);
      expect(result.non2xx).toBe(0);
      expect(result.requests.total).toBeGreaterThan(0);
      expect(after - before).toBeLessThan(300e6);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(200);
    } finally {
      await app.close();
    }
  });
});

describe('HTTP service worker threads', () => {
  it('keeps /health answering while a big file is decoded and classified on a worker thread', async () => {
    const app = await createServer({
      model: modelPath,
      limits: { fileBytes: 40e6, seconds: 600 },
      appDir: false,
    });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      // 5 minutes of audio (9.6 MB of WAV): a second or more of decoding, features and inference.
      const body = multipart([{ name: 'long.wav', bytes: wav([true, true, true], 300, 70) }]);
      let finished = false;
      const classification = fetch(`${url}/classify`, {
        method: 'POST',
        body: body.payload,
        headers: body.headers,
      }).then(async (r) => {
        finished = true;
        return { status: r.status, body: await r.json() };
      });
      const health = async (): Promise<Health> => (await fetch(`${url}/health`)).json();
      // Ask until the file is being classified, then once more: both answers arrive while it still is.
      let h = await health();
      while (h.classifying === 0 && !finished) h = await health();
      const during = await health();
      const finishedAfterHealth = finished;
      expect(h.classifying).toBe(1);
      expect(during).toMatchObject({ status: 'ok', active: 1, classifying: 1 });
      expect(finishedAfterHealth).toBe(false);
      const r = await classification;
      expect(r.status).toBe(200);
      expect(r.body.results[0].duration).toBeCloseTo(300, 3);
      expect(await health()).toMatchObject({ active: 0, classifying: 0 });
    } finally {
      await app.close();
    }
  });

  it('keeps /health answering while /evaluate classifies its files on a worker thread', async () => {
    const root = tempDir('instr-server-eval-');
    const clips = await writeClips(join(root, 'set'), 3, 1);
    // 5 minutes of audio first: seconds of work on a worker thread for the tiny model.
    await writeWavFile(join(root, 'set', 'long.wav'), clipAudio([true, false, true], 300, 74));
    writeFileSync(
      join(root, 'set', 'm.csv'),
      `file,labels\nlong.wav,tone;click\n${clips.map((c) => `${c.file},${c.labels.join(';')}`).join('\n')}\n`,
    );
    const app = await createServer({ model: modelPath, dataRoots: [root], appDir: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      let finished = false;
      const evaluation = fetch(`${url}/evaluate`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ dataset: 'set/m.csv' }),
      }).then(async (r) => {
        finished = true;
        return { status: r.status, body: await r.json() };
      });
      const health = async (): Promise<Health> => (await fetch(`${url}/health`)).json();
      // Ask until a file of the evaluation is on a worker, then once more: both answers arrive before the
      // evaluation's own answer. The evaluation holds one slot (active 1), the files one at a time.
      let h = await health();
      while (h.classifying === 0 && !finished) h = await health();
      const during = await health();
      const finishedAfterHealth = finished;
      expect(h).toMatchObject({ active: 1, classifying: 1 });
      expect(during).toMatchObject({ status: 'ok', active: 1, waiting: 0, classifying: 1 });
      expect(finishedAfterHealth).toBe(false);
      const r = await evaluation;
      expect(r.status).toBe(200);
      expect(r.body).toMatchObject({ files: 4, skipped: [] });
      expect(await health()).toMatchObject({ active: 0, classifying: 0 });
    } finally {
      await app.close();
    }
  });

  it('closes cleanly while the file of a disconnected client is still classified (waits for the worker)', async () => {
    // The shipped default model: its inference is most of the work, so the close comes during it.
    const app = await createServer({ limits: { fileBytes: 40e6, seconds: 600 }, appDir: false });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    const body = multipart([
      { name: 'long.wav', bytes: encodeWav(clipAudio([true, false, true], 60, 73, 22050)) },
    ]);
    const client = new AbortController();
    const classification = fetch(`${url}/classify`, {
      method: 'POST',
      body: body.payload,
      headers: body.headers,
      signal: client.signal,
    }).catch((e: Error) => e.name);
    let h: Health = await (await fetch(`${url}/health`)).json();
    for (let i = 0; i < 2000 && h.classifying === 0; i++) h = await (await fetch(`${url}/health`)).json();
    expect(h.classifying).toBe(1);
    // The client goes away, so nothing holds the server open; closing must still wait for the worker task:
    // terminating a thread inside ONNX Runtime aborts the whole process (and this test with it).
    client.abort();
    expect(await classification).toBe('AbortError');
    await app.close();
    expect(process.memoryUsage().rss).toBeGreaterThan(0);
  });

  it('answers worker errors (corrupt, non-audio, overlong, bad options) exactly as the main thread does, and stays up', async () => {
    const options = { model: modelPath, limits: { seconds: 2 }, appDir: false } as const;
    const pooled = await createServer(options);
    const local = await createServer({ ...options, workers: 0 });
    try {
      const good = wav([true, false, false], 1, 71);
      const cases: [string, Uint8Array, string, number, string | undefined][] = [
        ['cut.wav', good.subarray(0, 60), '', 422, 'AUDIO_DECODE'],
        ['junk.wav', new Uint8Array(good.length).fill(7), '', 415, 'UNSUPPORTED_FORMAT'],
        ['long.wav', wav([true, false, false], 3, 72), '', 413, 'AUDIO_TOO_LONG'],
        ['a.wav', good, '?thresholds=nope=0.5', 400, 'UNKNOWN_INSTRUMENT'],
        ['a.wav', good, '', 200, undefined],
      ];
      for (const [name, bytes, query, status, code] of cases) {
        const answers = await Promise.all(
          [pooled, local].map((app) =>
            app.inject({ method: 'POST', url: `/classify${query}`, ...multipart([{ name, bytes }]) }),
          ),
        );
        for (const a of answers) {
          expect(a.statusCode, name).toBe(status);
          if (code) expect(a.json().error.code, name).toBe(code);
        }
        expect(answers[0]!.json()).toEqual(answers[1]!.json());
      }
      expect((await pooled.inject('/health')).json()).toMatchObject({ status: 'ok', active: 0 });
    } finally {
      await Promise.all([pooled.close(), local.close()]);
    }
  });
});
