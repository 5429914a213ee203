import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { PassThrough } from 'node:stream';
import { fileURLToPath } from 'node:url';
import fastifyMultipart from '@fastify/multipart';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import { InstrumentSet } from '@instr/core';
import type { ClassificationResult, ClassifyOptions } from '@instr/infer';
import Fastify, { type FastifyInstance, type FastifyRequest } from 'fastify';
import { Piscina } from 'piscina';
import { evaluateDataset } from '../commands/eval.js';
import { loadEvalDataset } from '../dataset.js';
import { workerLocation } from '../worker-location.js';
import { errorResponse, ServiceError, WorkerTaskError } from './errors.js';
import { BoundedQueue, runBounded } from './limiter.js';
import { ModelRegistry, parseModelSpec } from './models.js';
import type { ClassifyTaskResult, ServerTask, ServerTaskResult } from './worker.js';

/**
 * Options of {@link createServer}.
 * @example
 * ```ts
 * const options: ServerOptions = { model: 'model.onnx', limits: { fileBytes: 20e6, files: 8, seconds: 300 }, concurrency: 4 };
 * ```
 */
export interface ServerOptions {
  /** Default model file (default: `@instr/infer`'s shipped model, when present). */
  model?: string;
  /** Folder of further `*.onnx` models, listed by `GET /models` and chosen with `model=`/`models=`. */
  modelsDir?: string;
  /** Folders `POST /evaluate` may read datasets from (default: none, so `/evaluate` refuses every path). */
  dataRoots?: string[];
  /** Upload limits. */
  limits?: {
    /** Bytes per uploaded file (default 50 MiB). */
    fileBytes?: number;
    /** Files per request (default 16). */
    files?: number;
    /** Seconds of audio per file (default 600). */
    seconds?: number;
  };
  /**
   * Requests processed at once (default 2); an evaluation is one request, its files classified one at a time.
   * Evaluations may hold at most `concurrency − 1` slots (1 when `concurrency` is 1), so uploads always keep
   * one; further evaluations wait in their own queue (`queueSize` long) before taking a slot.
   */
  concurrency?: number;
  /** Requests waiting for a slot before new ones get 429 (default 8). */
  queueSize?: number;
  /**
   * Processing time per request before a 504 (default 120 000 ms); also bounds receiving the request. An
   * evaluation stops before its next file then.
   */
  timeoutMs?: number;
  /** onnxruntime intra-op threads per model (default 1). */
  threads?: number;
  /**
   * Worker threads that decode, compute features and run the models (for uploads, for each file of an
   * `/evaluate` dataset, and the model load of `/ready`), so the event loop (and `/health`) stays
   * responsive during big uploads and evaluations (default: `concurrency`). `0` does that work on the
   * main thread.
   */
  workers?: number;
  /** Folder of the browser app served at `/` (default: the built `dist/app`); `false` serves none. */
  appDir?: string | false;
  /** Fastify logger option (default false). */
  logger?: boolean | Record<string, unknown>;
}

interface ClassifyQuery {
  model?: string;
  models?: string;
  thresholds?: string;
  topK?: number;
  aggregation?: 'max' | 'mean' | 'attention';
  timeline?: boolean;
}

const PKG_VERSION = '0.1.0';

/** Where the built browser app is, relative to this module (src/server or dist). */
function defaultAppDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [
    join(here, 'app'),
    join(here, '..', '..', 'dist', 'app'),
    join(here, '..', 'dist', 'app'),
  ];
  return candidates.find((d) => existsSync(join(d, 'index.html'))) ?? candidates[0]!;
}

/**
 * The onnxruntime-web `dist` folder, whose `.wasm` and `.mjs` files the browser app loads from `/ort/`.
 * @example
 * ```ts
 * await app.register(fastifyStatic, { root: ortWebDistDir(), prefix: '/ort/' });
 * ```
 */
export function ortWebDistDir(): string {
  const require = createRequire(import.meta.url);
  return dirname(require.resolve('onnxruntime-web'));
}

/** A dataset file that failed on its worker: skipped by the evaluation, with the error's own message. */
class EvaluatedFileError extends Error {}

