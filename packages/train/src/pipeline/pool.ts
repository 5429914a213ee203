import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DatasetError } from '@instr/core';
import {
  type ExampleProcessor,
  type ExampleResult,
  type ExampleTask,
  type ProcessorConfig,
  type SerializedError,
  serializeError,
} from './processor.js';

/** @internal Runs example tasks somewhere; rejections carry a {@link SerializedError}. */
export interface Executor {
  run(task: ExampleTask): Promise<ExampleResult>;
  close(): Promise<void>;
}

/** @internal Runs tasks on the calling thread. */
export class InlineExecutor implements Executor {
  constructor(private readonly processor: ExampleProcessor) {}
  async run(task: ExampleTask): Promise<ExampleResult> {
    try {
      return await this.processor.run(task);
    } catch (e) {
      throw serializeError(e);
    }
  }
  async close(): Promise<void> {}
}

/** URL of this module (ESM), or of the CJS bundle. */
function moduleUrl(): string {
  return typeof __filename === 'string' ? pathToFileURL(__filename).href : import.meta.url;
}

interface Slot {
  worker: Worker;
  inFlight: number;
  dead: boolean;
}

interface Pending {
  resolve: (r: ExampleResult) => void;
  reject: (e: SerializedError) => void;
  slot: Slot;
}

/**
 * @internal A small pool of worker threads. Each worker holds up to `perWorker` tasks (so decoding of one
 * overlaps the computation of another); further tasks wait in the pool's queue.
 */
export class WorkerPool implements Executor {
  private readonly slots: Slot[] = [];
  private readonly queue: { task: ExampleTask; resolve: Pending['resolve']; reject: Pending['reject'] }[] =
    [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: SerializedError | undefined;
  private closed = false;
  /** Resolves when every worker is ready; rejects with the first initialisation error. */
  readonly ready: Promise<void>;

  constructor(
    size: number,
    config: ProcessorConfig,
    options: { workerUrl?: string | URL; perWorker?: number } = {},
  ) {
    const perWorker = options.perWorker ?? 2;
    const readies: Promise<void>[] = [];
    for (let w = 0; w < size; w++) {
      const worker = spawnWorker(config, options.workerUrl);
      const slot: Slot = { worker, inFlight: 0, dead: false };
      this.slots.push(slot);
      readies.push(
        new Promise<void>((resolve, reject) => {
          worker.on(
            'message',
            (msg: { type: string; id: number; result: ExampleResult; error: SerializedError }) => {
              if (msg.type === 'ready') resolve();
              else if (msg.type === 'init-error') {
                this.fail(msg.error);
                reject(msg.error);
              } else {
                const p = this.pending.get(msg.id);
                if (!p) return;
                this.pending.delete(msg.id);
                slot.inFlight--;
                if (msg.type === 'result') p.resolve(msg.result);
                else p.reject(msg.error);
                this.pump(perWorker);
              }
            },
          );
          worker.on('error', (e) => {
            slot.dead = true;
            const err = serializeError(e);
            this.fail(err);
            reject(err);
          });
          worker.on('exit', (code) => {
            slot.dead = true;
            if (!this.closed) {
              const err = serializeError(
                new DatasetError(`A pipeline worker exited unexpectedly (code ${code}).`, {
                  details: { key: 'worker' },
                }),
              );
              this.fail(err);
              reject(err);
            }
          });
        }),
      );
    }
    this.ready = Promise.all(readies).then(() => undefined);
    this.ready.catch(() => undefined);
    this.perWorker = perWorker;
  }

  private readonly perWorker: number;

  run(task: ExampleTask): Promise<ExampleResult> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.closed) return Promise.reject(serializeError(new DatasetError('The pipeline is closed.')));
    return new Promise((resolve, reject) => {
      this.queue.push({ task, resolve, reject });
      this.pump(this.perWorker);
    });
  }

  private pump(perWorker: number): void {
    while (this.queue.length > 0) {
      let best: Slot | undefined;
      for (const s of this.slots)
        if (!s.dead && s.inFlight < perWorker && (!best || s.inFlight < best.inFlight)) best = s;
      if (!best) return;
      const { task, resolve, reject } = this.queue.shift()!;
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject, slot: best });
      best.inFlight++;
      best.worker.postMessage({ type: 'task', id, task });
    }
  }

  private fail(error: SerializedError): void {
    if (this.closed) return;
    this.failure ??= error;
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(error);
    }
    for (const q of this.queue.splice(0)) q.reject(error);
  }

  /** Terminates the workers; tasks still queued or running are rejected. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = serializeError(new DatasetError('The pipeline was closed.'));
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
    for (const q of this.queue.splice(0)) q.reject(err);
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }
}

function spawnWorker(config: ProcessorConfig, workerUrl?: string | URL): Worker {
  const workerData = { config };
  if (workerUrl) return new Worker(new URL(String(workerUrl)), { workerData });
  const here = moduleUrl();
  if (/\.[cm]?ts$/.test(new URL(here).pathname)) {
    // Running from TypeScript sources (tests, `--conditions=instr-source`): load the worker through tsx.
    const require = createRequire(here);
    // The ESM build of tsx's API (require.resolve picks the CJS one, which cannot register ESM hooks here).
    const tsx = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
    const entry = new URL('./worker.ts', here).href;
    const code =
      `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); })` +
      '.catch((e) => { setImmediate(() => { throw e; }); });';
    return new Worker(code, { eval: true, workerData, execArgv: ['--conditions=instr-source'] });
  }
  const ext = here.endsWith('.cjs') ? 'cjs' : 'js';
  return new Worker(new URL(`./pipeline-worker.${ext}`, here), { workerData });
}
