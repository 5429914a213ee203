/**
 * Worker of the HTTP service: decodes one uploaded file (or one file of a dataset `/evaluate` reads),
 * computes its features and runs the model(s), off the event loop; also loads a model for `/ready`. Run
 * by piscina (one classifier per model and thread, loaded on first use); the service calls
 * {@link runServerTask} directly when it runs without worker threads.
 */
import { UnsupportedFormatError } from '@instr/core';
import { decodeAudio, readAudioInfo, sniffAudioFormat } from '@instr/dsp';
import {
  type ClassificationResult,
  type ClassifyOptions,
  classifyEnsemble,
  loadClassifier,
  type NodeClassifier,
} from '@instr/infer';
import { type ErrorBody, errorResponse, ServiceError } from './errors.js';

/** One uploaded file to classify. */
export interface ClassifyTask {
  kind?: 'upload';
  /** The file's bytes (transferred to the worker, not copied). */
  bytes: Uint8Array;
  filename: string;
  /** Longest audio accepted, in seconds (413 `AUDIO_TOO_LONG` beyond). */
  maxSeconds: number;
  /** Model files and weights: one for a single model, several for a weighted ensemble. */
  members: { path: string; weight: number }[];
  options: Omit<ClassifyOptions, 'source'>;
  /** Keep the per-window timeline in the result. */
  timeline: boolean;
  /** onnxruntime intra-op threads per model. */
  threads: number;
}

/**
 * One file of a dataset under the data roots, classified as `instr eval` does (`classifyFile`: read and
 * decoded whole, no duration limit), for `POST /evaluate`.
 */
export interface FileTask {
  kind: 'file';
  /** Absolute path (the service checked the dataset is under its data roots). */
  path: string;
  /** The model file. */
  model: string;
  options: Omit<ClassifyOptions, 'source'>;
  /** onnxruntime intra-op threads per model. */
  threads: number;
}

/** Loads a model (or finds it loaded) on this thread, for `GET /ready` and before an evaluation. */
export interface LoadTask {
  kind: 'load';
  model: string;
  threads: number;
}

/** Any task of the service's worker threads. */
export type ServerTask = ClassifyTask | FileTask | LoadTask;

/** A result, or the error as the service renders it (errors cannot cross threads with their class). */
export type ClassifyTaskResult =
  | { ok: true; result: ClassificationResult }
  | {
      ok: false;
      status: number;
      body: ErrorBody;
      stack?: string;
      /** The error's own message (for a 500 the body only says "Internal error"). */
      message: string;
    };

/** What a {@link LoadTask} answers. */
export type LoadTaskResult = { ok: true; result: null } | Extract<ClassifyTaskResult, { ok: false }>;

/** What a task of each kind answers. */
export type ServerTaskResult<T extends ServerTask> = T extends LoadTask ? LoadTaskResult : ClassifyTaskResult;

/** Classifiers loaded on first use, one per model file and thread count. */
class ClassifierCache {
  private readonly loaded = new Map<string, Promise<NodeClassifier>>();

  get(path: string, threads: number): Promise<NodeClassifier> {
    const key = `${threads}:${path}`;
    let c = this.loaded.get(key);
    if (!c) {
      c = loadClassifier(path, { sessionOptions: { intraOpNumThreads: threads, interOpNumThreads: 1 } });
      c.catch(() => this.loaded.delete(key));
      this.loaded.set(key, c);
    }
    return c;
  }

  async dispose(): Promise<void> {
    const all = [...this.loaded.values()];
    this.loaded.clear();
    for (const c of all) await (await c.catch(() => undefined))?.dispose();
  }
}

/**
 * A {@link runServerTask} with its own classifiers, for a service that runs without worker threads.
 * @example
 * ```ts
 * const local = uploadClassifier();
 * const r = await local.run(task);
 * await local.dispose();
 * ```
 */
export function uploadClassifier(): {
  run<T extends ServerTask>(task: T): Promise<ServerTaskResult<T>>;
  dispose(): Promise<void>;
} {
  const cache = new ClassifierCache();
  return { run: (task) => runServerTask(task, cache), dispose: () => cache.dispose() };
}

