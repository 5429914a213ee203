/**
 * Worker of `instr tag`: one per thread, each with its own classifier (loaded once), classifying one file
 * per task. Run by piscina.
 */
import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ClassificationResult, ClassifyOptions, NodeClassifier } from '@instr/infer';
import { loadClassifier } from '@instr/infer';
import { errorInfo, type ErrorInfo } from '../output.js';

/** A task: classify `file` (absolute) and optionally write its sidecar. */
export interface TagTask {
  file: string;
  name: string;
  model: string | undefined;
  options: ClassifyOptions;
  sidecar: boolean;
  timeline: boolean;
}

export type TagTaskResult = { ok: true; result: ClassificationResult } | { ok: false; error: ErrorInfo };

let loaded: { model: string | undefined; classifier: Promise<NodeClassifier> } | undefined;

function classifierFor(model: string | undefined): Promise<NodeClassifier> {
  if (!loaded || loaded.model !== model) {
    // One intra-op thread per worker: the pool already uses one thread per core.
    loaded = {
      model,
      classifier: loadClassifier(model, { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } }),
    };
  }
  return loaded.classifier;
}

export default async function tagFile(task: TagTask): Promise<TagTaskResult> {
  try {
    const classifier = await classifierFor(task.model);
    const result = await classifier.classifyFile(task.file, { ...task.options, source: task.name });
    const stored = task.timeline ? result : { ...result, timeline: [] };
    if (task.sidecar) await writeJsonAtomic(`${task.file}.instr.json`, stored);
    return { ok: true, result: stored };
  } catch (error) {
    return { ok: false, error: errorInfo(error) };
  }
}

/** Writes JSON to a temporary file beside `path`, then renames it over `path`. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
