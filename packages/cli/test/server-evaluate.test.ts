import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeWav } from '@instr/dsp';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createServer } from '../src/index.js';
import { clipAudio, modelPath, multipart, tempDir, waitForHealth, writeClips } from './helpers.js';

/** Models loaded and files classified by `classifyFile` on this (the main) thread. */
const mainThread = vi.hoisted(() => ({ loads: 0, files: 0 }));

// Counts what @instr/infer does on the main thread. Worker threads load their own, unmocked copy.
vi.mock('@instr/infer', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@instr/infer')>();
  return {
    ...actual,
    loadClassifier: async (...args: Parameters<typeof actual.loadClassifier>) => {
      mainThread.loads++;
      const c = await actual.loadClassifier(...args);
      const classifyFile = c.classifyFile.bind(c);
      c.classifyFile = (...a: Parameters<typeof classifyFile>) => {
        mainThread.files++;
        return classifyFile(...a);
      };
      return c;
    },
  };
});

afterEach(() => {
  mainThread.loads = 0;
  mainThread.files = 0;
});

/** A data root with `count` 2-s clips of the test model's instruments and a manifest `set/m.csv`. */
async function dataset(count: number): Promise<string> {
  const root = tempDir('instr-server-evaluate-');
  const clips = await writeClips(join(root, 'set'), count, 2);
  writeFileSync(
    join(root, 'set', 'm.csv'),
    `file,labels\n${clips.map((c) => `${c.file},${c.labels.join(';')}`).join('\n')}\n`,
  );
  return root;
}

const evaluate = (app: FastifyInstance) =>
  app.inject({ method: 'POST', url: '/evaluate', payload: { dataset: 'set/m.csv' } });

describe('HTTP service: /ready and /evaluate off the main thread', () => {
  it('loads and runs no model on the main thread for /ready and /evaluate with worker threads (workers: 0 does)', async () => {
    const root = await dataset(6);
    const pooled = await createServer({ model: modelPath, dataRoots: [root], appDir: false });
    try {
      expect((await pooled.inject('/ready')).json()).toEqual({ ready: true, models: 1 });
      const r = await evaluate(pooled);
      expect(r.statusCode).toBe(200);
      expect(r.json()).toMatchObject({ files: 6, model: 'instr-test-tiny', skipped: [] });
      expect(mainThread).toEqual({ loads: 0, files: 0 });
      // Without worker threads the same work happens here, and gives the same answer.
      const local = await createServer({
        model: modelPath,
        dataRoots: [root],
        appDir: false,
        workers: 0,
      });
      try {
        expect((await local.inject('/ready')).json()).toEqual({ ready: true, models: 1 });
        expect(mainThread.loads).toBe(1);
        expect((await evaluate(local)).json()).toEqual(r.json());
        expect(mainThread).toEqual({ loads: 1, files: 6 });
      } finally {
        await local.close();
      }
    } finally {
      await pooled.close();
    }
  });

  it('answers 503 from /ready (and 500 from /evaluate) when the model does not load, trying it on a worker', async () => {
    const dir = tempDir('instr-server-ready-');
    // The test model with an operator ONNX Runtime does not know: listed (its metadata is intact), but it
    // cannot load.
    const bytes = Buffer.from(readFileSync(modelPath));
    const relu = Buffer.from('"\x04Relu', 'latin1');
    let at = bytes.indexOf(relu);
    expect(at).toBeGreaterThan(0);
    for (; at >= 0; at = bytes.indexOf(relu, at + 1)) bytes.write('X', at + 2, 'latin1');
    writeFileSync(join(dir, 'broken.onnx'), bytes);
    const root = await dataset(2);
    const app = await createServer({ model: join(dir, 'broken.onnx'), dataRoots: [root], appDir: false });
    try {
      expect((await app.inject('/models')).json().models).toHaveLength(1);
      const r = await app.inject('/ready');
      expect(r.statusCode).toBe(503);
      expect(r.json().error).toMatchObject({ code: 'MODEL', message: expect.stringMatching(/broken\.onnx/) });
      const e = await evaluate(app);
      expect(e.statusCode).toBe(500);
      expect(e.json().error.code).toBe('MODEL');
      expect(mainThread.loads).toBe(0);
    } finally {
      await app.close();
    }
  });

  it('an evaluation holds one slot and stops before its next file at the timeout, so a queued /classify runs', async () => {
    const files = 60;
    const root = await dataset(files);
    // workers: 0, so that this thread sees every file the evaluation classifies (the stop is the same code).
    const app = await createServer({
      model: modelPath,
      dataRoots: [root],
      appDir: false,
      workers: 0,
      concurrency: 1,
      queueSize: 1,
      timeoutMs: 30,
    });
    try {
      expect((await app.inject('/ready')).statusCode).toBe(200); // the model is loaded: files start at once
      const evaluation = evaluate(app);
      // The evaluation takes the only slot; the upload waits in the queue behind it.
      expect(await waitForHealth(app, (h) => h.active === 1)).toMatchObject({ active: 1 });
      const queued = app.inject({
        method: 'POST',
        url: '/classify',
        ...multipart([{ name: 'a.wav', bytes: encodeWav(clipAudio([true, false, false], 1, 90)) }]),
      });
      const e = await evaluation;
      expect(e.statusCode).toBe(504);
      expect(e.json().error).toMatchObject({ code: 'TIMEOUT', details: { timeoutMs: 30 } });
      // The timed-out evaluation finishes the file it is on, frees its slot, and the upload runs.
      const c = await queued;
      expect(c.statusCode).toBe(200);
      expect(c.json().results[0].labels).toEqual(['tone']);
      expect(await waitForHealth(app, (h) => h.active === 0)).toMatchObject({
        active: 0,
        waiting: 0,
        classifying: 0,
      });
      // It ended at the timeout, not after its 60 files.
      console.log(`evaluation stopped after ${mainThread.files} of ${files} files`);
      expect(mainThread.files).toBeLessThan(files);
    } finally {
      await app.close();
    }
  });

  it('evaluations hold at most concurrency − 1 slots: a second one waits, an upload still runs', async () => {
    const root = await dataset(40);
    const app = await createServer({
      model: modelPath,
      dataRoots: [root],
      appDir: false,
      workers: 0,
      concurrency: 2,
      queueSize: 2,
    });
    try {
      expect((await app.inject('/ready')).statusCode).toBe(200);
      const first = evaluate(app);
      const second = evaluate(app);
      // One evaluation runs, the other waits at the evaluation gate (not in a request slot).
      const during = await waitForHealth(app, (h) => h.active === 1 && h.evaluations?.waiting === 1);
      expect(during).toMatchObject({ active: 1, waiting: 0, evaluations: { active: 1, waiting: 1 } });
      const upload = await app.inject({
        method: 'POST',
        url: '/classify',
        ...multipart([{ name: 'a.wav', bytes: encodeWav(clipAudio([true, false, false], 1, 91)) }]),
      });
      expect(upload.statusCode).toBe(200);
      const [a, b] = await Promise.all([first, second]);
      expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
      expect(a.json()).toEqual(b.json());
      expect(await waitForHealth(app, (h) => h.active === 0)).toMatchObject({
        evaluations: { active: 0, waiting: 0 },
      });
    } finally {
      await app.close();
    }
  });
});