/** The classifiers of this worker thread. */
const threadCache = new ClassifierCache();

/**
 * Sniffs, checks the duration of, decodes and classifies one upload. Never throws: errors come back as
 * `{ ok: false, status, body }`, exactly what the service would answer for them.
 * @example
 * ```ts
 * const r = await classifyUpload({ bytes, filename: 'a.wav', maxSeconds: 600, members: [{ path: 'model.onnx', weight: 1 }], options: {}, timeline: false, threads: 1 });
 * if (r.ok) console.log(r.result.labels);
 * ```
 */
export async function classifyUpload(
  task: ClassifyTask,
  cache: ClassifierCache = threadCache,
): Promise<ClassifyTaskResult> {
  return runServerTask(task, cache);
}

/**
 * Runs one task of any kind: an upload ({@link ClassifyTask}), a dataset file ({@link FileTask}) or a model
 * load ({@link LoadTask}). Never throws: errors come back as `{ ok: false, status, body, message }`.
 * @example
 * ```ts
 * const r = await runServerTask({ kind: 'file', path: '/data/a.flac', model: 'model.onnx', options: {}, threads: 1 });
 * if (r.ok) console.log(r.result.instruments);
 * ```
 */
export async function runServerTask<T extends ServerTask>(
  task: T,
  cache: ClassifierCache = threadCache,
): Promise<ServerTaskResult<T>> {
  try {
    return { ok: true, result: await perform(task, cache) } as ServerTaskResult<T>;
  } catch (error) {
    const { status, body } = errorResponse(error);
    return {
      ok: false,
      status,
      body,
      message: error instanceof Error ? error.message : String(error),
      ...(status >= 500 && error instanceof Error && error.stack ? { stack: error.stack } : {}),
    } as ServerTaskResult<T>;
  }
}

async function perform(task: ServerTask, cache: ClassifierCache): Promise<ClassificationResult | null> {
  if (task.kind === 'load') {
    await cache.get(task.model, task.threads);
    return null;
  }
  if (task.kind === 'file') {
    // Exactly what `instr eval` does per file; the timeline is not needed for the metrics.
    const c = await cache.get(task.model, task.threads);
    const result = await c.classifyFile(task.path, task.options);
    return { ...result, timeline: [] };
  }
  return classify(task, cache);
}

async function classify(task: ClassifyTask, cache: ClassifierCache): Promise<ClassificationResult> {
  const { bytes, filename, maxSeconds } = task;
  if (!sniffAudioFormat(bytes)) {
    throw new UnsupportedFormatError(
      `${filename} is not audio instr can decode (WAV, FLAC, MP3, Ogg Vorbis/Opus); its content was checked, not its name or type.`,
      { details: { file: filename } },
    );
  }
  const info = await readAudioInfo(bytes, { source: filename });
  if (info.duration > maxSeconds) {
    throw new ServiceError(
      413,
      'AUDIO_TOO_LONG',
      `${filename} is ${info.duration.toFixed(1)} s long; the limit is ${maxSeconds} s.`,
      { file: filename, actual: info.duration, expected: maxSeconds },
    );
  }
  const audio = await decodeAudio(bytes, { source: filename, duration: maxSeconds });
  const options = { ...task.options, source: filename };
  let result: ClassificationResult;
  if (task.members.length === 1) {
    const c = await cache.get(task.members[0]!.path, task.threads);
    result = await c.classify(audio, options);
  } else {
    const members = await Promise.all(
      task.members.map(async (m) => ({
        classifier: await cache.get(m.path, task.threads),
        weight: m.weight,
      })),
    );
    const { members: _m, ...r } = await classifyEnsemble(members, audio, options);
    result = r;
  }
  return task.timeline ? result : { ...result, timeline: [] };
}

/** The piscina entry: one upload, dataset file or model load per task. */
export default function run<T extends ServerTask>(task: T): Promise<ServerTaskResult<T>> {
  return runServerTask(task);
}
