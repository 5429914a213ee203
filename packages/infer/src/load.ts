import { ModelError, type ModelMetadata } from '@instr/core';
import type { InferenceSession } from 'onnxruntime-common';
import { Classifier } from './classifier.js';
import { readModelMetadata } from './onnx-metadata.js';
import type { OrtRuntime } from './runtime.js';

/**
 * Options of `loadClassifier` (both entries).
 * @example
 * ```ts
 * // One ONNX Runtime thread, e.g. one classifier per worker thread:
 * const options: LoadOptions = { sessionOptions: { intraOpNumThreads: 1, interOpNumThreads: 1 } };
 * const classifier = await loadClassifier(undefined, options);
 * ```
 */
export interface LoadOptions {
  /** onnxruntime session options (threads, execution providers…). Default: all cores, CPU / wasm. */
  sessionOptions?: InferenceSession.SessionOptions;
}

/**
 * Creates a classifier from model bytes on a given onnxruntime module: what both entries'
 * `loadClassifier` call. Rarely needed directly (e.g. to run the browser runtime in Node for a test).
 * @throws {@link ModelError} if the bytes are not an instr model or onnxruntime cannot load them.
 * @example
 * ```ts
 * import * as ort from 'onnxruntime-web';
 * const classifier = await classifierFromBytes(ort, bytes, {}, 'my-model.onnx');
 * ```
 * @internal
 */
export async function classifierFromBytes<C extends Classifier = Classifier>(
  runtime: OrtRuntime,
  bytes: Uint8Array,
  options: LoadOptions = {},
  source = 'model',
  Kind: new (
    session: InferenceSession,
    metadata: ModelMetadata,
    runtime: OrtRuntime,
  ) => C = Classifier as never,
): Promise<C> {
  const metadata = readModelMetadata(bytes);
  let session: InferenceSession;
  try {
    session = await runtime.InferenceSession.create(bytes, options.sessionOptions);
  } catch (cause) {
    throw new ModelError(`onnxruntime could not load ${source}: ${(cause as Error)?.message ?? cause}`, {
      cause,
      details: { file: source },
    });
  }
  if (!session.inputNames.includes(metadata.io.input) || !session.outputNames.includes(metadata.io.output)) {
    await session.release();
    throw new ModelError(
      `${source} declares input "${metadata.io.input}" and output "${metadata.io.output}" but has inputs [${session.inputNames}] and outputs [${session.outputNames}].`,
      { details: { file: source } },
    );
  }
  return new Kind(session, metadata, runtime);
}
