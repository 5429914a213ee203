/**
 * @packageDocumentation
 * Node-only file helpers of `@instr/models` (import from `@instr/models/node`): atomic checkpoint and model
 * writes.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IOError } from '@instr/core';
import type { EncodedModel } from '../onnx/encode.js';

async function atomicWrite(path: string, data: Uint8Array): Promise<void> {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    await writeFile(tmp, data);
    await rename(tmp, path);
  } catch (cause) {
    throw new IOError(`Could not write ${path}: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
}

/**
 * Writes checkpoint bytes (from `TrainSession.saveCheckpoint()`) atomically (temp file + rename).
 * @example
 * ```ts
 * await saveCheckpointFile('runs/a/step-1000.ckpt', session.saveCheckpoint({ epoch }));
 * ```
 */
export async function saveCheckpointFile(path: string, bytes: Uint8Array): Promise<void> {
  await atomicWrite(path, bytes);
}

/**
 * Reads a checkpoint file for `TrainSession.loadCheckpoint()`.
 * @example
 * ```ts
 * session.loadCheckpoint(await loadCheckpointFile('runs/a/step-1000.ckpt'));
 * ```
 */
export async function loadCheckpointFile(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (cause) {
    throw new IOError(`Could not read checkpoint ${path}: ${(cause as Error).message}`, {
      cause,
      details: { file: path },
    });
  }
}

/**
 * Writes an encoded model and, if it has one, its external-data file (at the relative location recorded in
 * the model, beside `path`), each atomically.
 * @example
 * ```ts
 * await writeModelFiles('model.onnx', session.exportInference({ externalData: { location: 'model.onnx.data' } }));
 * ```
 */
export async function writeModelFiles(path: string, encoded: EncodedModel): Promise<void> {
  if (encoded.externalData)
    await atomicWrite(join(dirname(path), encoded.externalData.location), encoded.externalData.data);
  await atomicWrite(path, encoded.model);
}
