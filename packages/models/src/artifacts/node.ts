/**
 * @packageDocumentation
 * Node-only file helpers of `@instr/models` (import from `@instr/models/node`): atomic checkpoint and model
 * writes, int8 quantization of a model file.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IOError } from '@instr/core';
import type { EncodedModel } from '../onnx/encode.js';
import {
  externalLocation,
  type QuantizeOptions,
  type QuantizeResult,
  quantizeInferenceModel,
} from '../quantize/quantize.js';

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

/**
 * Quantizes an ONNX inference model file with {@link quantizeInferenceModel} (int8 weights, per-channel
 * `DequantizeLinear`) and writes the result atomically to `outPath` (temp file + rename; `outPath` may equal
 * `inPath`). External data referenced by the model (`location` relative to `inPath`) is read and inlined.
 * @example
 * ```ts
 * const { weightBytes } = await quantizeModelFile('model.onnx', 'model.int8.onnx');
 * ```
 */
export async function quantizeModelFile(
  inPath: string,
  outPath: string,
  options: QuantizeOptions = {},
): Promise<QuantizeResult> {
  let model: Uint8Array;
  try {
    model = new Uint8Array(await readFile(inPath));
  } catch (cause) {
    throw new IOError(`Could not read model ${inPath}: ${(cause as Error).message}`, {
      cause,
      details: { file: inPath },
    });
  }
  const location = externalLocation(model);
  let externalData: EncodedModel['externalData'];
  if (location) {
    const file = join(dirname(inPath), location);
    try {
      externalData = { location, data: new Uint8Array(await readFile(file)) };
    } catch (cause) {
      throw new IOError(
        `Could not read the external data ${file} of ${inPath}: ${(cause as Error).message}`,
        {
          cause,
          details: { file },
        },
      );
    }
  }
  const result = quantizeInferenceModel(externalData ? { model, externalData } : model, options);
  await atomicWrite(outPath, result.model);
  return result;
}