/**
 * Creates the instr HTTP service (Fastify): `GET /health`, `/ready`, `/models`, `/models/:name/file`,
 * `POST /classify`, `/classify/stream` (NDJSON), `/evaluate`, the OpenAPI document at `/openapi.json`,
 * its docs page at `/docs`, and the browser app at `/`. Call `listen()` on the result, or `inject()` in tests.
 *
 * @example
 * ```ts
 * import { createServer } from '@instr/cli';
 * const app = await createServer({ model: 'model.onnx', modelsDir: 'models', dataRoots: ['data'] });
 * await app.listen({ port: 8090, host: '127.0.0.1' });
 * ```
 */
export async function createServer(options: ServerOptions = {}): Promise<FastifyInstance> {
  const limits = {
    fileBytes: options.limits?.fileBytes ?? 50 * 1024 * 1024,
    files: options.limits?.files ?? 16,
    seconds: options.limits?.seconds ?? 600,
  };
  const timeoutMs = options.timeoutMs ?? 120_000;
  const queue = new BoundedQueue(options.concurrency ?? 2, options.queueSize ?? 8);
  // Long evaluations must not take every slot: they first pass this narrower gate.
  const evaluations = new BoundedQueue(Math.max(1, queue.concurrency - 1), queue.queueSize);
  const registry = new ModelRegistry(options.model, options.modelsDir);
  const roots = (options.dataRoots ?? []).map((r) => resolve(r));
  const threads = options.threads ?? 1;
  const workers = Math.max(0, Math.floor(options.workers ?? queue.concurrency));
  let classifying = 0;
  /** Worker pool, started on the first classification (a server that only lists models starts no thread). */
  let pool: Piscina<ServerTask, ServerTaskResult<ServerTask>> | undefined;
  const local = workers === 0 ? (await import('./worker.js')).uploadClassifier() : undefined;
  /** Tasks running: closing waits for them, as terminating a thread inside ONNX Runtime aborts the process. */
  const inflight = new Set<Promise<unknown>>();
  let closing = false;
  /**
   * Runs a task on the pool (or, with `workers: 0`, on the main thread): an upload, a file of a dataset
   * (`/evaluate`) or a model load (`/ready`). Heavy work never runs on the event loop otherwise.
   */
  const runTask = <T extends ServerTask>(task: T): Promise<ServerTaskResult<T>> => {
    if (closing) {
      throw new ServiceError(503, 'NOT_READY', 'The service is shutting down.', {
        ...(task.kind === 'file' ? { file: task.path } : task.kind === 'load' ? {} : { file: task.filename }),
      });
    }
    const p = startTask(task);
    inflight.add(p);
    const forget = () => inflight.delete(p);
    p.then(forget, forget);
    return p;
  };
  const startTask = async <T extends ServerTask>(task: T): Promise<ServerTaskResult<T>> => {
    if (local) return local.run(task);
    if (!pool) {
      const { filename, execArgv } = workerLocation(import.meta.url, './worker.ts', 'server-worker.js');
      pool = new Piscina<ServerTask, ServerTaskResult<ServerTask>>({
        filename,
        execArgv,
        minThreads: workers,
        maxThreads: workers,
      });
    }
    // No abort signal: piscina would terminate the thread, and terminating a thread while ONNX Runtime
    // runs in it aborts the whole process. Timed-out work finishes, then frees its slot (runBounded).
    const transferList =
      task.kind === 'file' || task.kind === 'load' ? [] : [task.bytes.buffer as ArrayBuffer];
    return pool.run(task, { transferList }) as Promise<ServerTaskResult<T>>;
  };
  /** Model files known to load (on a worker, or on the main thread with `workers: 0`). */
  const loaded = new Map<string, Promise<void>>();
  /** Loads `path` once in the pool (so `/ready` does it off the event loop and only the first time). */
  const ensureLoaded = (path: string): Promise<void> => {
    let p = loaded.get(path);
    if (!p) {
      p = runTask({ kind: 'load', model: path, threads }).then((r) => {
        if (!r.ok) throw new WorkerTaskError(r.status, r.body, r.stack);
      });
      p.catch(() => loaded.delete(path));
      loaded.set(path, p);
    }
    return p;
  };

  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 1024 * 1024,
    requestTimeout: timeoutMs,
    connectionTimeout: timeoutMs,
    keepAliveTimeout: 5000,
  });
  app.addHook('onClose', async () => {
    closing = true;
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
    await pool?.destroy();
    await local?.dispose();
  });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'instr',
        description: 'Multi-label musical-instrument recognition service.',
        version: PKG_VERSION,
      },
    },
    // Documents the multipart upload of the classify routes (their bodies are streamed, not validated).
    transform: ({ schema, url }) => {
      if (url === '/classify' || url === '/classify/stream') {
        return {
          schema: {
            ...schema,
            body: {
              type: 'object',
              required: ['file'],
              properties: {
                file: {
                  type: 'array',
                  items: { type: 'string', format: 'binary' },
                  description: 'Audio files (WAV, FLAC, MP3, Ogg), one or many.',
                },
              },
            },
          } as typeof schema,
          url,
        };
      }
      return { schema, url };
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });
  await app.register(fastifyMultipart, {
    limits: {
      fileSize: limits.fileBytes,
      files: limits.files,
      fields: 20,
      fieldSize: 64 * 1024,
      parts: limits.files + 20,
    },
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = errorResponse(error);
    if (status >= 500) request.log.error(error);
    reply.status(status).send(body);
  });
  app.setNotFoundHandler((request, reply) => {
    reply.status(404).send({
      error: { code: 'NOT_FOUND', message: `No route ${request.method} ${request.url}.`, details: {} },
    });
  });

  const errorSchema = {
    type: 'object',
    properties: {
      error: {
        type: 'object',
        properties: {
          code: { type: 'string' },
          message: { type: 'string' },
          details: { type: 'object', additionalProperties: true },
        },
      },
    },
  };
  const classifyQuery = {
    type: 'object',
    properties: {
      model: { type: 'string', description: 'Model name from GET /models (default "default").' },
      models: { type: 'string', description: 'Weighted ensemble, e.g. "a.onnx:2,b.onnx:1".' },
      thresholds: { type: 'string', description: 'One threshold ("0.4") or per code ("pia=0.3,voi=0.6").' },
      topK: { type: 'integer', minimum: 1 },
      aggregation: { type: 'string', enum: ['max', 'mean', 'attention'] },
      timeline: { type: 'boolean', description: 'Include the per-window timeline (default false).' },
    },
  };

  app.get(
    '/health',
    {
      schema: {
        summary: 'Liveness',
        description:
          'Requests running (`active`, evaluations included) and queued (`waiting`), and files being decoded and ' +
          'classified (`classifying`: uploads and files of running evaluations); `evaluations`: evaluations ' +
          'holding or waiting for their gate (at most concurrency − 1 run). Answers during big ' +
          'classifications and evaluations: that work runs on worker threads.',
        tags: ['service'],
      },
    },
    async () => ({ status: 'ok', ...queue.stats, classifying, evaluations: evaluations.stats }),
  );
  app.get(
    '/ready',
    {
      schema: {
        summary: 'Readiness: a model is available and loads',
        description:
          'The first call loads the default (or first) model on a worker thread; later calls answer from that result.',
        tags: ['service'],
      },
    },
    async (_req, reply) => {
      try {
        const models = await registry.list();
        if (models.length === 0)
          throw new ServiceError(
            503,
            'NOT_READY',
            'No model is available; start with --model or --models-dir.',
          );
        await ensureLoaded(models[0]!.path);
        return { ready: true, models: models.length };
      } catch (error) {
        const { body } = errorResponse(error);
        return reply.status(503).send(body);
      }
    },
  );

  app.get('/models', { schema: { summary: 'Available models', tags: ['models'] } }, async () => {
    registry.refresh();
    const models = await registry.list();
    return {
      models: models.map((m) => ({
        name: m.name,
        title: m.metadata.name,
        instruments: m.metadata.instruments.map((i) => i.code),
        sampleRate: m.metadata.sampleRate,
        windowSeconds: m.metadata.window.seconds,
        thresholds: m.metadata.thresholds,
      })),
    };
  });

  app.get<{ Params: { '*': string } }>(
    '/models/file/*',
    { schema: { summary: 'Download a model file (for the browser app)', tags: ['models'] } },
    async (request, reply) => {
      const entry = await registry.entry(request.params['*']);
      const { createReadStream } = await import('node:fs');
      return reply.type('application/octet-stream').send(createReadStream(entry.path));
    },
  );

  /** Options of classify requests: query string first, then multipart fields that came before the files. */
  const classifyOptionsFrom = (
    q: ClassifyQuery,
  ): ClassifyOptions & { spec: { name: string; weight: number }[]; timeline: boolean } => {
    let thresholds: ClassifyOptions['thresholds'];
    if (q.thresholds !== undefined && q.thresholds !== '') {
      if (q.thresholds.includes('=')) {
        thresholds = Object.fromEntries(
          q.thresholds.split(',').map((p) => {
            const [k, v] = p.split('=');
            return [k!.trim(), Number(v)];
          }),
        );
      } else thresholds = Number(q.thresholds);
    }
    const topK = q.topK === undefined || (q.topK as unknown) === '' ? undefined : Number(q.topK);
    return {
      spec: parseModelSpec(q.model, q.models),
      ...(thresholds !== undefined ? { thresholds } : {}),
      ...(topK !== undefined ? { topK } : {}),
      ...(q.aggregation ? { aggregation: q.aggregation } : {}),
      timeline: q.timeline === true || (q.timeline as unknown) === 'true',
    };
  };

  /** Classifies one upload on a worker thread; errors arrive as the status and body they map to. */
  const classifyBytes = async (
    bytes: Uint8Array,
    filename: string,
    o: ReturnType<typeof classifyOptionsFrom>,
    signal?: AbortSignal,
  ): Promise<ClassificationResult> => {
    const { spec, timeline, ...classifyOptions } = o;
    const members = await Promise.all(
      spec.map(async (m) => ({ path: (await registry.entry(m.name)).path, weight: m.weight })),
    );
    signal?.throwIfAborted();
    classifying++;
    let r: ClassifyTaskResult;
    try {
      r = await runTask({
        kind: 'upload',
        bytes,
        filename,
        maxSeconds: limits.seconds,
        members,
        options: classifyOptions,
        timeline,
        threads,
      });
    } finally {
      classifying--;
    }
    if (!r.ok) throw new WorkerTaskError(r.status, r.body, r.stack);
    return r.result;
  };

  /** Iterates the uploaded files one at a time (bounded memory), reading form fields met before them. */
  async function* uploads(request: FastifyRequest<{ Querystring: ClassifyQuery }>) {
    if (!request.isMultipart()) {
      throw new ServiceError(
        415,
        'BAD_REQUEST',
        'Send audio files as multipart/form-data (field name "file" or any).',
      );
    }
    const fields: Record<string, string> = {};
    let count = 0;
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      const bytes = new Uint8Array(await part.toBuffer());
      count++;
      yield {
        filename: part.filename || `file${count}`,
        bytes,
        options: classifyOptionsFrom({ ...fields, ...request.query } as ClassifyQuery),
      };
    }
    if (count === 0) throw new ServiceError(400, 'BAD_REQUEST', 'No files in the upload.');
  }

  const perFileError = (error: unknown) => errorResponse(error);

  app.post<{ Querystring: ClassifyQuery }>(
    '/classify',
    {
      schema: {
        summary: 'Classify uploaded audio files',
        description:
          'multipart/form-data with one or more audio files (format sniffed from the bytes). Options in the query ' +
          'string or as form fields before the files. Each file gets a result or an error; the status is 200 when ' +
          "at least one file succeeded, else the first error's status.",
        tags: ['classify'],
        consumes: ['multipart/form-data'],
        querystring: classifyQuery,
        response: { 429: errorSchema, 413: errorSchema, 415: errorSchema },
      },
    },
    async (request, reply) => {
      return await runBounded(
        queue,
        async (signal) => {
          const results: ({ file: string } & (ClassificationResult | { error: unknown }))[] = [];
          let firstError: ReturnType<typeof errorResponse> | undefined;
          for await (const u of uploads(request)) {
            signal.throwIfAborted();
            try {
              results.push({
                file: u.filename,
                ...(await classifyBytes(u.bytes, u.filename, u.options, signal)),
              });
            } catch (error) {
              const r = perFileError(error);
              if (signal.aborted || (r.status >= 500 && !(error instanceof ServiceError))) throw error;
              firstError ??= r;
              results.push({ file: u.filename, ...r.body });
            }
          }
          const ok = results.some((r) => !('error' in r));
          if (!ok && firstError) {
            return reply.status(firstError.status).send({ ...firstError.body, results });
          }
          return { results };
        },
        timeoutMs,
        'Classification',
      );
    },
  );

  app.post<{ Querystring: ClassifyQuery }>(
    '/classify/stream',
    {
      schema: {
        summary: 'Classify uploaded files, streaming one NDJSON line per file',
        description:
          'As POST /classify, but the response is application/x-ndjson: one `{file, …result}` or `{file, error}` line per file as it finishes.',
        tags: ['classify'],
        consumes: ['multipart/form-data'],
        querystring: classifyQuery,
      },
    },
    async (request, reply) => {
      const release = await queue.acquire();
      if (!request.isMultipart()) {
        release();
        throw new ServiceError(415, 'BAD_REQUEST', 'Send audio files as multipart/form-data.');
      }
      const out = new PassThrough();
      const controller = new AbortController();
      const deadline = setTimeout(() => {
        controller.abort();
        out.write(
          `${JSON.stringify({ error: { code: 'TIMEOUT', message: `Classification took longer than ${timeoutMs} ms.`, details: {} } })}\n`,
        );
        out.end();
      }, timeoutMs);
      (async () => {
        try {
          for await (const u of uploads(request)) {
            if (out.writableEnded) break;
            try {
              out.write(
                `${JSON.stringify({ file: u.filename, ...(await classifyBytes(u.bytes, u.filename, u.options, controller.signal)) })}\n`,
              );
            } catch (error) {
              if (out.writableEnded) break;
              out.write(`${JSON.stringify({ file: u.filename, ...errorResponse(error).body })}\n`);
            }
          }
        } catch (error) {
          if (!out.writableEnded) out.write(`${JSON.stringify(errorResponse(error).body)}\n`);
        } finally {
          clearTimeout(deadline);
          release();
          if (!out.writableEnded) out.end();
        }
      })();
      return reply.type('application/x-ndjson').send(out);
    },
  );

  const inside = (root: string, p: string) => {
    const rel = relative(root, p);
    return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
  };
  let realRootsCache: Promise<string[]> | undefined;
  const realRoots = () => {
    realRootsCache ??= Promise.all(roots.map((r) => realpath(r).catch(() => r)));
    return realRootsCache;
  };

  /** Resolves a dataset path inside one of the roots; refuses anything that escapes them (also via symlinks). */
  const datasetPath = async (input: string): Promise<string> => {
    if (typeof input !== 'string' || input === '' || input.includes('\0')) {
      throw new ServiceError(400, 'BAD_REQUEST', 'dataset must be a non-empty path.', { key: 'dataset' });
    }
    if (roots.length === 0)
      throw new ServiceError(
        403,
        'FORBIDDEN_PATH',
        'This server has no data roots; start it with --data-root.',
        { dataset: input },
      );
    const candidates = roots.map((r) => [r, isAbsolute(input) ? resolve(input) : resolve(r, input)] as const);
    const lexical = candidates.filter(([r, p]) => inside(r, p));
    if (lexical.length === 0) {
      throw new ServiceError(
        403,
        'FORBIDDEN_PATH',
        `The dataset path "${input}" is outside the server's data roots.`,
        { dataset: input },
      );
    }
    let escaped = false;
    for (const [root, p] of lexical) {
      const real = await realpath(p).catch(() => undefined);
      if (!real) continue;
      if (inside(await realpath(root), real)) return real;
      escaped = true;
    }
    if (escaped) {
      throw new ServiceError(
        403,
        'FORBIDDEN_PATH',
        `The dataset path "${input}" leaves the data roots through a link.`,
        { dataset: input },
      );
    }
    throw new ServiceError(404, 'NOT_FOUND', `No dataset "${input}" under the data roots.`, {
      dataset: input,
    });
  };

  /**
   * Refuses (403) an audio file a dataset lists that lies outside the roots, lexically or through a link.
   * Missing files pass: the evaluation reports them as skipped, as `instr eval` does.
   */
  const fileInsideRoots = async (file: string, dataset: string): Promise<void> => {
    const refuse = (how: string) =>
      new ServiceError(403, 'FORBIDDEN_PATH', `The dataset "${dataset}" lists "${file}", ${how}.`, {
        dataset,
        file,
      });
    const p = resolve(file);
    if (!roots.some((r) => inside(r, p))) throw refuse("which is outside the server's data roots");
    const real = await realpath(p).catch(() => undefined);
    if (real && !(await realRoots()).some((r) => inside(r, real)))
      throw refuse('which leaves the data roots through a link');
  };

  app.post<{
    Body: {
      dataset: string;
      model?: string;
      thresholds?: number | Record<string, number>;
      aggregation?: 'max' | 'mean' | 'attention';
      ignoreUnknownLabels?: boolean;
    };
  }>(
    '/evaluate',
    {
      schema: {
        summary: 'Evaluate a model on a labelled dataset under the data roots',
        description:
          'dataset: a CSV manifest (file,labels) or an IRMAS test-layout folder, relative to a data root.',
        tags: ['evaluate'],
        body: {
          type: 'object',
          required: ['dataset'],
          properties: {
            dataset: { type: 'string' },
            model: { type: 'string' },
            thresholds: {
              oneOf: [
                { type: 'number', minimum: 0, maximum: 1 },
                { type: 'object', additionalProperties: { type: 'number' } },
              ],
            },
            aggregation: { type: 'string', enum: ['max', 'mean', 'attention'] },
            ignoreUnknownLabels: { type: 'boolean' },
          },
        },
        response: { 403: errorSchema, 404: errorSchema, 429: errorSchema },
      },
    },
    async (request) => {
      const body = request.body;
      const path = await datasetPath(body.dataset);
      // The evaluation gate is held until the work itself ends (past a 504 too, like the slot).
      const releaseGate = await evaluations.acquire();
      let started = false;
      try {
        return await runBounded(
          queue,
          async (signal) => {
            started = true;
            try {
              const items = await loadEvalDataset(path);
              // A manifest may list absolute or `../` paths: every audio file must resolve inside the roots too.
              for (const item of items) await fileInsideRoots(item.file, body.dataset);
              const entry = await registry.entry(body.model ?? 'default');
              // Loading fails the request (500 MODEL), as before; a file that fails is skipped.
              await ensureLoaded(entry.path);
              // Each file is read, decoded, turned into features and classified on a worker thread, one at a
              // time (this request holds one slot); the main thread only gathers the scores and the metrics.
              // The evaluation stops before its next file once the timeout has answered 504.
              const model = {
                instruments: InstrumentSet.fromJSON(entry.metadata.instruments),
                metadata: entry.metadata,
                classifyFile: async (file: string, o: ClassifyOptions): Promise<ClassificationResult> => {
                  classifying++;
                  let r: ClassifyTaskResult;
                  try {
                    r = await runTask({ kind: 'file', path: file, model: entry.path, options: o, threads });
                  } finally {
                    classifying--;
                  }
                  if (!r.ok) throw new EvaluatedFileError(r.message);
                  return r.result;
                },
              };
              const r = await evaluateDataset(
                model,
                items,
                {
                  ...(body.thresholds !== undefined ? { threshold: body.thresholds } : {}),
                  ...(body.aggregation ? { aggregation: body.aggregation } : {}),
                  ignoreUnknownLabels: body.ignoreUnknownLabels,
                },
                // Per-file errors skip the file (as `instr eval`); a dead worker or shutdown ends the request.
                { signal, fatal: (e) => !(e instanceof EvaluatedFileError) },
              );
              const ev = r.evaluation;
              const rootOf = (f: string) => {
                const root = roots.find((x) => !relative(x, f).startsWith('..'));
                return root ? relative(root, f) : f;
              };
              return {
                dataset: body.dataset,
                model: entry.metadata.name,
                files: ev.numExamples,
                skipped: r.files
                  .filter((f) => f.error)
                  .map((f) => ({ file: rootOf(f.file), error: f.error })),
                thresholds: ev.thresholds,
                summary: ev.summary,
                perClass: ev.perClass,
              };
            } finally {
              releaseGate();
            }
          },
          timeoutMs,
          'Evaluation',
        );
      } finally {
        if (!started) releaseGate();
      }
    },
  );

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const appDir = options.appDir === false ? undefined : (options.appDir ?? defaultAppDir());
  await app.register(fastifyStatic, {
    root: ortWebDistDir(),
    prefix: '/ort/',
    decorateReply: false,
    index: false,
  });
  if (appDir && existsSync(join(appDir, 'index.html'))) {
    await app.register(fastifyStatic, { root: appDir, prefix: '/', decorateReply: false });
  } else if (appDir) {
    app.get('/', { schema: { hide: true } }, async (_req, reply) =>
      reply
        .type('text/html')
        .send(
          '<!doctype html><title>instr</title><p>The browser app is not built; run <code>pnpm --filter @instr/cli build</code>.</p>',
        ),
    );
  }
  return app;
}
